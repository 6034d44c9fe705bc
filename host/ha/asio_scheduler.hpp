// espgw::Scheduler (host/common/scheduler.hpp) over Boost.Asio steady timers, for daemons and
// the netns tests; unit tests use ManualScheduler instead. Single-threaded: every callback
// runs on the io_context's thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <map>
#include <memory>

#include "host/common/scheduler.hpp"

namespace espgw::ha {

class AsioScheduler final : public Scheduler {
 public:
  explicit AsioScheduler(boost::asio::io_context& io) : io_(io) {}
  ~AsioScheduler() override;
  TimePoint now() const override { return Clock::now(); }
  TimerId schedule(std::chrono::milliseconds delay, std::function<void()> fn) override;
  void cancel(TimerId id) override;

 private:
  boost::asio::io_context& io_;
  TimerId next_id_ = 1;
  std::map<TimerId, std::unique_ptr<boost::asio::steady_timer>> timers_;
};

}  // namespace espgw::ha

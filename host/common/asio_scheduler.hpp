// The daemon's Scheduler (scheduler.hpp) over a Boost.Asio io_context: each timer is a
// steady_timer; callbacks run on the io_context's thread. Header-only, so espgw_common needs
// no Boost link; users link Boost::headers.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <map>
#include <memory>

#include "host/common/scheduler.hpp"

namespace espgw {

class AsioScheduler final : public Scheduler {
 public:
  explicit AsioScheduler(boost::asio::io_context& io) : io_(io) {}
  ~AsioScheduler() override {
    for (auto& [id, t] : timers_) t->cancel();
  }
  TimePoint now() const override { return Clock::now(); }
  TimerId schedule(std::chrono::milliseconds delay, std::function<void()> fn) override {
    TimerId id = next_id_++;
    auto timer = std::make_shared<boost::asio::steady_timer>(io_, delay);
    timers_.emplace(id, timer);
    timer->async_wait([this, id, timer, fn = std::move(fn)](const boost::system::error_code& ec) {
      if (ec) return;  // cancelled
      timers_.erase(id);
      fn();
    });
    return id;
  }
  void cancel(TimerId id) override {
    auto it = timers_.find(id);
    if (it == timers_.end()) return;
    it->second->cancel();
    timers_.erase(it);
  }

 private:
  boost::asio::io_context& io_;
  TimerId next_id_ = 1;
  std::map<TimerId, std::shared_ptr<boost::asio::steady_timer>> timers_;
};

}  // namespace espgw

// Time and timers behind one interface (STYLE.md "host/ike": ike_timers owns every deadline
// through it): the daemon implements it over Boost.Asio, tests use ManualScheduler and
// advance time by hand, so a 3600 s lifetime test runs in microseconds without sleeping.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>

namespace espgw {

class Scheduler {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;
  using TimerId = std::uint64_t;  // 0 is never a valid id

  virtual ~Scheduler() = default;
  virtual TimePoint now() const = 0;
  // Runs `fn` once after `delay`; returns an id for cancel().
  virtual TimerId schedule(std::chrono::milliseconds delay, std::function<void()> fn) = 0;
  // Cancelling an id that already fired or was cancelled is a no-op.
  virtual void cancel(TimerId id) = 0;
};

// Deterministic scheduler for tests: time moves only in advance(), timers fire in deadline
// order (ties in scheduling order), and a callback may schedule or cancel others.
class ManualScheduler final : public Scheduler {
 public:
  TimePoint now() const override { return now_; }
  TimerId schedule(std::chrono::milliseconds delay, std::function<void()> fn) override;
  void cancel(TimerId id) override;
  // Moves time forward by `by`, firing every timer due on the way; returns how many fired.
  std::size_t advance(std::chrono::milliseconds by);
  std::size_t pending() const { return timers_.size(); }

 private:
  struct Key {
    TimePoint when;
    TimerId id;
    bool operator<(const Key& o) const { return when != o.when ? when < o.when : id < o.id; }
  };
  TimePoint now_{};
  TimerId next_id_ = 1;
  std::map<Key, std::function<void()>> timers_;
  std::map<TimerId, TimePoint> index_;
};

}  // namespace espgw

// ManualScheduler: the test clock (see scheduler.hpp).
#include "host/common/scheduler.hpp"

namespace espgw {

Scheduler::TimerId ManualScheduler::schedule(std::chrono::milliseconds delay, std::function<void()> fn) {
  TimerId id = next_id_++;
  TimePoint when = now_ + delay;
  timers_.emplace(Key{when, id}, std::move(fn));
  index_.emplace(id, when);
  return id;
}

void ManualScheduler::cancel(TimerId id) {
  auto it = index_.find(id);
  if (it == index_.end()) return;
  timers_.erase(Key{it->second, id});
  index_.erase(it);
}

std::size_t ManualScheduler::advance(std::chrono::milliseconds by) {
  TimePoint end = now_ + by;
  std::size_t fired = 0;
  while (!timers_.empty() && timers_.begin()->first.when <= end) {
    auto node = timers_.extract(timers_.begin());
    index_.erase(node.key().id);
    now_ = node.key().when;
    node.mapped()();
    ++fired;
  }
  now_ = end;
  return fired;
}

}  // namespace espgw

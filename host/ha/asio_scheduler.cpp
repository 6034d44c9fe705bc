// AsioScheduler (see asio_scheduler.hpp).
#include "host/ha/asio_scheduler.hpp"

namespace espgw::ha {

AsioScheduler::~AsioScheduler() {
  for (auto& [id, timer] : timers_) timer->cancel();
}

Scheduler::TimerId AsioScheduler::schedule(std::chrono::milliseconds delay, std::function<void()> fn) {
  TimerId id = next_id_++;
  auto timer = std::make_unique<boost::asio::steady_timer>(io_, delay);
  timer->async_wait([this, id, fn = std::move(fn)](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled
    timers_.erase(id);
    fn();
  });
  timers_.emplace(id, std::move(timer));
  return id;
}

void AsioScheduler::cancel(TimerId id) {
  // Destroying a timer cancels its wait; the handler then runs with operation_aborted and
  // touches nothing.
  timers_.erase(id);
}

}  // namespace espgw::ha

// HsrpGroupDriver (see hsrp_group_driver.hpp).
#include "host/ha/hsrp_group_driver.hpp"

namespace espgw::ha {

HsrpGroupDriver::HsrpGroupDriver(Scheduler& scheduler, HsrpGroupConfig config, Sink sink)
    : scheduler_(scheduler), fsm_(std::move(config)), sink_(std::move(sink)) {}

HsrpGroupDriver::~HsrpGroupDriver() {
  if (timer_ != 0) scheduler_.cancel(timer_);
}

void HsrpGroupDriver::enable() { run(fsm_.enable(scheduler_.now())); }
void HsrpGroupDriver::disable() { run(fsm_.disable(scheduler_.now())); }
void HsrpGroupDriver::on_packet(std::span<const std::uint8_t> bytes, std::uint32_t source) {
  run(fsm_.on_packet(bytes, source, scheduler_.now()));
}
void HsrpGroupDriver::on_track(int object, bool up) { run(fsm_.on_track(object, up, scheduler_.now())); }

void HsrpGroupDriver::set_active_held(bool held) { run(fsm_.set_active_held(held, scheduler_.now())); }
void HsrpGroupDriver::set_preempt_held(bool held) { run(fsm_.set_preempt_held(held, scheduler_.now())); }

void HsrpGroupDriver::fire() {
  timer_ = 0;
  run(fsm_.on_timer(scheduler_.now()));
}

void HsrpGroupDriver::run(std::vector<HsrpAction> actions) {
  for (const auto& a : actions) sink_(a);
  if (timer_ != 0) scheduler_.cancel(timer_);
  timer_ = 0;
  if (auto next = fsm_.next_deadline()) {
    auto now = scheduler_.now();
    // Round up so the timer never fires a hair early and finds nothing due.
    auto delay = std::chrono::ceil<std::chrono::milliseconds>(*next > now ? *next - now : Scheduler::Clock::duration{});
    timer_ = scheduler_.schedule(delay, [this] { fire(); });
  }
}

}  // namespace espgw::ha

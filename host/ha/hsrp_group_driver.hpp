// Runs one HsrpStateMachine against a Scheduler (host/common/scheduler.hpp): after every
// event it re-arms a single timer at the machine's next deadline, and hands each action to
// the sink (the socket front end, the VIP owner, the log). The machine stays pure; this is
// the only place its time comes from.
#pragma once

#include <functional>
#include <span>

#include "host/common/scheduler.hpp"
#include "host/ha/hsrp_state_machine.hpp"

namespace espgw::ha {

class HsrpGroupDriver {
 public:
  using Sink = std::function<void(const HsrpAction&)>;
  HsrpGroupDriver(Scheduler& scheduler, HsrpGroupConfig config, Sink sink);
  ~HsrpGroupDriver();
  HsrpGroupDriver(const HsrpGroupDriver&) = delete;
  HsrpGroupDriver& operator=(const HsrpGroupDriver&) = delete;

  void enable();
  void disable();
  void on_packet(std::span<const std::uint8_t> bytes, std::uint32_t source);
  void on_track(int object, bool up);
  // Stateful HA holds (HsrpStateMachine::set_active_held / set_preempt_held).
  void set_active_held(bool held);
  void set_preempt_held(bool held);

  const HsrpStateMachine& machine() const { return fsm_; }

 private:
  void run(std::vector<HsrpAction> actions);
  void fire();

  Scheduler& scheduler_;
  HsrpStateMachine fsm_;
  Sink sink_;
  Scheduler::TimerId timer_ = 0;
};

}  // namespace espgw::ha

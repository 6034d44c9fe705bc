// Test harness: HSRP state machines on a simulated LAN with a hand-advanced clock. Every
// kSend action reaches every other running router at once, in order; timers fire at their
// exact deadlines. Routers can crash (fall silent), shut down or be cut off (split brain).
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "host/ha/hsrp_state_machine.hpp"

namespace espgw::ha::test {

class HsrpLan {
 public:
  struct Router {
    std::unique_ptr<HsrpStateMachine> fsm;
    bool running = true;
    bool cut_off = false;  // neither sends nor hears (split brain)
    std::vector<HsrpAction> actions;  // everything it ever emitted
    std::optional<HsrpTime> became_active;
  };

  explicit HsrpLan(HsrpTime start) : now_(start) {}

  Router& add(HsrpGroupConfig cfg) {
    Router& r = routers_.emplace_back();
    r.fsm = std::make_unique<HsrpStateMachine>(std::move(cfg));
    return r;
  }
  Router& at(std::size_t i) { return routers_[i]; }
  HsrpTime now() const { return now_; }

  void enable(std::size_t i) { apply(i, routers_[i].fsm->enable(now_)); }
  void disable(std::size_t i) { apply(i, routers_[i].fsm->disable(now_)); }
  void crash(std::size_t i) { routers_[i].running = false; }
  void track(std::size_t i, int object, bool up) { apply(i, routers_[i].fsm->on_track(object, up, now_)); }
  // Stateful HA holds (what espd sets from the sync channel).
  void hold_active(std::size_t i, bool held) { apply(i, routers_[i].fsm->set_active_held(held, now_)); }
  void hold_preempt(std::size_t i, bool held) { apply(i, routers_[i].fsm->set_preempt_held(held, now_)); }

  // Injects raw bytes as if `source` sent them to router i.
  void inject(std::size_t i, const std::vector<std::uint8_t>& bytes, std::uint32_t source) {
    apply(i, routers_[i].fsm->on_packet(bytes, source, now_));
  }

  // Runs every timer due up to `until`, in time order, delivering what they send.
  void advance(std::chrono::milliseconds by) {
    HsrpTime until = now_ + by;
    for (;;) {
      std::optional<HsrpTime> next;
      for (auto& r : routers_)
        if (r.running)
          if (auto d = r.fsm->next_deadline(); d && *d <= until && (!next || *d < *next)) next = d;
      if (!next) break;
      now_ = std::max(now_, *next);
      for (std::size_t i = 0; i < routers_.size(); ++i)
        if (routers_[i].running) apply(i, routers_[i].fsm->on_timer(now_));
    }
    now_ = until;
  }

  std::size_t count_in(HsrpState s) const {
    std::size_t n = 0;
    for (const auto& r : routers_)
      if (r.running && r.fsm->state() == s) ++n;
    return n;
  }

 private:
  void apply(std::size_t from, std::vector<HsrpAction> actions) {
    std::deque<std::pair<std::size_t, HsrpAction>> queue;
    for (auto& a : actions) queue.emplace_back(from, std::move(a));
    while (!queue.empty()) {
      auto [sender, action] = std::move(queue.front());
      queue.pop_front();
      Router& s = routers_[sender];
      if (action.kind == HsrpAction::Kind::kTakeVip) s.became_active = now_;
      if (action.kind == HsrpAction::Kind::kSend && s.running && !s.cut_off) {
        for (std::size_t j = 0; j < routers_.size(); ++j) {
          if (j == sender || !routers_[j].running || routers_[j].cut_off) continue;
          for (auto& reply : routers_[j].fsm->on_packet(action.packet, s.fsm->config().local_address, now_))
            queue.emplace_back(j, std::move(reply));
        }
      }
      s.actions.push_back(std::move(action));
    }
  }

  HsrpTime now_;
  std::deque<Router> routers_;
};

}  // namespace espgw::ha::test

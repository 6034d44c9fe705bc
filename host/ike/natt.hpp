// NAT traversal (RFC 3947) as a task riding on Main Mode: the RFC 3947 vendor ID in MM1/MM2,
// NAT-D payloads in MM3/MM4 (HASH(CKY-I | CKY-R | IP | Port), the peer's address first),
// detection of which side is behind a NAT, and the decision to float to UDP 4500 from MM5
// on and to negotiate UDP-encapsulated tunnel mode (3). `force` makes every NAT-D hash of
// our own address wrong on purpose, as strongSwan's encap=yes does.
#pragma once

#include "host/ike/ike_sa.hpp"
#include "host/ike/task.hpp"

namespace espgw::ike {

class NattTask final : public Task {
 public:
  // Both roles do the same: VID in the first message, NAT-D in the second.
  NattTask(IkeSa& sa, Role /*role*/) : sa_(sa) {}
  TaskStatus build(Message& out) override;
  TaskStatus process(const Message& in) override;
  const char* name() const override { return "NATT"; }

 private:
  enum class Step { kVid, kNatD, kDone };
  // Done only once NAT-D went both ways (MM3 and MM4).
  TaskStatus finished() const {
    return build_step_ == Step::kDone && process_step_ == Step::kDone ? TaskStatus::kDone : TaskStatus::kNeedMore;
  }
  IkeSa& sa_;
  Step build_step_ = Step::kVid;
  Step process_step_ = Step::kVid;
};

// The ESP encapsulation mode Quick Mode negotiates for this SA.
EncapsulationMode encapsulation_mode(const IkeSa& sa);

}  // namespace espgw::ike

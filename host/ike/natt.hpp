// NAT traversal (RFC 3947) as a task riding on Main or Aggressive Mode: the RFC 3947 vendor
// ID in the first message each way, NAT-D payloads (HASH(CKY-I | CKY-R | IP | Port), the
// peer's address first) in MM3/MM4 or AM2/AM3, detection of which side is behind a NAT,
// and the decision to float to UDP 4500 (from MM5, or for AM3) and to negotiate
// UDP-encapsulated tunnel mode (3). `force` makes every NAT-D hash of our own address wrong
// on purpose, as strongSwan's encap=yes does.
#pragma once

#include "host/ike/ike_sa.hpp"
#include "host/ike/task.hpp"

namespace espgw::ike {

class NattTask final : public Task {
 public:
  // Main Mode: both roles send the VID in their first message and NAT-D in their second.
  // Aggressive Mode (RFC 3947 section 3.2): AM1 VID; AM2 VID and NAT-D; AM3 NAT-D.
  NattTask(IkeSa& sa, Role role, bool aggressive = false) : sa_(sa), role_(role), aggressive_(aggressive) {}
  TaskStatus build(Message& out) override;
  TaskStatus process(const Message& in) override;
  const char* name() const override { return "NATT"; }

 private:
  enum class Step { kVid, kNatD, kDone };
  // Done only once NAT-D went both ways (MM3 and MM4).
  TaskStatus finished() const {
    return build_step_ == Step::kDone && process_step_ == Step::kDone ? TaskStatus::kDone : TaskStatus::kNeedMore;
  }
  // Our two NAT-D payloads for the addresses in use now.
  std::vector<NatDPayload> nat_d() const;
  TaskStatus check_nat_d(const Message& in);
  IkeSa& sa_;
  Role role_;
  bool aggressive_;
  Step build_step_ = Step::kVid;
  Step process_step_ = Step::kVid;
  // The AM initiator's AM3 NAT-D, computed from AM1's addresses before AM3 floats to 4500.
  std::vector<NatDPayload> am3_nat_d_;
};

// The ESP encapsulation mode Quick Mode negotiates for this SA.
EncapsulationMode encapsulation_mode(const IkeSa& sa);

}  // namespace espgw::ike

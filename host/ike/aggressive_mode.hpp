// Aggressive Mode with pre-shared keys (RFC 2409 section 5.4), both roles, as a task:
// AM1 = SA, KE, Ni, IDii; AM2 = SA, KE, Nr, IDir, HASH_R; AM3 = HASH_I, encrypted under
// SKEYID_e as IOS and strongSwan send it. SKEYID and the hashes are shared with Main Mode
// (phase1.hpp). Vendor IDs ride along as their own task; NAT-D is not sent in AM.
#pragma once

#include "host/ike/ike_sa.hpp"
#include "host/ike/policy_match.hpp"
#include "host/ike/task.hpp"

namespace espgw::ike {

class AggressiveMode final : public Task {
 public:
  AggressiveMode(IkeSa& sa, Role role) : sa_(sa), role_(role) {}
  TaskStatus build(Message& out) override { return role_ == Role::kInitiator ? build_i(out) : build_r(out); }
  TaskStatus process(const Message& in) override { return role_ == Role::kInitiator ? process_i(in) : process_r(in); }
  const char* name() const override { return "AGGRESSIVE_MODE"; }

 private:
  enum class Step { kFirst, kAuth, kDone };
  TaskStatus build_i(Message& out);
  TaskStatus process_i(const Message& in);
  TaskStatus build_r(Message& out);
  TaskStatus process_r(const Message& in);


  IkeSa& sa_;
  Role role_;
  Step step_ = Step::kFirst;
  std::optional<Phase1Match> match_;  // responder: what AM1 offered that we accept
  Bytes peer_id_b_;  // IDii_b (responder) for HASH_I
};

// The policies an Aggressive Mode initiator may offer: KE goes out in AM1, so every offered
// transform must use the DH group of the highest-priority policy.
std::vector<IsakmpPolicyInput> aggressive_offer_policies(const std::vector<IsakmpPolicyInput>& policies);

}  // namespace espgw::ike

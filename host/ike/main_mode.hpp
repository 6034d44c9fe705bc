// Main Mode with pre-shared keys (RFC 2409 section 5, identity protection exchange), both
// roles, as a task: MM1/MM2 negotiate the SA, MM3/MM4 exchange KE and nonces, MM5/MM6
// (encrypted) carry ID and HASH_I / HASH_R. Vendor IDs and NAT-D ride along as their own
// tasks (vendor_id, natt); Main Mode never looks at them.
#pragma once

#include "host/ike/ike_sa.hpp"
#include "host/ike/policy_match.hpp"
#include "host/ike/task.hpp"

namespace espgw::ike {

class MainMode final : public Task {
 public:
  MainMode(IkeSa& sa, Role role) : sa_(sa), role_(role) {}
  TaskStatus build(Message& out) override { return role_ == Role::kInitiator ? build_i(out) : build_r(out); }
  TaskStatus process(const Message& in) override { return role_ == Role::kInitiator ? process_i(in) : process_r(in); }
  const char* name() const override { return "MAIN_MODE"; }

 private:
  enum class Step { kSa, kKe, kAuth, kDone };
  TaskStatus build_i(Message& out);
  TaskStatus process_i(const Message& in);
  TaskStatus build_r(Message& out);
  TaskStatus process_r(const Message& in);

  bool take_ke_nonce(const Message& in, bool initiator_values);

  IkeSa& sa_;
  Role role_;
  Step step_ = Step::kSa;
  std::optional<Phase1Match> match_;  // responder: what MM1 offered that we accept
};

}  // namespace espgw::ike

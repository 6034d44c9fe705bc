// Aggressive Mode (RFC 2409 section 5.4): one function per role and direction, one Step
// per message. The responder checks KE against the group of the transform it chose.
#include "host/ike/aggressive_mode.hpp"

#include "host/common/ipv4.hpp"
#include "host/ike/policy_match.hpp"

namespace espgw::ike {

std::vector<IsakmpPolicyInput> aggressive_offer_policies(const std::vector<IsakmpPolicyInput>& policies) {
  std::vector<IsakmpPolicyInput> out;
  for (const IsakmpPolicyInput& p : policies)
    if (p.group == policies.front().group) out.push_back(p);
  return out;
}

TaskStatus AggressiveMode::build_i(Message& out) {
  switch (step_) {
    case Step::kFirst: {
      if (sa_.config().policies.empty()) return fail(NotifyType::kNoProposalChosen);
      std::vector<IsakmpPolicyInput> offer = aggressive_offer_policies(sa_.config().policies);
      SaPayload sa = phase1_offer(offer);
      sa_.sai_b = payload_body(sa);
      add_payload(out, std::move(sa));
      if (!add_own_ke_nonce(sa_, out, offer.front().group)) return fail(NotifyType::kInvalidKeyInformation);
      add_payload(out, phase1_own_id(sa_));
      sa_.set_state(P1State::kIAm1);
      return TaskStatus::kNeedMore;
    }
    case Step::kAuth: {
      // HASH_I covers the IDii we sent in AM1: rebuild its body the same way.
      Bytes hash = hash_i(*sa_.prf, sa_.keys->skeyid, sa_.phase1_inputs(), sa_.sai_b, payload_body(phase1_own_id(sa_)));
      add_payload(out, HashPayload{std::move(hash)});
      add_initial_contact(sa_, out);
      out.header.flags |= kFlagEncryption;
      sa_.set_state(P1State::kP1Complete);
      sa_.established = true;
      step_ = Step::kDone;
      return TaskStatus::kDone;
    }
    case Step::kDone: break;
  }
  return fail(NotifyType::kInvalidExchangeType);
}

TaskStatus AggressiveMode::process_i(const Message& in) {
  switch (step_) {
    case Step::kFirst: {
      sa_.debug(" processing SA payload. message ID = 0");
      std::vector<IsakmpPolicyInput> offer = aggressive_offer_policies(sa_.config().policies);
      auto chosen = accept_phase1_reply(*in.find<SaPayload>(), offer);
      if (!chosen) {
        spdlog::info("ISAKMP:({}): peer {} answered AM1 with a transform we did not offer", sa_.log_id(),
                     format_ipv4(sa_.peer.addr));
        return fail(NotifyType::kNoProposalChosen);
      }
      sa_.proposal = chosen;
      sa_.prf = Prf::create(chosen->hash);
      const KePayload* ke = in.find<KePayload>();
      sa_.debug(" processing KE payload. message ID = 0");
      sa_.debug(" processing NONCE payload. message ID = 0");
      if (ke->data.size() != dh_public_size(chosen->group)) return fail(NotifyType::kPayloadMalformed);
      sa_.g_xr = ke->data;
      sa_.nr_b = in.find<NoncePayload>()->data;
      if (!complete_key_exchange(sa_)) return fail(NotifyType::kInvalidKeyInformation);
      if (!verify_peer_hash(sa_, in.body_of<IdPayload>(), in.find<HashPayload>()->data))
        return fail(NotifyType::kAuthenticationFailed);
      sa_.set_state(P1State::kIAm2);
      step_ = Step::kAuth;
      return TaskStatus::kNeedMore;
    }
    case Step::kAuth:
    case Step::kDone: break;
  }
  return fail(NotifyType::kInvalidExchangeType);
}

TaskStatus AggressiveMode::process_r(const Message& in) {
  switch (step_) {
    case Step::kFirst: {
      sa_.set_state(P1State::kRAm1);
      NotifyType refusal{};
      match_ = responder_accept_offer(sa_, in, &refusal);
      if (!match_) return fail(refusal);
      sa_.debug(" processing KE payload. message ID = 0");
      sa_.debug(" processing NONCE payload. message ID = 0");
      sa_.debug(" processing ID payload. message ID = 0");
      // The initiator committed to one group with its KE; it must be the chosen one.
      const KePayload* ke = in.find<KePayload>();
      if (ke->data.size() != dh_public_size(match_->chosen.group)) {
        spdlog::info("ISAKMP:({}): AM1 from {} carries a KE that does not fit the chosen group", sa_.log_id(),
                     format_ipv4(sa_.peer.addr));
        return fail(NotifyType::kInvalidKeyInformation);
      }
      sa_.g_xi = ke->data;
      sa_.ni_b = in.find<NoncePayload>()->data;
      ByteView id = in.body_of<IdPayload>();
      peer_id_b_.assign(id.begin(), id.end());
      return TaskStatus::kNeedMore;
    }
    case Step::kAuth: {
      if (!verify_peer_hash(sa_, peer_id_b_, in.find<HashPayload>()->data))
        return fail(NotifyType::kAuthenticationFailed);
      sa_.set_state(P1State::kP1Complete);
      sa_.established = true;
      step_ = Step::kDone;
      return TaskStatus::kDone;
    }
    case Step::kDone: break;
  }
  return fail(NotifyType::kInvalidExchangeType);
}

TaskStatus AggressiveMode::build_r(Message& out) {
  switch (step_) {
    case Step::kFirst: {
      add_payload(out, responder_reply_sa(*match_));
      if (!add_own_ke_nonce(sa_, out, sa_.proposal->group)) return fail(NotifyType::kInvalidKeyInformation);
      if (!complete_key_exchange(sa_)) return fail(NotifyType::kInvalidKeyInformation);
      sa_.debug("SA is doing pre-shared key authentication using id type ID_IPV4_ADDR");
      IdPayload id = phase1_own_id(sa_);
      Bytes hash = hash_r(*sa_.prf, sa_.keys->skeyid, sa_.phase1_inputs(), sa_.sai_b, payload_body(id));
      add_payload(out, std::move(id));
      add_payload(out, HashPayload{std::move(hash)});
      sa_.set_state(P1State::kRAm2);
      step_ = Step::kAuth;
      return TaskStatus::kNeedMore;
    }
    case Step::kAuth:
    case Step::kDone: break;
  }
  return fail(NotifyType::kInvalidExchangeType);
}

}  // namespace espgw::ike

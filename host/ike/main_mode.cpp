// Main Mode (RFC 2409 section 5): one function per role and direction, one Step per
// message pair. The IOS debug lines mirror the reference walkthrough.
#include "host/ike/main_mode.hpp"

#include "host/common/ipv4.hpp"
#include "host/ike/policy_match.hpp"

namespace espgw::ike {

bool MainMode::take_ke_nonce(const Message& in, bool initiator_values) {
  const KePayload* ke = in.find<KePayload>();
  const NoncePayload* nonce = in.find<NoncePayload>();
  sa_.debug(" processing KE payload. message ID = 0");
  sa_.debug(" processing NONCE payload. message ID = 0");
  if (ke == nullptr || nonce == nullptr || ke->data.size() != dh_public_size(sa_.proposal->group)) return false;
  (initiator_values ? sa_.g_xi : sa_.g_xr) = ke->data;
  (initiator_values ? sa_.ni_b : sa_.nr_b) = nonce->data;
  return true;
}

TaskStatus MainMode::build_i(Message& out) {
  switch (step_) {
    case Step::kSa: {
      SaPayload sa = phase1_offer(sa_.config().policies);
      sa_.sai_b = payload_body(sa);
      add_payload(out, std::move(sa));
      sa_.set_state(P1State::kIMm1);
      return TaskStatus::kNeedMore;
    }
    case Step::kKe:
      if (!add_own_ke_nonce(sa_, out, sa_.proposal->group)) return fail(NotifyType::kInvalidKeyInformation);
      sa_.set_state(P1State::kIMm3);
      return TaskStatus::kNeedMore;
    case Step::kAuth: {
      IdPayload id = phase1_own_id(sa_);
      Bytes hash = hash_i(*sa_.prf, sa_.keys->skeyid, sa_.phase1_inputs(), sa_.sai_b, payload_body(id));
      add_payload(out, std::move(id));
      add_payload(out, HashPayload{std::move(hash)});
      add_initial_contact(sa_, out);
      out.header.flags |= kFlagEncryption;
      sa_.set_state(P1State::kIMm5);
      return TaskStatus::kNeedMore;
    }
    case Step::kDone: break;
  }
  return fail(NotifyType::kInvalidExchangeType);
}

TaskStatus MainMode::process_i(const Message& in) {
  switch (step_) {
    case Step::kSa: {
      sa_.debug(" processing SA payload. message ID = 0");
      auto chosen = accept_phase1_reply(*in.find<SaPayload>(), sa_.config().policies);
      if (!chosen) {
        spdlog::info("ISAKMP:({}): peer {} answered MM1 with a transform we did not offer", sa_.log_id(),
                     format_ipv4(sa_.peer.addr));
        return fail(NotifyType::kNoProposalChosen);
      }
      sa_.proposal = chosen;
      sa_.prf = Prf::create(chosen->hash);
      sa_.set_state(P1State::kIMm2);
      step_ = Step::kKe;
      return TaskStatus::kNeedMore;
    }
    case Step::kKe: {
      if (!take_ke_nonce(in, false)) return fail(NotifyType::kPayloadMalformed);
      if (!complete_key_exchange(sa_)) return fail(NotifyType::kInvalidKeyInformation);
      sa_.set_state(P1State::kIMm4);
      step_ = Step::kAuth;
      return TaskStatus::kNeedMore;
    }
    case Step::kAuth: {
      const HashPayload* hash = in.find<HashPayload>();  // MM6's rule guarantees ID and HASH
      if (hash == nullptr || !verify_peer_hash(sa_, in.body_of<IdPayload>(), hash->data))
        return fail(NotifyType::kAuthenticationFailed);
      sa_.set_state(P1State::kIMm6);
      sa_.set_state(P1State::kP1Complete);
      sa_.established = true;
      step_ = Step::kDone;
      return TaskStatus::kDone;
    }
    case Step::kDone: break;
  }
  return fail(NotifyType::kInvalidExchangeType);
}

TaskStatus MainMode::process_r(const Message& in) {
  switch (step_) {
    case Step::kSa: {
      sa_.set_state(P1State::kRMm1);
      NotifyType refusal{};
      match_ = responder_accept_offer(sa_, in, &refusal);
      if (!match_) return fail(refusal);
      sa_.debug("Acceptable atts:actual life: 0");
      sa_.debug(":Started lifetime timer: {}.", match_->chosen.lifetime.count());
      return TaskStatus::kNeedMore;
    }
    case Step::kKe:
      sa_.set_state(P1State::kRMm3);
      if (!take_ke_nonce(in, true)) return fail(NotifyType::kPayloadMalformed);
      return TaskStatus::kNeedMore;
    case Step::kAuth: {
      sa_.set_state(P1State::kRMm5);
      const HashPayload* hash = in.find<HashPayload>();  // MM5's rule guarantees ID and HASH
      if (hash == nullptr || !verify_peer_hash(sa_, in.body_of<IdPayload>(), hash->data))
        return fail(NotifyType::kAuthenticationFailed);
      return TaskStatus::kNeedMore;
    }
    case Step::kDone: break;
  }
  return fail(NotifyType::kInvalidExchangeType);
}

TaskStatus MainMode::build_r(Message& out) {
  switch (step_) {
    case Step::kSa:
      add_payload(out, responder_reply_sa(*match_));
      sa_.set_state(P1State::kRMm2);
      step_ = Step::kKe;
      return TaskStatus::kNeedMore;
    case Step::kKe: {
      if (!add_own_ke_nonce(sa_, out, sa_.proposal->group)) return fail(NotifyType::kInvalidKeyInformation);
      if (!complete_key_exchange(sa_)) return fail(NotifyType::kInvalidKeyInformation);
      sa_.set_state(P1State::kRMm4);
      step_ = Step::kAuth;
      return TaskStatus::kNeedMore;
    }
    case Step::kAuth: {
      sa_.debug("SA is doing pre-shared key authentication using id type ID_IPV4_ADDR");
      IdPayload id = phase1_own_id(sa_);
      Bytes hash = hash_r(*sa_.prf, sa_.keys->skeyid, sa_.phase1_inputs(), sa_.sai_b, payload_body(id));
      add_payload(out, std::move(id));
      add_payload(out, HashPayload{std::move(hash)});
      out.header.flags |= kFlagEncryption;
      sa_.set_state(P1State::kRMm6);
      sa_.set_state(P1State::kP1Complete);
      sa_.established = true;
      step_ = Step::kDone;
      return TaskStatus::kDone;
    }
    case Step::kDone: break;
  }
  return fail(NotifyType::kInvalidExchangeType);
}

}  // namespace espgw::ike

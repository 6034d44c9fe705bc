// Protected Informational exchange (RFC 2409 section 5.7, RFC 2408 sections 3.14-3.15).
#include "host/ike/informational.hpp"

#include "host/common/ipv4.hpp"
#include "host/ike/keymat.hpp"

namespace espgw::ike {

namespace {
Bytes cookies(const IkeSa& sa) {
  Bytes spi(sa.cky_i.begin(), sa.cky_i.end());
  spi.insert(spi.end(), sa.cky_r.begin(), sa.cky_r.end());
  return spi;
}
}  // namespace

DeletePayload delete_isakmp(const IkeSa& sa) { return DeletePayload{kDoiIpsec, ProtocolId::kIsakmp, 16, {cookies(sa)}}; }

DeletePayload delete_esp(std::uint32_t spi) {
  Bytes b;
  Writer(b).u32(spi);
  return DeletePayload{kDoiIpsec, ProtocolId::kIpsecEsp, 4, {b}};
}

NotifyPayload isakmp_notify(const IkeSa& sa, NotifyType type, Bytes data) {
  return NotifyPayload{kDoiIpsec, ProtocolId::kIsakmp, type, cookies(sa), std::move(data)};
}

TaskStatus Informational::build(Message& out) {
  Bytes hash = qm_hash1(*sa_.prf, sa_.keys->skeyid_a, message_id_, encode_chain(payloads_));
  add_payload(out, HashPayload{std::move(hash)});
  for (Payload& p : payloads_) out.payloads.push_back(PayloadEntry{std::move(p), 0, 0});
  out.header.flags |= kFlagEncryption;
  return TaskStatus::kDone;
}

TaskStatus Informational::process(const Message& in) {
  const HashPayload* hash = in.find<HashPayload>();
  Bytes want = qm_hash1(*sa_.prf, sa_.keys->skeyid_a, message_id_, in.after_first_payload());
  if (hash == nullptr || !hash_equal(want, hash->data)) {
    spdlog::info("ISAKMP:({}): informational from {} fails its HASH check, ignored", sa_.log_id(),
                 format_ipv4(sa_.peer.addr));
    failure_notify_ = NotifyType::kInvalidHashInformation;
    return TaskStatus::kFailed;
  }
  for (const PayloadEntry& e : in.payloads) {
    if (const auto* n = std::get_if<NotifyPayload>(&e.payload)) notifies_.push_back(*n);
    if (const auto* d = std::get_if<DeletePayload>(&e.payload)) deletes_.push_back(*d);
  }
  return TaskStatus::kDone;
}

}  // namespace espgw::ike

// NAT-T negotiation and detection (RFC 3947 sections 3 and 4).
#include "host/ike/natt.hpp"

#include <openssl/rand.h>

#include "host/ike/nat_d_hash.hpp"
#include "host/ike/vendor_id.hpp"

namespace espgw::ike {

EncapsulationMode encapsulation_mode(const IkeSa& sa) {
  return sa.natt.peer_rfc3947 && sa.natt.nat_detected() ? EncapsulationMode::kUdpTunnel : EncapsulationMode::kTunnel;
}

std::vector<NatDPayload> NattTask::nat_d() const {
  // NAT-D #1 is the peer's address as we see it, NAT-D #2 our own (RFC 3947 3.2).
  std::vector<NatDPayload> out;
  out.push_back(NatDPayload{nat_d_hash(*sa_.prf, sa_.cky_i, sa_.cky_r, sa_.peer.addr, sa_.peer.port)});
  Bytes own = nat_d_hash(*sa_.prf, sa_.cky_i, sa_.cky_r, sa_.local.addr, sa_.local.port);
  if (sa_.config().force_udp_encap) {
    RAND_bytes(own.data(), static_cast<int>(own.size()));
    sa_.natt.forced = true;
  }
  out.push_back(NatDPayload{std::move(own)});
  return out;
}

TaskStatus NattTask::check_nat_d(const Message& in) {
  std::size_t n = in.count<NatDPayload>();
  if (!sa_.natt.peer_rfc3947 || n == 0) return finished();
  if (n < 2) {
    failure_notify_ = NotifyType::kPayloadMalformed;
    return TaskStatus::kFailed;
  }
  Bytes mine = nat_d_hash(*sa_.prf, sa_.cky_i, sa_.cky_r, sa_.local.addr, sa_.local.port);
  Bytes theirs = nat_d_hash(*sa_.prf, sa_.cky_i, sa_.cky_r, sa_.peer.addr, sa_.peer.port);
  // The first NAT-D is our address as the peer saw it.
  if (in.find<NatDPayload>(0)->hash != mine) {
    sa_.natt.local_behind_nat = true;
    sa_.debug(" My hash no match -  this node inside NAT");
  }
  bool peer_found = false;
  for (std::size_t i = 1; i < n; ++i) peer_found = peer_found || in.find<NatDPayload>(i)->hash == theirs;
  if (!peer_found) {
    sa_.natt.peer_behind_nat = true;
    sa_.debug(" His hash no match - this node outside NAT");
  }
  if (sa_.config().force_udp_encap) sa_.natt.forced = true;
  if (!sa_.natt.nat_detected()) sa_.debug(" No NAT Found for self or peer");
  return finished();
}

TaskStatus NattTask::build(Message& out) {
  switch (build_step_) {
    case Step::kVid:
      add_payload(out, VendorIdPayload{vendor_id_bytes(KnownVendor::kNattRfc3947)});
      sa_.debug(" constructed NAT-T vendor-rfc3947 ID");
      build_step_ = Step::kNatD;
      // AM2 carries the responder's VID and its NAT-D together.
      if (aggressive_ && role_ == Role::kResponder) return build(out);
      return TaskStatus::kNeedMore;
    case Step::kNatD:
      build_step_ = Step::kDone;
      if (!sa_.natt.peer_rfc3947) return finished();  // no NAT-D without the peer's VID
      for (NatDPayload& p : am3_nat_d_.empty() ? nat_d() : std::move(am3_nat_d_)) add_payload(out, std::move(p));
      return finished();
    case Step::kDone: break;
  }
  return finished();
}

TaskStatus NattTask::process(const Message& in) {
  switch (process_step_) {
    case Step::kVid:
      for (const PayloadEntry& e : in.payloads)
        if (const auto* vid = std::get_if<VendorIdPayload>(&e.payload);
            vid != nullptr && identify_vendor(vid->data) == KnownVendor::kNattRfc3947)
          sa_.natt.peer_rfc3947 = true;
      process_step_ = Step::kNatD;
      // AM2 carries the responder's VID and its NAT-D together.
      if (aggressive_ && role_ == Role::kInitiator) return process(in);
      return TaskStatus::kNeedMore;
    case Step::kNatD: {
      process_step_ = Step::kDone;
      TaskStatus status = check_nat_d(in);
      if (aggressive_ && role_ == Role::kInitiator && sa_.natt.peer_rfc3947) am3_nat_d_ = nat_d();
      return status;
    }
    case Step::kDone: break;
  }
  return finished();
}

}  // namespace espgw::ike

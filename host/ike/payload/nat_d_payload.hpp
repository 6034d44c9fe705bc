// The NAT-D payload (RFC 3947 section 3.2; HASH(CKY-I | CKY-R | IP | Port)): opaque hash bytes after the generic header.
// ! Next Payload  !   RESERVED    !         Payload Length        !
// ~                       NAT-D Data                               ~
#pragma once

#include "host/ike/ike_constants.hpp"
#include "host/ike/payload/wire.hpp"

namespace espgw::ike {

struct NatDPayload {
  static constexpr PayloadType kType = PayloadType::kNatD;
  static constexpr std::size_t kMinSize = 16;
  static constexpr std::size_t kMaxSize = 64;
  Bytes hash;

  static Decoded<NatDPayload> decode(ByteView body, std::size_t base);
  void encode_body(Bytes& out) const { out.insert(out.end(), hash.begin(), hash.end()); }
  friend bool operator==(const NatDPayload&, const NatDPayload&) = default;
};

}  // namespace espgw::ike

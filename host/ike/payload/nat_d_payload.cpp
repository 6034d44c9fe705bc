// NAT-D payload codec (RFC 3947 section 3.2; HASH(CKY-I | CKY-R | IP | Port)).
#include "host/ike/payload/nat_d_payload.hpp"

namespace espgw::ike {

Decoded<NatDPayload> NatDPayload::decode(ByteView body, std::size_t base) {
  if (body.size() < kMinSize) return DecodeError{base, "NAT-D data too short"};
  if (body.size() > kMaxSize) return DecodeError{base, "NAT-D data too long"};
  return NatDPayload{Bytes(body.begin(), body.end())};
}

}  // namespace espgw::ike

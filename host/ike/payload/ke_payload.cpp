// Key Exchange payload codec (RFC 2408 section 3.7; MODP g^x padded to the prime, ECP x||y per RFC 5903).
#include "host/ike/payload/ke_payload.hpp"

namespace espgw::ike {

Decoded<KePayload> KePayload::decode(ByteView body, std::size_t base) {
  if (body.size() < kMinSize) return DecodeError{base, "Key Exchange data too short"};
  if (body.size() > kMaxSize) return DecodeError{base, "Key Exchange data too long"};
  return KePayload{Bytes(body.begin(), body.end())};
}

}  // namespace espgw::ike

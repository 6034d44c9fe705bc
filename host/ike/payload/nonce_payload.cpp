// Nonce payload codec (RFC 2408 section 3.13; RFC 2409 section 5 bounds 8..256 bytes).
#include "host/ike/payload/nonce_payload.hpp"

namespace espgw::ike {

Decoded<NoncePayload> NoncePayload::decode(ByteView body, std::size_t base) {
  if (body.size() < kMinSize) return DecodeError{base, "Nonce data too short"};
  if (body.size() > kMaxSize) return DecodeError{base, "Nonce data too long"};
  return NoncePayload{Bytes(body.begin(), body.end())};
}

}  // namespace espgw::ike

// Hash payload codec (RFC 2408 section 3.11; prf output, SHA1..SHA512).
#include "host/ike/payload/hash_payload.hpp"

namespace espgw::ike {

Decoded<HashPayload> HashPayload::decode(ByteView body, std::size_t base) {
  if (body.size() < kMinSize) return DecodeError{base, "Hash data too short"};
  if (body.size() > kMaxSize) return DecodeError{base, "Hash data too long"};
  return HashPayload{Bytes(body.begin(), body.end())};
}

}  // namespace espgw::ike

// The Nonce payload (RFC 2408 section 3.13; RFC 2409 section 5 bounds 8..256 bytes): opaque data bytes after the generic header.
// ! Next Payload  !   RESERVED    !         Payload Length        !
// ~                       Nonce Data                               ~
#pragma once

#include "host/ike/ike_constants.hpp"
#include "host/ike/payload/wire.hpp"

namespace espgw::ike {

struct NoncePayload {
  static constexpr PayloadType kType = PayloadType::kNonce;
  static constexpr std::size_t kMinSize = kNonceMinSize;
  static constexpr std::size_t kMaxSize = kNonceMaxSize;
  Bytes data;

  static Decoded<NoncePayload> decode(ByteView body, std::size_t base);
  void encode_body(Bytes& out) const { out.insert(out.end(), data.begin(), data.end()); }
  friend bool operator==(const NoncePayload&, const NoncePayload&) = default;
};

}  // namespace espgw::ike

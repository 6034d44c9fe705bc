// The Hash payload (RFC 2408 section 3.11; prf output, SHA1..SHA512): opaque data bytes after the generic header.
// ! Next Payload  !   RESERVED    !         Payload Length        !
// ~                       Hash Data                               ~
#pragma once

#include "host/ike/ike_constants.hpp"
#include "host/ike/payload/wire.hpp"

namespace espgw::ike {

struct HashPayload {
  static constexpr PayloadType kType = PayloadType::kHash;
  static constexpr std::size_t kMinSize = 16;
  static constexpr std::size_t kMaxSize = 64;
  Bytes data;

  static Decoded<HashPayload> decode(ByteView body, std::size_t base);
  void encode_body(Bytes& out) const { out.insert(out.end(), data.begin(), data.end()); }
  friend bool operator==(const HashPayload&, const HashPayload&) = default;
};

}  // namespace espgw::ike

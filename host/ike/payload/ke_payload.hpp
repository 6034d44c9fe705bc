// The Key Exchange payload (RFC 2408 section 3.7; MODP g^x padded to the prime, ECP x||y per RFC 5903): opaque data bytes after the generic header.
// ! Next Payload  !   RESERVED    !         Payload Length        !
// ~                       Key Exchange Data                               ~
#pragma once

#include "host/ike/ike_constants.hpp"
#include "host/ike/payload/wire.hpp"

namespace espgw::ike {

struct KePayload {
  static constexpr PayloadType kType = PayloadType::kKeyExchange;
  static constexpr std::size_t kMinSize = 1;
  static constexpr std::size_t kMaxSize = 1024;
  Bytes data;

  static Decoded<KePayload> decode(ByteView body, std::size_t base);
  void encode_body(Bytes& out) const { out.insert(out.end(), data.begin(), data.end()); }
  friend bool operator==(const KePayload&, const KePayload&) = default;
};

}  // namespace espgw::ike

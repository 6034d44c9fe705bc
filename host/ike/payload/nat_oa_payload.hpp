// The NAT-OA payload (RFC 3947 section 5.2): the original IPv4 address a peer sees, sent in
// Quick Mode for transport mode.
// ! Next Payload  !   RESERVED    !        Payload length         !
// !    ID Type    !   RESERVED    !            RESERVED           !
// ~               IPv4 (4 octets) or IPv6 address (16 octets)     ~
#pragma once

#include <cstdint>

#include "host/ike/ike_constants.hpp"
#include "host/ike/payload/wire.hpp"

namespace espgw::ike {

struct NatOaPayload {
  static constexpr PayloadType kType = PayloadType::kNatOa;
  IdType id_type = IdType::kIpv4Addr;
  Bytes address;  // 4 or 16 bytes

  static Decoded<NatOaPayload> decode(ByteView body, std::size_t base);
  void encode_body(Bytes& out) const;
  friend bool operator==(const NatOaPayload&, const NatOaPayload&) = default;
};

}  // namespace espgw::ike

// The Identification payload (RFC 2408 section 3.8) with the IPsec DOI fields (RFC 2407
// section 4.6.2): phase-1 identities (ID_IPV4_ADDR) and Quick Mode proxy identities
// (ID_IPV4_ADDR, ID_IPV4_ADDR_SUBNET, ID_IPV4_ADDR_RANGE with protocol and port).
// ! Next Payload  !   RESERVED    !        Payload Length         !
// !   ID Type     !  Protocol ID  !             Port              !
// ~                     Identification Data                       ~
#pragma once

#include <cstdint>

#include "host/ike/ike_constants.hpp"
#include "host/ike/payload/wire.hpp"

namespace espgw::ike {

struct IdPayload {
  static constexpr PayloadType kType = PayloadType::kIdentification;
  IdType id_type = IdType::kIpv4Addr;
  std::uint8_t protocol = 0;  // IP protocol, 0 = any
  std::uint16_t port = 0;     // 0 = any
  Bytes data;

  static IdPayload ipv4(std::uint32_t addr, std::uint8_t protocol = 0, std::uint16_t port = 0);
  static IdPayload ipv4_subnet(std::uint32_t addr, std::uint32_t mask, std::uint8_t protocol = 0,
                               std::uint16_t port = 0);
  // The address (first 4 bytes) and mask (ADDR: /32; SUBNET: the mask) of an IPv4 identity.
  std::uint32_t ipv4_addr() const;
  std::uint32_t ipv4_mask() const;

  // Checks the data length against the type: 4 for IPV4_ADDR, 8 for SUBNET/RANGE,
  // 16/32 for IPv6, at least 1 otherwise.
  static Decoded<IdPayload> decode(ByteView body, std::size_t base);
  void encode_body(Bytes& out) const;
  friend bool operator==(const IdPayload&, const IdPayload&) = default;
};

}  // namespace espgw::ike

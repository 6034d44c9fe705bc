// The Delete payload (RFC 2408 section 3.15): ISAKMP SAs (SPI = CKY-I | CKY-R, 16 bytes)
// or ESP SAs (4-byte SPIs, several per payload).
// ! Next Payload  !   RESERVED    !         Payload Length        !
// !              Domain of Interpretation  (DOI)                  !
// !  Protocol-Id  !   SPI Size    !           # of SPIs           !
// ~               Security Parameter Index(es) (SPI)              ~
#pragma once

#include <cstdint>
#include <vector>

#include "host/ike/ike_constants.hpp"
#include "host/ike/payload/wire.hpp"

namespace espgw::ike {

struct DeletePayload {
  static constexpr PayloadType kType = PayloadType::kDelete;
  std::uint32_t doi = kDoiIpsec;
  ProtocolId protocol = ProtocolId::kIpsecEsp;
  std::uint8_t spi_size = 4;
  std::vector<Bytes> spis;

  // Checks: at least one SPI, every SPI exactly spi_size bytes, nothing left over.
  static Decoded<DeletePayload> decode(ByteView body, std::size_t base);
  void encode_body(Bytes& out) const;
  friend bool operator==(const DeletePayload&, const DeletePayload&) = default;
};

}  // namespace espgw::ike

// The Notification payload (RFC 2408 section 3.14): error notifies, RESPONDER-LIFETIME and
// INITIAL-CONTACT (RFC 2407 section 4.6.3), DPD R-U-THERE/ACK (RFC 3706 section 5).
// ! Next Payload  !   RESERVED    !         Payload Length        !
// !              Domain of Interpretation  (DOI)                  !
// !  Protocol-ID  !   SPI Size    !      Notify Message Type      !
// ~                Security Parameter Index (SPI)                 ~
// ~                       Notification Data                       ~
#pragma once

#include <cstdint>

#include "host/ike/ike_constants.hpp"
#include "host/ike/payload/wire.hpp"

namespace espgw::ike {

struct NotifyPayload {
  static constexpr PayloadType kType = PayloadType::kNotification;
  std::uint32_t doi = kDoiIpsec;
  ProtocolId protocol = ProtocolId::kIsakmp;
  NotifyType type = NotifyType::kInvalidPayloadType;
  Bytes spi;   // 0, 4 (ESP) or 16 (ISAKMP: CKY-I | CKY-R)
  Bytes data;

  static Decoded<NotifyPayload> decode(ByteView body, std::size_t base);
  void encode_body(Bytes& out) const;
  friend bool operator==(const NotifyPayload&, const NotifyPayload&) = default;
};

}  // namespace espgw::ike

// The ISAKMP fixed header (RFC 2408 section 3.1) and the generic payload header (3.2).
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !                          Initiator Cookie                     !
// !                          Responder Cookie                     !
// !  Next Payload ! MjVer ! MnVer ! Exchange Type !     Flags     !
// !                          Message ID                           !
// !                            Length                             !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
#pragma once

#include <array>
#include <cstdint>

#include "host/ike/ike_constants.hpp"
#include "host/ike/payload/wire.hpp"

namespace espgw::ike {

using Cookie = std::array<std::uint8_t, kCookieSize>;

struct IsakmpHeader {
  Cookie initiator_cookie{};
  Cookie responder_cookie{};
  PayloadType next_payload = PayloadType::kNone;
  std::uint8_t version = kIsakmpVersion;
  ExchangeType exchange = ExchangeType::kNone;
  std::uint8_t flags = 0;
  std::uint32_t message_id = 0;
  std::uint32_t length = 0;

  bool encrypted() const { return (flags & kFlagEncryption) != 0; }

  // Strict: length must equal the datagram size, major version 1, only known flags,
  // a non-zero initiator cookie.
  static Decoded<IsakmpHeader> decode(ByteView datagram);
  void encode(Bytes& out) const;
};

}  // namespace espgw::ike

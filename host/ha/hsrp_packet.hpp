// HSRP message codec: version 1 (RFC 2281 section 5.1, 20 bytes plus an optional MD5
// authentication TLV) and version 2 (TLVs: Group State 1, Interface State 2, Text
// Authentication 3, MD5 Authentication 4). Pure: bytes in, value or error out. The decoder
// never throws on peer bytes; authentication is checked by hsrp_auth, not here.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "host/ha/hsrp_constants.hpp"

namespace espgw::ha {

// MD5 Authentication TLV (type 4, length 28), identical in v1 and v2:
//    0                   1                   2                   3
//   +---------------+---------------+---------------+---------------+
//   |  Type = 4     |  Length = 28  |  Algorithm=1  |   Padding     |
//   +---------------+---------------+---------------+---------------+
//   |            Flags              |      Sender IP address ...    |
//   +---------------+---------------+---------------+---------------+
//   |  ... IP address               |         Key ID ...            |
//   +---------------+---------------+---------------+---------------+
//   |  ... Key ID                   |  Authentication data (16) ... |
struct HsrpMd5Auth {
  std::uint8_t algorithm = kHsrpMd5Algorithm;
  std::uint16_t flags = 0;
  std::uint32_t sender_ip = 0;
  std::uint32_t key_id = 0;
  std::array<std::uint8_t, kHsrpMd5DigestBytes> digest{};
  friend bool operator==(const HsrpMd5Auth&, const HsrpMd5Auth&) = default;
};

// One HSRP message, version-neutral. Times are carried in milliseconds; version 1 puts
// whole seconds on the wire.
struct HsrpMessage {
  HsrpVersion version = HsrpVersion::kV1;
  HsrpOpcode opcode = HsrpOpcode::kHello;
  HsrpState state = HsrpState::kInitial;
  std::uint16_t group = 0;
  std::uint32_t priority = kHsrpDefaultPriority;  // v1: 0-255
  std::chrono::milliseconds hello_time = kHsrpDefaultHelloTime;
  std::chrono::milliseconds hold_time = kHsrpDefaultHoldTime;
  std::uint32_t virtual_ip = 0;  // 0.0.0.0 = not known (RFC 2281 5.1)
  MacAddress identifier{};       // v2 Group State TLV: the sender's MAC
  // v1 always carries the 8-byte field (zeros when MD5 is used); v2 only when the Text
  // Authentication TLV is present.
  std::optional<std::array<std::uint8_t, kHsrpTextAuthBytes>> text_auth;
  std::optional<HsrpMd5Auth> md5;
  friend bool operator==(const HsrpMessage&, const HsrpMessage&) = default;
};

struct HsrpDecodeError {
  enum class Kind { kMalformed, kUnsupported };  // unsupported: well-formed but not ours (v1 advertise, IPv6)
  Kind kind = Kind::kMalformed;
  std::size_t offset = 0;
  std::string reason;
};

struct HsrpDecoded {
  HsrpMessage message;
  std::size_t md5_digest_offset = 0;  // where the MD5 digest sits in the input, when md5 is set
};

using HsrpDecodeResult = std::variant<HsrpDecoded, HsrpDecodeError>;

// Decodes one UDP payload. Version 1 starts with its version octet 0; version 2 with the
// Group State TLV type 1.
HsrpDecodeResult decode_hsrp(std::span<const std::uint8_t> bytes);

// Encodes msg as msg.version says. When msg.md5 is set its digest field is written as given
// (zeros before signing: see hsrp_auth). Throws std::invalid_argument on a value the
// version cannot carry (v1 group or priority above 255): a configuration error, never peer
// input.
std::vector<std::uint8_t> encode_hsrp(const HsrpMessage& msg);

// Offset of the MD5 digest in an encoding of msg (msg.md5 must be set).
std::size_t hsrp_md5_digest_offset(const HsrpMessage& msg);

// Wire state numbers.
std::uint8_t hsrp_wire_state(HsrpVersion version, HsrpState state);
std::optional<HsrpState> hsrp_state_from_wire(HsrpVersion version, std::uint8_t value);

}  // namespace espgw::ha

// HSRP protocol constants: ports, groups, op codes, states and IOS defaults, for version 1
// (RFC 2281 section 5.1) and version 2 (Cisco's TLV format, as Wireshark's packet-hsrp.c
// dissects it). No bare protocol number appears elsewhere in host/ha.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string_view>

namespace espgw::ha {

using namespace std::chrono_literals;

inline constexpr std::uint16_t kHsrpUdpPort = 1985;
inline constexpr std::uint32_t kHsrpV1Group = 0xE0000002;    // 224.0.0.2, all routers
inline constexpr std::uint32_t kHsrpV2Group = 0xE0000066;    // 224.0.0.102
inline constexpr std::uint8_t kHsrpTtl = 1;

enum class HsrpVersion : std::uint8_t { kV1 = 1, kV2 = 2 };

// RFC 2281 5.1 "Op Code"; version 2 uses the same numbers in its Group State TLV.
enum class HsrpOpcode : std::uint8_t { kHello = 0, kCoup = 1, kResign = 2 };

// The protocol states in the order RFC 2281 section 5.3 lists them. Wire values differ by
// version (v1: 0,1,2,4,8,16; v2: 1..6), so the codec maps them.
enum class HsrpState : std::uint8_t { kInitial, kLearn, kListen, kSpeak, kStandby, kActive };

std::string_view to_string(HsrpState state);   // IOS spelling: "Init", "Listen", "Active", ...
std::string_view to_string(HsrpOpcode opcode);  // "Hello", "Coup", "Resign"

// Version 1 wire layout (RFC 2281 5.1): 20 bytes, then an optional MD5 TLV.
inline constexpr std::size_t kHsrpV1HeaderBytes = 20;
inline constexpr std::size_t kHsrpTextAuthBytes = 8;
inline constexpr std::array<std::uint8_t, kHsrpTextAuthBytes> kHsrpDefaultAuth = {'c', 'i', 's', 'c', 'o', 0, 0, 0};

// Version 2 TLVs (type, length, value); lengths count the value only.
enum class HsrpTlv : std::uint8_t { kGroupState = 1, kInterfaceState = 2, kTextAuth = 3, kMd5Auth = 4 };
inline constexpr std::uint8_t kHsrpV2GroupStateLen = 40;  // 4 + 2 + 6 + 4*3 + 16 (IPv6-sized address slot)
inline constexpr std::uint8_t kHsrpTextAuthLen = 8;
inline constexpr std::uint8_t kHsrpMd5AuthLen = 28;       // algo, pad, flags(2), ip(4), key id(4), digest(16)
inline constexpr std::uint8_t kHsrpMd5Algorithm = 1;
inline constexpr std::size_t kHsrpMd5DigestBytes = 16;
inline constexpr std::uint8_t kHsrpIpVersion4 = 4;

// Group numbers: v1 carries one octet, v2 two (IOS accepts 0-4095).
inline constexpr std::uint16_t kHsrpV1MaxGroup = 255;
inline constexpr std::uint16_t kHsrpV2MaxGroup = 4095;

// IOS defaults (`standby` command reference).
inline constexpr std::uint32_t kHsrpDefaultPriority = 100;
inline constexpr std::uint32_t kHsrpV1MaxPriority = 255;
inline constexpr std::chrono::milliseconds kHsrpDefaultHelloTime = 3s;
inline constexpr std::chrono::milliseconds kHsrpDefaultHoldTime = 10s;
inline constexpr std::chrono::milliseconds kHsrpMinHelloTime = 15ms;  // IOS `timers msec` floor

// Virtual MAC addresses: v1 0000.0c07.acXX (XX = group), v2 0000.0c9f.fXXX (XXX = group).
using MacAddress = std::array<std::uint8_t, 6>;
constexpr MacAddress hsrp_virtual_mac(HsrpVersion version, std::uint16_t group) {
  if (version == HsrpVersion::kV1)
    return {0x00, 0x00, 0x0c, 0x07, 0xac, static_cast<std::uint8_t>(group & 0xFF)};
  return {0x00, 0x00, 0x0c, 0x9f, static_cast<std::uint8_t>(0xF0 | ((group >> 8) & 0x0F)),
          static_cast<std::uint8_t>(group & 0xFF)};
}

}  // namespace espgw::ha

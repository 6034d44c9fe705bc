// The five-tuple of a cleartext IPv4 packet as the SPD sees it (RFC 4301 section 4.4.1.1
// selectors: addresses, protocol, ports). Parsing never throws: a packet too short or not
// IPv4 yields nullopt and the forwarder counts it as a drop.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

namespace espgw::dataplane {

inline constexpr std::uint8_t kProtoIcmp = 1;
inline constexpr std::uint8_t kProtoTcp = 6;
inline constexpr std::uint8_t kProtoUdp = 17;
inline constexpr std::uint8_t kProtoEsp = 50;

struct FiveTuple {
  std::uint32_t src = 0;
  std::uint32_t dst = 0;
  std::uint8_t protocol = 0;
  // Only TCP/UDP first fragments carry ports; everything else reports 0 ("OPAQUE" in RFC 4301).
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  bool has_ports = false;
  // ICMP first fragments: type and code (IOS ACLs may match them).
  std::uint8_t icmp_type = 0;
  std::uint8_t icmp_code = 0;
  bool has_icmp = false;
};

std::optional<FiveTuple> parse_five_tuple(std::span<const std::uint8_t> packet);

// RFC 791 header checksum over `header` (its checksum field must be zero or is included).
std::uint16_t ipv4_checksum(std::span<const std::uint8_t> header);

// One's-complement 16-bit sum (RFC 1071) of `bytes` added to `initial`, folded to 16 bits,
// not inverted (a valid checksummed range sums to 0xFFFF). Eight bytes per step.
std::uint16_t ones_sum(std::span<const std::uint8_t> bytes, std::uint32_t initial = 0);

// Copies `n` bytes from `src` to `dst` (not overlapping) and returns ones_sum of them, in one
// pass: segmentation needs both, and reading the bytes back after the copy costs a second
// trip through the caches.
std::uint16_t copy_ones_sum(std::uint8_t* dst, const std::uint8_t* src, std::size_t n, std::uint32_t initial = 0);

}  // namespace espgw::dataplane

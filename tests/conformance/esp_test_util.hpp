// Shared pieces of the ESP conformance suite: the transforms and SA variants under test,
// deterministic SA configurations, inner IPv4 packets with valid checksums, and burst
// helpers that run packets through EspDevice::process with the buffer layout it expects.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "espgw/driver/esp_device.hpp"

namespace espgw::conformance {

using driver::Direction;
using driver::EspDevice;
using driver::SaConfig;
using driver::SaCounters;
using driver::SaHandle;
using driver::Status;
using driver::Transform;
using Bytes = std::vector<std::uint8_t>;

struct TransformCase {
  Transform transform;
  std::uint32_t enc_key_bytes;
  std::string_view name;
};
// Every transform of issue 2: AES-128/256-CBC with HMAC-SHA-256-128 or HMAC-SHA1-96, AES-128/256-GCM.
std::span<const TransformCase> all_transforms();

struct SaVariant {
  TransformCase tc;
  bool esn = false;
  bool udp = false;
  std::string name() const;  // "aes256-gcm16/esn/udp"
};
// Every transform x ESN on/off x UDP encapsulation on/off.
std::vector<SaVariant> all_variants();

// Addresses of the scenario (RFC 5737 documentation ranges for the outside, RFC 1918 inside).
inline constexpr std::uint32_t kLocalGw = 0xC0000201;   // 192.0.2.1
inline constexpr std::uint32_t kPeerGw = 0xC6336402;    // 198.51.100.2
inline constexpr std::uint32_t kLocalLan = 0x0A010100;  // 10.1.1.0/24
inline constexpr std::uint32_t kPeerLan = 0x0A020200;   // 10.2.2.0/24
inline constexpr std::uint32_t kLan24 = 0xFFFFFF00;

std::size_t icv_bytes(Transform t);
std::size_t iv_bytes(Transform t);

// A configuration with keys derived from the SPI (so every SA has distinct keys), tunnel
// kLocalGw -> kPeerGw, selectors kLocalLan -> kPeerLan. The inbound twin of an outbound SA
// (same SPI and keys) decapsulates what it encapsulates: the suite's loopback peer.
SaConfig make_sa(const SaVariant& v, Direction dir, std::uint32_t spi);

// An IPv4 ICMP echo request of total_len bytes (>= 28) with valid header and ICMP checksums.
Bytes make_icmp(std::uint32_t src, std::uint32_t dst, std::size_t total_len, std::uint16_t ident,
                std::uint8_t tos = 0, bool df = false);
// An IPv4 UDP datagram with valid checksums.
Bytes make_udp(std::uint32_t src, std::uint32_t dst, std::uint16_t sport, std::uint16_t dport,
               std::size_t payload_len);
// A varied mix of inner packets from kLocalLan to kPeerLan: sizes 28..1400, TOS and DF set on some.
std::vector<Bytes> inner_mix(std::size_t count, std::uint16_t seed);

std::uint16_t ipv4_checksum(std::span<const std::uint8_t> header);
// Rewrites the IPv4 total length (and UDP length when proto is 17) and the header checksum
// after the datagram was truncated or grown, so the outer header stays self-consistent.
void fix_outer_lengths(Bytes& datagram);

struct Result {
  Status status = Status::kOk;
  SaHandle sa = driver::kNoSa;
  std::uint64_t seq = 0;
  Bytes bytes;  // the output packet when status is ok
};

// One outbound burst on one SA; each inner packet sits after kOutboundHeadroom.
std::vector<Result> encap(EspDevice& dev, SaHandle sa, const std::vector<Bytes>& inners);
Result encap1(EspDevice& dev, SaHandle sa, const Bytes& inner);
// One inbound burst; each datagram is copied into its own buffer at a small offset.
std::vector<Result> decap(EspDevice& dev, const std::vector<Bytes>& datagrams);
Result decap1(EspDevice& dev, const Bytes& datagram);

// Installs and expects kOk; returns kNoSa (after a test failure) otherwise.
SaHandle install(EspDevice& dev, const SaConfig& config);
SaCounters counters(const EspDevice& dev, SaHandle sa);

std::string hex(std::span<const std::uint8_t> bytes);
Bytes unhex(std::string_view hex);  // empty on invalid input
std::string status_name(Status s);

}  // namespace espgw::conformance

namespace espgw::regmap {
// Statuses print by name in gtest messages.
void PrintTo(Status s, std::ostream* os);
}  // namespace espgw::regmap

// ESP tunnel-mode framing shared by every crypto provider (RFC 4303, RFC 3948 for UDP
// encapsulation): the prepare step before the provider's burst and the finalize step after
// it, for each direction. Framing never calls a crypto library; the provider never parses a
// header. Byte layout helpers live here too.
#pragma once

#include <cstdint>
#include <cstring>

#include "cpu_sa.hpp"
#include "event_ring.hpp"

namespace espgw::driver::cpu {

inline constexpr std::uint8_t kIpProtoEsp = 50;
inline constexpr std::uint8_t kIpProtoUdp = 17;
inline constexpr std::uint8_t kIpProtoTcp = 6;
inline constexpr std::uint8_t kNextHeaderIpv4 = 4;  // tunnel mode carries IPv4 (RFC 4303 2.6)
inline constexpr std::uint32_t kIpv4HeaderLen = 20;
inline constexpr std::uint32_t kUdpHeaderLen = 8;
inline constexpr std::uint32_t kEspHeaderLen = 8;  // SPI + sequence number

// Network byte order through one load/store and a byte swap (GCC and Clang builtins), which
// the compiler keeps as single instructions on the per-packet path.
inline std::uint16_t load_be16(const std::uint8_t* p) {
  std::uint16_t v;
  std::memcpy(&v, p, 2);
  return __builtin_bswap16(v);
}
inline std::uint32_t load_be32(const std::uint8_t* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return __builtin_bswap32(v);
}
inline void store_be16(std::uint8_t* p, std::uint16_t v) {
  v = __builtin_bswap16(v);
  std::memcpy(p, &v, 2);
}
inline void store_be32(std::uint8_t* p, std::uint32_t v) {
  v = __builtin_bswap32(v);
  std::memcpy(p, &v, 4);
}
inline void store_be64(std::uint8_t* p, std::uint64_t v) {
  v = __builtin_bswap64(v);
  std::memcpy(p, &v, 8);
}

// RFC 1071 one's-complement sum of 16-bit big-endian words (len even), not yet inverted.
inline std::uint32_t ones_sum(const std::uint8_t* p, std::uint32_t len, std::uint32_t sum = 0) {
  for (std::uint32_t i = 0; i + 1 < len; i += 2) sum += load_be16(p + i);
  if (len & 1) sum += std::uint32_t{p[len - 1]} << 8;
  return sum;
}
inline std::uint16_t fold_sum(std::uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<std::uint16_t>(sum);
}

// Sees a successful packet of `inner_bytes` against the SA's lifetimes (RFC 4301 4.4.2.1):
// returns false (and stops the SA) when it would exceed a hard limit; otherwise counts it
// and raises the soft/hard events when a limit is reached.
bool account_lifetime(CpuSa& sa, std::uint64_t inner_bytes, EventRing& events);

// Outbound. prepare() validates the inner packet, takes the next sequence number, writes the
// outer headers, ESP header, GCM IV and trailer around the packet, and fills `op`; a non-kOk
// result is the job's final status (already counted). finalize() places the ICV and points
// the job at the outer datagram.
Status outbound_prepare(CpuSa& sa, PacketJob& job, CryptoOp& op, EventRing& events);
void outbound_finalize(CpuSa& sa, PacketJob& job, const CryptoOp& op);

// Inbound. parse() checks the outer IPv4 (+ UDP) header and finds the ESP header; its
// failures belong to no SA. prepare() checks length and replay, fills `op`. finalize()
// checks the ICV result, updates the replay window, checks padding, next header, the inner
// header and the selectors, and points the job at the inner packet.
struct EspView {
  std::uint32_t esp_offset = 0;  // in the job's buffer
  std::uint32_t esp_len = 0;     // ESP header through ICV
  std::uint32_t spi = 0;
};
Status inbound_parse(const PacketJob& job, EspView* view);
Status inbound_prepare(CpuSa& sa, PacketJob& job, const EspView& view, CryptoOp& op);
Status inbound_finalize(CpuSa& sa, PacketJob& job, const EspView& view, CryptoOp& op, EventRing& events);

}  // namespace espgw::driver::cpu

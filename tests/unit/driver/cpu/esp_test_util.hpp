// Helpers for the CPU backend tests: inner IPv4 packets with headroom, SA configs for every
// transform, and a device per provider. Nothing here encrypts: expected bytes come from
// OpenSSL one-shot calls in the tests themselves.
#pragma once

#include <openssl/rand.h>

#include <cstdint>
#include <string>
#include <vector>

#include "espgw/driver/esp_device.hpp"

namespace espgw::driver::cpu::test {

inline constexpr std::uint32_t kLocal = 0xC0A80001;   // 192.168.0.1
inline constexpr std::uint32_t kRemote = 0xC0A80002;  // 192.168.0.2

// One packet buffer: headroom, the inner packet, room for the ESP trailer.
struct Packet {
  std::vector<std::uint8_t> buf;
  PacketJob job;
  std::vector<std::uint8_t> bytes() const { return {buf.begin() + job.offset, buf.begin() + job.offset + job.length}; }
};

inline std::vector<std::uint8_t> random_bytes(std::size_t n) {
  std::vector<std::uint8_t> v(n);
  if (n) RAND_bytes(v.data(), static_cast<int>(n));
  return v;
}

inline std::uint32_t load32(const std::vector<std::uint8_t>& b, std::size_t at) {
  return std::uint32_t{b[at]} << 24 | std::uint32_t{b[at + 1]} << 16 | std::uint32_t{b[at + 2]} << 8 | b[at + 3];
}

inline std::uint16_t ipv4_checksum(const std::uint8_t* h, std::size_t len) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < len; i += 2) sum += static_cast<std::uint32_t>(h[i] << 8 | h[i + 1]);
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

// A valid IPv4/UDP datagram of `total` bytes (>= 28) from src to dst.
inline std::vector<std::uint8_t> make_inner(std::uint32_t total, std::uint32_t src = 0x0A000001,
                                            std::uint32_t dst = 0x0A010001, std::uint8_t tos = 0,
                                            bool df = false, std::uint16_t sport = 1234, std::uint16_t dport = 80) {
  std::vector<std::uint8_t> p = random_bytes(total);
  p[0] = 0x45;
  p[1] = tos;
  p[2] = static_cast<std::uint8_t>(total >> 8);
  p[3] = static_cast<std::uint8_t>(total);
  p[6] = df ? 0x40 : 0;
  p[7] = 0;
  p[8] = 64;
  p[9] = 17;
  p[10] = p[11] = 0;
  for (int i = 0; i < 4; ++i) {
    p[12 + i] = static_cast<std::uint8_t>(src >> (24 - 8 * i));
    p[16 + i] = static_cast<std::uint8_t>(dst >> (24 - 8 * i));
  }
  const std::uint16_t c = ipv4_checksum(p.data(), 20);
  p[10] = static_cast<std::uint8_t>(c >> 8);
  p[11] = static_cast<std::uint8_t>(c);
  p[20] = static_cast<std::uint8_t>(sport >> 8);
  p[21] = static_cast<std::uint8_t>(sport);
  p[22] = static_cast<std::uint8_t>(dport >> 8);
  p[23] = static_cast<std::uint8_t>(dport);
  p[24] = static_cast<std::uint8_t>((total - 20) >> 8);
  p[25] = static_cast<std::uint8_t>(total - 20);
  return p;
}

inline Packet outbound_packet(SaHandle sa, const std::vector<std::uint8_t>& inner) {
  Packet p;
  p.buf.assign(kOutboundHeadroom + inner.size() + kMaxEspOverhead, 0);
  std::copy(inner.begin(), inner.end(), p.buf.begin() + kOutboundHeadroom);
  p.job.direction = Direction::kOutbound;
  p.job.sa = sa;
  p.job.buffer = p.buf.data();
  p.job.capacity = static_cast<std::uint32_t>(p.buf.size());
  p.job.offset = kOutboundHeadroom;
  p.job.length = static_cast<std::uint32_t>(inner.size());
  return p;
}

inline Packet inbound_packet(const std::vector<std::uint8_t>& datagram) {
  Packet p;
  p.buf = datagram;
  p.job.direction = Direction::kInbound;
  p.job.buffer = p.buf.data();
  p.job.capacity = static_cast<std::uint32_t>(p.buf.size());
  p.job.offset = 0;
  p.job.length = static_cast<std::uint32_t>(datagram.size());
  return p;
}

struct TransformCase {
  Transform transform;
  std::uint32_t enc_key_len;
  const char* name;
};
inline const std::vector<TransformCase>& all_transforms() {
  static const std::vector<TransformCase> v = {
      {Transform::kAesGcm16, 16, "Gcm128"},          {Transform::kAesGcm16, 32, "Gcm256"},
      {Transform::kAesCbcHmacSha256, 16, "Cbc128Sha256"}, {Transform::kAesCbcHmacSha256, 32, "Cbc256Sha256"},
      {Transform::kAesCbcHmacSha1, 16, "Cbc128Sha1"},   {Transform::kAesCbcHmacSha1, 32, "Cbc256Sha1"},
  };
  return v;
}

inline std::uint32_t auth_key_len(Transform t) {
  return t == Transform::kAesCbcHmacSha256 ? 32 : t == Transform::kAesCbcHmacSha1 ? 20 : 0;
}

// A matching outbound/inbound pair of configs with fresh random keys.
inline SaConfig make_config(Transform t, std::uint32_t key_len, Direction dir, std::uint32_t spi = 0x1000,
                            bool esn = false) {
  SaConfig c;
  c.spi = spi;
  c.direction = dir;
  c.transform = t;
  auto k = random_bytes(key_len);
  c.enc_key = SecretBytes(k);
  auto a = random_bytes(auth_key_len(t));
  c.auth_key = SecretBytes(a);
  c.salt = 0xCAFEBABE;
  c.esn = esn;
  if (dir == Direction::kOutbound) {
    c.tunnel_src = kLocal;
    c.tunnel_dst = kRemote;
  } else {
    c.tunnel_src = kRemote;
    c.tunnel_dst = kLocal;
  }
  return c;
}

inline SaConfig inbound_twin(const SaConfig& out) {
  SaConfig in = out;
  in.direction = Direction::kInbound;
  std::swap(in.tunnel_src, in.tunnel_dst);
  return in;
}

inline std::vector<std::string> providers_in_build() {
#ifdef ESPGW_HAVE_IPSEC_MB
  return {"openssl", "ipsec-mb"};
#else
  return {"openssl"};
#endif
}

}  // namespace espgw::driver::cpu::test

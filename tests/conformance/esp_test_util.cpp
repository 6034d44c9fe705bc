// Shared pieces of the ESP conformance suite (see esp_test_util.hpp). Inner packets follow
// RFC 791/792/768 with real checksums, so a backend that validates them has nothing to reject.
#include "esp_test_util.hpp"

#include <gtest/gtest.h>

#include <array>
#include <ostream>

namespace espgw::conformance {

namespace {

constexpr std::array<TransformCase, 6> kTransforms = {{
    {Transform::kAesCbcHmacSha256, 16, "aes128-cbc-sha256"},
    {Transform::kAesCbcHmacSha256, 32, "aes256-cbc-sha256"},
    {Transform::kAesCbcHmacSha1, 16, "aes128-cbc-sha1"},
    {Transform::kAesCbcHmacSha1, 32, "aes256-cbc-sha1"},
    {Transform::kAesGcm16, 16, "aes128-gcm16"},
    {Transform::kAesGcm16, 32, "aes256-gcm16"},
}};

void put16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
void put32(std::uint8_t* p, std::uint32_t v) {
  put16(p, static_cast<std::uint16_t>(v >> 16));
  put16(p + 2, static_cast<std::uint16_t>(v));
}

std::uint32_t sum16(std::span<const std::uint8_t> data, std::uint32_t sum = 0) {
  for (std::size_t i = 0; i + 1 < data.size(); i += 2) sum += static_cast<std::uint32_t>(data[i] << 8 | data[i + 1]);
  if (data.size() % 2) sum += static_cast<std::uint32_t>(data.back() << 8);
  return sum;
}
std::uint16_t fold(std::uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

Bytes ipv4_header(std::uint32_t src, std::uint32_t dst, std::size_t total_len, std::uint8_t proto,
                  std::uint16_t id, std::uint8_t tos, bool df) {
  Bytes h(20, 0);
  h[0] = 0x45;
  h[1] = tos;
  put16(&h[2], static_cast<std::uint16_t>(total_len));
  put16(&h[4], id);
  put16(&h[6], df ? 0x4000 : 0);
  h[8] = 63;
  h[9] = proto;
  put32(&h[12], src);
  put32(&h[16], dst);
  put16(&h[10], ipv4_checksum(h));
  return h;
}

}  // namespace

std::span<const TransformCase> all_transforms() { return kTransforms; }

std::string SaVariant::name() const {
  return std::string(tc.name) + (esn ? "/esn" : "") + (udp ? "/udp" : "");
}

std::vector<SaVariant> all_variants() {
  std::vector<SaVariant> out;
  for (const auto& tc : kTransforms)
    for (bool esn : {false, true})
      for (bool udp : {false, true}) out.push_back({tc, esn, udp});
  return out;
}

std::size_t icv_bytes(Transform t) { return t == Transform::kAesCbcHmacSha1 ? 12 : 16; }
std::size_t iv_bytes(Transform t) { return t == Transform::kAesGcm16 ? 8 : 16; }

SaConfig make_sa(const SaVariant& v, Direction dir, std::uint32_t spi) {
  SaConfig c;
  c.spi = spi;
  c.direction = dir;
  c.tunnel_src = kLocalGw;
  c.tunnel_dst = kPeerGw;
  if (v.udp) c.udp_encap = driver::UdpEncap{4500, 4500};
  c.transform = v.tc.transform;
  Bytes key(v.tc.enc_key_bytes);
  for (std::size_t i = 0; i < key.size(); ++i)
    key[i] = static_cast<std::uint8_t>((spi >> (8 * (i % 4))) ^ (i * 0x3B + 0x11));
  c.enc_key = SecretBytes(key);
  if (v.tc.transform != Transform::kAesGcm16) {
    Bytes auth(v.tc.transform == Transform::kAesCbcHmacSha1 ? 20 : 32);
    for (std::size_t i = 0; i < auth.size(); ++i)
      auth[i] = static_cast<std::uint8_t>((spi >> (8 * (i % 4))) ^ (i * 0x57 + 0xA5));
    c.auth_key = SecretBytes(auth);
  } else {
    c.salt = spi ^ 0x5EEDC0DEu;
  }
  c.esn = v.esn;
  c.selector.src_addr = kLocalLan;
  c.selector.src_mask = kLan24;
  c.selector.dst_addr = kPeerLan;
  c.selector.dst_mask = kLan24;
  return c;
}

std::uint16_t ipv4_checksum(std::span<const std::uint8_t> header) {
  Bytes copy(header.begin(), header.end());
  if (copy.size() >= 12) copy[10] = copy[11] = 0;
  return fold(sum16(copy));
}

Bytes make_icmp(std::uint32_t src, std::uint32_t dst, std::size_t total_len, std::uint16_t ident, std::uint8_t tos,
                bool df) {
  if (total_len < 28) total_len = 28;
  Bytes p = ipv4_header(src, dst, total_len, 1, ident, tos, df);
  Bytes icmp(total_len - 20, 0);
  icmp[0] = 8;  // echo request
  put16(&icmp[4], ident);
  put16(&icmp[6], static_cast<std::uint16_t>(total_len));
  for (std::size_t i = 8; i < icmp.size(); ++i) icmp[i] = static_cast<std::uint8_t>(i * 7 + ident);
  put16(&icmp[2], fold(sum16(icmp)));
  p.insert(p.end(), icmp.begin(), icmp.end());
  return p;
}

Bytes make_udp(std::uint32_t src, std::uint32_t dst, std::uint16_t sport, std::uint16_t dport,
               std::size_t payload_len) {
  std::size_t total = 28 + payload_len;
  Bytes p = ipv4_header(src, dst, total, 17, static_cast<std::uint16_t>(sport ^ dport), 0, true);
  Bytes udp(8 + payload_len, 0);
  put16(&udp[0], sport);
  put16(&udp[2], dport);
  put16(&udp[4], static_cast<std::uint16_t>(udp.size()));
  for (std::size_t i = 8; i < udp.size(); ++i) udp[i] = static_cast<std::uint8_t>(i ^ 0x5C);
  // Pseudo-header: src, dst, zero, protocol, UDP length (RFC 768).
  std::uint8_t pseudo[12];
  put32(pseudo, src);
  put32(pseudo + 4, dst);
  pseudo[8] = 0;
  pseudo[9] = 17;
  put16(pseudo + 10, static_cast<std::uint16_t>(udp.size()));
  std::uint16_t ck = fold(sum16(udp, sum16(pseudo)));
  put16(&udp[6], ck == 0 ? 0xFFFF : ck);
  p.insert(p.end(), udp.begin(), udp.end());
  return p;
}

std::vector<Bytes> inner_mix(std::size_t count, std::uint16_t seed) {
  // Sizes chosen to hit every CBC pad length 0..15 and the GCM 4-byte alignment cases.
  static constexpr std::size_t kSizes[] = {28, 29, 30, 31, 40, 61, 62, 63, 64, 65, 100, 127, 128, 255, 256, 512, 1000, 1400};
  std::vector<Bytes> out;
  for (std::size_t i = 0; i < count; ++i) {
    std::size_t len = kSizes[(i + seed) % std::size(kSizes)];
    std::uint8_t tos = (i % 3 == 1) ? 0xB8 : (i % 3 == 2 ? 0x02 : 0);
    bool df = i % 2 == 1;
    out.push_back(make_icmp(kLocalLan | (1 + i % 200), kPeerLan | (1 + (i * 7) % 200), len,
                            static_cast<std::uint16_t>(seed * 100 + i), tos, df));
  }
  return out;
}

void fix_outer_lengths(Bytes& d) {
  if (d.size() < 20) return;
  put16(&d[2], static_cast<std::uint16_t>(d.size()));
  if (d[9] == 17 && d.size() >= 28) put16(&d[24], static_cast<std::uint16_t>(d.size() - 20));
  put16(&d[10], ipv4_checksum(std::span(d).first(20)));
}

std::vector<Result> encap(EspDevice& dev, SaHandle sa, const std::vector<Bytes>& inners) {
  std::vector<Bytes> bufs;
  std::vector<driver::PacketJob> jobs;
  bufs.reserve(inners.size());
  for (const auto& in : inners) {
    Bytes& b = bufs.emplace_back(driver::kOutboundHeadroom + in.size() + driver::kMaxEspOverhead, 0xEE);
    std::copy(in.begin(), in.end(), b.begin() + driver::kOutboundHeadroom);
    driver::PacketJob j;
    j.direction = Direction::kOutbound;
    j.sa = sa;
    j.buffer = b.data();
    j.capacity = static_cast<std::uint32_t>(b.size());
    j.offset = driver::kOutboundHeadroom;
    j.length = static_cast<std::uint32_t>(in.size());
    jobs.push_back(j);
  }
  dev.process(jobs);
  std::vector<Result> out;
  for (const auto& j : jobs) {
    Result r{j.status, j.sa, j.seq, {}};
    if (j.status == Status::kOk) {
      EXPECT_LE(std::uint64_t{j.offset} + j.length, j.capacity);
      r.bytes.assign(j.buffer + j.offset, j.buffer + j.offset + j.length);
    }
    out.push_back(std::move(r));
  }
  return out;
}

Result encap1(EspDevice& dev, SaHandle sa, const Bytes& inner) { return encap(dev, sa, {inner}).front(); }

std::vector<Result> decap(EspDevice& dev, const std::vector<Bytes>& datagrams) {
  constexpr std::uint32_t kOffset = 8;  // not at the start of the buffer, as after a link header
  std::vector<Bytes> bufs;
  std::vector<driver::PacketJob> jobs;
  bufs.reserve(datagrams.size());
  for (const auto& d : datagrams) {
    Bytes& b = bufs.emplace_back(kOffset + d.size(), 0xEE);
    std::copy(d.begin(), d.end(), b.begin() + kOffset);
    driver::PacketJob j;
    j.direction = Direction::kInbound;
    j.buffer = b.data();
    j.capacity = static_cast<std::uint32_t>(b.size());
    j.offset = kOffset;
    j.length = static_cast<std::uint32_t>(d.size());
    jobs.push_back(j);
  }
  dev.process(jobs);
  std::vector<Result> out;
  for (const auto& j : jobs) {
    Result r{j.status, j.sa, j.seq, {}};
    if (j.status == Status::kOk) {
      EXPECT_LE(std::uint64_t{j.offset} + j.length, j.capacity);
      r.bytes.assign(j.buffer + j.offset, j.buffer + j.offset + j.length);
    }
    out.push_back(std::move(r));
  }
  return out;
}

Result decap1(EspDevice& dev, const Bytes& datagram) { return decap(dev, {datagram}).front(); }

SaHandle install(EspDevice& dev, const SaConfig& config) {
  auto r = dev.install_sa(config);
  EXPECT_EQ(r.status, Status::kOk) << "install_sa spi=0x" << std::hex << config.spi << ": " << status_name(r.status);
  return r.status == Status::kOk ? r.handle : driver::kNoSa;
}

SaCounters counters(const EspDevice& dev, SaHandle sa) {
  auto s = dev.read_sa(sa);
  EXPECT_TRUE(s.has_value()) << "no SA at handle " << sa;
  return s ? s->counters : SaCounters{};
}

std::string hex(std::span<const std::uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  for (auto b : bytes) {
    s.push_back(kDigits[b >> 4]);
    s.push_back(kDigits[b & 0xF]);
  }
  return s;
}

Bytes unhex(std::string_view h) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  Bytes out;
  if (h.size() % 2) return out;
  for (std::size_t i = 0; i < h.size(); i += 2) {
    int hi = nibble(h[i]), lo = nibble(h[i + 1]);
    if (hi < 0 || lo < 0) return {};
    out.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
  }
  return out;
}

std::string status_name(Status s) { return std::string(regmap::to_string(s)); }

}  // namespace espgw::conformance

namespace espgw::regmap {
// So gtest prints statuses by name in assertion messages.
void PrintTo(Status s, std::ostream* os) { *os << to_string(s); }
}  // namespace espgw::regmap

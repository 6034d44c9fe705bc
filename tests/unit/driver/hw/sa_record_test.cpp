// driver/hw/sa_record.cpp: validation rules (the CPU backend's, so install statuses agree),
// the record packing read back without keys, and the HMAC midstates: resuming SHA-256 from
// the packed inner/outer states must give OpenSSL's HMAC.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "driver/hw/sa_record.hpp"

#include <gtest/gtest.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <cstring>

namespace espgw::driver::hw {
namespace {

namespace w = regmap::sa_word;

SaConfig base_config() {
  SaConfig c;
  c.spi = 0x1234;
  c.transform = Transform::kAesCbcHmacSha256;
  c.enc_key = SecretBytes(std::vector<std::uint8_t>(16, 0x11));
  c.auth_key = SecretBytes(std::vector<std::uint8_t>(32, 0x22));
  return c;
}

TEST(HwSaRecord, ValidationRefusesWhatTheKernelCannotRun) {
  EXPECT_EQ(validate_sa(base_config(), 4096), Status::kOk);
  auto bad = [](auto mutate) {
    SaConfig c = base_config();
    mutate(c);
    return validate_sa(c, 4096);
  };
  EXPECT_EQ(bad([](SaConfig& c) { c.enc_key.resize(24); }), Status::kInvalidConfig);
  EXPECT_EQ(bad([](SaConfig& c) { c.auth_key.resize(20); }), Status::kInvalidConfig);
  EXPECT_EQ(bad([](SaConfig& c) { c.spi = 255; }), Status::kInvalidConfig);
  EXPECT_EQ(bad([](SaConfig& c) { c.replay_window = 4097; }), Status::kInvalidConfig);
  EXPECT_EQ(bad([](SaConfig& c) { c.ttl = 0; }), Status::kInvalidConfig);
  EXPECT_EQ(bad([](SaConfig& c) { c.udp_encap = UdpEncap{0, 4500}; }), Status::kInvalidConfig);
  EXPECT_EQ(bad([](SaConfig& c) { c.initial_seq = 0x100000000ull; }), Status::kInvalidConfig);
  EXPECT_EQ(bad([](SaConfig& c) { c.transform = static_cast<Transform>(9); }), Status::kInvalidConfig);
  EXPECT_EQ(bad([](SaConfig& c) {
              c.transform = Transform::kAesGcm16;
            }),
            Status::kInvalidConfig);  // GCM takes no HMAC key
}

TEST(HwSaRecord, PackedRecordUnpacksToTheConfigWithoutKeys) {
  SaConfig c = base_config();
  c.direction = Direction::kInbound;
  c.enc_key = SecretBytes(std::vector<std::uint8_t>(32, 0x33));
  c.tunnel_src = 0x0A000001;
  c.tunnel_dst = 0x0A000002;
  c.udp_encap = UdpEncap{4500, 4501};
  c.esn = true;
  c.replay_window = 1024;
  c.initial_seq = 0x100000005ull;
  c.lifetime = Lifetime{100, 200, 3, 4};
  c.selector = TrafficSelector{0xC0A80000, 0xFFFF0000, 0xC0A80100, 0xFFFFFF00, 17, 10, 20, 30, 40};
  c.ttl = 33;
  c.df = DfPolicy::kSet;
  SaRecord r = pack_sa(c);
  EXPECT_EQ(r[w::kEncKey], 0x33333333u);  // big-endian key words
  EXPECT_NE(r[w::kFlags] & regmap::sa_flag::kKey256, 0u);
  EXPECT_EQ((r[w::kFlags] >> regmap::sa_flag::kTtlShift) & 0xFF, 33u);
  EXPECT_EQ((r[w::kFlags] >> regmap::sa_flag::kDfShift) & 3, 1u);
  const SaState s = unpack_sa(r);
  EXPECT_EQ(s.spi, c.spi);
  EXPECT_EQ(s.direction, Direction::kInbound);
  EXPECT_EQ(s.key_bits, 256u);
  EXPECT_EQ(s.udp_encap, c.udp_encap);
  EXPECT_TRUE(s.esn);
  EXPECT_EQ(s.replay_window, 1024u);
  EXPECT_EQ(s.seq, c.initial_seq);
  EXPECT_EQ(s.lifetime, c.lifetime);
  EXPECT_EQ(s.selector, c.selector);
  zeroize_record(r);
  for (std::uint32_t v : r) EXPECT_EQ(v, 0u);
}

TEST(HwSaRecord, HmacMidstatesResumeToOpenSslHmac) {
  SaConfig c = base_config();
  std::vector<std::uint8_t> key(32);
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(i * 7 + 1);
  c.auth_key = SecretBytes(key);
  const SaRecord r = pack_sa(c);
  const char msg[] = "ESP header, IV and ciphertext";
  // Resume from the packed states, as the kernel does.
  SHA256_CTX in;
  SHA256_Init(&in);
  for (int i = 0; i < 8; ++i) in.h[i] = r[w::kAuthInner + i];
  in.Nl = 512;  // one 64-byte block already absorbed
  SHA256_Update(&in, msg, std::strlen(msg));
  std::uint8_t inner[32], mac[32];
  SHA256_Final(inner, &in);
  SHA256_CTX out;
  SHA256_Init(&out);
  for (int i = 0; i < 8; ++i) out.h[i] = r[w::kAuthOuter + i];
  out.Nl = 512;
  SHA256_Update(&out, inner, 32);
  SHA256_Final(mac, &out);
  std::uint8_t expect[32];
  unsigned n = 0;
  HMAC(EVP_sha256(), key.data(), 32, reinterpret_cast<const std::uint8_t*>(msg), std::strlen(msg), expect, &n);
  EXPECT_EQ(0, std::memcmp(mac, expect, 32));
}

}  // namespace
}  // namespace espgw::driver::hw

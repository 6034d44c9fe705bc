// Test fixtures for the replication tests: IKE and IPsec SA records with random keys (so a
// byte scan can look for them), and field-by-field comparison of SaConfig, which has no ==.
#pragma once

#include <gtest/gtest.h>
#include <openssl/rand.h>

#include "host/common/ipv4.hpp"
#include "host/ha/sync_messages.hpp"

namespace espgw::ha::test {

inline SecretBytes random_key(std::size_t n) {
  SecretBytes k;
  k.resize(n);
  RAND_bytes(k.mutable_view().data(), static_cast<int>(n));
  return k;
}

inline IkeSaRecord make_ike_sa(std::uint8_t tag) {
  IkeSaRecord r;
  r.cookie_i.fill(tag);
  r.cookie_r.fill(static_cast<std::uint8_t>(tag + 1));
  r.local_address = *parse_ipv4("19.26.116.141");
  r.peer_address = *parse_ipv4("20.15.6.6");
  r.initiator = true;
  r.encryption = 7;  // AES-CBC
  r.key_bits = 256;
  r.hash = 4;        // SHA2-256
  r.dh_group = 14;
  r.auth_method = 1;  // pre-shared key
  r.skeyid_d = random_key(32);
  r.skeyid_a = random_key(32);
  r.skeyid_e = random_key(32);
  r.iv = std::vector<std::uint8_t>(16, 0x5A);
  r.message_ids = {0x11223344, 0x55667788};
  r.dpd_seq_out = 1000;
  r.dpd_seq_in = 2000;
  r.lifetime_remaining_s = 86000;
  return r;
}

// The reference's transform set: esp-aes 256 esp-sha256-hmac, selectors from ACL GandD.
inline IpsecSaRecord make_ipsec_sa(std::uint32_t spi, driver::Direction dir) {
  IpsecSaRecord r;
  auto& c = r.config;
  c.spi = spi;
  c.direction = dir;
  c.tunnel_src = *parse_ipv4(dir == driver::Direction::kOutbound ? "19.26.116.141" : "20.15.6.6");
  c.tunnel_dst = *parse_ipv4(dir == driver::Direction::kOutbound ? "20.15.6.6" : "19.26.116.141");
  c.transform = driver::Transform::kAesCbcHmacSha256;
  c.enc_key = random_key(32);
  c.auth_key = random_key(32);
  c.replay_window = 64;
  c.lifetime = {4423680ull * 1024, 4608000ull * 1024, 0, 0};
  c.selector = {*parse_ipv4("192.168.20.25"), 0xFFFFFFFF, *parse_ipv4("172.21.90.0"), 0xFFFFFE00, 0, 0, 0xFFFF, 0, 0xFFFF};
  c.udp_encap = driver::UdpEncap{4500, 4500};
  r.ike_cookie_i.fill(1);
  r.ike_cookie_r.fill(2);
  r.seq = 0;
  r.lifetime_remaining_s = 3485;
  r.crypto_map = "vpn";
  r.crypto_map_seq = 10;
  return r;
}

inline void expect_same_sa(const driver::SaConfig& a, const driver::SaConfig& b) {
  EXPECT_EQ(a.spi, b.spi);
  EXPECT_EQ(a.direction, b.direction);
  EXPECT_EQ(a.tunnel_src, b.tunnel_src);
  EXPECT_EQ(a.tunnel_dst, b.tunnel_dst);
  EXPECT_EQ(a.udp_encap, b.udp_encap);
  EXPECT_EQ(a.transform, b.transform);
  EXPECT_TRUE(a.enc_key == b.enc_key);
  EXPECT_TRUE(a.auth_key == b.auth_key);
  EXPECT_EQ(a.salt, b.salt);
  EXPECT_EQ(a.replay_window, b.replay_window);
  EXPECT_EQ(a.esn, b.esn);
  EXPECT_EQ(a.lifetime, b.lifetime);
  EXPECT_EQ(a.selector, b.selector);
  EXPECT_EQ(a.ttl, b.ttl);
  EXPECT_EQ(a.df, b.df);
}

// Does `hay` contain `needle` anywhere?
inline bool contains(std::span<const std::uint8_t> hay, std::span<const std::uint8_t> needle) {
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end()) != hay.end();
}

}  // namespace espgw::ha::test

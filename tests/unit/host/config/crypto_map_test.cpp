// crypto map entries: isakmp and manual, session keys, lifetimes, replay-interval.
#include <gtest/gtest.h>

#include "host/common/hex.hpp"
#include "host/common/ipv4.hpp"
#include "tests/unit/host/config/test_util.hpp"

namespace espgw::config {
namespace {

using test::parse;

const char* kManual =
    "crypto ipsec transform-set ts esp-aes 256 esp-sha256-hmac\n"
    "crypto map vpn 20 ipsec-manual\n"
    " set peer 19.26.116.141\n"
    " set transform-set ts\n"
    " match address 110\n"
    " set session-key inbound esp 4096 cipher 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f authenticator "
    "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf\n"
    " set session-key outbound esp 8192 cipher 1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100 "
    "authenticator c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf\n"
    "access-list 110 permit ip host 192.168.20.25 host 172.21.91.37\n";

TEST(CryptoMap, ManualMapCarriesSpisAndKeys) {
  auto r = parse(kManual);
  ASSERT_TRUE(r.diagnostics.empty()) << ::testing::PrintToString(r.formatted());
  const CryptoMapEntry& e = r.config.crypto_maps.at(0);
  EXPECT_EQ(e.type, CryptoMapType::kIpsecManual);
  ASSERT_TRUE(e.inbound_esp && e.outbound_esp);
  EXPECT_EQ(e.inbound_esp->spi, 4096u);
  EXPECT_EQ(e.outbound_esp->spi, 8192u);
  EXPECT_EQ(to_hex(e.inbound_esp->cipher_key.view()), "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  EXPECT_EQ(to_hex(e.outbound_esp->authenticator_key.view()),
            "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf");
  EXPECT_EQ(e.inbound_esp->loc.line, 6);
}

TEST(CryptoMap, ManualKeyLengthMustMatchTheTransform) {
  auto r = parse("crypto ipsec transform-set ts esp-gcm 128\n"
                 "crypto map m 1 ipsec-manual\n set peer 1.1.1.1\n set transform-set ts\n match address 101\n"
                 " set session-key inbound esp 300 cipher 00112233445566778899aabbccddeeff\n"
                 " set session-key outbound esp 301 cipher 00112233445566778899aabbccddeeff00112233 authenticator 0011\n"
                 "access-list 101 permit ip any any\n");
  ASSERT_EQ(r.error_count(), 2u) << ::testing::PrintToString(r.formatted());
  EXPECT_EQ(r.formatted()[0], "t.cfg:6:2: error: crypto map m 1: inbound cipher key is 16 bytes; transform-set ts needs 20 (40 hex digits)");
  EXPECT_EQ(r.formatted()[1], "t.cfg:7:2: error: crypto map m 1: outbound authenticator key given, but transform-set ts has no HMAC");
}

TEST(CryptoMap, SessionKeyOnAnIsakmpMapAndBadHexAreErrors) {
  auto r = parse("crypto map m 1 ipsec-isakmp\n set session-key inbound esp 300 cipher 0011\n"
                 "crypto map n 1 ipsec-manual\n set session-key inbound esp 300 cipher 0g11\n set session-key inbound esp 12 cipher 00\n");
  const auto f = r.formatted();
  EXPECT_NE(std::find(f.begin(), f.end(), "t.cfg:2:2: error: `set session-key` applies to ipsec-manual crypto maps only (crypto map m 1 is ipsec-isakmp)"), f.end())
      << ::testing::PrintToString(f);
  EXPECT_NE(std::find(f.begin(), f.end(), "t.cfg:4:41: error: invalid cipher key: expected an even number of hex digits"), f.end());
  EXPECT_NE(std::find(f.begin(), f.end(), "t.cfg:5:30: error: invalid SPI '12': expected a number 256-4294967295"), f.end());
}

TEST(CryptoMap, PeersTransformSetsPfsLifetimesAndReverseRoute) {
  auto r = parse("crypto map vpn 10 ipsec-isakmp\n set peer 1.1.1.1\n set peer 2.2.2.2\n set peer 1.1.1.1\n"
                 " set transform-set a b\n set pfs\n set security-association lifetime seconds 900\n"
                 " set security-association lifetime kilobytes 10000\n reverse-route static\n"
                 "crypto map vpn 5\n set pfs group24\ncrypto map vpn redundancy replay-interval inbound 100 outbound 1000\n");
  const auto& maps = r.config.crypto_maps;
  ASSERT_EQ(maps.size(), 2u);
  EXPECT_EQ(maps[0].seq, 5);  // sorted by sequence within a map
  EXPECT_EQ(maps[0].pfs_group, 24);
  const CryptoMapEntry& e = maps[1];
  ASSERT_EQ(e.peers.size(), 2u);
  EXPECT_EQ(e.peers[1].address, *parse_ipv4("2.2.2.2"));
  ASSERT_EQ(e.transform_sets.size(), 2u);
  EXPECT_EQ(e.transform_sets[1].name, "b");
  EXPECT_EQ(e.pfs_group, 1);  // `set pfs` alone is group1, as on IOS
  EXPECT_EQ(e.lifetime_seconds, std::chrono::seconds(900));
  EXPECT_EQ(e.lifetime_kilobytes, 10000u);
  EXPECT_TRUE(e.reverse_route);
  const CryptoMapReplayInterval* ri = r.config.find_replay_interval("vpn");
  ASSERT_NE(ri, nullptr);
  EXPECT_EQ(ri->inbound_packets, 100u);
  EXPECT_EQ(ri->outbound_packets, 1000u);
}

TEST(CryptoMap, BadPfsGroupAndSequenceAreErrorsAtTheToken) {
  auto r = parse("crypto map vpn 0 ipsec-isakmp\ncrypto map vpn 10 ipsec-isakmp\n set pfs group3\n");
  EXPECT_EQ(r.formatted().at(0), "t.cfg:1:16: error: invalid sequence number '0': expected a number 1-65535");
  EXPECT_EQ(r.formatted().at(3), "t.cfg:3:10: error: invalid PFS group 'group3': expected group1|group2|group5|group14|group15|group16|group19|group20|group21|group24");
}

}  // namespace
}  // namespace espgw::config

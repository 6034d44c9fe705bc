// crypto isakmp policy / key / keepalive / nat keepalive / aggressive-mode, and the
// ipsec transform-set and security-association globals.
#include <gtest/gtest.h>

#include "host/common/ipv4.hpp"
#include "tests/unit/host/config/test_util.hpp"

namespace espgw::config {
namespace {

using test::parse;

TEST(IsakmpPolicy, DefaultsAreIosDefaults) {
  auto r = parse("crypto isakmp policy 10\n");
  const IsakmpPolicy& p = r.config.isakmp_policies.at(0);
  EXPECT_EQ(p.encryption, IsakmpEncryption::kDes);
  EXPECT_EQ(p.hash, IsakmpHash::kSha);
  EXPECT_EQ(p.authentication, IsakmpAuth::kRsaSig);
  EXPECT_FALSE(p.authentication_explicit);
  EXPECT_EQ(p.dh_group, 1);
  EXPECT_EQ(p.lifetime, std::chrono::seconds(86400));
}

TEST(IsakmpPolicy, PoliciesAreSortedByPriorityAndReEnteringEdits) {
  auto r = parse("crypto isakmp policy 20\n encr aes\ncrypto isakmp policy 5\n encr aes 192\ncrypto isakmp policy 20\n group 19\n");
  ASSERT_EQ(r.config.isakmp_policies.size(), 2u);
  EXPECT_EQ(r.config.isakmp_policies[0].priority, 5);
  EXPECT_EQ(r.config.isakmp_policies[0].key_bits, 192);
  EXPECT_EQ(r.config.isakmp_policies[1].priority, 20);
  EXPECT_EQ(r.config.isakmp_policies[1].key_bits, 128);  // `encr aes` alone is AES-128
  EXPECT_EQ(r.config.isakmp_policies[1].dh_group, 19);
}

TEST(IsakmpPolicy, FusedPolicyNumberOutOfRangeIsAnError) {
  auto r = parse("crypto isakmp policy0\n");
  EXPECT_EQ(r.formatted().at(0), "t.cfg:1:15: warning: 'policy0' read as 'policy 0' (a space is missing between 'policy' and the priority)");
  EXPECT_EQ(r.formatted().at(1), "t.cfg:1:15: error: invalid policy priority '0': expected a number 1-10000");
  EXPECT_TRUE(r.config.isakmp_policies.empty());
}

TEST(IsakmpKey, KeyAddressMaskAndNoXauth) {
  auto r = parse("crypto isakmp key 0 s3cr3t! address 10.1.2.0 255.255.255.0 no-xauth\n"
                 "crypto isakmp key wild address 0.0.0.0 0.0.0.0\n");
  ASSERT_TRUE(r.ok()) << ::testing::PrintToString(r.formatted());
  ASSERT_EQ(r.config.isakmp_keys.size(), 2u);
  const IsakmpKey& k = r.config.isakmp_keys[0];
  EXPECT_EQ(test::key_text(k.key), "s3cr3t!");
  EXPECT_EQ(k.address, *parse_ipv4("10.1.2.0"));
  EXPECT_EQ(k.mask, 0xFFFFFF00u);
  EXPECT_TRUE(k.no_xauth);
  // The most specific key wins, as on IOS.
  EXPECT_EQ(r.config.find_isakmp_key(*parse_ipv4("10.1.2.9")), &r.config.isakmp_keys[0]);
  EXPECT_EQ(r.config.find_isakmp_key(*parse_ipv4("10.9.9.9")), &r.config.isakmp_keys[1]);
}

TEST(IsakmpKey, ErrorsNeverEchoTheKey) {
  auto r = parse("crypto isakmp key topsecret address 10.0.0.300\ncrypto isakmp key 6 topsecret address 1.1.1.1\n"
                 "crypto isakmp bogus topsecret\n");
  ASSERT_EQ(r.diagnostics.size(), 3u);
  for (const auto& d : r.formatted()) EXPECT_EQ(d.find("topsecret"), std::string::npos) << d;
  EXPECT_EQ(r.formatted()[0], "t.cfg:1:37: error: invalid peer address '10.0.0.300': expected an IPv4 address");
  EXPECT_EQ(r.formatted()[1], "t.cfg:2:19: error: type 6 (encrypted) pre-shared keys are not supported: give the key in clear text");
}

TEST(IsakmpGlobals, KeepaliveNatKeepaliveAggressiveMode) {
  auto r = parse("crypto isakmp keepalive 15 3 periodic\ncrypto isakmp nat keepalive 20\ncrypto isakmp aggressive-mode disable\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.config.isakmp_keepalive->interval, std::chrono::seconds(15));
  EXPECT_EQ(r.config.isakmp_keepalive->retry, std::chrono::seconds(3));
  EXPECT_EQ(r.config.isakmp_keepalive->mode, KeepaliveMode::kPeriodic);
  EXPECT_EQ(r.config.isakmp_nat_keepalive, std::chrono::seconds(20));
  EXPECT_TRUE(r.config.isakmp_aggressive_mode_disabled);
  auto bad = parse("crypto isakmp keepalive 5\n");
  EXPECT_EQ(bad.formatted().at(0), "t.cfg:1:25: error: invalid keepalive interval (seconds) '5': expected a number 10-3600");
}

TEST(TransformSet, GcmAndShaVariantsAndMode) {
  auto r = parse("crypto ipsec transform-set g esp-gcm 256\n mode tunnel\ncrypto ipsec transform-set s esp-aes esp-sha-hmac\n");
  ASSERT_TRUE(r.ok()) << ::testing::PrintToString(r.formatted());
  const TransformSet* g = r.config.find_transform_set("g");
  EXPECT_EQ(g->cipher, EspCipher::kAesGcm);
  EXPECT_EQ(g->key_bits, 256);
  EXPECT_EQ(g->integrity, EspIntegrity::kNone);
  const TransformSet* s = r.config.find_transform_set("s");
  EXPECT_EQ(s->key_bits, 128);
  EXPECT_EQ(s->integrity, EspIntegrity::kSha1);
}

TEST(TransformSet, InvalidCombinationsAreErrorsAtTheTransform) {
  auto r = parse("crypto ipsec transform-set a esp-gcm 256 esp-sha256-hmac\ncrypto ipsec transform-set b esp-3des esp-sha-hmac\n"
                 "crypto ipsec transform-set c esp-gcm 192\ncrypto ipsec transform-set d esp-sha-hmac\n"
                 "crypto ipsec transform-set e esp-aes 192 esp-sha-hmac\n mode transport\n");
  EXPECT_EQ(test::positions(r), (std::vector<std::string>{"1:42", "2:30", "3:38", "4:43", "5:1", "5:1"}))
      << ::testing::PrintToString(r.formatted());
  EXPECT_EQ(r.formatted()[1], "t.cfg:2:30: error: transform 'esp-3des' is not supported by espgw (supported: esp-aes "
                              "[128|192|256], esp-gcm [128|256], esp-sha-hmac, esp-sha256-hmac)");
}

TEST(IpsecGlobals, LifetimeAndReplayWindow) {
  auto r = parse("crypto ipsec security-association lifetime seconds 1800\n"
                 "crypto ipsec security-association lifetime kilobytes 100000\n"
                 "crypto ipsec security-association replay window-size 1024\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.config.ipsec_sa_lifetime_seconds, std::chrono::seconds(1800));
  EXPECT_EQ(r.config.ipsec_sa_lifetime_kilobytes, 100000u);
  EXPECT_EQ(r.config.ipsec_replay_window_size, 1024u);
  auto bad = parse("crypto ipsec security-association replay window-size 100\n");
  EXPECT_EQ(bad.formatted().at(0), "t.cfg:1:54: error: invalid replay window size 100: expected 64, 128, 256, 512 or 1024");
}

}  // namespace
}  // namespace espgw::config

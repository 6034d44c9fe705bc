// Cross-references: each dangling name is an error at the name's own line:column.
#include "host/config/validate.hpp"

#include <gtest/gtest.h>

#include "tests/unit/host/config/test_util.hpp"

namespace espgw::config {
namespace {

using test::parse;

const char* kBase =
    "crypto isakmp policy 1\n encr aes 256\n hash sha256\n authentication pre-share\n group 14\n"  // 1-5
    "crypto isakmp key k address 10.0.0.2\n"                                                      // 6
    "crypto ipsec transform-set ts esp-aes 256 esp-sha256-hmac\n";                               // 7

TEST(Validate, CompleteConfigHasNoDiagnostics) {
  auto r = parse(std::string(kBase) +
                 "crypto map vpn 10 ipsec-isakmp\n set peer 10.0.0.2\n set transform-set ts\n match address 101\n"
                 "access-list 101 permit ip 10.1.0.0 0.0.255.255 10.2.0.0 0.0.255.255\n"
                 "interface GigabitEthernet0/0\n ip address 10.0.0.1 255.255.255.0\n crypto map vpn\n");
  EXPECT_TRUE(r.diagnostics.empty()) << ::testing::PrintToString(r.formatted());
}

TEST(Validate, DanglingAclTransformSetPeerKeyAndMapAreErrorsAtTheName) {
  auto r = parse(std::string(kBase) +
                 "crypto map vpn 10 ipsec-isakmp\n"  // 8
                 " set peer 10.0.0.3\n"              // 9
                 " set transform-set ts nope\n"      // 10
                 " match address NOACL\n"            // 11
                 "interface GigabitEthernet0/0\n"    // 12
                 " crypto map vpm\n");               // 13
  EXPECT_EQ(r.formatted(), (std::vector<std::string>{
                               "t.cfg:9:11: error: crypto map vpn 10: peer 10.0.0.3 has no pre-shared key (add `crypto isakmp key KEY address 10.0.0.3`)",
                               "t.cfg:10:23: error: crypto map vpn 10: transform-set nope is not configured (`crypto ipsec transform-set nope ...`)",
                               "t.cfg:11:16: error: crypto map vpn 10: match address NOACL names an access list that is not configured",
                               "t.cfg:13:13: error: GigabitEthernet0/0: crypto map vpm is not configured (`crypto map vpm 10 ipsec-isakmp` ...)",
                           }));
}

TEST(Validate, RedundancyMustNameAStandbyGroupOnTheSameInterface) {
  auto r = parse(std::string(kBase) +
                 "crypto map vpn 10 ipsec-isakmp\n set peer 10.0.0.2\n set transform-set ts\n match address 101\n"  // 8-11
                 "access-list 101 permit ip any any\n"                                                              // 12
                 "interface GigabitEthernet0/1\n standby 5 ip 10.9.0.1\n standby 5 name INSIDE\n"                  // 13-15
                 "interface GigabitEthernet0/0\n crypto map vpn redundancy VPNHA\n"                                 // 16-17
                 "interface GigabitEthernet0/2\n crypto map vpn redundancy INSIDE stateful\n");                     // 18-19
  const auto f = r.formatted();
  EXPECT_NE(std::find(f.begin(), f.end(),
                      "t.cfg:17:28: error: GigabitEthernet0/0: crypto map vpn redundancy VPNHA names no standby group (add `standby N name VPNHA`)"),
            f.end())
      << ::testing::PrintToString(f);
  EXPECT_NE(std::find(f.begin(), f.end(), "t.cfg:19:28: error: GigabitEthernet0/2: standby group INSIDE is on GigabitEthernet0/1, not on this interface"),
            f.end());
  EXPECT_NE(std::find(f.begin(), f.end(),
                      "t.cfg:19:13: error: stateful failover needs `redundancy inter-device` with `scheme standby NAME`"),
            f.end());
}

TEST(Validate, IncompleteIsakmpMapIsAWarningAsOnIos) {
  auto r = parse(std::string(kBase) + "crypto map vpn 10 ipsec-isakmp\n set peer 10.0.0.2\n");
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.formatted().at(0),
            "t.cfg:8:1: warning: crypto map vpn 10 is incomplete and stays disabled, as on IOS (missing: set transform-set, match address)");
}

TEST(Validate, ManualMapMissingKeysIsAnError) {
  auto r = parse(std::string(kBase) + "crypto map m 1 ipsec-manual\n set peer 10.0.0.2\n set transform-set ts\n match address 101\n"
                                      "access-list 101 permit ip any any\n");
  EXPECT_EQ(r.error_count(), 2u) << ::testing::PrintToString(r.formatted());
  EXPECT_EQ(r.formatted()[0], "t.cfg:8:1: error: crypto map m 1 (ipsec-manual) needs `set session-key inbound esp SPI cipher HEX ...`");
}

TEST(Validate, RunsOnAHandBuiltModel) {
  Config c;
  Interface itf;
  itf.name = "GigabitEthernet0/0";
  itf.crypto_map = InterfaceCryptoMap{NamedRef{"x", {}}, std::nullopt, false};
  c.interfaces.push_back(itf);
  auto d = validate_config(c, "built");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].severity, Severity::kError);
}

}  // namespace
}  // namespace espgw::config

namespace espgw::config {
namespace {

TEST(ConfigLookups, LocalAddressIsTheVirtualIpOnlyWithRedundancy) {
  auto wrong = test::parse(test::fixture("r1-hsrp-wrong.cfg"));
  auto stateless = test::parse(test::fixture("r1-stateless-ha.cfg"));
  // The reference's fault and its fix: physical 19.26.116.139 vs virtual 19.26.116.141.
  EXPECT_EQ(wrong.config.crypto_local_address(wrong.config.interfaces.at(0)), 0x131A748Bu);
  EXPECT_EQ(stateless.config.crypto_local_address(stateless.config.interfaces.at(0)), 0x131A748Du);
  EXPECT_EQ(stateless.config.find_interface_with_crypto_map("vpn"), &stateless.config.interfaces.at(0));
  EXPECT_EQ(stateless.config.find_interface_with_crypto_map("nope"), nullptr);
}

TEST(ConfigLookups, PerMapLifetimeOverridesTheGlobalOne) {
  auto r = test::parse("crypto ipsec security-association lifetime seconds 1800\ncrypto map m 1\n"
                       " set security-association lifetime kilobytes 5000\n");
  const CryptoMapEntry& e = r.config.crypto_maps.at(0);
  EXPECT_EQ(r.config.effective_lifetime_seconds(e), std::chrono::seconds(1800));
  EXPECT_EQ(r.config.effective_lifetime_kilobytes(e), 5000u);
}

}  // namespace
}  // namespace espgw::config

// The parse driver: IOS mode semantics on pasted text (indentation is not structure), keyword
// abbreviations, unknown and platform commands, strict mode, every error reported.
#include "host/config/parser.hpp"

#include <gtest/gtest.h>

#include "tests/unit/host/config/test_util.hpp"

namespace espgw::config {
namespace {

using test::parse;
using test::positions;

TEST(Parser, IndentationIsNotStructureCommandsFindTheirMode) {
  // Nothing indented, and a global command indented deeply: the result is the same config.
  auto flat = parse("crypto map m 10 ipsec-isakmp\nset peer 1.1.1.1\nmatch address 101\n        access-list 101 permit ip any any\n");
  EXPECT_EQ(flat.config.crypto_maps.at(0).peers.size(), 1u);
  EXPECT_EQ(flat.config.crypto_maps.at(0).match_address->name, "101");
  ASSERT_EQ(flat.config.access_lists.size(), 1u);
  EXPECT_EQ(flat.config.access_lists[0].entries.size(), 1u);
}

TEST(Parser, ACommandInvalidInASubModeIsTriedAtTheLevelAbove) {
  // ` crypto map vpn 10 ipsec-isakmp` inside an interface is not an interface command.
  auto r = parse("interface GigabitEthernet0/0\n crypto map vpn 10 ipsec-isakmp\n set peer 2.2.2.2\n");
  ASSERT_EQ(r.config.crypto_maps.size(), 1u);
  EXPECT_EQ(r.config.crypto_maps[0].peers.at(0).address, 0x02020202u);
  EXPECT_FALSE(r.config.interfaces.at(0).crypto_map);
}

TEST(Parser, AnUnknownSubCommandLeavesTheModeOpenAsIosDoes) {
  auto r = parse("crypto map m 10 ipsec-isakmp\n frobnicate now\n set peer 3.3.3.3\n");
  EXPECT_EQ(r.config.crypto_maps.at(0).peers.size(), 1u);
  // Also: no isakmp policy (1:1) and no key for the peer (3:11).
  ASSERT_EQ(r.diagnostics.size(), 4u) << ::testing::PrintToString(r.formatted());
  EXPECT_EQ(r.formatted()[0],
            "t.cfg:1:1: warning: crypto map m 10 is incomplete and stays disabled, as on IOS (missing: set transform-set, match address)");
  EXPECT_EQ(r.formatted()[2],
            "t.cfg:2:2: warning: unknown command 'frobnicate now' (not valid in crypto map m 10 nor at global level), ignored");
}

TEST(Parser, UnknownCommandIsAnErrorInStrictMode) {
  auto lax = parse("hostname R9\nfrobnicate\n");
  EXPECT_TRUE(lax.ok());
  EXPECT_EQ(lax.warning_count(), 1u);
  auto strict = parse("hostname R9\nfrobnicate\n", true);
  EXPECT_FALSE(strict.ok());
  EXPECT_EQ(strict.formatted().at(0), "t.cfg:2:1: error: unknown command 'frobnicate'");
}

TEST(Parser, PlatformCommandsAreListedAsIgnoredNotWarned) {
  auto r = parse("version 15.2\nservice timestamps debug datetime msec\nno ip domain lookup\nip cef\n"
                 "interface Gi0/1\n ip address 10.0.0.1 255.255.255.0\n duplex full\n speed 1000\n no ip redirects\n"
                 " ip accounting output-packets\n ip tcp adjust-mss 1360\n negotiation auto\n",
                 true);
  EXPECT_TRUE(r.diagnostics.empty()) << ::testing::PrintToString(r.formatted());
  EXPECT_EQ(r.config.notes.ignored.size(), 10u);
  EXPECT_EQ(r.config.notes.ignored[0].text, "version 15.2");
  EXPECT_EQ(r.config.notes.ignored[0].mode, "global");
  EXPECT_EQ(r.config.notes.ignored[4].text, "duplex full");
  EXPECT_EQ(r.config.notes.ignored[4].mode, "interface GigabitEthernet0/1");
  EXPECT_EQ(r.config.interfaces.at(0).name, "GigabitEthernet0/1");
}

TEST(Parser, PlatformBlocksAbsorbTheirSubCommandsAndMaskSecrets) {
  auto r = parse("line vty 0 4\n password cisco\n login\n transport input ssh\nusername admin secret 5 $1$abc\n"
                 "crypto isakmp keepalive 30\n",
                 true);
  EXPECT_TRUE(r.diagnostics.empty()) << ::testing::PrintToString(r.formatted());
  ASSERT_EQ(r.config.notes.ignored.size(), 5u);
  EXPECT_EQ(r.config.notes.ignored[1].text, "password ********");
  EXPECT_EQ(r.config.notes.ignored[1].mode, "line vty 0 4");
  EXPECT_EQ(r.config.notes.ignored[4].text, "username admin secret 5 ********");
  ASSERT_TRUE(r.config.isakmp_keepalive);  // the block ended at the global command
  EXPECT_EQ(r.config.isakmp_keepalive->interval, std::chrono::seconds(30));
}

TEST(Parser, BannerTextIsSkippedUpToItsDelimiter) {
  auto r = parse("banner motd ^C\nauthorized access only\ninterface Gi0/0 is not a command here\n^C\nhostname B1\n", true);
  EXPECT_TRUE(r.diagnostics.empty()) << ::testing::PrintToString(r.formatted());
  EXPECT_EQ(r.config.hostname, "B1");
  EXPECT_TRUE(r.config.interfaces.empty());
}

TEST(Parser, IosAbbreviationsAreAccepted) {
  auto r = parse("crypto isa pol 5\n enc aes 128\n ha sha\n auth pre\n gr 2\n lif 3600\nint g0/1\n ip add 10.1.1.1 255.255.255.0\n"
                 " shut\n");
  EXPECT_TRUE(r.ok()) << ::testing::PrintToString(r.formatted());
  const IsakmpPolicy& p = r.config.isakmp_policies.at(0);
  EXPECT_EQ(p.priority, 5);
  EXPECT_EQ(p.key_bits, 128);
  EXPECT_EQ(p.hash, IsakmpHash::kSha);
  EXPECT_EQ(p.authentication, IsakmpAuth::kPreShare);
  EXPECT_EQ(p.dh_group, 2);
  EXPECT_EQ(p.lifetime, std::chrono::seconds(3600));
  EXPECT_EQ(r.config.interfaces.at(0).name, "GigabitEthernet0/1");
  EXPECT_TRUE(r.config.interfaces.at(0).shutdown);
}

TEST(Parser, AmbiguousAbbreviationIsReportedAtItsColumn) {
  auto r = parse("crypto isakmp policy 1\n h sha\n authentication r\n");
  EXPECT_EQ(r.formatted().at(2), "t.cfg:3:17: error: ambiguous authentication method 'r' (pre-share|rsa-sig|rsa-encr)");
}

TEST(Parser, EveryErrorIsReportedNotOnlyTheFirst) {
  auto r = parse("crypto isakmp policy 1\n encr aes 257\n group 3\n lifetime 10\n authentication pre-share\n"
                 "crypto ipsec transform-set t esp-aes 256 esp-sha256-hmac\n"
                 "access-list 150 permit ip host 1.2.3.999 any\n"
                 "interface GigabitEthernet0/0\n ip address 10.0.0.1 255.0.255.0\n standby 1 priority 300\n");
  // 1:1 is the warning that policy 1 stays on IOS's default des, since `encr aes 257` was refused.
  EXPECT_EQ(positions(r), (std::vector<std::string>{"1:1", "2:11", "3:8", "4:11", "7:32", "9:22", "10:21"}))
      << ::testing::PrintToString(r.formatted());
  EXPECT_EQ(r.error_count(), 6u);
  EXPECT_EQ(r.formatted()[1], "t.cfg:2:11: error: invalid AES key size '257': expected 128|192|256");
  EXPECT_EQ(r.formatted()[2], "t.cfg:3:8: error: invalid Diffie-Hellman group 3: expected 1, 2, 5, 14, 15, 16, 19, 20, 21 or 24");
  EXPECT_EQ(r.formatted()[3], "t.cfg:4:11: error: invalid ISAKMP lifetime (seconds) '10': expected a number 60-86400");
  EXPECT_EQ(r.formatted()[4], "t.cfg:7:32: error: invalid source host address '1.2.3.999': expected an IPv4 address");
  // The bad lines were dropped; the good ones applied.
  EXPECT_EQ(r.config.isakmp_policies.at(0).key_bits, 0);
  EXPECT_EQ(r.config.isakmp_policies.at(0).authentication, IsakmpAuth::kPreShare);
  EXPECT_EQ(r.config.interfaces.at(0).standby.size(), 0u);
}

TEST(Parser, MissingArgumentIsReportedJustPastTheLine) {
  auto r = parse("crypto isakmp key secret address\n");
  EXPECT_EQ(r.formatted().at(0), "t.cfg:1:34: error: incomplete command: expected peer address");
}

TEST(Parser, ExitAndEndLeaveSubModes) {
  auto r = parse("interface Gi0/0\nexit\ndescription stray\ninterface Gi0/1\nend\nshutdown\n");
  EXPECT_FALSE(r.config.interfaces.at(1).shutdown);
  EXPECT_FALSE(r.config.interfaces.at(0).description);
  EXPECT_EQ(r.warning_count(), 2u);
}

TEST(Parser, DebugCryptoIsakmpIsRecorded) {
  auto r = parse("debug crypto isakmp\n");
  EXPECT_TRUE(r.config.debug_crypto_isakmp);
  EXPECT_FALSE(r.config.debug_crypto_ipsec);
}

TEST(Parser, GarbageNeverCrashesAndIsReported) {
  const char raw[] = "\x00\xff\xfe crypto map \x80\x81 10\n\t\t!!\n#\n(\n interface\n standby\n";
  const std::string junk(raw, sizeof(raw) - 1);
  auto r = parse(junk);
  EXPECT_GT(r.diagnostics.size(), 0u);
}

}  // namespace
}  // namespace espgw::config

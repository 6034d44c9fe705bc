// render_running_config(): normalized show-run text that re-parses to an equal model,
// with keys masked unless asked for; and the --check-config summary.
#include "host/config/render.hpp"

#include <gtest/gtest.h>

#include "host/config/summary.hpp"
#include "tests/unit/host/config/test_util.hpp"

namespace espgw::config {
namespace {

using test::fixture;
using test::parse;

const char* kRich =
    "hostname GW-1\n"
    "track 3 interface GigabitEthernet0/1 ip routing\n"
    "crypto isakmp policy 30\n encr aes\n hash sha512\n authentication rsa-sig\n group 21\n lifetime 7200\n"
    "crypto isakmp policy 10\n encr 3des\n hash md5\n"
    "crypto isakmp key abc123 address 10.0.0.0 255.0.0.0\n"
    "crypto isakmp keepalive 20 4 periodic\ncrypto isakmp nat keepalive 30\n"
    "crypto ipsec security-association lifetime seconds 1200\n"
    "crypto ipsec security-association lifetime kilobytes 9000\n"
    "crypto ipsec security-association replay disable\n"
    "crypto ipsec transform-set G esp-gcm 256\ncrypto ipsec transform-set S esp-aes esp-sha-hmac\n"
    "crypto map B 7 ipsec-manual\n set peer 10.0.0.9\n set transform-set S\n match address 101\n"
    " set session-key inbound esp 1000 cipher 00112233445566778899aabbccddeeff authenticator 00112233445566778899aabbccddeeff00112233\n"
    " set session-key outbound esp 1001 cipher ffeeddccbbaa99887766554433221100 authenticator 99112233445566778899aabbccddeeff00112233\n"
    "crypto map A 20 ipsec-isakmp\n set peer 10.0.0.5\n set peer 10.0.0.6\n set transform-set G S\n set pfs group19\n"
    " match address NAMED\n reverse-route\n set security-association lifetime seconds 600\n"
    "crypto map A redundancy replay-interval inbound 10 outbound 20\n"
    "interface GigabitEthernet0/1\n description inside \xE2\x80\x93 LAN\n ip address 192.168.1.1 255.255.255.0\n"
    " standby version 2\n standby 7 ip 192.168.1.254\n standby 7 timers msec 100 1\n standby 7 priority 90\n"
    " standby 7 preempt delay minimum 5\n standby 7 authentication md5 key-string hsrpkey\n standby 7 name IN\n"
    " standby 7 track 3 decrement 20\n standby 8 ip\n shutdown\n crypto map A redundancy IN stateful\n"
    "access-list 101 permit udp host 1.1.1.1 eq 500 host 2.2.2.2 range 10 20\n"
    "ip access-list extended NAMED\n deny tcp any gt 1000 any lt 5 established log\n permit icmp any any 3 4\n"
    "access-list 102 deny 89 any any\n"
    "ipc zone default\n association 1\n  no shutdown\n  protocol sctp\n   local-port 5000\n    local-ip 1.1.1.1\n"
    "    retransmit-timeout 400 9000\n    path-retransmit 5\n    assoc-retransmit 6\n   remote-port 5001\n    remote-ip 1.1.1.2\n"
    "redundancy inter-device\n scheme standby IN\n"
    "debug crypto isakmp\n";

TEST(Render, RoundTripOfEveryFixtureIsEqual) {
  for (const char* name : {"r1-standalone.cfg", "r2-standalone.cfg", "r1-hsrp-wrong.cfg", "r1-stateless-ha.cfg",
                           "r1-stateful-ha.cfg", "peer-20.15.6.6-ha.cfg", "r2-stateful-ha-standby.cfg"}) {
    auto first = parse_ios_config(fixture(name), name);
    const std::string text = render_running_config(first.config, RenderOptions{true});
    auto second = parse_ios_config(text, "rendered");
    EXPECT_EQ(first.config, second.config) << name << "\n" << text;
    // Rendering is a fixed point: the second rendering is byte-identical.
    EXPECT_EQ(render_running_config(second.config, RenderOptions{true}), text) << name;
  }
}

TEST(Render, RoundTripOfEveryCommandIsEqual) {
  auto first = parse(kRich);
  ASSERT_EQ(first.error_count(), 0u) << ::testing::PrintToString(first.formatted());
  const std::string text = render_running_config(first.config, RenderOptions{true});
  auto second = parse(text, true);
  EXPECT_EQ(first.config, second.config) << text;
  EXPECT_EQ(second.config.notes.ignored.size(), 0u);
  EXPECT_NE(text.find("crypto isakmp key abc123 address 10.0.0.0 255.0.0.0\n"), std::string::npos);
  EXPECT_NE(text.find(" standby 7 timers msec 100 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find(" authentication rsa-sig\n"), std::string::npos);  // explicit, so kept
  EXPECT_NE(text.find(" description inside - LAN\n"), std::string::npos);
}

TEST(Render, EqualityIgnoresPositionButNotValues) {
  auto a = parse("hostname A\n\n\ncrypto isakmp keepalive 10\n");
  auto b = parse("crypto isakmp keepalive 10\nhostname A\n");
  EXPECT_EQ(a.config, b.config);
  auto c = parse("crypto isakmp keepalive 11\nhostname A\n");
  EXPECT_NE(a.config, c.config);
  auto k1 = parse("crypto isakmp key one address 1.1.1.1\n");
  auto k2 = parse("crypto isakmp key two address 1.1.1.1\n");
  EXPECT_NE(k1.config, k2.config);
}

TEST(Render, KeysAreMaskedUnlessAsked) {
  auto r = parse(kRich);
  const std::string masked = render_running_config(r.config);
  for (const char* secret : {"abc123", "hsrpkey", "00112233445566778899aabbccddeeff", "ffeeddcc"}) {
    EXPECT_EQ(masked.find(secret), std::string::npos) << secret;
  }
  EXPECT_NE(masked.find("crypto isakmp key ******** address 10.0.0.0 255.0.0.0"), std::string::npos);
  EXPECT_NE(masked.find(" set session-key inbound esp 1000 cipher ******** authenticator ********"), std::string::npos);
  const std::string clear = render_running_config(r.config, RenderOptions{true});
  EXPECT_NE(clear.find("cipher 00112233445566778899aabbccddeeff authenticator"), std::string::npos);
}

TEST(Render, ReferenceStandaloneRendersAsNormalizedShowRun) {
  auto r = parse_ios_config(fixture("r2-standalone.cfg"), "r2");
  EXPECT_EQ(render_running_config(r.config),
            "Building configuration...\n\n!\n!\n"
            "crypto isakmp policy 1\n encr aes 256\n hash sha256\n authentication pre-share\n group 14\n"
            "crypto isakmp key ******** address 19.26.116.137\ncrypto isakmp keepalive 10\n!\n"
            "crypto ipsec transform-set mysec esp-aes 256 esp-sha256-hmac\n mode tunnel\n!\n"
            "crypto map vpn 10 ipsec-isakmp\n set peer 19.26.116.137\n set transform-set mysec\n set pfs group14\n"
            " match address 110\n reverse-route\n!\n"
            "interface GigabitEthernet0/0\n ip address 19.26.116.141 255.255.255.192\n crypto map vpn\n!\n"
            "access-list 110 permit ip host 192.168.20.25 host 172.21.91.37\n"
            "access-list 110 permit ip host 172.21.91.37 host 192.168.20.25\n!\nend\n");
}

TEST(Summary, StatefulHaSummaryNamesTheEssentialsWithoutKeys) {
  auto r = parse_ios_config(fixture("r1-stateful-ha.cfg"), "r1-stateful-ha.cfg");
  const std::string s = format_config_summary(r);
  EXPECT_NE(s.find("configuration r1-stateful-ha.cfg: 0 error(s), 2 warning(s)\n"), std::string::npos) << s;
  EXPECT_NE(s.find("authentication rsa-sig (IOS default, not configured)"), std::string::npos);
  EXPECT_NE(s.find("isakmp key: peer 20.15.6.6/32, 8-byte pre-shared key, no-xauth"), std::string::npos);
  EXPECT_NE(s.find("interface GigabitEthernet0/0: 19.26.116.139/26, crypto map vpn redundancy VPNHA stateful"), std::string::npos);
  EXPECT_NE(s.find("standby 199 (v1) name VPNHA, virtual ip 19.26.116.141, priority 105, preempt"), std::string::npos);
  EXPECT_NE(s.find("ipc association 1: sctp 192.168.20.139:5000 -> 192.168.20.140:5000"), std::string::npos);
  EXPECT_NE(s.find("ignored platform commands: 'duplex auto', 'ip accounting output-packets', 'speed auto'"), std::string::npos);
  EXPECT_EQ(s.find("cisco123"), std::string::npos);
}

}  // namespace
}  // namespace espgw::config

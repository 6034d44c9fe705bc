// Config -> plan: bindings, local address (interface or HSRP VIP), manual SA configs, and
// FILE:LINE:COL errors for what espd must refuse.
#include "host/espd/gateway_plan.hpp"

#include <gtest/gtest.h>

#include "host/common/ipv4.hpp"
#include "host/config/parser.hpp"

namespace espgw::espd {
namespace {

constexpr const char* kManual = R"(hostname R2
crypto ipsec transform-set mysec esp-aes 256 esp-sha256-hmac
crypto map vpn 10 ipsec-manual
 set peer 19.26.116.137
 set transform-set mysec
 match address 110
 set session-key inbound esp 4369 cipher 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff authenticator 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
 set session-key outbound esp 8738 cipher 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff authenticator 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
interface GigabitEthernet0/0
 ip address 19.26.116.141 255.255.255.192
 crypto map vpn
access-list 110 permit ip host 192.168.20.25 host 172.21.91.37
access-list 110 permit ip host 172.21.91.37 host 192.168.20.25
)";

GatewayPlan plan(const std::string& text, IfMap ifmap = {{"GigabitEthernet0/0", "wan0"}}, PlanOptions o = {}) {
  auto parsed = config::parse_ios_config(text, "r2.cfg");
  EXPECT_TRUE(parsed.ok()) << (parsed.formatted().empty() ? "" : parsed.formatted()[0]);
  return make_plan(parsed.config, ifmap, o);
}

TEST(GatewayPlan, ManualEntryBindsToMappedInterfaceWithItsAddress) {
  const auto p = plan(kManual);
  ASSERT_TRUE(p.ok()) << p.errors[0];
  ASSERT_EQ(p.entries.size(), 1u);
  EXPECT_EQ(p.entries[0].linux_interface, "wan0");
  EXPECT_EQ(p.entries[0].local_addr, *parse_ipv4("19.26.116.141"));
  EXPECT_EQ(p.entries[0].peer, *parse_ipv4("19.26.116.137"));
}

TEST(GatewayPlan, ManualSaConfigsFollowTheFirstPermitLineAndMirrorForInbound) {
  const auto p = plan(kManual, {{"GigabitEthernet0/0", "wan0"}}, {true});
  driver::SaConfig in, out;
  ASSERT_EQ(manual_sa_configs(p.entries[0], &in, &out), "");
  EXPECT_EQ(out.spi, 8738u);
  EXPECT_EQ(out.tunnel_src, *parse_ipv4("19.26.116.141"));
  EXPECT_EQ(out.selector.src_addr, *parse_ipv4("192.168.20.25"));
  EXPECT_EQ(in.spi, 4369u);
  EXPECT_EQ(in.tunnel_dst, *parse_ipv4("19.26.116.141"));
  EXPECT_EQ(in.selector.src_addr, *parse_ipv4("172.21.91.37"));
  EXPECT_EQ(in.selector.dst_mask, 0xFFFFFFFFu);
  EXPECT_EQ(in.replay_window, 64u);
  EXPECT_EQ(in.transform, driver::Transform::kAesCbcHmacSha256);
  EXPECT_TRUE(in.udp_encap && out.udp_encap);
}

TEST(GatewayPlan, UnmappedInterfaceIsAnErrorWithLineAndColumn) {
  const auto p = plan(kManual, {});
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_EQ(p.errors[0].rfind("r2.cfg:9:1: error: interface GigabitEthernet0/0 carries crypto map vpn", 0), 0u)
      << p.errors[0];
}

TEST(GatewayPlan, GcmKeyWithoutSaltIsRefused) {
  // host/config's validator refuses this too; the plan checks again because IKE-less
  // callers (tests, a future API) build entries without the parser.
  auto entry = plan(kManual).entries.at(0);
  entry.transform.cipher = config::EspCipher::kAesGcm;
  entry.transform.integrity = config::EspIntegrity::kNone;
  entry.map.inbound_esp->authenticator_key.clear();
  driver::SaConfig in, out;
  EXPECT_EQ(manual_sa_configs(entry, &in, &out), "inbound esp-gcm 256 session key must be 36 bytes (key + 4-byte salt), not 32");
}

TEST(GatewayPlan, RedundancyUsesTheStandbyVirtualAddress) {
  std::string text = kManual;
  text.replace(text.find(" crypto map vpn\n"), 16,
               " standby 199 ip 19.26.116.150\n standby 199 name VPNHA\n crypto map vpn redundancy VPNHA\n");
  const auto p = plan(text);
  ASSERT_TRUE(p.ok()) << p.errors[0];
  EXPECT_EQ(p.entries[0].local_addr, *parse_ipv4("19.26.116.150"));
}

TEST(GatewayPlan, SelectorTurnsPortOperatorsIntoRanges) {
  config::AclEntry e;
  e.protocol = 6;
  e.source = {0xC0A81400, 0xFF};
  e.destination_port = {config::PortOp::kGt, 1023, 0};
  auto s = selector_of(e);
  EXPECT_EQ(s.src_addr, 0xC0A81400u);
  EXPECT_EQ(s.src_mask, 0xFFFFFF00u);
  EXPECT_EQ(s.dst_port_lo, 1024);
  EXPECT_EQ(s.dst_port_hi, 0xFFFF);
  EXPECT_EQ(reversed(s).src_port_lo, 1024);
}

TEST(IfMap, ParsesPairsAndRejectsDuplicatesAndGarbage) {
  std::string err;
  auto m = parse_ifmap("GigabitEthernet0/0=wan0,GigabitEthernet0/1=lan0", &err);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->at("GigabitEthernet0/1"), "lan0");
  EXPECT_FALSE(parse_ifmap("Gi0/0", &err));
  EXPECT_FALSE(parse_ifmap("A=b,A=c", &err));
  EXPECT_EQ(err, "--ifmap: A is mapped twice");
}

}  // namespace
}  // namespace espgw::espd

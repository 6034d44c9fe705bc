// The reference walkthrough's configs, verbatim (tests/data/ios/README.md): each parses
// with exactly the expected diagnostics and model contents.
#include <gtest/gtest.h>

#include "host/common/ipv4.hpp"
#include "tests/unit/host/config/test_util.hpp"

namespace espgw::config {
namespace {

using test::fixture;
using test::key_text;

std::uint32_t ip(const char* s) { return *parse_ipv4(s); }

TEST(Fixtures, ReferenceFixturesAreByteExactExtractsOfTheWalkthrough) {
  const std::string ref = test::read_file(ESPGW_REFERENCE_WALKTHROUGH);
  if (ref.empty()) GTEST_SKIP() << "reference walkthrough not present on this machine";
  for (const char* name : {"r1-standalone.cfg", "r2-standalone.cfg", "r1-hsrp-wrong.cfg", "r1-stateless-ha.cfg",
                           "r1-stateful-ha.cfg"}) {
    const std::string f = fixture(name);
    ASSERT_FALSE(f.empty()) << name;
    EXPECT_NE(ref.find(f), std::string::npos) << name << " is not a verbatim extract";
    EXPECT_NE(f.find("\xC2\xA0"), std::string::npos) << name << " lost its U+00A0 indentation";
  }
}

TEST(Fixtures, R1StandaloneParsesWithOnlyThePolicy1Warning) {
  auto r = parse_ios_config(fixture("r1-standalone.cfg"), "r1-standalone.cfg");
  ASSERT_EQ(r.formatted(), std::vector<std::string>{
                               "r1-standalone.cfg:2:15: warning: 'policy1' read as 'policy 1' (a space is missing between "
                               "'policy' and the priority)"});
  const Config& c = r.config;
  ASSERT_EQ(c.isakmp_policies.size(), 1u);
  const IsakmpPolicy& p = c.isakmp_policies[0];
  EXPECT_EQ(p.priority, 1);
  EXPECT_EQ(p.encryption, IsakmpEncryption::kAes);
  EXPECT_EQ(p.key_bits, 256);
  EXPECT_EQ(p.hash, IsakmpHash::kSha256);
  EXPECT_EQ(p.authentication, IsakmpAuth::kPreShare);
  EXPECT_TRUE(p.authentication_explicit);
  EXPECT_EQ(p.dh_group, 14);
  EXPECT_EQ(p.lifetime, std::chrono::seconds(86400));
  EXPECT_EQ(p.loc.line, 2);
  ASSERT_EQ(c.isakmp_keys.size(), 1u);
  EXPECT_EQ(key_text(c.isakmp_keys[0].key), "cisco123");
  EXPECT_EQ(c.isakmp_keys[0].address, ip("19.26.116.141"));
  EXPECT_EQ(c.isakmp_keys[0].mask, 0xFFFFFFFFu);
  EXPECT_FALSE(c.isakmp_keys[0].no_xauth);
  ASSERT_TRUE(c.isakmp_keepalive);
  EXPECT_EQ(c.isakmp_keepalive->interval, std::chrono::seconds(10));
  EXPECT_EQ(c.isakmp_keepalive->retry, std::chrono::seconds(2));
  EXPECT_EQ(c.isakmp_keepalive->mode, KeepaliveMode::kOnDemand);
  EXPECT_FALSE(c.isakmp_aggressive_mode_disabled);
  ASSERT_EQ(c.transform_sets.size(), 1u);
  EXPECT_EQ(c.transform_sets[0].name, "mysec");
  EXPECT_EQ(c.transform_sets[0].cipher, EspCipher::kAesCbc);
  EXPECT_EQ(c.transform_sets[0].key_bits, 256);
  EXPECT_EQ(c.transform_sets[0].integrity, EspIntegrity::kSha256);
  EXPECT_EQ(c.transform_sets[0].mode, EspMode::kTunnel);
  ASSERT_EQ(c.crypto_maps.size(), 1u);
  const CryptoMapEntry& m = c.crypto_maps[0];
  EXPECT_EQ(m.name, "vpn");
  EXPECT_EQ(m.seq, 10);
  EXPECT_EQ(m.type, CryptoMapType::kIpsecIsakmp);
  ASSERT_EQ(m.peers.size(), 1u);
  EXPECT_EQ(m.peers[0].address, ip("19.26.116.141"));
  EXPECT_EQ(m.peers[0].loc.line, 14);
  EXPECT_EQ(m.peers[0].loc.column, 11);
  ASSERT_EQ(m.transform_sets.size(), 1u);
  EXPECT_EQ(m.transform_sets[0].name, "mysec");
  EXPECT_EQ(m.pfs_group, 14);
  ASSERT_TRUE(m.match_address);
  EXPECT_EQ(m.match_address->name, "110");
  EXPECT_TRUE(m.reverse_route);
  ASSERT_EQ(c.access_lists.size(), 1u);
  const AccessList& acl = c.access_lists[0];
  EXPECT_EQ(acl.name, "110");
  EXPECT_TRUE(acl.numbered);
  ASSERT_EQ(acl.entries.size(), 2u);
  EXPECT_EQ(acl.entries[0].action, AclAction::kPermit);
  EXPECT_EQ(acl.entries[0].protocol, kAclProtocolIp);
  EXPECT_EQ(acl.entries[0].source, (AclAddress{ip("172.21.91.37"), 0}));
  EXPECT_EQ(acl.entries[0].destination, (AclAddress{ip("192.168.20.25"), 0}));
  EXPECT_EQ(acl.entries[1].source, (AclAddress{ip("192.168.20.25"), 0}));
  EXPECT_EQ(acl.entries[1].destination, (AclAddress{ip("172.21.91.37"), 0}));
  ASSERT_EQ(c.interfaces.size(), 1u);
  const Interface& itf = c.interfaces[0];
  EXPECT_EQ(itf.name, "GigabitEthernet0/0");
  ASSERT_TRUE(itf.address);
  EXPECT_EQ(itf.address->address, ip("19.26.116.137"));
  EXPECT_EQ(itf.address->mask, ip("255.255.255.192"));
  ASSERT_TRUE(itf.crypto_map);
  EXPECT_EQ(itf.crypto_map->map.name, "vpn");
  EXPECT_FALSE(itf.crypto_map->redundancy);
  EXPECT_TRUE(itf.standby.empty());
  ASSERT_EQ(c.notes.ignored.size(), 2u);
  EXPECT_EQ(c.notes.ignored[0].text, "duplex auto");
  EXPECT_EQ(c.notes.ignored[0].loc.line, 25);
  EXPECT_EQ(c.notes.ignored[0].mode, "interface GigabitEthernet0/0");
  EXPECT_EQ(c.notes.ignored[1].text, "speed auto");
  EXPECT_EQ(c.notes.ignored[1].loc.line, 26);
  EXPECT_EQ(c.notes.warnings.size(), 1u);
}

TEST(Fixtures, R2StandaloneIndentedPolicyAndTrailingAclParseCleanly) {
  auto r = parse_ios_config(fixture("r2-standalone.cfg"), "r2-standalone.cfg");
  EXPECT_TRUE(r.diagnostics.empty()) << ::testing::PrintToString(r.formatted());
  const Config& c = r.config;
  ASSERT_EQ(c.isakmp_policies.size(), 1u);
  EXPECT_EQ(c.isakmp_policies[0].loc.line, 3);
  EXPECT_EQ(c.isakmp_policies[0].dh_group, 14);
  EXPECT_EQ(c.isakmp_keys[0].address, ip("19.26.116.137"));
  EXPECT_EQ(c.crypto_maps[0].peers[0].address, ip("19.26.116.137"));
  EXPECT_EQ(c.interfaces[0].address->address, ip("19.26.116.141"));
  // The ACL follows the interface block with no "!": it still lands at global level.
  ASSERT_EQ(c.access_lists.size(), 1u);
  ASSERT_EQ(c.access_lists[0].entries.size(), 2u);
  EXPECT_EQ(c.access_lists[0].entries[0].source.address, ip("192.168.20.25"));
  EXPECT_EQ(c.access_lists[0].entries[0].destination.address, ip("172.21.91.37"));
  EXPECT_EQ(c.access_lists[0].entries[0].loc.line, 28);
}

TEST(Fixtures, R1HsrpWrongFlagsMissingRedundancyAndTheUndefinedMap) {
  auto r = parse_ios_config(fixture("r1-hsrp-wrong.cfg"), "r1-hsrp-wrong.cfg");
  ASSERT_EQ(r.diagnostics.size(), 3u) << ::testing::PrintToString(r.formatted());
  EXPECT_EQ(r.formatted()[0],
            "r1-hsrp-wrong.cfg:13:20: warning: GigabitEthernet0/0: standby 199 tracks object 2, which no `track 2 "
            "interface ...` defines, so nothing lowers the priority through it (add `track N interface NAME line-protocol`)");
  EXPECT_EQ(r.formatted()[1], "r1-hsrp-wrong.cfg:16:13: error: GigabitEthernet0/0: crypto map vpn is not configured "
                              "(`crypto map vpn 10 ipsec-isakmp` ...)");
  EXPECT_EQ(r.formatted()[2],
            "r1-hsrp-wrong.cfg:16:13: warning: GigabitEthernet0/0: crypto map vpn is applied without `redundancy` on an "
            "interface with HSRP group 199 (VPNHA): IKE and ESP will use the physical address 19.26.116.139, not the "
            "virtual IP 19.26.116.141; use `crypto map vpn redundancy VPNHA`");
  EXPECT_FALSE(r.ok());
  const Interface& itf = r.config.interfaces.at(0);
  ASSERT_EQ(itf.standby.size(), 1u);
  const StandbyGroup& g = itf.standby[0];
  EXPECT_EQ(g.group, 199);
  EXPECT_EQ(g.virtual_ip, ip("19.26.116.141"));
  EXPECT_EQ(g.priority, 105);
  EXPECT_TRUE(g.preempt);
  EXPECT_EQ(g.name, "VPNHA");
  ASSERT_EQ(g.tracks.size(), 1u);
  EXPECT_EQ(g.tracks[0].object, 2);
  EXPECT_EQ(g.tracks[0].decrement, 10);
  EXPECT_EQ(g.hello, std::chrono::milliseconds(3000));
  EXPECT_EQ(g.hold, std::chrono::milliseconds(10000));
  ASSERT_EQ(r.config.notes.ignored.size(), 3u);
  EXPECT_EQ(r.config.notes.ignored[0].text, "ip accounting output-packets");
}

void expect_ha_common(const Config& c) {
  const IsakmpPolicy& p = c.isakmp_policies.at(0);
  EXPECT_EQ(p.authentication, IsakmpAuth::kRsaSig);  // IOS's default, as the HA configs omit it
  EXPECT_FALSE(p.authentication_explicit);
  EXPECT_EQ(p.key_bits, 256);
  const IsakmpKey& k = c.isakmp_keys.at(0);
  EXPECT_EQ(k.address, ip("20.15.6.6"));
  EXPECT_TRUE(k.no_xauth);
  EXPECT_TRUE(c.isakmp_aggressive_mode_disabled);
  const CryptoMapEntry& m = c.crypto_maps.at(0);
  EXPECT_EQ(m.peers.at(0).address, ip("20.15.6.6"));
  EXPECT_EQ(m.match_address->name, "GandD");
  const AccessList* acl = c.find_access_list("GandD");
  ASSERT_NE(acl, nullptr);
  EXPECT_FALSE(acl->numbered);
  ASSERT_EQ(acl->entries.size(), 2u);
  EXPECT_EQ(acl->entries[0].protocol, kAclProtocolIp);
  EXPECT_EQ(acl->entries[0].source, (AclAddress{ip("192.168.20.25"), 0}));
  EXPECT_EQ(acl->entries[0].destination, (AclAddress{ip("172.21.90.0"), ip("0.0.1.255")}));
  EXPECT_EQ(acl->entries[1].protocol, 1);
  const Interface& itf = c.interfaces.at(0);
  EXPECT_EQ(itf.address->address, ip("19.26.116.139"));
  EXPECT_EQ(itf.standby.at(0).priority, 105);
  ASSERT_TRUE(itf.crypto_map && itf.crypto_map->redundancy);
  EXPECT_EQ(itf.crypto_map->redundancy->name, "VPNHA");
  const Interface* on = nullptr;
  EXPECT_EQ(c.find_standby_group("VPNHA", &on), &itf.standby[0]);
  EXPECT_EQ(on, &itf);
}

TEST(Fixtures, R1StatelessHaWarnsAboutTheDefaultRsaSigAuthentication) {
  auto r = parse_ios_config(fixture("r1-stateless-ha.cfg"), "r1-stateless-ha.cfg");
  ASSERT_EQ(r.diagnostics.size(), 2u) << ::testing::PrintToString(r.formatted());
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.formatted()[0],
            "r1-stateless-ha.cfg:4:1: warning: crypto isakmp policy 1 has no `authentication` command, so IOS's default "
            "`authentication rsa-sig` applies; espgw has no certificates and this policy will not match a "
            "pre-shared-key peer. Add ` authentication pre-share` under `crypto isakmp policy 1` to use the "
            "configured crypto isakmp keys");
  EXPECT_EQ(test::positions(r)[1], "30:20");
  expect_ha_common(r.config);
  EXPECT_FALSE(r.config.interfaces[0].crypto_map->stateful);
  EXPECT_FALSE(r.config.ipc_zone);
  EXPECT_FALSE(r.config.redundancy_inter_device);
}

TEST(Fixtures, R1StatefulHaCarriesTheIpcAssociationAndScheme) {
  auto r = parse_ios_config(fixture("r1-stateful-ha.cfg"), "r1-stateful-ha.cfg");
  EXPECT_EQ(test::positions(r), (std::vector<std::string>{"21:1", "47:20"})) << ::testing::PrintToString(r.formatted());
  EXPECT_TRUE(r.ok());
  expect_ha_common(r.config);
  const Config& c = r.config;
  EXPECT_TRUE(c.interfaces[0].crypto_map->stateful);
  ASSERT_TRUE(c.ipc_zone);
  ASSERT_EQ(c.ipc_zone->associations.size(), 1u);
  const IpcAssociation& a = c.ipc_zone->associations[0];
  EXPECT_EQ(a.id, 1);
  EXPECT_FALSE(a.shutdown);
  EXPECT_EQ(a.protocol, "sctp");
  EXPECT_EQ(a.local_port, 5000);
  EXPECT_EQ(a.local_ips, std::vector<std::uint32_t>{ip("192.168.20.139")});
  EXPECT_EQ(a.retransmit_timeout_min, std::chrono::milliseconds(300));
  EXPECT_EQ(a.retransmit_timeout_max, std::chrono::milliseconds(10000));
  EXPECT_EQ(a.path_retransmit, 10);
  EXPECT_EQ(a.assoc_retransmit, 10);
  EXPECT_EQ(a.remote_port, 5000);
  EXPECT_EQ(a.remote_ips, std::vector<std::uint32_t>{ip("192.168.20.140")});
  ASSERT_TRUE(c.redundancy_inter_device && c.redundancy_inter_device->scheme_standby);
  EXPECT_EQ(c.redundancy_inter_device->scheme_standby->name, "VPNHA");
}

TEST(Fixtures, StrictModeFindsNoUnknownCommandInAnyFixture) {
  for (const char* name : {"r1-standalone.cfg", "r2-standalone.cfg", "r1-hsrp-wrong.cfg", "r1-stateless-ha.cfg",
                           "r1-stateful-ha.cfg", "peer-20.15.6.6-ha.cfg", "r2-stateful-ha-standby.cfg"}) {
    auto lax = parse_ios_config(fixture(name), name);
    auto strict = parse_ios_config(fixture(name), name, ParseOptions{true});
    EXPECT_EQ(lax.formatted(), strict.formatted()) << name;
  }
}

TEST(Fixtures, OurPeerAndStandbyConfigsParseWithoutDiagnostics) {
  for (const char* name : {"peer-20.15.6.6-ha.cfg", "r2-stateful-ha-standby.cfg"}) {
    auto r = parse_ios_config(fixture(name), name);
    EXPECT_TRUE(r.diagnostics.empty()) << name << ::testing::PrintToString(r.formatted());
    EXPECT_NE(fixture(name).find("WRITTEN BY THE ESPGW PROJECT"), std::string::npos);
  }
  auto peer = parse_ios_config(fixture("peer-20.15.6.6-ha.cfg"), "peer").config;
  EXPECT_EQ(peer.crypto_maps.at(0).peers.at(0).address, ip("19.26.116.141"));  // the pair's virtual IP
  EXPECT_EQ(peer.isakmp_policies.at(0).authentication, IsakmpAuth::kPreShare);
  const AccessList* acl = peer.find_access_list("DandG");
  ASSERT_NE(acl, nullptr);
  // Mirror of the pair's GandD: what the peer protects is what the pair protects, reversed.
  EXPECT_EQ(acl->entries[0].source, (AclAddress{ip("172.21.90.0"), ip("0.0.1.255")}));
  EXPECT_EQ(acl->entries[0].destination, (AclAddress{ip("192.168.20.25"), 0}));
  auto standby = parse_ios_config(fixture("r2-stateful-ha-standby.cfg"), "s").config;
  EXPECT_EQ(standby.interfaces.at(0).standby.at(0).priority, 100);
  EXPECT_EQ(standby.find_replay_interval("vpn")->outbound_packets, 10000u);
  EXPECT_EQ(standby.find_track(2)->interface, "GigabitEthernet0/1");
}

}  // namespace
}  // namespace espgw::config

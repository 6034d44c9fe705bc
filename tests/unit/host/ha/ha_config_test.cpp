// Tests host/ha/ha_config against the reference's stateful HA configs (tests/data/ios): the
// HSRP group of GigabitEthernet0/0 and the SSO association map onto host/ha's settings, and
// the two routers agree on who listens.
#include "host/ha/ha_config.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "host/common/ipv4.hpp"
#include "host/config/parser.hpp"

namespace espgw::ha {
namespace {

config::Config load(const std::string& name) {
  std::ifstream in(std::string(ESPGW_SOURCE_DIR) + "/tests/data/ios/" + name);
  std::stringstream text;
  text << in.rdbuf();
  auto r = config::parse_ios_config(text.str(), name);
  EXPECT_TRUE(r.ok()) << name;
  return r.config;
}

SyncTlsConfig psk() {
  SyncTlsConfig t;
  std::string k = "0123456789abcdef0123";
  t.psk = SecretBytes(std::span(reinterpret_cast<const std::uint8_t*>(k.data()), k.size()));
  return t;
}

TEST(HaConfig, ReferenceGroup199MapsOntoTheStateMachineConfig) {
  auto groups = hsrp_groups(load("r1-stateful-ha.cfg"));
  ASSERT_EQ(groups.size(), 1u);
  const auto& g = groups[0];
  EXPECT_EQ(g.interface, "GigabitEthernet0/0");
  EXPECT_EQ(g.version, HsrpVersion::kV1);
  EXPECT_EQ(g.group, 199);
  EXPECT_EQ(g.virtual_ip, parse_ipv4("19.26.116.141"));
  EXPECT_EQ(g.priority, 105u);
  EXPECT_TRUE(g.priority_configured);
  EXPECT_TRUE(g.preempt);
  EXPECT_EQ(g.name, "VPNHA");
  ASSERT_EQ(g.tracks.size(), 1u);
  EXPECT_EQ(g.tracks[0].object, 2);
  EXPECT_EQ(g.tracks[0].decrement, 10u);
  EXPECT_EQ(g.local_address, *parse_ipv4("19.26.116.139"));
  EXPECT_EQ(*g.hold_time, kHsrpDefaultHoldTime);
  EXPECT_NO_THROW(HsrpStateMachine{g});
}

TEST(HaConfig, ReferenceAssociationGivesTheSyncChannelAndBothEndsAgreeWhoListens) {
  std::string err;
  auto r1 = stateful_sync_options(load("r1-stateful-ha.cfg"), psk(), &err);
  ASSERT_TRUE(r1) << err;
  EXPECT_EQ(r1->channel.protocol, "sctp");
  EXPECT_EQ(r1->channel.local_address, *parse_ipv4("192.168.20.139"));
  EXPECT_EQ(r1->channel.local_port, 5000);
  EXPECT_EQ(r1->channel.remote_address, *parse_ipv4("192.168.20.140"));
  EXPECT_EQ(r1->channel.remote_port, 5000);
  EXPECT_EQ(r1->group_name, "VPNHA");
  EXPECT_EQ(r1->channel.mode, SyncChannelOptions::Mode::kListen);
  auto r2 = stateful_sync_options(load("r2-stateful-ha-standby.cfg"), psk(), &err);
  ASSERT_TRUE(r2) << err;
  EXPECT_EQ(r2->channel.mode, SyncChannelOptions::Mode::kConnect);
  EXPECT_EQ(r2->channel.remote_address, r1->channel.local_address);
}

TEST(HaConfig, StatelessConfigNeedsNoSyncChannel) {
  std::string err;
  EXPECT_FALSE(stateful_sync_options(load("r1-stateless-ha.cfg"), psk(), &err));
  EXPECT_TRUE(err.empty());
}

TEST(HaConfig, StatefulMapWithoutAnAssociationSaysWhatIsMissing) {
  auto cfg = load("r1-stateful-ha.cfg");
  cfg.ipc_zone.reset();
  std::string err;
  EXPECT_FALSE(stateful_sync_options(cfg, psk(), &err));
  EXPECT_EQ(err, "crypto map vpn is stateful but there is no `ipc zone default` association");
}

TEST(HaConfig, StandbyUseBiaIsParsedAndReachesEveryGroupOfTheInterface) {
  auto r = config::parse_ios_config(
      "interface GigabitEthernet0/1\n"
      " ip address 192.168.20.139 255.255.255.0\n"
      " standby use-bia scope interface\n"
      " standby 1 ip 192.168.20.1\n"
      " standby 2 ip 192.168.20.2\n"
      "interface GigabitEthernet0/2\n"
      " ip address 192.168.30.139 255.255.255.0\n"
      " standby 3 ip 192.168.30.1\n",
      "use-bia.cfg");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.config.interfaces.at(0).standby_use_bia);
  EXPECT_FALSE(r.config.interfaces.at(1).standby_use_bia);
  EXPECT_TRUE(r.config.notes.ignored.empty()) << "use-bia is no longer an ignored command";
  const MacAddress bia{0x02, 0, 0, 0, 0, 0x8b};
  auto g1 = hsrp_group_config(r.config.interfaces[0], r.config.interfaces[0].standby[1], bia);
  EXPECT_TRUE(g1.use_bia);
  EXPECT_EQ(HsrpStateMachine(g1).status().virtual_mac, bia);
  auto g3 = hsrp_group_config(r.config.interfaces[1], r.config.interfaces[1].standby[0], bia);
  EXPECT_FALSE(g3.use_bia);
  EXPECT_EQ(HsrpStateMachine(g3).status().virtual_mac, hsrp_virtual_mac(HsrpVersion::kV1, 3));
}

TEST(HaConfig, StandbyUseBiaWithAStrayScopeIsAnError) {
  auto r = config::parse_ios_config("interface GigabitEthernet0/1\n standby use-bia scope global\n", "bad.cfg");
  EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace espgw::ha

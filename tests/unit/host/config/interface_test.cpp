// interface, standby (HSRP), track, ipc zone and redundancy inter-device.
#include <gtest/gtest.h>

#include "host/common/ipv4.hpp"
#include "tests/unit/host/config/test_util.hpp"

namespace espgw::config {
namespace {

using test::parse;

std::uint32_t ip(const char* s) { return *parse_ipv4(s); }

TEST(Interface, AbbreviatedNamesExpandAndSettingsApply) {
  auto r = parse("interface gi 0/2.100\n description to the \xE2\x80\x9Cpeer\xE2\x80\x9D  site\n"
                 " ip address 10.0.0.2 255.255.255.252\n ip address 10.0.1.2 255.255.255.0 secondary\n shutdown\n"
                 "interface Te1/0/1\n no shutdown\ninterface Loopback0\n");
  ASSERT_TRUE(r.diagnostics.empty()) << ::testing::PrintToString(r.formatted());
  const auto& i = r.config.interfaces;
  ASSERT_EQ(i.size(), 3u);
  EXPECT_EQ(i[0].name, "GigabitEthernet0/2.100");
  EXPECT_EQ(i[0].description, "to the \"peer\"  site");
  EXPECT_EQ(i[0].address, (InterfaceAddress{ip("10.0.0.2"), ip("255.255.255.252")}));
  ASSERT_EQ(i[0].secondary_addresses.size(), 1u);
  EXPECT_TRUE(i[0].shutdown);
  EXPECT_EQ(i[1].name, "TenGigabitEthernet1/0/1");
  EXPECT_FALSE(i[1].shutdown);
  EXPECT_EQ(i[2].name, "Loopback0");
}

TEST(Interface, UnknownInterfaceTypeIsAnError) {
  auto r = parse("interface Frob0/0\n ip address 1.1.1.1 255.255.255.0\n");
  EXPECT_EQ(r.formatted().at(0), "t.cfg:1:11: error: unknown interface 'Frob0/0': expected an IOS name such as GigabitEthernet0/0");
  EXPECT_TRUE(r.config.interfaces.empty());
  EXPECT_EQ(r.diagnostics.size(), 1u);  // its sub-commands are absorbed, not cascaded
}

TEST(Standby, Version2MillisecondTimersAuthAndTracks) {
  auto r = parse("track 7 interface GigabitEthernet0/1 line-protocol\n delay up 5\n"
                 "interface GigabitEthernet0/1\ninterface GigabitEthernet0/0\n standby version 2\n standby 1000 ip 10.0.0.1\n"
                 " standby 1000 timers msec 200 msec 750\n standby 1000 priority 150\n standby 1000 preempt delay minimum 30 reload 60\n"
                 " standby 1000 authentication md5 key-string s3cret\n standby 1000 track 7 decrement 60\n standby 1000 name OUT\n"
                 " standby ip 10.0.0.9\n standby 2 timers 1 msec 2500\n");
  ASSERT_TRUE(r.diagnostics.empty()) << ::testing::PrintToString(r.formatted());
  const Interface& itf = r.config.interfaces.at(1);
  EXPECT_EQ(itf.standby_version, 2);
  ASSERT_EQ(itf.standby.size(), 3u);
  const StandbyGroup& g = itf.standby[0];
  EXPECT_EQ(g.group, 1000);
  EXPECT_EQ(g.hello, std::chrono::milliseconds(200));
  EXPECT_EQ(g.hold, std::chrono::milliseconds(750));
  EXPECT_EQ(g.priority, 150);
  EXPECT_EQ(g.preempt_delay_minimum, std::chrono::seconds(30));
  ASSERT_TRUE(g.authentication);
  EXPECT_EQ(g.authentication->kind, StandbyAuthKind::kMd5);
  EXPECT_EQ(test::key_text(g.authentication->key), "s3cret");
  EXPECT_EQ(g.tracks.at(0).decrement, 60);
  EXPECT_EQ(itf.standby[1].group, 0);  // no number: group 0
  EXPECT_EQ(itf.standby[1].virtual_ip, ip("10.0.0.9"));
  EXPECT_EQ(itf.standby[2].hello, std::chrono::milliseconds(1000));
  EXPECT_EQ(itf.standby[2].hold, std::chrono::milliseconds(2500));
  ASSERT_EQ(r.config.tracks.size(), 1u);
  EXPECT_EQ(r.config.tracks[0].interface, "GigabitEthernet0/1");
  EXPECT_EQ(r.config.notes.ignored.at(0).text, "delay up 5");
}

TEST(Standby, InvalidValuesAndVersion1GroupRange) {
  auto r = parse("interface GigabitEthernet0/0\n standby 1 timers 5 3\n standby 1 authentication toolongsecret\n"
                 " standby 300 ip 10.0.0.1\n standby 1 track GigabitEthernet0/1 20\n");
  EXPECT_EQ(test::positions(r), (std::vector<std::string>{"2:21", "3:27", "4:2", "5:18"})) << ::testing::PrintToString(r.formatted());
  EXPECT_EQ(r.formatted()[2], "t.cfg:4:2: error: GigabitEthernet0/0: standby group 300 needs `standby version 2` (version 1 allows 0-255)");
  for (const auto& d : r.formatted()) EXPECT_EQ(d.find("toolongsecret"), std::string::npos);
}

TEST(Ipc, ModesNestWhateverTheIndentation) {
  auto r = parse("ipc zone default\nassociation 2\nno shutdown\nprotocol sctp\nlocal-port 6000\nlocal-ip 10.0.0.1 10.0.1.1\n"
                 "remote-port 6001\nremote-ip 10.0.0.2\nredundancy inter-device\nscheme standby HA\n");
  const IpcAssociation& a = r.config.ipc_zone->associations.at(0);
  EXPECT_EQ(a.id, 2);
  EXPECT_FALSE(a.shutdown);
  EXPECT_EQ(a.local_port, 6000);
  EXPECT_EQ(a.local_ips, (std::vector<std::uint32_t>{ip("10.0.0.1"), ip("10.0.1.1")}));
  EXPECT_EQ(a.remote_port, 6001);
  EXPECT_EQ(a.remote_ips, std::vector<std::uint32_t>{ip("10.0.0.2")});
  EXPECT_EQ(r.config.redundancy_inter_device->scheme_standby->name, "HA");
  // HA names no standby group here: a dangling reference.
  EXPECT_EQ(r.formatted().at(0), "t.cfg:10:16: error: scheme standby HA names no standby group (add `standby N name HA` on an interface)");
}

}  // namespace
}  // namespace espgw::config

#include "host/config/interface_name.hpp"

namespace espgw::config {
namespace {

TEST(InterfaceName, AbbreviationsExpandAndAmbiguityIsRefused) {
  EXPECT_EQ(canonical_interface_name("g0/0"), "GigabitEthernet0/0");
  EXPECT_EQ(canonical_interface_name("Gi 0/1"), "GigabitEthernet0/1");
  EXPECT_EQ(canonical_interface_name("gigabitethernet0/0.10"), "GigabitEthernet0/0.10");
  EXPECT_EQ(canonical_interface_name("Po1"), "Port-channel1");
  EXPECT_EQ(canonical_interface_name("Lo0"), "Loopback0");
  EXPECT_EQ(canonical_interface_name("T0"), std::nullopt);  // Tunnel, TenGigabitEthernet, TwentyFiveGigE
  EXPECT_EQ(canonical_interface_name("wan0"), std::nullopt);
  EXPECT_EQ(canonical_interface_name("Gi0/0x"), std::nullopt);
  EXPECT_EQ(canonical_interface_name("Gi"), std::nullopt);
}

}  // namespace
}  // namespace espgw::config

// Tests host/ha/hsrp_show: `show standby` and `show standby brief` against golden text in
// IOS's layout (IOS 15 "show standby" as the HSRP command reference prints it), for the
// reference's group 199 on both routers, millisecond v2 timers and a tracked object down.
#include "host/ha/hsrp_show.hpp"

#include <gtest/gtest.h>

#include "host/common/ipv4.hpp"
#include "hsrp_lan.hpp"

namespace espgw::ha {
namespace {

using namespace std::chrono_literals;

const HsrpTime kNow = HsrpTime{} + 5000h;

HsrpGroupConfig vpnha(std::uint32_t local, std::uint32_t priority) {
  HsrpGroupConfig c;
  c.interface = "GigabitEthernet0/0";
  c.group = 199;
  c.virtual_ip = *parse_ipv4("19.26.116.141");
  c.priority = priority;
  c.priority_configured = priority != 100;
  c.preempt = true;
  c.name = "VPNHA";
  c.tracks = {{2, 10}};
  c.local_address = local;
  return c;
}

HsrpGroupStatus active_r1() {
  HsrpGroupStatus s;
  s.config = vpnha(*parse_ipv4("19.26.116.139"), 105);
  s.state = HsrpState::kActive;
  s.state_changes = 4;
  s.last_state_change = kNow - 2min - 15s;
  s.virtual_ip = s.config.virtual_ip;
  s.virtual_mac = hsrp_virtual_mac(HsrpVersion::kV1, 199);
  s.hello_time = 3s;
  s.hold_time = 10s;
  s.next_hello = kNow + 1216ms;
  s.standby = HsrpPeer{*parse_ipv4("19.26.116.140"), 100, kNow + 9312ms};
  s.priority = 105;
  s.tracks = {{HsrpTrack{2, 10}, true}};
  return s;
}

TEST(HsrpShow, ActiveRouterMatchesIosLayout) {
  HsrpGroupStatus s = active_r1();
  EXPECT_EQ(render_show_standby(std::span(&s, 1), kNow),
            "GigabitEthernet0/0 - Group 199\n"
            "  State is Active\n"
            "    4 state changes, last state change 00:02:15\n"
            "  Virtual IP address is 19.26.116.141\n"
            "  Active virtual MAC address is 0000.0c07.acc7\n"
            "    Local virtual MAC address is 0000.0c07.acc7 (v1 default)\n"
            "  Hello time 3 sec, hold time 10 sec\n"
            "    Next hello sent in 1.216 secs\n"
            "  Preemption enabled\n"
            "  Active router is local\n"
            "  Standby router is 19.26.116.140, priority 100 (expires in 9.312 sec)\n"
            "  Priority 105 (configured 105)\n"
            "    Track object 2 state Up decrement 10\n"
            "  Group name is \"VPNHA\" (cfgd)\n");
}

TEST(HsrpShow, StandbyWithTrackDownAndMillisecondV2Timers) {
  HsrpGroupStatus s;
  s.config = vpnha(*parse_ipv4("19.26.116.140"), 100);
  s.config.version = HsrpVersion::kV2;
  s.config.preempt_delay = 30s;
  s.config.name.reset();
  s.config.auth = HsrpAuthConfig::md5_key_string("x");
  s.config.auth_configured = true;
  s.state = HsrpState::kStandby;
  s.state_changes = 1;
  s.last_state_change = kNow - 1h - 1s;
  s.virtual_ip = s.config.virtual_ip;
  s.virtual_mac = hsrp_virtual_mac(HsrpVersion::kV2, 199);
  s.hello_time = 300ms;
  s.hold_time = 900ms;
  s.next_hello = kNow + 48ms;
  s.active = HsrpPeer{*parse_ipv4("19.26.116.139"), 105, kNow + 812ms};
  s.priority = 90;
  s.tracks = {{HsrpTrack{2, 10}, false}};
  EXPECT_EQ(render_show_standby(std::span(&s, 1), kNow),
            "GigabitEthernet0/0 - Group 199 (version 2)\n"
            "  State is Standby\n"
            "    1 state change, last state change 01:00:01\n"
            "  Virtual IP address is 19.26.116.141\n"
            "  Active virtual MAC address is 0000.0c9f.f0c7\n"
            "    Local virtual MAC address is 0000.0c9f.f0c7 (v2 default)\n"
            "  Hello time 300 msec, hold time 900 msec\n"
            "    Next hello sent in 0.048 secs\n"
            "  Authentication MD5, key-string\n"
            "  Preemption enabled, delay min 30 secs\n"
            "  Active router is 19.26.116.139, priority 105 (expires in 0.812 sec)\n"
            "  Standby router is local\n"
            "  Priority 90 (default 100)\n"
            "    Track object 2 state Down decrement 10\n"
            "  Group name is \"hsrp-Gi0/0-199\" (default)\n");
}

TEST(HsrpShow, BriefMatchesIosColumns) {
  HsrpGroupStatus a = active_r1();
  HsrpGroupStatus b;
  b.config = vpnha(*parse_ipv4("10.10.10.2"), 100);
  b.config.interface = "GigabitEthernet0/1";
  b.config.group = 1;
  b.config.preempt = false;
  b.config.virtual_ip = *parse_ipv4("10.10.10.1");
  b.virtual_ip = b.config.virtual_ip;
  b.state = HsrpState::kStandby;
  b.priority = 100;
  b.active = HsrpPeer{*parse_ipv4("10.10.10.3"), 110, kNow};
  std::vector<HsrpGroupStatus> groups{a, b};
  EXPECT_EQ(render_show_standby_brief(groups),
            "                     P indicates configured to preempt.\n"
            "                     |\n"
            "Interface   Grp  Pri P State   Active          Standby         Virtual IP\n"
            "Gi0/0       199  105 P Active  local           19.26.116.140   19.26.116.141\n"
            "Gi0/1       1    100   Standby 10.10.10.3      local           10.10.10.1\n");
}

// The renderer fed by a live state machine: the standby's view after an election.
TEST(HsrpShow, StandbyViewFromTheStateMachineNamesTheActiveRouter) {
  test::HsrpLan lan(kNow);
  lan.add(vpnha(*parse_ipv4("19.26.116.139"), 105));
  lan.add(vpnha(*parse_ipv4("19.26.116.140"), 100));
  lan.enable(0);
  lan.enable(1);
  lan.advance(60s);
  auto st = lan.at(1).fsm->status();
  std::string text = render_show_standby(std::span(&st, 1), lan.now());
  EXPECT_NE(text.find("  State is Standby\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  Active router is 19.26.116.139, priority 105 (expires in "), std::string::npos) << text;
  EXPECT_NE(text.find("  Standby router is local\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  Priority 100 (default 100)\n"), std::string::npos) << text;
  auto r1 = lan.at(0).fsm->status();
  std::string brief = render_show_standby_brief(std::span(&r1, 1));
  EXPECT_NE(brief.find("Gi0/0       199  105 P Active  local           19.26.116.140   19.26.116.141\n"),
            std::string::npos)
      << brief;
}

TEST(HsrpShow, UseBiaShowsTheInterfaceMacAsTheActiveVirtualMac) {
  HsrpGroupConfig c = vpnha(*parse_ipv4("19.26.116.139"), 105);
  c.use_bia = true;
  c.local_mac = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
  HsrpStateMachine fsm(c);
  auto st = fsm.status();
  EXPECT_EQ(st.virtual_mac, c.local_mac);
  st.state = HsrpState::kActive;
  std::string text = render_show_standby(std::span(&st, 1), kNow);
  EXPECT_NE(text.find("  Active virtual MAC address is 0211.2233.4455\n"
                      "    Local virtual MAC address is 0211.2233.4455 (bia)\n"),
            std::string::npos)
      << text;
  // A peer's burned-in address is not learned (Hellos arrive over UDP): not claimed.
  st.state = HsrpState::kStandby;
  st.active = HsrpPeer{*parse_ipv4("19.26.116.140"), 100, kNow + 9s};
  text = render_show_standby(std::span(&st, 1), kNow);
  EXPECT_NE(text.find("  Active virtual MAC address is unknown\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace espgw::ha

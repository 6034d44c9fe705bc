// Tests host/ha/hsrp_group_driver over ManualScheduler (the machine's timers armed through
// the Scheduler interface, time advanced by hand) and the gratuitous ARP frame against scapy.
#include "host/ha/hsrp_group_driver.hpp"

#include <gtest/gtest.h>

#include "host/common/hex.hpp"
#include "host/common/ipv4.hpp"
#include "host/ha/gratuitous_arp.hpp"
#include "tool_runner.hpp"

namespace espgw::ha {
namespace {

using namespace std::chrono_literals;

TEST(HsrpGroupDriver, SchedulerTimersCarryALoneRouterToActive) {
  ManualScheduler scheduler;
  HsrpGroupConfig cfg;
  cfg.interface = "eth0";
  cfg.group = 1;
  cfg.virtual_ip = *parse_ipv4("10.0.0.1");
  cfg.local_address = *parse_ipv4("10.0.0.2");
  std::vector<HsrpAction> seen;
  HsrpGroupDriver driver(scheduler, cfg, [&](const HsrpAction& a) { seen.push_back(a); });
  driver.enable();
  EXPECT_EQ(scheduler.pending(), 1u);  // one timer, at the machine's next deadline
  scheduler.advance(19999ms);
  EXPECT_EQ(driver.machine().state(), HsrpState::kSpeak);
  scheduler.advance(1ms);
  EXPECT_EQ(driver.machine().state(), HsrpState::kActive);
  // Then a Hello every 3 s, and nothing else.
  auto hellos = driver.machine().counters().hellos_out;
  scheduler.advance(30s);
  EXPECT_EQ(driver.machine().counters().hellos_out, hellos + 10);
  EXPECT_EQ(scheduler.pending(), 1u);
  driver.disable();
  EXPECT_EQ(seen.back().kind, HsrpAction::Kind::kLog);
  EXPECT_EQ(seen[seen.size() - 2].kind, HsrpAction::Kind::kReleaseVip);
  EXPECT_EQ(scheduler.pending(), 0u);
}

TEST(GratuitousArp, FrameIsByteIdenticalToScapyArpAnnouncement) {
  if (!test::have_executable(test::kSystemPython)) GTEST_SKIP() << "/usr/bin/python3 (scapy) missing";
  MacAddress mac{0x52, 0x54, 0x00, 0xab, 0xcd, 0xef};
  auto frame = gratuitous_arp_frame(*parse_ipv4("19.26.116.141"), mac);
  int status = 0;
  std::string out = test::run_python(R"(
from scapy.all import Ether, ARP
p = Ether(dst="ff:ff:ff:ff:ff:ff", src="52:54:00:ab:cd:ef") / ARP(op=1, hwsrc="52:54:00:ab:cd:ef",
    psrc="19.26.116.141", hwdst="00:00:00:00:00:00", pdst="19.26.116.141")
print(bytes(p).hex())
)", &status);
  ASSERT_EQ(status, 0) << out;
  EXPECT_EQ(to_hex(frame), test::trim(out));
}

}  // namespace
}  // namespace espgw::ha

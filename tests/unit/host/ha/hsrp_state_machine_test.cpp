// Tests host/ha/hsrp_state_machine on a simulated LAN (hsrp_lan.hpp) with a hand-advanced
// clock: election, preemption (with delay), track decrement, hold-timer takeover, resign on
// shutdown, split brain healing, and bad input (wrong authentication, forged and replayed
// Hellos) ignored and counted.
#include "host/ha/hsrp_state_machine.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "host/common/ipv4.hpp"
#include "hsrp_lan.hpp"

namespace espgw::ha {
namespace {

using namespace std::chrono_literals;
using test::HsrpLan;

const std::uint32_t kR1 = *parse_ipv4("19.26.116.139");
const std::uint32_t kR2 = *parse_ipv4("19.26.116.140");
const std::uint32_t kVip = *parse_ipv4("19.26.116.141");

// The reference's group: `standby 199 ip 19.26.116.141`, priority 105, preempt, name VPNHA,
// track 2 decrement 10.
HsrpGroupConfig reference_group(std::uint32_t local, std::uint32_t priority) {
  HsrpGroupConfig c;
  c.interface = "GigabitEthernet0/0";
  c.group = 199;
  c.virtual_ip = kVip;
  c.priority = priority;
  c.priority_configured = priority != kHsrpDefaultPriority;
  c.local_address = local;
  c.local_mac = {0x52, 0x54, 0, 0, 0, static_cast<std::uint8_t>(local)};
  return c;
}

HsrpTime t0() { return HsrpTime{} + 1000h; }

bool has_action(const HsrpLan::Router& r, HsrpAction::Kind kind) {
  return std::any_of(r.actions.begin(), r.actions.end(), [&](const HsrpAction& a) { return a.kind == kind; });
}

// R1 and R2 in the reference's group at these priorities, both enabled, after a minute: the
// election is over.
void settle_pair(HsrpLan& lan, int r1_priority, int r2_priority) {
  lan.add(reference_group(kR1, r1_priority));
  lan.add(reference_group(kR2, r2_priority));
  lan.enable(0);
  lan.enable(1);
  lan.advance(60s);
}

TEST(HsrpStateMachine, HigherPriorityIsElectedActiveAndTheOtherStandby) {
  HsrpLan lan(t0());
  settle_pair(lan, 105, 100);
  EXPECT_EQ(lan.at(0).fsm->state(), HsrpState::kActive);
  EXPECT_EQ(lan.at(1).fsm->state(), HsrpState::kStandby);
  EXPECT_TRUE(has_action(lan.at(0), HsrpAction::Kind::kTakeVip));
  EXPECT_FALSE(has_action(lan.at(1), HsrpAction::Kind::kTakeVip));
  auto st = lan.at(1).fsm->status();
  ASSERT_TRUE(st.active);
  EXPECT_EQ(st.active->address, kR1);
  EXPECT_EQ(st.active->priority, 105u);
}

TEST(HsrpStateMachine, EqualPrioritiesElectTheHigherAddress) {
  HsrpLan lan(t0());
  settle_pair(lan, 100, 100);
  EXPECT_EQ(lan.at(0).fsm->state(), HsrpState::kStandby);
  EXPECT_EQ(lan.at(1).fsm->state(), HsrpState::kActive);
}

// Listen for a hold time, Speak for another, then Standby and at once Active, as IOS logs it.
TEST(HsrpStateMachine, LoneRouterGoesActiveAfterListeningAndSpeakingOneHoldTimeEach) {
  HsrpLan lan(t0());
  lan.add(reference_group(kR1, 105));
  lan.enable(0);
  lan.advance(9999ms);
  EXPECT_EQ(lan.at(0).fsm->state(), HsrpState::kListen);
  lan.advance(1ms);
  EXPECT_EQ(lan.at(0).fsm->state(), HsrpState::kSpeak);
  lan.advance(9999ms);
  EXPECT_EQ(lan.at(0).fsm->state(), HsrpState::kSpeak);
  lan.advance(1ms);
  EXPECT_EQ(lan.at(0).fsm->state(), HsrpState::kActive);
  std::vector<std::string> logs;
  for (const auto& a : lan.at(0).actions)
    if (a.kind == HsrpAction::Kind::kLog) logs.push_back(a.text);
  EXPECT_EQ(logs, (std::vector<std::string>{
                      "%HSRP-5-STATECHANGE: GigabitEthernet0/0 Grp 199 state Init -> Listen",
                      "%HSRP-5-STATECHANGE: GigabitEthernet0/0 Grp 199 state Listen -> Speak",
                      "%HSRP-5-STATECHANGE: GigabitEthernet0/0 Grp 199 state Speak -> Standby",
                      "%HSRP-5-STATECHANGE: GigabitEthernet0/0 Grp 199 state Standby -> Active",
                  }));
}

TEST(HsrpStateMachine, StandbyTakesOverWhenTheActiveFallsSilentForTheHoldTime) {
  HsrpLan lan(t0());
  settle_pair(lan, 105, 100);
  ASSERT_EQ(lan.at(1).fsm->state(), HsrpState::kStandby);
  // The last Hello R2 heard from R1 was at most one hello time ago.
  auto last_hello = lan.at(1).fsm->status().active->expires - kHsrpDefaultHoldTime;
  lan.crash(0);
  lan.advance(20s);
  EXPECT_EQ(lan.at(1).fsm->state(), HsrpState::kActive);
  ASSERT_TRUE(lan.at(1).became_active);
  EXPECT_EQ(*lan.at(1).became_active - last_hello, kHsrpDefaultHoldTime);
}

TEST(HsrpStateMachine, MillisecondTimersFailOverWithinTheHoldTime) {
  HsrpLan lan(t0());
  for (auto [addr, prio] : {std::pair{kR1, 105u}, std::pair{kR2, 100u}}) {
    auto c = reference_group(addr, prio);
    c.version = HsrpVersion::kV2;
    c.hello_time = 200ms;
    c.hold_time = 700ms;
    lan.add(c);
  }
  lan.enable(0);
  lan.enable(1);
  lan.advance(5s);
  ASSERT_EQ(lan.at(0).fsm->state(), HsrpState::kActive);
  HsrpTime crash_at = lan.now();
  lan.crash(0);
  lan.advance(2s);
  ASSERT_EQ(lan.at(1).fsm->state(), HsrpState::kActive);
  EXPECT_LE(*lan.at(1).became_active - crash_at, 700ms);
  EXPECT_GT(*lan.at(1).became_active - crash_at, 700ms - 200ms);
}

TEST(HsrpStateMachine, ShutdownResignsAndTheStandbyTakesOverAtOnce) {
  HsrpLan lan(t0());
  settle_pair(lan, 105, 100);
  lan.disable(0);
  EXPECT_EQ(lan.at(0).fsm->state(), HsrpState::kInitial);
  EXPECT_TRUE(has_action(lan.at(0), HsrpAction::Kind::kReleaseVip));
  EXPECT_EQ(lan.at(0).fsm->counters().resigns_out, 1u);
  EXPECT_EQ(lan.at(1).fsm->state(), HsrpState::kActive);
  EXPECT_EQ(*lan.at(1).became_active, lan.now());  // no hold time waited
}

TEST(HsrpStateMachine, PreemptWaitsForItsDelayThenTakesOver) {
  HsrpLan lan(t0());
  auto c1 = reference_group(kR1, 105);
  c1.preempt = true;
  c1.preempt_delay = 30s;
  lan.add(c1);
  lan.add(reference_group(kR2, 100));
  lan.enable(1);  // R2 alone first: it goes active
  lan.advance(20s);
  ASSERT_EQ(lan.at(1).fsm->state(), HsrpState::kActive);
  lan.enable(0);
  HsrpTime up = lan.now();
  lan.advance(5s);  // R1 hears R2's Hellos: worse active, preemption is due in 30 s
  EXPECT_NE(lan.at(0).fsm->state(), HsrpState::kActive);
  ASSERT_TRUE(lan.at(0).fsm->status().preempt_at);
  lan.advance(60s);
  EXPECT_EQ(lan.at(0).fsm->state(), HsrpState::kActive);
  EXPECT_EQ(lan.at(1).fsm->state(), HsrpState::kStandby);
  auto took = *lan.at(0).became_active - up;
  EXPECT_GE(took, 30s);
  EXPECT_LE(took, 30s + kHsrpDefaultHelloTime);
  EXPECT_EQ(lan.at(0).fsm->counters().coups_out, 1u);
  EXPECT_EQ(lan.at(1).fsm->counters().resigns_out, 1u);
  EXPECT_TRUE(has_action(lan.at(1), HsrpAction::Kind::kReleaseVip));
}

TEST(HsrpStateMachine, WithoutPreemptABetterRouterLeavesTheActiveAlone) {
  HsrpLan lan(t0());
  lan.add(reference_group(kR1, 105));
  lan.add(reference_group(kR2, 100));
  lan.enable(1);
  lan.advance(20s);
  lan.enable(0);
  lan.advance(60s);
  EXPECT_EQ(lan.at(1).fsm->state(), HsrpState::kActive);
  EXPECT_EQ(lan.at(0).fsm->state(), HsrpState::kStandby);
}

TEST(HsrpStateMachine, TrackDecrementHandsActiveToThePreemptingPeer) {
  HsrpLan lan(t0());
  auto c1 = reference_group(kR1, 105);
  c1.preempt = true;
  c1.tracks = {{2, 10}};
  auto c2 = reference_group(kR2, 100);
  c2.preempt = true;
  lan.add(c1);
  lan.add(c2);
  lan.enable(0);
  lan.enable(1);
  lan.advance(60s);
  ASSERT_EQ(lan.at(0).fsm->state(), HsrpState::kActive);
  lan.track(0, 2, false);  // 105 - 10 = 95 < 100
  EXPECT_EQ(lan.at(0).fsm->priority(), 95u);
  EXPECT_EQ(lan.at(1).fsm->state(), HsrpState::kActive);  // at once: R1's Hello, R2's Coup, R1's Resign
  lan.advance(30s);
  EXPECT_EQ(lan.at(0).fsm->state(), HsrpState::kStandby);
  // The object comes back: R1 (preempt) takes over again.
  lan.track(0, 2, true);
  lan.advance(5s);
  EXPECT_EQ(lan.at(0).fsm->state(), HsrpState::kActive);
  EXPECT_EQ(lan.count_in(HsrpState::kActive), 1u);
}

TEST(HsrpStateMachine, SplitBrainHealsToOneActiveWhenHellosReturn) {
  HsrpLan lan(t0());
  settle_pair(lan, 105, 100);
  lan.at(1).cut_off = true;
  lan.advance(15s);
  EXPECT_EQ(lan.count_in(HsrpState::kActive), 2u);  // both own the VIP while apart
  lan.at(1).cut_off = false;
  lan.advance(kHsrpDefaultHelloTime);
  EXPECT_EQ(lan.count_in(HsrpState::kActive), 1u);  // the worse one steps down on the first Hello
  lan.advance(30s);
  EXPECT_EQ(lan.at(0).fsm->state(), HsrpState::kActive);
  EXPECT_EQ(lan.at(1).fsm->state(), HsrpState::kStandby);
  EXPECT_TRUE(has_action(lan.at(1), HsrpAction::Kind::kReleaseVip));
}

// --- stateful HA holds (docs/ha.md "Split brain") ------------------------------------

std::size_t count_actions(const HsrpLan::Router& r, HsrpAction::Kind kind) {
  return static_cast<std::size_t>(
      std::count_if(r.actions.begin(), r.actions.end(), [&](const HsrpAction& a) { return a.kind == kind; }));
}

TEST(HsrpStateMachine, HeldStandbyNeverTakesOverWhileTheSyncPeerIsActiveAndTakesOverTheMomentTheHoldEnds) {
  HsrpLan lan(t0());
  settle_pair(lan, 105, 100);
  ASSERT_EQ(lan.at(1).fsm->state(), HsrpState::kStandby);
  lan.hold_active(1, true);  // the sync channel says R1 is alive, Active and better
  lan.at(1).cut_off = true;  // ... while the Hellos are lost
  lan.advance(60s);          // six hold times
  EXPECT_EQ(lan.at(1).fsm->state(), HsrpState::kStandby);
  EXPECT_EQ(lan.at(0).fsm->state(), HsrpState::kActive);
  EXPECT_FALSE(has_action(lan.at(1), HsrpAction::Kind::kTakeVip));
  EXPECT_GE(lan.at(1).fsm->counters().takeovers_held, 5u);  // one per hold time
  EXPECT_TRUE(lan.at(1).fsm->status().active_held);
  // R1 dies: its sync channel closes, the hold ends; no Hello for a hold time already, so
  // R2 takes over now, not a hold time later.
  lan.crash(0);
  HsrpTime released = lan.now();
  lan.hold_active(1, false);
  EXPECT_EQ(lan.at(1).fsm->state(), HsrpState::kActive);
  ASSERT_TRUE(lan.at(1).became_active);
  EXPECT_EQ(*lan.at(1).became_active, released);
}

TEST(HsrpStateMachine, HeldActiveStepsDownAtOnceReleasingTheVipSoOnlyOneRouterIsActive) {
  HsrpLan lan(t0());
  settle_pair(lan, 105, 100);
  lan.at(1).cut_off = true;
  lan.advance(15s);
  ASSERT_EQ(lan.count_in(HsrpState::kActive), 2u);  // split brain (no sync channel yet)
  auto releases = count_actions(lan.at(1), HsrpAction::Kind::kReleaseVip);
  lan.hold_active(1, true);  // the sync channel comes back: R1 wins the comparison
  EXPECT_EQ(lan.at(1).fsm->state(), HsrpState::kStandby);
  EXPECT_EQ(count_actions(lan.at(1), HsrpAction::Kind::kReleaseVip), releases + 1);
  EXPECT_EQ(lan.count_in(HsrpState::kActive), 1u);
  lan.advance(30s);  // still cut off: stays out of Active
  EXPECT_EQ(lan.at(1).fsm->state(), HsrpState::kStandby);
  lan.at(1).cut_off = false;  // the Hellos return: an ordinary standby
  lan.advance(10s);
  EXPECT_EQ(lan.at(0).fsm->state(), HsrpState::kActive);
  EXPECT_EQ(lan.at(1).fsm->state(), HsrpState::kStandby);
}

// The hold guards against lost Hellos only: what is heard on the wire still counts. A Resign
// hands over at once; a worse active's Hello (the active's track went down) is preempted at
// once, though the sync channel's view of that router is a moment behind.
TEST(HsrpStateMachine, HeldStandbyStillTakesOverOnAResignOrByPreemptingAWorseActive) {
  HsrpLan lan(t0());
  settle_pair(lan, 105, 100);
  lan.hold_active(1, true);
  HsrpTime bye = lan.now();
  lan.disable(0);  // R1 resigns
  EXPECT_EQ(lan.at(1).fsm->state(), HsrpState::kActive);
  EXPECT_EQ(*lan.at(1).became_active, bye);

  HsrpLan lan2(t0());
  auto c1 = reference_group(kR1, 105);
  c1.tracks = {{2, 10}};
  auto c2 = reference_group(kR2, 100);
  c2.preempt = true;
  lan2.add(c1);
  lan2.add(c2);
  lan2.enable(0);
  lan2.enable(1);
  lan2.advance(60s);
  lan2.hold_active(1, true);  // the channel still says R1 has 105
  lan2.track(0, 2, false);    // R1's Hello says 95: R2 preempts at once
  EXPECT_EQ(lan2.at(1).fsm->state(), HsrpState::kActive);
  EXPECT_EQ(lan2.count_in(HsrpState::kActive), 1u);
}

TEST(HsrpStateMachine, PreemptHeldUntilTheReplicaIsInSyncThenCoupsAtOnce) {
  HsrpLan lan(t0());
  auto c1 = reference_group(kR1, 105);
  c1.preempt = true;  // no delay: the hold alone keeps it back
  lan.add(c1);
  lan.add(reference_group(kR2, 100));
  lan.enable(1);
  lan.advance(20s);
  ASSERT_EQ(lan.at(1).fsm->state(), HsrpState::kActive);
  lan.hold_preempt(0, true);  // R1 restarted: no bulk sync yet
  lan.enable(0);
  lan.advance(30s);
  EXPECT_EQ(lan.at(0).fsm->state(), HsrpState::kStandby);
  EXPECT_EQ(lan.at(1).fsm->state(), HsrpState::kActive);
  EXPECT_EQ(lan.at(0).fsm->counters().coups_out, 0u);
  EXPECT_GT(lan.at(0).fsm->counters().preempts_held, 0u);
  EXPECT_TRUE(lan.at(0).fsm->status().preempt_held);
  HsrpTime synced = lan.now();
  lan.hold_preempt(0, false);  // BulkEnd arrived
  EXPECT_EQ(lan.at(0).fsm->state(), HsrpState::kActive);
  EXPECT_EQ(*lan.at(0).became_active, synced);
  EXPECT_EQ(lan.at(0).fsm->counters().coups_out, 1u);
  lan.advance(10s);
  EXPECT_EQ(lan.at(1).fsm->state(), HsrpState::kStandby);
  EXPECT_EQ(lan.count_in(HsrpState::kActive), 1u);
}

// --- bad input ---------------------------------------------------------------------

HsrpMessage forged_active_hello(HsrpVersion version = HsrpVersion::kV1) {
  HsrpMessage m;
  m.version = version;
  m.state = HsrpState::kActive;
  m.group = 199;
  m.priority = 255;
  m.virtual_ip = kVip;
  return m;
}

TEST(HsrpStateMachine, HelloWithWrongTextAuthenticationIsIgnoredAndCounted) {
  HsrpLan lan(t0());
  settle_pair(lan, 105, 100);
  const std::uint32_t attacker = *parse_ipv4("19.26.116.150");
  auto bad = encode_hsrp_authenticated(forged_active_hello(), HsrpAuthConfig::text_string("guess"), attacker);
  lan.inject(0, bad, attacker);
  lan.inject(1, bad, attacker);
  EXPECT_EQ(lan.at(0).fsm->state(), HsrpState::kActive);
  EXPECT_EQ(lan.at(1).fsm->state(), HsrpState::kStandby);
  EXPECT_EQ(lan.at(0).fsm->counters().auth_failures, 1u);
  EXPECT_EQ(lan.at(1).fsm->counters().auth_failures, 1u);
  EXPECT_EQ(lan.at(1).fsm->status().active->address, kR1);
  // A correctly authenticated Hello of priority 255 does take over: the check is real.
  lan.inject(0, encode_hsrp_authenticated(forged_active_hello(), HsrpAuthConfig{}, attacker), attacker);
  EXPECT_EQ(lan.at(0).fsm->state(), HsrpState::kSpeak);
}

TEST(HsrpStateMachine, MismatchedKeysNeverFormAGroupAndEveryHelloIsCounted) {
  HsrpLan lan(t0());
  auto c1 = reference_group(kR1, 105);
  c1.auth = HsrpAuthConfig::md5_key_string("key-one");
  auto c2 = reference_group(kR2, 100);
  c2.auth = HsrpAuthConfig::md5_key_string("key-two");
  lan.add(c1);
  lan.add(c2);
  lan.enable(0);
  lan.enable(1);
  lan.advance(60s);
  EXPECT_EQ(lan.count_in(HsrpState::kActive), 2u);
  EXPECT_GT(lan.at(0).fsm->counters().auth_failures, 5u);
  EXPECT_EQ(lan.at(0).fsm->counters().auth_failures, lan.at(1).fsm->counters().hellos_out);
}

TEST(HsrpStateMachine, ForgedAndReplayedMd5HellosAreIgnoredAndCounted) {
  HsrpLan lan(t0());
  auto key = HsrpAuthConfig::md5_key_string("VPNHA-md5");
  auto c1 = reference_group(kR1, 105);
  c1.auth = key;
  auto c2 = reference_group(kR2, 100);
  c2.auth = key;
  lan.add(c1);
  lan.add(c2);
  lan.enable(0);
  lan.enable(1);
  lan.advance(60s);
  ASSERT_EQ(lan.at(1).fsm->state(), HsrpState::kStandby);
  const std::uint32_t attacker = *parse_ipv4("19.26.116.150");

  // Forged: right layout, digest made with a guessed key.
  auto forged = encode_hsrp_authenticated(forged_active_hello(), HsrpAuthConfig::md5_key_string("guess"), attacker);
  lan.inject(1, forged, attacker);
  EXPECT_EQ(lan.at(1).fsm->counters().auth_failures, 1u);

  // Replayed: R1's own genuine Resign, captured and sent again from another address.
  auto resign_it = std::find_if(lan.at(0).actions.begin(), lan.at(0).actions.end(), [](const HsrpAction& a) {
    return a.kind == HsrpAction::Kind::kSend && a.opcode == HsrpOpcode::kHello;
  });
  ASSERT_NE(resign_it, lan.at(0).actions.end());
  lan.inject(1, resign_it->packet, attacker);
  EXPECT_EQ(lan.at(1).fsm->counters().source_mismatch, 1u);

  // Replayed back at its sender: R1 hears its own Hello.
  lan.inject(0, resign_it->packet, kR1);
  EXPECT_EQ(lan.at(0).fsm->counters().own_address, 1u);

  // Tampered: one bit of a genuine Hello flipped (priority 105 -> 233).
  auto tampered = resign_it->packet;
  tampered[5] ^= 0x80;
  lan.inject(1, tampered, kR1);
  EXPECT_EQ(lan.at(1).fsm->counters().auth_failures, 2u);

  EXPECT_EQ(lan.at(0).fsm->state(), HsrpState::kActive);
  EXPECT_EQ(lan.at(1).fsm->state(), HsrpState::kStandby);
}

TEST(HsrpStateMachine, MalformedAndForeignPacketsAreCountedNotActedOn) {
  HsrpLan lan(t0());
  lan.add(reference_group(kR1, 105));
  lan.enable(0);
  lan.advance(20s);
  lan.inject(0, {0x00, 0x00, 0x03}, kR2);
  auto other = forged_active_hello();
  other.group = 7;
  lan.inject(0, encode_hsrp_authenticated(other, HsrpAuthConfig{}, kR2), kR2);
  lan.inject(0, encode_hsrp_authenticated(forged_active_hello(HsrpVersion::kV2), HsrpAuthConfig{}, kR2), kR2);
  EXPECT_EQ(lan.at(0).fsm->counters().malformed, 1u);
  EXPECT_EQ(lan.at(0).fsm->counters().other_group, 2u);
  EXPECT_EQ(lan.at(0).fsm->state(), HsrpState::kActive);
}

TEST(HsrpStateMachine, LearnsVirtualIpAndTimersFromTheActiveRouter) {
  HsrpLan lan(t0());
  auto c1 = reference_group(kR1, 105);
  c1.hello_time = 1s;
  c1.hold_time = 4s;
  auto c2 = reference_group(kR2, 100);
  c2.virtual_ip.reset();
  lan.add(c1);
  lan.add(c2);
  lan.enable(0);
  lan.advance(10s);
  lan.enable(1);
  EXPECT_EQ(lan.at(1).fsm->state(), HsrpState::kLearn);
  lan.advance(20s);
  auto st = lan.at(1).fsm->status();
  EXPECT_EQ(st.state, HsrpState::kStandby);
  EXPECT_EQ(st.virtual_ip, kVip);
  EXPECT_EQ(st.hello_time, 1s);
  EXPECT_EQ(st.hold_time, 4s);
}

TEST(HsrpStateMachine, NonsenseTimersFromTheActiveAreNotLearned) {
  HsrpLan lan(t0());
  auto c = reference_group(kR2, 100);
  lan.add(c);
  lan.enable(0);
  HsrpMessage m = forged_active_hello();
  m.priority = 150;
  m.hello_time = 0ms;  // would make us send Hellos in a loop
  m.hold_time = 0ms;
  lan.inject(0, encode_hsrp_authenticated(m, HsrpAuthConfig{}, kR1), kR1);
  auto st = lan.at(0).fsm->status();
  EXPECT_EQ(st.hello_time, kHsrpDefaultHelloTime);
  EXPECT_EQ(st.hold_time, kHsrpDefaultHoldTime);
  lan.advance(60s);
  EXPECT_LT(lan.at(0).fsm->counters().hellos_out, 30u);  // about one per 3 s, not a flood
}

TEST(HsrpStateMachine, ConfigurationTheWireCannotCarryIsRefused) {
  auto c = reference_group(kR1, 300);
  EXPECT_THROW(HsrpStateMachine{c}, std::invalid_argument);
  c = reference_group(kR1, 100);
  c.group = 1000;
  EXPECT_THROW(HsrpStateMachine{c}, std::invalid_argument);
  c.version = HsrpVersion::kV2;
  EXPECT_NO_THROW(HsrpStateMachine{c});
}

}  // namespace
}  // namespace espgw::ha

// Tests host/ha/sync_publisher and sync_replica without sockets: reports every N outbound /
// M inbound packets, the takeover rule (last report + N + margin, so no sequence number is
// used twice), bulk resync replacing the replica, and stale or out-of-order input counted.
#include "host/ha/sync_replica.hpp"

#include <gtest/gtest.h>

#include "sync_fixtures.hpp"

namespace espgw::ha {
namespace {

constexpr ReplayInterval kInterval{/*inbound M=*/100, /*outbound N=*/1000};
constexpr std::uint64_t kMargin = 512;
constexpr std::uint32_t kOutSpi = 0x2811DA7F, kInSpi = 0x002F3884;

void deliver(SyncReplica& replica, const std::vector<SyncMessage>& msgs) {
  for (const auto& m : msgs) replica.apply(m);
}

TEST(SyncReplica, ReportsComeEveryNOutboundAndEveryMInboundPackets) {
  SyncPublisher pub(kInterval);
  pub.ipsec_sa_up(test::make_ipsec_sa(kOutSpi, driver::Direction::kOutbound));
  pub.ipsec_sa_up(test::make_ipsec_sa(kInSpi, driver::Direction::kInbound));
  EXPECT_FALSE(pub.sa_progress(kOutSpi, driver::Direction::kOutbound, 999));
  auto r = pub.sa_progress(kOutSpi, driver::Direction::kOutbound, 1000);
  ASSERT_TRUE(r);
  EXPECT_EQ(std::get<SeqReport>(*r).seq, 1000u);
  EXPECT_FALSE(pub.sa_progress(kOutSpi, driver::Direction::kOutbound, 1999));
  EXPECT_TRUE(pub.sa_progress(kOutSpi, driver::Direction::kOutbound, 2500));  // polled late: reports what it sees
  EXPECT_FALSE(pub.sa_progress(kInSpi, driver::Direction::kInbound, 99));
  EXPECT_TRUE(pub.sa_progress(kInSpi, driver::Direction::kInbound, 100));
  EXPECT_FALSE(pub.sa_progress(0xDEAD, driver::Direction::kInbound, 1u << 20));  // unknown SA
  EXPECT_EQ(pub.counters().seq_reports, 2u);
  EXPECT_EQ(pub.counters().replay_reports, 1u);
}

// The active sends packets 1..S; it reports every N; the standby takes over with whatever it
// last heard. Whatever S is, the new active's first sequence number is above S.
TEST(SyncReplica, NewActiveNeverReusesAnOutboundSequenceNumber) {
  for (std::uint64_t sent : {0ull, 1ull, 999ull, 1000ull, 1001ull, 54321ull, 1999999ull}) {
    SyncPublisher pub(kInterval);
    SyncReplica replica(kInterval, kMargin);
    deliver(replica, pub.bulk(1));
    replica.apply(pub.ipsec_sa_up(test::make_ipsec_sa(kOutSpi, driver::Direction::kOutbound)));
    // The daemon polls the device every 100 packets here.
    for (std::uint64_t s = 100; s <= sent; s += 100)
      if (auto m = pub.sa_progress(kOutSpi, driver::Direction::kOutbound, s)) replica.apply(*m);
    auto plan = replica.takeover_ipsec();
    ASSERT_EQ(plan.size(), 1u);
    EXPECT_GT(plan[0].initial_seq + 1, sent) << "sent " << sent;
    EXPECT_EQ(plan[0].initial_seq, *replica.reported_seq(kOutSpi, driver::Direction::kOutbound) + 1000 + kMargin);
  }
}

// Full partition (docs/ha.md "Split brain", case b): nobody heard the old active stop, so
// it may go on sending until its device ends the SA at the hard lifetime. The new active
// starts above the last number that lifetime allows: the old copy's initial_seq + at most
// hard_bytes / 20 packets (an inner packet is at least an IPv4 header), or hard_packets.
TEST(SyncReplica, PartitionTakeoverStartsAboveEverythingTheOldActivesLifetimeAllows) {
  auto sa = test::make_ipsec_sa(kOutSpi, driver::Direction::kOutbound);
  sa.config.initial_seq = 7000;  // the old active adopted it at 7000 itself
  const std::uint64_t hard_bytes = sa.config.lifetime.hard_bytes;  // 4,608,000 KB (IOS default)
  const std::uint64_t most_packets = hard_bytes / kMinInnerPacketBytes + 1;
  SyncReplica replica(kInterval, kMargin);
  replica.apply(sa);
  replica.apply(SeqReport{kOutSpi, driver::Direction::kOutbound, 9000});
  EXPECT_EQ(replica.takeover_ipsec(false).at(0).initial_seq, 9000u + 1000 + kMargin);  // coordinated
  const auto plan = replica.takeover_ipsec(true);
  EXPECT_EQ(plan.at(0).initial_seq, 7000 + most_packets);
  EXPECT_EQ(replica.unbounded_takeovers(), 0u);
  // The old active's device counts every packet's inner bytes (>= 20) against hard_bytes,
  // so the last number it can ever use is 7000 + hard_bytes / 20: below the new start.
  EXPECT_GT(plan.at(0).initial_seq, 7000 + hard_bytes / 20);
  EXPECT_LT(plan.at(0).initial_seq, std::uint64_t{1} << 32);  // fits a 32-bit (non-ESN) SA

  // A packet lifetime tighter than the byte bound is used instead.
  sa.config.lifetime.hard_packets = 50000;
  SyncReplica by_packets(kInterval, kMargin);
  by_packets.apply(sa);
  EXPECT_EQ(by_packets.takeover_ipsec(true).at(0).initial_seq, 7000u + 50000);

  // No lifetime at all: no bound exists; the rule falls back to N + margin and says so.
  sa.config.lifetime = {};
  SyncReplica unbounded(kInterval, kMargin);
  unbounded.apply(sa);
  EXPECT_EQ(unbounded.takeover_ipsec(true).at(0).initial_seq, 7000u + 1000 + kMargin);
  EXPECT_EQ(unbounded.unbounded_takeovers(), 1u);
}

// The time lifetime travels as "seconds left": the active ages it in every bulk resync, the
// standby ages it again until the takeover, so the new active's SA ends when the old one's
// would have, not a full lifetime later.
TEST(SyncReplica, ReplicatedTimeLifetimeCarriesTheRemainingTimeNotTheFullValue) {
  using namespace std::chrono_literals;
  const auto t0 = std::chrono::steady_clock::time_point{} + 1000h;
  SyncPublisher pub(kInterval);
  auto sa = test::make_ipsec_sa(kOutSpi, driver::Direction::kOutbound);
  sa.lifetime_remaining_s = 3600;
  pub.ipsec_sa_up(sa, t0);
  // A standby connects 1000 s after the install: the bulk carries what is left.
  auto rec = std::get<IpsecSaRecord>(pub.bulk(2, t0 + 1000s).at(1));
  EXPECT_EQ(rec.lifetime_remaining_s, 2600u);
  // The standby received it at (its) t0 + 1000 s and takes over 600 s later.
  SyncReplica standby(kInterval, kMargin);
  standby.apply(BulkBegin{3}, t0 + 1000s);
  standby.apply(rec, t0 + 1000s);
  standby.apply(BulkEnd{3, 0, 1}, t0 + 1000s);
  EXPECT_EQ(standby.takeover_ipsec_records(false, t0 + 1600s).at(0).lifetime_remaining_s, 2000u);
  // Past its end: 1 s (ends and rekeys at once), never 0, which would mean "no lifetime".
  EXPECT_EQ(standby.takeover_ipsec_records(false, t0 + 5000s).at(0).lifetime_remaining_s, 1u);
  EXPECT_EQ(lifetime_left(0, 5000s), 0u);  // manual SAs have none and keep none
}

// A report within N + margin of 2^64 (ESN, or a peer's claim) must not wrap round to the
// numbers already used: the takeover saturates, leaving the SA nothing to send (found by
// tests/fuzz/fuzz_ha_sync).
TEST(SyncReplica, TakeoverNearTheEndOfTheSequenceSpaceSaturatesInsteadOfWrapping) {
  SyncReplica replica(kInterval, kMargin);
  auto sa = test::make_ipsec_sa(kOutSpi, driver::Direction::kOutbound);
  sa.config.esn = true;
  replica.apply(sa);
  replica.apply(SeqReport{kOutSpi, driver::Direction::kOutbound, UINT64_MAX - 10});
  auto plan = replica.takeover_ipsec();
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(plan[0].initial_seq, UINT64_MAX);
  SyncReplica huge_margin(kInterval, UINT64_MAX);
  huge_margin.apply(test::make_ipsec_sa(kOutSpi, driver::Direction::kOutbound));
  EXPECT_EQ(huge_margin.takeover_ipsec().at(0).initial_seq, UINT64_MAX);
}

TEST(SyncReplica, InboundTakeoverStartsAtTheReportedReplayTop) {
  SyncPublisher pub(kInterval);
  SyncReplica replica(kInterval, kMargin);
  replica.apply(pub.ipsec_sa_up(test::make_ipsec_sa(kInSpi, driver::Direction::kInbound)));
  replica.apply(*pub.sa_progress(kInSpi, driver::Direction::kInbound, 4242));
  auto plan = replica.takeover_ipsec();
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(plan[0].initial_seq, 4242u);
}

TEST(SyncReplica, BulkResyncReplacesTheReplicaAndKeepsKeys) {
  SyncPublisher pub(kInterval);
  auto ike = test::make_ike_sa(3);
  auto out = test::make_ipsec_sa(kOutSpi, driver::Direction::kOutbound);
  auto in = test::make_ipsec_sa(kInSpi, driver::Direction::kInbound);
  pub.ike_sa_up(ike);
  pub.ipsec_sa_up(out);
  pub.ipsec_sa_up(in);
  SyncReplica replica(kInterval, kMargin);
  replica.apply(test::make_ipsec_sa(0x999, driver::Direction::kOutbound));  // stale, from before
  deliver(replica, pub.bulk(7));
  EXPECT_TRUE(replica.in_sync());
  EXPECT_EQ(replica.ipsec_sa_count(), 2u);  // the stale SA is gone
  EXPECT_EQ(replica.ike_sa_count(), 1u);
  auto plan = replica.takeover_ipsec();
  test::expect_same_sa(plan[0].spi == kInSpi ? plan[0] : plan[1], in.config);
  EXPECT_TRUE(replica.takeover_ike()[0].skeyid_e == ike.skeyid_e);
}

TEST(SyncReplica, ABrokenBulkKeepsTheLastCompleteReplica) {
  SyncPublisher pub(kInterval);
  pub.ipsec_sa_up(test::make_ipsec_sa(kOutSpi, driver::Direction::kOutbound));
  SyncReplica replica(kInterval, kMargin);
  deliver(replica, pub.bulk(1));
  pub.ipsec_sa_up(test::make_ipsec_sa(kInSpi, driver::Direction::kInbound));
  auto second = pub.bulk(2);
  replica.apply(second[0]);  // BulkBegin
  replica.apply(second[1]);
  replica.connection_lost();
  EXPECT_FALSE(replica.in_sync());
  EXPECT_EQ(replica.ipsec_sa_count(), 1u);
  EXPECT_EQ(replica.counters().bulks_abandoned, 1u);
  // A BulkEnd whose counts do not match what arrived is refused too.
  replica.apply(BulkBegin{3});
  replica.apply(BulkEnd{3, 0, 5});
  EXPECT_EQ(replica.ipsec_sa_count(), 1u);
  EXPECT_EQ(replica.counters().bulks_abandoned, 2u);
}

TEST(SyncReplica, StaleAndBackwardReportsAreCountedNotApplied) {
  SyncPublisher pub(kInterval);
  SyncReplica replica(kInterval, kMargin);
  replica.apply(pub.ipsec_sa_up(test::make_ipsec_sa(kOutSpi, driver::Direction::kOutbound)));
  replica.apply(SeqReport{kOutSpi, driver::Direction::kOutbound, 5000});
  replica.apply(SeqReport{kOutSpi, driver::Direction::kOutbound, 4000});
  replica.apply(SeqReport{0x1234, driver::Direction::kOutbound, 1});
  EXPECT_EQ(*replica.reported_seq(kOutSpi, driver::Direction::kOutbound), 5000u);
  EXPECT_EQ(replica.counters().stale_reports, 2u);
  replica.apply(*pub.ipsec_sa_down(kOutSpi, driver::Direction::kOutbound));
  EXPECT_EQ(replica.ipsec_sa_count(), 0u);
}

}  // namespace
}  // namespace espgw::ha

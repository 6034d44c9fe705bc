// Tests host/ha/stateful_sync end to end on 127.0.0.1: the active publishes, the standby
// replicates; the active dies, the standby takes over with outbound sequence numbers moved
// past anything used; a returning router becomes standby, receives the new active's SAs, and
// on preempt takes them back, again without reusing a sequence number. Plus the show renderers.
#include "host/ha/stateful_sync.hpp"

#include <gtest/gtest.h>

#include "sync_fixtures.hpp"

namespace espgw::ha {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

template <typename Pred>
bool run_until(asio::io_context& io, Pred done, std::chrono::milliseconds limit = 10s) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    io.restart();
    io.run_for(5ms);
  }
  return true;
}

constexpr std::uint32_t kOut = 0x2811DA7F, kIn = 0x2F3884;
constexpr ReplayInterval kInterval{/*M=*/64, /*N=*/1000};
constexpr std::uint64_t kMargin = 500;

StatefulSyncOptions options(SyncChannelOptions::Mode mode, std::uint16_t remote_port) {
  StatefulSyncOptions o;
  o.channel.mode = mode;
  o.channel.local_address = mode == SyncChannelOptions::Mode::kListen ? 0x7F000001 : 0;
  o.channel.remote_address = 0x7F000001;
  o.channel.remote_port = remote_port;
  o.channel.retry_interval = 20ms;
  std::string key = "stateful-failover-test-psk";
  o.channel.tls.psk = SecretBytes(std::span(reinterpret_cast<const std::uint8_t*>(key.data()), key.size()));
  o.interval = kInterval;
  o.margin = kMargin;
  o.group_name = "VPNHA";
  return o;
}

const driver::SaConfig& find(const std::vector<driver::SaConfig>& v, std::uint32_t spi) {
  for (const auto& c : v)
    if (c.spi == spi) return c;
  throw std::runtime_error("SA missing");
}

TEST(StatefulSync, StandbyTakesOverAndPreemptHandsBackWithoutReusingSequenceNumbers) {
  asio::io_context io;
  // R2 listens, R1 connects; R1 starts as the HSRP active.
  StatefulSync r2(io, options(SyncChannelOptions::Mode::kListen, 0));
  r2.start();
  auto r1 = std::make_unique<StatefulSync>(io, options(SyncChannelOptions::Mode::kConnect, r2.listening_port()));
  r1->set_role(SyncRole::kActive);
  r1->ike_sa_up(test::make_ike_sa(1));
  auto out = test::make_ipsec_sa(kOut, driver::Direction::kOutbound);
  r1->ipsec_sa_up(out);
  r1->ipsec_sa_up(test::make_ipsec_sa(kIn, driver::Direction::kInbound));
  r1->start();
  ASSERT_TRUE(run_until(io, [&] { return r2.replica().in_sync(); }));
  EXPECT_EQ(r2.status().ipsec_sas, 2u);
  EXPECT_EQ(r2.status().peer_role, SyncRole::kActive);

  // Traffic: the device's outbound counter reaches 123456, the inbound replay top 9000; the
  // daemon polls every 200 packets.
  for (std::uint64_t s = 200; s <= 123456; s += 200) r1->sa_progress(kOut, driver::Direction::kOutbound, s);
  r1->sa_progress(kOut, driver::Direction::kOutbound, 123456);
  r1->sa_progress(kIn, driver::Direction::kInbound, 9000);
  const std::uint64_t last_used_by_r1 = 123456;
  ASSERT_TRUE(run_until(io, [&] { return r2.replica().reported_seq(kIn, driver::Direction::kInbound) == 9000u; }));

  // R1 dies (SIGKILL: nothing more is sent). R2's HSRP goes active: take over.
  r1.reset();
  auto t = r2.take_over();
  EXPECT_TRUE(t.replica_complete);
  ASSERT_EQ(t.ipsec.size(), 2u);
  ASSERT_EQ(t.ike.size(), 1u);
  const auto& o = find(t.ipsec, kOut);
  test::expect_same_sa(o, out.config);  // same keys: the peer sees no change
  EXPECT_GT(o.initial_seq, last_used_by_r1);
  EXPECT_LE(o.initial_seq, last_used_by_r1 + kInterval.outbound_packets + kMargin);
  EXPECT_EQ(find(t.ipsec, kIn).initial_seq, 9000u);
  EXPECT_EQ(r2.role(), SyncRole::kActive);

  // R1 returns as standby and gets R2's SAs, starting where R2 starts.
  auto r1b = std::make_unique<StatefulSync>(io, options(SyncChannelOptions::Mode::kConnect, r2.listening_port()));
  r1b->start();
  ASSERT_TRUE(run_until(io, [&] { return r1b->replica().in_sync(); }));
  EXPECT_EQ(r1b->status().ipsec_sas, 2u);
  EXPECT_EQ(*r1b->replica().reported_seq(kOut, driver::Direction::kOutbound), o.initial_seq);

  // R2 sends 5000 more packets, reports them, then R1 preempts (higher priority).
  const std::uint64_t last_used_by_r2 = o.initial_seq + 5000;
  r2.sa_progress(kOut, driver::Direction::kOutbound, last_used_by_r2);
  ASSERT_TRUE(run_until(io, [&] { return r1b->replica().reported_seq(kOut, driver::Direction::kOutbound) == last_used_by_r2; }));
  auto back = r1b->take_over();
  r2.set_role(SyncRole::kStandby);
  EXPECT_GT(find(back.ipsec, kOut).initial_seq, last_used_by_r2);
  test::expect_same_sa(find(back.ipsec, kOut), out.config);
  // R2, now standby, is resynchronised from R1.
  ASSERT_TRUE(run_until(io, [&] { return r2.replica().in_sync() && r2.replica().ipsec_sa_count() == 2; }));
  EXPECT_EQ(r2.status().takeovers, 1u);
}

// Split brain with the channel alive (docs/ha.md): both are Active; the HSRP comparison
// carried in the sync Hellos picks R1 (priority 105); R2 reports where its outbound SAs
// stopped and steps down; R1 is asked to continue above that plus the margin.
TEST(StatefulSync, SplitBrainLoserReportsItsFinalSequenceNumbersAndTheWinnerRaisesAboveThem) {
  asio::io_context io;
  const std::uint32_t kR1 = 0x131A748B, kR2 = 0x131A748C;  // 19.26.116.139 / .140
  StatefulSync r2(io, options(SyncChannelOptions::Mode::kListen, 0));
  r2.set_hsrp(100, kR2, 50ms, 500ms);
  r2.start();
  StatefulSync r1(io, options(SyncChannelOptions::Mode::kConnect, r2.listening_port()));
  r1.set_hsrp(105, kR1, 50ms, 500ms);
  std::vector<std::pair<std::uint32_t, std::uint64_t>> raises;
  r1.set_raise_handler([&](std::uint32_t spi, std::uint64_t last_used) {
    raises.emplace_back(spi, last_used);
    return true;
  });
  r1.set_role(SyncRole::kActive);
  r1.ipsec_sa_up(test::make_ipsec_sa(kOut, driver::Direction::kOutbound));
  r1.ipsec_sa_up(test::make_ipsec_sa(kIn, driver::Direction::kInbound));
  r1.start();
  ASSERT_TRUE(run_until(io, [&] { return r2.replica().in_sync(); }));
  const auto now = std::chrono::steady_clock::now();
  EXPECT_TRUE(r2.peer_wins(now));   // R2 must not go Active: espd holds its HSRP group
  EXPECT_FALSE(r1.peer_wins(now));  // R2 is standby
  // A peer silent for longer than the hold time may be dead: the hold ends, HSRP decides.
  EXPECT_FALSE(r2.peer_wins(now + 1s));

  r1.sa_progress(kOut, driver::Direction::kOutbound, 5000);
  ASSERT_TRUE(run_until(io, [&] { return r2.replica().reported_seq(kOut, driver::Direction::kOutbound) == 5000u; }));
  // R2 went Active anyway (its Hellos and this channel were both cut, then the channel came
  // back): both Active.
  auto t = r2.take_over();
  const std::uint64_t r2_start = find(t.ipsec, kOut).initial_seq;
  ASSERT_TRUE(run_until(io, [&] { return r1.status().role_conflicts > 0; }));
  EXPECT_GE(r2.status().role_conflicts, 1u);
  EXPECT_TRUE(r2.peer_wins(std::chrono::steady_clock::now()));  // R2 loses: 100 < 105
  EXPECT_FALSE(r1.peer_wins(std::chrono::steady_clock::now()));
  // R2 steps down: its device had sent 700 packets from its start.
  const std::uint64_t r2_final = r2_start + 700;
  r2.send_final_reports({{kOut, r2_final}});
  r2.set_role(SyncRole::kStandby);
  ASSERT_TRUE(run_until(io, [&] { return !raises.empty(); }));
  ASSERT_EQ(raises.size(), 1u);
  EXPECT_EQ(raises[0].first, kOut);
  EXPECT_EQ(raises[0].second, r2_final + kMargin);  // R1 continues at r2_final + margin + 1
  EXPECT_GT(raises[0].second, r2_final);
  EXPECT_EQ(r1.status().seq_raises, 1u);
  EXPECT_EQ(r1.status().final_reports_received, 1u);
  EXPECT_EQ(r2.status().yields, 1u);
  EXPECT_EQ(r2.status().final_reports_sent, 1u);
  // R2, standby again, is resynchronised from R1.
  ASSERT_TRUE(run_until(io, [&] { return r2.replica().in_sync() && r2.replica().ipsec_sa_count() == 2; }));
  EXPECT_NE(render_show_crypto_ha(r1.status(), 0).find("1 outbound SAs raised"), std::string::npos);
}

// A partition drops packets without an RST: the TCP connection lingers, and after healing
// TCP's retransmission backoff keeps it quiet for seconds. A peer silent for the hold time
// is dropped and the channel reconnects.
TEST(StatefulSync, PeerSilentForTheHoldTimeIsDroppedAndTheChannelReconnects) {
  asio::io_context io;
  StatefulSync r2(io, options(SyncChannelOptions::Mode::kListen, 0));
  r2.set_hsrp(100, 2, 50ms, 300ms);
  r2.start();
  StatefulSync r1(io, options(SyncChannelOptions::Mode::kConnect, r2.listening_port()));
  r1.set_hsrp(105, 1, 50ms, 300ms);
  r1.set_role(SyncRole::kActive);
  r1.start();
  ASSERT_TRUE(run_until(io, [&] { return r2.status().peer_role == SyncRole::kActive; }));
  r2.tick(std::chrono::steady_clock::now());  // heard just now: nothing happens
  EXPECT_TRUE(r2.status().peer_connected);
  EXPECT_EQ(r2.status().channel.disconnects, 0u);
  // R1 sends nothing (no ticks, no heartbeat) while R2's clock passes the hold time.
  r2.tick(std::chrono::steady_clock::now() + 400ms);
  EXPECT_FALSE(r2.status().peer_connected);
  EXPECT_EQ(r2.status().channel.disconnects, 1u);
  EXPECT_FALSE(r2.peer_wins(std::chrono::steady_clock::now()));  // no hold while apart
  // R1 sees the close, reconnects after its retry interval, resynchronises.
  ASSERT_TRUE(run_until(io, [&] { return r2.status().peer_connected && r2.replica().in_sync(); }));
  EXPECT_EQ(r2.status().channel.connects, 2u);
}

// Full partition: R2 takes over without word from R1 (lifetime bound), then steps down while
// the channel is still down (the Hellos returned first). Its final numbers wait for the
// channel; when it returns R1 raises above them and republishes the SA's new start.
TEST(StatefulSync, FinalReportsMadeWhileApartAreDeliveredWhenTheChannelReturns) {
  asio::io_context io;
  StatefulSync r2(io, options(SyncChannelOptions::Mode::kListen, 0));
  r2.set_hsrp(100, 2, 50ms, 300ms);
  r2.start();
  StatefulSync r1(io, options(SyncChannelOptions::Mode::kConnect, r2.listening_port()));
  r1.set_hsrp(105, 1, 50ms, 300ms);
  std::vector<std::pair<std::uint32_t, std::uint64_t>> raises;
  r1.set_raise_handler([&](std::uint32_t spi, std::uint64_t last_used) {
    raises.emplace_back(spi, last_used);
    return true;
  });
  r1.set_role(SyncRole::kActive);
  r1.ipsec_sa_up(test::make_ipsec_sa(kOut, driver::Direction::kOutbound));
  r1.ipsec_sa_up(test::make_ipsec_sa(kIn, driver::Direction::kInbound));
  r1.start();
  ASSERT_TRUE(run_until(io, [&] { return r2.replica().in_sync(); }));
  // The partition: R2 hears nothing for longer than the hold time and drops the channel.
  r2.tick(std::chrono::steady_clock::now() + 1s);
  ASSERT_FALSE(r2.status().peer_connected);
  auto t = r2.take_over();
  EXPECT_TRUE(t.peer_may_be_sending);
  const std::uint64_t start = find(t.ipsec, kOut).initial_seq;
  const auto& lt = test::make_ipsec_sa(kOut, driver::Direction::kOutbound).config.lifetime;
  EXPECT_EQ(start, lt.hard_bytes / kMinInnerPacketBytes + 1);  // R1's copy started at 0
  const std::uint64_t r2_final = start + 40;
  r2.send_final_reports({{kOut, r2_final}});  // stepping down while still apart
  r2.set_role(SyncRole::kStandby);
  EXPECT_EQ(r2.status().final_reports_sent, 0u);
  ASSERT_TRUE(run_until(io, [&] { return !raises.empty(); }));  // R1 reconnects
  EXPECT_EQ(raises.at(0).first, kOut);
  EXPECT_EQ(raises.at(0).second, r2_final + kMargin);
  EXPECT_EQ(r2.status().final_reports_sent, 1u);
  // R2's replica learns R1's new starting point, so a later takeover bounds from it.
  ASSERT_TRUE(run_until(io, [&] {
    auto seq = r2.replica().reported_seq(kOut, driver::Direction::kOutbound);
    return r2.replica().in_sync() && seq && *seq >= r2_final + kMargin;
  }));
  auto again = r2.replica().takeover_ipsec(true);
  EXPECT_GT(find(again, kOut).initial_seq, r2_final + kMargin + lt.hard_bytes / kMinInnerPacketBytes);
}

TEST(StatefulSync, EqualPrioritiesLetTheHigherAddressWinAsHsrpDoes) {
  asio::io_context io;
  StatefulSync a(io, options(SyncChannelOptions::Mode::kListen, 0));
  a.set_hsrp(100, 0x0A000002, 50ms, 500ms);
  a.start();
  StatefulSync b(io, options(SyncChannelOptions::Mode::kConnect, a.listening_port()));
  b.set_hsrp(100, 0x0A000001, 50ms, 500ms);
  b.set_role(SyncRole::kActive);
  a.set_role(SyncRole::kActive);
  b.start();
  ASSERT_TRUE(run_until(io, [&] { return a.status().peer_priority && b.status().peer_priority; }));
  const auto now = std::chrono::steady_clock::now();
  EXPECT_TRUE(b.peer_wins(now));   // 10.0.0.2 > 10.0.0.1
  EXPECT_FALSE(a.peer_wins(now));
  // Priority beats the address: a track decrement on a.
  a.set_hsrp(90, 0x0A000002, 50ms, 500ms);
  ASSERT_TRUE(run_until(io, [&] { return b.status().peer_priority == 90u; }));
  EXPECT_FALSE(b.peer_wins(std::chrono::steady_clock::now()));
  EXPECT_TRUE(a.peer_wins(std::chrono::steady_clock::now()));
}

TEST(StatefulSync, ShowRedundancyAndShowCryptoHaReportRolesAndCounts) {
  StatefulSyncStatus s;
  s.role = SyncRole::kActive;
  s.group_name = "VPNHA";
  s.peer_connected = true;
  s.ike_sas = 1;
  s.ipsec_sas = 2;
  s.channel.connects = 1;
  s.channel.frames_out = 6;
  s.published.ike_records = 1;
  s.published.ipsec_records = 2;
  s.published.seq_reports = 123;
  s.published.bulks = 1;
  EXPECT_EQ(render_show_redundancy(s),
            "Redundancy inter-device state: RF_INTERDEV_STATE_ACT\n"
            "  Scheme: Standby\n"
            "      Groupname: VPNHA Group State: Active\n"
            "  Peer present: RF_INTERDEV_PEER_COMM\n"
            "  Security: TLS 1.3\n"
            "  Sync state: sending\n"
            "  Channel: 1 connects, 0 handshake failures, 0 disconnects, 6 frames out, 0 frames in\n");
  EXPECT_EQ(render_show_crypto_ha(s, *parse_ipv4("19.26.116.141")),
            "IKE VIP: 19.26.116.141\n"
            "IPSec VIP: 19.26.116.141\n"
            "  Role: active, 1 IKE SAs, 2 IPsec SAs published\n"
            "  Sent: 1 IKE SA records, 2 IPsec SA records, 123 sequence reports, 0 replay reports, 0 deletes, 1 bulk resyncs\n"
            "  Received: 0 messages, 0 bulk resyncs completed, 0 abandoned, 0 sequence reports, 0 stale\n"
            "  Split brain: 0 role conflicts, 0 yields, 0 final reports sent, 0 received, 0 outbound SAs raised\n");
  s.role = SyncRole::kStandby;
  s.peer_connected = false;
  EXPECT_NE(render_show_redundancy(s).find("RF_INTERDEV_PEER_NO_COMM"), std::string::npos);
  EXPECT_NE(render_show_redundancy(s).find("Sync state: not in sync"), std::string::npos);
}

}  // namespace
}  // namespace espgw::ha

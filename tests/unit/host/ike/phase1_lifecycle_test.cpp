// Tests host/ike/ike_phase1_lifecycle.cpp and the clear semantics of ike_phase2_lifecycle.cpp:
// phase 1 is re-established before its lifetime ends and the IPsec SAs move to the new
// ISAKMP SA untouched (IOS behaviour); `clear crypto sa` deletes only IPsec SAs (DELETE
// sent) and keeps the ISAKMP SA in QM_IDLE; `clear crypto isakmp` deletes both. Two
// IkeSaManagers on the shared in-memory network (two_peers.hpp), time advanced by hand.
#include "host/ike/ike_sa_manager.hpp"

#include <algorithm>

#include "tests/unit/host/ike/two_peers.hpp"

namespace espgw::ike {
namespace {

using namespace testing_peers;

class Phase1Lifecycle : public TwoPeers {
 protected:
  // Advances the clock one second at a time, delivering what each second sent (DPD probes
  // and answers need the network between timer firings).
  void run_for(int seconds) {
    for (int i = 0; i < seconds; ++i) {
      clock_.advance(std::chrono::seconds(1));
      pump();
    }
  }
  static std::vector<std::uint32_t> spis(const Node& n) {
    std::vector<std::uint32_t> out;
    for (const SaConfig& c : n.installed) out.push_back(c.spi);
    return out;
  }
  static std::uint32_t conn_id(const Node& n) {
    auto v = n.mgr->isakmp_sas();
    return v.size() == 1 ? v[0].conn_id : 0;
  }
  void short_phase1(std::chrono::seconds p1, std::chrono::seconds p2) {
    for (IkeConfig* c : {&r1_cfg_, &r2_cfg_}) {
      c->policies[0].lifetime = p1;
      c->crypto_maps[0].lifetime = p2;
      c->keepalive = KeepaliveInput{std::chrono::seconds(10), std::chrono::seconds(2), true};
    }
  }
};

TEST_F(Phase1Lifecycle, Phase1IsReestablishedBeforeExpiryAndIpsecSasSurviveWithTheirSpis) {
  short_phase1(std::chrono::seconds(120), std::chrono::seconds(3600));
  start();
  ASSERT_TRUE(r2_->mgr->initiate(0));
  pump();
  ASSERT_EQ(r1_->installed.size(), 2u);
  const auto r1_spis = spis(*r1_);
  const auto r2_spis = spis(*r2_);
  const std::uint32_t first_conn = conn_id(*r1_);
  // Before 85 % of the lifetime (90 % minus at most 5 % jitter) nothing changes.
  run_for(101);
  EXPECT_EQ(r2_->mgr->counters().phase1_established, 1u);
  // By 90 % the initiator has a new ISAKMP SA and, 1 s later, deleted the old one (DELETE),
  // well before the old one's 120 s: one SA each side, QM_IDLE, a new conn-id.
  run_for(10);
  EXPECT_EQ(r2_->mgr->counters().phase1_established, 2u);
  EXPECT_EQ(r1_->mgr->counters().phase1_established, 2u);
  ASSERT_EQ(r1_->mgr->sa_count(), 1u);
  ASSERT_EQ(r2_->mgr->sa_count(), 1u);
  EXPECT_STREQ(r1_->mgr->isakmp_sas()[0].state, "QM_IDLE");
  EXPECT_NE(conn_id(*r1_), first_conn);
  EXPECT_EQ(count_lines("phase 1 re-established"), 1u);  // only the initiator deletes the old one
  // The IPsec SAs were neither removed nor renegotiated: same SPIs, now under the new SA.
  EXPECT_TRUE(r1_->removed.empty());
  EXPECT_TRUE(r2_->removed.empty());
  EXPECT_EQ(spis(*r1_), r1_spis);
  EXPECT_EQ(spis(*r2_), r2_spis);
  EXPECT_EQ(r1_->mgr->child_count(), 1u);
  EXPECT_EQ(r2_->mgr->child_count(), 1u);
  // Past the old SA's lifetime: still nothing removed; DPD keeps answering on the new SA.
  run_for(30);
  EXPECT_TRUE(r1_->removed.empty());
  EXPECT_TRUE(r2_->removed.empty());
  EXPECT_EQ(r1_->mgr->counters().dpd_dead, 0u);
  EXPECT_EQ(r2_->mgr->counters().dpd_dead, 0u);
  EXPECT_GE(count_lines("received DPD_R_U_THERE_ACK"), 4u);
  // A Quick Mode now runs on the new ISAKMP SA and both ends agree on it.
  ASSERT_TRUE(r2_->mgr->initiate(0));
  pump();
  ASSERT_EQ(r1_->installed.size(), 4u);
  expect_pair(r2_->installed[3], r1_->installed[2]);
  // And the re-established SA is itself re-established in time, again without a removal.
  run_for(120);
  EXPECT_EQ(r2_->mgr->counters().phase1_established, 3u);
  EXPECT_EQ(r1_->mgr->sa_count(), 1u);
  EXPECT_TRUE(r1_->removed.empty());
  EXPECT_EQ(r1_->mgr->child_count(), 2u);
}

TEST_F(Phase1Lifecycle, MovedIpsecSasStillRekeyOnTheirOwnLifetimeThroughTheNewestIsakmpSa) {
  short_phase1(std::chrono::seconds(120), std::chrono::seconds(300));
  start();
  r2_->mgr->initiate(0);
  pump();
  const std::uint32_t old_r1_in = r1_->find(Direction::kInbound)->spi;
  run_for(110);  // phase 1 replaced once
  ASSERT_EQ(r2_->mgr->counters().phase1_established, 2u);
  ASSERT_TRUE(r1_->removed.empty());
  // The child's soft timer (90 % of 300 s minus jitter, 255..270 s) moved with it: it
  // rekeys make-before-break on the newest ISAKMP SA, then the old pair goes.
  run_for(165);
  ASSERT_EQ(r1_->installed.size(), 4u);
  ASSERT_EQ(r1_->removed.size(), 2u);
  EXPECT_EQ(r1_->removed[0], std::make_pair(old_r1_in, Direction::kInbound));
  expect_pair(r2_->installed[3], r1_->installed[2]);
  EXPECT_EQ(r1_->mgr->child_count(), 1u);
  EXPECT_EQ(r2_->mgr->child_count(), 1u);
}

TEST_F(Phase1Lifecycle, WithoutAReplacementThePhase1ExpiryStillDeletesItsIpsecSas) {
  short_phase1(std::chrono::seconds(120), std::chrono::seconds(3600));
  start();
  r2_->mgr->initiate(0);
  pump();
  // The re-establishment attempts are lost (R1 unreachable for them): the old SA ends at its
  // lifetime and, with no newer ISAKMP SA to move to, takes its IPsec SAs along.
  run_for(100);
  for (int i = 0; i < 25; ++i) {
    clock_.advance(std::chrono::seconds(1));
    pump([](const Datagram& d) { return d.data.size() > 18 && d.data[18] == 2; });  // Main Mode lost
  }
  EXPECT_EQ(r1_->removed.size(), 2u);
  EXPECT_EQ(r2_->removed.size(), 2u);
  EXPECT_EQ(r1_->mgr->child_count(), 0u);
  for (const IsakmpSaView& v : r1_->mgr->isakmp_sas()) EXPECT_FALSE(v.active);  // only half-open attempts
}

TEST_F(Phase1Lifecycle, ResponderReestablishesWhenTheInitiatorDoesNot) {
  short_phase1(std::chrono::seconds(120), std::chrono::seconds(3600));
  start();
  r2_->mgr->initiate(0);
  pump();
  const auto r1_spis = spis(*r1_);
  // Every Main Mode 1 from R2 (the original initiator) is lost; R1's own attempt, at 91-96 %
  // of the lifetime, gets through.
  auto drop_r2_mm1 = [](const Datagram& d) {
    auto m = decode_message(d.data);
    return d.src.addr == kR2 && m.ok() && m.value().header.exchange == ExchangeType::kIdentityProtection &&
           std::all_of(m.value().header.responder_cookie.begin(), m.value().header.responder_cookie.end(),
                       [](std::uint8_t b) { return b == 0; });
  };
  for (int i = 0; i < 125; ++i) {
    clock_.advance(std::chrono::seconds(1));
    pump(drop_r2_mm1);
  }
  EXPECT_EQ(r1_->mgr->counters().phase1_established, 2u);
  EXPECT_EQ(count_lines("phase 1 re-established"), 1u);  // R1, the new initiator, deleted the old SA
  EXPECT_TRUE(r1_->removed.empty());
  EXPECT_TRUE(r2_->removed.empty());
  EXPECT_EQ(spis(*r1_), r1_spis);
  EXPECT_EQ(r1_->mgr->child_count(), 1u);
  EXPECT_EQ(r2_->mgr->child_count(), 1u);
  auto v = r1_->mgr->isakmp_sas();
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].dst, kR2);  // R1 initiated this one: the responder (R2) is dst
}

// A peer that does not move its IPsec SAs (strongSwan's IKEv1 reauthentication) deletes them
// under the ISAKMP SA that negotiated them, which we have replaced: the pair still goes.
TEST_F(Phase1Lifecycle, EspDeleteUnderTheReplacedIsakmpSaRemovesTheMovedPair) {
  short_phase1(std::chrono::seconds(120), std::chrono::seconds(3600));
  r1_cfg_.keepalive.reset();  // no DPD: the only Informational under the old SA is its DELETE
  r2_cfg_.keepalive.reset();
  start();
  r2_->mgr->initiate(0);
  pump();
  const Phase1Snapshot old = r2_->mgr->snapshot_phase1().at(0);
  // R2 re-establishes; its DELETE of the old ISAKMP SA is lost, so R1 keeps that SA (empty).
  auto drop_old_delete = [&](const Datagram& d) {
    auto m = decode_message(d.data);
    return d.src.addr == kR2 && m.ok() && m.value().header.exchange == ExchangeType::kInformational &&
           m.value().header.initiator_cookie == old.cky_i;
  };
  for (int i = 0; i < 110; ++i) {
    clock_.advance(std::chrono::seconds(1));
    pump(drop_old_delete);
  }
  ASSERT_EQ(r2_->mgr->counters().phase1_established, 2u);
  ASSERT_EQ(r1_->mgr->sa_count(), 2u);
  ASSERT_EQ(r1_->mgr->child_count(), 1u);
  // A peer still holding the pair under the old SA (R2's state before, adopted by a fresh
  // manager at R2's address) deletes it there.
  auto peer = make_node(r2_cfg_);
  ASSERT_TRUE(peer->mgr->adopt_phase1(old));
  r2_ = std::move(peer);
  EXPECT_EQ(r2_->mgr->clear_ipsec(), 1u);
  pump();
  ASSERT_EQ(r1_->removed.size(), 2u);
  EXPECT_EQ(r1_->removed[0], std::make_pair(old.children.at(0).outbound_spi, Direction::kInbound));
  EXPECT_EQ(r1_->mgr->child_count(), 0u);
}

// For peers that drop their IPsec SAs with the old ISAKMP SA (strongSwan 5.9): the moved
// pair is rekeyed on the new SA first, and the old ISAKMP SA goes only after that.
TEST_F(Phase1Lifecycle, OptionRekeysMovedIpsecSasOnTheNewSaBeforeDeletingTheOldOne) {
  short_phase1(std::chrono::seconds(120), std::chrono::seconds(3600));
  r2_cfg_.rekey_ipsec_on_phase1_rekey = true;
  start();
  r2_->mgr->initiate(0);
  pump();
  const std::uint32_t old_r1_in = r1_->find(Direction::kInbound)->spi;
  std::vector<std::uint8_t> order;  // exchange types R2 sent during the re-establishment
  for (int i = 0; i < 110; ++i) {
    clock_.advance(std::chrono::seconds(1));
    pump([&](const Datagram& d) {
      if (d.src.addr == kR2 && d.data.size() > 18 && d.data[18] != 5) order.push_back(d.data[18]);
      if (d.src.addr == kR2 && d.data.size() > 18 && d.data[18] == 5 && order.size() >= 3) order.push_back(5);
      return false;
    });
  }
  ASSERT_EQ(r2_->mgr->counters().phase1_established, 2u);
  // Main Mode (3 from R2), then Quick Mode (QM1, QM3), then the DELETEs (ESP, ISAKMP).
  ASSERT_GE(order.size(), 7u);
  EXPECT_EQ(std::vector<std::uint8_t>(order.begin(), order.begin() + 5), (std::vector<std::uint8_t>{2, 2, 2, 32, 32}));
  EXPECT_EQ(order.back(), 5u);
  EXPECT_EQ(r1_->mgr->sa_count(), 1u);
  ASSERT_EQ(r1_->installed.size(), 4u);
  expect_pair(r2_->installed[3], r1_->installed[2]);
  ASSERT_EQ(r1_->removed.size(), 2u);  // the old pair, after the new one was in
  EXPECT_EQ(r1_->removed[0], std::make_pair(old_r1_in, Direction::kInbound));
  EXPECT_EQ(r1_->mgr->child_count(), 1u);
  EXPECT_EQ(r2_->mgr->child_count(), 1u);
}

TEST_F(Phase1Lifecycle, ClearCryptoSaDeletesOnlyIpsecSasAndTheNextTriggerRunsOnlyQuickMode) {
  start();
  r2_->mgr->initiate(0);
  pump();
  const std::uint32_t r1_in = r1_->find(Direction::kInbound)->spi;
  const std::uint32_t conn = conn_id(*r1_);
  EXPECT_EQ(r2_->mgr->clear_ipsec(kHostR1), 0u);  // no SA with that peer
  EXPECT_EQ(r2_->mgr->clear_ipsec(kR1), 1u);
  pump();
  // R2 removed its pair; R1 removed its pair on R2's DELETE.
  EXPECT_EQ(r2_->removed.size(), 2u);
  ASSERT_EQ(r1_->removed.size(), 2u);
  EXPECT_EQ(r1_->removed[0], std::make_pair(r1_in, Direction::kInbound));
  EXPECT_EQ(r1_->mgr->child_count(), 0u);
  // Both ISAKMP SAs are still there, QM_IDLE, same conn-id.
  ASSERT_EQ(r1_->mgr->sa_count(), 1u);
  ASSERT_EQ(r2_->mgr->sa_count(), 1u);
  EXPECT_STREQ(r1_->mgr->isakmp_sas()[0].state, "QM_IDLE");
  EXPECT_STREQ(r2_->mgr->isakmp_sas()[0].state, "QM_IDLE");
  EXPECT_EQ(conn_id(*r1_), conn);
  // The next packet runs Quick Mode only: three exchange-32 messages, no Main Mode.
  exchanges_.clear();
  ASSERT_TRUE(r2_->mgr->initiate(0));
  pump();
  EXPECT_EQ(exchanges_, (std::vector<std::uint8_t>{32, 32, 32}));
  EXPECT_EQ(r2_->mgr->counters().phase1_established, 1u);
  ASSERT_EQ(r1_->installed.size(), 4u);
  expect_pair(r2_->installed[3], r1_->installed[2]);
}

TEST_F(Phase1Lifecycle, ClearCryptoIsakmpDeletesBothAndTheNextTriggerRunsMainMode) {
  start();
  r2_->mgr->initiate(0);
  pump();
  r1_->mgr->clear();
  pump();
  EXPECT_EQ(r1_->mgr->sa_count(), 0u);
  EXPECT_EQ(r2_->mgr->sa_count(), 0u);
  EXPECT_EQ(r2_->removed.size(), 2u);
  exchanges_.clear();
  r2_->mgr->initiate(0);
  pump();
  ASSERT_GE(exchanges_.size(), 6u);
  EXPECT_EQ(exchanges_[0], 2u);  // Main Mode again
  EXPECT_EQ(r2_->mgr->counters().phase1_established, 2u);
}

}  // namespace
}  // namespace espgw::ike

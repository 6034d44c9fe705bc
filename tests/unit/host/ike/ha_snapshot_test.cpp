// Tests host/ike/ike_ha_snapshot.cpp (issue 7): an established ISAKMP SA exported by one
// manager (B, the active gateway) and adopted by a third (C, the standby, same address)
// keeps working with the peer (A) that negotiated it with B: Quick Mode both ways, DPD both
// ways, DELETE, message-ID reuse refused. Plus the observer's events and the refusals.
#include "host/ike/ike_sa_manager.hpp"

#include "host/common/hex.hpp"
#include "tests/unit/host/ike/two_peers.hpp"

namespace espgw::ike {
namespace {

using namespace testing_peers;

class HaSnapshot : public TwoPeers {
 protected:
  void SetUp() override {
    TwoPeers::SetUp();
    for (IkeConfig* c : {&r1_cfg_, &r2_cfg_})
      c->keepalive = KeepaliveInput{std::chrono::seconds(10), std::chrono::seconds(2), true};
  }
  // A (r1_) and B (r2_) negotiate; B's snapshot goes to a fresh C, which replaces B on the
  // wire (B vanishes without a word, as a failed active does).
  Phase1Snapshot fail_over() {
    auto snaps = r2_->mgr->snapshot_phase1();
    EXPECT_EQ(snaps.size(), 1u);
    auto c = make_node(r2_cfg_);
    EXPECT_TRUE(c->mgr->adopt_phase1(snaps.at(0)));
    c->installed = r2_->installed;  // the device SAs were replicated separately (ha helper)
    r2_ = std::move(c);
    return snaps.at(0);
  }
};

TEST_F(HaSnapshot, SnapshotCarriesTheNegotiatedSaWithKeysAndChildren) {
  start();
  r2_->mgr->initiate(0);
  pump();
  auto snaps = r2_->mgr->snapshot_phase1();
  ASSERT_EQ(snaps.size(), 1u);
  const Phase1Snapshot& s = snaps[0];
  EXPECT_EQ(s.role, Role::kInitiator);
  EXPECT_EQ(s.peer.addr, kR1);
  EXPECT_EQ(s.local.addr, kR2);
  EXPECT_EQ(s.state, P1State::kP1Complete);
  EXPECT_EQ(s.proposal.key_bits, 256u);
  EXPECT_EQ(s.proposal.hash, P1Hash::kSha256);
  EXPECT_EQ(s.proposal.group, DhGroupId::kModp2048);
  EXPECT_EQ(s.skeyid_d.size(), 32u);
  EXPECT_EQ(s.skeyid_a.size(), 32u);
  EXPECT_EQ(s.enc_key.size(), 32u);
  EXPECT_EQ(s.p1_iv.size(), 16u);
  EXPECT_TRUE(s.peer_supports_dpd);
  EXPECT_EQ(s.message_ids.size(), 1u);  // the Quick Mode's
  // Ka is the one both ends derived: the peer's decryption-table line has it too.
  auto line = r1_->mgr->ikev1_decryption_table();
  EXPECT_NE(line.find(to_hex(s.enc_key.view())), std::string::npos);
  // The phase-1 lifetime (default 86400 s) ends about a day from now.
  auto left = std::chrono::duration_cast<std::chrono::seconds>(s.expires_at - s.taken_at);
  EXPECT_NEAR(static_cast<double>(left.count()), 86400.0, 2.0);
  ASSERT_EQ(s.children.size(), 1u);
  EXPECT_EQ(s.children[0].inbound_spi, r2_->find(Direction::kInbound)->spi);
  EXPECT_EQ(s.children[0].outbound_spi, r2_->find(Direction::kOutbound)->spi);
  EXPECT_EQ(s.children[0].map_name, "vpn");
  EXPECT_EQ(s.children[0].map_seq, 10);
  EXPECT_TRUE(s.children[0].initiator);
}

TEST_F(HaSnapshot, AdoptedSaRunsQuickModeBothWaysWithThePeer) {
  start();
  r2_->mgr->initiate(0);
  pump();
  fail_over();
  EXPECT_EQ(r2_->mgr->sa_count(), 1u);
  EXPECT_EQ(r2_->mgr->child_count(), 1u);
  EXPECT_STREQ(r2_->mgr->isakmp_sas()[0].state, "QM_IDLE");
  // C starts a Quick Mode on the adopted SA: A accepts it (HASH(1) under SKEYID_a, IV from
  // the replicated phase-1 block) and both install the same keys.
  exchanges_.clear();
  ASSERT_TRUE(r2_->mgr->initiate(0));
  pump();
  EXPECT_EQ(exchanges_, (std::vector<std::uint8_t>{32, 32, 32}));
  ASSERT_EQ(r1_->installed.size(), 4u);
  ASSERT_EQ(r2_->installed.size(), 4u);
  expect_pair(r2_->installed[3], r1_->installed[2]);
  expect_pair(r1_->installed[3], r2_->installed[2]);
  // A starts one towards C: C answers as responder.
  ASSERT_TRUE(r1_->mgr->initiate(0));
  pump();
  ASSERT_EQ(r2_->installed.size(), 6u);
  expect_pair(r1_->installed[5], r2_->installed[4]);
  EXPECT_EQ(r1_->mgr->counters().phase1_established, 1u);  // never a new phase 1
  EXPECT_EQ(r1_->mgr->counters().malformed, 0u);
}

TEST_F(HaSnapshot, AdoptedSaAnswersAndSendsDpdAndHonoursDelete) {
  start();
  r2_->mgr->initiate(0);
  pump();
  const std::uint32_t c_in = r2_->find(Direction::kInbound)->spi;
  fail_over();
  // Periodic DPD both ways for a minute: every R-U-THERE answered, nobody declared dead.
  for (int i = 0; i < 60; ++i) {
    clock_.advance(std::chrono::seconds(1));
    pump();
  }
  EXPECT_EQ(r1_->mgr->counters().dpd_dead, 0u);
  EXPECT_EQ(r2_->mgr->counters().dpd_dead, 0u);
  EXPECT_GE(count_lines("received DPD_R_U_THERE_ACK from peer 19.26.116.137"), 5u);  // A hears C
  EXPECT_GE(count_lines("received DPD_R_U_THERE_ACK from peer 19.26.116.141"), 5u);  // C hears A
  EXPECT_TRUE(r1_->removed.empty());
  // A clears its IPsec SAs: C removes the adopted pair on A's DELETE.
  EXPECT_EQ(r1_->mgr->clear_ipsec(), 1u);
  pump();
  ASSERT_EQ(r2_->removed.size(), 2u);
  EXPECT_EQ(r2_->removed[0], std::make_pair(c_in, Direction::kInbound));
  // A deletes the ISAKMP SA: C drops it.
  r1_->mgr->clear();
  pump();
  EXPECT_EQ(r2_->mgr->sa_count(), 0u);
}

TEST_F(HaSnapshot, MessageIdsUsedBeforeTheFailOverAreRefused) {
  start();
  r2_->mgr->initiate(0);
  pump();
  // A's Quick Mode to B: keep a copy of QM1, then let it run.
  r1_->mgr->initiate(0);
  ASSERT_EQ(wire_.size(), 1u);
  Datagram qm1 = wire_.front();
  pump();
  ASSERT_EQ(r2_->installed.size(), 4u);
  fail_over();
  r2_->mgr->receive(qm1);  // the replay reaches the standby
  EXPECT_EQ(r2_->mgr->counters().invalid_message_id, 1u);
  EXPECT_TRUE(wire_.empty());
  EXPECT_EQ(r2_->installed.size(), 4u);
}

TEST_F(HaSnapshot, ObserverSeesEstablishedChangedAndDeletedWithoutKeysOnDelete) {
  std::vector<std::pair<Phase1Event, std::size_t>> events;  // event, key size
  std::vector<std::size_t> children;
  start();
  r2_->mgr->set_phase1_observer([&](const Phase1Snapshot& s, Phase1Event ev) {
    events.emplace_back(ev, s.enc_key.size());
    children.push_back(s.children.size());
  });
  r2_->mgr->initiate(0);
  pump();
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events.front(), std::make_pair(Phase1Event::kEstablished, std::size_t{32}));
  EXPECT_EQ(events.back().first, Phase1Event::kStateChanged);
  EXPECT_EQ(children.back(), 1u);  // the Quick Mode's pair is in the last snapshot
  const std::size_t before = events.size();
  clock_.advance(std::chrono::seconds(10));  // a DPD probe: new sequence and message ID
  pump();
  ASSERT_GT(events.size(), before);
  EXPECT_EQ(events.back().first, Phase1Event::kStateChanged);
  r2_->mgr->clear();
  pump();
  EXPECT_EQ(events.back(), std::make_pair(Phase1Event::kDeleted, std::size_t{0}));
}

TEST_F(HaSnapshot, AdoptionIsRefusedForExpiredDuplicateOrUnknownSas) {
  start();
  r2_->mgr->initiate(0);
  pump();
  Phase1Snapshot s = r2_->mgr->snapshot_phase1().at(0);
  auto c = make_node(r2_cfg_);
  // Its lifetime is over.
  Phase1Snapshot expired = s;
  expired.expires_at = std::chrono::system_clock::now() - std::chrono::seconds(1);
  EXPECT_FALSE(c->mgr->adopt_phase1(expired));
  // A child for a crypto-map entry the standby's config lacks.
  Phase1Snapshot unknown = s;
  unknown.children[0].map_seq = 20;
  EXPECT_FALSE(c->mgr->adopt_phase1(unknown));
  // Keys missing.
  Phase1Snapshot keyless = s;
  keyless.enc_key.clear();
  EXPECT_FALSE(c->mgr->adopt_phase1(keyless));
  EXPECT_EQ(c->mgr->sa_count(), 0u);
  // The real one, once; the same cookies again are refused.
  EXPECT_TRUE(c->mgr->adopt_phase1(s));
  EXPECT_FALSE(c->mgr->adopt_phase1(s));
  EXPECT_EQ(c->mgr->sa_count(), 1u);
}

}  // namespace
}  // namespace espgw::ike

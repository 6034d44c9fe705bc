// Tests host/ike/aggressive_mode.cpp (RFC 2409 section 5.4, PSK) through IkeSaManager: two
// espgw IKE stacks on an in-memory network with a hand-advanced clock (the shared TwoPeers
// fixture, two_peers.hpp), R2 initiating Aggressive Mode to R1.
#include "host/ike/aggressive_mode.hpp"

#include "tests/unit/host/ike/two_peers.hpp"

namespace espgw::ike {
namespace {

using namespace testing_peers;

// R2 initiates Aggressive Mode to R1.
class AggressivePeers : public TwoPeers {
 protected:
  void SetUp() override {
    TwoPeers::SetUp();
    r2_cfg_.initiate_aggressive = true;
  }
};

TEST_F(AggressivePeers, AggressiveModeAndQuickModeWithPfs14InstallMatchingSaPairs) {
  start();
  ASSERT_TRUE(r2_->mgr->initiate(0));
  ASSERT_EQ(wire_.size(), 1u);
  // AM1 decodes as SA, KE, NONCE, ID (+ VIDs), in the clear, exchange type 4.
  auto am1 = decode_message(wire_.front().data);
  ASSERT_TRUE(am1.ok());
  EXPECT_EQ(am1.value().header.exchange, ExchangeType::kAggressive);
  EXPECT_FALSE(check_message(am1.value(), MessageKind::kAggressive1).has_value());
  ASSERT_NE(am1.value().find<KePayload>(), nullptr);
  EXPECT_EQ(am1.value().find<KePayload>()->data.size(), 256u);  // MODP 2048
  pump();
  // Phase 1 took three Aggressive Mode messages, then QM1..QM3.
  ASSERT_GE(exchanges_.size(), 6u);
  EXPECT_EQ(std::vector<std::uint8_t>(exchanges_.begin(), exchanges_.begin() + 6),
            (std::vector<std::uint8_t>{4, 4, 4, 32, 32, 32}));
  ASSERT_EQ(r1_->installed.size(), 2u);
  ASSERT_EQ(r2_->installed.size(), 2u);
  const SaConfig* r1_in = r1_->find(Direction::kInbound);
  const SaConfig* r1_out = r1_->find(Direction::kOutbound);
  const SaConfig* r2_in = r2_->find(Direction::kInbound);
  const SaConfig* r2_out = r2_->find(Direction::kOutbound);
  ASSERT_TRUE(r1_in && r1_out && r2_in && r2_out);
  EXPECT_EQ(r2_out->spi, r1_in->spi);
  EXPECT_EQ(r1_out->spi, r2_in->spi);
  EXPECT_EQ(key(r2_out->enc_key), key(r1_in->enc_key));
  EXPECT_EQ(key(r2_out->auth_key), key(r1_in->auth_key));
  EXPECT_EQ(key(r1_out->enc_key), key(r2_in->enc_key));
  EXPECT_EQ(key(r1_out->auth_key), key(r2_in->auth_key));
  EXPECT_NE(key(r1_in->enc_key), key(r2_in->enc_key));
  EXPECT_EQ(r1_out->selector.src_addr, kHostR1);
  EXPECT_EQ(r1_out->selector.dst_addr, kHostR2);
  EXPECT_EQ(r1_out->tunnel_dst, kR2);
  EXPECT_FALSE(r1_in->udp_encap);
  EXPECT_EQ(r1_->mgr->counters().phase1_established, 1u);
  EXPECT_EQ(r2_->mgr->counters().phase2_established, 1u);
  EXPECT_EQ(r1_->mgr->counters().aggressive_refused, 0u);
  auto sas = r1_->mgr->isakmp_sas();
  ASSERT_EQ(sas.size(), 1u);
  EXPECT_STREQ(sas[0].state, "QM_IDLE");
  EXPECT_TRUE(sas[0].active);
  EXPECT_EQ(count_lines("ISAKMP:(0):Old State = IKE_READY  New State = IKE_R_AM1"), 1u);
  EXPECT_EQ(count_lines("Old State = IKE_R_AM1  New State = IKE_R_AM2"), 1u);
  EXPECT_EQ(count_lines("Old State = IKE_I_AM2  New State = IKE_P1_COMPLETE"), 1u);
  // Both maps ask for PFS group 14; a responder refuses any other (or none) in QM1.
  EXPECT_EQ(count_lines("PFS"), 0u);
  // Both ends keyed phase 1 identically: Ka is the same in each decryption table.
  EXPECT_EQ(r1_->mgr->ikev1_decryption_table(), r2_->mgr->ikev1_decryption_table());
}

TEST_F(AggressivePeers, Am3IsSentEncrypted) {
  start();
  r2_->mgr->initiate(0);
  // Deliver AM1..AM3 one at a time, keeping copies: AM3 carries the encryption flag.
  std::vector<Datagram> seen;
  for (int i = 0; i < 3 && !wire_.empty(); ++i) {
    Datagram d = wire_.front();
    wire_.pop_front();
    seen.push_back(d);
    (d.dst.addr == kR1 ? r1_ : r2_)->mgr->receive(d);
  }
  ASSERT_EQ(seen.size(), 3u);
  auto am3 = decode_message(seen[2].data);
  ASSERT_TRUE(am3.ok());
  EXPECT_EQ(am3.value().header.exchange, ExchangeType::kAggressive);
  EXPECT_TRUE(am3.value().header.encrypted());
  auto am2 = decode_message(seen[1].data);
  ASSERT_TRUE(am2.ok());
  EXPECT_FALSE(check_message(am2.value(), MessageKind::kAggressive2).has_value());
}

TEST_F(AggressivePeers, WrongPskGivesNoSaAndOneClearLogLine) {
  r1_cfg_.keys[0].key = psk("wrong-key");
  start();
  r2_->mgr->initiate(0);
  pump();
  EXPECT_TRUE(r1_->installed.empty());
  EXPECT_TRUE(r2_->installed.empty());
  EXPECT_EQ(count_lines("probable pre-shared key mismatch"), 1u);
  EXPECT_EQ(r2_->mgr->counters().auth_failed, 1u);
  EXPECT_EQ(r2_->mgr->sa_count(), 0u);
  EXPECT_EQ(r2_->mgr->counters().phase1_established, 0u);
  EXPECT_EQ(r1_->mgr->counters().phase1_established, 0u);
  // R1's half-open SA dies by retransmission; nothing is installed anywhere.
  clock_.advance(std::chrono::minutes(2));
  pump();
  EXPECT_EQ(r1_->mgr->sa_count(), 0u);
  EXPECT_TRUE(r1_->installed.empty());
  EXPECT_EQ(count_lines("probable pre-shared key mismatch"), 1u);
}

TEST_F(AggressivePeers, AggressiveModeIsRefusedWhenDisabled) {
  r1_cfg_.aggressive_mode_disabled = true;
  start();
  r2_->mgr->initiate(0);
  pump();
  EXPECT_EQ(r1_->mgr->counters().aggressive_refused, 1u);
  EXPECT_EQ(r1_->mgr->sa_count(), 0u);
  EXPECT_TRUE(r1_->installed.empty());
  EXPECT_TRUE(r2_->installed.empty());
  EXPECT_EQ(count_lines("aggressive mode from 19.26.116.137 refused (crypto isakmp aggressive-mode disable)"), 1u);
  // The initiator's retransmissions are refused and counted too; it then gives up.
  clock_.advance(std::chrono::minutes(2));
  pump();
  EXPECT_GT(r1_->mgr->counters().aggressive_refused, 1u);
  EXPECT_EQ(r1_->mgr->sa_count(), 0u);
  EXPECT_EQ(r2_->mgr->sa_count(), 0u);
}

TEST_F(AggressivePeers, MalformedAm1IsDroppedAndCounted) {
  start();
  r2_->mgr->initiate(0);
  Datagram am1 = wire_.front();
  wire_.clear();
  auto decoded = decode_message(am1.data);
  ASSERT_TRUE(decoded.ok());
  // AM1 without its ID payload: every payload well-formed, the exchange's rule broken.
  std::vector<Payload> payloads;
  for (const PayloadEntry& p : decoded.value().payloads)
    if (!std::holds_alternative<IdPayload>(p.payload)) payloads.push_back(p.payload);
  Datagram no_id = am1;
  no_id.data = encode_message(decoded.value().header, payloads);
  r1_->mgr->receive(no_id);
  EXPECT_EQ(r1_->mgr->counters().malformed, 1u);
  EXPECT_EQ(r1_->mgr->sa_count(), 0u);
  EXPECT_TRUE(wire_.empty());  // no answer
  // A truncated AM1 does not even decode.
  Datagram cut = am1;
  cut.data.resize(cut.data.size() - 7);
  r1_->mgr->receive(cut);
  EXPECT_EQ(r1_->mgr->counters().malformed, 2u);
  // A KE whose size does not fit the chosen group: refused, nothing kept.
  std::vector<Payload> bad_ke;
  for (const PayloadEntry& p : decoded.value().payloads) {
    if (const auto* ke = std::get_if<KePayload>(&p.payload)) {
      bad_ke.push_back(KePayload{Bytes(ke->data.begin(), ke->data.begin() + 128)});
    } else {
      bad_ke.push_back(p.payload);
    }
  }
  Datagram short_ke = am1;
  short_ke.data = encode_message(decoded.value().header, bad_ke);
  r1_->mgr->receive(short_ke);
  EXPECT_EQ(r1_->mgr->sa_count(), 0u);
  EXPECT_TRUE(r1_->installed.empty());
  // ... answered with a clear INVALID-KEY-INFORMATION notify, kept off the wire here so
  // that R2's SA survives for the replay below.
  ASSERT_EQ(wire_.size(), 1u);
  auto notify = decode_message(wire_.front().data);
  ASSERT_TRUE(notify.ok());
  ASSERT_NE(notify.value().find<NotifyPayload>(), nullptr);
  EXPECT_EQ(notify.value().find<NotifyPayload>()->type, NotifyType::kInvalidKeyInformation);
  wire_.clear();
  // The genuine AM1 still works afterwards.
  r1_->mgr->receive(am1);
  pump();
  EXPECT_EQ(r1_->installed.size(), 2u);
  EXPECT_EQ(r2_->installed.size(), 2u);
}

TEST(AggressiveOffer, OnlyPoliciesOfTheFirstGroupAreOffered) {
  std::vector<IsakmpPolicyInput> p = {
      IsakmpPolicyInput{1, 256, P1Hash::kSha256, DhGroupId::kModp2048, kIsakmpLifetimeDefault},
      IsakmpPolicyInput{2, 128, P1Hash::kSha1, DhGroupId::kModp3072, kIsakmpLifetimeDefault},
      IsakmpPolicyInput{3, 128, P1Hash::kSha1, DhGroupId::kModp2048, kIsakmpLifetimeDefault}};
  auto offer = aggressive_offer_policies(p);
  ASSERT_EQ(offer.size(), 2u);
  EXPECT_EQ(offer[0].priority, 1);
  EXPECT_EQ(offer[1].priority, 3);
}

}  // namespace
}  // namespace espgw::ike

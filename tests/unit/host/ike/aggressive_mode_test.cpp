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

// RFC 3947 in Aggressive Mode: the VID in AM1/AM2, NAT-D in AM2 (clear) and AM3, no NAT
// between R1 and R2 here: both hash pairs match, nothing floats, plain tunnel mode.
TEST_F(AggressivePeers, NatDInAm2AndAm3FindNoNatWithoutOne) {
  start();
  r2_->mgr->initiate(0);
  ASSERT_EQ(wire_.size(), 1u);
  r1_->mgr->receive(wire_.front());
  wire_.pop_front();
  ASSERT_EQ(wire_.size(), 1u);
  auto am2 = decode_message(wire_.front().data);
  ASSERT_TRUE(am2.ok());
  EXPECT_EQ(am2.value().count<NatDPayload>(), 2u);
  pump();
  EXPECT_EQ(count_lines("No NAT Found for self or peer"), 2u);  // R2 on AM2, R1 on AM3
  ASSERT_EQ(r1_->installed.size(), 2u);
  EXPECT_FALSE(r1_->find(Direction::kOutbound)->udp_encap);
  EXPECT_EQ(count_lines("floating to port"), 0u);
}

TEST_F(AggressivePeers, ForcedEncapsulationSendsAm3To4500AndNegotiatesUdpTunnel) {
  r2_cfg_.force_udp_encap = true;
  start();
  r2_->mgr->initiate(0);
  std::vector<std::pair<std::uint8_t, std::uint16_t>> seen;  // exchange type, destination port
  pump([&](const Datagram& d) {
    seen.emplace_back(d.data[18], d.dst.port);
    return false;
  });
  ASSERT_GE(seen.size(), 6u);
  EXPECT_EQ(seen[0], std::make_pair(std::uint8_t{4}, kIkePort));   // AM1
  EXPECT_EQ(seen[1], std::make_pair(std::uint8_t{4}, kIkePort));   // AM2
  EXPECT_EQ(seen[2], std::make_pair(std::uint8_t{4}, kNattPort));  // AM3 floats
  for (std::size_t i = 3; i < 6; ++i) EXPECT_EQ(seen[i].second, kNattPort);  // Quick Mode stays
  ASSERT_EQ(r1_->installed.size(), 2u);
  const SaConfig* out = r1_->find(Direction::kOutbound);
  ASSERT_TRUE(out->udp_encap);
  EXPECT_EQ(out->udp_encap->dst_port, kNattPort);
  expect_pair(*r2_->find(Direction::kOutbound), *r1_->find(Direction::kInbound));
  EXPECT_GE(count_lines("His hash no match"), 1u);  // R1 sees R2's forced wrong hash
}

// R2 behind a NAPT (R2's 500 -> 19.26.116.1:10500, 4500 -> :14500). R1 knows it by the
// public address. Both NAT-D checks see it, AM3 floats, and R1 answers the mapped ports.
TEST_F(AggressivePeers, RealNatIsDetectedByBothSidesAndTheMappedPortsAreUsed) {
  constexpr std::uint32_t kNat = 0x131A7401;  // 19.26.116.1
  r1_cfg_ = reference_config(kR1, kNat, kHostR1, kHostR2);
  start();
  r2_->mgr->initiate(0);
  for (int guard = 0; !wire_.empty() && guard < 100; ++guard) {
    Datagram d = wire_.front();
    wire_.pop_front();
    if (d.dst.addr == kR1) {  // outbound through the NAT: rewrite the source
      d.src = Endpoint{kNat, static_cast<std::uint16_t>(d.src.port + 10000)};
      r1_->mgr->receive(d);
    } else if (d.dst.addr == kNat) {  // back in: rewrite the destination
      ASSERT_TRUE(d.dst.port == 10500 || d.dst.port == 14500) << d.dst.port;
      d.dst = Endpoint{kR2, static_cast<std::uint16_t>(d.dst.port - 10000)};
      r2_->mgr->receive(d);
    }
  }
  EXPECT_EQ(count_lines("My hash no match -  this node inside NAT"), 1u);  // R2
  EXPECT_EQ(count_lines("His hash no match - this node outside NAT"), 1u);  // R1
  ASSERT_EQ(r1_->installed.size(), 2u);
  ASSERT_EQ(r2_->installed.size(), 2u);
  const SaConfig* r1_out = r1_->find(Direction::kOutbound);
  ASSERT_TRUE(r1_out->udp_encap);
  EXPECT_EQ(r1_out->udp_encap->dst_port, 14500);  // the NAT's mapping of R2's 4500
  EXPECT_EQ(r1_out->tunnel_dst, kNat);
  const SaConfig* r2_out = r2_->find(Direction::kOutbound);
  ASSERT_TRUE(r2_out->udp_encap);
  EXPECT_EQ(r2_out->udp_encap->src_port, kNattPort);  // R2's own side, before the NAT
  // Same SPI and keys at both ends; the addresses differ by the NAT's translation.
  EXPECT_EQ(r2_out->spi, r1_->find(Direction::kInbound)->spi);
  EXPECT_EQ(key(r2_out->enc_key), key(r1_->find(Direction::kInbound)->enc_key));
  EXPECT_EQ(r2_out->tunnel_src, kR2);
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

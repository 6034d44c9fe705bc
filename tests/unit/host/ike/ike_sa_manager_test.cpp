// Tests host/ike/ike_sa_manager.cpp with the exchanges it drives (main_mode, quick_mode,
// natt, vendor_id, informational, dpd, ike_timers): two espgw IKE stacks talk over an
// in-memory network with a hand-advanced clock, configured as the reference walkthrough's
// R1/R2 (aes 256, sha256, group 14, PSK cisco123, esp-aes 256 esp-sha256-hmac, pfs group14).
#include "host/ike/ike_sa_manager.hpp"

#include "tests/unit/host/ike/two_peers.hpp"

namespace espgw::ike {
namespace {

using namespace testing_peers;

TEST_F(TwoPeers, MainModeAndQuickModeWithPfs14InstallMatchingSaPairs) {
  start();
  ASSERT_TRUE(r2_->mgr->initiate(0));
  pump();
  ASSERT_EQ(r1_->installed.size(), 2u);
  ASSERT_EQ(r2_->installed.size(), 2u);
  const SaConfig* r1_in = r1_->find(Direction::kInbound);
  const SaConfig* r1_out = r1_->find(Direction::kOutbound);
  const SaConfig* r2_in = r2_->find(Direction::kInbound);
  const SaConfig* r2_out = r2_->find(Direction::kOutbound);
  ASSERT_TRUE(r1_in && r1_out && r2_in && r2_out);
  expect_pair(*r2_out, *r1_in);
  expect_pair(*r1_out, *r2_in);
  EXPECT_NE(r1_in->spi, r2_in->spi);
  EXPECT_NE(key(r1_in->enc_key), key(r2_in->enc_key));  // each direction has its own KEYMAT
  EXPECT_EQ(r1_in->transform, driver::Transform::kAesCbcHmacSha256);
  EXPECT_EQ(r1_in->enc_key.size(), 32u);
  EXPECT_EQ(r1_in->auth_key.size(), 32u);
  // Outbound from R1: 19.26.116.141 -> .137, inner 192.168.20.25 -> 172.21.91.37.
  EXPECT_EQ(r1_out->tunnel_src, kR1);
  EXPECT_EQ(r1_out->tunnel_dst, kR2);
  EXPECT_EQ(r1_out->selector.src_addr, kHostR1);
  EXPECT_EQ(r1_out->selector.dst_addr, kHostR2);
  EXPECT_EQ(r1_in->selector.src_addr, kHostR2);
  EXPECT_EQ(r1_in->replay_window, 64u);
  EXPECT_FALSE(r1_in->udp_encap);
  EXPECT_EQ(r1_in->lifetime.hard_bytes, kIpsecLifetimeKbDefault * 1024);
  // The responder installs its inbound SA before QM2 leaves, the outbound only after QM3.
  EXPECT_EQ(r1_->installed[0].direction, Direction::kInbound);
  EXPECT_EQ(r1_->installed[1].direction, Direction::kOutbound);

  auto sas = r1_->mgr->isakmp_sas();
  ASSERT_EQ(sas.size(), 1u);
  EXPECT_STREQ(sas[0].state, "QM_IDLE");
  EXPECT_TRUE(sas[0].active);
  EXPECT_EQ(sas[0].dst, kR1);  // R1 responded
  EXPECT_EQ(sas[0].src, kR2);
  EXPECT_EQ(r1_->mgr->counters().phase2_established, 1u);
  EXPECT_EQ(r2_->mgr->counters().phase2_established, 1u);
  // The reference's debug form.
  EXPECT_EQ(count_lines("ISAKMP:(0):Old State = IKE_READY  New State = IKE_R_MM1"), 1u);
  EXPECT_EQ(count_lines("ISAKMP:(0):Old State = IKE_R_MM1  New State = IKE_R_MM2"), 1u);
  EXPECT_EQ(count_lines("):Old State = IKE_R_MM5  New State = IKE_R_MM6"), 1u);
  EXPECT_GE(count_lines("Checking ISAKMP transform 1 against priority 1 policy"), 1u);
  EXPECT_GE(count_lines("atts are acceptable"), 2u);
  EXPECT_GE(count_lines("vendor ID is DPD"), 2u);
  EXPECT_GE(count_lines("vendor ID is NAT-T RFC 3947"), 2u);
  EXPECT_EQ(count_lines("SA has been authenticated with 19.26.116.137"), 2u);  // debug + info line on R1
}

TEST_F(TwoPeers, SecondCryptoMapTriggerReusesPhase1) {
  start();
  r2_->mgr->initiate(0);
  pump();
  r2_->mgr->initiate(0);  // e.g. a rekey or a second proxy pair: Quick Mode only
  pump();
  EXPECT_EQ(r1_->mgr->sa_count(), 1u);
  EXPECT_EQ(r1_->installed.size(), 4u);
  EXPECT_EQ(r2_->mgr->counters().phase1_established, 1u);
  EXPECT_EQ(r2_->mgr->counters().phase2_established, 2u);
  expect_pair(r2_->installed[3], r1_->installed[2]);  // R2 outbound (second) == R1 inbound (second)
}

TEST_F(TwoPeers, WrongPskGivesNoSaAndOneClearLogLine) {
  r1_cfg_.keys[0].key = psk("wrong-key");
  start();
  r2_->mgr->initiate(0);
  pump();
  EXPECT_TRUE(r1_->installed.empty());
  EXPECT_TRUE(r2_->installed.empty());
  EXPECT_EQ(count_lines("probable pre-shared key mismatch"), 1u);
  EXPECT_EQ(r1_->mgr->counters().auth_failed, 1u);
  EXPECT_EQ(r1_->mgr->sa_count(), 0u);
  // The initiator gives up after its retransmission bound, leaving nothing behind.
  clock_.advance(std::chrono::minutes(2));
  pump();
  EXPECT_EQ(r2_->mgr->sa_count(), 0u);
  EXPECT_TRUE(r2_->installed.empty());
  EXPECT_EQ(count_lines("probable pre-shared key mismatch"), 1u);  // retransmits hit no SA on R1
}

TEST_F(TwoPeers, PolicyMismatchIsRefusedWithNoProposalChosen) {
  r1_cfg_.policies[0].group = DhGroupId::kModp3072;
  start();
  r2_->mgr->initiate(0);
  pump();
  EXPECT_EQ(r1_->mgr->counters().no_proposal_chosen, 1u);
  EXPECT_EQ(r2_->mgr->counters().no_proposal_chosen, 1u);  // told in the clear, SA dropped
  EXPECT_EQ(r1_->mgr->sa_count(), 0u);
  EXPECT_EQ(r2_->mgr->sa_count(), 0u);
  EXPECT_GE(count_lines("atts are not acceptable"), 1u);
}

TEST_F(TwoPeers, TransformSetMismatchFailsQuickModeButKeepsPhase1) {
  r1_cfg_.crypto_maps[0].transforms[0] = EspTransformInput{"gcm", EspTransformId::kEspAesGcm16, 256, AuthAlgorithm::kNone};
  start();
  r2_->mgr->initiate(0);
  pump();
  EXPECT_TRUE(r1_->installed.empty());
  EXPECT_TRUE(r2_->installed.empty());
  EXPECT_EQ(r1_->mgr->sa_count(), 1u);
  EXPECT_EQ(r1_->mgr->counters().no_proposal_chosen, 1u);
}

TEST_F(TwoPeers, RetransmittedMm5IsAnsweredWithStoredMm6) {
  start();
  r2_->mgr->initiate(0);
  bool dropped = false;
  // Lose R1's first encrypted Main Mode answer (MM6).
  pump([&](const Datagram& d) {
    if (dropped || d.src.addr != kR1 || d.data.size() < 28 || d.data[18] != 2 || (d.data[19] & 1) == 0) return false;
    dropped = true;
    return true;
  });
  ASSERT_TRUE(dropped);
  EXPECT_TRUE(r2_->installed.empty());
  clock_.advance(kRetransmitInitial);
  pump();
  EXPECT_EQ(r2_->mgr->counters().retransmits_sent, 1u);
  EXPECT_EQ(r1_->mgr->counters().retransmits_answered, 1u);
  EXPECT_EQ(r1_->installed.size(), 2u);
  EXPECT_EQ(r2_->installed.size(), 2u);
}

TEST_F(TwoPeers, LostQm3IsRecoveredByResponderRetransmittingQm2) {
  start();
  r2_->mgr->initiate(0);
  bool dropped = false;
  pump([&](const Datagram& d) {
    // QM3 is R2's last Quick Mode message: the one after R2 has installed its SAs.
    if (dropped || d.src.addr != kR2 || d.data[18] != 32 || r2_->installed.size() != 2) return false;
    dropped = true;
    return true;
  });
  ASSERT_TRUE(dropped);
  EXPECT_EQ(r1_->installed.size(), 1u);  // inbound only: R1 may not send yet
  clock_.advance(kRetransmitInitial);
  pump();
  EXPECT_EQ(r2_->mgr->counters().retransmits_answered, 1u);
  EXPECT_EQ(r1_->installed.size(), 2u);
}

TEST_F(TwoPeers, SilentPeerEndsInDeathByRetransmissionAfterTheBound) {
  start();
  r2_->mgr->initiate(0);
  pump([](const Datagram&) { return true; });
  EXPECT_EQ(r2_->mgr->sa_count(), 1u);
  clock_.advance(std::chrono::seconds(1 + 2 + 4 + 8 + 16));
  pump([](const Datagram&) { return true; });
  EXPECT_EQ(r2_->mgr->counters().retransmits_sent, static_cast<std::uint64_t>(kRetransmitMax));
  EXPECT_EQ(r2_->mgr->sa_count(), 1u);
  clock_.advance(std::chrono::seconds(32));
  EXPECT_EQ(r2_->mgr->sa_count(), 0u);
  EXPECT_EQ(r2_->mgr->timers().armed(), 0u);
}

TEST_F(TwoPeers, HalfOpenCapsStopAFloodOfSpoofedMm1) {
  r1_cfg_.half_open_total_max = 8;
  r1_cfg_.half_open_per_peer_max = 2;
  r1_cfg_.keys[0].mask = 0;  // crypto isakmp key cisco123 address 0.0.0.0 0.0.0.0
  start();
  // Capture one genuine MM1 and replay it with new cookies from spoofed sources.
  r2_->mgr->initiate(0);
  Datagram mm1 = wire_.front();
  wire_.clear();
  for (std::uint32_t i = 0; i < 20; ++i) {
    Datagram d = mm1;
    d.src.addr = 0x0A000000 + i / 2;  // two per spoofed address
    d.data[0] = static_cast<std::uint8_t>(i + 1);
    r1_->mgr->receive(d);
    d.data[1] = 0x55;  // a third from the same address: over the per-peer cap
    r1_->mgr->receive(d);
  }
  EXPECT_EQ(r1_->mgr->sa_count(), 8u);
  EXPECT_EQ(r1_->mgr->counters().half_open_dropped, 32u);
  wire_.clear();
  // The state timer clears them, and the real peer gets in again.
  clock_.advance(kHalfOpenTimeout);
  EXPECT_EQ(r1_->mgr->sa_count(), 0u);
  r2_ = make_node(r2_cfg_);
  r2_->mgr->initiate(0);
  pump();
  EXPECT_EQ(r1_->installed.size(), 2u);
}

TEST_F(TwoPeers, MalformedAndForgedPacketsLeaveTheSaAlone) {
  start();
  r2_->mgr->initiate(0);
  Datagram first_qm;
  pump([&](const Datagram& d) {
    if (d.src.addr == kR2 && d.data.size() > 28 && d.data[18] == 32 && first_qm.data.empty()) first_qm = d;
    return false;
  });
  ASSERT_EQ(r1_->installed.size(), 2u);
  Datagram junk{{kR2, 500}, {kR1, 500}, Bytes(40, 0xAB)};
  r1_->mgr->receive(junk);
  junk.data.resize(10);
  r1_->mgr->receive(junk);
  // Right cookies, a fresh message ID, ciphertext that does not decrypt to anything valid.
  Datagram forged = first_qm;
  forged.data[20] ^= 0x5A;  // message ID
  for (std::size_t i = 28; i < forged.data.size(); ++i) forged.data[i] ^= 0x33;
  r1_->mgr->receive(forged);
  // The same with one flipped bit in an otherwise genuine QM1 (HASH(1) must catch it).
  Datagram flipped = first_qm;
  flipped.data[20] ^= 0x01;
  r1_->mgr->receive(flipped);
  EXPECT_EQ(r1_->mgr->counters().malformed, 4u);
  EXPECT_EQ(r1_->mgr->sa_count(), 1u);
  EXPECT_TRUE(r1_->removed.empty());
  EXPECT_EQ(r1_->installed.size(), 2u);
  // And the SA still works: a second Quick Mode completes.
  r2_->mgr->initiate(0);
  pump();
  EXPECT_EQ(r1_->installed.size(), 4u);
}

TEST_F(TwoPeers, ClearSendsDeletesAndThePeerRemovesItsSas) {
  start();
  r2_->mgr->initiate(0);
  pump();
  std::uint32_t r1_in = r1_->find(Direction::kInbound)->spi;
  r2_->mgr->clear();
  pump();
  EXPECT_EQ(r2_->mgr->sa_count(), 0u);
  EXPECT_EQ(r2_->removed.size(), 2u);
  EXPECT_EQ(r1_->mgr->sa_count(), 0u);
  ASSERT_EQ(r1_->removed.size(), 2u);
  EXPECT_EQ(r1_->removed[0], std::make_pair(r1_in, Direction::kInbound));
}

TEST_F(TwoPeers, DpdDeletesTheSasOfADeadPeer) {
  r1_cfg_.keepalive = KeepaliveInput{std::chrono::seconds(10), std::chrono::seconds(2), true};
  start();
  r2_->mgr->initiate(0);
  pump();
  ASSERT_EQ(r1_->installed.size(), 2u);
  // Healthy peer: R-U-THERE answered, nothing removed.
  clock_.advance(std::chrono::seconds(10));
  pump();
  EXPECT_TRUE(r1_->removed.empty());
  EXPECT_GE(count_lines("received DPD_R_U_THERE_ACK"), 1u);
  // R2 dies: within interval + (retries + 1) * retry seconds R1 deletes everything.
  r2_.reset();
  clock_.advance(std::chrono::seconds(10 + 2 * (kDpdRetries + 1)));
  wire_.clear();
  EXPECT_EQ(r1_->mgr->counters().dpd_dead, 1u);
  EXPECT_EQ(r1_->removed.size(), 2u);
  EXPECT_EQ(r1_->mgr->sa_count(), 0u);
}

TEST_F(TwoPeers, ForcedEncapsulationFloatsTo4500AndNegotiatesUdpTunnel) {
  r2_cfg_.force_udp_encap = true;
  start();
  r2_->mgr->initiate(0);
  std::size_t on_4500 = 0;
  pump([&](const Datagram& d) {
    on_4500 += d.dst.port == kNattPort ? 1 : 0;
    return false;
  });
  EXPECT_GE(on_4500, 4u);  // MM5, MM6, QM1..QM3
  ASSERT_EQ(r1_->installed.size(), 2u);
  const SaConfig* out = r1_->find(Direction::kOutbound);
  ASSERT_TRUE(out->udp_encap);
  EXPECT_EQ(out->udp_encap->src_port, kNattPort);
  EXPECT_EQ(out->udp_encap->dst_port, kNattPort);
  expect_pair(*r2_->find(Direction::kOutbound), *r1_->find(Direction::kInbound));
  EXPECT_GE(count_lines("His hash no match"), 1u);
}

// RFC 3948 section 2.3: one bare 0xFF byte (no non-ESP marker) every `nat keepalive`
// seconds to the peer's UDP 4500, from the moment the IKE SA lives on 4500 until it is gone.
TEST_F(TwoPeers, NatKeepalivesAreOneFfByteTo4500EveryIntervalWhileTheFloatedSaLives) {
  r1_cfg_.nat_keepalive = r2_cfg_.nat_keepalive = std::chrono::seconds(20);
  r2_cfg_.force_udp_encap = true;
  start();
  std::map<std::uint32_t, std::size_t> keepalives;  // by sender
  std::size_t malformed_keepalives = 0;
  auto eat_keepalives = [&](const Datagram& d) {
    if (!d.natt_keepalive) return false;
    if (d.data == Bytes{0xFF} && d.src.port == kNattPort && d.dst.port == kNattPort) ++keepalives[d.src.addr];
    else ++malformed_keepalives;
    return true;  // the socket eats keepalives before the manager (ike_socket.cpp)
  };
  r2_->mgr->initiate(0);
  pump(eat_keepalives);
  ASSERT_EQ(r1_->installed.size(), 2u);
  ASSERT_TRUE(r1_->find(Direction::kOutbound)->udp_encap);
  EXPECT_TRUE(keepalives.empty());  // none while negotiating, none at t = 0
  clock_.advance(std::chrono::seconds(61));
  pump(eat_keepalives);
  EXPECT_EQ(keepalives[kR1], 3u);
  EXPECT_EQ(keepalives[kR2], 3u);
  EXPECT_EQ(malformed_keepalives, 0u);
  EXPECT_EQ(r1_->mgr->counters().natt_keepalives_sent, 3u);
  EXPECT_EQ(r2_->mgr->counters().natt_keepalives_sent, 3u);
  EXPECT_EQ(r1_->mgr->counters().malformed, 0u);
  // `clear crypto isakmp` on R2 deletes both ends' SAs, and with them the timers.
  r2_->mgr->clear();
  pump(eat_keepalives);
  ASSERT_EQ(r1_->mgr->sa_count(), 0u);
  clock_.advance(std::chrono::seconds(100));
  pump(eat_keepalives);
  EXPECT_EQ(keepalives[kR1], 3u);
  EXPECT_EQ(keepalives[kR2], 3u);
  EXPECT_EQ(r1_->mgr->timers().armed(), 0u);
}

TEST_F(TwoPeers, NoNatKeepalivesWhenTheIntervalIsZero) {
  r2_cfg_.force_udp_encap = true;  // floats, but nat keepalive 0 (the default)
  start();
  r2_->mgr->initiate(0);
  pump();
  ASSERT_EQ(r1_->installed.size(), 2u);
  clock_.advance(std::chrono::seconds(61));
  std::size_t seen = 0;
  pump([&](const Datagram& d) { return d.natt_keepalive ? (++seen, true) : false; });
  EXPECT_EQ(seen, 0u);
  EXPECT_EQ(r1_->mgr->counters().natt_keepalives_sent + r2_->mgr->counters().natt_keepalives_sent, 0u);
}

TEST_F(TwoPeers, NoNatKeepalivesWithoutNatOrForcedEncapsulation) {
  r1_cfg_.nat_keepalive = r2_cfg_.nat_keepalive = std::chrono::seconds(20);
  start();
  r2_->mgr->initiate(0);
  pump();
  ASSERT_EQ(r1_->installed.size(), 2u);
  ASSERT_FALSE(r1_->find(Direction::kOutbound)->udp_encap);
  clock_.advance(std::chrono::seconds(61));
  std::size_t seen = 0;
  pump([&](const Datagram& d) { return d.natt_keepalive ? (++seen, true) : false; });
  EXPECT_EQ(seen, 0u);
  EXPECT_EQ(r1_->mgr->counters().natt_keepalives_sent + r2_->mgr->counters().natt_keepalives_sent, 0u);
}

TEST_F(TwoPeers, GcmKeymatEndsInTheSaltOnBothSides) {
  EspTransformInput gcm{"gcm", EspTransformId::kEspAesGcm16, 256, AuthAlgorithm::kNone};
  r1_cfg_.crypto_maps[0].transforms = {gcm};
  r2_cfg_.crypto_maps[0].transforms = {EspTransformInput{"cbc", EspTransformId::kEspAes, 128, AuthAlgorithm::kHmacSha1}, gcm};
  start();
  r2_->mgr->initiate(0);
  pump();
  ASSERT_EQ(r1_->installed.size(), 2u);
  const SaConfig* in = r1_->find(Direction::kInbound);
  EXPECT_EQ(in->transform, driver::Transform::kAesGcm16);
  EXPECT_TRUE(in->auth_key.empty());
  expect_pair(*r2_->find(Direction::kOutbound), *in);
  EXPECT_NE(in->salt, r1_->find(Direction::kOutbound)->salt);
}

TEST_F(TwoPeers, ShorterResponderLifetimeIsAdoptedThroughResponderLifetimeNotify) {
  r1_cfg_.crypto_maps[0].lifetime = std::chrono::seconds(1800);
  r1_cfg_.crypto_maps[0].lifetime_kb = 100000;
  start();
  r2_->mgr->initiate(0);
  pump();
  ASSERT_EQ(r2_->installed.size(), 2u);
  EXPECT_EQ(r2_->installed[0].lifetime.hard_bytes, 100000u * 1024);
  EXPECT_GE(count_lines("RESPONDER_LIFETIME"), 1u);
  // Both sides expire the pair at 1800 s.
  clock_.advance(std::chrono::seconds(1800));
  pump();
  EXPECT_EQ(r1_->removed.size(), 2u);
  EXPECT_EQ(r2_->removed.size(), 2u);
}

TEST_F(TwoPeers, ShortLifetimeRekeysMakeBeforeBreakWithJitter) {
  r1_cfg_.crypto_maps[0].lifetime = std::chrono::seconds(120);
  r2_cfg_.crypto_maps[0].lifetime = std::chrono::seconds(120);
  start();
  r2_->mgr->initiate(0);
  pump();
  ASSERT_EQ(r1_->installed.size(), 2u);
  std::uint32_t old_r1_in = r1_->find(Direction::kInbound)->spi;
  // Nothing before 90 % - 5 % of the lifetime.
  clock_.advance(std::chrono::seconds(101));
  pump();
  EXPECT_EQ(r1_->installed.size(), 2u);
  // By 90 % the initiator (R2) has rekeyed: new pair first, then the old one deleted.
  clock_.advance(std::chrono::seconds(8));
  pump();
  ASSERT_EQ(r1_->installed.size(), 4u);
  ASSERT_EQ(r2_->installed.size(), 4u);
  ASSERT_EQ(r1_->removed.size(), 2u);
  EXPECT_EQ(r1_->removed[0], std::make_pair(old_r1_in, Direction::kInbound));
  expect_pair(r2_->installed[3], r1_->installed[2]);
  expect_pair(r1_->installed[3], r2_->installed[2]);
  EXPECT_EQ(r1_->mgr->child_count(), 1u);
  EXPECT_EQ(r2_->mgr->child_count(), 1u);
  EXPECT_EQ(r2_->mgr->counters().phase1_established, 1u);
  // The device's kilobyte soft event rekeys too, from either side.
  r1_->mgr->on_soft_lifetime(r1_->installed[3].spi);
  pump();
  EXPECT_EQ(r1_->installed.size(), 6u);
  EXPECT_EQ(r1_->mgr->child_count(), 1u);
  EXPECT_EQ(r2_->mgr->child_count(), 1u);
  expect_pair(r1_->installed[5], r2_->installed[4]);
}

TEST_F(TwoPeers, InitialContactFromARestartedPeerClearsOldSas) {
  start();
  r2_->mgr->initiate(0);
  pump();
  std::uint32_t old_in = r1_->find(Direction::kInbound)->spi;
  r2_ = make_node(r2_cfg_);  // R2 reboots and knows nothing
  r2_->mgr->initiate(0);
  pump();
  EXPECT_EQ(r1_->mgr->sa_count(), 1u);
  ASSERT_GE(r1_->removed.size(), 2u);
  EXPECT_EQ(r1_->removed[0], std::make_pair(old_in, Direction::kInbound));
  EXPECT_EQ(r1_->installed.size(), 4u);
  EXPECT_GE(count_lines("Process initial contact"), 1u);
}

TEST_F(TwoPeers, SubnetProxiesWithProtocolAndPortSelectTheRightMapEntry) {
  // Two entries on R1; only the second matches what R2 proposes (udp/53 from 172.21.91.0/24).
  CryptoMapInput other = r1_cfg_.crypto_maps[0];
  other.seq = 5;
  other.local = ProxyId{0x0A000000, 0xFF000000, 0, 0};
  r1_cfg_.crypto_maps.insert(r1_cfg_.crypto_maps.begin(), other);
  r1_cfg_.crypto_maps[1].local = ProxyId{0xC0A81400, 0xFFFFFF00, 17, 53};
  r1_cfg_.crypto_maps[1].remote = ProxyId{0xAC155B00, 0xFFFFFF00, 17, 0};
  r2_cfg_.crypto_maps[0].local = ProxyId{0xAC155B00, 0xFFFFFF00, 17, 0};
  r2_cfg_.crypto_maps[0].remote = ProxyId{0xC0A81400, 0xFFFFFF00, 17, 53};
  start();
  r2_->mgr->initiate(0);
  pump();
  ASSERT_EQ(r1_->installed.size(), 2u);
  const SaConfig* in = r1_->find(Direction::kInbound);
  EXPECT_EQ(in->selector.src_addr, 0xAC155B00u);
  EXPECT_EQ(in->selector.src_mask, 0xFFFFFF00u);
  EXPECT_EQ(in->selector.dst_addr, 0xC0A81400u);
  EXPECT_EQ(in->selector.protocol, 17);
  EXPECT_EQ(in->selector.dst_port_lo, 53);
  EXPECT_EQ(in->selector.dst_port_hi, 53);
  EXPECT_EQ(in->selector.src_port_lo, 0);
  EXPECT_EQ(in->selector.src_port_hi, 0xFFFF);
  expect_pair(*r2_->find(Direction::kOutbound), *in);
}

TEST_F(TwoPeers, UnknownProxiesAreRefusedWithInvalidIdInformation) {
  r2_cfg_.crypto_maps[0].local = ProxyId{0x0B000001, 0xFFFFFFFF, 0, 0};
  start();
  r2_->mgr->initiate(0);
  pump();
  EXPECT_TRUE(r1_->installed.empty());
  EXPECT_GE(count_lines("no crypto map entry for proxies"), 1u);
}

TEST_F(TwoPeers, EcpGroupsWorkForPhase1AndPfs) {
  for (IkeConfig* c : {&r1_cfg_, &r2_cfg_}) {
    c->policies[0] = IsakmpPolicyInput{1, 128, P1Hash::kSha384, DhGroupId::kEcp256, kIsakmpLifetimeDefault};
    c->crypto_maps[0].pfs = DhGroupId::kEcp384;
  }
  start();
  r2_->mgr->initiate(0);
  pump();
  ASSERT_EQ(r1_->installed.size(), 2u);
  expect_pair(*r2_->find(Direction::kOutbound), *r1_->find(Direction::kInbound));
}

TEST_F(TwoPeers, DecryptionTableListsCookieAndKaOfEachSa) {
  start();
  r2_->mgr->initiate(0);
  pump();
  std::string t1 = r1_->mgr->ikev1_decryption_table(), t2 = r2_->mgr->ikev1_decryption_table();
  EXPECT_EQ(t1, t2);  // both sides hold the same Ka under the same initiator cookie
  EXPECT_EQ(t1.size(), 16u + 1 + 64 + 1);
}

TEST_F(TwoPeers, AggressiveModeIsRefused) {
  r1_cfg_.aggressive_mode_disabled = true;
  start();
  r2_->mgr->initiate(0);
  Datagram d = wire_.front();
  wire_.clear();
  d.data[18] = static_cast<std::uint8_t>(ExchangeType::kAggressive);
  r1_->mgr->receive(d);
  EXPECT_EQ(r1_->mgr->counters().aggressive_refused, 1u);
  EXPECT_EQ(r1_->mgr->sa_count(), 0u);
}

}  // namespace
}  // namespace espgw::ike

// The SA's own limits: inner traffic selectors on inbound packets (RFC 4301 5.2, IOS crypto-map
// ACL proxies), soft and hard lifetimes in packets and bytes (events through poll_events,
// then lifetime-expired), and sequence-number exhaustion with and without ESN (RFC 4303
// 3.3.3: never wrap, so no GCM IV is ever reused).
#include <gtest/gtest.h>

#include "backends.hpp"
#include "esp_reference.hpp"
#include "esp_test_util.hpp"

namespace espgw::conformance {
namespace {

std::vector<driver::SaEvent> drain(EspDevice& dev) {
  std::vector<driver::SaEvent> all;
  driver::SaEvent buf[8];
  for (std::size_t n; (n = dev.poll_events(buf)) > 0;) all.insert(all.end(), buf, buf + n);
  return all;
}

const SaVariant kCbc{all_transforms()[1], false, false};
const SaVariant kGcm{all_transforms()[5], false, false};

TEST_P(EspConformance, InnerPacketOutsideTheSelectorsIsDroppedAsPolicyFail) {
  SaConfig cfg = make_sa(kGcm, Direction::kInbound, 0x8001);  // 10.1.1.0/24 -> 10.2.2.0/24, any protocol
  SaHandle in = install(dev(), cfg);
  ASSERT_NE(in, driver::kNoSa);
  auto res = decap(dev(), {
                              reference_encap(cfg, make_icmp(0x0A090909, kPeerLan | 1, 80, 1), 1),  // foreign source
                              reference_encap(cfg, make_icmp(kLocalLan | 1, 0x0A030303, 80, 2), 2),  // foreign destination
                              reference_encap(cfg, make_icmp(kPeerLan | 1, kLocalLan | 1, 80, 3), 3),  // reversed
                              reference_encap(cfg, make_icmp(kLocalLan | 1, kPeerLan | 1, 80, 4), 4),
                              reference_encap(cfg, make_udp(kLocalLan | 7, kPeerLan | 8, 5000, 53, 30), 5),
                          });
  EXPECT_EQ(res[0].status, Status::kPolicyFail);
  EXPECT_EQ(res[1].status, Status::kPolicyFail);
  EXPECT_EQ(res[2].status, Status::kPolicyFail);
  EXPECT_EQ(res[3].status, Status::kOk);
  EXPECT_EQ(res[4].status, Status::kOk);
  SaCounters c = counters(dev(), in);
  EXPECT_EQ(c.policy_fails, 3u);
  EXPECT_EQ(c.packets, 2u);
  EXPECT_EQ(c.errors(), 3u);
}

TEST_P(EspConformance, ProtocolAndPortSelectorsAreEnforced) {
  SaConfig cfg = make_sa(kCbc, Direction::kInbound, 0x8002);
  cfg.selector.src_addr = kLocalLan | 7;  // host to subnet, UDP from ports 1024-65535 to port 53
  cfg.selector.src_mask = 0xFFFFFFFF;
  cfg.selector.protocol = 17;
  cfg.selector.src_port_lo = 1024;
  cfg.selector.dst_port_lo = 53;
  cfg.selector.dst_port_hi = 53;
  SaHandle in = install(dev(), cfg);
  ASSERT_NE(in, driver::kNoSa);
  EXPECT_EQ(dev().read_sa(in)->selector, cfg.selector);
  auto res = decap(dev(), {
                              reference_encap(cfg, make_udp(kLocalLan | 7, kPeerLan | 8, 5000, 53, 30), 1),
                              reference_encap(cfg, make_udp(kLocalLan | 7, kPeerLan | 8, 5000, 54, 30), 2),
                              reference_encap(cfg, make_udp(kLocalLan | 7, kPeerLan | 8, 1023, 53, 30), 3),
                              reference_encap(cfg, make_udp(kLocalLan | 8, kPeerLan | 8, 5000, 53, 30), 4),
                              reference_encap(cfg, make_icmp(kLocalLan | 7, kPeerLan | 8, 80, 5), 5),
                              reference_encap(cfg, make_udp(kLocalLan | 7, kPeerLan | 200, 1024, 53, 0), 6),
                          });
  const std::vector<Status> want = {Status::kOk, Status::kPolicyFail, Status::kPolicyFail,
                                    Status::kPolicyFail, Status::kPolicyFail, Status::kOk};
  for (std::size_t k = 0; k < res.size(); ++k) EXPECT_EQ(res[k].status, want[k]) << "job " << k;
  EXPECT_EQ(counters(dev(), in).policy_fails, 4u);
  EXPECT_EQ(counters(dev(), in).packets, 2u);
}

TEST_P(EspConformance, PacketLifetimeRaisesSoftEventThenStopsTheSaAtTheHardLimit) {
  SaConfig cfg = make_sa(kGcm, Direction::kOutbound, 0x8101);
  cfg.lifetime.soft_packets = 3;
  cfg.lifetime.hard_packets = 5;
  SaHandle out = install(dev(), cfg);
  SaHandle other = install(dev(), make_sa(kGcm, Direction::kOutbound, 0x8102));
  ASSERT_NE(out, driver::kNoSa);
  auto inners = inner_mix(8, 1);
  auto first = encap(dev(), out, {inners[0], inners[1]});
  EXPECT_EQ(first[1].status, Status::kOk);
  EXPECT_TRUE(drain(dev()).empty()) << "soft event before the soft limit";
  EXPECT_EQ(encap1(dev(), out, inners[2]).status, Status::kOk);
  auto ev = drain(dev());
  ASSERT_EQ(ev.size(), 1u) << "one soft event when the third packet reaches soft_packets = 3";
  EXPECT_EQ(ev[0].kind, driver::SaEventKind::kSoftLifetime);
  EXPECT_EQ(ev[0].sa, out);
  EXPECT_EQ(ev[0].spi, cfg.spi);
  EXPECT_TRUE(dev().read_sa(out)->soft_expired);
  EXPECT_FALSE(dev().read_sa(out)->hard_expired);
  auto rest = encap(dev(), out, {inners[3], inners[4], inners[5], inners[6]});
  EXPECT_EQ(rest[0].status, Status::kOk);
  EXPECT_EQ(rest[1].status, Status::kOk);  // the fifth packet: hard_packets = 5 allows it
  EXPECT_EQ(rest[2].status, Status::kLifetimeExpired);
  EXPECT_EQ(rest[3].status, Status::kLifetimeExpired);
  ev = drain(dev());
  ASSERT_EQ(ev.size(), 1u) << "exactly one hard event, and the soft event only once";
  EXPECT_EQ(ev[0].kind, driver::SaEventKind::kHardLifetime);
  EXPECT_EQ(ev[0].sa, out);
  auto st = dev().read_sa(out);
  EXPECT_TRUE(st->hard_expired);
  EXPECT_EQ(st->counters.packets, 5u);
  EXPECT_EQ(st->counters.other_drops, 2u);
  EXPECT_EQ(st->lifetime, cfg.lifetime);
  // The other SA is untouched.
  EXPECT_EQ(encap1(dev(), other, inners[7]).status, Status::kOk);
  EXPECT_EQ(counters(dev(), other).packets, 1u);
}

TEST_P(EspConformance, InboundByteLifetimeCountsInnerBytes) {
  SaConfig cfg = make_sa(kCbc, Direction::kInbound, 0x8201);
  cfg.lifetime.soft_bytes = 250;
  cfg.lifetime.hard_bytes = 400;
  SaHandle in = install(dev(), cfg);
  ASSERT_NE(in, driver::kNoSa);
  std::vector<Bytes> wire;
  for (std::uint64_t s = 1; s <= 6; ++s) wire.push_back(reference_encap(cfg, make_icmp(kLocalLan | 1, kPeerLan | 1, 100, static_cast<std::uint16_t>(s)), s));
  auto two = decap(dev(), {wire[0], wire[1]});
  EXPECT_EQ(two[1].status, Status::kOk);
  EXPECT_TRUE(drain(dev()).empty()) << "200 bytes < soft 250";
  EXPECT_EQ(decap1(dev(), wire[2]).status, Status::kOk);
  auto ev = drain(dev());
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].kind, driver::SaEventKind::kSoftLifetime);
  EXPECT_EQ(ev[0].spi, cfg.spi);
  auto rest = decap(dev(), {wire[3], wire[4], wire[5]});
  EXPECT_EQ(rest[0].status, Status::kOk);  // 400 bytes: reaches the hard limit
  EXPECT_EQ(rest[1].status, Status::kLifetimeExpired);
  EXPECT_EQ(rest[2].status, Status::kLifetimeExpired);
  SaCounters c = counters(dev(), in);
  EXPECT_EQ(c.bytes, 400u);
  EXPECT_EQ(c.packets, 4u);
  EXPECT_EQ(c.other_drops, 2u);
  ev = drain(dev());
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].kind, driver::SaEventKind::kHardLifetime);
}

TEST_P(EspConformance, SequenceNumberNeverWrapsWithoutEsn) {
  for (const auto& v : {kCbc, kGcm}) {
    SCOPED_TRACE(v.name());
    SaConfig cfg = make_sa(v, Direction::kOutbound, v.tc.transform == Transform::kAesGcm16 ? 0x8301 : 0x8302);
    cfg.initial_seq = 0xFFFFFFFDu;
    SaHandle out = install(dev(), cfg);
    ASSERT_NE(out, driver::kNoSa);
    auto inners = inner_mix(4, 2);
    auto res = encap(dev(), out, inners);
    ASSERT_EQ(res[0].status, Status::kOk);
    ASSERT_EQ(res[1].status, Status::kOk);
    EXPECT_EQ(res[0].seq, 0xFFFFFFFEu);
    EXPECT_EQ(res[1].seq, 0xFFFFFFFFu);
    EXPECT_EQ(hex(res[1].bytes), hex(reference_encap(cfg, inners[1], 0xFFFFFFFFu)));
    EXPECT_EQ(res[2].status, Status::kSeqOverflow);
    EXPECT_EQ(res[3].status, Status::kSeqOverflow);
    auto st = dev().read_sa(out);
    EXPECT_EQ(st->seq, 0xFFFFFFFFu);
    EXPECT_EQ(st->counters.packets, 2u);
    EXPECT_EQ(st->counters.other_drops, 2u);
    auto ev = drain(dev());
    ASSERT_EQ(ev.size(), 1u) << "one seq-overflow event";
    EXPECT_EQ(ev[0].kind, driver::SaEventKind::kSeqOverflow);
    EXPECT_EQ(ev[0].sa, out);
  }
}

TEST_P(EspConformance, EsnSequenceNumberNeverWrapsAt2To64) {
  const SaVariant v{all_transforms()[4], true, false};
  SaConfig cfg = make_sa(v, Direction::kOutbound, 0x8401);
  cfg.initial_seq = ~std::uint64_t{0} - 2;
  SaHandle out = install(dev(), cfg);
  ASSERT_NE(out, driver::kNoSa);
  auto inners = inner_mix(3, 3);
  auto res = encap(dev(), out, inners);
  ASSERT_EQ(res[0].status, Status::kOk);
  ASSERT_EQ(res[1].status, Status::kOk);
  EXPECT_EQ(hex(res[1].bytes), hex(reference_encap(cfg, inners[1], ~std::uint64_t{0})));
  EXPECT_EQ(res[2].status, Status::kSeqOverflow);
  EXPECT_EQ(counters(dev(), out).other_drops, 1u);
}

TEST_P(EspConformance, EsnOutboundCarriesOnPast2To32) {
  const SaVariant v{all_transforms()[2], true, true};
  SaConfig cfg = make_sa(v, Direction::kOutbound, 0x8501);
  cfg.initial_seq = 0xFFFFFFFEu;
  SaHandle out = install(dev(), cfg);
  ASSERT_NE(out, driver::kNoSa);
  auto inners = inner_mix(3, 4);
  auto res = encap(dev(), out, inners);
  for (std::size_t k = 0; k < 3; ++k) {
    ASSERT_EQ(res[k].status, Status::kOk);
    EXPECT_EQ(res[k].seq, 0xFFFFFFFFull + k);
    EXPECT_EQ(hex(res[k].bytes), hex(reference_encap(cfg, inners[k], 0xFFFFFFFFull + k)));
  }
  EXPECT_EQ(dev().read_sa(out)->seq, 0x100000001ull);
}

}  // namespace
}  // namespace espgw::conformance

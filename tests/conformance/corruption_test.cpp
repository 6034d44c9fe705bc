// Damaged and hostile inbound packets (RFC 4303 3.4): a bit flipped at every byte position,
// truncation at every length, unknown SPIs, bad padding and wrong next header under a valid
// ICV (crafted with the test-side OpenSSL encapsulator), malformed inner headers. Each is
// dropped with the right status, counted exactly once, and later good packets still pass.
#include <gtest/gtest.h>

#include <set>

#include "backends.hpp"
#include "esp_reference.hpp"
#include "esp_test_util.hpp"

namespace espgw::conformance {
namespace {

// Drops the device accounts for: per-SA errors plus the device's own counters.
std::uint64_t all_drops(const EspDevice& dev, SaHandle sa) {
  auto d = dev.device_counters();
  return counters(dev, sa).errors() + d.bad_spi + d.malformed + d.bad_sa;
}

std::size_t outer_len(const SaConfig& c) { return c.udp_encap ? 28 : 20; }

TEST_P(EspConformance, BitFlippedAtEveryBytePositionIsNeverAcceptedWithAlteredContent) {
  auto variants = all_variants();
  for (std::size_t i = 0; i < variants.size(); ++i) {
    const auto& v = variants[i];
    SCOPED_TRACE(v.name());
    SaConfig cfg = make_sa(v, Direction::kInbound, 0x7000 + static_cast<std::uint32_t>(i));
    SaHandle in = install(dev(), cfg);
    ASSERT_NE(in, driver::kNoSa);
    const Bytes inner = make_icmp(kLocalLan | 3, kPeerLan | 4, 90, static_cast<std::uint16_t>(i), 0x20, true);
    const std::size_t len = reference_encap(cfg, inner, 1).size();
    const std::size_t h = outer_len(cfg);
    std::vector<Bytes> wire;
    for (std::size_t p = 0; p < len; ++p) {
      Bytes d = reference_encap(cfg, inner, p + 1);  // a fresh sequence number per position
      d[p] ^= static_cast<std::uint8_t>(1u << (p % 8));
      wire.push_back(std::move(d));
    }
    const std::uint64_t drops_before = all_drops(dev(), in);
    const std::uint64_t bad_spi_before = dev().device_counters().bad_spi;
    auto res = decap(dev(), wire);
    std::uint64_t oks = 0, non_ok = 0, spi_drops = 0;
    for (std::size_t p = 0; p < res.size(); ++p) {
      const Status s = res[p].status;
      SCOPED_TRACE("byte " + std::to_string(p) + " -> " + status_name(s));
      if (s == Status::kOk) {
        ++oks;
        EXPECT_EQ(hex(res[p].bytes), hex(inner)) << "accepted with altered content";
      } else {
        ++non_ok;
      }
      if (s == Status::kBadSpi) ++spi_drops;
      if (p < h) {  // outer IPv4 / UDP header: not covered by the ICV
        EXPECT_TRUE(s == Status::kOk || s == Status::kMalformed || s == Status::kBadSpi || s == Status::kAuthFail);
      } else if (p < h + 4) {
        EXPECT_EQ(s, Status::kBadSpi);
      } else if (p < h + 8) {
        EXPECT_TRUE(s == Status::kAuthFail || s == Status::kReplay);
      } else {
        EXPECT_EQ(s, Status::kAuthFail);
      }
    }
    EXPECT_EQ(counters(dev(), in).packets, oks);
    EXPECT_EQ(all_drops(dev(), in) - drops_before, non_ok) << "every drop counted exactly once";
    EXPECT_EQ(dev().device_counters().bad_spi - bad_spi_before, spi_drops);
    // The SA still works.
    auto good = decap1(dev(), reference_encap(cfg, inner, len + 1));
    EXPECT_EQ(good.status, Status::kOk);
    EXPECT_EQ(hex(good.bytes), hex(inner));
    EXPECT_EQ(dev().remove_sa(in), Status::kOk);
  }
}

TEST_P(EspConformance, TruncationAtEveryLengthIsDroppedAndCounted) {
  auto variants = all_variants();
  for (std::size_t i = 0; i < variants.size(); ++i) {
    const auto& v = variants[i];
    SCOPED_TRACE(v.name());
    SaConfig cfg = make_sa(v, Direction::kInbound, 0x7100 + static_cast<std::uint32_t>(i));
    SaHandle in = install(dev(), cfg);
    ASSERT_NE(in, driver::kNoSa);
    const Bytes inner = make_icmp(kLocalLan | 3, kPeerLan | 4, 64, static_cast<std::uint16_t>(i));
    const Bytes full = reference_encap(cfg, inner, 1);
    std::vector<Bytes> wire;
    for (std::size_t n = 0; n < full.size(); ++n) {
      Bytes cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
      wire.push_back(cut);  // outer header still claims the full length
      fix_outer_lengths(cut);
      wire.push_back(cut);  // outer header rewritten to match: the ESP parser sees the cut
    }
    const std::uint64_t drops_before = all_drops(dev(), in);
    auto res = decap(dev(), wire);
    for (std::size_t k = 0; k < res.size(); ++k) {
      const Status s = res[k].status;
      EXPECT_TRUE(s == Status::kMalformed || s == Status::kAuthFail)
          << "cut to " << k / 2 << " bytes" << (k % 2 ? " (lengths fixed)" : "") << ": " << status_name(s);
    }
    EXPECT_EQ(all_drops(dev(), in) - drops_before, res.size());
    EXPECT_EQ(counters(dev(), in).packets, 0u);
    auto good = decap1(dev(), full);
    EXPECT_EQ(good.status, Status::kOk);
    EXPECT_EQ(hex(good.bytes), hex(inner));
    EXPECT_EQ(dev().remove_sa(in), Status::kOk);
  }
}

TEST_P(EspConformance, UnknownSpiIsCountedOnTheDeviceAndOthersPass) {
  const SaVariant v{all_transforms()[1], false, false};
  SaConfig known = make_sa(v, Direction::kInbound, 0x7201);
  SaConfig unknown = make_sa(v, Direction::kInbound, 0x7202);
  SaConfig outbound_only = make_sa(v, Direction::kOutbound, 0x7203);
  SaHandle in = install(dev(), known);
  ASSERT_NE(install(dev(), outbound_only), driver::kNoSa);
  const Bytes inner = make_icmp(kLocalLan | 1, kPeerLan | 1, 100, 1);
  SaConfig outbound_as_inbound = outbound_only;
  outbound_as_inbound.direction = Direction::kInbound;
  auto res = decap(dev(), {reference_encap(known, inner, 1), reference_encap(unknown, inner, 1),
                           reference_encap(outbound_as_inbound, inner, 1), reference_encap(known, inner, 2)});
  EXPECT_EQ(res[0].status, Status::kOk);
  EXPECT_EQ(res[1].status, Status::kBadSpi);
  EXPECT_EQ(res[2].status, Status::kBadSpi) << "an outbound SA must never match inbound traffic";
  EXPECT_EQ(res[3].status, Status::kOk);
  EXPECT_EQ(dev().device_counters().bad_spi, 2u);
  EXPECT_EQ(dev().device_counters().malformed, 0u);
  SaCounters c = counters(dev(), in);
  EXPECT_EQ(c.packets, 2u);
  EXPECT_EQ(c.errors(), 0u);
}

TEST_P(EspConformance, BadPaddingUnderAValidIcvIsDroppedAsBadPad) {
  for (const auto& tc : all_transforms()) {
    const SaVariant v{tc, false, false};
    SCOPED_TRACE(v.name());
    SaConfig cfg = make_sa(v, Direction::kInbound, 0x7300 + static_cast<std::uint32_t>(&tc - all_transforms().data()));
    SaHandle in = install(dev(), cfg);
    ASSERT_NE(in, driver::kNoSa);
    const Bytes inner = make_icmp(kLocalLan | 1, kPeerLan | 2, 58, 7);  // 58 + 2 + 4 padding = 64
    EspCraft wrong_bytes;
    wrong_bytes.padding = Bytes{1, 2, 3, 5};
    EspCraft zeros;
    zeros.padding = Bytes{0, 0, 0, 0};
    EspCraft too_long;  // pad length larger than the whole payload
    too_long.padding = Bytes{1, 2, 3, 4};
    too_long.pad_length = 250;
    EspCraft long_valid;  // RFC 4303 2.4: up to 255 bytes of padding are legal
    long_valid.padding = Bytes{};
    for (std::uint8_t k = 1; k <= 36; ++k) long_valid.padding->push_back(k);  // 58 + 36 + 2 = 96
    auto res = decap(dev(), {reference_encap(cfg, inner, 1, wrong_bytes), reference_encap(cfg, inner, 2, zeros),
                             reference_encap(cfg, inner, 3, too_long), reference_encap(cfg, inner, 4, long_valid),
                             reference_encap(cfg, inner, 5)});
    EXPECT_EQ(res[0].status, Status::kBadPad);
    EXPECT_EQ(res[1].status, Status::kBadPad);
    EXPECT_EQ(res[2].status, Status::kBadPad);
    EXPECT_EQ(res[3].status, Status::kOk) << "36 bytes of valid padding";
    EXPECT_EQ(hex(res[3].bytes), hex(inner));
    EXPECT_EQ(res[4].status, Status::kOk);
    SaCounters c = counters(dev(), in);
    EXPECT_EQ(c.pad_fails, 3u);
    EXPECT_EQ(c.packets, 2u);
    EXPECT_EQ(c.errors(), 3u);
  }
}

TEST_P(EspConformance, NextHeaderOtherThanIpv4IsDroppedAsBadNextHeader) {
  for (const auto& tc : all_transforms()) {
    const SaVariant v{tc, false, true};
    SCOPED_TRACE(v.name());
    SaConfig cfg = make_sa(v, Direction::kInbound, 0x7400 + static_cast<std::uint32_t>(&tc - all_transforms().data()));
    SaHandle in = install(dev(), cfg);
    ASSERT_NE(in, driver::kNoSa);
    const Bytes inner = make_icmp(kLocalLan | 1, kPeerLan | 2, 80, 7);
    std::vector<Bytes> wire;
    std::uint64_t seq = 1;
    for (std::uint8_t nh : {41, 59, 0, 6, 17, 255}) {  // IPv6, no-next-header (dummy), HOPOPT, TCP, UDP
      EspCraft craft;
      craft.next_header = nh;
      wire.push_back(reference_encap(cfg, inner, seq++, craft));
    }
    wire.push_back(reference_encap(cfg, inner, seq++));
    auto res = decap(dev(), wire);
    for (std::size_t k = 0; k + 1 < res.size(); ++k) EXPECT_EQ(res[k].status, Status::kBadNextHeader) << "job " << k;
    EXPECT_EQ(res.back().status, Status::kOk);
    SaCounters c = counters(dev(), in);
    EXPECT_EQ(c.pad_fails, res.size() - 1) << "bad next header counts with padding failures (SaCounters)";
    EXPECT_EQ(c.packets, 1u);
    EXPECT_EQ(c.errors(), res.size() - 1);
  }
}

TEST_P(EspConformance, InconsistentInnerHeaderIsDroppedAsMalformedOnTheSa) {
  const SaVariant v{all_transforms()[4], false, false};
  SaConfig cfg = make_sa(v, Direction::kInbound, 0x7501);
  SaHandle in = install(dev(), cfg);
  ASSERT_NE(in, driver::kNoSa);
  Bytes longer = make_icmp(kLocalLan | 1, kPeerLan | 2, 60, 1);
  longer[2] = 0x01;  // total length 300 > the 60 bytes carried
  longer[3] = 0x2C;
  longer[10] = longer[11] = 0;
  std::uint16_t ck = ipv4_checksum(std::span(longer).first(20));
  longer[10] = static_cast<std::uint8_t>(ck >> 8);
  longer[11] = static_cast<std::uint8_t>(ck);
  Bytes not_v4 = make_icmp(kLocalLan | 1, kPeerLan | 2, 60, 2);
  not_v4[0] = 0x65;  // version 6 behind next header 4
  auto res = decap(dev(), {reference_encap(cfg, longer, 1), reference_encap(cfg, not_v4, 2),
                           reference_encap(cfg, make_icmp(kLocalLan | 1, kPeerLan | 2, 60, 3), 3)});
  EXPECT_EQ(res[0].status, Status::kMalformed);
  EXPECT_EQ(res[1].status, Status::kMalformed);
  EXPECT_EQ(res[2].status, Status::kOk);
  SaCounters c = counters(dev(), in);
  EXPECT_EQ(c.other_drops, 2u);
  EXPECT_EQ(c.packets, 1u);
}

TEST_P(EspConformance, MixedBurstChargesEachDropToItsOwnSaAndPassesTheRest) {
  const SaVariant va{all_transforms()[0], false, false};
  const SaVariant vb{all_transforms()[5], true, true};
  const SaVariant vc{all_transforms()[3], false, true};
  SaConfig a = make_sa(va, Direction::kInbound, 0x7701);
  SaConfig b = make_sa(vb, Direction::kInbound, 0x7702);
  SaConfig c = make_sa(vc, Direction::kInbound, 0x7703);
  SaHandle ha = install(dev(), a), hb = install(dev(), b), hc = install(dev(), c);
  ASSERT_TRUE(ha != driver::kNoSa && hb != driver::kNoSa && hc != driver::kNoSa);
  const Bytes inner = make_icmp(kLocalLan | 1, kPeerLan | 2, 90, 1);
  auto flipped = [&](const SaConfig& cfg, std::uint64_t seq) {
    Bytes d = reference_encap(cfg, inner, seq);
    d[d.size() - 1] ^= 0x10;
    return d;
  };
  EspCraft bad_pad;
  bad_pad.padding = Bytes{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4};  // 90+20+2 = 112
  EspCraft bad_nh;
  bad_nh.next_header = 41;
  SaConfig unknown = make_sa(va, Direction::kInbound, 0x77FF);
  const std::vector<Bytes> burst = {
      reference_encap(a, inner, 1),                                  // 0 a ok
      flipped(b, 1),                                                 // 1 b auth-fail
      reference_encap(c, inner, 1),                                  // 2 c ok
      reference_encap(a, inner, 1),                                  // 3 a replay
      reference_encap(b, inner, 2, bad_pad),                         // 4 b bad-pad
      reference_encap(unknown, inner, 1),                            // 5 bad-spi (device)
      reference_encap(c, make_icmp(0x0A636363, kPeerLan | 2, 90, 2), 2),  // 6 c policy-fail
      Bytes{0x45, 0x00, 0x00, 0x14},                                 // 7 malformed (device)
      reference_encap(a, inner, 2, bad_nh),                          // 8 a bad-next-header
      reference_encap(b, inner, 3),                                  // 9 b ok
      reference_encap(c, inner, 3),                                  // 10 c ok
      reference_encap(a, inner, 3),                                  // 11 a ok
  };
  auto res = decap(dev(), burst);
  const std::vector<Status> want = {Status::kOk,       Status::kAuthFail,      Status::kOk,
                                    Status::kReplay,   Status::kBadPad,        Status::kBadSpi,
                                    Status::kPolicyFail, Status::kMalformed,   Status::kBadNextHeader,
                                    Status::kOk,       Status::kOk,            Status::kOk};
  ASSERT_EQ(res.size(), want.size());
  for (std::size_t k = 0; k < res.size(); ++k) {
    EXPECT_EQ(res[k].status, want[k]) << "job " << k;
    if (want[k] == Status::kOk) {
      EXPECT_EQ(hex(res[k].bytes), hex(inner)) << "job " << k;
    }
  }
  EXPECT_EQ(res[0].sa, ha);
  EXPECT_EQ(res[9].sa, hb);
  EXPECT_EQ(res[10].sa, hc);
  SaCounters ca, cb, cc;
  ca.packets = 2, ca.bytes = 180, ca.replay_fails = 1, ca.pad_fails = 1;
  cb.packets = 1, cb.bytes = 90, cb.auth_fails = 1, cb.pad_fails = 1;
  cc.packets = 2, cc.bytes = 180, cc.policy_fails = 1;
  EXPECT_EQ(counters(dev(), ha), ca);
  EXPECT_EQ(counters(dev(), hb), cb);
  EXPECT_EQ(counters(dev(), hc), cc);
  EXPECT_EQ(dev().device_counters().bad_spi, 1u);
  EXPECT_EQ(dev().device_counters().malformed, 1u);
}

TEST_P(EspConformance, OuterHeaderWithOptionsOrFragmentBitsIsNeverMisparsed) {
  const SaVariant v{all_transforms()[4], false, false};
  SaConfig cfg = make_sa(v, Direction::kInbound, 0x7801);
  SaHandle in = install(dev(), cfg);
  ASSERT_NE(in, driver::kNoSa);
  const Bytes inner = make_icmp(kLocalLan | 1, kPeerLan | 2, 120, 1);
  // IHL 6: one word of options (four NOPs) between the outer header and ESP.
  Bytes with_options = reference_encap(cfg, inner, 1);
  with_options.insert(with_options.begin() + 20, {1, 1, 1, 1});
  with_options[0] = 0x46;
  fix_outer_lengths(with_options);
  Bytes first_fragment = reference_encap(cfg, inner, 2);
  first_fragment[6] |= 0x20;  // MF
  fix_outer_lengths(first_fragment);
  Bytes later_fragment = reference_encap(cfg, inner, 3);
  later_fragment[7] = 0x10;  // fragment offset 16 * 8 bytes
  fix_outer_lengths(later_fragment);
  auto res = decap(dev(), {with_options, first_fragment, later_fragment, reference_encap(cfg, inner, 4)});
  EXPECT_TRUE(res[0].status == Status::kOk || res[0].status == Status::kMalformed) << status_name(res[0].status);
  if (res[0].status == Status::kOk) {
    EXPECT_EQ(hex(res[0].bytes), hex(inner)) << "options skipped by IHL";
  }
  // A fragment is not an ESP packet until reassembled (RFC 4303 3.4.1): never decapsulated.
  EXPECT_NE(res[1].status, Status::kOk);
  EXPECT_NE(res[2].status, Status::kOk);
  EXPECT_EQ(res[3].status, Status::kOk);
}

TEST_P(EspConformance, OutboundPacketThatWouldExceed64KiBIsRefusedAsTooBig) {
  const SaVariant v{all_transforms()[1], false, true};
  SaConfig cfg = make_sa(v, Direction::kOutbound, 0x7901);
  SaHandle out = install(dev(), cfg);
  SaConfig in_cfg = make_sa(v, Direction::kInbound, 0x7901);
  SaHandle in = install(dev(), in_cfg);
  ASSERT_TRUE(out != driver::kNoSa && in != driver::kNoSa);
  // 20 + 8 + 8 + 16 + (65440 + 2 + 14) + 16 = 65524 bytes: the largest that fits is fine.
  const Bytes fits = make_icmp(kLocalLan | 1, kPeerLan | 2, 65440, 1);
  const Bytes too_big = make_icmp(kLocalLan | 1, kPeerLan | 2, 65500, 2);
  auto res = encap(dev(), out, {fits, too_big});
  ASSERT_EQ(res[0].status, Status::kOk);
  EXPECT_EQ(res[0].bytes.size(), 65524u);
  EXPECT_EQ(hex(res[0].bytes), hex(reference_encap(cfg, fits, 1)));
  EXPECT_EQ(res[1].status, Status::kTooBig) << "an outer length past 65535 would wrap";
  EXPECT_EQ(counters(dev(), out).other_drops, 1u);
  auto back = decap1(dev(), res[0].bytes);
  ASSERT_EQ(back.status, Status::kOk);
  EXPECT_EQ(back.bytes.size(), fits.size());
  EXPECT_TRUE(back.bytes == fits);
}

TEST_P(EspConformance, OutboundJobThatCannotFitIsRefusedAsTooBig) {
  const SaVariant v{all_transforms()[1], false, true};
  SaHandle out = install(dev(), make_sa(v, Direction::kOutbound, 0x7601));
  ASSERT_NE(out, driver::kNoSa);
  const Bytes inner = make_icmp(kLocalLan | 1, kPeerLan | 2, 100, 1);
  // No headroom in front of the packet.
  Bytes buf = inner;
  buf.resize(inner.size() + driver::kMaxEspOverhead);
  driver::PacketJob no_head;
  no_head.direction = Direction::kOutbound;
  no_head.sa = out;
  no_head.buffer = buf.data();
  no_head.capacity = static_cast<std::uint32_t>(buf.size());
  no_head.offset = 0;
  no_head.length = static_cast<std::uint32_t>(inner.size());
  // No tailroom behind it.
  Bytes buf2(driver::kOutboundHeadroom, 0);
  buf2.insert(buf2.end(), inner.begin(), inner.end());
  driver::PacketJob no_tail = no_head;
  no_tail.buffer = buf2.data();
  no_tail.capacity = static_cast<std::uint32_t>(buf2.size());
  no_tail.offset = driver::kOutboundHeadroom;
  std::vector<driver::PacketJob> jobs = {no_head, no_tail};
  dev().process(jobs);
  EXPECT_EQ(jobs[0].status, Status::kTooBig);
  EXPECT_EQ(jobs[1].status, Status::kTooBig);
  EXPECT_EQ(counters(dev(), out).other_drops, 2u);
  EXPECT_EQ(encap1(dev(), out, inner).status, Status::kOk);
}

}  // namespace
}  // namespace espgw::conformance

// Round trips and exact wire bytes on every backend: each transform x ESN x UDP encapsulation
// (RFC 4303 tunnel mode, RFC 4304, RFC 3948) encapsulates into the bytes the test-side OpenSSL
// encapsulator builds, decapsulates back to the original inner packet, and counts both ways.
#include <gtest/gtest.h>

#include <numeric>

#include "backends.hpp"
#include "esp_reference.hpp"
#include "esp_test_util.hpp"

namespace espgw::conformance {
namespace {

std::uint64_t total_bytes(const std::vector<Bytes>& v) {
  return std::accumulate(v.begin(), v.end(), std::uint64_t{0},
                         [](std::uint64_t a, const Bytes& b) { return a + b.size(); });
}

TEST_P(EspConformance, EveryVariantRoundTripsToTheOriginalInnerPacketAndCountsIt) {
  auto variants = all_variants();
  for (std::size_t i = 0; i < variants.size(); ++i) {
    const auto& v = variants[i];
    SCOPED_TRACE(v.name());
    const std::uint32_t spi = 0x1000 + static_cast<std::uint32_t>(i);
    SaHandle out = install(dev(), make_sa(v, Direction::kOutbound, spi));
    SaHandle in = install(dev(), make_sa(v, Direction::kInbound, spi));
    ASSERT_NE(out, driver::kNoSa);
    ASSERT_NE(in, driver::kNoSa);

    auto inners = inner_mix(18, static_cast<std::uint16_t>(i));
    auto enc = encap(dev(), out, inners);
    std::vector<Bytes> wire;
    for (std::size_t k = 0; k < enc.size(); ++k) {
      ASSERT_EQ(enc[k].status, Status::kOk) << "packet " << k;
      EXPECT_EQ(enc[k].seq, k + 1);
      wire.push_back(enc[k].bytes);
    }
    auto dec = decap(dev(), wire);
    for (std::size_t k = 0; k < dec.size(); ++k) {
      ASSERT_EQ(dec[k].status, Status::kOk) << "packet " << k;
      EXPECT_EQ(dec[k].sa, in);
      EXPECT_EQ(dec[k].seq, k + 1);
      EXPECT_EQ(hex(dec[k].bytes), hex(inners[k])) << "packet " << k;
    }
    SaCounters expect;
    expect.packets = inners.size();
    expect.bytes = total_bytes(inners);
    EXPECT_EQ(counters(dev(), out), expect);
    EXPECT_EQ(counters(dev(), in), expect);
    auto so = dev().read_sa(out);
    auto si = dev().read_sa(in);
    ASSERT_TRUE(so && si);
    EXPECT_EQ(so->seq, inners.size());
    EXPECT_EQ(si->seq, inners.size());
    EXPECT_EQ(so->spi, spi);
    EXPECT_EQ(so->transform, v.tc.transform);
    EXPECT_EQ(so->key_bits, v.tc.enc_key_bytes * 8);
    EXPECT_EQ(so->esn, v.esn);
    EXPECT_EQ(so->udp_encap.has_value(), v.udp);
  }
  EXPECT_EQ(dev().device_counters().bad_spi, 0u);
  EXPECT_EQ(dev().device_counters().malformed, 0u);
}

TEST_P(EspConformance, OutboundBytesEqualTheIndependentOpenSslEncapsulation) {
  auto variants = all_variants();
  for (std::size_t i = 0; i < variants.size(); ++i) {
    const auto& v = variants[i];
    SCOPED_TRACE(v.name());
    SaConfig cfg = make_sa(v, Direction::kOutbound, 0x2000 + static_cast<std::uint32_t>(i));
    // ESN SAs start just below 2^32 so the burst crosses into seq_hi = 1 (RFC 4304).
    if (v.esn) cfg.initial_seq = 0xFFFFFFF8u;
    SaHandle out = install(dev(), cfg);
    ASSERT_NE(out, driver::kNoSa);
    auto inners = inner_mix(18, static_cast<std::uint16_t>(i + 7));
    auto enc = encap(dev(), out, inners);
    for (std::size_t k = 0; k < enc.size(); ++k) {
      ASSERT_EQ(enc[k].status, Status::kOk) << "packet " << k;
      const std::uint64_t seq = cfg.initial_seq + k + 1;
      EXPECT_EQ(enc[k].seq, seq);
      EXPECT_EQ(hex(enc[k].bytes), hex(reference_encap(cfg, inners[k], seq))) << "packet " << k << " seq " << seq;
    }
  }
}

TEST_P(EspConformance, OuterHeaderFollowsTheSaTtlAndDfPolicy) {
  const SaVariant v{all_transforms()[5], false, false};
  const driver::DfPolicy policies[] = {driver::DfPolicy::kCopy, driver::DfPolicy::kSet, driver::DfPolicy::kClear};
  for (std::size_t p = 0; p < 3; ++p) {
    SaConfig cfg = make_sa(v, Direction::kOutbound, 0x2100 + static_cast<std::uint32_t>(p));
    cfg.df = policies[p];
    cfg.ttl = static_cast<std::uint8_t>(200 + p);
    SaHandle out = install(dev(), cfg);
    ASSERT_NE(out, driver::kNoSa);
    const Bytes with_df = make_icmp(kLocalLan | 5, kPeerLan | 6, 100, 1, 0x10, true);
    const Bytes without_df = make_icmp(kLocalLan | 5, kPeerLan | 6, 100, 2, 0x00, false);
    auto enc = encap(dev(), out, {with_df, without_df});
    ASSERT_EQ(enc[0].status, Status::kOk);
    ASSERT_EQ(enc[1].status, Status::kOk);
    EXPECT_EQ(hex(enc[0].bytes), hex(reference_encap(cfg, with_df, 1))) << "policy " << p;
    EXPECT_EQ(hex(enc[1].bytes), hex(reference_encap(cfg, without_df, 2))) << "policy " << p;
    EXPECT_EQ(enc[0].bytes[8], cfg.ttl);
  }
}

TEST_P(EspConformance, InboundAcceptsIndependentlyBuiltPacketsOutOfOrderWithinTheWindow) {
  auto variants = all_variants();
  for (std::size_t i = 0; i < variants.size(); ++i) {
    const auto& v = variants[i];
    SCOPED_TRACE(v.name());
    SaConfig cfg = make_sa(v, Direction::kInbound, 0x2200 + static_cast<std::uint32_t>(i));
    SaHandle in = install(dev(), cfg);
    ASSERT_NE(in, driver::kNoSa);
    auto inners = inner_mix(12, static_cast<std::uint16_t>(i + 3));
    const std::uint64_t seqs[] = {5, 1, 2, 9, 3, 4, 12, 6, 7, 8, 11, 10};
    std::vector<Bytes> wire;
    for (std::size_t k = 0; k < inners.size(); ++k) wire.push_back(reference_encap(cfg, inners[k], seqs[k]));
    auto dec = decap(dev(), wire);
    for (std::size_t k = 0; k < dec.size(); ++k) {
      ASSERT_EQ(dec[k].status, Status::kOk) << "seq " << seqs[k];
      EXPECT_EQ(dec[k].seq, seqs[k]);
      EXPECT_EQ(hex(dec[k].bytes), hex(inners[k]));
    }
    EXPECT_EQ(counters(dev(), in).packets, inners.size());
    EXPECT_EQ(counters(dev(), in).errors(), 0u);
    EXPECT_EQ(dev().read_sa(in)->seq, 12u);
  }
}

TEST_P(EspConformance, InterleavedSasInOneLargeBurstKeepTheirOwnSequenceNumbers) {
  // Four SAs of different transforms, 300 jobs round-robin in one burst each way: batching
  // providers must keep per-SA order and never mix keys or sequence numbers.
  std::vector<SaConfig> out_cfg, in_cfg;
  std::vector<SaHandle> out_h, in_h;
  const SaVariant vs[] = {{all_transforms()[0], false, false},
                          {all_transforms()[5], true, false},
                          {all_transforms()[3], false, true},
                          {all_transforms()[4], false, true}};
  for (std::uint32_t s = 0; s < 4; ++s) {
    out_cfg.push_back(make_sa(vs[s], Direction::kOutbound, 0x2400 + s));
    in_cfg.push_back(make_sa(vs[s], Direction::kInbound, 0x2400 + s));
    out_h.push_back(install(dev(), out_cfg.back()));
    in_h.push_back(install(dev(), in_cfg.back()));
    ASSERT_NE(out_h.back(), driver::kNoSa);
    ASSERT_NE(in_h.back(), driver::kNoSa);
  }
  constexpr std::size_t kJobs = 300;
  auto inners = inner_mix(kJobs, 11);
  std::vector<Bytes> bufs;
  std::vector<driver::PacketJob> jobs;
  bufs.reserve(kJobs);
  for (std::size_t k = 0; k < kJobs; ++k) {
    Bytes& b = bufs.emplace_back(driver::kOutboundHeadroom + inners[k].size() + driver::kMaxEspOverhead, 0);
    std::copy(inners[k].begin(), inners[k].end(), b.begin() + driver::kOutboundHeadroom);
    driver::PacketJob j;
    j.direction = Direction::kOutbound;
    j.sa = out_h[k % 4];
    j.buffer = b.data();
    j.capacity = static_cast<std::uint32_t>(b.size());
    j.offset = driver::kOutboundHeadroom;
    j.length = static_cast<std::uint32_t>(inners[k].size());
    jobs.push_back(j);
  }
  dev().process(jobs);
  std::vector<Bytes> wire;
  for (std::size_t k = 0; k < kJobs; ++k) {
    ASSERT_EQ(jobs[k].status, Status::kOk) << "job " << k;
    const std::uint64_t seq = k / 4 + 1;
    EXPECT_EQ(jobs[k].seq, seq);
    Bytes got(jobs[k].buffer + jobs[k].offset, jobs[k].buffer + jobs[k].offset + jobs[k].length);
    EXPECT_EQ(hex(got), hex(reference_encap(out_cfg[k % 4], inners[k], seq))) << "job " << k;
    wire.push_back(std::move(got));
  }
  auto dec = decap(dev(), wire);
  for (std::size_t k = 0; k < kJobs; ++k) {
    ASSERT_EQ(dec[k].status, Status::kOk) << "job " << k;
    EXPECT_EQ(dec[k].sa, in_h[k % 4]);
    EXPECT_TRUE(dec[k].bytes == inners[k]) << "job " << k;
  }
  for (std::size_t s = 0; s < 4; ++s) {
    EXPECT_EQ(counters(dev(), out_h[s]).packets, kJobs / 4);
    EXPECT_EQ(counters(dev(), in_h[s]).packets, kJobs / 4);
  }
}

TEST_P(EspConformance, TrailingBytesAfterTheOuterDatagramAreIgnoredOrRefusedNeverDecrypted) {
  const SaVariant v{all_transforms()[1], false, false};
  SaConfig cfg = make_sa(v, Direction::kInbound, 0x2501);
  SaHandle in = install(dev(), cfg);
  ASSERT_NE(in, driver::kNoSa);
  const Bytes inner = make_icmp(kLocalLan | 1, kPeerLan | 2, 30, 1);
  Bytes padded = reference_encap(cfg, inner, 1);
  padded.insert(padded.end(), 6, 0);  // as an Ethernet minimum-frame pad would leave
  auto r = decap1(dev(), padded);
  EXPECT_TRUE(r.status == Status::kOk || r.status == Status::kMalformed) << status_name(r.status);
  if (r.status == Status::kOk) {
    EXPECT_EQ(hex(r.bytes), hex(inner)) << "the IPv4 total length bounds the ESP packet";
  }
  EXPECT_EQ(decap1(dev(), reference_encap(cfg, inner, 2)).status, Status::kOk);
}

TEST_P(EspConformance, RemovedSaStopsPassingTrafficAndOthersContinue) {
  const SaVariant v{all_transforms()[0], false, false};
  SaConfig a = make_sa(v, Direction::kInbound, 0x2301);
  SaConfig b = make_sa(v, Direction::kInbound, 0x2302);
  SaHandle ha = install(dev(), a);
  SaHandle hb = install(dev(), b);
  ASSERT_NE(ha, driver::kNoSa);
  ASSERT_NE(hb, driver::kNoSa);
  const Bytes inner = make_icmp(kLocalLan | 1, kPeerLan | 1, 84, 9);
  EXPECT_EQ(dev().remove_sa(ha), Status::kOk);
  EXPECT_FALSE(dev().read_sa(ha).has_value());
  EXPECT_EQ(dev().remove_sa(ha), Status::kBadSa);
  auto dec = decap(dev(), {reference_encap(a, inner, 1), reference_encap(b, inner, 1)});
  EXPECT_EQ(dec[0].status, Status::kBadSpi);
  EXPECT_EQ(dec[1].status, Status::kOk);
  EXPECT_EQ(dev().device_counters().bad_spi, 1u);
  // A job naming a handle with no SA is refused with bad-sa.
  auto enc = encap1(dev(), ha, inner);
  EXPECT_EQ(enc.status, Status::kBadSa);
  // An outbound job on an inbound SA is refused too.
  EXPECT_EQ(encap1(dev(), hb, inner).status, Status::kBadSa);
}

}  // namespace
}  // namespace espgw::conformance

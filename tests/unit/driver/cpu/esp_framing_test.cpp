// ESP framing of the CPU backend, every provider x every transform: outbound bytes equal an
// independent RFC 4303/4106/4304/3948 encapsulation (reference_esp.hpp), outer header fields,
// padding, and outbound -> inbound round trips at every length.
#include <gtest/gtest.h>

#include <tuple>

#include "esp_test_util.hpp"
#include "reference_esp.hpp"

namespace espgw::driver::cpu::test {
namespace {

using Param = std::tuple<std::string, TransformCase>;

class EspFraming : public ::testing::TestWithParam<Param> {
 protected:
  void SetUp() override {
    DeviceOptions o;
    o.provider = std::get<0>(GetParam());
    o.sa_capacity = 64;
    try {
      dev_ = make_device(o);
    } catch (const std::exception& e) {
      GTEST_SKIP() << e.what();
    }
    tc_ = std::get<1>(GetParam());
  }
  SaConfig out_config(bool esn = false) { return make_config(tc_.transform, tc_.enc_key_len, Direction::kOutbound, 0x1000, esn); }
  SaHandle install(const SaConfig& c) {
    auto r = dev_->install_sa(c);
    EXPECT_EQ(r.status, Status::kOk);
    return r.handle;
  }

  std::unique_ptr<EspDevice> dev_;
  TransformCase tc_{};
};

TEST_P(EspFraming, OutboundEqualsReferenceEncapsulationAtEveryLength) {
  SaConfig c = out_config();
  c.ttl = 17;
  const SaHandle h = install(c);
  const std::uint32_t align = c.transform == Transform::kAesGcm16 ? 4 : 16;
  std::uint64_t seq = 0;
  for (std::uint32_t len = 20; len <= 1500; len += (len < 80 ? 1 : 97)) {
    auto inner = make_inner(std::max<std::uint32_t>(len, 28), 0x0A000001, 0x0A010001, 0xB8, len % 2 == 0);
    Packet p = outbound_packet(h, inner);
    dev_->process({&p.job, 1});
    ASSERT_EQ(p.job.status, Status::kOk) << len;
    ++seq;
    EXPECT_EQ(p.job.seq, seq);
    const auto expected = reference_encap(c, seq, esp_plaintext(inner, align), 0xB8, len % 2 == 0);
    ASSERT_EQ(p.bytes(), expected) << "inner length " << inner.size();
  }
}

TEST_P(EspFraming, OuterHeaderFollowsDfPolicyTtlAndIdFromSequence) {
  for (DfPolicy df : {DfPolicy::kCopy, DfPolicy::kSet, DfPolicy::kClear}) {
    SaConfig c = out_config();
    c.df = df;
    c.ttl = 200;
    c.spi = 0x2000 + static_cast<std::uint32_t>(df);
    c.initial_seq = 0x1234FFFE;
    const SaHandle h = install(c);
    for (bool inner_df : {false, true}) {
      Packet p = outbound_packet(h, make_inner(100, 1, 2, 0x2E, inner_df));
      dev_->process({&p.job, 1});
      ASSERT_EQ(p.job.status, Status::kOk);
      const auto b = p.bytes();
      EXPECT_EQ(b[0], 0x45);
      EXPECT_EQ(b[1], 0x2E);  // TOS copied
      EXPECT_EQ((b[2] << 8 | b[3]), static_cast<int>(b.size()));
      EXPECT_EQ((b[4] << 8 | b[5]), static_cast<int>(p.job.seq & 0xFFFF));
      const bool want_df = df == DfPolicy::kSet || (df == DfPolicy::kCopy && inner_df);
      EXPECT_EQ(b[6], want_df ? 0x40 : 0x00);
      EXPECT_EQ(b[8], 200);
      EXPECT_EQ(b[9], 50);
      EXPECT_EQ(ipv4_checksum(b.data(), 20), 0);
      EXPECT_EQ(load32(b, 12), kLocal);
      EXPECT_EQ(load32(b, 16), kRemote);
      EXPECT_EQ(load32(b, 20), c.spi);
      EXPECT_EQ(load32(b, 24), static_cast<std::uint32_t>(p.job.seq));
    }
    EXPECT_EQ(dev_->read_sa(h)->seq, 0x12350000u);
  }
}

TEST_P(EspFraming, UdpEncapsulatedSaWritesRfc3948HeaderAndRoundTrips) {
  SaConfig c = out_config();
  c.udp_encap = UdpEncap{4500, 4501};
  const SaHandle out = install(c);
  const SaHandle in = install(inbound_twin(c));
  auto inner = make_inner(333);
  Packet p = outbound_packet(out, inner);
  dev_->process({&p.job, 1});
  ASSERT_EQ(p.job.status, Status::kOk);
  const std::uint32_t align = c.transform == Transform::kAesGcm16 ? 4 : 16;
  EXPECT_EQ(p.bytes(), reference_encap(c, 1, esp_plaintext(inner, align)));
  const auto b = p.bytes();
  EXPECT_EQ(b[9], 17);
  EXPECT_EQ((b[20] << 8 | b[21]), 4500);
  EXPECT_EQ((b[22] << 8 | b[23]), 4501);
  EXPECT_EQ((b[24] << 8 | b[25]), static_cast<int>(b.size() - 20));
  EXPECT_EQ((b[26] << 8 | b[27]), 0);  // RFC 3948 2.1: checksum zero
  Packet r = inbound_packet(b);
  dev_->process({&r.job, 1});
  ASSERT_EQ(r.job.status, Status::kOk);
  EXPECT_EQ(r.job.sa, in);
  EXPECT_EQ(r.bytes(), inner);
}

TEST_P(EspFraming, RoundTripRecoversEveryInnerPacketInOneBurst) {
  SaConfig c = out_config();
  const SaHandle out = install(c);
  const SaHandle in = install(inbound_twin(c));
  std::vector<Packet> pkts;
  std::vector<std::vector<std::uint8_t>> inners;
  for (std::uint32_t len = 20; len <= 1500; len += 7) {
    inners.push_back(make_inner(std::max<std::uint32_t>(len, 28)));
    pkts.push_back(outbound_packet(out, inners.back()));
  }
  std::vector<PacketJob> jobs;
  for (auto& p : pkts) jobs.push_back(p.job);
  dev_->process(jobs);
  std::vector<Packet> back;
  for (auto& j : jobs) {
    ASSERT_EQ(j.status, Status::kOk);
    back.push_back(inbound_packet({j.buffer + j.offset, j.buffer + j.offset + j.length}));
  }
  jobs.clear();
  for (auto& p : back) jobs.push_back(p.job);
  dev_->process(jobs);
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    ASSERT_EQ(jobs[i].status, Status::kOk) << i;
    EXPECT_EQ(jobs[i].sa, in);
    EXPECT_EQ(jobs[i].seq, i + 1);
    ASSERT_EQ(std::vector<std::uint8_t>(jobs[i].buffer + jobs[i].offset, jobs[i].buffer + jobs[i].offset + jobs[i].length),
              inners[i]);
  }
  const auto so = dev_->read_sa(out);
  const auto si = dev_->read_sa(in);
  EXPECT_EQ(so->counters.packets, inners.size());
  EXPECT_EQ(si->counters.packets, inners.size());
  EXPECT_EQ(si->counters.bytes, so->counters.bytes);
  EXPECT_EQ(si->seq, inners.size());
}

TEST_P(EspFraming, EsnCarriesHighBitsIntoTheIcvAcrossTheWrap) {
  SaConfig c = out_config(true);
  c.initial_seq = 0xFFFFFFFDull;
  const SaHandle out = install(c);
  SaConfig ic = inbound_twin(c);
  ic.initial_seq = 0xFFFFFFF0ull;  // window top carried over
  const SaHandle in = install(ic);
  const std::uint32_t align = c.transform == Transform::kAesGcm16 ? 4 : 16;
  for (std::uint64_t want = 0xFFFFFFFEull; want <= 0x100000002ull; ++want) {
    auto inner = make_inner(90);
    Packet p = outbound_packet(out, inner);
    dev_->process({&p.job, 1});
    ASSERT_EQ(p.job.status, Status::kOk);
    EXPECT_EQ(p.job.seq, want);
    ASSERT_EQ(p.bytes(), reference_encap(c, want, esp_plaintext(inner, align)));
    Packet r = inbound_packet(p.bytes());
    dev_->process({&r.job, 1});
    ASSERT_EQ(r.job.status, Status::kOk) << std::hex << want;
    EXPECT_EQ(r.job.seq, want);
    EXPECT_EQ(r.bytes(), inner);
  }
  EXPECT_EQ(dev_->read_sa(in)->seq, 0x100000002ull);
}

TEST_P(EspFraming, PaddingIsMinimalAndCounts123) {
  SaConfig c = out_config();
  const SaHandle h = install(c);
  const bool gcm = c.transform == Transform::kAesGcm16;
  const std::uint32_t align = gcm ? 4 : 16;
  const std::uint32_t icv = c.transform == Transform::kAesCbcHmacSha1 ? 12 : 16;
  const std::uint32_t iv = gcm ? 8 : 16;
  for (std::uint32_t len = 28; len < 28 + 2 * 16; ++len) {
    Packet p = outbound_packet(h, make_inner(len));
    dev_->process({&p.job, 1});
    ASSERT_EQ(p.job.status, Status::kOk);
    const std::uint32_t cipher = p.job.length - 20 - 8 - iv - icv;
    EXPECT_EQ(cipher % align, 0u);
    EXPECT_LT(cipher - (len + 2), align);  // minimal
  }
}

std::string name_of(const ::testing::TestParamInfo<Param>& info) {
  std::string p = std::get<0>(info.param) == "openssl" ? "OpenSsl" : "IpsecMb";
  return p + "_" + std::get<1>(info.param).name;
}

INSTANTIATE_TEST_SUITE_P(AllProvidersAndTransforms, EspFraming,
                         ::testing::Combine(::testing::ValuesIn(providers_in_build()), ::testing::ValuesIn(all_transforms())),
                         name_of);

}  // namespace
}  // namespace espgw::driver::cpu::test

// Bad input to the CPU backend, every provider x every transform: each drop gets the right
// status, is counted on its SA (or on the device when no SA is known), and leaves the SA and
// its neighbours working. Crafted packets come from reference_esp.hpp with valid ICVs.
#include <gtest/gtest.h>

#include <tuple>

#include "esp_test_util.hpp"
#include "reference_esp.hpp"

namespace espgw::driver::cpu::test {
namespace {

using Param = std::tuple<std::string, TransformCase>;

class EspDrops : public ::testing::TestWithParam<Param> {
 protected:
  void SetUp() override {
    DeviceOptions o;
    o.provider = std::get<0>(GetParam());
    o.sa_capacity = 16;
    try {
      dev_ = make_device(o);
    } catch (const std::exception& e) {
      GTEST_SKIP() << e.what();
    }
    tc_ = std::get<1>(GetParam());
    out_cfg_ = make_config(tc_.transform, tc_.enc_key_len, Direction::kOutbound, 0x5000);
    in_cfg_ = inbound_twin(out_cfg_);
    in_cfg_.selector = {0x0A000000, 0xFFFF0000, 0x0A010000, 0xFFFF0000, 17, 1000, 2000, 80, 80};
    in_ = dev_->install_sa(in_cfg_).handle;
    // A neighbour SA that must never notice the other's drops.
    other_cfg_ = make_config(tc_.transform, tc_.enc_key_len, Direction::kOutbound, 0x6000);
    other_in_ = dev_->install_sa(inbound_twin(other_cfg_)).handle;
    ASSERT_NE(in_, kNoSa);
    ASSERT_NE(other_in_, kNoSa);
    align_ = tc_.transform == Transform::kAesGcm16 ? 4 : 16;
  }

  Status receive(const std::vector<std::uint8_t>& datagram, std::vector<std::uint8_t>* inner = nullptr) {
    Packet p = inbound_packet(datagram);
    dev_->process({&p.job, 1});
    if (inner && p.job.status == Status::kOk) *inner = p.bytes();
    return p.job.status;
  }
  std::vector<std::uint8_t> good(std::uint64_t seq, std::uint32_t len = 100) {
    return reference_encap(out_cfg_, seq, esp_plaintext(make_inner(len, 0x0A000005, 0x0A010007), align_));
  }
  void expect_neighbour_unharmed() {
    auto pkt = reference_encap(other_cfg_, 1, esp_plaintext(make_inner(60), align_));
    EXPECT_EQ(receive(pkt), Status::kOk);
    EXPECT_EQ(dev_->read_sa(other_in_)->counters.errors(), 0u);
  }

  std::unique_ptr<EspDevice> dev_;
  TransformCase tc_{};
  SaConfig out_cfg_, in_cfg_, other_cfg_;
  SaHandle in_ = kNoSa, other_in_ = kNoSa;
  std::uint32_t align_ = 16;
};

TEST_P(EspDrops, DuplicateAndTooOldAreReplaysAndWindowEdgeIsAccepted) {
  EXPECT_EQ(receive(good(200)), Status::kOk);
  EXPECT_EQ(receive(good(200)), Status::kReplay);    // duplicate
  EXPECT_EQ(receive(good(136)), Status::kReplay);    // 200 - 64: just outside
  EXPECT_EQ(receive(good(137)), Status::kOk);        // oldest inside the window
  EXPECT_EQ(receive(good(137)), Status::kReplay);
  EXPECT_EQ(receive(good(150)), Status::kOk);        // a hole inside the window
  const auto s = dev_->read_sa(in_);
  EXPECT_EQ(s->counters.replay_fails, 3u);
  EXPECT_EQ(s->counters.packets, 3u);
  EXPECT_EQ(s->seq, 200u);
  expect_neighbour_unharmed();
}

TEST_P(EspDrops, ForgedPacketDoesNotMoveTheWindow) {
  auto forged = good(1000);
  forged[forged.size() - 1] ^= 0x80;  // ICV
  EXPECT_EQ(receive(forged), Status::kAuthFail);
  EXPECT_EQ(dev_->read_sa(in_)->seq, 0u);
  EXPECT_EQ(receive(good(5)), Status::kOk);  // would be too old had the forgery moved it
}

TEST_P(EspDrops, EveryFlippedBitIsDroppedAndCountedWhereItBelongs) {
  const auto pkt = good(7, 77);
  std::uint64_t dropped_on_sa = 0;
  for (std::size_t bit = 0; bit < pkt.size() * 8; ++bit) {
    auto bad = pkt;
    bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    const Status s = receive(bad);
    ASSERT_NE(s, Status::kOk) << "bit " << bit;
    if (s != Status::kMalformed && s != Status::kBadSpi) ++dropped_on_sa;
  }
  const auto st = dev_->read_sa(in_);
  EXPECT_EQ(st->counters.errors(), dropped_on_sa);
  EXPECT_EQ(st->counters.packets, 0u);
  const auto dc = dev_->device_counters();
  EXPECT_GT(dc.malformed, 0u);  // outer header bits break its checksum
  EXPECT_GT(dc.bad_spi, 0u);    // SPI bits name no SA
  EXPECT_EQ(receive(pkt), Status::kOk);  // the genuine packet still gets through
  expect_neighbour_unharmed();
}

TEST_P(EspDrops, TruncationAtEveryLengthIsDropped) {
  const auto pkt = good(3, 64);
  for (std::size_t len = 0; len < pkt.size(); ++len) {
    std::vector<std::uint8_t> cut(pkt.begin(), pkt.begin() + len);
    EXPECT_NE(receive(cut), Status::kOk) << len;
  }
  // Also a datagram whose IPv4 total length claims more than the buffer holds.
  auto lying = pkt;
  lying.pop_back();
  EXPECT_EQ(receive(lying), Status::kMalformed);
  EXPECT_EQ(receive(pkt), Status::kOk);
}

TEST_P(EspDrops, BadPaddingBytesAndLengthAreBadPad) {
  auto pt = esp_plaintext(make_inner(100, 0x0A000005, 0x0A010007), align_);
  const std::uint8_t pad_len = pt[pt.size() - 2];
  if (pad_len >= 2) {
    auto bad = pt;
    bad[bad.size() - 3] ^= 0xFF;  // last padding byte
    EXPECT_EQ(receive(reference_encap(out_cfg_, 1, bad)), Status::kBadPad);
  }
  auto too_long = pt;
  too_long[too_long.size() - 2] = 0xFF;  // pad length beyond the payload
  EXPECT_EQ(receive(reference_encap(out_cfg_, 2, too_long)), Status::kBadPad);
  // Non-minimal but well-formed padding (RFC 4303 allows up to 255) is accepted.
  auto inner = make_inner(100, 0x0A000005, 0x0A010007);
  std::vector<std::uint8_t> extra = inner;
  const std::uint32_t pad = (align_ - (inner.size() + 2) % align_) % align_ + 2 * align_;
  for (std::uint32_t i = 1; i <= pad; ++i) extra.push_back(static_cast<std::uint8_t>(i));
  extra.push_back(static_cast<std::uint8_t>(pad));
  extra.push_back(4);
  std::vector<std::uint8_t> got;
  EXPECT_EQ(receive(reference_encap(out_cfg_, 3, extra), &got), Status::kOk);
  EXPECT_EQ(got, inner);
  EXPECT_EQ(dev_->read_sa(in_)->counters.pad_fails, pad_len >= 2 ? 2u : 1u);
}

TEST_P(EspDrops, NextHeaderOtherThanIpv4IsRefused) {
  auto inner = make_inner(100, 0x0A000005, 0x0A010007);
  EXPECT_EQ(receive(reference_encap(out_cfg_, 1, esp_plaintext(inner, align_, 41))), Status::kBadNextHeader);
  EXPECT_EQ(receive(reference_encap(out_cfg_, 2, esp_plaintext(inner, align_, 59))), Status::kBadNextHeader);
  EXPECT_EQ(dev_->read_sa(in_)->counters.pad_fails, 2u);
}

TEST_P(EspDrops, InnerPacketOutsideTheSelectorsIsAPolicyFail) {
  const std::uint8_t kUdp = 17;
  struct Case {
    std::uint32_t src, dst;
    std::uint16_t sport, dport;
    Status want;
  } cases[] = {
      {0x0A000005, 0x0A010007, 1500, 80, Status::kOk},
      {0x0B000005, 0x0A010007, 1500, 80, Status::kPolicyFail},  // source network
      {0x0A000005, 0x0A020007, 1500, 80, Status::kPolicyFail},  // destination network
      {0x0A000005, 0x0A010007, 999, 80, Status::kPolicyFail},   // source port below range
      {0x0A000005, 0x0A010007, 2001, 80, Status::kPolicyFail},  // above
      {0x0A000005, 0x0A010007, 1000, 81, Status::kPolicyFail},  // destination port
  };
  std::uint64_t seq = 0;
  for (const Case& c : cases) {
    auto inner = make_inner(64, c.src, c.dst, 0, false, c.sport, c.dport);
    ASSERT_EQ(inner[9], kUdp);
    EXPECT_EQ(receive(reference_encap(out_cfg_, ++seq, esp_plaintext(inner, align_))), c.want) << seq;
  }
  auto tcp = make_inner(64, 0x0A000005, 0x0A010007, 0, false, 1500, 80);
  tcp[9] = 6;  // protocol mismatch (checksum left stale on purpose: the inner header is not ours to check)
  EXPECT_EQ(receive(reference_encap(out_cfg_, ++seq, esp_plaintext(tcp, align_))), Status::kPolicyFail);
  EXPECT_EQ(dev_->read_sa(in_)->counters.policy_fails, 6u);
}

TEST_P(EspDrops, InnerHeaderMustBeIpv4AndTfcPaddingIsTrimmed) {
  auto inner = make_inner(80, 0x0A000005, 0x0A010007);
  auto v6 = inner;
  v6[0] = 0x60;
  EXPECT_EQ(receive(reference_encap(out_cfg_, 1, esp_plaintext(v6, align_))), Status::kMalformed);
  auto longer = inner;
  longer[3] = 81;  // claims one byte more than carried
  EXPECT_EQ(receive(reference_encap(out_cfg_, 2, esp_plaintext(longer, align_))), Status::kMalformed);
  auto tfc = inner;
  tfc.insert(tfc.end(), 23, 0);  // RFC 4303 2.7 TFC padding after the datagram
  std::vector<std::uint8_t> got;
  EXPECT_EQ(receive(reference_encap(out_cfg_, 3, esp_plaintext(tfc, align_)), &got), Status::kOk);
  EXPECT_EQ(got, inner);
}

TEST_P(EspDrops, UnknownSpiAndNonEspUdpAreCountedOnTheDevice) {
  SaConfig stranger = out_cfg_;
  stranger.spi = 0x7777;
  EXPECT_EQ(receive(reference_encap(stranger, 1, esp_plaintext(make_inner(50), align_))), Status::kBadSpi);
  // RFC 3948: UDP payload starting with a zero "SPI" is IKE (non-ESP marker).
  SaConfig udp = out_cfg_;
  udp.udp_encap = UdpEncap{};
  auto pkt = reference_encap(udp, 1, esp_plaintext(make_inner(50), align_));
  for (int i = 28; i < 32; ++i) pkt[i] = 0;
  EXPECT_EQ(receive(pkt), Status::kMalformed);
  // A 1-byte NAT keepalive (0xFF).
  std::vector<std::uint8_t> ka = {0x45, 0, 0, 29, 0, 0, 0, 0, 64, 17, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8,
                                  0x11, 0x94, 0x11, 0x94, 0, 9, 0, 0, 0xFF};
  const std::uint16_t c = ipv4_checksum(ka.data(), 20);
  ka[10] = static_cast<std::uint8_t>(c >> 8);
  ka[11] = static_cast<std::uint8_t>(c);
  EXPECT_EQ(receive(ka), Status::kMalformed);
  const auto dc = dev_->device_counters();
  EXPECT_EQ(dc.bad_spi, 1u);
  EXPECT_EQ(dc.malformed, 2u);
  EXPECT_EQ(dev_->read_sa(in_)->counters.errors(), 0u);
}

std::string name_of(const ::testing::TestParamInfo<Param>& info) {
  std::string p = std::get<0>(info.param) == "openssl" ? "OpenSsl" : "IpsecMb";
  return p + "_" + std::get<1>(info.param).name;
}

INSTANTIATE_TEST_SUITE_P(AllProvidersAndTransforms, EspDrops,
                         ::testing::Combine(::testing::ValuesIn(providers_in_build()), ::testing::ValuesIn(all_transforms())),
                         name_of);

}  // namespace
}  // namespace espgw::driver::cpu::test

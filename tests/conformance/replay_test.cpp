// Anti-replay (RFC 4303 3.4.3 and Appendix A, RFC 4304 ESN): duplicates, packets left of the
// window, both window edges at 64 and 4096, window jumps, the ESN high-half inference across
// 2^32, ordering inside one burst, and that a drop on one SA disturbs no other SA.
#include <gtest/gtest.h>

#include "backends.hpp"
#include "esp_reference.hpp"
#include "esp_test_util.hpp"

namespace espgw::conformance {
namespace {

class Replay {
 public:
  Replay(EspDevice& dev, const SaVariant& v, std::uint32_t spi, std::uint32_t window) : dev_(dev) {
    cfg_ = make_sa(v, Direction::kInbound, spi);
    cfg_.replay_window = window;
    handle_ = install(dev, cfg_);
  }
  Bytes packet(std::uint64_t seq) const {
    return reference_encap(cfg_, make_icmp(kLocalLan | 9, kPeerLan | 9, 60 + seq % 50, static_cast<std::uint16_t>(seq)),
                           seq);
  }
  // Sends one burst of sequence numbers, returns the statuses.
  std::vector<Status> send(const std::vector<std::uint64_t>& seqs) {
    std::vector<Bytes> wire;
    for (auto s : seqs) wire.push_back(packet(s));
    std::vector<Status> out;
    for (const auto& r : decap(dev_, wire)) {
      out.push_back(r.status);
      if (r.status == Status::kOk) ++ok_;
    }
    return out;
  }
  Status send1(std::uint64_t seq) { return send({seq}).front(); }
  SaCounters counters() const { return conformance::counters(dev_, handle_); }
  std::uint64_t top() const { return dev_.read_sa(handle_)->seq; }
  SaHandle handle() const { return handle_; }
  const SaConfig& config() const { return cfg_; }

 private:
  EspDevice& dev_;
  SaConfig cfg_;
  SaHandle handle_ = driver::kNoSa;
  std::uint64_t ok_ = 0;
};

const SaVariant kCbc{all_transforms()[1], false, false};
const SaVariant kGcm{all_transforms()[5], false, false};
const SaVariant kCbcEsn{all_transforms()[0], true, false};
const SaVariant kGcmEsn{all_transforms()[4], true, true};

TEST_P(EspConformance, DuplicateIsDroppedAsReplayAndCounted) {
  for (const auto& v : {kCbc, kGcm}) {
    SCOPED_TRACE(v.name());
    Replay r(dev(), v, v.tc.transform == Transform::kAesGcm16 ? 0x6001 : 0x6002, 64);
    EXPECT_EQ(r.send({1, 2, 3, 4, 5}), std::vector<Status>(5, Status::kOk));
    EXPECT_EQ(r.send1(3), Status::kReplay);
    EXPECT_EQ(r.send1(5), Status::kReplay);
    EXPECT_EQ(r.send1(6), Status::kOk);
    SaCounters c = r.counters();
    EXPECT_EQ(c.packets, 6u);
    EXPECT_EQ(c.replay_fails, 2u);
    EXPECT_EQ(c.errors(), 2u);
  }
}

TEST_P(EspConformance, Window64AcceptsItsLeftEdgeAndDropsOneBeyond) {
  Replay r(dev(), kCbc, 0x6010, 64);
  EXPECT_EQ(r.send1(100), Status::kOk);
  EXPECT_EQ(r.send1(37), Status::kOk);      // 100 - 63: the oldest the window holds
  EXPECT_EQ(r.send1(36), Status::kReplay);  // left of the window: too old
  EXPECT_EQ(r.send1(37), Status::kReplay);  // seen
  EXPECT_EQ(r.send1(99), Status::kOk);
  EXPECT_EQ(r.send1(101), Status::kOk);  // slides the window by one
  EXPECT_EQ(r.send1(38), Status::kOk);   // the new left edge, never seen
  EXPECT_EQ(r.send1(37), Status::kReplay);
  EXPECT_EQ(r.top(), 101u);
  SaCounters c = r.counters();
  EXPECT_EQ(c.packets, 5u);
  EXPECT_EQ(c.replay_fails, 3u);
  EXPECT_EQ(c.auth_fails, 0u);
}

TEST_P(EspConformance, Window4096AcceptsItsLeftEdgeAndForgetsAcrossLargeJumps) {
  Replay r(dev(), kGcm, 0x6020, 4096);
  ASSERT_NE(r.handle(), driver::kNoSa);
  EXPECT_EQ(dev().read_sa(r.handle())->replay_window, 4096u);
  EXPECT_EQ(r.send1(5000), Status::kOk);
  EXPECT_EQ(r.send1(905), Status::kOk);  // 5000 - 4095
  EXPECT_EQ(r.send1(904), Status::kReplay);
  EXPECT_EQ(r.send1(5000), Status::kReplay);
  EXPECT_EQ(r.send1(9095), Status::kOk);    // jump: 5000 becomes the left edge
  EXPECT_EQ(r.send1(5000), Status::kReplay);  // still remembered at the edge
  EXPECT_EQ(r.send1(5001), Status::kOk);
  EXPECT_EQ(r.send1(4999), Status::kReplay);
  EXPECT_EQ(r.send1(100000), Status::kOk);  // a jump far beyond the window clears it
  EXPECT_EQ(r.send1(95905), Status::kOk);
  EXPECT_EQ(r.send1(95904), Status::kReplay);
  SaCounters c = r.counters();
  EXPECT_EQ(c.packets, 6u);
  EXPECT_EQ(c.replay_fails, 5u);
}

TEST_P(EspConformance, WindowSizesOutsideTheDeviceLimitAreRefusedAtInstall) {
  SaConfig cfg = make_sa(kCbc, Direction::kInbound, 0x6030);
  cfg.replay_window = regmap::kReplayWindowMax + 1;
  EXPECT_EQ(dev().install_sa(cfg).status, Status::kInvalidConfig);
  EXPECT_EQ(dev().info().max_replay_window, regmap::kReplayWindowMax);
}

TEST_P(EspConformance, DisabledWindowAcceptsDuplicates) {
  Replay r(dev(), kCbc, 0x6040, 0);
  EXPECT_EQ(r.send({7, 7, 3}), (std::vector<Status>{Status::kOk, Status::kOk, Status::kOk}));
  EXPECT_EQ(r.counters().replay_fails, 0u);
}

TEST_P(EspConformance, OrderInsideOneBurstIsHonouredAndFailedIcvsNeverMoveTheWindow) {
  Replay r(dev(), kGcm, 0x6050, 64);
  // The same packet twice in one burst: the second is a replay of the first.
  EXPECT_EQ(r.send({10, 10, 11}), (std::vector<Status>{Status::kOk, Status::kReplay, Status::kOk}));
  // A forged packet at 20 (bad ICV) first, then the genuine 20: the forgery must not mark 20 seen.
  Bytes forged = r.packet(20);
  forged.back() ^= 0x80;
  auto res = decap(dev(), {forged, r.packet(20), r.packet(20)});
  EXPECT_EQ(res[0].status, Status::kAuthFail);
  EXPECT_EQ(res[1].status, Status::kOk);
  EXPECT_EQ(res[2].status, Status::kReplay);
  // A forged packet far ahead must not slide the window either: 12 is still accepted after it.
  Bytes far = r.packet(1000000);
  far[far.size() - 30] ^= 0x01;
  EXPECT_EQ(decap1(dev(), far).status, Status::kAuthFail);
  EXPECT_EQ(r.send1(12), Status::kOk);
  EXPECT_EQ(r.top(), 20u);
  SaCounters c = r.counters();
  EXPECT_EQ(c.packets, 4u);
  EXPECT_EQ(c.replay_fails, 2u);
  EXPECT_EQ(c.auth_fails, 2u);
}

TEST_P(EspConformance, EsnInfersTheHighHalfAcrossTheWrapBothWays) {
  for (const auto& v : {kCbcEsn, kGcmEsn}) {
    SCOPED_TRACE(v.name());
    Replay r(dev(), v, v.tc.transform == Transform::kAesGcm16 ? 0x6061 : 0x6062, 64);
    const std::uint64_t kWrap = 1ull << 32;
    EXPECT_EQ(r.send1(3), Status::kOk);
    EXPECT_EQ(r.send1(0x80000000u), Status::kOk);  // jump within the same high half
    EXPECT_EQ(r.send1(0xFFFFFFF0u), Status::kOk);
    EXPECT_EQ(r.send1(kWrap + 2), Status::kOk);          // low half wrapped: high half inferred as 1
    EXPECT_EQ(r.top(), kWrap + 2);
    EXPECT_EQ(r.send1(0xFFFFFFF5u), Status::kOk);        // late, from before the wrap, inside the window
    EXPECT_EQ(r.send1(0xFFFFFFF0u), Status::kReplay);    // duplicate from before the wrap
    EXPECT_EQ(r.send1(kWrap + 2), Status::kReplay);      // duplicate after the wrap
    EXPECT_EQ(r.send1(kWrap + 0), Status::kOk);          // low half 0 is a valid ESN sequence number
    // Sent with high half 0 but too old for the window: the receiver infers high half 1 (RFC
    // 4303 A2.2), so the ICV cannot verify.
    EXPECT_EQ(r.send1(0xFFFFFF00u), Status::kAuthFail);
    EXPECT_EQ(r.send1(kWrap + 3), Status::kOk);
    SaCounters c = r.counters();
    EXPECT_EQ(c.packets, 7u);
    EXPECT_EQ(c.replay_fails, 2u);
    EXPECT_EQ(c.auth_fails, 1u);
  }
}

TEST_P(EspConformance, WithoutEsnSequenceNumberZeroIsNeverAccepted) {
  Replay r(dev(), kCbc, 0x6070, 64);
  EXPECT_EQ(r.send1(1), Status::kOk);
  EXPECT_EQ(r.send1(0), Status::kReplay);
  EXPECT_EQ(r.counters().replay_fails, 1u);
}

TEST_P(EspConformance, ReplayDropsOnOneSaLeaveAnotherSaUntouched) {
  Replay a(dev(), kCbc, 0x6081, 64);
  Replay b(dev(), kGcm, 0x6082, 64);
  std::vector<Bytes> burst = {a.packet(1), b.packet(1), a.packet(1), b.packet(2), a.packet(2), b.packet(1)};
  auto res = decap(dev(), burst);
  const std::vector<Status> want = {Status::kOk, Status::kOk, Status::kReplay, Status::kOk, Status::kOk, Status::kReplay};
  for (std::size_t k = 0; k < res.size(); ++k) EXPECT_EQ(res[k].status, want[k]) << "job " << k;
  EXPECT_EQ(res[0].sa, a.handle());
  EXPECT_EQ(res[1].sa, b.handle());
  SaCounters ca = a.counters(), cb = b.counters();
  EXPECT_EQ(ca.packets, 2u);
  EXPECT_EQ(ca.replay_fails, 1u);
  EXPECT_EQ(cb.packets, 2u);
  EXPECT_EQ(cb.replay_fails, 1u);
  EXPECT_EQ(dev().device_counters().bad_spi, 0u);
}

}  // namespace
}  // namespace espgw::conformance

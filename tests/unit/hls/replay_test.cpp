// hls/replay.cpp: the anti-replay window and ESN inference of RFC 4303 Appendix A.
#include "hls/replay.hpp"

#include <gtest/gtest.h>

namespace espgw::hls {
namespace {

TEST(HlsReplay, AcceptsNewRejectsDuplicatesAndTooOld) {
  ReplayBits bits{};
  std::uint64_t top = 0;
  const std::uint32_t window = 64;
  for (std::uint64_t s : {1u, 2u, 5u, 3u}) {
    ASSERT_TRUE(replay_check(bits, top, window, s)) << s;
    top = replay_update(bits, top, window, s);
  }
  EXPECT_EQ(top, 5u);
  EXPECT_FALSE(replay_check(bits, top, window, 3));  // duplicate
  EXPECT_TRUE(replay_check(bits, top, window, 4));   // inside, unseen
  top = replay_update(bits, top, window, 100);
  EXPECT_FALSE(replay_check(bits, top, window, 36));  // 100 - 36 = 64: left of the window
  EXPECT_TRUE(replay_check(bits, top, window, 37));
  EXPECT_FALSE(replay_check(bits, top, window, 100));
}

TEST(HlsReplay, LargeJumpClearsOldBitsInTheRing) {
  ReplayBits bits{};
  std::uint64_t top = replay_update(bits, 0, 4096, 10);
  top = replay_update(bits, top, 4096, 10 + 4096);  // same ring position as 10
  EXPECT_EQ(top, 4106u);
  EXPECT_FALSE(replay_check(bits, top, 4096, 10));    // left of the window now
  EXPECT_TRUE(replay_check(bits, top, 4096, 4105));   // cleared by the advance
  EXPECT_FALSE(replay_check(bits, top, 4096, 4106));
}

TEST(HlsReplay, WindowZeroDisablesTheCheck) {
  ReplayBits bits{};
  std::uint64_t top = replay_update(bits, 0, 0, 7);
  EXPECT_TRUE(replay_check(bits, top, 0, 7));
  EXPECT_TRUE(replay_check(bits, top, 0, 1));
}

TEST(HlsReplay, EsnInferenceFollowsRfc4303AppendixA2) {
  // Case A (Tl >= W - 1): seq_lo below the window bottom belongs to the next subspace.
  const std::uint64_t top = (std::uint64_t{3} << 32) | 1000;
  EXPECT_EQ(replay_infer_seq(top, 64, true, 990), (std::uint64_t{3} << 32) | 990);
  EXPECT_EQ(replay_infer_seq(top, 64, true, 5), (std::uint64_t{4} << 32) | 5);
  // Case B (Tl < W - 1): the window spans the subspace boundary.
  const std::uint64_t low = (std::uint64_t{3} << 32) | 10;
  EXPECT_EQ(replay_infer_seq(low, 64, true, 0xFFFFFFF0u), (std::uint64_t{2} << 32) | 0xFFFFFFF0u);
  EXPECT_EQ(replay_infer_seq(low, 64, true, 20), (std::uint64_t{3} << 32) | 20);
  // Without ESN the low half is the sequence number.
  EXPECT_EQ(replay_infer_seq(top, 64, false, 5), 5u);
}

}  // namespace
}  // namespace espgw::hls

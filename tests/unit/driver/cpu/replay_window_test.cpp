// The anti-replay window on its own (RFC 4303 3.4.3 and Appendix A, RFC 6479 bitmap):
// duplicates, too-old numbers, both window edges, the largest window, big jumps, and ESN
// high-bit inference across the 2^32 wrap.
#include "replay_window.hpp"

#include <gtest/gtest.h>

namespace espgw::driver::cpu {
namespace {

TEST(ReplayWindow, RefusesZeroDuplicatesAndNumbersLeftOfTheWindow) {
  ReplayWindow w(64, false);
  EXPECT_FALSE(w.check(0));
  EXPECT_TRUE(w.update(1));
  EXPECT_FALSE(w.check(1));
  EXPECT_TRUE(w.update(100));
  EXPECT_EQ(w.top(), 100u);
  EXPECT_FALSE(w.check(36));  // 100 - 64
  EXPECT_TRUE(w.check(37));   // left edge, inside
  EXPECT_TRUE(w.update(37));
  EXPECT_FALSE(w.update(37));
  EXPECT_TRUE(w.update(99));
  EXPECT_FALSE(w.check(100));  // right edge = top, seen
  EXPECT_TRUE(w.check(101));
}

TEST(ReplayWindow, EveryNumberInsideTheWindowIsAcceptedExactlyOnceInAnyOrder) {
  for (std::uint32_t size : {32u, 64u, 100u, 1024u, 4096u}) {
    ReplayWindow w(size, false);
    const std::uint64_t top = 10 * size + 17;
    ASSERT_TRUE(w.update(top));
    // Descending from the top, then ascending again: every one once.
    for (std::uint64_t s = top - 1; s > top - size; --s) ASSERT_TRUE(w.update(s)) << size << " " << s;
    for (std::uint64_t s = top - size + 1; s <= top; ++s) ASSERT_FALSE(w.check(s)) << size << " " << s;
    EXPECT_FALSE(w.check(top - size));
  }
}

TEST(ReplayWindow, SlidingFarForwardForgetsOldBitsButNotNewOnes) {
  ReplayWindow w(4096, false);
  for (std::uint64_t s = 1; s <= 5000; s += 3) ASSERT_TRUE(w.update(s));
  ASSERT_TRUE(w.update(1'000'000));  // jump past the whole ring
  EXPECT_TRUE(w.check(1'000'000 - 4095));
  EXPECT_FALSE(w.check(1'000'000 - 4096));
  for (std::uint64_t s = 1'000'000 - 4095; s < 1'000'000; s += 61) EXPECT_TRUE(w.check(s)) << s;
  // A jump of less than the ring keeps the bits still inside the window.
  ASSERT_TRUE(w.update(1'000'000 - 10));
  ASSERT_TRUE(w.update(1'000'000 + 100));
  EXPECT_FALSE(w.check(1'000'000 - 10));
  EXPECT_TRUE(w.check(1'000'000 - 11));
}

TEST(ReplayWindow, DisabledWindowAcceptsRepeatsButNeverZero) {
  ReplayWindow w(0, false);
  EXPECT_TRUE(w.update(5));
  EXPECT_TRUE(w.update(5));
  EXPECT_TRUE(w.update(1));
  EXPECT_FALSE(w.check(0));
  EXPECT_EQ(w.top(), 5u);
}

TEST(ReplayWindow, EsnInfersTheHighHalfOnBothSidesOfTheWrap) {
  ReplayWindow w(64, true, 0xFFFFFFF0ull);
  std::uint64_t s = 0;
  ASSERT_TRUE(w.infer(0xFFFFFFF5u, &s));  // case A, same subspace
  EXPECT_EQ(s, 0xFFFFFFF5ull);
  ASSERT_TRUE(w.infer(0x00000003u, &s));  // below the window bottom: the next subspace
  EXPECT_EQ(s, 0x100000003ull);
  ASSERT_TRUE(w.update(s));
  EXPECT_EQ(w.top(), 0x100000003ull);
  // Now Tl = 3 < W - 1: case B. A low half near 2^32 is from the previous subspace.
  ASSERT_TRUE(w.infer(0xFFFFFFF8u, &s));
  EXPECT_EQ(s, 0xFFFFFFF8ull);
  EXPECT_TRUE(w.check(s));
  // Left of the window's bottom in the previous subspace reads as far ahead in the current
  // one (Appendix A); only the ICV, computed over the wrong seq_hi, will refuse it.
  ASSERT_TRUE(w.infer(0xFFFFFF00u, &s));
  EXPECT_EQ(s, 0x1FFFFFF00ull);
  ASSERT_TRUE(w.infer(0x00000002u, &s));
  EXPECT_EQ(s, 0x100000002ull);
  EXPECT_TRUE(w.check(s));
  ASSERT_TRUE(w.infer(0x00000100u, &s));
  EXPECT_EQ(s, 0x100000100ull);
}

TEST(ReplayWindow, EsnBelowSubspaceZeroIsNotInferred) {
  ReplayWindow w(64, true);
  ASSERT_TRUE(w.update(10));
  std::uint64_t s = 0;
  EXPECT_FALSE(w.infer(0xFFFFFFF0u, &s));  // would be subspace -1
  ASSERT_TRUE(w.infer(5, &s));
  EXPECT_EQ(s, 5u);
}

TEST(ReplayWindow, CarriedOverTopRefusesEverythingAtOrBelowIt) {
  ReplayWindow w(64, false, 1000);
  EXPECT_FALSE(w.check(1000));
  EXPECT_FALSE(w.check(990));
  EXPECT_TRUE(w.check(1001));
  EXPECT_TRUE(w.update(1001));
  EXPECT_FALSE(w.check(999));
}

}  // namespace
}  // namespace espgw::driver::cpu

// hls/ghash.cpp: GF(2^128) multiplication and GHASH against SP 800-38D (the GCM spec's
// test case 2 hash subkey and GHASH value) and algebraic identities.
#include "hls/ghash.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace espgw::hls {
namespace {

using test::unhex;

TEST(HlsGhash, MatchesGcmSpecTestCase2) {
  // McGrew & Viega GCM spec test case 2: K = 0^128, P = 0^128, IV = 0^96, so
  // H = 66e94bd4ef8a2c3b884cfa59ca342b2e and C = 0388dace60b6a392f328c2b971b2fe78; the spec
  // lists X1 = C * H, and GHASH xor E(K, Y0) = 58e2fcce... gives its tag ab6e47d4....
  const auto h = unhex("66e94bd4ef8a2c3b884cfa59ca342b2e");
  const auto c = unhex("0388dace60b6a392f328c2b971b2fe78");
  Ghash g;
  ghash_init(g, block_from_bytes(h.data()));
  ghash_block(g, c.data(), 16);
  std::uint8_t out[16];
  block_to_bytes(g.y, out);
  EXPECT_EQ(std::vector<std::uint8_t>(out, out + 16), unhex("5e2ec746917062882c85b0685353deb7"));
  // Then the length block len(A) = 0 || len(C) = 128.
  const auto lens = unhex("00000000000000000000000000000080");
  ghash_block(g, lens.data(), 16);
  block_to_bytes(g.y, out);
  EXPECT_EQ(std::vector<std::uint8_t>(out, out + 16), unhex("f38cbb1ad69223dcc3457ae5b6b0f885"));
  const auto ek_y0 = unhex("58e2fccefa7e3061367f1d57a4e7455a");
  for (int i = 0; i < 16; ++i) out[i] ^= ek_y0[i];
  EXPECT_EQ(std::vector<std::uint8_t>(out, out + 16), unhex("ab6e47d42cec13bdf53a67b21257bddf"));  // the spec's tag
}

TEST(HlsGhash, MultiplicationByOneIsIdentityAndCommutes) {
  std::mt19937 rng(7);
  const auto one_bytes = unhex("80000000000000000000000000000000");  // x^0 in GCM's bit order
  const Block128 one = block_from_bytes(one_bytes.data());
  for (int i = 0; i < 50; ++i) {
    const auto a = test::random_bytes(rng, 16), b = test::random_bytes(rng, 16);
    const Block128 x = block_from_bytes(a.data()), y = block_from_bytes(b.data());
    const Block128 xy = gf128_mul(x, y), yx = gf128_mul(y, x), x1 = gf128_mul(x, one);
    EXPECT_EQ(xy.hi, yx.hi);
    EXPECT_EQ(xy.lo, yx.lo);
    EXPECT_EQ(x1.hi, x.hi);
    EXPECT_EQ(x1.lo, x.lo);
  }
}

}  // namespace
}  // namespace espgw::hls

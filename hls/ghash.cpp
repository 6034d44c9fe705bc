// GF(2^128) multiply for GHASH (SP 800-38D Algorithm 1): the shift-and-add form, one
// conditional XOR and one reduction per bit, which unrolls into a 128-stage XOR network.
#include "hls/ghash.hpp"

namespace espgw::hls {

Block128 block_from_bytes(const std::uint8_t b[16]) {
  Block128 v{0, 0};
  for (unsigned i = 0; i < 8; ++i) {
    v.hi = (v.hi << 8) | b[i];
    v.lo = (v.lo << 8) | b[8 + i];
  }
  return v;
}

void block_to_bytes(const Block128& v, std::uint8_t b[16]) {
  for (unsigned i = 0; i < 8; ++i) {
    b[i] = static_cast<std::uint8_t>(v.hi >> (56 - 8 * i));
    b[8 + i] = static_cast<std::uint8_t>(v.lo >> (56 - 8 * i));
  }
}

Block128 gf128_mul(const Block128& x, const Block128& y) {
  Block128 z{0, 0};
  Block128 v = y;
  for (unsigned i = 0; i < 128; ++i) {
#pragma HLS UNROLL
    const std::uint64_t word = i < 64 ? x.hi : x.lo;
    const std::uint64_t bit = (word >> (63 - (i & 63))) & 1;
    const std::uint64_t take = 0 - bit;  // all ones when bit i of X is set
    z.hi ^= v.hi & take;
    z.lo ^= v.lo & take;
    // V = V >> 1, folding the bit shifted out back in as R = 11100001 || 0^120.
    const std::uint64_t carry = 0 - (v.lo & 1);
    v.lo = (v.lo >> 1) | (v.hi << 63);
    v.hi = (v.hi >> 1) ^ (0xE100000000000000ull & carry);
  }
  return z;
}

void ghash_init(Ghash& g, const Block128& h) {
  g.h = h;
  g.y = Block128{0, 0};
}

void ghash_block(Ghash& g, const std::uint8_t* data, unsigned len) {
  std::uint8_t b[16];
  for (unsigned i = 0; i < 16; ++i) b[i] = i < len ? data[i] : 0;
  const Block128 x = block_from_bytes(b);
  g.y.hi ^= x.hi;
  g.y.lo ^= x.lo;
  g.y = gf128_mul(g.y, g.h);
}

}  // namespace espgw::hls

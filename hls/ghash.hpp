// GHASH over GF(2^128) (NIST SP 800-38D section 6.4): the GCM authenticator. The hash
// subkey H = AES_K(0^128) is computed once at SA install and kept with the SA.
#pragma once

#include <cstdint>

namespace espgw::hls {

struct Block128 {
  std::uint64_t hi;  // bytes 0-7 big-endian: bit 0 of the spec is the top bit of hi
  std::uint64_t lo;  // bytes 8-15
};

Block128 block_from_bytes(const std::uint8_t b[16]);
void block_to_bytes(const Block128& v, std::uint8_t b[16]);

// X * Y in GF(2^128) with the GCM polynomial x^128 + x^7 + x^2 + x + 1 (Algorithm 1).
Block128 gf128_mul(const Block128& x, const Block128& y);

// Running GHASH state: Y_i = (Y_{i-1} xor X_i) * H.
struct Ghash {
  Block128 h;
  Block128 y;
};
void ghash_init(Ghash& g, const Block128& h);
// Absorbs len (<= 16) bytes as one block, zero-padded on the right.
void ghash_block(Ghash& g, const std::uint8_t* data, unsigned len);

}  // namespace espgw::hls

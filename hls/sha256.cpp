// SHA-256 compression (FIPS 180-4 section 6.2.2) and the streaming/HMAC glue around it.
// The 64-round loop pipelines at II=1 with the message schedule computed on the fly.
#include "hls/sha256.hpp"

namespace espgw::hls {
namespace {

constexpr std::uint32_t kK[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

constexpr std::uint32_t rotr(std::uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }

}  // namespace

void sha256_compress(std::uint32_t state[8], const std::uint8_t block[64]) {
  std::uint32_t w[16];
  for (unsigned i = 0; i < 16; ++i)
    w[i] = (std::uint32_t{block[4 * i]} << 24) | (std::uint32_t{block[4 * i + 1]} << 16) |
           (std::uint32_t{block[4 * i + 2]} << 8) | block[4 * i + 3];
  std::uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
  std::uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
  for (unsigned t = 0; t < 64; ++t) {
#pragma HLS PIPELINE II = 1
    std::uint32_t wt;
    if (t < 16) {
      wt = w[t];
    } else {  // schedule kept in a 16-word circular window
      const std::uint32_t w15 = w[(t - 15) & 15], w2 = w[(t - 2) & 15];
      const std::uint32_t s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >> 3);
      const std::uint32_t s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >> 10);
      wt = w[t & 15] + s0 + w[(t - 7) & 15] + s1;
      w[t & 15] = wt;
    }
    const std::uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + kK[t] + wt;
    const std::uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  state[0] += a;
  state[1] += b;
  state[2] += c;
  state[3] += d;
  state[4] += e;
  state[5] += f;
  state[6] += g;
  state[7] += h;
}

void sha256_resume(Sha256Stream& s, const std::uint32_t midstate[8]) {
  for (unsigned i = 0; i < 8; ++i) s.state[i] = midstate[i];
  s.pending_len = 0;
  s.total_len = 64;
}

void sha256_update(Sha256Stream& s, const std::uint8_t* data, std::uint32_t len) {
  for (std::uint32_t i = 0; i < len; ++i) {
    s.pending[s.pending_len++] = data[i];
    if (s.pending_len == 64) {
      sha256_compress(s.state, s.pending);
      s.pending_len = 0;
    }
  }
  s.total_len += len;
}

void sha256_final(Sha256Stream& s, std::uint8_t digest[32]) {
  const std::uint64_t bits = s.total_len * 8;
  s.pending[s.pending_len++] = 0x80;
  if (s.pending_len > 56) {
    while (s.pending_len < 64) s.pending[s.pending_len++] = 0;
    sha256_compress(s.state, s.pending);
    s.pending_len = 0;
  }
  while (s.pending_len < 56) s.pending[s.pending_len++] = 0;
  for (unsigned i = 0; i < 8; ++i) s.pending[56 + i] = static_cast<std::uint8_t>(bits >> (56 - 8 * i));
  sha256_compress(s.state, s.pending);
  for (unsigned i = 0; i < 8; ++i)
    for (unsigned j = 0; j < 4; ++j) digest[4 * i + j] = static_cast<std::uint8_t>(s.state[i] >> (24 - 8 * j));
}

void hmac_sha256_outer(const std::uint32_t outer_state[8], const std::uint8_t inner_digest[32],
                       std::uint8_t mac[32]) {
  Sha256Stream s;
  sha256_resume(s, outer_state);
  sha256_update(s, inner_digest, 32);
  sha256_final(s, mac);
}

}  // namespace espgw::hls

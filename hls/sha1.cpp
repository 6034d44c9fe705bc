// SHA-1 compression (FIPS 180-4 section 6.1.2), 80 rounds with a 16-word circular
// schedule, and the streaming/HMAC glue for HMAC-SHA1-96 (RFC 2404).
#include "hls/sha1.hpp"

namespace espgw::hls {
namespace {
constexpr std::uint32_t rotl(std::uint32_t x, unsigned n) { return (x << n) | (x >> (32 - n)); }
}  // namespace

void sha1_compress(std::uint32_t state[5], const std::uint8_t block[64]) {
  std::uint32_t w[16];
  for (unsigned i = 0; i < 16; ++i)
    w[i] = (std::uint32_t{block[4 * i]} << 24) | (std::uint32_t{block[4 * i + 1]} << 16) |
           (std::uint32_t{block[4 * i + 2]} << 8) | block[4 * i + 3];
  std::uint32_t a = state[0], b = state[1], c = state[2], d = state[3], e = state[4];
  for (unsigned t = 0; t < 80; ++t) {
#pragma HLS PIPELINE II = 1
    std::uint32_t wt;
    if (t < 16) {
      wt = w[t];
    } else {
      wt = rotl(w[(t - 3) & 15] ^ w[(t - 8) & 15] ^ w[(t - 14) & 15] ^ w[t & 15], 1);
      w[t & 15] = wt;
    }
    std::uint32_t f, k;
    if (t < 20) {
      f = (b & c) | (~b & d);
      k = 0x5a827999;
    } else if (t < 40) {
      f = b ^ c ^ d;
      k = 0x6ed9eba1;
    } else if (t < 60) {
      f = (b & c) | (b & d) | (c & d);
      k = 0x8f1bbcdc;
    } else {
      f = b ^ c ^ d;
      k = 0xca62c1d6;
    }
    const std::uint32_t tmp = rotl(a, 5) + f + e + k + wt;
    e = d;
    d = c;
    c = rotl(b, 30);
    b = a;
    a = tmp;
  }
  state[0] += a;
  state[1] += b;
  state[2] += c;
  state[3] += d;
  state[4] += e;
}

void sha1_resume(Sha1Stream& s, const std::uint32_t midstate[5]) {
  for (unsigned i = 0; i < 5; ++i) s.state[i] = midstate[i];
  s.pending_len = 0;
  s.total_len = 64;
}

void sha1_update(Sha1Stream& s, const std::uint8_t* data, std::uint32_t len) {
  for (std::uint32_t i = 0; i < len; ++i) {
    s.pending[s.pending_len++] = data[i];
    if (s.pending_len == 64) {
      sha1_compress(s.state, s.pending);
      s.pending_len = 0;
    }
  }
  s.total_len += len;
}

void sha1_final(Sha1Stream& s, std::uint8_t digest[20]) {
  const std::uint64_t bits = s.total_len * 8;
  s.pending[s.pending_len++] = 0x80;
  if (s.pending_len > 56) {
    while (s.pending_len < 64) s.pending[s.pending_len++] = 0;
    sha1_compress(s.state, s.pending);
    s.pending_len = 0;
  }
  while (s.pending_len < 56) s.pending[s.pending_len++] = 0;
  for (unsigned i = 0; i < 8; ++i) s.pending[56 + i] = static_cast<std::uint8_t>(bits >> (56 - 8 * i));
  sha1_compress(s.state, s.pending);
  for (unsigned i = 0; i < 5; ++i)
    for (unsigned j = 0; j < 4; ++j) digest[4 * i + j] = static_cast<std::uint8_t>(s.state[i] >> (24 - 8 * j));
}

void hmac_sha1_outer(const std::uint32_t outer_state[5], const std::uint8_t inner_digest[20], std::uint8_t mac[20]) {
  Sha1Stream s;
  sha1_resume(s, outer_state);
  sha1_update(s, inner_digest, 20);
  sha1_final(s, mac);
}

}  // namespace espgw::hls

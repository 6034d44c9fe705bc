// AES encrypt/decrypt and key expansion (FIPS-197 sections 5.1-5.3), byte-oriented so that
// each round maps onto S-box ROMs and XOR trees; the round loops pipeline at II=1.
#include "hls/aes.hpp"

namespace espgw::hls {
namespace {

constexpr std::uint8_t kSbox[256] = {
    0x63, 0x7c, 0x77, 0x7b, 0xf2, 0x6b, 0x6f, 0xc5, 0x30, 0x01, 0x67, 0x2b, 0xfe, 0xd7, 0xab, 0x76,
    0xca, 0x82, 0xc9, 0x7d, 0xfa, 0x59, 0x47, 0xf0, 0xad, 0xd4, 0xa2, 0xaf, 0x9c, 0xa4, 0x72, 0xc0,
    0xb7, 0xfd, 0x93, 0x26, 0x36, 0x3f, 0xf7, 0xcc, 0x34, 0xa5, 0xe5, 0xf1, 0x71, 0xd8, 0x31, 0x15,
    0x04, 0xc7, 0x23, 0xc3, 0x18, 0x96, 0x05, 0x9a, 0x07, 0x12, 0x80, 0xe2, 0xeb, 0x27, 0xb2, 0x75,
    0x09, 0x83, 0x2c, 0x1a, 0x1b, 0x6e, 0x5a, 0xa0, 0x52, 0x3b, 0xd6, 0xb3, 0x29, 0xe3, 0x2f, 0x84,
    0x53, 0xd1, 0x00, 0xed, 0x20, 0xfc, 0xb1, 0x5b, 0x6a, 0xcb, 0xbe, 0x39, 0x4a, 0x4c, 0x58, 0xcf,
    0xd0, 0xef, 0xaa, 0xfb, 0x43, 0x4d, 0x33, 0x85, 0x45, 0xf9, 0x02, 0x7f, 0x50, 0x3c, 0x9f, 0xa8,
    0x51, 0xa3, 0x40, 0x8f, 0x92, 0x9d, 0x38, 0xf5, 0xbc, 0xb6, 0xda, 0x21, 0x10, 0xff, 0xf3, 0xd2,
    0xcd, 0x0c, 0x13, 0xec, 0x5f, 0x97, 0x44, 0x17, 0xc4, 0xa7, 0x7e, 0x3d, 0x64, 0x5d, 0x19, 0x73,
    0x60, 0x81, 0x4f, 0xdc, 0x22, 0x2a, 0x90, 0x88, 0x46, 0xee, 0xb8, 0x14, 0xde, 0x5e, 0x0b, 0xdb,
    0xe0, 0x32, 0x3a, 0x0a, 0x49, 0x06, 0x24, 0x5c, 0xc2, 0xd3, 0xac, 0x62, 0x91, 0x95, 0xe4, 0x79,
    0xe7, 0xc8, 0x37, 0x6d, 0x8d, 0xd5, 0x4e, 0xa9, 0x6c, 0x56, 0xf4, 0xea, 0x65, 0x7a, 0xae, 0x08,
    0xba, 0x78, 0x25, 0x2e, 0x1c, 0xa6, 0xb4, 0xc6, 0xe8, 0xdd, 0x74, 0x1f, 0x4b, 0xbd, 0x8b, 0x8a,
    0x70, 0x3e, 0xb5, 0x66, 0x48, 0x03, 0xf6, 0x0e, 0x61, 0x35, 0x57, 0xb9, 0x86, 0xc1, 0x1d, 0x9e,
    0xe1, 0xf8, 0x98, 0x11, 0x69, 0xd9, 0x8e, 0x94, 0x9b, 0x1e, 0x87, 0xe9, 0xce, 0x55, 0x28, 0xdf,
    0x8c, 0xa1, 0x89, 0x0d, 0xbf, 0xe6, 0x42, 0x68, 0x41, 0x99, 0x2d, 0x0f, 0xb0, 0x54, 0xbb, 0x16};

// The inverse S-box is derived from kSbox at compile time, so the two cannot disagree.
struct InvSbox {
  std::uint8_t v[256];
  constexpr InvSbox() : v{} {
    for (unsigned i = 0; i < 256; ++i) v[kSbox[i]] = static_cast<std::uint8_t>(i);
  }
};
constexpr InvSbox kInvSbox{};

constexpr std::uint8_t xtime(std::uint8_t x) {
  return static_cast<std::uint8_t>((x << 1) ^ ((x & 0x80) ? 0x1b : 0x00));
}

// GF(2^8) multiply, used by InvMixColumns (coefficients 9, 11, 13, 14).
constexpr std::uint8_t gmul(std::uint8_t a, std::uint8_t b) {
  std::uint8_t p = 0;
  for (int i = 0; i < 8; ++i) {
    if (b & 1) p ^= a;
    a = xtime(a);
    b >>= 1;
  }
  return p;
}

std::uint32_t sub_word(std::uint32_t w) {
  return (std::uint32_t{kSbox[w >> 24]} << 24) | (std::uint32_t{kSbox[(w >> 16) & 0xff]} << 16) |
         (std::uint32_t{kSbox[(w >> 8) & 0xff]} << 8) | kSbox[w & 0xff];
}

void add_round_key(std::uint8_t s[16], const std::uint32_t* rk) {
  for (unsigned c = 0; c < 4; ++c) {
#pragma HLS UNROLL
    s[4 * c + 0] ^= static_cast<std::uint8_t>(rk[c] >> 24);
    s[4 * c + 1] ^= static_cast<std::uint8_t>(rk[c] >> 16);
    s[4 * c + 2] ^= static_cast<std::uint8_t>(rk[c] >> 8);
    s[4 * c + 3] ^= static_cast<std::uint8_t>(rk[c]);
  }
}

}  // namespace

void aes_expand_key(const std::uint32_t* key_words, unsigned nk, AesKey& out) {
  out.rounds = nk == 8 ? 14 : 10;
  const unsigned total = 4 * (out.rounds + 1);
  std::uint8_t rcon = 1;
  for (unsigned i = 0; i < total; ++i) {
    if (i < nk) {
      out.rk[i] = key_words[i];
      continue;
    }
    std::uint32_t t = out.rk[i - 1];
    if (i % nk == 0) {
      t = sub_word((t << 8) | (t >> 24)) ^ (std::uint32_t{rcon} << 24);
      rcon = xtime(rcon);
    } else if (nk > 6 && i % nk == 4) {
      t = sub_word(t);
    }
    out.rk[i] = out.rk[i - nk] ^ t;
  }
  for (unsigned i = total; i < kAesMaxRoundKeyWords; ++i) out.rk[i] = 0;
}

void aes_encrypt_block(const AesKey& key, const std::uint8_t in[16], std::uint8_t out[16]) {
  std::uint8_t s[16];
  for (unsigned i = 0; i < 16; ++i) s[i] = in[i];
  add_round_key(s, key.rk);
  for (unsigned r = 1; r <= key.rounds; ++r) {
#pragma HLS PIPELINE II = 1
    std::uint8_t t[16];
    // SubBytes and ShiftRows: row i of column c comes from column c + i.
    for (unsigned c = 0; c < 4; ++c)
      for (unsigned i = 0; i < 4; ++i) t[4 * c + i] = kSbox[s[4 * ((c + i) & 3) + i]];
    if (r != key.rounds) {  // MixColumns, skipped in the final round
      for (unsigned c = 0; c < 4; ++c) {
        const std::uint8_t a0 = t[4 * c], a1 = t[4 * c + 1], a2 = t[4 * c + 2], a3 = t[4 * c + 3];
        const std::uint8_t all = a0 ^ a1 ^ a2 ^ a3;
        t[4 * c + 0] = a0 ^ all ^ xtime(a0 ^ a1);
        t[4 * c + 1] = a1 ^ all ^ xtime(a1 ^ a2);
        t[4 * c + 2] = a2 ^ all ^ xtime(a2 ^ a3);
        t[4 * c + 3] = a3 ^ all ^ xtime(a3 ^ a0);
      }
    }
    for (unsigned i = 0; i < 16; ++i) s[i] = t[i];
    add_round_key(s, key.rk + 4 * r);
  }
  for (unsigned i = 0; i < 16; ++i) out[i] = s[i];
}

void aes_decrypt_block(const AesKey& key, const std::uint8_t in[16], std::uint8_t out[16]) {
  std::uint8_t s[16];
  for (unsigned i = 0; i < 16; ++i) s[i] = in[i];
  add_round_key(s, key.rk + 4 * key.rounds);
  for (unsigned r = key.rounds; r-- > 0;) {
#pragma HLS PIPELINE II = 1
    std::uint8_t t[16];
    // InvShiftRows and InvSubBytes: row i of column c goes to column c + i.
    for (unsigned c = 0; c < 4; ++c)
      for (unsigned i = 0; i < 4; ++i) t[4 * ((c + i) & 3) + i] = kInvSbox.v[s[4 * c + i]];
    add_round_key(t, key.rk + 4 * r);
    if (r != 0) {  // InvMixColumns
      for (unsigned c = 0; c < 4; ++c) {
        const std::uint8_t a0 = t[4 * c], a1 = t[4 * c + 1], a2 = t[4 * c + 2], a3 = t[4 * c + 3];
        t[4 * c + 0] = gmul(a0, 14) ^ gmul(a1, 11) ^ gmul(a2, 13) ^ gmul(a3, 9);
        t[4 * c + 1] = gmul(a0, 9) ^ gmul(a1, 14) ^ gmul(a2, 11) ^ gmul(a3, 13);
        t[4 * c + 2] = gmul(a0, 13) ^ gmul(a1, 9) ^ gmul(a2, 14) ^ gmul(a3, 11);
        t[4 * c + 3] = gmul(a0, 11) ^ gmul(a1, 13) ^ gmul(a2, 9) ^ gmul(a3, 14);
      }
    }
    for (unsigned i = 0; i < 16; ++i) s[i] = t[i];
  }
  for (unsigned i = 0; i < 16; ++i) out[i] = s[i];
}

void aes_zeroize(AesKey& key) {
  for (unsigned i = 0; i < kAesMaxRoundKeyWords; ++i) key.rk[i] = 0;
  key.rounds = 0;
}

}  // namespace espgw::hls

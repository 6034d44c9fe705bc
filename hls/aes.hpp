// AES (FIPS-197) as the kernel computes it: key expansion once per SA at install, then
// block encryption (GCM counter mode, CBC IV generation and CBC encrypt) and the
// equivalent inverse cipher (CBC decrypt). Bytes in, bytes out; round keys as 32-bit words.
#pragma once

#include <cstdint>

namespace espgw::hls {

inline constexpr unsigned kAesMaxRoundKeyWords = 60;  // AES-256: 4 * (14 + 1)

struct AesKey {
  std::uint32_t rk[kAesMaxRoundKeyWords];
  std::uint32_t rounds;  // 10 or 14; 0 = no key
};

// key_words: 4 (AES-128) or 8 (AES-256) big-endian words as the SA record holds them.
void aes_expand_key(const std::uint32_t* key_words, unsigned key_word_count, AesKey& out);
void aes_encrypt_block(const AesKey& key, const std::uint8_t in[16], std::uint8_t out[16]);
void aes_decrypt_block(const AesKey& key, const std::uint8_t in[16], std::uint8_t out[16]);
void aes_zeroize(AesKey& key);

}  // namespace espgw::hls

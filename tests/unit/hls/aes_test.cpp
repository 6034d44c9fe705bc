// hls/aes.cpp against FIPS-197 Appendix C and, for random keys and blocks, OpenSSL.
#include "hls/aes.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "test_util.hpp"

namespace espgw::hls {
namespace {

using test::be_words;
using test::unhex;

std::vector<std::uint8_t> encrypt(const std::vector<std::uint8_t>& key, const std::vector<std::uint8_t>& in) {
  AesKey k;
  const auto words = be_words(key);
  aes_expand_key(words.data(), static_cast<unsigned>(words.size()), k);
  std::vector<std::uint8_t> out(16);
  aes_encrypt_block(k, in.data(), out.data());
  return out;
}

std::vector<std::uint8_t> decrypt(const std::vector<std::uint8_t>& key, const std::vector<std::uint8_t>& in) {
  AesKey k;
  const auto words = be_words(key);
  aes_expand_key(words.data(), static_cast<unsigned>(words.size()), k);
  std::vector<std::uint8_t> out(16);
  aes_decrypt_block(k, in.data(), out.data());
  return out;
}

std::vector<std::uint8_t> openssl_ecb(const std::vector<std::uint8_t>& key, const std::vector<std::uint8_t>& in) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  EVP_EncryptInit_ex(ctx, key.size() == 16 ? EVP_aes_128_ecb() : EVP_aes_256_ecb(), nullptr, key.data(), nullptr);
  EVP_CIPHER_CTX_set_padding(ctx, 0);
  std::vector<std::uint8_t> out(16);
  int n = 0;
  EVP_EncryptUpdate(ctx, out.data(), &n, in.data(), 16);
  EVP_CIPHER_CTX_free(ctx);
  return out;
}

TEST(HlsAes, MatchesFips197AppendixCVectors) {
  const auto pt = unhex("00112233445566778899aabbccddeeff");
  const auto k128 = unhex("000102030405060708090a0b0c0d0e0f");
  const auto k256 = unhex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  EXPECT_EQ(encrypt(k128, pt), unhex("69c4e0d86a7b0430d8cdb78070b4c55a"));
  EXPECT_EQ(encrypt(k256, pt), unhex("8ea2b7ca516745bfeafc49904b496089"));
  EXPECT_EQ(decrypt(k128, unhex("69c4e0d86a7b0430d8cdb78070b4c55a")), pt);
  EXPECT_EQ(decrypt(k256, unhex("8ea2b7ca516745bfeafc49904b496089")), pt);
}

TEST(HlsAes, RandomKeysAndBlocksMatchOpenSslAndDecryptInverts) {
  std::mt19937 rng(4303);
  for (int i = 0; i < 200; ++i) {
    const auto key = test::random_bytes(rng, i % 2 ? 32 : 16);
    const auto pt = test::random_bytes(rng, 16);
    const auto ct = encrypt(key, pt);
    ASSERT_EQ(ct, openssl_ecb(key, pt)) << "iteration " << i;
    ASSERT_EQ(decrypt(key, ct), pt) << "iteration " << i;
  }
}

TEST(HlsAes, ZeroizeClearsRoundKeys) {
  AesKey k;
  const auto words = be_words(unhex("000102030405060708090a0b0c0d0e0f"));
  aes_expand_key(words.data(), 4, k);
  aes_zeroize(k);
  for (std::uint32_t w : k.rk) EXPECT_EQ(w, 0u);
  EXPECT_EQ(k.rounds, 0u);
}

}  // namespace
}  // namespace espgw::hls

// hls/esp_transform.cpp: GCM (RFC 4106 nonce = salt || IV) and CBC against OpenSSL's EVP
// for random keys, lengths and AADs; the CBC IV rule AES_K(0^64 || seq64).
#include "hls/esp_transform.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "hls/sa_table.hpp"
#include "test_util.hpp"

namespace espgw::hls {
namespace {

using Bytes = std::vector<std::uint8_t>;
namespace w = rm::sa_word;

SaSlot make_slot(const Bytes& key, rm::Transform t, std::uint32_t salt) {
  SaSlot sa{};
  sa.rec[w::kFlags] = rm::sa_flag::kValid | (static_cast<std::uint32_t>(t) << rm::sa_flag::kTransformShift);
  sa.rec[w::kSalt] = salt;
  const auto words = test::be_words(key);
  aes_expand_key(words.data(), static_cast<unsigned>(words.size()), sa.aes);
  const std::uint8_t zero[16] = {};
  std::uint8_t h[16];
  aes_encrypt_block(sa.aes, zero, h);
  sa.ghash_h = block_from_bytes(h);
  return sa;
}

struct GcmOut {
  Bytes ct, tag;
};

GcmOut openssl_gcm(const Bytes& key, const Bytes& nonce, const Bytes& aad, const Bytes& pt) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  EVP_EncryptInit_ex(ctx, key.size() == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm(), nullptr, nullptr, nullptr);
  EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, nullptr);
  EVP_EncryptInit_ex(ctx, nullptr, nullptr, key.data(), nonce.data());
  int n = 0;
  EVP_EncryptUpdate(ctx, nullptr, &n, aad.data(), static_cast<int>(aad.size()));
  GcmOut out{Bytes(pt.size() + 16), Bytes(16)};
  EVP_EncryptUpdate(ctx, out.ct.data(), &n, pt.data(), static_cast<int>(pt.size()));
  EVP_EncryptFinal_ex(ctx, out.ct.data() + n, &n);
  EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, out.tag.data());
  EVP_CIPHER_CTX_free(ctx);
  out.ct.resize(pt.size());
  return out;
}

Bytes openssl_cbc(const Bytes& key, const Bytes& iv, const Bytes& pt) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  EVP_EncryptInit_ex(ctx, key.size() == 16 ? EVP_aes_128_cbc() : EVP_aes_256_cbc(), nullptr, key.data(), iv.data());
  EVP_CIPHER_CTX_set_padding(ctx, 0);
  Bytes out(pt.size() + 16);
  int n = 0;
  EVP_EncryptUpdate(ctx, out.data(), &n, pt.data(), static_cast<int>(pt.size()));
  EVP_CIPHER_CTX_free(ctx);
  out.resize(pt.size());
  return out;
}

TEST(HlsEspTransform, GcmMatchesOpenSslAndDecryptsBack) {
  std::mt19937 rng(4106);
  for (std::uint32_t len : {4u, 16u, 20u, 60u, 1400u}) {
    for (std::size_t key_len : {16u, 32u}) {
      for (std::uint32_t aad_len : {8u, 12u}) {
        const Bytes key = test::random_bytes(rng, key_len), pt = test::random_bytes(rng, len);
        const Bytes aad = test::random_bytes(rng, aad_len), iv = test::random_bytes(rng, 8);
        const std::uint32_t salt = static_cast<std::uint32_t>(rng());
        SaSlot sa = make_slot(key, rm::Transform::kAesGcm16, salt);
        Bytes nonce(4);
        store_be32(nonce.data(), salt);
        nonce.insert(nonce.end(), iv.begin(), iv.end());
        const GcmOut expect = openssl_gcm(key, nonce, aad, pt);
        Bytes data = pt;
        std::uint8_t tag[16];
        esp_gcm(sa, true, aad.data(), aad_len, iv.data(), data.data(), len, tag);
        EXPECT_EQ(data, expect.ct) << "len " << len;
        EXPECT_EQ(Bytes(tag, tag + 16), expect.tag) << "len " << len;
        std::uint8_t tag2[16];
        esp_gcm(sa, false, aad.data(), aad_len, iv.data(), data.data(), len, tag2);
        EXPECT_EQ(data, pt);
        EXPECT_TRUE(esp_icv_equal(tag, tag2, 16));
      }
    }
  }
}

TEST(HlsEspTransform, CbcMatchesOpenSslWithSequenceDerivedIv) {
  std::mt19937 rng(3602);
  for (std::size_t key_len : {16u, 32u}) {
    const Bytes key = test::random_bytes(rng, key_len), pt = test::random_bytes(rng, 96);
    SaSlot sa = make_slot(key, rm::Transform::kAesCbcHmacSha256, 0);
    std::uint8_t iv[16];
    esp_cbc_iv(sa, 0x0000000100000002ull, iv);
    // IV = AES_K(0^64 || seq64): the same block encrypted through OpenSSL (ECB = CBC, zero IV).
    const Bytes block = test::unhex("00000000000000000000000100000002");
    EXPECT_EQ(Bytes(iv, iv + 16), openssl_cbc(key, Bytes(16, 0), block));
    Bytes data = pt;
    esp_cbc_encrypt(sa, iv, data.data(), 96);
    EXPECT_EQ(data, openssl_cbc(key, Bytes(iv, iv + 16), pt));
    esp_cbc_decrypt(sa, iv, data.data(), 96);
    EXPECT_EQ(data, pt);
  }
}

TEST(HlsEspTransform, IcvComparisonDetectsAnySingleBitFlip) {
  std::uint8_t a[16] = {}, b[16] = {};
  EXPECT_TRUE(esp_icv_equal(a, b, 16));
  for (int i = 0; i < 128; ++i) {
    b[i / 8] ^= static_cast<std::uint8_t>(1u << (i % 8));
    EXPECT_FALSE(esp_icv_equal(a, b, 16));
    b[i / 8] = 0;
  }
}

}  // namespace
}  // namespace espgw::hls

// Tests host/ike/ike_cipher.cpp: ciphertext equals OpenSSL AES-CBC computed here, zero
// padding, and IV chaining (two chained messages equal one CBC run over both).
#include "host/ike/ike_cipher.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

namespace espgw::ike {
namespace {

Bytes openssl_cbc(ByteView key, ByteView iv, ByteView in) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  Bytes out(in.size() + 16);
  int len = 0, fin = 0;
  EVP_EncryptInit_ex(ctx, EVP_aes_256_cbc(), nullptr, key.data(), iv.data());
  EVP_CIPHER_CTX_set_padding(ctx, 0);
  EVP_EncryptUpdate(ctx, out.data(), &len, in.data(), static_cast<int>(in.size()));
  EVP_EncryptFinal_ex(ctx, out.data() + len, &fin);
  out.resize(static_cast<std::size_t>(len + fin));
  EVP_CIPHER_CTX_free(ctx);
  return out;
}

const Bytes kKey(32, 0x5A);

TEST(IkeCipher, PadsWithZerosAndMatchesOpenSslCbc) {
  auto c = IkeCipher::create(SecretBytes(kKey));
  ASSERT_TRUE(c);
  Bytes iv(16, 0x01);
  Bytes plain(37, 0xC3);
  Bytes ct = c->encrypt(plain, iv);
  ASSERT_EQ(ct.size(), 48u);
  Bytes padded = plain;
  padded.resize(48, 0);
  EXPECT_EQ(ct, openssl_cbc(kKey, Bytes(16, 0x01), padded));
  EXPECT_EQ(iv, Bytes(ct.end() - 16, ct.end()));
}

TEST(IkeCipher, ChainedMessagesEqualOneCbcRun) {
  auto c = IkeCipher::create(SecretBytes(kKey));
  Bytes iv(16, 0x09);
  Bytes m1(32, 0x10), m2(16, 0x20);
  Bytes ct1 = c->encrypt(m1, iv);
  Bytes ct2 = c->encrypt(m2, iv);
  Bytes both = m1;
  both.insert(both.end(), m2.begin(), m2.end());
  Bytes joined = ct1;
  joined.insert(joined.end(), ct2.begin(), ct2.end());
  EXPECT_EQ(joined, openssl_cbc(kKey, Bytes(16, 0x09), both));

  Bytes div(16, 0x09);
  auto p1 = c->decrypt(ct1, div);
  auto p2 = c->decrypt(ct2, div);
  ASSERT_TRUE(p1 && p2);
  EXPECT_EQ(*p1, m1);
  EXPECT_EQ(*p2, m2);
}

TEST(IkeCipher, RejectsPartialBlocksAndBadKeys) {
  auto c = IkeCipher::create(SecretBytes(kKey));
  Bytes iv(16, 0);
  EXPECT_FALSE(c->decrypt(Bytes(17, 0), iv));
  EXPECT_FALSE(c->decrypt(Bytes{}, iv));
  Bytes short_iv(8, 0);
  EXPECT_FALSE(c->decrypt(Bytes(16, 0), short_iv));
  EXPECT_FALSE(IkeCipher::create(SecretBytes(Bytes(20, 1))));
  EXPECT_TRUE(IkeCipher::create(SecretBytes(Bytes(16, 1))));
  EXPECT_TRUE(IkeCipher::create(SecretBytes(Bytes(24, 1))));
}

}  // namespace
}  // namespace espgw::ike

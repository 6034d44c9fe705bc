// hls/sha256.cpp and hls/sha1.cpp as HMAC engines: RFC 4231 (HMAC-SHA-256) and RFC 2202
// (HMAC-SHA-1) vectors, and random keys and messages against OpenSSL's HMAC. The ipad/opad
// midstates are computed here with the kernel's own compression from the FIPS 180-4 IVs.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "hls/sha1.hpp"
#include "hls/sha256.hpp"
#include "test_util.hpp"

namespace espgw::hls {
namespace {

using test::unhex;
using Bytes = std::vector<std::uint8_t>;

constexpr std::uint32_t kSha256Iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
constexpr std::uint32_t kSha1Iv[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};

Bytes block_key(Bytes key, const EVP_MD* md) {
  if (key.size() > 64) {
    Bytes d(EVP_MAX_MD_SIZE);
    unsigned n = 0;
    EVP_Digest(key.data(), key.size(), d.data(), &n, md, nullptr);
    d.resize(n);
    key = d;
  }
  key.resize(64, 0);
  return key;
}

Bytes kernel_hmac_sha256(const Bytes& key, const Bytes& msg) {
  const Bytes k = block_key(key, EVP_sha256());
  std::uint32_t inner[8], outer[8];
  std::uint8_t pad[64];
  for (int i = 0; i < 8; ++i) inner[i] = outer[i] = kSha256Iv[i];
  for (int i = 0; i < 64; ++i) pad[i] = k[i] ^ 0x36;
  sha256_compress(inner, pad);
  for (int i = 0; i < 64; ++i) pad[i] = k[i] ^ 0x5c;
  sha256_compress(outer, pad);
  Sha256Stream s;
  sha256_resume(s, inner);
  sha256_update(s, msg.data(), static_cast<std::uint32_t>(msg.size()));
  std::uint8_t id[32], mac[32];
  sha256_final(s, id);
  hmac_sha256_outer(outer, id, mac);
  return Bytes(mac, mac + 32);
}

Bytes kernel_hmac_sha1(const Bytes& key, const Bytes& msg) {
  const Bytes k = block_key(key, EVP_sha1());
  std::uint32_t inner[5], outer[5];
  std::uint8_t pad[64];
  for (int i = 0; i < 5; ++i) inner[i] = outer[i] = kSha1Iv[i];
  for (int i = 0; i < 64; ++i) pad[i] = k[i] ^ 0x36;
  sha1_compress(inner, pad);
  for (int i = 0; i < 64; ++i) pad[i] = k[i] ^ 0x5c;
  sha1_compress(outer, pad);
  Sha1Stream s;
  sha1_resume(s, inner);
  sha1_update(s, msg.data(), static_cast<std::uint32_t>(msg.size()));
  std::uint8_t id[20], mac[20];
  sha1_final(s, id);
  hmac_sha1_outer(outer, id, mac);
  return Bytes(mac, mac + 20);
}

Bytes openssl_hmac(const EVP_MD* md, const Bytes& key, const Bytes& msg) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned n = 0;
  HMAC(md, key.data(), static_cast<int>(key.size()), msg.data(), msg.size(), out.data(), &n);
  out.resize(n);
  return out;
}

Bytes ascii(const char* s) { return Bytes(s, s + std::char_traits<char>::length(s)); }

TEST(HlsSha256, HmacMatchesRfc4231TestCases) {
  // Test case 1
  EXPECT_EQ(kernel_hmac_sha256(Bytes(20, 0x0b), ascii("Hi There")),
            unhex("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"));
  // Test case 2
  EXPECT_EQ(kernel_hmac_sha256(ascii("Jefe"), ascii("what do ya want for nothing?")),
            unhex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"));
  // Test case 3
  EXPECT_EQ(kernel_hmac_sha256(Bytes(20, 0xaa), Bytes(50, 0xdd)),
            unhex("773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"));
  // Test case 6: a 131-byte key, hashed first
  EXPECT_EQ(kernel_hmac_sha256(Bytes(131, 0xaa), ascii("Test Using Larger Than Block-Size Key - Hash Key First")),
            unhex("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"));
}

TEST(HlsSha256, HmacMatchesOpenSslForRandomKeysAndLengths) {
  std::mt19937 rng(4868);
  for (std::size_t len : {0u, 1u, 55u, 56u, 63u, 64u, 65u, 119u, 120u, 1500u}) {
    const Bytes key = test::random_bytes(rng, 32), msg = test::random_bytes(rng, len);
    EXPECT_EQ(kernel_hmac_sha256(key, msg), openssl_hmac(EVP_sha256(), key, msg)) << "length " << len;
  }
}

TEST(HlsSha1, HmacMatchesRfc2202AndOpenSsl) {
  EXPECT_EQ(kernel_hmac_sha1(Bytes(20, 0x0b), ascii("Hi There")), unhex("b617318655057264e28bc0b6fb378c8ef146be00"));
  EXPECT_EQ(kernel_hmac_sha1(ascii("Jefe"), ascii("what do ya want for nothing?")),
            unhex("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"));
  std::mt19937 rng(2404);
  for (std::size_t len : {0u, 55u, 56u, 64u, 100u, 1400u}) {
    const Bytes key = test::random_bytes(rng, 20), msg = test::random_bytes(rng, len);
    EXPECT_EQ(kernel_hmac_sha1(key, msg), openssl_hmac(EVP_sha1(), key, msg)) << "length " << len;
  }
}

}  // namespace
}  // namespace espgw::hls

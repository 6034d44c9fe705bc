// Tests host/ike/phase1.cpp, prf.cpp and nat_d_hash.cpp: every value is recomputed in the
// test with OpenSSL's one-shot HMAC() and SHA*() directly, following RFC 2409 section 5 /
// Appendix B and RFC 3947 section 3.2 line by line.
#include "host/ike/phase1.hpp"

#include <gtest/gtest.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "host/ike/nat_d_hash.hpp"

namespace espgw::ike {
namespace {

Bytes cat(std::initializer_list<ByteView> parts) {
  Bytes out;
  for (ByteView p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

Bytes hmac(const EVP_MD* md, ByteView key, ByteView data) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned len = 0;
  HMAC(md, key.data(), static_cast<int>(key.size()), data.data(), data.size(), out.data(), &len);
  out.resize(len);
  return out;
}

Bytes pattern(std::size_t n, std::uint8_t seed) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(seed + i * 7);
  return b;
}

Bytes view(const SecretBytes& s) { return Bytes(s.view().begin(), s.view().end()); }

struct Fixture {
  Bytes psk{'c', 'i', 's', 'c', 'o', '1', '2', '3'};
  Bytes ni = pattern(32, 1), nr = pattern(32, 2);
  Bytes g_xi = pattern(256, 3), g_xr = pattern(256, 4), g_xy = pattern(256, 5);
  Phase1Inputs in() const {
    Phase1Inputs p;
    p.psk = psk;
    p.ni_b = ni;
    p.nr_b = nr;
    p.g_xi = g_xi;
    p.g_xr = g_xr;
    p.g_xy = g_xy;
    p.cky_i = {1, 2, 3, 4, 5, 6, 7, 8};
    p.cky_r = {9, 10, 11, 12, 13, 14, 15, 16};
    p.enc_key_size = 32;
    return p;
  }
};

struct HashCase {
  P1Hash hash;
  const EVP_MD* (*md)();
};

class Phase1Derivation : public testing::TestWithParam<HashCase> {};

TEST_P(Phase1Derivation, SkeyidChainMatchesIndependentHmac) {
  Fixture f;
  Phase1Inputs in = f.in();
  auto prf = Prf::create(GetParam().hash);
  ASSERT_TRUE(prf);
  const EVP_MD* md = GetParam().md();
  auto keys = derive_phase1_psk(*prf, in);
  ASSERT_TRUE(keys);

  Bytes skeyid = hmac(md, f.psk, cat({f.ni, f.nr}));
  Bytes d = hmac(md, skeyid, cat({f.g_xy, in.cky_i, in.cky_r, Bytes{0}}));
  Bytes a = hmac(md, skeyid, cat({d, f.g_xy, in.cky_i, in.cky_r, Bytes{1}}));
  Bytes e = hmac(md, skeyid, cat({a, f.g_xy, in.cky_i, in.cky_r, Bytes{2}}));
  EXPECT_EQ(view(keys->skeyid), skeyid);
  EXPECT_EQ(view(keys->skeyid_d), d);
  EXPECT_EQ(view(keys->skeyid_a), a);
  EXPECT_EQ(view(keys->skeyid_e), e);

  // Appendix B: Ka = K1 | K2 ... when SKEYID_e is shorter than the AES-256 key.
  Bytes ka;
  if (e.size() >= 32) {
    ka.assign(e.begin(), e.begin() + 32);
  } else {
    Bytes k1 = hmac(md, e, Bytes{0});
    Bytes k2 = hmac(md, e, k1);
    ka = cat({k1, k2});
    ka.resize(32);
  }
  EXPECT_EQ(view(keys->enc_key), ka);

  Bytes iv(EVP_MAX_MD_SIZE);
  unsigned iv_len = 0;
  Bytes g = cat({f.g_xi, f.g_xr});
  EVP_Digest(g.data(), g.size(), iv.data(), &iv_len, md, nullptr);
  iv.resize(16);
  EXPECT_EQ(keys->iv, iv);

  Bytes sai_b = pattern(48, 9), idii_b = {1, 0, 0, 0, 19, 26, 116, 137}, idir_b = {1, 0, 0, 0, 19, 26, 116, 141};
  EXPECT_EQ(hash_i(*prf, keys->skeyid, in, sai_b, idii_b),
            hmac(md, skeyid, cat({f.g_xi, f.g_xr, in.cky_i, in.cky_r, sai_b, idii_b})));
  EXPECT_EQ(hash_r(*prf, keys->skeyid, in, sai_b, idir_b),
            hmac(md, skeyid, cat({f.g_xr, f.g_xi, in.cky_r, in.cky_i, sai_b, idir_b})));
}

INSTANTIATE_TEST_SUITE_P(Hashes, Phase1Derivation,
                         testing::Values(HashCase{P1Hash::kSha1, EVP_sha1}, HashCase{P1Hash::kSha256, EVP_sha256},
                                         HashCase{P1Hash::kSha384, EVP_sha384}, HashCase{P1Hash::kSha512, EVP_sha512}),
                         [](const auto& info) { return std::to_string(static_cast<int>(info.param.hash)); });

TEST(Phase1, Aes128WithSha1NeedsNoExpansion) {
  auto prf = Prf::create(P1Hash::kSha1);
  SecretBytes e(pattern(20, 1));
  EXPECT_EQ(view(expand_encryption_key(*prf, e, 16)), Bytes(e.view().begin(), e.view().begin() + 16));
}

TEST(Phase1, ExpansionToThreeBlocksChainsEachOutput) {
  auto prf = Prf::create(P1Hash::kSha1);
  SecretBytes e(pattern(20, 1));
  Bytes k1 = hmac(EVP_sha1(), e.view(), Bytes{0});
  Bytes k2 = hmac(EVP_sha1(), e.view(), k1);
  Bytes k3 = hmac(EVP_sha1(), e.view(), k2);
  Bytes want = cat({k1, k2, k3});
  want.resize(48);
  EXPECT_EQ(view(expand_encryption_key(*prf, e, 48)), want);
}

TEST(Phase1, Phase2IvIsHashOfLastBlockAndMessageId) {
  auto prf = Prf::create(P1Hash::kSha256);
  Bytes last = pattern(16, 3);
  Bytes in = cat({last, Bytes{0x12, 0x34, 0x56, 0x78}});
  Bytes digest(32);
  SHA256(in.data(), in.size(), digest.data());
  digest.resize(16);
  EXPECT_EQ(phase2_iv(*prf, last, 0x12345678), digest);
}

TEST(Phase1, HashEqualIsFalseForDifferentLengthOrEmpty) {
  EXPECT_TRUE(hash_equal(Bytes{1, 2}, Bytes{1, 2}));
  EXPECT_FALSE(hash_equal(Bytes{1, 2}, Bytes{1, 3}));
  EXPECT_FALSE(hash_equal(Bytes{1, 2}, Bytes{1}));
  EXPECT_FALSE(hash_equal(Bytes{}, Bytes{}));
}

TEST(Prf, Md5IsNotNegotiated) { EXPECT_FALSE(Prf::create(P1Hash::kMd5)); }

TEST(NatD, HashIsDigestOfCookiesAddressAndPort) {
  auto prf = Prf::create(P1Hash::kSha256);
  Cookie ci{1, 2, 3, 4, 5, 6, 7, 8}, cr{8, 7, 6, 5, 4, 3, 2, 1};
  // 19.26.116.141 port 500, both in network order
  Bytes in = cat({ci, cr, Bytes{19, 26, 116, 141, 0x01, 0xF4}});
  Bytes want(32);
  SHA256(in.data(), in.size(), want.data());
  EXPECT_EQ(nat_d_hash(*prf, ci, cr, 0x131A748D, 500), want);
  EXPECT_NE(nat_d_hash(*prf, ci, cr, 0x131A748D, 4500), want);
}

}  // namespace
}  // namespace espgw::ike

// Tests host/ike/dh_group.cpp against keys made independently by OpenSSL from its own named
// groups (RFC 3526 "modp_*", RFC 5903 P-256/P-384): both sides must reach the same g^xy.
#include "host/ike/dh_group.hpp"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/dh.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

namespace espgw::ike {
namespace {

struct Named {
  DhGroupId id;
  const char* type;
  const char* name;
};

// An OpenSSL key from the library's own group tables (not our parameter construction).
EVP_PKEY* independent_key(const Named& n) {
  if (std::string_view(n.type) == "EC") return EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", n.name);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "DH", nullptr);
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>(n.name), 0),
                         OSSL_PARAM_construct_end()};
  EVP_PKEY* key = nullptr;
  EXPECT_GT(EVP_PKEY_keygen_init(ctx), 0);
  EXPECT_GT(EVP_PKEY_CTX_set_params(ctx, params), 0);
  EXPECT_GT(EVP_PKEY_keygen(ctx, &key), 0);
  EVP_PKEY_CTX_free(ctx);
  return key;
}

Bytes wire_public(EVP_PKEY* key, const Named& n, std::size_t size) {
  Bytes out(size);
  if (std::string_view(n.type) == "EC") {
    std::uint8_t buf[200];
    std::size_t len = 0;
    EXPECT_GT(EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, buf, sizeof buf, &len), 0);
    EXPECT_EQ(len, size + 1);
    std::copy(buf + 1, buf + len, out.begin());
  } else {
    BIGNUM* y = nullptr;
    EXPECT_GT(EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PUB_KEY, &y), 0);
    BN_bn2binpad(y, out.data(), static_cast<int>(out.size()));
    BN_free(y);
  }
  return out;
}

// The independent side's g^xy from our public value.
Bytes independent_secret(EVP_PKEY* key, const Named& n, const Bytes& our_public) {
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, n.name, 0);
  Bytes enc = our_public;
  BIGNUM* y = nullptr;
  if (std::string_view(n.type) == "EC") {
    enc.insert(enc.begin(), 0x04);
    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, enc.data(), enc.size());
  } else {
    y = BN_bin2bn(enc.data(), static_cast<int>(enc.size()), nullptr);
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, y);
  }
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX* fctx = EVP_PKEY_CTX_new_from_name(nullptr, n.type, nullptr);
  EVP_PKEY* peer = nullptr;
  EXPECT_GT(EVP_PKEY_fromdata_init(fctx), 0);
  EXPECT_GT(EVP_PKEY_fromdata(fctx, &peer, EVP_PKEY_PUBLIC_KEY, params), 0);
  EVP_PKEY_CTX* dctx = EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr);
  EXPECT_GT(EVP_PKEY_derive_init(dctx), 0);
  EXPECT_GT(EVP_PKEY_derive_set_peer(dctx, peer), 0);
  if (std::string_view(n.type) == "DH") EVP_PKEY_CTX_set_dh_pad(dctx, 1);
  std::size_t len = 0;
  EVP_PKEY_derive(dctx, nullptr, &len);
  Bytes secret(len);
  EXPECT_GT(EVP_PKEY_derive(dctx, secret.data(), &len), 0);
  secret.resize(len);
  EVP_PKEY_CTX_free(dctx);
  EVP_PKEY_free(peer);
  EVP_PKEY_CTX_free(fctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  BN_free(y);
  return secret;
}

class DhAgainstOpenSsl : public testing::TestWithParam<Named> {};

TEST_P(DhAgainstOpenSsl, BothSidesDeriveTheSameSharedSecret) {
  const Named& n = GetParam();
  auto ours = DiffieHellman::create(n.id);
  ASSERT_NE(ours, nullptr);
  ASSERT_EQ(ours->public_value().size(), dh_public_size(n.id));
  EVP_PKEY* theirs = independent_key(n);
  ASSERT_NE(theirs, nullptr);
  Bytes their_public = wire_public(theirs, n, dh_public_size(n.id));
  auto secret = ours->shared_secret(their_public);
  ASSERT_TRUE(secret);
  Bytes expected = independent_secret(theirs, n, ours->public_value());
  EXPECT_EQ(Bytes(secret->view().begin(), secret->view().end()), expected);
  // MODP secrets are padded to the prime length; ECP secrets are the x coordinate.
  EXPECT_EQ(secret->size(), std::string_view(n.type) == "EC" ? dh_public_size(n.id) / 2 : dh_public_size(n.id));
  EVP_PKEY_free(theirs);
}

INSTANTIATE_TEST_SUITE_P(Groups, DhAgainstOpenSsl,
                         testing::Values(Named{DhGroupId::kModp1536, "DH", "modp_1536"},
                                         Named{DhGroupId::kModp2048, "DH", "modp_2048"},
                                         Named{DhGroupId::kModp3072, "DH", "modp_3072"},
                                         Named{DhGroupId::kModp4096, "DH", "modp_4096"},
                                         Named{DhGroupId::kEcp256, "EC", "P-256"},
                                         Named{DhGroupId::kEcp384, "EC", "P-384"}),
                         [](const auto& info) { return std::string(info.param.name).erase(std::string(info.param.name).find_first_of("-_"), 1); });

TEST(DiffieHellman, Group2PairAgreesWithItself) {
  auto a = DiffieHellman::create(DhGroupId::kModp1024);
  auto b = DiffieHellman::create(DhGroupId::kModp1024);
  ASSERT_TRUE(a && b);
  EXPECT_TRUE(dh_group_is_weak(DhGroupId::kModp1024));
  EXPECT_EQ(*a->shared_secret(b->public_value()), *b->shared_secret(a->public_value()));
}

TEST(DiffieHellman, RejectsDegenerateAndMisSizedModpValues) {
  auto dh = DiffieHellman::create(DhGroupId::kModp2048);
  ASSERT_TRUE(dh);
  Bytes one(256, 0);
  one.back() = 1;
  EXPECT_FALSE(dh->shared_secret(one));
  Bytes zero(256, 0);
  EXPECT_FALSE(dh->shared_secret(zero));
  BIGNUM* p = BN_get_rfc3526_prime_2048(nullptr);
  Bytes p_bytes(256);
  BN_bn2binpad(p, p_bytes.data(), 256);
  EXPECT_FALSE(dh->shared_secret(p_bytes));  // y = p
  BN_sub_word(p, 1);
  BN_bn2binpad(p, p_bytes.data(), 256);
  EXPECT_FALSE(dh->shared_secret(p_bytes));  // y = p - 1 (order 2)
  BN_sub_word(p, 1);
  BN_bn2binpad(p, p_bytes.data(), 256);
  EXPECT_TRUE(dh->shared_secret(p_bytes));  // y = p - 2: the top of the valid range
  BN_free(p);
  Bytes two(256, 0);
  two.back() = 2;
  EXPECT_TRUE(dh->shared_secret(two));  // y = 2: the bottom of the valid range
  EXPECT_FALSE(dh->shared_secret(Bytes(255, 7)));
}

TEST(DiffieHellman, RejectsEcpPointOffTheCurve) {
  auto dh = DiffieHellman::create(DhGroupId::kEcp256);
  ASSERT_TRUE(dh);
  Bytes bad = dh->public_value();
  bad.back() ^= 1;  // y changed: no longer on P-256
  EXPECT_FALSE(dh->shared_secret(bad));
  EXPECT_FALSE(dh->shared_secret(Bytes(64, 0)));
  EXPECT_FALSE(dh->shared_secret(Bytes(65, 1)));
}

TEST(DiffieHellman, UnknownGroupIsRefused) {
  EXPECT_EQ(DiffieHellman::create(static_cast<DhGroupId>(1)), nullptr);
  EXPECT_FALSE(dh_group_supported(static_cast<DhGroupId>(21)));
}

}  // namespace
}  // namespace espgw::ike

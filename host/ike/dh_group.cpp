// Diffie-Hellman groups through OpenSSL 3 EVP_PKEY (RFC 2409 section 6, RFC 3526, RFC 5903).
// MODP domain parameters come from OpenSSL's built-in RFC 2409/3526 primes with g = 2.
#include "host/ike/dh_group.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/dh.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

namespace espgw::ike {

namespace {

struct BnFree { void operator()(BIGNUM* b) const { BN_free(b); } };
struct PkeyFree { void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); } };
struct CtxFree { void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); } };
struct BldFree { void operator()(OSSL_PARAM_BLD* b) const { OSSL_PARAM_BLD_free(b); } };
struct ParamFree { void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); } };
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using CtxPtr = std::unique_ptr<EVP_PKEY_CTX, CtxFree>;

bool is_ecp(DhGroupId g) { return g == DhGroupId::kEcp256 || g == DhGroupId::kEcp384; }
const char* curve_name(DhGroupId g) { return g == DhGroupId::kEcp256 ? "P-256" : "P-384"; }

BnPtr modp_prime(DhGroupId g) {
  switch (g) {
    case DhGroupId::kModp1024: return BnPtr(BN_get_rfc2409_prime_1024(nullptr));
    case DhGroupId::kModp1536: return BnPtr(BN_get_rfc3526_prime_1536(nullptr));
    case DhGroupId::kModp2048: return BnPtr(BN_get_rfc3526_prime_2048(nullptr));
    case DhGroupId::kModp3072: return BnPtr(BN_get_rfc3526_prime_3072(nullptr));
    case DhGroupId::kModp4096: return BnPtr(BN_get_rfc3526_prime_4096(nullptr));
    case DhGroupId::kEcp256:
    case DhGroupId::kEcp384: break;
  }
  return nullptr;
}

// 1 < y < p - 1 for a MODP public value given big-endian (RFC 2409: padded to |p|).
bool modp_public_in_range(DhGroupId g, ByteView y_bytes) {
  BnPtr p = modp_prime(g);
  BnPtr y(BN_bin2bn(y_bytes.data(), static_cast<int>(y_bytes.size()), nullptr));
  if (!p || !y || !BN_sub_word(p.get(), 1)) return false;  // p becomes p - 1
  return BN_cmp(y.get(), BN_value_one()) > 0 && BN_cmp(y.get(), p.get()) < 0;
}

// Builds an EVP_PKEY from OSSL params: domain parameters only, or with a public value.
PkeyPtr from_params(const char* type, OSSL_PARAM_BLD* bld, int selection) {
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld));
  CtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &key, selection, params.get()) <= 0)
    return nullptr;
  return PkeyPtr(key);
}

// Domain parameters plus (optionally) a peer public value, as an EVP_PKEY.
PkeyPtr group_key(DhGroupId g, ByteView peer_public) {
  std::unique_ptr<OSSL_PARAM_BLD, BldFree> bld(OSSL_PARAM_BLD_new());
  if (!bld) return nullptr;
  if (is_ecp(g)) {
    Bytes encoded;
    if (!peer_public.empty()) {
      encoded.push_back(0x04);  // SEC1 uncompressed point: RFC 5903 sends x || y without it
      encoded.insert(encoded.end(), peer_public.begin(), peer_public.end());
    }
    if (!OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, curve_name(g), 0)) return nullptr;
    if (!encoded.empty() &&
        !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, encoded.data(), encoded.size()))
      return nullptr;
    return from_params("EC", bld.get(), encoded.empty() ? EVP_PKEY_KEY_PARAMETERS : EVP_PKEY_PUBLIC_KEY);
  }
  BnPtr p = modp_prime(g);
  BnPtr gen(BN_new());
  if (!p || !gen || !BN_set_word(gen.get(), 2)) return nullptr;
  BnPtr pub;
  if (!peer_public.empty()) {
    pub.reset(BN_bin2bn(peer_public.data(), static_cast<int>(peer_public.size()), nullptr));
    if (!pub) return nullptr;
  }
  if (!OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_FFC_P, p.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_FFC_G, gen.get()) ||
      (pub && !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, pub.get())))
    return nullptr;
  return from_params("DH", bld.get(), pub ? EVP_PKEY_PUBLIC_KEY : EVP_PKEY_KEY_PARAMETERS);
}

}  // namespace

bool dh_group_supported(DhGroupId g) {
  switch (g) {
    case DhGroupId::kModp1024:
    case DhGroupId::kModp1536:
    case DhGroupId::kModp2048:
    case DhGroupId::kModp3072:
    case DhGroupId::kModp4096:
    case DhGroupId::kEcp256:
    case DhGroupId::kEcp384: return true;
  }
  return false;
}

bool dh_group_is_weak(DhGroupId g) { return g == DhGroupId::kModp1024 || g == DhGroupId::kModp1536; }

std::size_t dh_public_size(DhGroupId g) {
  switch (g) {
    case DhGroupId::kModp1024: return 128;
    case DhGroupId::kModp1536: return 192;
    case DhGroupId::kModp2048: return 256;
    case DhGroupId::kModp3072: return 384;
    case DhGroupId::kModp4096: return 512;
    case DhGroupId::kEcp256: return 64;
    case DhGroupId::kEcp384: return 96;
  }
  return 0;
}

const char* dh_group_name(DhGroupId g) {
  switch (g) {
    case DhGroupId::kModp1024: return "MODP 1024";
    case DhGroupId::kModp1536: return "MODP 1536";
    case DhGroupId::kModp2048: return "MODP 2048";
    case DhGroupId::kModp3072: return "MODP 3072";
    case DhGroupId::kModp4096: return "MODP 4096";
    case DhGroupId::kEcp256: return "ECP 256";
    case DhGroupId::kEcp384: return "ECP 384";
  }
  return "unknown";
}

std::unique_ptr<DiffieHellman> DiffieHellman::create(DhGroupId group) {
  if (!dh_group_supported(group)) return nullptr;
  PkeyPtr params = group_key(group, {});
  if (!params) return nullptr;
  CtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, params.get(), nullptr));
  EVP_PKEY* key = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) <= 0 || EVP_PKEY_keygen(ctx.get(), &key) <= 0) return nullptr;
  PkeyPtr owned(key);
  Bytes pub(dh_public_size(group));
  if (is_ecp(group)) {
    std::uint8_t buf[1 + 2 * 48];
    std::size_t len = 0;
    if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, buf, sizeof buf, &len) <= 0 ||
        len != pub.size() + 1 || buf[0] != 0x04)
      return nullptr;
    std::copy(buf + 1, buf + len, pub.begin());
  } else {
    BIGNUM* y = nullptr;
    if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PUB_KEY, &y) <= 0) return nullptr;
    BnPtr owned_y(y);
    // RFC 2409 section 5: g^x is sent padded with zeros to the prime's length.
    if (BN_bn2binpad(y, pub.data(), static_cast<int>(pub.size())) < 0) return nullptr;
  }
  return std::unique_ptr<DiffieHellman>(new DiffieHellman(group, owned.release(), std::move(pub)));
}

DiffieHellman::~DiffieHellman() { EVP_PKEY_free(key_); }

std::optional<SecretBytes> DiffieHellman::shared_secret(ByteView peer_public) const {
  if (peer_public.size() != dh_public_size(group_)) return std::nullopt;
  PkeyPtr peer = group_key(group_, peer_public);
  if (!peer) return std::nullopt;
  CtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key_, nullptr));
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) <= 0) return std::nullopt;
  // ECP: OpenSSL's peer check (the point is on the curve) is essential and cheap.
  // MODP: every group here has a safe prime p = 2q + 1, so 1 < y < p - 1 already excludes
  // the small subgroups (orders 1 and 2; RFC 2785 section 3.1, as strongSwan does).
  // OpenSSL's full check would add y^q mod p, a second full-size modexp that halves the
  // tunnel setup rate (bench/ike_bench.cpp), for no protection a safe prime lacks.
  if (!is_ecp(group_) && !modp_public_in_range(group_, peer_public)) return std::nullopt;
  if (EVP_PKEY_derive_set_peer_ex(ctx.get(), peer.get(), is_ecp(group_) ? 1 : 0) <= 0) return std::nullopt;
  if (!is_ecp(group_) && EVP_PKEY_CTX_set_dh_pad(ctx.get(), 1) <= 0) return std::nullopt;
  std::size_t len = 0;
  if (EVP_PKEY_derive(ctx.get(), nullptr, &len) <= 0) return std::nullopt;
  SecretBytes secret;
  secret.resize(len);
  if (EVP_PKEY_derive(ctx.get(), secret.mutable_view().data(), &len) <= 0) return std::nullopt;
  if (len != secret.size()) return std::nullopt;
  return secret;
}

}  // namespace espgw::ike

// HMAC and hash through OpenSSL EVP_MAC / EVP_Digest (RFC 2104, RFC 2409 section 4).
#include "host/ike/prf.hpp"

#include <memory>
#include <openssl/core_names.h>
#include <openssl/evp.h>

namespace espgw::ike {

namespace {
const char* digest_name(P1Hash h) {
  switch (h) {
    case P1Hash::kSha1: return "SHA1";
    case P1Hash::kSha256: return "SHA256";
    case P1Hash::kSha384: return "SHA384";
    case P1Hash::kSha512: return "SHA512";
    case P1Hash::kMd5: break;
  }
  return nullptr;
}
struct MacFree { void operator()(EVP_MAC* m) const { EVP_MAC_free(m); } };
struct MacCtxFree { void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); } };
struct MdCtxFree { void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); } };
}  // namespace

std::optional<Prf> Prf::create(P1Hash hash) {
  if (digest_name(hash) == nullptr) return std::nullopt;
  return Prf(hash);
}

std::size_t Prf::size() const {
  switch (hash_) {
    case P1Hash::kSha1: return 20;
    case P1Hash::kSha256: return 32;
    case P1Hash::kSha384: return 48;
    case P1Hash::kSha512: return 64;
    case P1Hash::kMd5: break;
  }
  return 0;
}

const char* Prf::name() const {
  switch (hash_) {
    case P1Hash::kSha1: return "SHA";
    case P1Hash::kSha256: return "SHA256";
    case P1Hash::kSha384: return "SHA384";
    case P1Hash::kSha512: return "SHA512";
    case P1Hash::kMd5: break;
  }
  return "MD5";
}

SecretBytes Prf::prf(ByteView key, std::initializer_list<ByteView> data) const {
  // One fetch per call: IKE does a few dozen PRFs per SA, far below DH cost.
  std::unique_ptr<EVP_MAC, MacFree> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
  std::unique_ptr<EVP_MAC_CTX, MacCtxFree> ctx(mac ? EVP_MAC_CTX_new(mac.get()) : nullptr);
  SecretBytes out;
  if (!ctx) return out;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest_name(hash_)), 0),
      OSSL_PARAM_construct_end()};
  // HMAC accepts an empty key; OpenSSL wants a non-null pointer for it.
  static const std::uint8_t kEmpty = 0;
  if (EVP_MAC_init(ctx.get(), key.empty() ? &kEmpty : key.data(), key.size(), params) <= 0) return out;
  for (ByteView d : data)
    if (!d.empty() && EVP_MAC_update(ctx.get(), d.data(), d.size()) <= 0) return out;
  out.resize(size());
  std::size_t len = 0;
  if (EVP_MAC_final(ctx.get(), out.mutable_view().data(), &len, out.size()) <= 0 || len != out.size()) out.clear();
  return out;
}

Bytes Prf::digest(std::initializer_list<ByteView> data) const {
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  Bytes out(size());
  unsigned len = 0;
  if (!ctx || EVP_DigestInit_ex2(ctx.get(), EVP_get_digestbyname(digest_name(hash_)), nullptr) <= 0) return {};
  for (ByteView d : data)
    if (!d.empty() && EVP_DigestUpdate(ctx.get(), d.data(), d.size()) <= 0) return {};
  if (EVP_DigestFinal_ex(ctx.get(), out.data(), &len) <= 0 || len != out.size()) return {};
  return out;
}

}  // namespace espgw::ike

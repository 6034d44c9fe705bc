// OpenSSL 3 crypto provider: the portable one. Every SA gets pre-keyed EVP_CIPHER_CTXs at
// install (AES-CBC/ECB/GCM) and precomputed HMAC inner/outer hash states (RFC 2104), so a
// packet only re-initialises the IV, copies two small structs, and never allocates.
// RFC 3602 / 4868 / 2404 / 4106 transforms.
//
// HMAC uses OpenSSL's SHA-1/SHA-256 compression through the low-level SHA API (deprecated in
// 3.0, hence OPENSSL_SUPPRESS_DEPRECATED): its contexts are plain structs, so resetting to
// the precomputed key state is a struct copy. EVP_MAC_init / EVP_MD_CTX_copy_ex would free and
// re-allocate the provider context on every packet (no_alloc_test catches that).
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <openssl/sha.h>

#include <cstring>

#include "crypto_provider.hpp"

namespace espgw::driver::cpu {
namespace {

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }  // cleanses the key schedule
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

// HMAC-SHA-256 or HMAC-SHA1 keyed once: the hash states after K ^ ipad and K ^ opad.
struct HmacKey {
  bool sha1 = false;
  SHA256_CTX inner256{}, outer256{};
  SHA_CTX inner1{}, outer1{};
};

class OpenSslSaCrypto final : public SaCrypto {
 public:
  using SaCrypto::SaCrypto;
  ~OpenSslSaCrypto() override { OPENSSL_cleanse(&hmac, sizeof hmac); }
  CipherCtx cipher;  // CBC or GCM, keyed, direction fixed at install
  CipherCtx ecb;     // CBC outbound: AES-ECB under the same key, for the IV (SP 800-38A App. C)
  HmacKey hmac;      // CBC only
};

class OpenSslProvider final : public CryptoProvider {
 public:
  OpenSslProvider() {
    aes128_cbc_ = EVP_CIPHER_fetch(nullptr, "AES-128-CBC", nullptr);
    aes256_cbc_ = EVP_CIPHER_fetch(nullptr, "AES-256-CBC", nullptr);
    aes128_ecb_ = EVP_CIPHER_fetch(nullptr, "AES-128-ECB", nullptr);
    aes256_ecb_ = EVP_CIPHER_fetch(nullptr, "AES-256-ECB", nullptr);
    aes128_gcm_ = EVP_CIPHER_fetch(nullptr, "AES-128-GCM", nullptr);
    aes256_gcm_ = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  }
  ~OpenSslProvider() override {
    for (EVP_CIPHER* c : {aes128_cbc_, aes256_cbc_, aes128_ecb_, aes256_ecb_, aes128_gcm_, aes256_gcm_}) {
      EVP_CIPHER_free(c);
    }
  }

  std::string name() const override { return "openssl"; }
  std::string description() const override { return OpenSSL_version(OPENSSL_VERSION); }

  std::unique_ptr<SaCrypto> make_sa(Transform transform, std::span<const std::uint8_t> enc_key,
                                    std::span<const std::uint8_t> auth_key, std::uint32_t salt,
                                    Direction direction) override {
    const bool k256 = enc_key.size() == 32;
    if (enc_key.size() != 16 && !k256) return nullptr;
    auto sa = std::make_unique<OpenSslSaCrypto>(transform, static_cast<std::uint32_t>(enc_key.size()), salt);
    const int enc = direction == Direction::kOutbound ? 1 : 0;
    sa->cipher.reset(EVP_CIPHER_CTX_new());
    if (!sa->cipher) return nullptr;
    if (transform == Transform::kAesGcm16) {
      if (EVP_CipherInit_ex2(sa->cipher.get(), k256 ? aes256_gcm_ : aes128_gcm_, enc_key.data(), nullptr, enc,
                             nullptr) != 1) {
        return nullptr;
      }
      return sa;
    }
    if (auth_key.empty() || auth_key.size() > kHmacBlock) return nullptr;
    if (EVP_CipherInit_ex2(sa->cipher.get(), k256 ? aes256_cbc_ : aes128_cbc_, enc_key.data(), nullptr, enc,
                           nullptr) != 1) {
      return nullptr;
    }
    EVP_CIPHER_CTX_set_padding(sa->cipher.get(), 0);  // ESP pads itself (RFC 4303 2.4)
    if (enc) {
      sa->ecb.reset(EVP_CIPHER_CTX_new());
      if (!sa->ecb || EVP_EncryptInit_ex2(sa->ecb.get(), k256 ? aes256_ecb_ : aes128_ecb_, enc_key.data(), nullptr,
                                          nullptr) != 1) {
        return nullptr;
      }
      EVP_CIPHER_CTX_set_padding(sa->ecb.get(), 0);
    }
    // RFC 2104: K padded with zeros to one block, xor ipad / opad, one compression each.
    sa->hmac.sha1 = transform == Transform::kAesCbcHmacSha1;
    std::uint8_t block[kHmacBlock];
    for (int pass = 0; pass < 2; ++pass) {
      std::memset(block, pass == 0 ? 0x36 : 0x5c, sizeof block);
      for (std::size_t i = 0; i < auth_key.size(); ++i) block[i] ^= auth_key[i];
      if (sa->hmac.sha1) {
        SHA_CTX* c = pass == 0 ? &sa->hmac.inner1 : &sa->hmac.outer1;
        SHA1_Init(c);
        SHA1_Update(c, block, sizeof block);
      } else {
        SHA256_CTX* c = pass == 0 ? &sa->hmac.inner256 : &sa->hmac.outer256;
        SHA256_Init(c);
        SHA256_Update(c, block, sizeof block);
      }
    }
    OPENSSL_cleanse(block, sizeof block);
    return sa;
  }

  void encrypt_burst(std::span<CryptoOp> ops) override {
    for (CryptoOp& op : ops) {
      const auto& sa = static_cast<const OpenSslSaCrypto&>(*op.sa);
      op.ok = sa.is_gcm() ? gcm(op, sa, true) : cbc_encrypt(op, sa);
    }
  }

  void decrypt_burst(std::span<CryptoOp> ops) override {
    for (CryptoOp& op : ops) {
      const auto& sa = static_cast<const OpenSslSaCrypto&>(*op.sa);
      op.ok = sa.is_gcm() ? gcm(op, sa, false) : cbc_decrypt(op, sa);
    }
  }

 private:
  static bool gcm(CryptoOp& op, const OpenSslSaCrypto& sa, bool encrypt) {
    EVP_CIPHER_CTX* c = sa.cipher.get();
    int outl = 0;
    std::uint8_t* data = op.base + op.cipher_offset;
    const int len = static_cast<int>(op.cipher_len);
    if (EVP_CipherInit_ex(c, nullptr, nullptr, nullptr, op.nonce, -1) != 1) return false;
    if (op.aad_len && EVP_CipherUpdate(c, nullptr, &outl, op.aad, static_cast<int>(op.aad_len)) != 1) return false;
    if (len && EVP_CipherUpdate(c, data, &outl, data, len) != 1) return false;
    if (encrypt) {
      if (EVP_CipherFinal_ex(c, data + outl, &outl) != 1) return false;
      return EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, static_cast<int>(kMaxIcvLen), op.icv) == 1;
    }
    // The tag comparison inside EVP_DecryptFinal is constant time (CRYPTO_memcmp).
    if (EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, static_cast<int>(kMaxIcvLen), op.icv) != 1) return false;
    return EVP_CipherFinal_ex(c, data + outl, &outl) == 1;
  }

  // HMAC(K, m) = H(K ^ opad || H(K ^ ipad || m)) from the precomputed states. The stack
  // copies hold key-equivalent state only until the first Update moves them on.
  static bool hmac(const CryptoOp& op, const OpenSslSaCrypto& sa, std::uint8_t* out) {
    std::uint8_t inner[SHA256_DIGEST_LENGTH];
    std::uint8_t full[SHA256_DIGEST_LENGTH];
    const std::uint8_t* data = op.base + op.auth_offset;
    if (sa.hmac.sha1) {
      SHA_CTX c = sa.hmac.inner1;
      SHA1_Update(&c, data, op.auth_len);
      SHA1_Final(inner, &c);
      c = sa.hmac.outer1;
      SHA1_Update(&c, inner, SHA_DIGEST_LENGTH);
      SHA1_Final(full, &c);
    } else {
      SHA256_CTX c = sa.hmac.inner256;
      SHA256_Update(&c, data, op.auth_len);
      SHA256_Final(inner, &c);
      c = sa.hmac.outer256;
      SHA256_Update(&c, inner, SHA256_DIGEST_LENGTH);
      SHA256_Final(full, &c);
    }
    std::memcpy(out, full, sa.icv_len());
    return true;
  }

  static bool cbc_encrypt(CryptoOp& op, const OpenSslSaCrypto& sa) {
    int outl = 0;
    if (EVP_EncryptUpdate(sa.ecb.get(), op.iv, &outl, op.iv_seed, kCbcIvLen) != 1) return false;
    EVP_CIPHER_CTX* c = sa.cipher.get();
    std::uint8_t* data = op.base + op.cipher_offset;
    if (EVP_CipherInit_ex(c, nullptr, nullptr, nullptr, op.iv, -1) != 1) return false;
    if (op.cipher_len && EVP_CipherUpdate(c, data, &outl, data, static_cast<int>(op.cipher_len)) != 1) return false;
    return hmac(op, sa, op.icv);
  }

  static bool cbc_decrypt(CryptoOp& op, const OpenSslSaCrypto& sa) {
    // Encrypt-then-MAC: verify first, decrypt only authentic packets.
    if (!hmac(op, sa, op.icv_calc)) return false;
    if (CRYPTO_memcmp(op.icv_calc, op.icv, sa.icv_len()) != 0) return false;
    int outl = 0;
    EVP_CIPHER_CTX* c = sa.cipher.get();
    std::uint8_t* data = op.base + op.cipher_offset;
    if (EVP_CipherInit_ex(c, nullptr, nullptr, nullptr, op.iv, -1) != 1) return false;
    return op.cipher_len == 0 || EVP_CipherUpdate(c, data, &outl, data, static_cast<int>(op.cipher_len)) == 1;
  }

  EVP_CIPHER* aes128_cbc_ = nullptr;
  EVP_CIPHER* aes256_cbc_ = nullptr;
  EVP_CIPHER* aes128_ecb_ = nullptr;
  EVP_CIPHER* aes256_ecb_ = nullptr;
  EVP_CIPHER* aes128_gcm_ = nullptr;
  EVP_CIPHER* aes256_gcm_ = nullptr;
};

}  // namespace

std::unique_ptr<CryptoProvider> make_openssl_provider() { return std::make_unique<OpenSslProvider>(); }

}  // namespace espgw::driver::cpu

// OpenSSL 3 EVP crypto provider: the portable one. Every SA gets pre-keyed contexts at
// install (EVP_CIPHER_CTX for AES-CBC/ECB/GCM, EVP_MAC_CTX for HMAC), so a packet only
// re-initialises the IV and never allocates. RFC 3602 / 4868 / 2404 / 4106 transforms.
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>

#include <cstring>

#include "crypto_provider.hpp"

namespace espgw::driver::cpu {
namespace {

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }  // cleanses the key schedule
};
struct MacCtxDeleter {
  void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }  // cleanses the HMAC state
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;
using MacCtx = std::unique_ptr<EVP_MAC_CTX, MacCtxDeleter>;

class OpenSslSaCrypto final : public SaCrypto {
 public:
  using SaCrypto::SaCrypto;
  CipherCtx cipher;  // CBC or GCM, keyed, direction fixed at install
  CipherCtx ecb;     // CBC outbound: AES-ECB under the same key, for the IV (SP 800-38A App. C)
  MacCtx mac;        // CBC: HMAC keyed once; EVP_MAC_init(NULL key) re-initialises per packet
  std::uint32_t mac_full_len = 0;
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
    hmac_ = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  }
  ~OpenSslProvider() override {
    for (EVP_CIPHER* c : {aes128_cbc_, aes256_cbc_, aes128_ecb_, aes256_ecb_, aes128_gcm_, aes256_gcm_}) {
      EVP_CIPHER_free(c);
    }
    EVP_MAC_free(hmac_);
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
    sa->mac.reset(EVP_MAC_CTX_new(hmac_));
    if (!sa->mac) return nullptr;
    const bool sha1 = transform == Transform::kAesCbcHmacSha1;
    char digest[8];
    std::strcpy(digest, sha1 ? "SHA1" : "SHA256");
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_END};
    if (EVP_MAC_init(sa->mac.get(), auth_key.data(), auth_key.size(), params) != 1) return nullptr;
    sa->mac_full_len = sha1 ? 20 : 32;
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

  static bool hmac(CryptoOp& op, const OpenSslSaCrypto& sa, std::uint8_t* out) {
    std::uint8_t full[32];
    std::size_t outl = 0;
    EVP_MAC_CTX* m = sa.mac.get();
    if (EVP_MAC_init(m, nullptr, 0, nullptr) != 1) return false;
    if (EVP_MAC_update(m, op.base + op.auth_offset, op.auth_len) != 1) return false;
    if (EVP_MAC_final(m, full, &outl, sizeof full) != 1) return false;
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
  EVP_MAC* hmac_ = nullptr;
};

}  // namespace

std::unique_ptr<CryptoProvider> make_openssl_provider() { return std::make_unique<OpenSslProvider>(); }

}  // namespace espgw::driver::cpu

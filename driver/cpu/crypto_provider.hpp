// CryptoProvider: the one interface between ESP framing (esp_outbound/esp_inbound) and the
// crypto libraries (intel-ipsec-mb, OpenSSL EVP). Framing builds a burst of CryptoOps; the
// provider runs the whole burst at once (multi-buffer crypto needs many jobs in flight).
// Transforms: AES-CBC + HMAC-SHA-256-128 / HMAC-SHA1-96 (RFC 3602, 4868, 2404), AES-GCM-16 (RFC 4106).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "espgw/driver/sa_config.hpp"

namespace espgw::driver::cpu {

inline constexpr std::uint32_t kCbcBlock = 16;
inline constexpr std::uint32_t kCbcIvLen = 16;
inline constexpr std::uint32_t kGcmIvLen = 8;     // explicit IV on the wire (RFC 4106 section 3)
inline constexpr std::uint32_t kGcmNonceLen = 12; // salt (4) || explicit IV (8)
inline constexpr std::uint32_t kMaxIcvLen = 16;
inline constexpr std::uint32_t kHmacBlock = 64;   // SHA-1 and SHA-256 block size

// Key material of one SA as the provider precomputed it at install (key schedules, GCM hash
// key tables, HMAC ipad/opad states, or pre-keyed EVP contexts). Destruction zeroizes it.
class SaCrypto {
 public:
  SaCrypto(Transform transform, std::uint32_t key_len, std::uint32_t salt)
      : transform_(transform), key_len_(key_len), salt_(salt) {}
  virtual ~SaCrypto() = default;
  SaCrypto(const SaCrypto&) = delete;
  SaCrypto& operator=(const SaCrypto&) = delete;

  Transform transform() const { return transform_; }
  std::uint32_t key_len() const { return key_len_; }
  std::uint32_t salt() const { return salt_; }
  bool is_gcm() const { return transform_ == Transform::kAesGcm16; }
  std::uint32_t icv_len() const { return transform_ == Transform::kAesCbcHmacSha1 ? 12 : 16; }

 private:
  Transform transform_;
  std::uint32_t key_len_;
  std::uint32_t salt_;
};

// One packet's crypto. All offsets are from `base` (the ESP header for packets; any buffer
// for known-answer tests). Cipher and authentication run in place.
struct CryptoOp {
  const SaCrypto* sa = nullptr;
  std::uint8_t* base = nullptr;
  std::uint32_t cipher_offset = 0;  // first byte to encrypt/decrypt
  std::uint32_t cipher_len = 0;     // CBC: a multiple of 16
  // CBC + HMAC: bytes [auth_offset, auth_offset + auth_len) are MACed (after encryption /
  // before decryption: encrypt-then-MAC, RFC 4303 section 3.3.2.1).
  std::uint32_t auth_offset = 0;
  std::uint32_t auth_len = 0;
  // CBC: the 16-byte IV inside the buffer. On encrypt the provider first writes
  // IV = AES-Encrypt_K(iv_seed) there (NIST SP 800-38A Appendix C), then encrypts.
  std::uint8_t* iv = nullptr;
  alignas(16) std::uint8_t iv_seed[16] = {};
  // GCM: nonce = salt || explicit IV; AAD (RFC 4106 section 5: SPI || [seq_hi ||] seq_lo).
  alignas(16) std::uint8_t nonce[kGcmNonceLen] = {};
  const std::uint8_t* aad = nullptr;
  std::uint32_t aad_len = 0;
  std::uint8_t aad_buf[12] = {};  // ESN AAD is not contiguous in the packet; built here
  // Encrypt: the provider writes the ICV here. Decrypt: the received ICV, compared in
  // constant time with the one computed into icv_calc.
  alignas(16) std::uint8_t icv[kMaxIcvLen] = {};
  alignas(16) std::uint8_t icv_calc[kMaxIcvLen] = {};
  // Encrypt: the library completed the job. Decrypt: the ICV matched and the payload is
  // decrypted. False means drop the packet.
  bool ok = false;
};

class CryptoProvider {
 public:
  virtual ~CryptoProvider() = default;
  // "ipsec-mb" or "openssl".
  virtual std::string name() const = 0;
  // e.g. "intel-ipsec-mb 1.3.0 (avx512)" or "OpenSSL 3.0.x".
  virtual std::string description() const = 0;

  // Precomputes per-SA key material. enc_key: 16 or 32 bytes. auth_key: HMAC key of at most
  // 64 bytes (empty for GCM). Returns nullptr when the library refuses the key.
  virtual std::unique_ptr<SaCrypto> make_sa(Transform transform, std::span<const std::uint8_t> enc_key,
                                            std::span<const std::uint8_t> auth_key, std::uint32_t salt,
                                            Direction direction) = 0;

  // Runs a burst. Encrypt: derive CBC IVs, encrypt, compute ICVs into op.icv.
  // Decrypt: compute ICVs, compare with op.icv (CRYPTO_memcmp), decrypt; sets op.ok.
  // Must not allocate. Ops may belong to different SAs and transforms.
  virtual void encrypt_burst(std::span<CryptoOp> ops) = 0;
  virtual void decrypt_burst(std::span<CryptoOp> ops) = 0;
};

// Factories. make_ipsec_mb_provider returns nullptr when the CPU lacks AES-NI or the library
// cannot initialise (the reason goes to *why).
std::unique_ptr<CryptoProvider> make_openssl_provider();
std::unique_ptr<CryptoProvider> make_ipsec_mb_provider(std::string* why);

// "auto" | "ipsec-mb" | "openssl"; throws std::runtime_error naming the problem.
std::unique_ptr<CryptoProvider> make_provider(const std::string& name);

}  // namespace espgw::driver::cpu

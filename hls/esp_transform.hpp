// The ESP transforms on one packet's bytes: AES-GCM with a 16-byte ICV (RFC 4106, SP
// 800-38D), AES-CBC (RFC 3602) with the IV derived from the sequence number, and the
// HMAC-SHA-256-128 (RFC 4868) / HMAC-SHA1-96 (RFC 2404) ICV.
#pragma once

#include <cstdint>

#include "hls/kernel_state.hpp"

namespace espgw::hls {

// Encrypts (or decrypts) data in place with GCM and writes the tag over AAD || ciphertext.
void esp_gcm(const SaSlot& sa, bool encrypt, const std::uint8_t* aad, std::uint32_t aad_len,
             const std::uint8_t iv[8], std::uint8_t* data, std::uint32_t len, std::uint8_t tag[16]);

// CBC IV for sequence number seq: AES-Encrypt_K(0^64 || seq64 big-endian). Unpredictable
// to an attacker without K, never repeating under one SA (RFC 3602 section 3).
void esp_cbc_iv(const SaSlot& sa, std::uint64_t seq, std::uint8_t iv[16]);
void esp_cbc_encrypt(const SaSlot& sa, const std::uint8_t iv[16], std::uint8_t* data, std::uint32_t len);
void esp_cbc_decrypt(const SaSlot& sa, const std::uint8_t iv[16], std::uint8_t* data, std::uint32_t len);

// ICV over data (ESP header .. end of ciphertext), then the ESN high half when esn
// (RFC 4303 section 2.2.1); returns the ICV length (16 or 12).
std::uint32_t esp_hmac_icv(const SaSlot& sa, const std::uint8_t* data, std::uint32_t len, bool esn,
                           std::uint32_t seq_hi, std::uint8_t icv[16]);
std::uint32_t esp_icv_len(rm::Transform t);
std::uint32_t esp_iv_len(rm::Transform t);

// Constant-time comparison: no early exit on the first differing byte.
bool esp_icv_equal(const std::uint8_t* a, const std::uint8_t* b, std::uint32_t len);

inline void store_be32(std::uint8_t* p, std::uint32_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 24);
  p[1] = static_cast<std::uint8_t>(v >> 16);
  p[2] = static_cast<std::uint8_t>(v >> 8);
  p[3] = static_cast<std::uint8_t>(v);
}
inline void store_be16(std::uint8_t* p, std::uint32_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
inline std::uint32_t load_be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}
inline std::uint32_t load_be16(const std::uint8_t* p) { return (std::uint32_t{p[0]} << 8) | p[1]; }

// RFC 791 header checksum over len bytes (the checksum field must be zero or included).
std::uint32_t ipv4_checksum(const std::uint8_t* hdr, std::uint32_t len);

}  // namespace espgw::hls

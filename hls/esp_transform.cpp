// ESP transforms (RFC 4106 GCM, RFC 3602 CBC, RFC 4868/2404 HMAC ICVs) over the kernel's
// AES, GHASH, SHA-256 and SHA-1 blocks. Loops walk 16-byte blocks, as the datapath does.
#include "hls/esp_transform.hpp"

#include "hls/sa_table.hpp"
#include "hls/sha1.hpp"
#include "hls/sha256.hpp"

namespace espgw::hls {

std::uint32_t esp_icv_len(rm::Transform t) { return t == rm::Transform::kAesCbcHmacSha1 ? 12 : 16; }
std::uint32_t esp_iv_len(rm::Transform t) { return t == rm::Transform::kAesGcm16 ? 8 : 16; }

void esp_gcm(const SaSlot& sa, bool encrypt, const std::uint8_t* aad, std::uint32_t aad_len,
             const std::uint8_t iv[8], std::uint8_t* data, std::uint32_t len, std::uint8_t tag[16]) {
  // J0 = salt || IV || 0x00000001 (RFC 4106 section 4; SP 800-38D for a 96-bit IV).
  std::uint8_t j0[16];
  store_be32(j0, sa.rec[rm::sa_word::kSalt]);
  for (unsigned i = 0; i < 8; ++i) j0[4 + i] = iv[i];
  store_be32(j0 + 12, 1);
  Ghash g;
  ghash_init(g, sa.ghash_h);
  for (std::uint32_t off = 0; off < aad_len; off += 16)
    ghash_block(g, aad + off, aad_len - off < 16 ? aad_len - off : 16);
  std::uint8_t ctr[16];
  for (unsigned i = 0; i < 16; ++i) ctr[i] = j0[i];
  for (std::uint32_t off = 0; off < len; off += 16) {
#pragma HLS PIPELINE II = 1
    const std::uint32_t n = len - off < 16 ? len - off : 16;
    store_be32(ctr + 12, load_be32(ctr + 12) + 1);  // inc32
    std::uint8_t ks[16];
    aes_encrypt_block(sa.aes, ctr, ks);
    if (!encrypt) ghash_block(g, data + off, n);
    for (std::uint32_t i = 0; i < n; ++i) data[off + i] ^= ks[i];
    if (encrypt) ghash_block(g, data + off, n);
  }
  std::uint8_t lens[16];
  const std::uint64_t aad_bits = std::uint64_t{aad_len} * 8, ct_bits = std::uint64_t{len} * 8;
  for (unsigned i = 0; i < 8; ++i) {
    lens[i] = static_cast<std::uint8_t>(aad_bits >> (56 - 8 * i));
    lens[8 + i] = static_cast<std::uint8_t>(ct_bits >> (56 - 8 * i));
  }
  ghash_block(g, lens, 16);
  std::uint8_t s[16], ek[16];
  block_to_bytes(g.y, s);
  aes_encrypt_block(sa.aes, j0, ek);
  for (unsigned i = 0; i < 16; ++i) tag[i] = s[i] ^ ek[i];
}

void esp_cbc_iv(const SaSlot& sa, std::uint64_t seq, std::uint8_t iv[16]) {
  std::uint8_t in[16] = {};
  store_be32(in + 8, static_cast<std::uint32_t>(seq >> 32));
  store_be32(in + 12, static_cast<std::uint32_t>(seq));
  aes_encrypt_block(sa.aes, in, iv);
}

void esp_cbc_encrypt(const SaSlot& sa, const std::uint8_t iv[16], std::uint8_t* data, std::uint32_t len) {
  std::uint8_t chain[16];
  for (unsigned i = 0; i < 16; ++i) chain[i] = iv[i];
  for (std::uint32_t off = 0; off + 16 <= len; off += 16) {
    for (unsigned i = 0; i < 16; ++i) chain[i] ^= data[off + i];
    aes_encrypt_block(sa.aes, chain, chain);
    for (unsigned i = 0; i < 16; ++i) data[off + i] = chain[i];
  }
}

void esp_cbc_decrypt(const SaSlot& sa, const std::uint8_t iv[16], std::uint8_t* data, std::uint32_t len) {
  std::uint8_t prev[16];
  for (unsigned i = 0; i < 16; ++i) prev[i] = iv[i];
  for (std::uint32_t off = 0; off + 16 <= len; off += 16) {
    std::uint8_t c[16], p[16];
    for (unsigned i = 0; i < 16; ++i) c[i] = data[off + i];
    aes_decrypt_block(sa.aes, c, p);
    for (unsigned i = 0; i < 16; ++i) {
      data[off + i] = p[i] ^ prev[i];
      prev[i] = c[i];
    }
  }
}

std::uint32_t esp_hmac_icv(const SaSlot& sa, const std::uint8_t* data, std::uint32_t len, bool esn,
                           std::uint32_t seq_hi, std::uint8_t icv[16]) {
  std::uint8_t hi[4];
  store_be32(hi, seq_hi);
  if (sa_transform(sa) == rm::Transform::kAesCbcHmacSha1) {
    Sha1Stream s;
    sha1_resume(s, sa.auth_inner);
    sha1_update(s, data, len);
    if (esn) sha1_update(s, hi, 4);
    std::uint8_t inner[20], mac[20];
    sha1_final(s, inner);
    hmac_sha1_outer(sa.auth_outer, inner, mac);
    for (unsigned i = 0; i < 12; ++i) icv[i] = mac[i];
    return 12;
  }
  Sha256Stream s;
  sha256_resume(s, sa.auth_inner);
  sha256_update(s, data, len);
  if (esn) sha256_update(s, hi, 4);
  std::uint8_t inner[32], mac[32];
  sha256_final(s, inner);
  hmac_sha256_outer(sa.auth_outer, inner, mac);
  for (unsigned i = 0; i < 16; ++i) icv[i] = mac[i];
  return 16;
}

bool esp_icv_equal(const std::uint8_t* a, const std::uint8_t* b, std::uint32_t len) {
  std::uint8_t diff = 0;
  for (std::uint32_t i = 0; i < len; ++i) diff |= a[i] ^ b[i];
  return diff == 0;
}

std::uint32_t ipv4_checksum(const std::uint8_t* hdr, std::uint32_t len) {
  std::uint32_t sum = 0;
  for (std::uint32_t i = 0; i + 1 < len; i += 2) sum += load_be16(hdr + i);
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return ~sum & 0xFFFF;
}

}  // namespace espgw::hls

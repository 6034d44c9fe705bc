// A deliberately plain ESP tunnel-mode encapsulator for tests, written from RFC 4303/4106/
// 4304/3948 and SP 800-38A App. C with one-shot OpenSSL calls (a fresh EVP context per
// packet, HMAC() one-shot), independent of the backend's providers and framing. Tests use it
// to check outbound bytes and to craft packets the backend would never send (bad padding,
// wrong next header, selector misses) with a valid ICV.
#pragma once

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "esp_test_util.hpp"

namespace espgw::driver::cpu::test {

inline void put32(std::vector<std::uint8_t>& v, std::uint32_t x) {
  for (int i = 3; i >= 0; --i) v.push_back(static_cast<std::uint8_t>(x >> (8 * i)));
}
inline void put16(std::vector<std::uint8_t>& v, std::uint16_t x) {
  v.push_back(static_cast<std::uint8_t>(x >> 8));
  v.push_back(static_cast<std::uint8_t>(x));
}

// inner || 1,2,3..pad || pad_len || next_header, padded to `align` (RFC 4303 2.4).
inline std::vector<std::uint8_t> esp_plaintext(const std::vector<std::uint8_t>& inner, std::uint32_t align,
                                               std::uint8_t next_header = 4) {
  std::vector<std::uint8_t> p = inner;
  const std::uint32_t pad = (align - (inner.size() + 2) % align) % align;
  for (std::uint32_t i = 1; i <= pad; ++i) p.push_back(static_cast<std::uint8_t>(i));
  p.push_back(static_cast<std::uint8_t>(pad));
  p.push_back(next_header);
  return p;
}

// The whole outer datagram for sequence number `seq` carrying `plaintext` (trailer included).
inline std::vector<std::uint8_t> reference_encap(const SaConfig& c, std::uint64_t seq,
                                                 const std::vector<std::uint8_t>& plaintext, std::uint8_t tos = 0,
                                                 bool inner_df = false) {
  const bool gcm = c.transform == Transform::kAesGcm16;
  const bool k256 = c.enc_key.size() == 32;
  const std::uint8_t* key = c.enc_key.view().data();
  std::vector<std::uint8_t> esp;
  put32(esp, c.spi);
  put32(esp, static_cast<std::uint32_t>(seq));
  std::vector<std::uint8_t> ct(plaintext.size() + 16);
  int l1 = 0, l2 = 0;
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  if (gcm) {
    std::vector<std::uint8_t> iv;
    put32(iv, static_cast<std::uint32_t>(seq >> 32));
    put32(iv, static_cast<std::uint32_t>(seq));
    std::vector<std::uint8_t> nonce;
    put32(nonce, c.salt);
    nonce.insert(nonce.end(), iv.begin(), iv.end());
    std::vector<std::uint8_t> aad;
    put32(aad, c.spi);
    if (c.esn) put32(aad, static_cast<std::uint32_t>(seq >> 32));
    put32(aad, static_cast<std::uint32_t>(seq));
    std::uint8_t tag[16];
    EVP_EncryptInit_ex(ctx, k256 ? EVP_aes_256_gcm() : EVP_aes_128_gcm(), nullptr, key, nonce.data());
    EVP_EncryptUpdate(ctx, nullptr, &l1, aad.data(), static_cast<int>(aad.size()));
    EVP_EncryptUpdate(ctx, ct.data(), &l1, plaintext.data(), static_cast<int>(plaintext.size()));
    EVP_EncryptFinal_ex(ctx, ct.data() + l1, &l2);
    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag);
    esp.insert(esp.end(), iv.begin(), iv.end());
    esp.insert(esp.end(), ct.begin(), ct.begin() + l1 + l2);
    esp.insert(esp.end(), tag, tag + 16);
  } else {
    std::uint8_t seed[16] = {};
    for (int i = 0; i < 8; ++i) seed[8 + i] = static_cast<std::uint8_t>(seq >> (56 - 8 * i));
    std::uint8_t iv[32];
    EVP_EncryptInit_ex(ctx, k256 ? EVP_aes_256_ecb() : EVP_aes_128_ecb(), nullptr, key, nullptr);
    EVP_CIPHER_CTX_set_padding(ctx, 0);
    EVP_EncryptUpdate(ctx, iv, &l1, seed, 16);
    EVP_CIPHER_CTX_reset(ctx);
    EVP_EncryptInit_ex(ctx, k256 ? EVP_aes_256_cbc() : EVP_aes_128_cbc(), nullptr, key, iv);
    EVP_CIPHER_CTX_set_padding(ctx, 0);
    if (EVP_EncryptUpdate(ctx, ct.data(), &l1, plaintext.data(), static_cast<int>(plaintext.size())) != 1) {
      throw std::runtime_error("reference_encap: plaintext not block aligned");
    }
    esp.insert(esp.end(), iv, iv + 16);
    esp.insert(esp.end(), ct.begin(), ct.begin() + l1);
    std::vector<std::uint8_t> mac_input = esp;
    if (c.esn) put32(mac_input, static_cast<std::uint32_t>(seq >> 32));
    const bool sha1 = c.transform == Transform::kAesCbcHmacSha1;
    std::uint8_t mac[32];
    unsigned mac_len = 0;
    HMAC(sha1 ? EVP_sha1() : EVP_sha256(), c.auth_key.view().data(), static_cast<int>(c.auth_key.size()),
         mac_input.data(), mac_input.size(), mac, &mac_len);
    esp.insert(esp.end(), mac, mac + (sha1 ? 12 : 16));
  }
  EVP_CIPHER_CTX_free(ctx);

  std::vector<std::uint8_t> out;
  const std::uint32_t total = 20 + (c.udp_encap ? 8 : 0) + static_cast<std::uint32_t>(esp.size());
  out.push_back(0x45);
  out.push_back(tos);
  put16(out, static_cast<std::uint16_t>(total));
  put16(out, static_cast<std::uint16_t>(seq));
  const bool df = c.df == DfPolicy::kSet || (c.df == DfPolicy::kCopy && inner_df);
  out.push_back(df ? 0x40 : 0);
  out.push_back(0);
  out.push_back(c.ttl);
  out.push_back(c.udp_encap ? 17 : 50);
  put16(out, 0);
  put32(out, c.tunnel_src);
  put32(out, c.tunnel_dst);
  const std::uint16_t csum = ipv4_checksum(out.data(), 20);
  out[10] = static_cast<std::uint8_t>(csum >> 8);
  out[11] = static_cast<std::uint8_t>(csum);
  if (c.udp_encap) {
    put16(out, c.udp_encap->src_port);
    put16(out, c.udp_encap->dst_port);
    put16(out, static_cast<std::uint16_t>(8 + esp.size()));
    put16(out, 0);
  }
  out.insert(out.end(), esp.begin(), esp.end());
  return out;
}

}  // namespace espgw::driver::cpu::test

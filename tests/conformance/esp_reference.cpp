// Test-side ESP encapsulation on OpenSSL EVP (see esp_reference.hpp). Kept deliberately
// plain: one packet at a time, no shared code with any backend.
#include "esp_reference.hpp"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

namespace espgw::conformance {

namespace {

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

void check(int ok, const char* what) {
  if (ok != 1) throw std::runtime_error(std::string("reference_encap: OpenSSL ") + what + " failed");
}

void put16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
void put32(std::uint8_t* p, std::uint32_t v) {
  put16(p, static_cast<std::uint16_t>(v >> 16));
  put16(p + 2, static_cast<std::uint16_t>(v));
}
void put64(std::uint8_t* p, std::uint64_t v) {
  put32(p, static_cast<std::uint32_t>(v >> 32));
  put32(p + 4, static_cast<std::uint32_t>(v));
}

const EVP_CIPHER* aes(std::size_t key_bytes, const char* mode) {
  std::string m(mode);
  if (m == "ecb") return key_bytes == 16 ? EVP_aes_128_ecb() : EVP_aes_256_ecb();
  if (m == "cbc") return key_bytes == 16 ? EVP_aes_128_cbc() : EVP_aes_256_cbc();
  return key_bytes == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm();
}

Bytes cbc_encrypt(const SaConfig& sa, std::span<const std::uint8_t> iv, std::span<const std::uint8_t> plain) {
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  check(EVP_EncryptInit_ex(ctx.get(), aes(sa.enc_key.size(), "cbc"), nullptr, sa.enc_key.view().data(), iv.data()),
        "CBC init");
  EVP_CIPHER_CTX_set_padding(ctx.get(), 0);
  Bytes out(plain.size() + 16);
  int n = 0, m = 0;
  check(EVP_EncryptUpdate(ctx.get(), out.data(), &n, plain.data(), static_cast<int>(plain.size())), "CBC update");
  check(EVP_EncryptFinal_ex(ctx.get(), out.data() + n, &m), "CBC final (payload not block aligned?)");
  out.resize(static_cast<std::size_t>(n + m));
  return out;
}

Bytes hmac(const SaConfig& sa, std::span<const std::uint8_t> data) {
  const char* digest = sa.transform == Transform::kAesCbcHmacSha1 ? "SHA1" : "SHA256";
  std::uint8_t mac[EVP_MAX_MD_SIZE];
  std::size_t len = 0;
  if (!EVP_Q_mac(nullptr, "HMAC", nullptr, digest, nullptr, sa.auth_key.view().data(), sa.auth_key.size(),
                 data.data(), data.size(), mac, sizeof mac, &len))
    throw std::runtime_error("reference_encap: HMAC failed");
  return Bytes(mac, mac + icv_bytes(sa.transform));  // truncated: -96 / -128
}

}  // namespace

Bytes reference_cbc_iv(const SaConfig& sa, std::uint64_t seq) {
  std::uint8_t block[16] = {};
  put64(block + 8, seq);
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  check(EVP_EncryptInit_ex(ctx.get(), aes(sa.enc_key.size(), "ecb"), nullptr, sa.enc_key.view().data(), nullptr),
        "ECB init");
  EVP_CIPHER_CTX_set_padding(ctx.get(), 0);
  Bytes iv(16);
  int n = 0;
  check(EVP_EncryptUpdate(ctx.get(), iv.data(), &n, block, 16), "ECB update");
  return iv;
}

Bytes reference_encap(const SaConfig& sa, std::span<const std::uint8_t> inner, std::uint64_t seq,
                      const EspCraft& craft) {
  const bool gcm = sa.transform == Transform::kAesGcm16;
  const std::size_t align = gcm ? 4 : 16;  // RFC 4106 3 (4-byte) / RFC 3602 (cipher block)

  // ESP payload plaintext: inner packet, padding, pad length, next header (RFC 4303 2.4-2.6).
  Bytes plain(inner.begin(), inner.end());
  Bytes padding;
  if (craft.padding) {
    padding = *craft.padding;
  } else {
    std::size_t n = (align - (inner.size() + 2) % align) % align;
    for (std::size_t i = 1; i <= n; ++i) padding.push_back(static_cast<std::uint8_t>(i));
  }
  plain.insert(plain.end(), padding.begin(), padding.end());
  plain.push_back(craft.pad_length.value_or(static_cast<std::uint8_t>(padding.size())));
  plain.push_back(craft.next_header.value_or(4));

  Bytes esp(8);
  put32(&esp[0], sa.spi);
  put32(&esp[4], static_cast<std::uint32_t>(seq));
  const std::uint32_t seq_hi = static_cast<std::uint32_t>(seq >> 32);

  if (gcm) {
    std::uint8_t nonce[12];
    put32(nonce, sa.salt);
    put64(nonce + 4, seq);
    Bytes aad(esp.begin(), esp.begin() + 4);  // SPI || [seq_hi] || seq_lo (RFC 4106 5)
    if (sa.esn) {
      aad.resize(8);
      put32(&aad[4], seq_hi);
    }
    aad.insert(aad.end(), esp.begin() + 4, esp.end());
    CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    check(EVP_EncryptInit_ex(ctx.get(), aes(sa.enc_key.size(), "gcm"), nullptr, nullptr, nullptr), "GCM init");
    check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, 12, nullptr), "GCM ivlen");
    check(EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, sa.enc_key.view().data(), nonce), "GCM key");
    int n = 0;
    check(EVP_EncryptUpdate(ctx.get(), nullptr, &n, aad.data(), static_cast<int>(aad.size())), "GCM aad");
    Bytes ct(plain.size());
    check(EVP_EncryptUpdate(ctx.get(), ct.data(), &n, plain.data(), static_cast<int>(plain.size())), "GCM update");
    int m = 0;
    check(EVP_EncryptFinal_ex(ctx.get(), ct.data() + n, &m), "GCM final");
    std::uint8_t tag[16];
    check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, tag), "GCM tag");
    esp.insert(esp.end(), nonce + 4, nonce + 12);
    esp.insert(esp.end(), ct.begin(), ct.end());
    esp.insert(esp.end(), tag, tag + 16);
  } else {
    Bytes iv = reference_cbc_iv(sa, seq);
    Bytes ct = cbc_encrypt(sa, iv, plain);
    esp.insert(esp.end(), iv.begin(), iv.end());
    esp.insert(esp.end(), ct.begin(), ct.end());
    Bytes authed = esp;
    if (sa.esn) {  // RFC 4303 3.3.2.2 / RFC 4304: seq_hi is authenticated, not sent
      authed.resize(authed.size() + 4);
      put32(&authed[authed.size() - 4], seq_hi);
    }
    Bytes icv = hmac(sa, authed);
    esp.insert(esp.end(), icv.begin(), icv.end());
  }

  Bytes out(20, 0);
  const std::uint8_t inner_tos = inner.size() > 1 ? inner[1] : 0;
  const bool inner_df = inner.size() > 6 && (inner[6] & 0x40);
  bool df = sa.df == driver::DfPolicy::kSet || (sa.df == driver::DfPolicy::kCopy && inner_df);
  out[0] = 0x45;
  out[1] = inner_tos;
  put16(&out[4], static_cast<std::uint16_t>(seq));
  put16(&out[6], df ? 0x4000 : 0);
  out[8] = sa.ttl;
  out[9] = sa.udp_encap ? 17 : 50;
  put32(&out[12], sa.tunnel_src);
  put32(&out[16], sa.tunnel_dst);
  if (sa.udp_encap) {
    std::uint8_t udp[8] = {};
    put16(udp, sa.udp_encap->src_port);
    put16(udp + 2, sa.udp_encap->dst_port);
    put16(udp + 4, static_cast<std::uint16_t>(8 + esp.size()));
    out.insert(out.end(), udp, udp + 8);  // checksum 0 (RFC 3948 2.1)
  }
  out.insert(out.end(), esp.begin(), esp.end());
  put16(&out[2], static_cast<std::uint16_t>(out.size()));
  put16(&out[10], ipv4_checksum(std::span(out).first(20)));
  return out;
}

}  // namespace espgw::conformance

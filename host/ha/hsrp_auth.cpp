// HSRP authentication (see hsrp_auth.hpp). Comparisons run in constant time (CRYPTO_memcmp)
// so a forger learns nothing from timing.
#include "host/ha/hsrp_auth.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <memory>
#include <stdexcept>

namespace espgw::ha {

HsrpAuthConfig HsrpAuthConfig::text_string(std::string_view text) {
  HsrpAuthConfig cfg;
  cfg.mode = Mode::kText;
  cfg.text.fill(0);
  std::copy_n(text.begin(), std::min(text.size(), cfg.text.size()), cfg.text.begin());
  return cfg;
}

HsrpAuthConfig HsrpAuthConfig::md5_key_string(std::string_view key, std::uint32_t key_id) {
  HsrpAuthConfig cfg;
  cfg.mode = Mode::kMd5;
  cfg.text.fill(0);
  cfg.md5_key = SecretBytes(std::span(reinterpret_cast<const std::uint8_t*>(key.data()), key.size()));
  cfg.key_id = key_id;
  return cfg;
}

std::array<std::uint8_t, kHsrpMd5DigestBytes> hsrp_keyed_md5(std::span<const std::uint8_t> key,
                                                             std::span<const std::uint8_t> data) {
  // keyfill: 0x80, zeros, then the key length in bits as a 64-bit little-endian number,
  // ending on a 64-byte boundary (RFC 1828 section 2, RFC 1321 section 3.1-3.2).
  std::vector<std::uint8_t> fill;
  fill.push_back(0x80);
  while ((key.size() + fill.size()) % 64 != 56) fill.push_back(0);
  std::uint64_t bits = static_cast<std::uint64_t>(key.size()) * 8;
  for (int i = 0; i < 8; ++i) fill.push_back(static_cast<std::uint8_t>(bits >> (8 * i)));

  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  std::array<std::uint8_t, kHsrpMd5DigestBytes> digest{};
  unsigned int len = 0;
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_md5(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), key.data(), key.size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), fill.data(), fill.size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), key.data(), key.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), digest.data(), &len) != 1 || len != digest.size())
    throw std::runtime_error("OpenSSL MD5 unavailable (is the default provider loaded?)");
  return digest;
}

std::vector<std::uint8_t> encode_hsrp_authenticated(HsrpMessage msg, const HsrpAuthConfig& cfg,
                                                     std::uint32_t sender_ip) {
  if (cfg.mode == HsrpAuthConfig::Mode::kText) {
    msg.text_auth = cfg.text;
    msg.md5.reset();
    return encode_hsrp(msg);
  }
  // v1 keeps its fixed text field, zeroed; v2 sends no Text Authentication TLV.
  if (msg.version == HsrpVersion::kV1)
    msg.text_auth = std::array<std::uint8_t, kHsrpTextAuthBytes>{};
  else
    msg.text_auth.reset();
  msg.md5 = HsrpMd5Auth{.sender_ip = sender_ip, .key_id = cfg.key_id};
  std::vector<std::uint8_t> out = encode_hsrp(msg);
  auto digest = hsrp_keyed_md5(cfg.md5_key.view(), out);
  std::copy(digest.begin(), digest.end(), out.begin() + static_cast<std::ptrdiff_t>(hsrp_md5_digest_offset(msg)));
  return out;
}

HsrpAuthVerdict check_hsrp_auth(std::span<const std::uint8_t> bytes, const HsrpDecoded& decoded,
                                const HsrpAuthConfig& cfg, std::uint32_t udp_source) {
  const HsrpMessage& m = decoded.message;
  if (cfg.mode == HsrpAuthConfig::Mode::kText) {
    if (!m.text_auth) return HsrpAuthVerdict::kMissing;
    return CRYPTO_memcmp(m.text_auth->data(), cfg.text.data(), cfg.text.size()) == 0 ? HsrpAuthVerdict::kOk
                                                                                      : HsrpAuthVerdict::kMismatch;
  }
  if (!m.md5) return HsrpAuthVerdict::kMissing;
  if (m.md5->algorithm != kHsrpMd5Algorithm || m.md5->key_id != cfg.key_id) return HsrpAuthVerdict::kMismatch;
  std::vector<std::uint8_t> zeroed(bytes.begin(), bytes.end());
  std::fill_n(zeroed.begin() + static_cast<std::ptrdiff_t>(decoded.md5_digest_offset), kHsrpMd5DigestBytes, 0);
  auto expected = hsrp_keyed_md5(cfg.md5_key.view(), zeroed);
  if (CRYPTO_memcmp(expected.data(), m.md5->digest.data(), expected.size()) != 0) return HsrpAuthVerdict::kMismatch;
  if (m.md5->sender_ip != udp_source) return HsrpAuthVerdict::kSourceMismatch;
  return HsrpAuthVerdict::kOk;
}

}  // namespace espgw::ha

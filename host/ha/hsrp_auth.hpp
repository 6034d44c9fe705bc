// HSRP authentication: the 8-byte plain-text string (RFC 2281 5.1, default "cisco") and
// keyed MD5 (RFC 1828: MD5(key || keyfill || packet || key), computed over the HSRP payload
// with the digest field zeroed), with OpenSSL. The MD5 key lives in SecretBytes.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "espgw/driver/secret_bytes.hpp"
#include "host/ha/hsrp_packet.hpp"

namespace espgw::ha {

struct HsrpAuthConfig {
  enum class Mode { kText, kMd5 };
  Mode mode = Mode::kText;
  std::array<std::uint8_t, kHsrpTextAuthBytes> text = kHsrpDefaultAuth;
  SecretBytes md5_key;
  std::uint32_t key_id = 0;

  // `standby N authentication [text] STRING`: IOS keeps the first 8 characters.
  static HsrpAuthConfig text_string(std::string_view text);
  // `standby N authentication md5 key-string STRING`.
  static HsrpAuthConfig md5_key_string(std::string_view key, std::uint32_t key_id = 0);
};

// RFC 1828 keyed MD5; keyfill pads the key as MD5 pads a final block, to 64 bytes.
std::array<std::uint8_t, kHsrpMd5DigestBytes> hsrp_keyed_md5(std::span<const std::uint8_t> key,
                                                             std::span<const std::uint8_t> data);

// Fills msg's authentication fields from cfg, encodes and, for MD5, signs.
std::vector<std::uint8_t> encode_hsrp_authenticated(HsrpMessage msg, const HsrpAuthConfig& cfg,
                                                     std::uint32_t sender_ip);

enum class HsrpAuthVerdict {
  kOk,
  kMissing,         // the message lacks the authentication cfg requires
  kMismatch,        // wrong text string or wrong MD5 digest (forged or wrong key)
  kSourceMismatch,  // MD5 valid but its sender IP is not the UDP source: replayed from elsewhere
};

// Checks a decoded message against cfg; `bytes` is what decoded was decoded from.
HsrpAuthVerdict check_hsrp_auth(std::span<const std::uint8_t> bytes, const HsrpDecoded& decoded,
                                const HsrpAuthConfig& cfg, std::uint32_t udp_source);

}  // namespace espgw::ha

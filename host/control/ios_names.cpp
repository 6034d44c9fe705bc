// IOS spellings (see the header).
#include "host/control/ios_names.hpp"

#include <fmt/format.h>

#include "host/config/ios_names.hpp"

namespace espgw::control {

namespace {
std::string aes_name(std::uint32_t bits) {
  return bits == 128 ? std::string("esp-aes") : fmt::format("esp-{}-aes", bits);
}

}  // namespace

std::string ios_transform_name(driver::Transform transform, std::uint32_t key_bits) {
  switch (transform) {
    case driver::Transform::kAesCbcHmacSha256: return aes_name(key_bits) + " esp-sha256-hmac";
    case driver::Transform::kAesCbcHmacSha1: return aes_name(key_bits) + " esp-sha-hmac";
    case driver::Transform::kAesGcm16: return key_bits == 128 ? std::string("esp-gcm") : fmt::format("esp-gcm {}", key_bits);
  }
  return "unknown";
}

std::string ios_transform_name(const config::TransformSet& ts) {
  if (ts.cipher == config::EspCipher::kAesGcm)
    return ios_transform_name(driver::Transform::kAesGcm16, static_cast<std::uint32_t>(ts.key_bits));
  std::string name = aes_name(static_cast<std::uint32_t>(ts.key_bits));
  if (ts.integrity == config::EspIntegrity::kSha256) name += " esp-sha256-hmac";
  if (ts.integrity == config::EspIntegrity::kSha1) name += " esp-sha-hmac";
  return name;
}

std::uint32_t iv_bytes(driver::Transform transform) { return transform == driver::Transform::kAesGcm16 ? 8 : 16; }

std::string acl_entry_text(const config::AclEntry& e) { return config::ios_acl_entry(e); }

}  // namespace espgw::control

// IOS spellings shared by several show commands: transform names as `show crypto ipsec sa`
// prints them ("esp-256-aes esp-sha256-hmac"), and ACL lines as `show access-lists` does.
#pragma once

#include <cstdint>
#include <string>

#include "espgw/driver/sa_config.hpp"
#include "host/config/config_model.hpp"

namespace espgw::control {

std::string ios_transform_name(driver::Transform transform, std::uint32_t key_bits);
std::string ios_transform_name(const config::TransformSet& ts);
// ESP IV bytes of a transform: 16 for AES-CBC (RFC 3602), 8 for GCM (RFC 4106).
std::uint32_t iv_bytes(driver::Transform transform);
// "permit ip host 192.168.20.25 host 172.21.91.37"
std::string acl_entry_text(const config::AclEntry& e);

}  // namespace espgw::control

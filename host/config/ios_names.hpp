// IOS spellings of the model's enums, as `show running-config` writes them: one place,
// shared by the renderer, the summary and the show commands.
#pragma once

#include <cstdint>
#include <string>

#include "host/config/config_model.hpp"

namespace espgw::config {

std::string ios_encryption(IsakmpEncryption e, int key_bits);  // "aes 256", "3des", "des"
const char* ios_hash(IsakmpHash h);                             // "sha256"
const char* ios_auth(IsakmpAuth a);                             // "pre-share"
std::string ios_transforms(const TransformSet& t);              // "esp-aes 256 esp-sha256-hmac"
const char* ios_mode(EspMode m);                                // "tunnel"
std::string ios_protocol(int protocol);                         // "ip", "icmp", "tcp", "udp", "47"
std::string ios_acl_address(const AclAddress& a);               // "host A", "any", "A W"
std::string ios_port(const PortMatch& p);                       // "", "eq 80", "range 1 2"
std::string ios_acl_entry(const AclEntry& e);                   // "permit ip host A B W"

}  // namespace espgw::config

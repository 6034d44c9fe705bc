// IOS spellings of the model's enums (ios_names.hpp).
#include "host/config/ios_names.hpp"

#include "host/common/ipv4.hpp"

namespace espgw::config {

std::string ios_encryption(IsakmpEncryption e, int key_bits) {
  switch (e) {
    case IsakmpEncryption::kDes:
      return "des";
    case IsakmpEncryption::kTripleDes:
      return "3des";
    case IsakmpEncryption::kAes:
      return key_bits == 128 ? "aes" : "aes " + std::to_string(key_bits);  // IOS omits the default 128
  }
  return "?";
}

const char* ios_hash(IsakmpHash h) {
  switch (h) {
    case IsakmpHash::kMd5:
      return "md5";
    case IsakmpHash::kSha:
      return "sha";
    case IsakmpHash::kSha256:
      return "sha256";
    case IsakmpHash::kSha384:
      return "sha384";
    case IsakmpHash::kSha512:
      return "sha512";
  }
  return "?";
}

const char* ios_auth(IsakmpAuth a) {
  switch (a) {
    case IsakmpAuth::kPreShare:
      return "pre-share";
    case IsakmpAuth::kRsaSig:
      return "rsa-sig";
    case IsakmpAuth::kRsaEncr:
      return "rsa-encr";
  }
  return "?";
}

std::string ios_transforms(const TransformSet& t) {
  std::string out = t.cipher == EspCipher::kAesCbc ? "esp-aes" : "esp-gcm";
  if (t.key_bits != 128) out += " " + std::to_string(t.key_bits);
  if (t.integrity == EspIntegrity::kSha1) out += " esp-sha-hmac";
  if (t.integrity == EspIntegrity::kSha256) out += " esp-sha256-hmac";
  return out;
}

const char* ios_mode(EspMode m) { return m == EspMode::kTunnel ? "tunnel" : "transport"; }

std::string ios_protocol(int protocol) {
  switch (protocol) {
    case kAclProtocolIp:
      return "ip";
    case 1:
      return "icmp";
    case 6:
      return "tcp";
    case 17:
      return "udp";
    case 47:
      return "gre";
    case 50:
      return "esp";
    case 51:
      return "ahp";
    default:
      return std::to_string(protocol);
  }
}

std::string ios_acl_address(const AclAddress& a) {
  if (a.wildcard == 0) return "host " + format_ipv4(a.address);
  if (a.wildcard == 0xFFFFFFFF) return "any";
  return format_ipv4(a.address) + " " + format_ipv4(a.wildcard);
}

std::string ios_port(const PortMatch& p) {
  switch (p.op) {
    case PortOp::kAny:
      return "";
    case PortOp::kEq:
      return "eq " + std::to_string(p.low);
    case PortOp::kNeq:
      return "neq " + std::to_string(p.low);
    case PortOp::kLt:
      return "lt " + std::to_string(p.low);
    case PortOp::kGt:
      return "gt " + std::to_string(p.low);
    case PortOp::kRange:
      return "range " + std::to_string(p.low) + " " + std::to_string(p.high);
  }
  return "";
}

std::string ios_acl_entry(const AclEntry& e) {
  std::string out = e.action == AclAction::kPermit ? "permit " : "deny ";
  out += ios_protocol(e.protocol) + " " + ios_acl_address(e.source);
  if (auto p = ios_port(e.source_port); !p.empty()) out += " " + p;
  out += " " + ios_acl_address(e.destination);
  if (auto p = ios_port(e.destination_port); !p.empty()) out += " " + p;
  if (e.icmp_type) out += " " + std::to_string(*e.icmp_type);
  if (e.icmp_code) out += " " + std::to_string(*e.icmp_code);
  if (e.established) out += " established";
  if (e.log) out += " log";
  return out;
}

}  // namespace espgw::config

// `show crypto map` on the reference's R2 crypto map (section 1.1) and on a manual map.
#include "host/control/show_crypto_map.hpp"

#include <gtest/gtest.h>

#include "host/common/ipv4.hpp"
#include "host/control/ios_names.hpp"

namespace espgw::control {
namespace {

config::AclEntry host_pair(const char* src, const char* dst) {
  config::AclEntry e;
  e.source = {*parse_ipv4(src), 0};
  e.destination = {*parse_ipv4(dst), 0};
  return e;
}

config::Config reference_r2() {
  config::Config c;
  config::TransformSet ts;
  ts.name = "mysec";
  ts.key_bits = 256;
  ts.integrity = config::EspIntegrity::kSha256;
  c.transform_sets.push_back(ts);
  config::CryptoMapEntry m;
  m.name = "vpn";
  m.seq = 10;
  m.peers.push_back({*parse_ipv4("19.26.116.137"), {}});
  m.transform_sets.push_back({"mysec", {}});
  m.pfs_group = 14;
  m.match_address = config::NamedRef{"110", {}};
  m.reverse_route = true;
  c.crypto_maps.push_back(m);
  config::AccessList acl;
  acl.name = "110";
  acl.numbered = true;
  acl.entries = {host_pair("192.168.20.25", "172.21.91.37"), host_pair("172.21.91.37", "192.168.20.25")};
  c.access_lists.push_back(acl);
  config::Interface itf;
  itf.name = "GigabitEthernet0/0";
  itf.crypto_map = config::InterfaceCryptoMap{{"vpn", {}}, std::nullopt, false};
  c.interfaces.push_back(itf);
  return c;
}

TEST(ShowCryptoMap, RendersIsakmpEntryInIosLayout) {
  const auto text = render_crypto_map(reference_r2(), {});
  EXPECT_EQ(text,
            "Crypto Map IPv4 \"vpn\" 10 ipsec-isakmp\n"
            "\tPeer = 19.26.116.137\n"
            "\tExtended IP access list 110\n"
            "\t    access-list 110 permit ip host 192.168.20.25 host 172.21.91.37\n"
            "\t    access-list 110 permit ip host 172.21.91.37 host 192.168.20.25\n"
            "\tCurrent peer: 19.26.116.137\n"
            "\tSecurity association lifetime: 4608000 kilobytes/3600 seconds\n"
            "\tResponder-Only (Y/N): N\n"
            "\tPFS (Y/N): Y\n"
            "\tDH group:  group14\n"
            "\tMixed-mode : Disabled\n"
            "\tTransform sets={ \n"
            "\t\tmysec:  { esp-256-aes esp-sha256-hmac  } , \n"
            "\t}\n"
            "\tReverse Route Injection Enabled\n"
            "\tInterfaces using crypto map vpn:\n"
            "\t\tGigabitEthernet0/0\n"
            "\n");
}

TEST(ShowCryptoMap, ManualEntryShowsSpisButNeverKeys) {
  auto c = reference_r2();
  auto& m = c.crypto_maps[0];
  m.type = config::CryptoMapType::kIpsecManual;
  m.inbound_esp = config::ManualSessionKey{4369, {}, {}, {}};
  std::uint8_t key[4] = {0xde, 0xad, 0xbe, 0xef};
  m.inbound_esp->cipher_key = SecretBytes(key);
  m.outbound_esp = config::ManualSessionKey{8738, {}, {}, {}};
  const auto text = render_crypto_map(c, {});
  EXPECT_NE(text.find("ipsec-manual"), std::string::npos);
  EXPECT_NE(text.find("\tInbound esp spi: 4369,\n"), std::string::npos);
  EXPECT_NE(text.find("\tOutbound esp spi: 8738,\n"), std::string::npos);
  EXPECT_EQ(text.find("deadbeef"), std::string::npos);
  EXPECT_EQ(crypto_map_json(c, {}).dump().find("deadbeef"), std::string::npos);
}

TEST(IosNames, TransformAndAclSpellings) {
  EXPECT_EQ(ios_transform_name(driver::Transform::kAesCbcHmacSha256, 256), "esp-256-aes esp-sha256-hmac");
  EXPECT_EQ(ios_transform_name(driver::Transform::kAesCbcHmacSha1, 128), "esp-aes esp-sha-hmac");
  EXPECT_EQ(ios_transform_name(driver::Transform::kAesGcm16, 256), "esp-gcm 256");
  config::AclEntry e;
  e.protocol = 6;
  e.source = {*parse_ipv4("192.168.20.0"), 0x000000FF};
  e.destination_port = {config::PortOp::kRange, 1000, 2000};
  EXPECT_EQ(acl_entry_text(e), "permit tcp 192.168.20.0 0.0.0.255 any range 1000 2000");
}

}  // namespace
}  // namespace espgw::control

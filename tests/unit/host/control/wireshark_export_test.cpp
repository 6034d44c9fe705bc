// The esp_sa UAT lines are what Wireshark 4.0 reads (strongswan-peer.md's recipe); the file
// is 0600. The e2e test proves tshark decrypts with them.
#include "host/control/wireshark_export.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace espgw::control {
namespace {

driver::SaConfig cbc() {
  driver::SaConfig sa;
  sa.spi = 0x2C3EB4EE;
  sa.tunnel_src = 0x131A7489;
  sa.tunnel_dst = 0x131A748D;
  sa.transform = driver::Transform::kAesCbcHmacSha256;
  std::vector<std::uint8_t> k(32, 0x11), a(32, 0x22);
  sa.enc_key = SecretBytes(k);
  sa.auth_key = SecretBytes(a);
  return sa;
}

TEST(WiresharkExport, CbcLineNamesRfcAlgorithmsAndHexKeys) {
  EXPECT_EQ(esp_sa_uat_line(cbc()),
            "\"IPv4\",\"19.26.116.137\",\"19.26.116.141\",\"0x2C3EB4EE\",\"AES-CBC [RFC3602]\",\"0x" +
                std::string(64, '1') + "\",\"HMAC-SHA-256-128 [RFC4868]\",\"0x" + std::string(64, '2') + "\"\n");
}

TEST(WiresharkExport, GcmKeyCarriesTheSaltAndNullAuthentication) {
  driver::SaConfig sa = cbc();
  sa.transform = driver::Transform::kAesGcm16;
  sa.auth_key.clear();
  sa.salt = 0xCAFEBABE;
  const auto line = esp_sa_uat_line(sa);
  EXPECT_NE(line.find("\"AES-GCM with 16 octet ICV [RFC4106]\",\"0x" + std::string(64, '1') + "cafebabe\",\"NULL\",\"\""),
            std::string::npos);
}

TEST(WiresharkExport, WritesModeZeroSixHundredAndRefusesRelativePaths) {
  char tmpl[] = "/tmp/espgw-ws-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = std::string(tmpl) + "/out";
  auto sa = cbc();
  EXPECT_EQ(write_wireshark_export(dir, {&sa}), "");
  struct stat st {};
  ASSERT_EQ(stat((dir + "/esp_sa").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::ifstream in(dir + "/esp_sa");
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_NE(ss.str().find("0x2C3EB4EE"), std::string::npos);
  EXPECT_NE(write_wireshark_export("relative/dir", {&sa}), "");
  std::system(("rm -rf " + std::string(tmpl)).c_str());
}

}  // namespace
}  // namespace espgw::control

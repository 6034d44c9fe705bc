// tshark (Wireshark's ESP dissector) as an independent peer: a pcap of the backend's outbound
// packets, with the keys in an esp_sa UAT file, must show every ICV good and decrypt to the
// original inner ICMP packet (addresses, identifiers, checksum, payload). One tshark run per
// backend. Wireshark 4.0's esp_sa table has no ESN column, so the ESN variants are left to
// the scapy peer; a flipped byte is the negative control.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "backends.hpp"
#include "esp_test_util.hpp"
#include "peer_tools.hpp"

namespace espgw::conformance {
namespace {

std::string uat_line(const SaConfig& c) {
  auto q = [](const std::string& s) { return "\"" + s + "\""; };
  std::string line = q("IPv4") + "," + q(dotted(c.tunnel_src)) + "," + q(dotted(c.tunnel_dst)) + ",";
  char spi[16];
  std::snprintf(spi, sizeof spi, "0x%08x", c.spi);
  line += q(spi) + ",";
  if (c.transform == Transform::kAesGcm16) {
    char salt[12];
    std::snprintf(salt, sizeof salt, "%08x", c.salt);
    line += q("AES-GCM with 16 octet ICV [RFC4106]") + "," + q("0x" + hex_of(c.enc_key) + salt) + "," + q("NULL") +
            "," + q("");
  } else {
    line += q("AES-CBC [RFC3602]") + "," + q("0x" + hex_of(c.enc_key)) + ",";
    line += q(c.transform == Transform::kAesCbcHmacSha1 ? "HMAC-SHA-1-96 [RFC2404]" : "HMAC-SHA-256-128 [RFC4868]");
    line += "," + q("0x" + hex_of(c.auth_key));
  }
  return line;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep)) out.push_back(cur);
  if (!s.empty() && s.back() == sep) out.emplace_back();
  return out;
}

TEST_P(EspConformance, TsharkDecryptsOurPacketsWithGoodIcvsAndTheOriginalInnerIcmp) {
  if (std::string(ESPGW_TSHARK).find("NOTFOUND") != std::string::npos || std::string(ESPGW_TSHARK).empty())
    FAIL() << "tshark is not installed (scripts/setup.sh installs it)";
  ScratchDir dir;
  std::filesystem::create_directories(dir.path() / "wireshark");
  std::ofstream uat(dir.path() / "wireshark" / "esp_sa");
  std::vector<Bytes> wire;
  std::vector<Bytes> inners;
  std::vector<std::uint32_t> spis;
  std::size_t idx = 0;
  for (const auto& v : all_variants()) {
    if (v.esn) continue;
    SaConfig cfg = make_sa(v, Direction::kOutbound, 0x5000 + static_cast<std::uint32_t>(idx++));
    SaHandle out = install(dev(), cfg);
    ASSERT_NE(out, driver::kNoSa);
    uat << uat_line(cfg) << "\n";
    auto mix = inner_mix(6, static_cast<std::uint16_t>(idx));
    auto enc = encap(dev(), out, mix);
    for (std::size_t k = 0; k < enc.size(); ++k) {
      ASSERT_EQ(enc[k].status, Status::kOk) << v.name();
      wire.push_back(enc[k].bytes);
      inners.push_back(mix[k]);
      spis.push_back(cfg.spi);
    }
  }
  uat.close();
  // Negative controls: one CBC and one GCM packet with a ciphertext bit flipped.
  const std::size_t good = wire.size();
  for (std::size_t k : {std::size_t{0}, good - 1}) {
    Bytes bad = wire[k];
    bad[bad.size() - 24] ^= 0x01;
    wire.push_back(bad);
  }
  write_pcap(dir.path() / "esp.pcap", wire);

  const std::string cmd = "WIRESHARK_CONFIG_DIR='" + (dir.path() / "wireshark").string() + "' '" + ESPGW_TSHARK +
                          "' -n -r '" + (dir.path() / "esp.pcap").string() +
                          "' -o esp.enable_encryption_decode:TRUE -o esp.enable_authentication_check:TRUE"
                          " -T fields -E separator='|' -e frame.number -e esp.spi -e esp.icv_good -e esp.icv_bad"
                          " -e ip.src -e ip.dst -e icmp.ident -e icmp.checksum.status -e data.data -e esp.protocol";
  CommandResult r = run_command(cmd, {}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = split(r.out, '\n');
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  ASSERT_EQ(lines.size(), wire.size()) << r.out;
  for (std::size_t k = 0; k < good; ++k) {
    SCOPED_TRACE("frame " + std::to_string(k + 1) + ": " + lines[k]);
    auto f = split(lines[k], '|');
    ASSERT_EQ(f.size(), 10u);
    char spi[16];
    std::snprintf(spi, sizeof spi, "0x%08x", spis[k]);
    EXPECT_EQ(f[1], spi);
    EXPECT_EQ(f[2], "1") << "ICV not good";
    EXPECT_EQ(f[3], "0");
    const Bytes& in = inners[k];
    auto addr = [&](std::size_t off) {
      return dotted(static_cast<std::uint32_t>(in[off] << 24 | in[off + 1] << 16 | in[off + 2] << 8 | in[off + 3]));
    };
    EXPECT_EQ(f[4], dotted(kLocalGw) + "," + addr(12));
    EXPECT_EQ(f[5], dotted(kPeerGw) + "," + addr(16));
    EXPECT_EQ(f[6], std::to_string(in[24] << 8 | in[25]));
    EXPECT_EQ(f[7], "1") << "inner ICMP checksum not good";
    EXPECT_EQ(f[8], hex(std::span(in).subspan(28)));
    EXPECT_EQ(f[9], "0x04");
  }
  for (std::size_t k = good; k < lines.size(); ++k) {
    auto f = split(lines[k], '|');
    ASSERT_GE(f.size(), 4u) << lines[k];
    EXPECT_NE(f[2], "1") << "tshark called a corrupted packet's ICV good: " << lines[k];
  }
}

}  // namespace
}  // namespace espgw::conformance

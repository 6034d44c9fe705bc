// Golden tests: the renderer reproduces the reference walkthrough's own `show crypto ipsec sa`
// outputs when given their values (golden/README.md), plus the filters and JSON form.
#include "host/control/show_crypto_ipsec_sa.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "host/common/ipv4.hpp"

namespace espgw::control {
namespace {

// The reference was copied from a web page: NBSP for spaces, trailing blanks. Normalize the
// way a reader sees it: NBSP -> space, trailing whitespace stripped.
std::vector<std::string> golden_lines(const std::string& name, bool drop_blank) {
  std::ifstream in(std::string(ESPGW_GOLDEN_DIR) + "/" + name);
  EXPECT_TRUE(in) << name;
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    for (std::size_t p; (p = line.find("\xc2\xa0")) != std::string::npos;) line.replace(p, 2, " ");
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
    out.push_back(line);
  }
  // Drop the prompt lines ("R1#show crypto ipsec sa" ... "R1#") and what follows the last.
  out.erase(out.begin());
  while (!out.empty() && out.back().rfind("R1#", 0) != 0 && out.back().rfind("R2#", 0) != 0 && out.back().empty())
    out.pop_back();
  if (!out.empty() && (out.back().rfind("R1#", 0) == 0 || out.back().rfind("R2#", 0) == 0)) out.pop_back();
  if (drop_blank) std::erase(out, std::string());
  return out;
}

std::vector<std::string> lines_of(const std::string& text, bool drop_blank) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string line;
  while (std::getline(ss, line)) out.push_back(line);
  if (drop_blank) std::erase(out, std::string());
  return out;
}

std::uint32_t ip(const char* s) { return *parse_ipv4(s); }

IdentView host(const char* a) { return {ip(a), 0xFFFFFFFF, 0, 0}; }

SaView sa(std::uint32_t spi, std::uint32_t conn, std::uint64_t kb, std::uint64_t sec) {
  SaView v;
  v.spi = spi;
  v.transform = "esp-256-aes esp-sha256-hmac";
  v.conn_id = conn;
  v.crypto_map = "vpn";
  v.remaining_kb = kb;
  v.remaining_sec = sec;
  return v;
}

PairView pair(const char* local, const char* remote, const char* local_endpt, const char* peer) {
  PairView p;
  p.local = host(local);
  p.remote = host(remote);
  p.peer = ip(peer);
  p.local_endpt = ip(local_endpt);
  p.remote_endpt = ip(peer);
  p.ip_mtu_idb = "GigabitEthernet0/0";
  return p;
}

// Section 1.2: R1 after the peer's 4 pings arrived, SAs up with PFS group 14.
IpsecSaView reference_r1() {
  auto p1 = pair("192.168.20.25", "172.21.91.37", "19.26.116.141", "19.26.116.137");
  p1.counters.decaps = p1.counters.decrypt = p1.counters.verify = 4;
  p1.current_outbound_spi = 0x74E1A91F;
  p1.pfs_group = 14;
  p1.inbound.push_back(sa(0x2C3EB4EE, 5, 4512351, 3283));
  p1.outbound.push_back(sa(0x74E1A91F, 6, 4512352, 3283));
  auto p2 = pair("172.21.91.37", "192.168.20.25", "19.26.116.141", "19.26.116.137");
  return {{{"GigabitEthernet0/0", "vpn", ip("19.26.116.141"), {p1, p2}}}};
}

TEST(ShowCryptoIpsecSa, ReproducesReferenceR1OutputLineForLine) {
  const auto got = lines_of(render_crypto_ipsec_sa(reference_r1(), {}), false);
  const auto want = golden_lines("show_crypto_ipsec_sa_r1.txt", false);
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) EXPECT_EQ(got[i], want[i]) << "line " << i + 1;
}

TEST(ShowCryptoIpsecSa, ReproducesStatelessFailoverOutputWith1109Packets) {
  auto p = pair("192.168.20.25", "172.21.91.37", "19.26.116.141", "19.26.116.137");
  auto& c = p.counters;
  c.encaps = c.encrypt = c.digest = c.decaps = c.decrypt = c.verify = 1109;
  p.current_outbound_spi = 0x2811DA7F;
  p.pfs_group = 14;
  p.inbound.push_back(sa(0x2F3884, 7, 4588296, 3485));
  p.outbound.push_back(sa(0x2811DA7F, 8, 4588296, 3485));
  const IpsecSaView v{{{"GigabitEthernet0/0", "vpn", ip("19.26.116.141"), {p}}}};
  EXPECT_EQ(lines_of(render_crypto_ipsec_sa(v, {}), true), golden_lines("show_crypto_ipsec_sa_ha_stateless.txt", true));
}

TEST(ShowCryptoIpsecSa, ReproducesSendErrorsWithoutSas) {
  // Section 2 as printed (its second pair's idents are as the web copy has them).
  auto p1 = pair("192.168.20.25", "172.21.91.37", "19.26.116.137", "19.26.116.141");
  auto p2 = pair("172.21.91.37", "192.168.20.25", "19.26.116.137", "19.26.116.141");
  p2.counters.send_errors = 82;
  const IpsecSaView v{{{"GigabitEthernet0/0", "vpn", ip("19.26.116.137"), {p1, p2}}}};
  EXPECT_EQ(lines_of(render_crypto_ipsec_sa(v, {}), true), golden_lines("show_crypto_ipsec_sa_r2_send_errors.txt", true));
}

TEST(ShowCryptoIpsecSa, PeerFilterDropsOtherPeersAndEmptyInterfaces) {
  auto v = reference_r1();
  EXPECT_EQ(render_crypto_ipsec_sa(v, {ip("1.2.3.4"), false}), "");
  EXPECT_EQ(render_crypto_ipsec_sa(v, {ip("19.26.116.137"), false}), render_crypto_ipsec_sa(v, {}));
}

TEST(ShowCryptoIpsecSa, DetailAddsDropReasonsBetweenDecompressAndErrors) {
  auto v = reference_r1();
  v.interfaces[0].pairs[0].counters.verify_failed = 3;
  v.interfaces[0].pairs[0].counters.replay_failed_rcv = 2;
  v.interfaces[0].pairs[0].counters.recv_errors = 5;
  const auto text = render_crypto_ipsec_sa(v, {std::nullopt, true});
  const auto pos_decomp = text.find("#pkts not decompressed: 0, #pkts decompress failed: 0\n");
  const auto pos_verify = text.find("    #pkts invalid prot (recv) 0, #pkts verify failed: 3\n");
  const auto pos_replay = text.find("    ##pkts replay failed (rcv): 2\n");
  const auto pos_errors = text.find("    #send errors 0, #recv errors 5\n");
  ASSERT_NE(pos_verify, std::string::npos);
  ASSERT_NE(pos_replay, std::string::npos);
  EXPECT_LT(pos_decomp, pos_verify);
  EXPECT_LT(pos_replay, pos_errors);
  EXPECT_EQ(render_crypto_ipsec_sa(v, {}).find("verify failed"), std::string::npos);
}

TEST(ShowCryptoIpsecSa, UdpEncapsulatedSaShowsInUseSettingAndManualLifetime) {
  auto v = reference_r1();
  auto& s = v.interfaces[0].pairs[0].inbound[0];
  s.udp_encap = true;
  s.remaining_kb.reset();
  s.remaining_sec.reset();
  const auto text = render_crypto_ipsec_sa(v, {});
  EXPECT_NE(text.find("        in use settings ={Tunnel UDP-Encaps, }\n"), std::string::npos);
  EXPECT_NE(text.find("        sa timing: remaining key lifetime (k/sec): (none/none)\n"), std::string::npos);
}

TEST(ShowCryptoIpsecSa, JsonCarriesTheSameValues) {
  const auto j = crypto_ipsec_sa_json(reference_r1(), {});
  const auto& p = j["interfaces"][0]["proxy_pairs"][0];
  EXPECT_EQ(j["interfaces"][0]["local_addr"], "19.26.116.141");
  EXPECT_EQ(p["local_ident"]["addr"], "192.168.20.25");
  EXPECT_EQ(p["counters"]["decaps"], 4);
  EXPECT_EQ(p["current_outbound_spi"], 0x74E1A91Fu);
  EXPECT_EQ(p["dh_group"], "group14");
  EXPECT_EQ(p["inbound_esp_sas"][0]["spi_hex"], "0x2C3EB4EE");
  EXPECT_EQ(p["inbound_esp_sas"][0]["remaining_kb"], 4512351);
  EXPECT_FALSE(p["counters"].contains("verify_failed"));
  EXPECT_TRUE(crypto_ipsec_sa_json(reference_r1(), {std::nullopt, true})["interfaces"][0]["proxy_pairs"][0]["counters"]
                  .contains("verify_failed"));
}

TEST(FormatSpi, UpperCaseHexWithoutPaddingThenDecimal) {
  EXPECT_EQ(format_spi(0x2F3884), "0x2F3884(3094660)");
  EXPECT_EQ(format_spi(0), "0x0(0)");
}

}  // namespace
}  // namespace espgw::control

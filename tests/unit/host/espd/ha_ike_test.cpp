// Stateless HA in espd's IKE adapter (issue 7): a crypto map with `redundancy VPNHA` speaks
// IKE from the HSRP VIP; while standby it sends nothing and drops (counting) what reaches
// it; losing Active forgets every SA without a DELETE; a new Active negotiates afresh and its
// INITIAL-CONTACT makes the peer drop the SAs it held with the old one. The pair's and the
// peer's configs are tests/data/ios fixtures; datagrams are passed in memory. Also the
// stateful channel's key file and the HA show commands' parsing.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <boost/asio/post.hpp>

#include "host/common/ipv4.hpp"
#include "host/config/parser.hpp"
#include "host/espd/control_commands.hpp"
#include "host/espd/gateway_plan.hpp"
#include "host/espd/ha_stateful.hpp"
#include "host/espd/ike_adapter.hpp"

namespace espgw::espd {
namespace {

std::shared_ptr<const config::Config> load(const std::string& name) {
  std::ifstream in(std::string(ESPGW_IOS_DATA) + "/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  auto parsed = config::parse_ios_config(ss.str(), name);
  EXPECT_TRUE(parsed.ok()) << name;
  return std::make_shared<const config::Config>(std::move(parsed.config));
}

struct RecordingInstaller final : dataplane::SaInstaller {
  std::vector<dataplane::SaPair> installed;
  std::vector<std::uint32_t> removed;
  std::string install_sa_pair(dataplane::SaPair pair) override {
    installed.push_back(std::move(pair));
    return "";
  }
  std::string install_inbound_sa(std::uint32_t, const driver::SaConfig&) override { return ""; }
  bool remove_inbound_sa(std::uint32_t) override { return true; }
  bool remove_sa_pair(std::uint32_t, std::uint32_t inbound_spi) override {
    removed.push_back(inbound_spi);
    return true;
  }
  bool send_natt(std::uint32_t, std::uint16_t, std::span<const std::uint8_t>) override { return false; }
};

const std::uint32_t kVip = *parse_ipv4("19.26.116.141");
const std::uint32_t kPeer = *parse_ipv4("20.15.6.6");

dataplane::AcquireRequest pair_acquire(const config::Config& c, const std::string& acl, std::uint32_t peer,
                                       std::uint32_t local) {
  const auto* a = c.find_access_list(acl);
  EXPECT_NE(a, nullptr);
  return {"vpn", 10, peer, local, selector_of(a->entries[0]), {}};
}

TEST(HaIkeMapping, RedundancyMapSpeaksFromTheVipOfItsNamedGroup) {
  auto m = map_ike_config(*load("r1-stateless-ha-running.cfg"));
  for (const auto& w : m.warnings) ADD_FAILURE() << w;
  EXPECT_EQ(m.ike.local_address, kVip);
  EXPECT_TRUE(m.bind_local_address);
  EXPECT_EQ(m.redundancy_group, "VPNHA");
  ASSERT_EQ(m.ike.crypto_maps.size(), 2u);
  EXPECT_EQ(m.ike.crypto_maps[0].peer, kPeer);

  // The reference's R1 verbatim: same VIP, but policy 1 is IOS's default rsa-sig.
  auto verbatim = map_ike_config(*load("r1-stateless-ha.cfg"));
  EXPECT_EQ(verbatim.ike.local_address, kVip);
  EXPECT_TRUE(verbatim.ike.policies.empty());
  ASSERT_FALSE(verbatim.warnings.empty());
  EXPECT_NE(verbatim.warnings.front().find("add ` authentication pre-share`"), std::string::npos);

  // Without `redundancy` the interface address stays the IKE address.
  auto peer = map_ike_config(*load("peer-20.15.6.6-ha.cfg"));
  EXPECT_EQ(peer.ike.local_address, kPeer);
  EXPECT_FALSE(peer.bind_local_address);
  EXPECT_TRUE(peer.redundancy_group.empty());
}

TEST(HaIkeFailover, StandbyIsSilentActiveNegotiatesFromVipAndNewActiveReplacesThePeersSas) {
  boost::asio::io_context io;
  IkeAdapter r1(io, 0), r2(io, 0), peer(io, 0);
  RecordingInstaller i1, i2, ip;
  r1.start(i1);
  r2.start(i2);
  peer.start(ip);
  const auto r1_cfg = load("r1-stateless-ha-running.cfg");
  const auto r2_cfg = load("r2-stateless-ha-standby.cfg");
  const auto peer_cfg = load("peer-20.15.6.6-ha.cfg");
  r1.apply_config(r1_cfg);
  r2.apply_config(r2_cfg);
  peer.apply_config(peer_cfg);
  EXPECT_EQ(r1.redundancy_group(), "VPNHA");
  r1.set_active(false);
  r2.set_active(false);

  // The VIP's owner gets what the peer sends to the VIP.
  IkeAdapter* vip_owner = &r1;
  std::size_t sent_by_r1 = 0, sent_by_r2 = 0;
  r1.set_send_hook([&](const ike::Datagram& d) {
    ++sent_by_r1;
    EXPECT_EQ(d.src.addr, kVip);
    boost::asio::post(io, [&peer, d] { peer.receive(d); });
  });
  r2.set_send_hook([&](const ike::Datagram& d) {
    ++sent_by_r2;
    EXPECT_EQ(d.src.addr, kVip);
    boost::asio::post(io, [&peer, d] { peer.receive(d); });
  });
  peer.set_send_hook([&](const ike::Datagram& d) {
    EXPECT_EQ(d.dst.addr, kVip);
    boost::asio::post(io, [&vip_owner, d] { vip_owner->receive(d); });
  });
  auto run_until = [&](auto done) {
    for (int i = 0; i < 300 && !done(); ++i) io.run_for(std::chrono::milliseconds(10));
  };

  // 1. Standby: an acquire starts nothing, a message to the VIP is dropped and counted.
  r1.acquire(pair_acquire(*r1_cfg, "GandD", kPeer, kVip));
  r1.receive(ike::Datagram{{kPeer, 500}, {kVip, 500}, ike::Bytes(28, 0)});
  io.run_for(std::chrono::milliseconds(20));
  EXPECT_EQ(sent_by_r1, 0u);
  EXPECT_EQ(r1.standby_drops(), 1u);
  EXPECT_TRUE(r1.isakmp_sas().empty());

  // 2. Active: the first packet negotiates MM + QM from the VIP.
  r1.set_active(true);
  r1.acquire(pair_acquire(*r1_cfg, "GandD", kPeer, kVip));
  run_until([&] { return !i1.installed.empty() && !ip.installed.empty(); });
  ASSERT_EQ(i1.installed.size(), 1u);
  ASSERT_EQ(ip.installed.size(), 1u);
  const auto first = i1.installed[0];
  EXPECT_EQ(first.outbound.tunnel_src, kVip);
  EXPECT_EQ(first.outbound.tunnel_dst, kPeer);
  EXPECT_EQ(ip.installed[0].outbound.tunnel_dst, kVip);
  EXPECT_EQ(ip.installed[0].inbound.spi, first.outbound.spi);
  ASSERT_EQ(peer.isakmp_sas().size(), 1u);
  EXPECT_EQ(peer.isakmp_sas()[0].src, kVip);

  // 3. R1 loses Active: its pair goes from the gateway, nothing is sent (no DELETE from a
  // VIP it no longer owns), so the peer still holds its SAs.
  const std::size_t before = sent_by_r1;
  r1.set_active(false);
  io.run_for(std::chrono::milliseconds(50));
  EXPECT_EQ(sent_by_r1, before);
  ASSERT_EQ(i1.removed.size(), 1u);
  EXPECT_EQ(i1.removed[0], first.inbound.spi);
  EXPECT_TRUE(r1.isakmp_sas().empty());
  EXPECT_TRUE(ip.removed.empty());
  EXPECT_EQ(peer.isakmp_sas().size(), 1u);

  // 4. R2 becomes Active (it now owns the VIP) and starts fresh: MM + QM with INITIAL-CONTACT;
  // the peer drops the SAs it held with the old active and installs the new pair.
  vip_owner = &r2;
  r2.set_active(true);
  r2.acquire(pair_acquire(*r2_cfg, "GandD", kPeer, kVip));
  run_until([&] { return !i2.installed.empty() && ip.installed.size() == 2 && !ip.removed.empty(); });
  EXPECT_GT(sent_by_r2, 0u);
  ASSERT_EQ(i2.installed.size(), 1u);
  ASSERT_EQ(ip.installed.size(), 2u);
  EXPECT_EQ(ip.installed[1].inbound.spi, i2.installed[0].outbound.spi);
  EXPECT_NE(i2.installed[0].outbound.spi, first.outbound.spi);
  ASSERT_EQ(ip.removed.size(), 1u);
  EXPECT_EQ(ip.removed[0], ip.installed[0].inbound.spi);
  ASSERT_EQ(peer.isakmp_sas().size(), 1u);
  EXPECT_EQ(sent_by_r1, before);  // the old active stayed silent throughout
  r2.stop();
  peer.stop();
  r1.stop();
}

TEST(HaControl, ShowStandbyAndBriefParseWithIosAbbreviations) {
  std::string err;
  auto c = parse_control_command({"show", "standby"}, &err);
  ASSERT_TRUE(c) << err;
  EXPECT_EQ(c->kind, ControlCommand::Kind::kShowStandby);
  EXPECT_FALSE(c->detail);
  c = parse_control_command({"sh", "stan", "br"}, &err);
  ASSERT_TRUE(c) << err;
  EXPECT_EQ(c->kind, ControlCommand::Kind::kShowStandby);
  EXPECT_TRUE(c->detail);
  EXPECT_FALSE(parse_control_command({"show", "standby", "everything"}, &err));
  EXPECT_NE(err.find("everything"), std::string::npos);
}

}  // namespace
}  // namespace espgw::espd

namespace espgw::espd {
namespace {

std::string write_temp(const std::string& bytes) {
  char path[] = "/tmp/espgw-ha-key-XXXXXX";
  int fd = ::mkstemp(path);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  ::close(fd);
  return path;
}

TEST(HaSyncKeyFile, HexIsDecodedRawIsTakenAsIsShortOrMissingIsRefused) {
  std::string err;
  auto hex = write_temp("00112233445566778899aabbccddeeff\n0102\n");
  auto k = read_sync_key_file(hex, &err);
  ASSERT_TRUE(k) << err;
  ASSERT_EQ(k->size(), 18u);
  EXPECT_EQ(k->view()[0], 0x00);
  EXPECT_EQ(k->view()[15], 0xFF);
  EXPECT_EQ(k->view()[17], 0x02);

  auto raw = write_temp("a passphrase that is not hex!");
  k = read_sync_key_file(raw, &err);
  ASSERT_TRUE(k) << err;
  EXPECT_EQ(k->size(), 29u);
  EXPECT_EQ(k->view()[0], 'a');

  auto shorter = write_temp("0011223344556677");  // 8 bytes once decoded
  EXPECT_FALSE(read_sync_key_file(shorter, &err));
  EXPECT_NE(err.find("at least 16 bytes"), std::string::npos) << err;
  EXPECT_FALSE(read_sync_key_file("/nonexistent/espgw.key", &err));
  EXPECT_NE(err.find("cannot read"), std::string::npos) << err;
  for (const auto& p : {hex, raw, shorter}) ::unlink(p.c_str());
}

TEST(HaControl, ShowRedundancyAndShowCryptoHaParse) {
  std::string err;
  auto c = parse_control_command({"show", "redundancy", "inter-device"}, &err);
  ASSERT_TRUE(c) << err;
  EXPECT_EQ(c->kind, ControlCommand::Kind::kShowRedundancy);
  c = parse_control_command({"sh", "red"}, &err);
  ASSERT_TRUE(c) << err;
  EXPECT_EQ(c->kind, ControlCommand::Kind::kShowRedundancy);
  c = parse_control_command({"show", "crypto", "ha"}, &err);
  ASSERT_TRUE(c) << err;
  EXPECT_EQ(c->kind, ControlCommand::Kind::kShowCryptoHa);
}

}  // namespace
}  // namespace espgw::espd

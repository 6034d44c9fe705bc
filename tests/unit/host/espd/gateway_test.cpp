// The gateway on two real CPU devices, no sockets: R2's config encapsulates, R1's config
// decapsulates, counters appear in the IOS views; replay is counted; a reload that changes
// nothing keeps SAs and counters; clear crypto sa keeps the sequence number running; an
// inbound SA installed alone (responder before QM2) decapsulates, then joins its pair.
#include "host/espd/gateway.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "host/common/ipv4.hpp"
#include "host/config/parser.hpp"
#include "host/dataplane/packet_view.hpp"

namespace espgw::espd {
namespace {

std::string read(const std::string& name) {
  std::ifstream in(std::string(ESPGW_E2E_DATA) + "/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

GatewayPlan plan_for(const std::string& file, const std::string& text = "") {
  auto parsed = config::parse_ios_config(text.empty() ? read(file) : text, file);
  EXPECT_TRUE(parsed.ok()) << (parsed.formatted().empty() ? "" : parsed.formatted()[0]);
  return make_plan(parsed.config, {{"GigabitEthernet0/0", "wan0"}, {"GigabitEthernet0/1", "lan0"}}, {});
}

// An ICMP echo request h1 -> h2 (valid IPv4 checksum), 84 bytes like ping's default.
std::vector<std::uint8_t> echo_request() {
  std::vector<std::uint8_t> p(84, 0);
  p[0] = 0x45, p[3] = 84, p[8] = 64, p[9] = 1;
  p[12] = 192, p[13] = 168, p[14] = 20, p[15] = 25;
  p[16] = 172, p[17] = 21, p[18] = 91, p[19] = 37;
  const auto c = dataplane::ipv4_checksum(std::span(p).first(20));
  p[10] = static_cast<std::uint8_t>(c >> 8), p[11] = static_cast<std::uint8_t>(c);
  p[20] = 8;
  for (std::size_t i = 28; i < p.size(); ++i) p[i] = static_cast<std::uint8_t>(i);
  return p;
}

struct Side {
  std::unique_ptr<driver::EspDevice> device;
  dataplane::SpdHandle spd;
  std::unique_ptr<Gateway> gw;
  explicit Side(const GatewayPlan& plan) {
    driver::DeviceOptions o;
    o.backend = "cpu";
    device = driver::make_device(o);
    gw = std::make_unique<Gateway>(*device, spd, nullptr, 0, nullptr);
    EXPECT_TRUE(gw->apply(plan).empty());
  }
  const control::PairView& pair(const char* local) {
    view = gw->ipsec_sa_view(Gateway::Clock::now());
    for (const auto& p : view.interfaces.at(0).pairs)
      if (p.local.addr == *parse_ipv4(local)) return p;
    throw std::runtime_error("no pair");
  }
  control::IpsecSaView view;
};

// Encapsulates on `from` through its SPD, returns the ESP datagram.
std::vector<std::uint8_t> encapsulate(Side& from, const std::vector<std::uint8_t>& clear) {
  auto spd = from.spd.load();
  auto d = spd->lookup(*dataplane::parse_five_tuple(clear));
  EXPECT_EQ(d.kind, dataplane::SpdDecision::Kind::kProtect);
  std::vector<std::uint8_t> buf(4096);
  std::copy(clear.begin(), clear.end(), buf.begin() + driver::kOutboundHeadroom);
  driver::PacketJob j;
  j.direction = driver::Direction::kOutbound;
  j.sa = d.pair->outbound_sa;
  j.buffer = buf.data();
  j.capacity = static_cast<std::uint32_t>(buf.size());
  j.offset = driver::kOutboundHeadroom;
  j.length = static_cast<std::uint32_t>(clear.size());
  from.device->process(std::span(&j, 1));
  EXPECT_EQ(j.status, driver::Status::kOk);
  auto out = j.packet();
  return {out.begin(), out.end()};
}

driver::Status decapsulate(Side& to, const std::vector<std::uint8_t>& esp, std::vector<std::uint8_t>* inner) {
  std::vector<std::uint8_t> buf(esp);
  buf.resize(4096);
  driver::PacketJob j;
  j.direction = driver::Direction::kInbound;
  j.buffer = buf.data();
  j.capacity = static_cast<std::uint32_t>(buf.size());
  j.length = static_cast<std::uint32_t>(esp.size());
  to.device->process(std::span(&j, 1));
  if (inner && j.status == driver::Status::kOk) inner->assign(j.packet().begin(), j.packet().end());
  return j.status;
}

TEST(Gateway, ManualSasCarryAPacketFromR2ToR1AndCountIt) {
  Side r2(plan_for("r2-manual-cbc.cfg")), r1(plan_for("r1-manual-cbc.cfg"));
  const auto clear = echo_request();
  const auto esp = encapsulate(r2, clear);
  EXPECT_EQ(esp[9], 50);  // raw ESP
  std::vector<std::uint8_t> inner;
  ASSERT_EQ(decapsulate(r1, esp, &inner), driver::Status::kOk);
  EXPECT_EQ(inner, clear);
  const auto& sent = r2.pair("192.168.20.25");
  EXPECT_EQ(sent.counters.encaps, 1u);
  EXPECT_EQ(sent.current_outbound_spi, 8738u);
  EXPECT_EQ(sent.outbound.at(0).transform, "esp-256-aes esp-sha256-hmac");
  const auto& got = r1.pair("172.21.91.37");
  EXPECT_EQ(got.counters.decaps, 1u);
  EXPECT_EQ(got.counters.verify, 1u);
  // The mirrored ACL line is listed as a pair of its own, without SAs (as in the reference).
  EXPECT_TRUE(r1.pair("192.168.20.25").inbound.empty());
}

TEST(Gateway, ReplayedAndTamperedPacketsAreCountedNotDelivered) {
  Side r2(plan_for("r2-manual-gcm.cfg")), r1(plan_for("r1-manual-gcm.cfg"));
  auto esp = encapsulate(r2, echo_request());
  ASSERT_EQ(decapsulate(r1, esp, nullptr), driver::Status::kOk);
  EXPECT_EQ(decapsulate(r1, esp, nullptr), driver::Status::kReplay);
  auto next = encapsulate(r2, echo_request());
  next[next.size() - 1] ^= 1;  // flip an ICV bit
  EXPECT_EQ(decapsulate(r1, next, nullptr), driver::Status::kAuthFail);
  const auto& c = r1.pair("172.21.91.37").counters;
  EXPECT_EQ(c.decaps, 1u);
  EXPECT_EQ(c.replay_failed_rcv, 1u);
  EXPECT_EQ(c.verify_failed, 1u);
  EXPECT_EQ(c.recv_errors, 2u);
}

TEST(Gateway, ReloadWithoutChangesKeepsSasAndCountersAndAChangedKeyRebuilds) {
  Side r2(plan_for("r2-manual-cbc.cfg")), r1(plan_for("r1-manual-cbc.cfg"));
  ASSERT_EQ(decapsulate(r1, encapsulate(r2, echo_request()), nullptr), driver::Status::kOk);
  const auto handles = r1.device->list_sas();
  EXPECT_TRUE(r1.gw->apply(plan_for("r1-manual-cbc.cfg")).empty());
  EXPECT_EQ(r1.device->list_sas(), handles);
  EXPECT_EQ(r1.pair("172.21.91.37").counters.decaps, 1u);
  // New inbound SPI: that entry is rebuilt, its counters start over.
  auto text = read("r1-manual-cbc.cfg");
  text.replace(text.find("inbound esp 8738"), 16, "inbound esp 9999");
  EXPECT_TRUE(r1.gw->apply(plan_for("r1-manual-cbc.cfg", text)).empty());
  EXPECT_EQ(r1.pair("172.21.91.37").counters.decaps, 0u);
  EXPECT_EQ(r1.pair("172.21.91.37").inbound.at(0).spi, 9999u);
  // An empty plan removes everything.
  EXPECT_TRUE(r1.gw->apply(GatewayPlan{}).empty());
  EXPECT_TRUE(r1.device->list_sas().empty());
}

TEST(Gateway, ClearReinstallsManualSasContinuingTheSequenceNumber) {
  Side r2(plan_for("r2-manual-cbc.cfg")), r1(plan_for("r1-manual-cbc.cfg"));
  for (int i = 0; i < 3; ++i) ASSERT_EQ(decapsulate(r1, encapsulate(r2, echo_request()), nullptr), driver::Status::kOk);
  EXPECT_EQ(r2.gw->clear(std::nullopt), 1u);
  EXPECT_EQ(r2.pair("192.168.20.25").counters.encaps, 0u);
  // The next packet uses sequence number 4, so the peer's replay window accepts it and no
  // (key, sequence number) pair repeats.
  auto esp = encapsulate(r2, echo_request());
  EXPECT_EQ(decapsulate(r1, esp, nullptr), driver::Status::kOk);
  EXPECT_EQ(r2.gw->clear(*parse_ipv4("1.2.3.4")), 0u);
}

// Split brain (docs/ha.md): the winner's outbound SA continues above the loser's final
// sequence number. The device has no "set sequence number": the SA is reinstalled from its
// own config at the new point, the SPD follows, the old copy goes.
TEST(Gateway, RaisedOutboundSaContinuesAboveTheGivenSequenceNumberAndThePeerAcceptsIt) {
  Side r2(plan_for("r2-manual-cbc.cfg")), r1(plan_for("r1-manual-cbc.cfg"));
  auto esp_seq = [](const std::vector<std::uint8_t>& esp) {
    const std::size_t h = (esp[0] & 0x0F) * 4u;  // raw ESP after the outer IPv4 header
    return std::uint32_t{esp[h + 4]} << 24 | std::uint32_t{esp[h + 5]} << 16 | std::uint32_t{esp[h + 6]} << 8 | esp[h + 7];
  };
  for (int i = 1; i <= 3; ++i) {
    auto esp = encapsulate(r2, echo_request());
    EXPECT_EQ(esp_seq(esp), static_cast<std::uint32_t>(i));
    ASSERT_EQ(decapsulate(r1, esp, nullptr), driver::Status::kOk);
  }
  const std::uint32_t spi = r2.pair("192.168.20.25").current_outbound_spi;
  const auto sas_before = r2.device->list_sas().size();
  EXPECT_TRUE(r2.gw->raise_outbound_seq(spi, 5000));
  EXPECT_EQ(r2.device->list_sas().size(), sas_before);  // the old copy is gone
  auto esp = encapsulate(r2, echo_request());
  EXPECT_EQ(esp_seq(esp), 5001u);
  std::vector<std::uint8_t> inner;
  ASSERT_EQ(decapsulate(r1, esp, &inner), driver::Status::kOk);  // same keys, a forward jump
  EXPECT_EQ(inner, echo_request());
  EXPECT_FALSE(r2.gw->raise_outbound_seq(spi, 4000));        // already past: nothing to do
  EXPECT_FALSE(r2.gw->raise_outbound_seq(0xDEADBEEF, 9000));  // no such SA
  EXPECT_EQ(esp_seq(encapsulate(r2, echo_request())), 5002u);
}

// r1-standalone (ipsec-isakmp) with the IKE pair's SAs built by hand: keys from `seed`.
std::string read_ios_for_test() {
  std::ifstream in(std::string(ESPGW_IOS_DATA) + "/r1-standalone.cfg");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

GatewayPlan standalone_r1() { return plan_for("r1-standalone.cfg", read_ios_for_test()); }

driver::SaConfig ike_sa(driver::Direction dir, std::uint32_t spi, std::uint8_t seed) {
  const std::uint32_t r1 = *parse_ipv4("19.26.116.137"), r2 = *parse_ipv4("19.26.116.141");
  const std::uint32_t h1 = *parse_ipv4("172.21.91.37"), h2 = *parse_ipv4("192.168.20.25");
  driver::SaConfig c;
  c.spi = spi;
  c.direction = dir;
  c.transform = driver::Transform::kAesCbcHmacSha256;
  std::vector<std::uint8_t> enc(32), auth(32);
  for (std::size_t i = 0; i < 32; ++i) enc[i] = static_cast<std::uint8_t>(seed + i), auth[i] = static_cast<std::uint8_t>(seed * 3 + i);
  c.enc_key = SecretBytes(enc);
  c.auth_key = SecretBytes(auth);
  const bool from_r2 = (spi & 1) != 0;  // odd SPIs carry R2 -> R1 traffic
  c.tunnel_src = from_r2 ? r2 : r1;
  c.tunnel_dst = from_r2 ? r1 : r2;
  c.selector = {from_r2 ? h2 : h1, 0xFFFFFFFF, from_r2 ? h1 : h2, 0xFFFFFFFF, 0};
  return c;
}

// The peer (R2) encrypts with an outbound SA of the same keys on its own CPU device.
std::vector<std::uint8_t> peer_encapsulate(driver::EspDevice& dev, driver::SaHandle sa) {
  const auto clear = echo_request();
  std::vector<std::uint8_t> buf(4096);
  std::copy(clear.begin(), clear.end(), buf.begin() + driver::kOutboundHeadroom);
  driver::PacketJob j;
  j.direction = driver::Direction::kOutbound;
  j.sa = sa;
  j.buffer = buf.data();
  j.capacity = static_cast<std::uint32_t>(buf.size());
  j.offset = driver::kOutboundHeadroom;
  j.length = static_cast<std::uint32_t>(clear.size());
  dev.process(std::span(&j, 1));
  EXPECT_EQ(j.status, driver::Status::kOk);
  auto out = j.packet();
  return {out.begin(), out.end()};
}

TEST(Gateway, InboundSaInstalledAloneDecapsulatesBeforeItsOutboundAndThePairAdoptsIt) {
  Side r1(standalone_r1());
  driver::DeviceOptions o;
  o.backend = "cpu";
  auto r2_device = driver::make_device(o);
  auto r2_out = r2_device->install_sa(ike_sa(driver::Direction::kOutbound, 0x1001, 7));
  ASSERT_EQ(r2_out.status, driver::Status::kOk);
  const std::uint32_t peer = *parse_ipv4("19.26.116.141");

  // Responder, QM2 about to go: only the inbound SA exists.
  ASSERT_EQ(r1.gw->install_inbound_sa(peer, ike_sa(driver::Direction::kInbound, 0x1001, 7)), "");
  EXPECT_EQ(r1.device->list_sas().size(), 1u);
  EXPECT_TRUE(r1.pair("172.21.91.37").inbound.empty());  // in no pair yet: not shown
  std::vector<std::uint8_t> inner;
  ASSERT_EQ(decapsulate(r1, peer_encapsulate(*r2_device, r2_out.handle), &inner), driver::Status::kOk);
  EXPECT_EQ(inner, echo_request());

  // QM3: the outbound twin completes the pair around the SA already in the device.
  auto r1_cfg = config::parse_ios_config(read_ios_for_test(), "r1-standalone.cfg");
  dataplane::SaPair pair;
  pair.map_tag = "vpn";
  pair.seq = 10;
  pair.peer = peer;
  pair.proxy = selector_of(r1_cfg.config.find_access_list("110")->entries[0]);
  pair.inbound = ike_sa(driver::Direction::kInbound, 0x1001, 7);
  pair.outbound = ike_sa(driver::Direction::kOutbound, 0x2002, 9);
  ASSERT_EQ(r1.gw->install_sa_pair(std::move(pair)), "");
  EXPECT_EQ(r1.device->list_sas().size(), 2u);  // adopted, not installed twice
  const auto& shown = r1.pair("172.21.91.37");
  ASSERT_EQ(shown.inbound.size(), 1u);
  EXPECT_EQ(shown.inbound[0].spi, 0x1001u);
  EXPECT_EQ(shown.current_outbound_spi, 0x2002u);
  EXPECT_EQ(shown.counters.decaps, 1u);  // the packet before QM3 stays counted
  EXPECT_EQ(decapsulate(r1, peer_encapsulate(*r2_device, r2_out.handle), nullptr), driver::Status::kOk);
  EXPECT_FALSE(r1.gw->remove_inbound_sa(0x1001));  // it belongs to the pair now
  EXPECT_TRUE(r1.gw->remove_sa_pair(peer, 0x1001));
  EXPECT_TRUE(r1.device->list_sas().empty());
}

TEST(Gateway, InboundSaInstalledAloneIsRemovedFromTheDeviceWhenQuickModeFails) {
  Side r1(standalone_r1());
  driver::DeviceOptions o;
  o.backend = "cpu";
  auto r2_device = driver::make_device(o);
  auto r2_out = r2_device->install_sa(ike_sa(driver::Direction::kOutbound, 0x3003, 11));
  ASSERT_EQ(r1.gw->install_inbound_sa(*parse_ipv4("19.26.116.141"), ike_sa(driver::Direction::kInbound, 0x3003, 11)),
            "");
  const auto esp = peer_encapsulate(*r2_device, r2_out.handle);
  EXPECT_EQ(r1.gw->export_sa_configs().size(), 1u);
  EXPECT_TRUE(r1.gw->remove_inbound_sa(0x3003));
  EXPECT_TRUE(r1.device->list_sas().empty());
  EXPECT_TRUE(r1.gw->export_sa_configs().empty());
  EXPECT_NE(decapsulate(r1, esp, nullptr), driver::Status::kOk);
  EXPECT_EQ(r1.device->device_counters().bad_spi, 1u);
  EXPECT_FALSE(r1.gw->remove_inbound_sa(0x3003));
  // An outbound config is refused as an inbound-only SA.
  EXPECT_NE(r1.gw->install_inbound_sa(0, ike_sa(driver::Direction::kOutbound, 0x4004, 1)), "");
}

TEST(Gateway, ExportListsBothSasOfThePairWithKeys) {
  Side r2(plan_for("r2-manual-cbc.cfg"));
  const auto sas = r2.gw->export_sa_configs();
  ASSERT_EQ(sas.size(), 2u);
  EXPECT_EQ(sas[0]->spi, 4369u);
  EXPECT_EQ(sas[0]->enc_key.size(), 32u);
  EXPECT_EQ(sas[1]->tunnel_dst, *parse_ipv4("19.26.116.137"));
}

}  // namespace
}  // namespace espgw::espd

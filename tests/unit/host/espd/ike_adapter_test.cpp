// IkeAdapter: the reference's standalone configs map onto host/ike's input as IOS means them,
// a policy without `authentication` is refused with a warning that says what to add, and
// two adapters (R1 and R2 configs verbatim, datagrams passed in memory) negotiate MM + QM
// with PFS group14 and hand the gateway matching SA pairs; clear and DELETE remove them.
// The responder's inbound SA goes to the installer alone before QM2, and is removed when
// QM3 never comes.
#include "host/espd/ike_adapter.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <boost/asio/post.hpp>

#include "host/common/ipv4.hpp"
#include "host/config/parser.hpp"
#include "host/control/show_crypto_isakmp_sa.hpp"
#include "host/espd/control_commands.hpp"
#include "host/espd/gateway_plan.hpp"

namespace espgw::espd {
namespace {

std::shared_ptr<const config::Config> load(const std::string& name, const std::string& text = "") {
  std::string body = text;
  if (body.empty()) {
    std::ifstream in(std::string(ESPGW_IOS_DATA) + "/" + name);
    std::stringstream ss;
    ss << in.rdbuf();
    body = ss.str();
  }
  auto parsed = config::parse_ios_config(body, name);
  EXPECT_TRUE(parsed.ok());
  return std::make_shared<const config::Config>(std::move(parsed.config));
}

struct FakeInstaller final : dataplane::SaInstaller {
  std::vector<dataplane::SaPair> installed;
  std::vector<std::uint32_t> removed;
  struct Alone {
    std::uint32_t spi = 0;
    std::size_t pairs_before = 0;  // pairs installed when it came
  };
  std::vector<Alone> inbound_alone;
  std::vector<std::uint32_t> removed_alone;
  std::function<void()> on_inbound_alone;
  std::string install_sa_pair(dataplane::SaPair pair) override {
    installed.push_back(std::move(pair));
    return "";
  }
  std::string install_inbound_sa(std::uint32_t, const driver::SaConfig& inbound) override {
    inbound_alone.push_back({inbound.spi, installed.size()});
    if (on_inbound_alone) on_inbound_alone();
    return "";
  }
  bool remove_inbound_sa(std::uint32_t spi) override {
    removed_alone.push_back(spi);
    return true;
  }
  bool remove_sa_pair(std::uint32_t, std::uint32_t inbound_spi) override {
    removed.push_back(inbound_spi);
    return true;
  }
  bool send_natt(std::uint32_t, std::uint16_t, std::span<const std::uint8_t>) override { return false; }
};

TEST(IkeAdapterMapping, ReferenceR1StandaloneMapsPolicyKeyKeepaliveAndBothProxyPairs) {
  auto cfg = load("r1-standalone.cfg");
  auto m = map_ike_config(*cfg);
  EXPECT_TRUE(m.warnings.empty()) << m.warnings.front();
  ASSERT_EQ(m.ike.policies.size(), 1u);
  EXPECT_EQ(m.ike.policies[0].key_bits, 256);
  EXPECT_EQ(m.ike.policies[0].hash, ike::P1Hash::kSha256);
  EXPECT_EQ(m.ike.policies[0].group, ike::DhGroupId::kModp2048);
  ASSERT_EQ(m.ike.keys.size(), 1u);
  EXPECT_EQ(m.ike.keys[0].address, *parse_ipv4("19.26.116.141"));
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(m.ike.keys[0].key.view().data()), m.ike.keys[0].key.size()),
            "cisco123");
  ASSERT_TRUE(m.ike.keepalive);
  EXPECT_EQ(m.ike.keepalive->interval, std::chrono::seconds(10));
  EXPECT_EQ(m.ike.local_address, *parse_ipv4("19.26.116.137"));
  ASSERT_EQ(m.ike.crypto_maps.size(), 2u);  // ACL 110's two permit lines
  ASSERT_EQ(m.map_selectors.size(), 2u);
  const auto& first = m.ike.crypto_maps[0];
  EXPECT_EQ(first.map_name, "vpn");
  EXPECT_EQ(first.seq, 10);
  EXPECT_EQ(first.peer, *parse_ipv4("19.26.116.141"));
  EXPECT_EQ(first.local.addr, *parse_ipv4("172.21.91.37"));
  EXPECT_EQ(first.remote.addr, *parse_ipv4("192.168.20.25"));
  ASSERT_TRUE(first.pfs);
  EXPECT_EQ(*first.pfs, ike::DhGroupId::kModp2048);
  ASSERT_EQ(first.transforms.size(), 1u);
  EXPECT_EQ(first.transforms[0].id, ike::EspTransformId::kEspAes);
  EXPECT_EQ(first.transforms[0].auth, ike::AuthAlgorithm::kHmacSha256);
  EXPECT_EQ(first.lifetime, std::chrono::seconds(3600));
  EXPECT_EQ(m.map_selectors[0].src_addr, *parse_ipv4("172.21.91.37"));
}

TEST(IkeAdapterMapping, PolicyWithoutAuthenticationIsLeftOutWithAWarningSayingWhatToAdd) {
  const std::string text =
      "crypto isakmp policy 5\n encr aes 256\n hash sha256\n group 14\n"
      "crypto isakmp policy 10\n encr aes 256\n hash sha256\n authentication pre-share\n group 14\n"
      "crypto isakmp key k address 10.0.0.2\n"
      "crypto ipsec transform-set t esp-aes 256 esp-sha256-hmac\n"
      "crypto map m 10 ipsec-isakmp\n set peer 10.0.0.2\n set transform-set t\n match address 101\n"
      "access-list 101 permit ip host 10.1.0.1 host 10.2.0.1\n"
      "interface GigabitEthernet0/0\n ip address 10.0.0.1 255.255.255.0\n crypto map m\n";
  auto m = map_ike_config(*load("noauth.cfg", text));
  ASSERT_EQ(m.ike.policies.size(), 1u);
  EXPECT_EQ(m.ike.policies[0].priority, 10);
  ASSERT_EQ(m.warnings.size(), 1u);
  EXPECT_NE(m.warnings[0].find("policy 5"), std::string::npos) << m.warnings[0];
  EXPECT_NE(m.warnings[0].find("rsa-sig"), std::string::npos) << m.warnings[0];
  EXPECT_NE(m.warnings[0].find("authentication pre-share"), std::string::npos) << m.warnings[0];
}

// R1 and R2 with the reference's standalone configs verbatim, each with its own installer;
// each test wires the datagrams between them (in memory, through the io_context).
class IkeAdapterNegotiation : public ::testing::Test {
 protected:
  IkeAdapterNegotiation() {
    r1.start(i1);
    r2.start(i2);
    r1.apply_config(load("r1-standalone.cfg"));
    r2.apply_config(load("r2-standalone.cfg"));
  }
  boost::asio::io_context io;
  IkeAdapter r1{io, 0}, r2{io, 0};
  FakeInstaller i1, i2;
};

// An acquire raised before a pair for its proxy was installed (it waited in the control
// loop's queue, e.g. behind an HA takeover adopting the replica) is answered by that pair and
// starts no Quick Mode; one raised after the pair went in (the forwarder lost it) does.
TEST_F(IkeAdapterNegotiation, AcquireRaisedBeforeThePairWentInIsStaleOneRaisedAfterNegotiates) {
  std::size_t sent_by_r2 = 0;
  r1.set_send_hook([&](const ike::Datagram& d) { boost::asio::post(io, [this, d] { r2.receive(d); }); });
  r2.set_send_hook([&](const ike::Datagram& d) {
    ++sent_by_r2;
    boost::asio::post(io, [this, d] { r1.receive(d); });
  });
  auto r2_cfg = load("r2-standalone.cfg");
  const auto* acl = r2_cfg->find_access_list("110");
  ASSERT_NE(acl, nullptr);
  const dataplane::AcquireRequest first{"vpn", 10, *parse_ipv4("19.26.116.137"), *parse_ipv4("19.26.116.141"),
                                        selector_of(acl->entries[0]), {}};
  dataplane::AcquireRequest queued = first;  // raised together with the first, handled later
  r2.acquire(first);
  for (int i = 0; i < 200 && (i1.installed.empty() || i2.installed.empty()); ++i)
    io.run_for(std::chrono::milliseconds(20));
  ASSERT_EQ(i2.installed.size(), 1u);
  io.run_for(std::chrono::milliseconds(50));
  const std::size_t sent = sent_by_r2;

  r2.acquire(queued);
  io.run_for(std::chrono::milliseconds(100));
  EXPECT_EQ(sent_by_r2, sent);  // nothing sent: no Quick Mode
  EXPECT_EQ(i2.installed.size(), 1u);
  EXPECT_EQ(r2.stale_acquires(), 1u);

  dataplane::AcquireRequest later = first;
  later.raised = std::chrono::steady_clock::now();
  r2.acquire(later);
  for (int i = 0; i < 200 && i2.installed.size() < 2; ++i) io.run_for(std::chrono::milliseconds(20));
  EXPECT_GT(sent_by_r2, sent);
  ASSERT_EQ(i2.installed.size(), 2u);  // a new Quick Mode on the same ISAKMP SA
  EXPECT_NE(i2.installed[1].outbound.spi, i2.installed[0].outbound.spi);
  EXPECT_EQ(r2.stale_acquires(), 1u);
  r1.stop();
  r2.stop();
}

// R2 (initiator) and R1 (responder) with the reference configs verbatim; datagrams are
// handed over in memory through the io_context, as the sockets would.
TEST_F(IkeAdapterNegotiation, ReferenceConfigsInstallMatchingPfs14PairsOnBothSides) {
  r1.set_send_hook([&](const ike::Datagram& d) { boost::asio::post(io, [this, d] { r2.receive(d); }); });
  r2.set_send_hook([&](const ike::Datagram& d) { boost::asio::post(io, [this, d] { r1.receive(d); }); });

  auto r2_cfg = load("r2-standalone.cfg");
  const auto* acl = r2_cfg->find_access_list("110");
  ASSERT_NE(acl, nullptr);
  dataplane::AcquireRequest acq{"vpn", 10, *parse_ipv4("19.26.116.137"), *parse_ipv4("19.26.116.141"),
                                selector_of(acl->entries[0]), {}};
  r2.acquire(acq);
  for (int i = 0; i < 200 && (i1.installed.empty() || i2.installed.empty()); ++i)
    io.run_for(std::chrono::milliseconds(20));
  ASSERT_EQ(i1.installed.size(), 1u);
  ASSERT_EQ(i2.installed.size(), 1u);
  const auto& a = i2.installed[0];  // R2's pair
  const auto& b = i1.installed[0];  // R1's pair
  EXPECT_EQ(a.map_tag, "vpn");
  EXPECT_EQ(a.seq, 10);
  EXPECT_EQ(a.proxy, selector_of(acl->entries[0]));
  EXPECT_EQ(a.peer, *parse_ipv4("19.26.116.137"));
  EXPECT_EQ(b.peer, *parse_ipv4("19.26.116.141"));
  ASSERT_TRUE(a.pfs_group && b.pfs_group);
  EXPECT_EQ(*a.pfs_group, 14);
  EXPECT_EQ(*b.pfs_group, 14);
  EXPECT_EQ(a.outbound.spi, b.inbound.spi);
  EXPECT_EQ(b.outbound.spi, a.inbound.spi);
  EXPECT_TRUE(a.outbound.enc_key.view().size() == 32 && a.outbound.enc_key == b.inbound.enc_key);
  EXPECT_TRUE(a.outbound.auth_key == b.inbound.auth_key);
  EXPECT_TRUE(b.outbound.enc_key == a.inbound.enc_key);
  EXPECT_FALSE(a.outbound.enc_key == a.inbound.enc_key);
  EXPECT_EQ(a.outbound.transform, driver::Transform::kAesCbcHmacSha256);
  // Each side's inbound SA went in alone first, then joined its pair (never removed).
  ASSERT_EQ(i1.inbound_alone.size(), 1u);
  EXPECT_EQ(i1.inbound_alone[0].spi, b.inbound.spi);
  EXPECT_EQ(i1.inbound_alone[0].pairs_before, 0u);
  ASSERT_EQ(i2.inbound_alone.size(), 1u);
  EXPECT_EQ(i2.inbound_alone[0].spi, a.inbound.spi);
  EXPECT_TRUE(i1.removed_alone.empty());
  EXPECT_TRUE(i2.removed_alone.empty());

  for (auto* side : {&r1, &r2}) {
    auto rows = side->isakmp_sas();
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].state, "QM_IDLE");
    EXPECT_TRUE(rows[0].active);
    EXPECT_EQ(rows[0].dst, *parse_ipv4("19.26.116.137"));  // the responder, R1
    EXPECT_EQ(rows[0].src, *parse_ipv4("19.26.116.141"));
  }
  EXPECT_NE(r2.ikev1_decryption_table().find(','), std::string::npos);

  // clear crypto isakmp on R2: its pair goes, and R1 honours the DELETE.
  r2.clear_isakmp();
  for (int i = 0; i < 50 && i1.removed.empty(); ++i) io.run_for(std::chrono::milliseconds(20));
  ASSERT_EQ(i2.removed.size(), 1u);
  EXPECT_EQ(i2.removed[0], a.inbound.spi);
  ASSERT_EQ(i1.removed.size(), 1u);
  EXPECT_EQ(i1.removed[0], b.inbound.spi);
  EXPECT_TRUE(r2.isakmp_sas().empty());
  EXPECT_TRUE(r1.isakmp_sas().empty());
  r1.stop();
  r2.stop();
}

// QM3 lost for good: R1 (responder) installed its inbound SA before QM2 and the initiator
// got QM2 (it has its pair), but R1's outbound never comes; after the bound the inbound SA
// is removed.
TEST_F(IkeAdapterNegotiation, ResponderInboundSaGoesInBeforeQm2AndIsRemovedWhenQm3NeverComes) {
  r1.set_pending_inbound_timeout(std::chrono::milliseconds(300));
  std::size_t r1_sent_after_inbound = 0;
  bool r1_inbound_in = false;
  i1.on_inbound_alone = [&] { r1_inbound_in = true; };
  r1.set_send_hook([&](const ike::Datagram& d) {
    if (r1_inbound_in) ++r1_sent_after_inbound;  // QM2 and its retransmissions
    boost::asio::post(io, [this, d] { r2.receive(d); });
  });
  r2.set_send_hook([&](const ike::Datagram& d) {
    if (r1_inbound_in) return;  // QM3 (and anything after it) is lost
    boost::asio::post(io, [this, d] { r1.receive(d); });
  });
  auto r2_cfg = load("r2-standalone.cfg");
  dataplane::AcquireRequest acq{"vpn", 10, *parse_ipv4("19.26.116.137"), *parse_ipv4("19.26.116.141"),
                                selector_of(r2_cfg->find_access_list("110")->entries[0]), {}};
  r2.acquire(acq);
  for (int i = 0; i < 200 && i2.installed.empty(); ++i) io.run_for(std::chrono::milliseconds(20));
  ASSERT_EQ(i2.installed.size(), 1u);  // the initiator processed QM2
  ASSERT_EQ(i1.inbound_alone.size(), 1u);
  EXPECT_EQ(i1.inbound_alone[0].spi, i2.installed[0].outbound.spi);
  EXPECT_GE(r1_sent_after_inbound, 1u);  // QM2 left after the inbound SA went in
  EXPECT_TRUE(i1.installed.empty());
  for (int i = 0; i < 100 && i1.removed_alone.empty(); ++i) io.run_for(std::chrono::milliseconds(20));
  ASSERT_EQ(i1.removed_alone.size(), 1u);
  EXPECT_EQ(i1.removed_alone[0], i1.inbound_alone[0].spi);
  EXPECT_TRUE(i1.installed.empty());
  r1.stop();
  r2.stop();
  EXPECT_EQ(i1.removed_alone.size(), 1u);  // not removed twice
}

TEST(IsakmpControl, ShowCryptoIsakmpSaHasTheReferenceColumns) {
  const auto text = control::render_crypto_isakmp_sa(
      {{*parse_ipv4("19.26.116.141"), *parse_ipv4("19.26.116.137"), "QM_IDLE", 1001, true}});
  EXPECT_EQ(text,
            "IPv4 Crypto ISAKMP SA\n"
            "dst             src             state          conn-id status\n"
            "19.26.116.141   19.26.116.137   QM_IDLE           1001 ACTIVE\n"
            "\n"
            "IPv6 Crypto ISAKMP SA\n\n");
}

TEST(IsakmpControl, IsakmpCommandsParseWithIosAbbreviations) {
  std::string err;
  auto show = parse_control_command({"sh", "cry", "isa", "sa"}, &err);
  ASSERT_TRUE(show) << err;
  EXPECT_EQ(show->kind, ControlCommand::Kind::kShowIsakmpSa);
  auto clear = parse_control_command({"clear", "crypto", "isakmp"}, &err);
  ASSERT_TRUE(clear) << err;
  EXPECT_EQ(clear->kind, ControlCommand::Kind::kClearIsakmp);
  auto on = parse_control_command({"debug", "crypto", "isakmp"}, &err);
  ASSERT_TRUE(on) << err;
  EXPECT_EQ(on->kind, ControlCommand::Kind::kDebugIsakmp);
  EXPECT_TRUE(on->on);
  auto off = parse_control_command({"no", "debug", "crypto", "isakmp"}, &err);
  ASSERT_TRUE(off) << err;
  EXPECT_FALSE(off->on);
  auto undebug = parse_control_command({"undebug", "all"}, &err);
  ASSERT_TRUE(undebug) << err;
  EXPECT_FALSE(undebug->on);
  EXPECT_FALSE(parse_control_command({"debug", "crypto", "ipsec"}, &err));
  EXPECT_EQ(err, "% Invalid input detected at 'ipsec'");
}

}  // namespace
}  // namespace espgw::espd

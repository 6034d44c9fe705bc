// The TwoPeers fixture shared by the host/ike manager tests: two espgw IKE stacks
// (IkeSaManager) on an in-memory network with a hand-advanced clock (no sleeps, no sockets),
// configured as the reference walkthrough's R1/R2 (aes 256, sha256, group 14, PSK cisco123,
// esp-aes 256 esp-sha256-hmac, pfs group14).
#pragma once

#include <deque>
#include <map>
#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>

#include "host/common/ipv4.hpp"
#include "host/ike/ike_sa_manager.hpp"

namespace espgw::ike::testing_peers {

using driver::Direction;
using driver::SaConfig;

constexpr std::uint32_t kR1 = 0x131A748D;  // 19.26.116.141
constexpr std::uint32_t kR2 = 0x131A7489;  // 19.26.116.137
constexpr std::uint32_t kHostR1 = 0xC0A81419;  // 192.168.20.25
constexpr std::uint32_t kHostR2 = 0xAC155B25;  // 172.21.91.37

inline SecretBytes psk(std::string_view s) {
  return SecretBytes(ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
}

inline IkeConfig reference_config(std::uint32_t self, std::uint32_t peer, std::uint32_t local_host, std::uint32_t remote_host) {
  IkeConfig c;
  c.local_address = self;
  c.debug_isakmp = true;
  c.policies = {IsakmpPolicyInput{1, 256, P1Hash::kSha256, DhGroupId::kModp2048, kIsakmpLifetimeDefault}};
  c.keys.push_back(PreSharedKeyInput{peer, 0xFFFFFFFF, psk("cisco123")});
  CryptoMapInput m;
  m.map_name = "vpn";
  m.seq = 10;
  m.peer = peer;
  m.local = ProxyId{local_host, 0xFFFFFFFF, 0, 0};
  m.remote = ProxyId{remote_host, 0xFFFFFFFF, 0, 0};
  m.transforms = {EspTransformInput{"mysec", EspTransformId::kEspAes, 256, AuthAlgorithm::kHmacSha256}};
  m.pfs = DhGroupId::kModp2048;
  c.crypto_maps.push_back(m);
  return c;
}

struct Node {
  std::unique_ptr<IkeSaManager> mgr;
  std::vector<SaConfig> installed;
  std::vector<std::pair<std::uint32_t, Direction>> removed;
  const SaConfig* find(Direction d) const {
    for (const SaConfig& c : installed)
      if (c.direction == d) return &c;
    return nullptr;
  }
};

class TwoPeers : public testing::Test {
 protected:
  void SetUp() override {
    sink_ = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(4096);
    auto logger = std::make_shared<spdlog::logger>("ike_test", sink_);
    logger->set_level(spdlog::level::debug);
    previous_ = spdlog::default_logger();
    spdlog::set_default_logger(logger);
    r1_cfg_ = reference_config(kR1, kR2, kHostR1, kHostR2);
    r2_cfg_ = reference_config(kR2, kR1, kHostR2, kHostR1);
  }
  void TearDown() override {
    if (HasFailure())
      for (const std::string& l : log_lines()) std::fprintf(stderr, "log: %s", l.c_str());
    spdlog::set_default_logger(previous_);
  }

  void start() {
    r1_ = make_node(r1_cfg_);
    r2_ = make_node(r2_cfg_);
  }
  std::unique_ptr<Node> make_node(const IkeConfig& cfg) {
    auto n = std::make_unique<Node>();
    Node* raw = n.get();
    n->mgr = std::make_unique<IkeSaManager>(
        cfg, clock_,
        IkeCallbacks{[this](const Datagram& d) { wire_.push_back(d); },
                     [raw](const SaConfig& c) { raw->installed.push_back(c); },
                     [raw](std::uint32_t spi, Direction d) { raw->removed.emplace_back(spi, d); }});
    return n;
  }
  // Delivers queued datagrams until the network is quiet; `drop` can eat some.
  void pump(const std::function<bool(const Datagram&)>& drop = nullptr) {
    for (int guard = 0; !wire_.empty() && guard < 1000; ++guard) {
      Datagram d = wire_.front();
      wire_.pop_front();
      ++delivered_;
      exchanges_.push_back(d.data.size() > 18 ? d.data[18] : 0);
      if (drop && drop(d)) continue;
      if (d.dst.addr == kR1 && r1_) r1_->mgr->receive(d);
      else if (d.dst.addr == kR2 && r2_) r2_->mgr->receive(d);
    }
  }
  std::vector<std::string> log_lines() { return sink_->last_formatted(); }
  std::size_t count_lines(std::string_view needle) {
    std::size_t n = 0;
    for (const std::string& l : log_lines()) n += l.find(needle) != std::string::npos ? 1 : 0;
    return n;
  }
  static Bytes key(const SecretBytes& s) { return Bytes(s.view().begin(), s.view().end()); }

  void expect_pair(const SaConfig& out, const SaConfig& in) {
    EXPECT_EQ(out.spi, in.spi);
    EXPECT_EQ(out.transform, in.transform);
    EXPECT_EQ(key(out.enc_key), key(in.enc_key));
    EXPECT_EQ(key(out.auth_key), key(in.auth_key));
    EXPECT_EQ(out.salt, in.salt);
    EXPECT_EQ(out.tunnel_src, in.tunnel_src);
    EXPECT_EQ(out.tunnel_dst, in.tunnel_dst);
    EXPECT_EQ(out.selector, in.selector);
    EXPECT_EQ(out.udp_encap, in.udp_encap);
  }

  ManualScheduler clock_;
  std::deque<Datagram> wire_;
  std::size_t delivered_ = 0;
  std::vector<std::uint8_t> exchanges_;  // exchange type of every delivered datagram
  IkeConfig r1_cfg_, r2_cfg_;
  std::unique_ptr<Node> r1_, r2_;
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
  std::shared_ptr<spdlog::logger> previous_;
};

}  // namespace espgw::ike::testing_peers

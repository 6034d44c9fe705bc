// espgw_ike_peer: a test harness that runs the IKE stack alone over real UDP 500/4500 for
// interoperability checks (host/ike/tools/strongswan_interop.sh). It negotiates one crypto-map
// entry and prints each installed SA with SHA-256 fingerprints of its keys (never the keys),
// so a script can compare them with what the peer derived. Not the daemon.
#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdio>
#include <openssl/sha.h>

#include "host/common/asio_scheduler.hpp"
#include "host/common/hex.hpp"
#include "host/common/ipv4.hpp"
#include "host/common/logging.hpp"
#include "host/ike/ike_socket.hpp"

using namespace espgw;
using namespace espgw::ike;

namespace {

std::string fingerprint(const SecretBytes& k) {
  if (k.empty()) return "-";
  std::uint8_t d[SHA256_DIGEST_LENGTH];
  SHA256(k.view().data(), k.size(), d);
  return to_hex(ByteView(d, sizeof d)).substr(0, 16);
}

bool parse_net(const std::string& text, ProxyId& out) {
  auto slash = text.find('/');
  auto addr = parse_ipv4(text.substr(0, slash));
  int prefix = slash == std::string::npos ? 32 : std::atoi(text.c_str() + slash + 1);
  if (!addr || prefix < 0 || prefix > 32) return false;
  out = ProxyId{*addr, prefix_to_netmask(prefix), 0, 0};
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"espgw IKEv1 interop harness"};
  std::string local, peer, psk_text, local_net, remote_net, log_level = "info";
  bool initiate = false, encap = false, gcm = false, debug = false;
  int pfs = 14, timeout_s = 20;
  app.add_option("--local", local)->required();
  app.add_option("--peer", peer)->required();
  app.add_option("--psk", psk_text)->required();
  app.add_option("--local-net", local_net)->required();
  app.add_option("--remote-net", remote_net)->required();
  app.add_option("--pfs", pfs, "DH group for PFS, 0 for none");
  app.add_option("--timeout", timeout_s);
  app.add_flag("--initiate", initiate);
  app.add_flag("--encap", encap, "force UDP encapsulation (NAT-D that never matches)");
  app.add_flag("--gcm", gcm, "esp-gcm 256 instead of esp-aes 256 esp-sha256-hmac");
  app.add_flag("--debug", debug, "debug crypto isakmp");
  CLI11_PARSE(app, argc, argv);
  setup_logging("ike_peer", debug ? "debug" : log_level);

  IkeConfig cfg;
  auto l = parse_ipv4(local), p = parse_ipv4(peer);
  CryptoMapInput map;
  if (!l || !p || !parse_net(local_net, map.local) || !parse_net(remote_net, map.remote)) {
    std::fprintf(stderr, "bad address or network\n");
    return 2;
  }
  cfg.local_address = *l;
  cfg.debug_isakmp = debug;
  cfg.force_udp_encap = encap;
  cfg.policies = {IsakmpPolicyInput{1, 256, P1Hash::kSha256, DhGroupId::kModp2048, kIsakmpLifetimeDefault}};
  cfg.keys.push_back(PreSharedKeyInput{
      *p, 0xFFFFFFFF, SecretBytes(ByteView(reinterpret_cast<const std::uint8_t*>(psk_text.data()), psk_text.size()))});
  map.map_name = "vpn";
  map.peer = *p;
  map.transforms = {gcm ? EspTransformInput{"gcm", EspTransformId::kEspAesGcm16, 256, AuthAlgorithm::kNone}
                        : EspTransformInput{"mysec", EspTransformId::kEspAes, 256, AuthAlgorithm::kHmacSha256}};
  if (pfs != 0) map.pfs = static_cast<DhGroupId>(pfs);
  cfg.crypto_maps.push_back(map);

  boost::asio::io_context io;
  AsioScheduler scheduler(io);
  IkeSocket socket(io, *l, {});
  int installed = 0;
  IkeSaManager mgr(cfg, scheduler,
                   IkeCallbacks{[&](const Datagram& d) { socket.send(d); },
                                [&](const driver::SaConfig& c) {
                                  std::printf("INSTALLED %s spi=%08x transform=%d enc=%s auth=%s salt=%08x encap=%s\n",
                                              c.direction == driver::Direction::kInbound ? "in" : "out", c.spi,
                                              static_cast<int>(c.transform), fingerprint(c.enc_key).c_str(),
                                              fingerprint(c.auth_key).c_str(), c.salt, c.udp_encap ? "udp" : "none");
                                  std::fflush(stdout);
                                  if (++installed == 2)
                                    scheduler.schedule(std::chrono::milliseconds(1500), [&] { io.stop(); });
                                },
                                [&](std::uint32_t spi, driver::Direction) { std::printf("REMOVED spi=%08x\n", spi); }});
  socket.start([&](const Datagram& d) { mgr.receive(d); }, [&](const Endpoint& src, ByteView) { mgr.on_esp_seen(src.addr); });
  if (initiate) mgr.initiate(0);
  scheduler.schedule(std::chrono::seconds(timeout_s), [&] { io.stop(); });
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) { io.stop(); });
  io.run();
  for (const IsakmpSaView& v : mgr.isakmp_sas())
    std::printf("ISAKMP dst=%s src=%s state=%s conn-id=%u %s\n", format_ipv4(v.dst).c_str(), format_ipv4(v.src).c_str(),
                v.state, v.conn_id, v.active ? "ACTIVE" : "");
  return installed == 2 ? 0 : 1;
}

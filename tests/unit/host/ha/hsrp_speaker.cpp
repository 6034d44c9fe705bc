// hsrp_speaker: one HSRP group on one interface, for the network-namespace failover test
// (hsrp_netns_test.sh). It wires HsrpGroupDriver to the UDP front end, the VIP owner and
// gratuitous ARP, prints each log action with a millisecond wall-clock stamp, and on SIGTERM
// resigns (the shutdown path) before exiting.
#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <chrono>
#include <cstdio>
#include <optional>

#include "host/common/ipv4.hpp"
#include "host/common/asio_scheduler.hpp"
#include "host/ha/gratuitous_arp.hpp"
#include "host/ha/hsrp_group_driver.hpp"
#include "host/ha/hsrp_socket.hpp"
#include "host/ha/vip_address.hpp"

using namespace espgw;
using namespace espgw::ha;

namespace {
long long wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"one HSRP group on one interface (test helper)"};
  std::string interface, address_text, vip_text, md5_key;
  int group = 1, version = 1, prefix = 32;
  unsigned priority = 100;
  long hello_ms = 3000, hold_ms = 10000;
  bool preempt = false;
  app.add_option("--interface", interface)->required();
  app.add_option("--address", address_text, "this router's address on the interface")->required();
  app.add_option("--vip", vip_text)->required();
  app.add_option("--prefix", prefix, "prefix length the VIP is added with");
  app.add_option("--group", group);
  app.add_option("--version", version)->check(CLI::IsMember({1, 2}));
  app.add_option("--priority", priority);
  app.add_flag("--preempt", preempt);
  app.add_option("--hello-ms", hello_ms);
  app.add_option("--hold-ms", hold_ms);
  app.add_option("--md5", md5_key, "MD5 key-string");
  CLI11_PARSE(app, argc, argv);

  auto address = parse_ipv4(address_text);
  auto vip = parse_ipv4(vip_text);
  if (!address || !vip) {
    std::fprintf(stderr, "bad address\n");
    return 2;
  }
  try {
    boost::asio::io_context io;
    AsioScheduler scheduler(io);
    HsrpGroupConfig cfg;
    cfg.interface = interface;
    cfg.version = version == 2 ? HsrpVersion::kV2 : HsrpVersion::kV1;
    cfg.group = static_cast<std::uint16_t>(group);
    cfg.virtual_ip = *vip;
    cfg.priority = priority;
    cfg.priority_configured = true;
    cfg.preempt = preempt;
    cfg.hello_time = std::chrono::milliseconds(hello_ms);
    cfg.hold_time = std::chrono::milliseconds(hold_ms);
    if (!md5_key.empty()) {
      cfg.auth = HsrpAuthConfig::md5_key_string(md5_key);
      cfg.auth_configured = true;
    }
    cfg.local_address = *address;
    cfg.local_mac = interface_mac(interface);

    std::optional<HsrpSocket> socket;
    HsrpGroupDriver driver(scheduler, cfg, [&](const HsrpAction& a) {
      switch (a.kind) {
        case HsrpAction::Kind::kSend:
          socket->send(cfg.version, a.packet);
          break;
        case HsrpAction::Kind::kTakeVip:
          add_vip(interface, a.virtual_ip, prefix);
          send_gratuitous_arp(interface, a.virtual_ip, cfg.local_mac);
          std::printf("%lld VIP %s taken, gratuitous ARP sent\n", wall_ms(), format_ipv4(a.virtual_ip).c_str());
          break;
        case HsrpAction::Kind::kReleaseVip:
          remove_vip(interface, a.virtual_ip, prefix);
          std::printf("%lld VIP %s released\n", wall_ms(), format_ipv4(a.virtual_ip).c_str());
          break;
        case HsrpAction::Kind::kLog:
          std::printf("%lld %s\n", wall_ms(), a.text.c_str());
          break;
      }
      std::fflush(stdout);
    });
    socket.emplace(io, interface, *address,
                   [&](std::span<const std::uint8_t> payload, std::uint32_t source) { driver.on_packet(payload, source); });
    boost::asio::signal_set signals(io, SIGTERM, SIGINT);
    signals.async_wait([&](const boost::system::error_code&, int) {
      driver.disable();  // resign while still able to send
      io.stop();
    });
    driver.enable();
    io.run();
    const auto& c = driver.machine().counters();
    std::printf("%lld counters hellos_in=%llu hellos_out=%llu auth_failures=%llu off_link=%llu\n", wall_ms(),
                static_cast<unsigned long long>(c.hellos_in), static_cast<unsigned long long>(c.hellos_out),
                static_cast<unsigned long long>(c.auth_failures),
                static_cast<unsigned long long>(socket->off_link_drops()));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "hsrp_speaker: %s\n", e.what());
    return 1;
  }
  return 0;
}

// espd start-up, control loop, reload and shutdown (see the header).
#include "host/espd/daemon.hpp"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <utility>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

#include <boost/asio.hpp>
#include <openssl/crypto.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "host/common/asio_scheduler.hpp"
#include "host/common/ipv4.hpp"
#include "host/config/parser.hpp"
#include "host/config/render.hpp"
#include "host/config/summary.hpp"
#include "host/control/control_server.hpp"
#include "host/control/show_crypto_ipsec_sa.hpp"
#include "host/control/show_crypto_isakmp_sa.hpp"
#include "host/control/show_crypto_map.hpp"
#include "host/control/show_crypto_sa_table.hpp"
#include "host/control/show_platform.hpp"
#include "host/control/wireshark_export.hpp"
#include "host/dataplane/forwarder.hpp"
#include "host/espd/control_commands.hpp"
#include "host/espd/gateway.hpp"
#include "host/espd/ha_runtime.hpp"
#include "host/espd/ha_stateful.hpp"
#include "host/ha/ha_config.hpp"
#include "host/ha/hsrp_show.hpp"
#include "host/espd/ike_adapter.hpp"

namespace espgw::espd {

namespace {

struct LoadedConfig {
  std::shared_ptr<const config::Config> config;
  GatewayPlan plan;
  std::string config_summary;  // host/config's per-element summary (--check-config)
};

// Reads, parses, validates and plans; prints every diagnostic. nullopt when anything is an error.
std::optional<LoadedConfig> load(const DaemonOptions& o, const IfMap& ifmap) {
  std::ifstream in(o.config_path);
  if (!in) {
    std::fprintf(stderr, "%s: cannot read the configuration file\n", o.config_path.c_str());
    return std::nullopt;
  }
  std::stringstream text;
  text << in.rdbuf();
  config::ParseOptions popt;
  popt.strict = o.strict;
  auto parsed = config::parse_ios_config(text.str(), o.config_path, popt);
  for (const auto& line : parsed.formatted()) std::fprintf(stderr, "%s\n", line.c_str());
  if (!parsed.ok()) return std::nullopt;
  LoadedConfig l;
  PlanOptions plan_options;
  plan_options.manual_udp_encap = o.esp_encap == "udp";
  l.plan = make_plan(parsed.config, ifmap, plan_options);
  // Interface checks: espd checks, never applies, addresses (docs/architecture.md).
  for (const auto& e : l.plan.entries) {
    if (::if_nametoindex(e.linux_interface.c_str()) == 0) {
      l.plan.errors.push_back(fmt::format("--ifmap: {} maps to Linux interface {}, which does not exist",
                                          e.ios_interface, e.linux_interface));
      continue;
    }
    bool found = false;
    ifaddrs* list = nullptr;
    if (::getifaddrs(&list) == 0) {
      for (auto* a = list; a; a = a->ifa_next)
        if (a->ifa_addr && a->ifa_addr->sa_family == AF_INET && e.linux_interface == a->ifa_name &&
            ntohl(reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr.s_addr) == e.local_addr)
          found = true;
      ::freeifaddrs(list);
    }
    // With `redundancy GROUP` the address is the HSRP VIP: only the Active router holds it.
    const auto* itf = parsed.config.find_interface(e.ios_interface);
    if (!found && itf && itf->crypto_map && itf->crypto_map->redundancy) continue;
    if (!found)
      l.plan.warnings.push_back(fmt::format(
          "{} ({}) does not carry {} yet: ESP to it will not arrive until it does (espd checks, never sets, addresses)",
          e.ios_interface, e.linux_interface, format_ipv4(e.local_addr)));
  }
  for (const auto& w : l.plan.warnings) std::fprintf(stderr, "%s\n", w.c_str());
  for (const auto& err : l.plan.errors) std::fprintf(stderr, "%s\n", err.c_str());
  if (!l.plan.ok()) return std::nullopt;
  l.config_summary = config::format_config_summary(parsed);
  l.config = std::make_shared<const config::Config>(std::move(parsed.config));
  return l;
}

std::uint32_t link_mtu(const std::string& name) {
  int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ifreq ifr{};
  std::snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name.c_str());
  std::uint32_t mtu = 1500;
  if (s >= 0 && ::ioctl(s, SIOCGIFMTU, &ifr) == 0) mtu = static_cast<std::uint32_t>(ifr.ifr_mtu);
  if (s >= 0) ::close(s);
  return mtu;
}

std::string summary(const LoadedConfig& l) {
  int manual = 0, isakmp = 0;
  for (const auto& e : l.plan.entries) (e.map.type == config::CryptoMapType::kIpsecManual ? manual : isakmp)++;
  return fmt::format("{}: OK: {} crypto map entries bound ({} ipsec-manual, {} ipsec-isakmp), {} access-lists, "
                     "{} transform-sets, {} isakmp policies, {} ignored platform commands",
                     l.config->notes.file, l.plan.entries.size(), manual, isakmp, l.config->access_lists.size(),
                     l.config->transform_sets.size(), l.config->isakmp_policies.size(), l.config->notes.ignored.size());
}

}  // namespace

int run_daemon(const DaemonOptions& o) {
  std::string error;
  auto ifmap = parse_ifmap(o.ifmap, &error);
  if (!ifmap) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  auto loaded = load(o, *ifmap);
  if (!loaded) {
    std::fprintf(stderr, "%s: configuration refused; espd not started\n", o.config_path.c_str());
    return 1;
  }
  if (o.check_config) {
    std::printf("%s", loaded->config_summary.c_str());
    std::printf("%s\n", summary(*loaded).c_str());
    return 0;
  }
  spdlog::info("{}", summary(*loaded));

  // Stateful failover: the channel's settings and the PSK, or a refusal that says what is missing.
  std::optional<ha::StatefulSyncOptions> sync_options;
  std::uint32_t sync_vip = 0;
  for (const auto& itf : loaded->config->interfaces) {
    if (!itf.crypto_map || !itf.crypto_map->stateful || !itf.crypto_map->redundancy) continue;
    if (o.ha_sync_key_file.empty()) {
      std::fprintf(stderr,
                   "%s: crypto map %s redundancy %s stateful: give espd --ha-sync-key-file FILE, the TLS 1.3 "
                   "pre-shared key both routers share (IOS's inter-device channel has no key; docs/ha.md); espd not "
                   "started\n",
                   o.config_path.c_str(), itf.crypto_map->map.name.c_str(), itf.crypto_map->redundancy->name.c_str());
      return 1;
    }
    ha::SyncTlsConfig tls;
    auto key = read_sync_key_file(o.ha_sync_key_file, &error);
    if (!key) {
      std::fprintf(stderr, "%s\n", error.c_str());
      return 1;
    }
    tls.psk = std::move(*key);
    sync_options = ha::stateful_sync_options(*loaded->config, tls, &error);
    if (!sync_options) {
      std::fprintf(stderr, "%s: %s; espd not started\n", o.config_path.c_str(), error.c_str());
      return 1;
    }
    if (const auto* g = loaded->config->find_standby_group(itf.crypto_map->redundancy->name); g && g->virtual_ip)
      sync_vip = *g->virtual_ip;
    break;
  }

  std::unique_ptr<driver::EspDevice> device;
  try {
    driver::DeviceOptions dopt;
    dopt.backend = o.backend;
    dopt.device = o.device;
    dopt.xclbin = o.xclbin;
    dopt.compute_units = o.compute_units;
    device = driver::make_device(dopt);
  } catch (const std::exception& e) {
    spdlog::error("device: {}", e.what());
    return 1;
  }
  const auto info = device->info();
  spdlog::info("ESP engine: backend {} ({}), {} SAs", info.backend, info.device, info.sa_capacity);

  try {
    boost::asio::io_context io;
    std::uint32_t outside_mtu = 1500;
    bool first = true;
    for (const auto& e : loaded->plan.entries) {
      const auto m = link_mtu(e.linux_interface);
      outside_mtu = first ? m : std::min(outside_mtu, m);
      first = false;
    }
    dataplane::Tun tun(o.tun_name, std::max(1u, o.threads), o.tun_offload);
    // Inner packets must fit the outside link once encapsulated (no fragmentation of ESP).
    tun.configure(outside_mtu - driver::kMaxEspOverhead);
    dataplane::EspSocket esp(dataplane::kNattPort, 8 << 20);
    dataplane::RouteInjection routes;
    dataplane::SpdHandle spd;
    Gateway gw(*device, spd, &routes, tun.ifindex(), &esp);
    for (const auto& e : loaded->plan.entries) gw.set_interface_mtu(e.linux_interface, link_mtu(e.linux_interface));
    IkeAdapter ike(io);
    gw.set_ike(&ike);
    ike.start(gw);
    // Declared before the HSRP runtime: its last Resign still reaches the role handler.
    std::optional<HaStateful> stateful;
    if (sync_options) {
      stateful.emplace(io, gw, *device, ike, std::move(*sync_options), sync_vip);
      stateful->start();
    }
    AsioScheduler ha_scheduler(io);
    HaRuntime ha(io, ha_scheduler, {});
    // `crypto map NAME redundancy GROUP [stateful]`: IKE and the SAs follow the group's Active
    // state; stateful, the new active installs the replica right after IKE starts afresh.
    if (stateful) stateful->attach_hsrp(&ha, stateful->status().group_name);  // split-brain and preempt holds (docs/ha.md)
    ha.set_role_handler([&ike, &stateful](const std::string& group, bool active) {
      if (group != ike.redundancy_group()) return;
      if (active) {
        ike.set_active(true);
        if (stateful) stateful->become_active();
      } else {
        if (stateful) stateful->become_standby();
        ike.set_active(false);
      }
    });
    auto apply_ike_and_ha = [&](const std::shared_ptr<const config::Config>& c) {
      ike.apply_config(c);
      if (!ike.redundancy_group().empty()) ike.set_active(ha.active(ike.redundancy_group()));
      std::vector<std::string> errors;
      for (auto& p : ha.apply(*c, *ifmap)) {
        if (p.find(": error: ") != std::string::npos) errors.push_back(p);
        else spdlog::warn("{}", p);
      }
      if (stateful) stateful->apply_holds();  // before any Hello reaches the new groups
      return errors;
    };
    auto config = loaded->config;
    auto problems = apply_ike_and_ha(config);
    for (auto& p : gw.apply(loaded->plan)) problems.push_back(std::move(p));
    for (const auto& p : problems) spdlog::error("{}", p);
    if (!problems.empty()) {
      ha.stop();
      gw.shutdown();
      return 1;
    }

    dataplane::Forwarder::Options fopt;
    fopt.burst = o.burst;
    fopt.threads = o.threads;
    fopt.rt_priority = o.rt_priority;
    dataplane::Forwarder fwd(*device, tun, esp, spd, fopt);
    fwd.set_acquire_hook([&io, &ike](const dataplane::SpdMapEntry& e, const dataplane::ProxyPair& p,
                                     const dataplane::FiveTuple& t) {
      dataplane::AcquireRequest r{e.map_tag, e.seq, e.peer, e.local_addr, selector_of(p.acl), t};
      boost::asio::post(io, [&ike, r] { ike.acquire(r); });
    });
    esp.set_ike_sink([&io, &ike](std::uint32_t src, std::uint16_t sport, std::uint32_t dst,
                                 std::span<const std::uint8_t> msg) {
      std::vector<std::uint8_t> copy(msg.begin(), msg.end());
      boost::asio::post(io, [&ike, src, sport, dst, copy = std::move(copy)] { ike.on_natt_message(src, sport, dst, copy); });
    });

    auto handle = [&](const control::ControlRequest& req) -> nlohmann::json {
      std::string err;
      auto cmd = parse_control_command(req.argv, &err);
      if (!cmd) return control::error_response(err);
      using K = ControlCommand::Kind;
      switch (cmd->kind) {
        case K::kShowIpsecSa: {
          const auto view = gw.ipsec_sa_view(Gateway::Clock::now());
          control::IpsecSaFilter f{cmd->peer, cmd->detail};
          return req.json ? control::ok_data(control::crypto_ipsec_sa_json(view, f))
                          : control::ok_text(control::render_crypto_ipsec_sa(view, f));
        }
        case K::kShowCryptoMap: {
          const auto rt = gw.crypto_map_runtime();
          return req.json ? control::ok_data(control::crypto_map_json(*config, rt))
                          : control::ok_text(control::render_crypto_map(*config, rt));
        }
        case K::kShowSaTable: {
          const auto v = gw.sa_table_view();
          return req.json ? control::ok_data(control::crypto_sa_table_json(v))
                          : control::ok_text(control::render_crypto_sa_table(v));
        }
        case K::kShowPlatform: {
          const auto pv = control::platform_view(device->info(), static_cast<std::uint32_t>(device->list_sas().size()));
          return req.json ? control::ok_data(control::platform_json(pv)) : control::ok_text(control::render_platform(pv));
        }
        case K::kShowRunningConfig: {
          // Normalized, keys masked (host/config/render.hpp).
          auto text = config::render_running_config(*config);
          return req.json ? control::ok_data({{"running_config", text}}) : control::ok_text(std::move(text));
        }
        case K::kClearSa: {
          const auto n = gw.clear(cmd->peer);
          spdlog::info("clear crypto sa{}: {} SA pairs cleared (pid {})",
                       cmd->peer ? " peer " + format_ipv4(*cmd->peer) : std::string(), n, req.pid);
          return control::ok_text("");
        }
        case K::kExportWireshark: {
          // The only command that reveals keys: root, and asked for explicitly.
          if (req.uid != 0) return control::error_response("% export wireshark: refused, caller is not root");
          if (!req.reveal_keys)
            return control::error_response("% export wireshark reveals ESP keys: repeat with --reveal-keys");
          const auto sas = gw.export_sa_configs();
          if (auto e = control::write_wireshark_export(cmd->dir, sas); !e.empty()) return control::error_response(e);
          std::string table = ike.ikev1_decryption_table();
          const auto ike_sas = static_cast<std::size_t>(std::count(table.begin(), table.end(), '\n'));
          auto e = control::write_ikev1_decryption_table(cmd->dir, table);
          OPENSSL_cleanse(table.data(), table.size());
          if (!e.empty()) return control::error_response(e);
          spdlog::warn("export wireshark: {} SA keys written to {}/esp_sa, {} ISAKMP SA keys to {}/ikev1_decryption_table "
                       "for pid {}", sas.size(), cmd->dir, ike_sas, cmd->dir, req.pid);
          return control::ok_text(fmt::format("{} SAs written to {}/esp_sa\n{} ISAKMP SAs written to {}/ikev1_decryption_table\n",
                                              sas.size(), cmd->dir, ike_sas, cmd->dir));
        }
        case K::kShowIsakmpSa: {
          std::vector<control::IsakmpSaRow> rows;
          for (const auto& r : ike.isakmp_sas()) rows.push_back({r.dst, r.src, r.state, r.conn_id, r.active});
          return req.json ? control::ok_data(control::crypto_isakmp_sa_json(rows))
                          : control::ok_text(control::render_crypto_isakmp_sa(rows));
        }
        case K::kClearIsakmp: {
          spdlog::info("clear crypto isakmp: {} ISAKMP SAs deleted (pid {})", ike.isakmp_sas().size(), req.pid);
          ike.clear_isakmp();
          return control::ok_text("");
        }
        case K::kShowStandby: {
          const auto groups = ha.statuses();
          if (req.json)
            return control::ok_data({{"groups", standby_json(groups)}, {"ike_standby_drops", ike.standby_drops()},
                                     {"ike_active", ike.active()}});
          return control::ok_text(cmd->detail ? ha::render_show_standby_brief(groups)
                                              : ha::render_show_standby(groups, ha::HsrpClock::now()));
        }
        case K::kShowRedundancy:
        case K::kShowCryptoHa: {
          if (!stateful) return control::error_response("% stateful failover is not configured");
          const auto st = stateful->status();
          if (req.json) {
            return control::ok_data({{"role", st.role == ha::SyncRole::kActive ? "active" : "standby"},
                                     {"group", st.group_name},
                                     {"peer_connected", st.peer_connected},
                                     {"replica_in_sync", st.replica_in_sync},
                                     {"ike_sas", st.ike_sas},
                                     {"ipsec_sas", st.ipsec_sas},
                                     {"takeovers", st.takeovers},
                                     {"channel_connects", st.channel.connects},
                                     {"handshake_failures", st.channel.handshake_failures},
                                     {"seq_reports_received", st.replicated.seq_reports},
                                     {"bulks_completed", st.replicated.bulks_completed},
                                     {"role_conflicts", st.role_conflicts},
                                     {"peer_wins", st.peer_wins},
                                     {"yields", st.yields},
                                     {"final_reports_sent", st.final_reports_sent},
                                     {"final_reports_received", st.final_reports_received},
                                     {"seq_raises", st.seq_raises}});
          }
          return control::ok_text(cmd->kind == K::kShowRedundancy ? ha::render_show_redundancy(st)
                                                                  : ha::render_show_crypto_ha(st, stateful->vip()));
        }
        case K::kDebugIsakmp: {
          ike.set_debug(cmd->on);
          return control::ok_text(cmd->on ? "Crypto ISAKMP debugging is on\n" : "Crypto ISAKMP debugging is off\n");
        }
      }
      return control::error_response("% unhandled command");
    };
    control::ControlServer server(io, o.control_path, handle);

    boost::asio::steady_timer timer(io);
    std::function<void()> tick = [&] {
      timer.expires_after(std::chrono::seconds(1));
      timer.async_wait([&](boost::system::error_code ec) {
        if (ec) return;
        gw.tick(Gateway::Clock::now());
        tick();
      });
    };
    tick();

    boost::asio::signal_set signals(io, SIGTERM, SIGINT, SIGHUP);
    std::function<void()> wait_signal = [&] {
      signals.async_wait([&](boost::system::error_code ec, int sig) {
        if (ec) return;
        if (sig == SIGHUP) {
          spdlog::info("SIGHUP: re-reading {}", o.config_path);
          if (auto next = load(o, *ifmap)) {
            for (const auto& p : gw.apply(next->plan)) spdlog::error("{}", p);
            config = next->config;
            for (const auto& p : apply_ike_and_ha(config)) spdlog::error("{}", p);
            spdlog::info("{}", summary(*next));
          } else {
            spdlog::error("SIGHUP: {} refused; the running configuration stays", o.config_path);
          }
          wait_signal();
          return;
        }
        spdlog::info("signal {}: shutting down", sig);
        io.stop();
      });
    };
    wait_signal();

    fwd.start();
    spdlog::info("espd running: tun {} (mtu {}), control socket {}", tun.name(), outside_mtu - driver::kMaxEspOverhead,
                 o.control_path);
    io.run();

    // Orderly stop: no packet in flight, then SAs (keys zeroized by the device) and routes.
    fwd.stop();
    if (stateful) {
      // The standby carries on with these SAs: no DELETE may reach the peer.
      stateful->become_standby();
      ike.set_active(false);
      stateful->stop();
    }
    ike.stop();  // stateless: DELETEs from the VIP while we still own it
    ha.stop();   // then Resign: the standby takes over at once
    gw.shutdown();
    const auto& c = fwd.counters();
    spdlog::info("stopped: tun rx {} esp tx {} esp rx {} tun tx {}; drops: bypass {} no-sa {} encaps {} decaps {} send {}",
                 c.tun_rx.load(), c.esp_tx.load(), c.esp_rx.load(), c.tun_tx.load(), c.bypass_drops.load(),
                 c.no_sa_drops.load(), c.encaps_failed.load(), c.decaps_failed.load(), c.send_errors.load());
    return 0;
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 1;
  }
}

}  // namespace espgw::espd

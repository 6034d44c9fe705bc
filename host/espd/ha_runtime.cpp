// espd's HSRP groups, sockets, line-protocol polling and VIP ownership (see the header).
#include "host/espd/ha_runtime.hpp"

#include <net/if.h>

#include <algorithm>
#include <fstream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "host/common/ipv4.hpp"
#include "host/ha/gratuitous_arp.hpp"
#include "host/ha/ha_config.hpp"
#include "host/ha/hsrp_show.hpp"
#include "host/ha/vip_address.hpp"
#include "host/ha/virtual_mac.hpp"

namespace espgw::espd {

bool linux_line_protocol_up(const std::string& linux_interface) {
  if (linux_interface.empty() || linux_interface.find('/') != std::string::npos) return false;
  std::ifstream in("/sys/class/net/" + linux_interface + "/operstate");
  std::string state;
  if (!(in >> state)) return false;
  return state == "up" || state == "unknown";
}

namespace {

// What HSRP depends on in an interface: a change elsewhere (crypto map, description) must
// not restart the groups.
config::Interface hsrp_part(const config::Interface& itf) {
  config::Interface i;
  i.name = itf.name;
  i.address = itf.address;
  i.standby_version = itf.standby_version;
  i.standby_use_bia = itf.standby_use_bia;
  i.standby = itf.standby;
  i.shutdown = itf.shutdown;
  return i;
}

}  // namespace

// Before any group or socket exists (deleting a link takes the kernel milliseconds; a
// socket open meanwhile would queue Hellos that reach the groups before the stateful
// preempt hold is first applied).
void HaRuntime::remove_stale(const config::Config& config, const IfMap& ifmap) {
  for (const auto& itf : config.interfaces) {
    auto m = ifmap.find(itf.name);
    if (itf.standby.empty() || m == ifmap.end() || !itf.address) continue;
    const int prefix = std::max(0, netmask_prefix_length(itf.address->mask));
    for (const auto& g : itf.standby) {
      // A VIP left behind by a crashed espd would answer ARP beside the real active router.
      if (g.virtual_ip) {
        try {
          ha::remove_vip(m->second, *g.virtual_ip, prefix);
        } catch (const std::exception& e) {
          spdlog::warn("HSRP: {}: removing a stale {}: {}", m->second, format_ipv4(*g.virtual_ip), e.what());
        }
      }
      // So would a virtual-MAC child left behind by a killed espd (its name is derived).
      const std::string link = ha::virtual_mac_link_name(m->second, static_cast<std::uint16_t>(g.group));
      try {
        ha::delete_link(link);
      } catch (const std::exception& e) {
        spdlog::warn("HSRP: removing a stale {}: {}", link, e.what());
      }
    }
  }
}

HaRuntime::HaRuntime(boost::asio::io_context& io, Scheduler& scheduler, Options options)
    : io_(io), scheduler_(scheduler), options_(std::move(options)), poll_timer_(io) {}

HaRuntime::~HaRuntime() { stop(); }

std::vector<std::string> HaRuntime::apply(const config::Config& config, const IfMap& ifmap) {
  std::vector<config::Interface> interfaces;
  for (const auto& itf : config.interfaces)
    if (!itf.standby.empty()) interfaces.push_back(hsrp_part(itf));
  if (applied_ && interfaces == applied_interfaces_ && config.tracks == applied_tracks_ && ifmap == applied_ifmap_)
    return {};  // SIGHUP without an HSRP change: the groups keep their state
  stop();
  applied_ = true;
  applied_interfaces_ = interfaces;
  applied_tracks_ = config.tracks;
  applied_ifmap_ = ifmap;

  std::vector<std::string> problems;
  auto where = [&](const config::SourceLoc& loc) {
    return fmt::format("{}:{}:{}", config.notes.file.empty() ? "config" : config.notes.file, loc.line, loc.column);
  };
  for (const auto& t : config.tracks) {
    TrackedObject o;
    o.object = t.object;
    if (auto m = ifmap.find(t.interface); m != ifmap.end()) o.linux_interface = m->second;
    else
      problems.push_back(fmt::format("{}: warning: track {} follows {}, which --ifmap does not map: it stays up",
                                     where(t.loc), t.object, t.interface));
    if (t.kind != config::TrackKind::kLineProtocol)
      problems.push_back(fmt::format("{}: warning: track {}: only `line-protocol` is watched; `ip routing` follows "
                                     "the line protocol",
                                     where(t.loc), t.object));
    tracks_.push_back(std::move(o));
  }
  remove_stale(config, ifmap);
  for (const auto& itf : config.interfaces) {
    if (itf.standby.empty()) continue;
    auto m = ifmap.find(itf.name);
    if (m == ifmap.end()) {
      problems.push_back(fmt::format("{}: error: interface {} has `standby` groups but --ifmap does not map it to a "
                                     "Linux interface",
                                     where(itf.loc), itf.name));
      continue;
    }
    if (!itf.address) {
      problems.push_back(
          fmt::format("{}: error: interface {} has `standby` groups but no ip address", where(itf.loc), itf.name));
      continue;
    }
    if (itf.shutdown) continue;
    Link link;
    link.ios_interface = itf.name;
    link.linux_interface = m->second;
    ha::MacAddress mac{};
    try {
      mac = ha::interface_mac(m->second);
    } catch (const std::exception& e) {
      problems.push_back(fmt::format("{}: error: interface {} ({}): {}", where(itf.loc), itf.name, m->second, e.what()));
      continue;
    }
    const int prefix = std::max(0, netmask_prefix_length(itf.address->mask));
    for (const auto& g : itf.standby) {
      auto cfg = ha::hsrp_group_config(itf, g, mac);
      if (!cfg.virtual_ip)
        problems.push_back(fmt::format("{}: warning: {} group {} has no `standby {} ip`: it learns the VIP from the "
                                       "active router",
                                       where(g.loc), itf.name, g.group, g.group));
      const std::string vmac_link = ha::virtual_mac_link_name(m->second, static_cast<std::uint16_t>(g.group));
      const std::size_t index = groups_.size();
      Group grp;
      grp.linux_interface = m->second;
      grp.prefix_length = prefix;
      grp.mac = mac;
      grp.use_bia = itf.standby_use_bia;
      grp.vmac_link = vmac_link;
      grp.driver = std::make_unique<ha::HsrpGroupDriver>(scheduler_, std::move(cfg),
                                                         [this, index](const ha::HsrpAction& a) { on_action(index, a); });
      groups_.push_back(std::move(grp));
      link.groups.push_back(index);
    }
    try {
      link.socket = std::make_unique<ha::HsrpSocket>(
          io_, m->second, itf.address->address,
          [this, groups = link.groups](std::span<const std::uint8_t> bytes, std::uint32_t source) {
            for (auto g : groups) groups_[g].driver->on_packet(bytes, source);
          });
    } catch (const std::exception& e) {
      problems.push_back(fmt::format("{}: error: HSRP on {} ({}): {}", where(itf.loc), itf.name, m->second, e.what()));
      continue;  // its groups exist (show standby lists them in Init) but never start
    }
    links_.push_back(std::move(link));
  }
  // Tracked objects first, so a group starts with the priority its objects give it.
  for (auto& t : tracks_)
    if (!t.linux_interface.empty()) t.up = options_.line_protocol_up(t.linux_interface);
  for (const auto& t : tracks_)
    if (!t.up)
      for (auto& g : groups_) g.driver->on_track(t.object, false);
  poll();
  arm_poll();
  if (!groups_.empty())
    spdlog::info("HSRP: {} groups on {} interfaces, line protocol polled every {} ms", groups_.size(), links_.size(),
                 options_.link_poll.count());
  return problems;
}

void HaRuntime::stop() {
  poll_timer_.cancel();
  for (auto& link : links_)
    for (auto g : link.groups) groups_[g].driver->disable();  // Resign while the socket still exists
  links_.clear();
  groups_.clear();
  tracks_.clear();
  applied_ = false;
}

void HaRuntime::arm_poll() {
  if (groups_.empty()) return;
  poll_timer_.expires_after(options_.link_poll);
  poll_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    poll();
    arm_poll();
  });
}

void HaRuntime::poll() {
  for (auto& t : tracks_) {
    if (t.linux_interface.empty()) continue;
    const bool up = options_.line_protocol_up(t.linux_interface);
    if (up == t.up) continue;
    t.up = up;
    spdlog::info("%TRACK-6-STATE: {} interface {} line-protocol {}", t.object, t.linux_interface,
                 up ? "Down -> Up" : "Up -> Down");
    for (auto& g : groups_) g.driver->on_track(t.object, up);
  }
  for (auto& link : links_) {
    const bool up = options_.line_protocol_up(link.linux_interface);
    if (up == link.up) continue;
    link.up = up;
    spdlog::info("HSRP: {} ({}) line protocol {}", link.ios_interface, link.linux_interface, up ? "up" : "down");
    for (auto g : link.groups) up ? groups_[g].driver->enable() : groups_[g].driver->disable();
  }
}

void HaRuntime::on_action(std::size_t index, const ha::HsrpAction& a) {
  Group& g = groups_[index];
  const auto& cfg = g.driver->machine().config();
  const std::string name = cfg.name.value_or(fmt::format("{}-{}", cfg.interface, cfg.group));
  switch (a.kind) {
    case ha::HsrpAction::Kind::kSend: {
      // Active with the virtual MAC: from the child, with the virtual MAC as Ethernet source
      // (IOS does the same), so the LAN's switches relearn the MAC's port with every Hello,
      // also after a split brain in which the other router announced it last.
      bool sent = false;
      if (g.active && !g.vip_device.empty() && g.vip_device != g.linux_interface) {
        try {
          ha::send_hsrp_from_virtual_mac(g.vip_device, g.announced_mac, cfg.local_address,
                                         cfg.version == ha::HsrpVersion::kV1 ? ha::kHsrpV1Group : ha::kHsrpV2Group,
                                         a.packet);
          sent = true;
        } catch (const std::exception& e) {
          spdlog::warn("HSRP {} group {}: {}; sending from the interface", cfg.interface, cfg.group, e.what());
        }
      }
      for (auto& link : links_)
        if (!sent && link.linux_interface == g.linux_interface && link.socket) link.socket->send(cfg.version, a.packet);
      // An Active group's Coup answers another Active router (split brain healing): that one
      // announced the VIP too (with the same virtual MAC, which the LAN's switches learned on
      // its port, or with its own MAC under use-bia), so announce again or the frames keep
      // going to a router that is about to step down.
      if (a.opcode == ha::HsrpOpcode::kCoup && g.active) announce_group(g);
      break;
    }
    case ha::HsrpAction::Kind::kTakeVip:
      take_vip(g, a);
      g.active = true;
      if (role_handler_) role_handler_(name, true);
      break;
    case ha::HsrpAction::Kind::kReleaseVip:
      g.active = false;
      if (role_handler_) role_handler_(name, false);
      release_vip(g, a.virtual_ip);
      break;
    case ha::HsrpAction::Kind::kLog:
      spdlog::info("{}", a.text);
      break;
  }
}

void HaRuntime::take_vip(Group& g, const ha::HsrpAction& a) {
  const auto& cfg = g.driver->machine().config();
  g.vip_device = g.linux_interface;
  g.announced_mac = g.mac;
  int prefix = g.prefix_length;
  if (!g.use_bia) {
    try {
      ha::create_virtual_mac_link(g.linux_interface, g.vmac_link, a.virtual_mac);
      g.vip_device = g.vmac_link;
      g.announced_mac = a.virtual_mac;
      // A host route: the subnet's connected route stays on the interface, so replies and
      // our own ARP leave from there; the child only receives for the virtual MAC.
      prefix = 32;
    } catch (const std::exception& e) {
      spdlog::error("HSRP {} group {}: virtual MAC {} on {}: {}; using the interface's own MAC (as use-bia)",
                    cfg.interface, cfg.group, ha::format_ios_mac(a.virtual_mac), g.vmac_link, e.what());
    }
  }
  try {
    ha::add_vip(g.vip_device, a.virtual_ip, prefix);
    ha::send_gratuitous_arp(g.vip_device, a.virtual_ip, g.announced_mac);
    spdlog::info("HSRP {} group {}: VIP {} added to {}, gratuitous ARP sent from {}", cfg.interface, cfg.group,
                 format_ipv4(a.virtual_ip), g.vip_device, ha::format_ios_mac(g.announced_mac));
  } catch (const std::exception& e) {
    spdlog::error("HSRP {} group {}: taking VIP {}: {}", cfg.interface, cfg.group, format_ipv4(a.virtual_ip),
                  e.what());
  }
}

void HaRuntime::release_vip(Group& g, std::uint32_t vip) {
  const auto& cfg = g.driver->machine().config();
  try {
    if (g.vip_device.empty() || g.vip_device == g.linux_interface) {
      ha::remove_vip(g.linux_interface, vip, g.prefix_length);
    } else {
      ha::delete_link(g.vip_device);  // takes the VIP with it
    }
    spdlog::info("HSRP {} group {}: VIP {} removed from {}", cfg.interface, cfg.group, format_ipv4(vip),
                 g.vip_device.empty() ? g.linux_interface : g.vip_device);
  } catch (const std::exception& e) {
    spdlog::error("HSRP {} group {}: releasing VIP {}: {}", cfg.interface, cfg.group, format_ipv4(vip), e.what());
  }
  g.vip_device.clear();
}

bool HaRuntime::active(const std::string& group_name) const {
  for (const auto& g : groups_)
    if (g.active && g.driver->machine().config().name == group_name) return true;
  return false;
}

void HaRuntime::announce_group(const Group& g) {
  const auto st = g.driver->machine().status();
  if (!st.virtual_ip) return;
  try {
    ha::send_gratuitous_arp(g.vip_device.empty() ? g.linux_interface : g.vip_device, *st.virtual_ip,
                            g.vip_device.empty() ? g.mac : g.announced_mac);
    spdlog::info("HSRP {} group {}: VIP {} announced again (gratuitous ARP)", st.config.interface, st.config.group,
                 format_ipv4(*st.virtual_ip));
  } catch (const std::exception& e) {
    spdlog::warn("HSRP {} group {}: gratuitous ARP: {}", st.config.interface, st.config.group, e.what());
  }
}

void HaRuntime::announce(const std::string& group_name) {
  for (const auto& g : groups_)
    if (g.active && g.driver->machine().config().name == group_name) announce_group(g);
}

std::optional<ha::HsrpGroupStatus> HaRuntime::status(const std::string& group_name) const {
  for (const auto& g : groups_)
    if (g.driver->machine().config().name == group_name) return g.driver->machine().status();
  return std::nullopt;
}

void HaRuntime::set_holds(const std::string& group_name, bool active_held, bool preempt_held) {
  // Driver calls may run the role handler (a held Active steps down): find the group first.
  for (auto& g : groups_) {
    if (g.driver->machine().config().name != group_name) continue;
    if (g.driver->machine().active_held() != active_held) g.driver->set_active_held(active_held);
    if (g.driver->machine().preempt_held() != preempt_held) g.driver->set_preempt_held(preempt_held);
    return;
  }
}

std::vector<ha::HsrpGroupStatus> HaRuntime::statuses() const {
  std::vector<ha::HsrpGroupStatus> out;
  for (const auto& g : groups_) out.push_back(g.driver->machine().status());
  return out;
}

nlohmann::json standby_json(const std::vector<ha::HsrpGroupStatus>& groups) {
  nlohmann::json out = nlohmann::json::array();
  auto peer = [](const std::optional<ha::HsrpPeer>& p, bool local) -> nlohmann::json {
    if (local) return "local";
    if (!p) return nullptr;
    return {{"address", format_ipv4(p->address)}, {"priority", p->priority}};
  };
  for (const auto& g : groups) {
    nlohmann::json j;
    j["interface"] = g.config.interface;
    j["group"] = g.config.group;
    j["version"] = g.config.version == ha::HsrpVersion::kV2 ? 2 : 1;
    if (g.config.name) j["name"] = *g.config.name;
    j["state"] = std::string(ha::to_string(g.state));
    j["state_changes"] = g.state_changes;
    j["priority"] = g.priority;
    j["configured_priority"] = g.config.priority;
    j["preempt"] = g.config.preempt;
    j["virtual_ip"] = g.virtual_ip ? nlohmann::json(format_ipv4(*g.virtual_ip)) : nlohmann::json(nullptr);
    j["active_router"] = peer(g.active, g.state == ha::HsrpState::kActive);
    j["standby_router"] = peer(g.standby, g.state == ha::HsrpState::kStandby);
    j["hello_ms"] = g.hello_time.count();
    j["hold_ms"] = g.hold_time.count();
    nlohmann::json tracks = nlohmann::json::array();
    for (const auto& [t, up] : g.tracks) tracks.push_back({{"object", t.object}, {"decrement", t.decrement}, {"up", up}});
    j["tracks"] = tracks;
    const auto& c = g.counters;
    j["counters"] = {{"hellos_in", c.hellos_in},         {"hellos_out", c.hellos_out},
                     {"coups_in", c.coups_in},           {"coups_out", c.coups_out},
                     {"resigns_in", c.resigns_in},       {"resigns_out", c.resigns_out},
                     {"auth_failures", c.auth_failures}, {"malformed", c.malformed},
                     {"takeovers_held", c.takeovers_held}, {"preempts_held", c.preempts_held}};
    j["active_held"] = g.active_held;
    j["preempt_held"] = g.preempt_held;
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace espgw::espd

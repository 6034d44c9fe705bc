// show standby renderers (see hsrp_show.hpp). Durations print as IOS prints them: seconds
// with three decimals for timers, hh:mm:ss for the last state change.
#include "host/ha/hsrp_show.hpp"

#include <cstring>

#include <fmt/format.h>

#include "host/common/ipv4.hpp"

namespace espgw::ha {

namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

double seconds_until(HsrpTime when, HsrpTime now) {
  auto ms = duration_cast<milliseconds>(when - now).count();
  return ms < 0 ? 0.0 : static_cast<double>(ms) / 1000.0;
}

// IOS prints whole seconds as "3 sec", anything else in milliseconds ("300 msec").
std::string timer_text(milliseconds t) {
  if (t.count() % 1000 == 0) return fmt::format("{} sec", t.count() / 1000);
  return fmt::format("{} msec", t.count());
}

std::string peer_text(const std::optional<HsrpPeer>& peer, bool local, HsrpTime now) {
  if (local) return "local";
  if (!peer) return "unknown";
  return fmt::format("{}, priority {} (expires in {:.3f} sec)", format_ipv4(peer->address), peer->priority,
                     seconds_until(peer->expires, now));
}

std::string brief_peer(const std::optional<HsrpPeer>& peer, bool local) {
  if (local) return "local";
  return peer ? format_ipv4(peer->address) : "unknown";
}

std::string default_group_name(const HsrpGroupStatus& g) {
  return fmt::format("hsrp-{}-{}", abbreviate_interface(g.config.interface), g.config.group);
}

}  // namespace

std::string abbreviate_interface(const std::string& name) {
  static const std::pair<const char*, const char*> kShort[] = {
      {"TenGigabitEthernet", "Te"}, {"GigabitEthernet", "Gi"}, {"FastEthernet", "Fa"},
      {"Ethernet", "Et"},          {"Port-channel", "Po"},    {"Vlan", "Vl"}};
  for (const auto& [full, abbrev] : kShort) {
    std::string_view f(full);
    if (name.starts_with(f)) return abbrev + name.substr(f.size());
  }
  return name;
}

std::string format_ios_mac(const MacAddress& m) {
  return fmt::format("{:02x}{:02x}.{:02x}{:02x}.{:02x}{:02x}", m[0], m[1], m[2], m[3], m[4], m[5]);
}

std::string render_show_standby(std::span<const HsrpGroupStatus> groups, HsrpTime now) {
  std::string out;
  for (const auto& g : groups) {
    const auto& c = g.config;
    bool active_local = g.state == HsrpState::kActive, standby_local = g.state == HsrpState::kStandby;
    out += fmt::format("{} - Group {}{}\n", c.interface, c.group, c.version == HsrpVersion::kV2 ? " (version 2)" : "");
    out += fmt::format("  State is {}\n", to_string(g.state));
    if (g.last_state_change) {
      auto secs = duration_cast<std::chrono::seconds>(now - *g.last_state_change).count();
      out += fmt::format("    {} state change{}, last state change {:02}:{:02}:{:02}\n", g.state_changes,
                         g.state_changes == 1 ? "" : "s", secs / 3600, secs / 60 % 60, secs % 60);
    }
    out += g.virtual_ip ? fmt::format("  Virtual IP address is {}\n", format_ipv4(*g.virtual_ip))
                        : std::string("  Virtual IP address is unknown\n");
    // The active router uses the group's virtual MAC, which every member knows once an
    // active router exists. With `standby use-bia` each router uses its own burned-in
    // address: ours when we are active, a peer's we do not learn (Hellos arrive over UDP).
    bool active_known = active_local || (g.active.has_value() && !c.use_bia);
    out += active_known ? fmt::format("  Active virtual MAC address is {}\n", format_ios_mac(g.virtual_mac))
                        : std::string("  Active virtual MAC address is unknown\n");
    out += c.use_bia ? fmt::format("    Local virtual MAC address is {} (bia)\n", format_ios_mac(g.virtual_mac))
                     : fmt::format("    Local virtual MAC address is {} (v{} default)\n", format_ios_mac(g.virtual_mac),
                                   c.version == HsrpVersion::kV1 ? 1 : 2);
    out += fmt::format("  Hello time {}, hold time {}\n", timer_text(g.hello_time), timer_text(g.hold_time));
    if (g.next_hello) out += fmt::format("    Next hello sent in {:.3f} secs\n", seconds_until(*g.next_hello, now));
    if (c.auth_configured) {
      out += c.auth.mode == HsrpAuthConfig::Mode::kMd5
                 ? std::string("  Authentication MD5, key-string\n")
                 : fmt::format("  Authentication text, string \"{}\"\n",
                               std::string(reinterpret_cast<const char*>(c.auth.text.data()),
                                           strnlen(reinterpret_cast<const char*>(c.auth.text.data()), c.auth.text.size())));
    }
    if (!c.preempt) out += "  Preemption disabled\n";
    else if (c.preempt_delay.count() > 0)
      out += fmt::format("  Preemption enabled, delay min {} secs\n",
                         duration_cast<std::chrono::seconds>(c.preempt_delay).count());
    else out += "  Preemption enabled\n";
    if (g.preempt_at) out += fmt::format("    Preemption delayed for {:.3f} secs\n", seconds_until(*g.preempt_at, now));
    // espgw's stateful-HA holds (docs/ha.md "Split brain"); IOS prints nothing comparable.
    if (g.preempt_held) out += "    Preemption held until the stateful bulk sync completes\n";
    if (g.active_held)
      out += fmt::format("  Takeover held: the sync peer is alive and Active ({} held)\n", g.counters.takeovers_held);
    out += fmt::format("  Active router is {}\n", peer_text(g.active, active_local, now));
    out += fmt::format("  Standby router is {}\n", peer_text(g.standby, standby_local, now));
    out += fmt::format("  Priority {} ({} {})\n", g.priority, c.priority_configured ? "configured" : "default", c.priority);
    for (const auto& [track, up] : g.tracks)
      out += fmt::format("    Track object {} state {} decrement {}\n", track.object, up ? "Up" : "Down", track.decrement);
    out += c.name ? fmt::format("  Group name is \"{}\" (cfgd)\n", *c.name)
                  : fmt::format("  Group name is \"{}\" (default)\n", default_group_name(g));
  }
  return out;
}

std::string render_show_standby_brief(std::span<const HsrpGroupStatus> groups) {
  std::string out =
      "                     P indicates configured to preempt.\n"
      "                     |\n"
      "Interface   Grp  Pri P State   Active          Standby         Virtual IP\n";
  for (const auto& g : groups) {
    std::string line = fmt::format(
        "{:<11} {:<4} {:<3} {} {:<7} {:<15} {:<15} {}", abbreviate_interface(g.config.interface), g.config.group,
        g.priority, g.config.preempt ? 'P' : ' ', to_string(g.state),
        brief_peer(g.active, g.state == HsrpState::kActive), brief_peer(g.standby, g.state == HsrpState::kStandby),
        g.virtual_ip ? format_ipv4(*g.virtual_ip) : std::string("unknown"));
    out += line + "\n";
  }
  return out;
}

}  // namespace espgw::ha

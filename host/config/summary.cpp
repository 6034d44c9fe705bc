// format_config_summary() (summary.hpp). Never prints key material: keys appear as the
// peer they belong to and their length.
#include "host/config/summary.hpp"

#include <map>

#include "host/common/ipv4.hpp"
#include "host/config/ios_names.hpp"

namespace espgw::config {
namespace {

std::string prefix(std::uint32_t addr, std::uint32_t mask) {
  return format_ipv4(addr) + "/" + std::to_string(netmask_prefix_length(mask));
}

}  // namespace

std::string format_config_summary(const ParseResult& r) {
  const Config& c = r.config;
  std::string o;
  auto add = [&o](const std::string& s) { o += s + "\n"; };
  add("configuration " + c.notes.file + ": " + std::to_string(r.error_count()) + " error(s), " +
      std::to_string(r.warning_count()) + " warning(s)" + (r.ok() ? "" : " -- refused"));
  add("  hostname: " + c.hostname.value_or("(none)"));
  for (const auto& p : c.isakmp_policies) {
    add("  isakmp policy " + std::to_string(p.priority) + ": encr " + ios_encryption(p.encryption, p.key_bits) + ", hash " +
        ios_hash(p.hash) + ", authentication " + ios_auth(p.authentication) +
        (p.authentication_explicit ? "" : " (IOS default, not configured)") + ", group " + std::to_string(p.dh_group) +
        ", lifetime " + std::to_string(p.lifetime.count()) + " s");
  }
  for (const auto& k : c.isakmp_keys) {
    add("  isakmp key: peer " + prefix(k.address, k.mask) + ", " + std::to_string(k.key.size()) + "-byte pre-shared key" +
        (k.no_xauth ? ", no-xauth" : ""));
  }
  if (c.isakmp_keepalive) {
    add("  isakmp keepalive (DPD): " + std::to_string(c.isakmp_keepalive->interval.count()) + " s, retry " +
        std::to_string(c.isakmp_keepalive->retry.count()) + " s, " +
        (c.isakmp_keepalive->mode == KeepaliveMode::kPeriodic ? "periodic" : "on-demand"));
  }
  if (c.isakmp_aggressive_mode_disabled) add("  isakmp aggressive mode: disabled");
  if (c.isakmp_nat_keepalive) add("  isakmp nat keepalive: " + std::to_string(c.isakmp_nat_keepalive->count()) + " s");
  add("  ipsec sa lifetime: " + std::to_string(c.ipsec_sa_lifetime_seconds.count()) + " s / " +
      std::to_string(c.ipsec_sa_lifetime_kilobytes) + " kB, replay window " +
      (c.ipsec_replay_window_size == 0 ? std::string("disabled") : std::to_string(c.ipsec_replay_window_size)));
  for (const auto& t : c.transform_sets) add("  transform-set " + t.name + ": " + ios_transforms(t) + ", " + ios_mode(t.mode));
  for (const auto& e : c.crypto_maps) {
    std::string s = "  crypto map " + e.name + " " + std::to_string(e.seq) +
                    (e.type == CryptoMapType::kIpsecIsakmp ? " ipsec-isakmp" : " ipsec-manual") + ":";
    for (const auto& p : e.peers) s += " peer " + format_ipv4(p.address) + ",";
    for (const auto& t : e.transform_sets) s += " transform-set " + t.name + ",";
    s += e.pfs_group ? " pfs group" + std::to_string(*e.pfs_group) + "," : " no pfs,";
    if (e.match_address) {
      const AccessList* acl = c.find_access_list(e.match_address->name);
      s += " match address " + e.match_address->name +
           (acl ? " (" + std::to_string(acl->entries.size()) + " entries)" : std::string(" (missing)")) + ",";
    }
    if (e.reverse_route) s += " reverse-route,";
    if (e.inbound_esp) s += " inbound spi " + std::to_string(e.inbound_esp->spi) + ",";
    if (e.outbound_esp) s += " outbound spi " + std::to_string(e.outbound_esp->spi) + ",";
    s.pop_back();
    add(s);
  }
  for (const auto& acl : c.access_lists) {
    add("  access-list " + acl.name + ": " + std::to_string(acl.entries.size()) + " entries");
    for (const auto& e : acl.entries) add("    " + ios_acl_entry(e));
  }
  for (const auto& itf : c.interfaces) {
    std::string s = "  interface " + itf.name + ":";
    s += itf.address ? " " + prefix(itf.address->address, itf.address->mask) : std::string(" no address");
    if (itf.shutdown) s += ", shutdown";
    if (itf.crypto_map) {
      s += ", crypto map " + itf.crypto_map->map.name;
      if (itf.crypto_map->redundancy) {
        s += " redundancy " + itf.crypto_map->redundancy->name + (itf.crypto_map->stateful ? " stateful" : " (stateless)");
      }
    }
    add(s);
    for (const auto& g : itf.standby) {
      std::string h = "    standby " + std::to_string(g.group) + " (v" + std::to_string(itf.standby_version) + ")";
      if (g.name) h += " name " + *g.name;
      h += g.virtual_ip ? ", virtual ip " + format_ipv4(*g.virtual_ip) : std::string(", virtual ip learned");
      h += ", priority " + std::to_string(g.priority) + (g.preempt ? ", preempt" : "");
      h += ", hello " + std::to_string(g.hello.count()) + " ms, hold " + std::to_string(g.hold.count()) + " ms";
      for (const auto& t : g.tracks) h += ", track " + std::to_string(t.object) + " decrement " + std::to_string(t.decrement);
      add(h);
    }
  }
  for (const auto& t : c.tracks) {
    add("  track " + std::to_string(t.object) + ": " + t.interface +
        (t.kind == TrackKind::kLineProtocol ? " line-protocol" : " ip routing"));
  }
  if (c.redundancy_inter_device) {
    add("  redundancy inter-device: scheme standby " +
        (c.redundancy_inter_device->scheme_standby ? c.redundancy_inter_device->scheme_standby->name : std::string("(none)")));
  }
  if (c.ipc_zone) {
    for (const auto& a : c.ipc_zone->associations) {
      std::string s = "  ipc association " + std::to_string(a.id) + (a.shutdown ? " (shutdown)" : "") + ": " + a.protocol;
      if (!a.local_ips.empty()) s += " " + format_ipv4(a.local_ips[0]);
      if (a.local_port) s += ":" + std::to_string(*a.local_port);
      s += " ->";
      if (!a.remote_ips.empty()) s += " " + format_ipv4(a.remote_ips[0]);
      if (a.remote_port) s += ":" + std::to_string(*a.remote_port);
      add(s);
    }
  }
  if (c.debug_crypto_isakmp || c.debug_crypto_ipsec) {
    add(std::string("  debug:") + (c.debug_crypto_isakmp ? " crypto isakmp" : "") + (c.debug_crypto_ipsec ? " crypto ipsec" : ""));
  }
  if (!c.notes.ignored.empty()) {
    std::map<std::string, int> counts;
    for (const auto& i : c.notes.ignored) counts[i.text]++;
    std::string s = "  ignored platform commands:";
    for (const auto& [text, n] : counts) s += " '" + text + "'" + (n > 1 ? " x" + std::to_string(n) : "") + ",";
    s.pop_back();
    add(s);
  }
  return o;
}

}  // namespace espgw::config

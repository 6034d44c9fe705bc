// render_running_config() (render.hpp): one emitter per section, in IOS's show-run order.
// Every element is printed in model order, so parsing the output rebuilds equal vectors.
#include "host/config/render.hpp"

#include "host/common/hex.hpp"
#include "host/common/ipv4.hpp"
#include "host/config/ios_names.hpp"

namespace espgw::config {
namespace {

class Renderer {
 public:
  Renderer(const Config& c, RenderOptions o) : c_(c), o_(o) {}
  std::string run();

 private:
  void line(const std::string& s) { out_ += s + "\n"; }
  void bang() { out_ += "!\n"; }
  std::string psk(const SecretBytes& s) const {
    if (!o_.include_keys) return kMaskedSecret;
    auto v = s.view();
    return std::string(v.begin(), v.end());
  }
  std::string hex(const SecretBytes& s) const { return o_.include_keys ? to_hex(s.view()) : kMaskedSecret; }
  void tracks();
  void ha_channel();
  void isakmp();
  void ipsec();
  void crypto_maps();
  void interfaces();
  void standby(const StandbyGroup& g);
  void access_lists();

  const Config& c_;
  RenderOptions o_;
  std::string out_;
};

std::string mask_text(const InterfaceAddress& a) { return format_ipv4(a.address) + " " + format_ipv4(a.mask); }

void Renderer::tracks() {
  for (const auto& t : c_.tracks) {
    line("track " + std::to_string(t.object) + " interface " + t.interface +
         (t.kind == TrackKind::kLineProtocol ? " line-protocol" : " ip routing"));
    bang();
  }
}

void Renderer::ha_channel() {
  if (c_.ipc_zone) {
    line("ipc zone default");
    for (const auto& a : c_.ipc_zone->associations) {
      line(" association " + std::to_string(a.id));
      line(a.shutdown ? "  shutdown" : "  no shutdown");
      line("  protocol " + a.protocol);
      if (a.local_port) {
        line("   local-port " + std::to_string(*a.local_port));
        if (!a.local_ips.empty()) {
          std::string ips;
          for (auto ip : a.local_ips) ips += " " + format_ipv4(ip);
          line("    local-ip" + ips);
        }
        line("    retransmit-timeout " + std::to_string(a.retransmit_timeout_min.count()) + " " +
             std::to_string(a.retransmit_timeout_max.count()));
        line("    path-retransmit " + std::to_string(a.path_retransmit));
        line("    assoc-retransmit " + std::to_string(a.assoc_retransmit));
      }
      if (a.remote_port) {
        line("   remote-port " + std::to_string(*a.remote_port));
        if (!a.remote_ips.empty()) {
          std::string ips;
          for (auto ip : a.remote_ips) ips += " " + format_ipv4(ip);
          line("    remote-ip" + ips);
        }
      }
    }
    bang();
  }
  if (c_.redundancy_inter_device) {
    line("redundancy inter-device");
    if (c_.redundancy_inter_device->scheme_standby) line(" scheme standby " + c_.redundancy_inter_device->scheme_standby->name);
    bang();
  }
}

void Renderer::isakmp() {
  for (const auto& p : c_.isakmp_policies) {
    line("crypto isakmp policy " + std::to_string(p.priority));
    if (p.encryption != IsakmpEncryption::kDes) line(" encr " + ios_encryption(p.encryption, p.key_bits));
    if (p.hash != IsakmpHash::kSha) line(" hash " + std::string(ios_hash(p.hash)));
    // Printed whenever it was written, even as rsa-sig, so an explicit choice survives.
    if (p.authentication_explicit) line(" authentication " + std::string(ios_auth(p.authentication)));
    if (p.dh_group != 1) line(" group " + std::to_string(p.dh_group));
    if (p.lifetime != std::chrono::seconds(86400)) line(" lifetime " + std::to_string(p.lifetime.count()));
  }
  for (const auto& k : c_.isakmp_keys) {
    std::string s = "crypto isakmp key " + psk(k.key) + " address " + format_ipv4(k.address);
    if (k.mask != 0xFFFFFFFF) s += " " + format_ipv4(k.mask);
    if (k.no_xauth) s += " no-xauth";
    line(s);
  }
  if (c_.isakmp_keepalive) {
    const auto& ka = *c_.isakmp_keepalive;
    std::string s = "crypto isakmp keepalive " + std::to_string(ka.interval.count());
    if (ka.retry != std::chrono::seconds(2) || ka.mode == KeepaliveMode::kPeriodic) s += " " + std::to_string(ka.retry.count());
    if (ka.mode == KeepaliveMode::kPeriodic) s += " periodic";
    line(s);
  }
  if (c_.isakmp_aggressive_mode_disabled) line("crypto isakmp aggressive-mode disable");
  if (c_.isakmp_nat_keepalive) line("crypto isakmp nat keepalive " + std::to_string(c_.isakmp_nat_keepalive->count()));
  if (!c_.isakmp_policies.empty() || !c_.isakmp_keys.empty()) bang();
}

void Renderer::ipsec() {
  bool any = false;
  if (c_.ipsec_sa_lifetime_seconds != std::chrono::seconds(3600)) {
    line("crypto ipsec security-association lifetime seconds " + std::to_string(c_.ipsec_sa_lifetime_seconds.count()));
    any = true;
  }
  if (c_.ipsec_sa_lifetime_kilobytes != 4608000) {
    line("crypto ipsec security-association lifetime kilobytes " + std::to_string(c_.ipsec_sa_lifetime_kilobytes));
    any = true;
  }
  if (c_.ipsec_replay_window_size != 64) {
    line(c_.ipsec_replay_window_size == 0
             ? std::string("crypto ipsec security-association replay disable")
             : "crypto ipsec security-association replay window-size " + std::to_string(c_.ipsec_replay_window_size));
    any = true;
  }
  if (any) bang();
  for (const auto& t : c_.transform_sets) {
    line("crypto ipsec transform-set " + t.name + " " + ios_transforms(t));
    line(" mode " + std::string(ios_mode(t.mode)));
  }
  if (!c_.transform_sets.empty()) bang();
}

void Renderer::crypto_maps() {
  for (const auto& r : c_.crypto_map_replay_intervals) {
    line("crypto map " + r.map_name + " redundancy replay-interval inbound " + std::to_string(r.inbound_packets) +
         " outbound " + std::to_string(r.outbound_packets));
  }
  for (const auto& e : c_.crypto_maps) {
    line("crypto map " + e.name + " " + std::to_string(e.seq) +
         (e.type == CryptoMapType::kIpsecIsakmp ? " ipsec-isakmp" : " ipsec-manual"));
    for (const auto& p : e.peers) line(" set peer " + format_ipv4(p.address));
    if (e.lifetime_seconds) line(" set security-association lifetime seconds " + std::to_string(e.lifetime_seconds->count()));
    if (e.lifetime_kilobytes) line(" set security-association lifetime kilobytes " + std::to_string(*e.lifetime_kilobytes));
    for (const auto* k : {&e.inbound_esp, &e.outbound_esp}) {
      if (!*k) continue;
      std::string s = std::string(" set session-key ") + (k == &e.inbound_esp ? "inbound" : "outbound") + " esp " +
                      std::to_string((*k)->spi) + " cipher " + hex((*k)->cipher_key);
      if (!(*k)->authenticator_key.empty()) s += " authenticator " + hex((*k)->authenticator_key);
      line(s);
    }
    if (!e.transform_sets.empty()) {
      std::string s = " set transform-set";
      for (const auto& t : e.transform_sets) s += " " + t.name;
      line(s);
    }
    if (e.pfs_group) line(" set pfs group" + std::to_string(*e.pfs_group));
    if (e.match_address) line(" match address " + e.match_address->name);
    if (e.reverse_route) line(" reverse-route");
    bang();
  }
}

void Renderer::standby(const StandbyGroup& g) {
  const std::string p = " standby " + std::to_string(g.group) + " ";
  if (g.virtual_ip) line(p + "ip " + format_ipv4(*g.virtual_ip));
  if (g.hello != std::chrono::milliseconds(3000) || g.hold != std::chrono::milliseconds(10000)) {
    auto t = [](std::chrono::milliseconds v) {
      return v.count() % 1000 == 0 ? std::to_string(v.count() / 1000) : "msec " + std::to_string(v.count());
    };
    line(p + "timers " + t(g.hello) + " " + t(g.hold));
  }
  if (g.priority != 100) line(p + "priority " + std::to_string(g.priority));
  if (g.preempt) {
    line(p + "preempt" + (g.preempt_delay_minimum.count() > 0
                              ? " delay minimum " + std::to_string(g.preempt_delay_minimum.count())
                              : std::string()));
  }
  if (g.authentication) {
    if (g.authentication->kind == StandbyAuthKind::kMd5) line(p + "authentication md5 key-string " + psk(g.authentication->key));
    else line(p + "authentication text " + psk(g.authentication->key));
  }
  if (g.name) line(p + "name " + *g.name);
  for (const auto& t : g.tracks) line(p + "track " + std::to_string(t.object) + " decrement " + std::to_string(t.decrement));
  if (!g.virtual_ip && g.priority == 100 && !g.preempt && !g.name && g.tracks.empty() && !g.authentication &&
      g.hello == std::chrono::milliseconds(3000) && g.hold == std::chrono::milliseconds(10000)) {
    line(p + "ip");  // a group with nothing but defaults: `standby N ip` learns the VIP
  }
}

void Renderer::interfaces() {
  for (const auto& itf : c_.interfaces) {
    line("interface " + itf.name);
    if (itf.description) line(" description " + *itf.description);
    if (itf.address) line(" ip address " + mask_text(*itf.address));
    else line(" no ip address");
    for (const auto& a : itf.secondary_addresses) line(" ip address " + mask_text(a) + " secondary");
    if (itf.standby_version != 1) line(" standby version " + std::to_string(itf.standby_version));
    if (itf.standby_use_bia) line(" standby use-bia");
    for (const auto& g : itf.standby) standby(g);
    if (itf.shutdown) line(" shutdown");
    if (itf.crypto_map) {
      const auto& cm = *itf.crypto_map;
      std::string s = " crypto map " + cm.map.name;
      if (cm.redundancy) s += " redundancy " + cm.redundancy->name + (cm.stateful ? " stateful" : "");
      line(s);
    }
    bang();
  }
}

void Renderer::access_lists() {
  // Model order, numbered and named interleaved as configured, so a re-parse keeps it.
  for (const auto& acl : c_.access_lists) {
    if (acl.numbered) {
      for (const auto& e : acl.entries) line("access-list " + acl.name + " " + ios_acl_entry(e));
      if (acl.entries.empty()) line("access-list " + acl.name + " remark (no entries)");
    } else {
      line("ip access-list extended " + acl.name);
      for (const auto& e : acl.entries) line(" " + ios_acl_entry(e));
    }
    bang();
  }
}

std::string Renderer::run() {
  line("Building configuration...");
  line("");
  line("!");
  if (c_.hostname) line("hostname " + *c_.hostname);
  bang();
  tracks();
  ha_channel();
  isakmp();
  ipsec();
  crypto_maps();
  interfaces();
  access_lists();
  line("end");
  // Not configuration, but pasted with it and kept in the model: say so after `end`.
  if (c_.debug_crypto_isakmp) line("debug crypto isakmp");
  if (c_.debug_crypto_ipsec) line("debug crypto ipsec");
  return std::move(out_);
}

}  // namespace

std::string render_running_config(const Config& config, RenderOptions options) {
  return Renderer(config, options).run();
}

}  // namespace espgw::config

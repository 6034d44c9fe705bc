// Cross-reference and capability checks (validate.hpp). Dangling references and what
// espgw cannot run are errors; IOS defaults that quietly defeat a config (rsa-sig with
// pre-shared keys, a crypto map on an HSRP interface without `redundancy`) are warnings
// that say what applies and what to add.
#include "host/config/validate.hpp"

#include <algorithm>
#include <set>
#include <string>

#include "host/common/ipv4.hpp"

namespace espgw::config {
namespace {

class Checker {
 public:
  Checker(const Config& c, std::string_view file) : c_(c), file_(file) {}
  std::vector<Diagnostic> run();

 private:
  void error(SourceLoc at, std::string m) { out_.push_back(Diagnostic{Severity::kError, file_, at, std::move(m)}); }
  void warning(SourceLoc at, std::string m) { out_.push_back(Diagnostic{Severity::kWarning, file_, at, std::move(m)}); }
  void policies();
  void transform_sets();
  void crypto_map(const CryptoMapEntry& e);
  void manual_keys(const CryptoMapEntry& e);
  void interfaces();
  void ha();

  const Config& c_;
  std::string file_;
  std::vector<Diagnostic> out_;
};

std::string map_label(const CryptoMapEntry& e) { return "crypto map " + e.name + " " + std::to_string(e.seq); }

const char* encryption_name(IsakmpEncryption e) {
  switch (e) {
    case IsakmpEncryption::kDes:
      return "des";
    case IsakmpEncryption::kTripleDes:
      return "3des";
    case IsakmpEncryption::kAes:
      return "aes";
  }
  return "?";
}

void Checker::policies() {
  for (const auto& p : c_.isakmp_policies) {
    const std::string name = "crypto isakmp policy " + std::to_string(p.priority);
    if (!p.authentication_explicit) {
      // The reference's HA configs omit it. IOS then uses rsa-sig, which needs certificates;
      // with only pre-shared keys configured, Main Mode would fail with no clear reason.
      warning(p.loc, name + " has no `authentication` command, so IOS's default `authentication rsa-sig` applies; espgw "
                            "has no certificates and this policy will not match a pre-shared-key peer. Add "
                            "` authentication pre-share` under `" + name + "` to use the configured crypto isakmp keys");
    } else if (p.authentication != IsakmpAuth::kPreShare) {
      warning(p.loc, name + " uses certificate authentication, which espgw does not implement; this policy will never "
                            "be chosen (use `authentication pre-share`)");
    }
    if (p.encryption != IsakmpEncryption::kAes) {
      warning(p.loc, name + " encrypts with " + encryption_name(p.encryption) +
                         " (IOS's default when no `encr` line is given), which espgw does not implement; this policy "
                         "will never be chosen (add ` encr aes 256`)");
    }
  }
}

void Checker::transform_sets() {
  for (const auto& t : c_.transform_sets) {
    const std::string name = "transform-set " + t.name;
    if (t.cipher == EspCipher::kAesCbc && t.key_bits == 192) {
      error(t.loc, name + ": esp-aes 192 is not supported by espgw's ESP engine (use esp-aes 128 or 256)");
    }
    if (t.cipher == EspCipher::kAesCbc && t.integrity == EspIntegrity::kNone) {
      error(t.loc, name + ": esp-aes without an integrity transform is not supported (add esp-sha256-hmac, or use esp-gcm)");
    }
    if (t.mode == EspMode::kTransport) {
      error(t.loc, name + ": transport mode is not supported; espgw is a tunnel-mode gateway (use `mode tunnel`)");
    }
  }
}

void Checker::manual_keys(const CryptoMapEntry& e) {
  const std::string label = map_label(e);
  if (e.peers.empty()) error(e.loc, label + " (ipsec-manual) needs `set peer`");
  if (e.transform_sets.size() != 1) {
    if (!e.transform_sets.empty()) error(e.transform_sets[1].loc, label + " (ipsec-manual) takes exactly one transform set");
    else error(e.loc, label + " (ipsec-manual) needs `set transform-set`");
  }
  if (e.pfs_group) error(e.loc, label + " (ipsec-manual) has `set pfs`, which needs IKE; remove it");
  if (!e.inbound_esp) error(e.loc, label + " (ipsec-manual) needs `set session-key inbound esp SPI cipher HEX ...`");
  if (!e.outbound_esp) error(e.loc, label + " (ipsec-manual) needs `set session-key outbound esp SPI cipher HEX ...`");
  const TransformSet* ts = e.transform_sets.empty() ? nullptr : c_.find_transform_set(e.transform_sets[0].name);
  if (ts == nullptr) return;
  for (const auto* k : {&e.inbound_esp, &e.outbound_esp}) {
    if (!*k) continue;
    const ManualSessionKey& key = **k;
    const char* dir = k == &e.inbound_esp ? "inbound" : "outbound";
    // AES-GCM keying material carries the 4-byte nonce salt after the key (RFC 4106 section 8.1).
    const std::size_t want = ts->key_bits / 8 + (ts->cipher == EspCipher::kAesGcm ? 4 : 0);
    if (key.cipher_key.size() != want) {
      error(key.loc, label + ": " + dir + " cipher key is " + std::to_string(key.cipher_key.size()) + " bytes; transform-set " +
                         ts->name + " needs " + std::to_string(want) + " (" + std::to_string(want * 2) + " hex digits)");
    }
    const std::size_t auth_want = ts->integrity == EspIntegrity::kSha1 ? 20 : ts->integrity == EspIntegrity::kSha256 ? 32 : 0;
    if (key.authenticator_key.size() != auth_want) {
      if (auth_want == 0) {
        error(key.loc, label + ": " + dir + " authenticator key given, but transform-set " + ts->name + " has no HMAC");
      } else {
        error(key.loc, label + ": " + dir + " authenticator key is " + std::to_string(key.authenticator_key.size()) +
                           " bytes; transform-set " + ts->name + " needs " + std::to_string(auth_want) + " (" +
                           std::to_string(auth_want * 2) + " hex digits)");
      }
    }
  }
  if (e.inbound_esp && e.outbound_esp && e.inbound_esp->spi == e.outbound_esp->spi) {
    warning(e.outbound_esp->loc, label + ": inbound and outbound use the same SPI");
  }
}

void Checker::crypto_map(const CryptoMapEntry& e) {
  const std::string label = map_label(e);
  for (const auto& t : e.transform_sets) {
    if (c_.find_transform_set(t.name) == nullptr) {
      error(t.loc, label + ": transform-set " + t.name + " is not configured (`crypto ipsec transform-set " + t.name + " ...`)");
    }
  }
  if (e.match_address) {
    const AccessList* acl = c_.find_access_list(e.match_address->name);
    if (acl == nullptr) {
      error(e.match_address->loc, label + ": match address " + e.match_address->name + " names an access list that is not configured");
    } else if (std::none_of(acl->entries.begin(), acl->entries.end(), [](const AclEntry& x) { return x.action == AclAction::kPermit; })) {
      warning(e.match_address->loc, label + ": access list " + acl->name + " permits nothing, so no traffic is protected");
    }
  }
  if (e.type == CryptoMapType::kIpsecManual) {
    manual_keys(e);
    if (!e.match_address) error(e.loc, label + " (ipsec-manual) needs `match address ACL`");
    return;
  }
  for (const auto& p : e.peers) {
    if (c_.find_isakmp_key(p.address) == nullptr) {
      error(p.loc, label + ": peer " + format_ipv4(p.address) + " has no pre-shared key (add `crypto isakmp key KEY address " +
                       format_ipv4(p.address) + "`)");
    }
  }
  std::string missing;
  if (e.peers.empty()) missing += " set peer,";
  if (e.transform_sets.empty()) missing += " set transform-set,";
  if (!e.match_address) missing += " match address,";
  if (!missing.empty()) {
    missing.pop_back();
    warning(e.loc, label + " is incomplete and stays disabled, as on IOS (missing:" + missing + ")");
  }
}

void Checker::interfaces() {
  std::set<std::string> names;
  for (const auto& itf : c_.interfaces) {
    for (const auto& g : itf.standby) {
      if (itf.standby_version == 1 && g.group > 255) {
        error(g.loc, itf.name + ": standby group " + std::to_string(g.group) + " needs `standby version 2` (version 1 allows 0-255)");
      }
      if (g.name && !names.insert(*g.name).second) error(g.loc, "standby group name " + *g.name + " is used twice");
      for (const auto& t : g.tracks) {
        if (c_.find_track(t.object) == nullptr) {
          warning(t.loc, itf.name + ": standby " + std::to_string(g.group) + " tracks object " + std::to_string(t.object) +
                             ", which no `track " + std::to_string(t.object) +
                             " interface ...` defines, so nothing lowers the priority through it (add `track N interface NAME line-protocol`)");
        }
      }
    }
    if (!itf.crypto_map) continue;
    const InterfaceCryptoMap& cm = *itf.crypto_map;
    if (c_.find_crypto_map(cm.map.name).empty()) {
      error(cm.map.loc, itf.name + ": crypto map " + cm.map.name + " is not configured (`crypto map " + cm.map.name +
                            " 10 ipsec-isakmp` ...)");
    }
    if (cm.redundancy) {
      const Interface* on = nullptr;
      const StandbyGroup* g = c_.find_standby_group(cm.redundancy->name, &on);
      if (g == nullptr) {
        error(cm.redundancy->loc, itf.name + ": crypto map " + cm.map.name + " redundancy " + cm.redundancy->name +
                                      " names no standby group (add `standby N name " + cm.redundancy->name + "`)");
      } else if (on != &itf) {
        error(cm.redundancy->loc, itf.name + ": standby group " + cm.redundancy->name + " is on " + on->name +
                                      ", not on this interface");
      } else if (!g->virtual_ip) {
        error(cm.redundancy->loc, itf.name + ": standby group " + cm.redundancy->name + " has no virtual IP (`standby " +
                                      std::to_string(g->group) + " ip A`) for IKE and ESP to use");
      }
    } else {
      for (const auto& g : itf.standby) {
        if (!g.virtual_ip) continue;
        // The reference's own fault (section 2): without `redundancy`, IKE and ESP use the
        // physical address and the peer, configured for the virtual IP, never answers.
        warning(cm.map.loc, itf.name + ": crypto map " + cm.map.name + " is applied without `redundancy` on an interface "
                                "with HSRP group " + std::to_string(g.group) + (g.name ? " (" + *g.name + ")" : "") +
                                ": IKE and ESP will use the physical address" +
                                (itf.address ? " " + format_ipv4(itf.address->address) : "") + ", not the virtual IP " +
                                format_ipv4(*g.virtual_ip) + "; use `crypto map " + cm.map.name + " redundancy " +
                                (g.name ? *g.name : "NAME") + "`");
        break;
      }
    }
  }
  for (const auto& t : c_.tracks) {
    if (c_.find_interface(t.interface) == nullptr) {
      warning(t.loc, "track " + std::to_string(t.object) + " follows " + t.interface + ", which this configuration does not define");
    }
  }
}

void Checker::ha() {
  bool stateful = false;
  SourceLoc where;
  for (const auto& itf : c_.interfaces) {
    if (itf.crypto_map && itf.crypto_map->stateful) {
      stateful = true;
      where = itf.crypto_map->map.loc;
    }
  }
  if (c_.redundancy_inter_device) {
    const auto& r = *c_.redundancy_inter_device;
    if (!r.scheme_standby) {
      error(r.loc, "redundancy inter-device needs `scheme standby NAME`");
    } else if (c_.find_standby_group(r.scheme_standby->name) == nullptr) {
      error(r.scheme_standby->loc, "scheme standby " + r.scheme_standby->name + " names no standby group (add `standby N name " +
                                       r.scheme_standby->name + "` on an interface)");
    }
  }
  if (stateful) {
    if (!c_.redundancy_inter_device) {
      error(where, "stateful failover needs `redundancy inter-device` with `scheme standby NAME`");
    }
    const bool channel = c_.ipc_zone && std::any_of(c_.ipc_zone->associations.begin(), c_.ipc_zone->associations.end(),
                                                   [](const IpcAssociation& a) {
                                                     return !a.local_ips.empty() && !a.remote_ips.empty() &&
                                                            a.local_port && a.remote_port;
                                                   });
    if (!channel) {
      error(where, "stateful failover needs an `ipc zone default` association with local-port, local-ip, remote-port "
                   "and remote-ip for the state channel");
    }
  }
  if (c_.ipc_zone) {
    for (const auto& a : c_.ipc_zone->associations) {
      if (a.shutdown) {
        warning(a.loc, "ipc association " + std::to_string(a.id) + " is shut down (IOS's default); add ` no shutdown`");
      }
    }
  }
  for (const auto& r : c_.crypto_map_replay_intervals) {
    if (c_.find_crypto_map(r.map_name).empty()) {
      error(r.loc, "crypto map " + r.map_name + " redundancy replay-interval: crypto map " + r.map_name + " is not configured");
    }
  }
}

std::vector<Diagnostic> Checker::run() {
  policies();
  transform_sets();
  bool any_isakmp = false;
  for (const auto& e : c_.crypto_maps) {
    crypto_map(e);
    any_isakmp = any_isakmp || e.type == CryptoMapType::kIpsecIsakmp;
  }
  if (any_isakmp && c_.isakmp_policies.empty()) {
    for (const auto& e : c_.crypto_maps) {
      if (e.type != CryptoMapType::kIpsecIsakmp) continue;
      warning(e.loc, "no crypto isakmp policy is configured: IOS would fall back to its built-in defaults, espgw offers "
                     "none; add `crypto isakmp policy 1` with `encr aes 256`, `hash sha256`, `authentication pre-share`, "
                     "`group 14`");
      break;
    }
  }
  interfaces();
  ha();
  return std::move(out_);
}

}  // namespace

std::vector<Diagnostic> validate_config(const Config& config, std::string_view file_name) {
  return Checker(config, file_name).run();
}

}  // namespace espgw::config

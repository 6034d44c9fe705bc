// Crypto map -> gateway plan (see the header).
#include "host/espd/gateway_plan.hpp"

#include <fmt/format.h>

#include "host/common/ipv4.hpp"

namespace espgw::espd {

namespace {

std::string at(const config::Config& c, const config::SourceLoc& loc, const std::string& severity,
               const std::string& msg) {
  return fmt::format("{}:{}:{}: {}: {}", c.notes.file.empty() ? "config" : c.notes.file, loc.line, loc.column,
                     severity, msg);
}

void port_range(const config::PortMatch& m, std::uint16_t* lo, std::uint16_t* hi) {
  *lo = 0;
  *hi = 0xFFFF;
  switch (m.op) {
    case config::PortOp::kAny:
    case config::PortOp::kNeq: break;
    case config::PortOp::kEq: *lo = *hi = m.low; break;
    case config::PortOp::kLt: *hi = m.low == 0 ? 0 : static_cast<std::uint16_t>(m.low - 1); break;
    case config::PortOp::kGt: *lo = m.low == 0xFFFF ? 0xFFFF : static_cast<std::uint16_t>(m.low + 1); break;
    case config::PortOp::kRange: *lo = m.low, *hi = m.high; break;
  }
}

}  // namespace

std::optional<IfMap> parse_ifmap(const std::string& text, std::string* error) {
  IfMap map;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t comma = text.find(',', pos);
    std::string item = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    pos = comma == std::string::npos ? text.size() + 1 : comma + 1;
    if (item.empty()) continue;
    auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == item.size()) {
      *error = "--ifmap: '" + item + "' is not IOSNAME=linuxname";
      return std::nullopt;
    }
    if (!map.emplace(item.substr(0, eq), item.substr(eq + 1)).second) {
      *error = "--ifmap: " + item.substr(0, eq) + " is mapped twice";
      return std::nullopt;
    }
  }
  return map;
}

driver::TrafficSelector selector_of(const config::AclEntry& line) {
  driver::TrafficSelector s;
  s.src_mask = ~line.source.wildcard;
  s.src_addr = line.source.address & s.src_mask;
  s.dst_mask = ~line.destination.wildcard;
  s.dst_addr = line.destination.address & s.dst_mask;
  s.protocol = line.protocol == config::kAclProtocolIp ? 0 : static_cast<std::uint8_t>(line.protocol);
  if (line.protocol == 6 || line.protocol == 17) {
    port_range(line.source_port, &s.src_port_lo, &s.src_port_hi);
    port_range(line.destination_port, &s.dst_port_lo, &s.dst_port_hi);
  }
  return s;
}

driver::TrafficSelector reversed(const driver::TrafficSelector& s) {
  driver::TrafficSelector r = s;
  r.src_addr = s.dst_addr, r.src_mask = s.dst_mask;
  r.dst_addr = s.src_addr, r.dst_mask = s.src_mask;
  r.src_port_lo = s.dst_port_lo, r.src_port_hi = s.dst_port_hi;
  r.dst_port_lo = s.src_port_lo, r.dst_port_hi = s.src_port_hi;
  return r;
}

GatewayPlan make_plan(const config::Config& c, const IfMap& ifmap, const PlanOptions& options) {
  GatewayPlan plan;
  for (const auto& itf : c.interfaces) {
    if (!itf.crypto_map) continue;
    const auto& binding = *itf.crypto_map;
    auto linux_if = ifmap.find(itf.name);
    if (linux_if == ifmap.end()) {
      plan.errors.push_back(at(c, itf.loc, "error",
                               fmt::format("interface {} carries crypto map {} but --ifmap does not map it to a "
                                           "Linux interface",
                                           itf.name, binding.map.name)));
      continue;
    }
    if (itf.shutdown) {
      plan.warnings.push_back(at(c, itf.loc, "warning",
                                 fmt::format("interface {} is shutdown: crypto map {} not applied", itf.name,
                                             binding.map.name)));
      continue;
    }
    std::optional<std::uint32_t> local;
    if (binding.redundancy) {
      if (const auto* g = c.find_standby_group(binding.redundancy->name); g && g->virtual_ip) local = g->virtual_ip;
      else
        plan.errors.push_back(at(c, binding.redundancy->loc, "error",
                                 fmt::format("crypto map {} redundancy {}: no standby group with that name and an "
                                             "ip address",
                                             binding.map.name, binding.redundancy->name)));
    } else if (itf.address) {
      local = itf.address->address;
    } else {
      plan.errors.push_back(at(c, itf.loc, "error",
                               fmt::format("interface {} carries crypto map {} but has no ip address", itf.name,
                                           binding.map.name)));
    }
    if (!local) continue;
    const auto entries = c.find_crypto_map(binding.map.name);
    if (entries.empty())
      plan.errors.push_back(at(c, binding.map.loc, "error", fmt::format("crypto map {} is not defined", binding.map.name)));
    for (const auto* e : entries) {
      PlannedEntry p;
      p.map = *e;
      p.ios_interface = itf.name;
      p.linux_interface = linux_if->second;
      p.local_addr = *local;
      p.replay_window = c.ipsec_replay_window_size;
      const bool manual = e->type == config::CryptoMapType::kIpsecManual;
      p.udp_encap = manual && options.manual_udp_encap;
      bool ok = true;
      auto err = [&](const config::SourceLoc& loc, const std::string& msg) {
        plan.errors.push_back(at(c, loc, "error", fmt::format("crypto map {} {}: {}", e->name, e->seq, msg)));
        ok = false;
      };
      if (e->peers.empty()) err(e->loc, "no `set peer`");
      else p.peer = e->peers.front().address;
      if (e->transform_sets.empty()) {
        err(e->loc, "no `set transform-set`");
      } else if (const auto* ts = c.find_transform_set(e->transform_sets.front().name)) {
        p.transform = *ts;
        if (ts->mode != config::EspMode::kTunnel)
          err(e->transform_sets.front().loc, "transform-set " + ts->name + " uses transport mode; espgw runs tunnel mode only");
      } else {
        err(e->transform_sets.front().loc, "transform-set " + e->transform_sets.front().name + " is not defined");
      }
      if (!e->match_address) {
        err(e->loc, "no `match address`");
      } else if (const auto* acl = c.find_access_list(e->match_address->name)) {
        p.acl = *acl;
        bool any_permit = false;
        for (const auto& line : acl->entries) any_permit = any_permit || line.action == config::AclAction::kPermit;
        if (!any_permit) err(e->match_address->loc, "access-list " + acl->name + " has no permit line");
      } else {
        err(e->match_address->loc, "access-list " + e->match_address->name + " is not defined");
      }
      if (manual && ok) {
        if (!e->inbound_esp || !e->outbound_esp) err(e->loc, "ipsec-manual needs both inbound and outbound `set session-key ... esp`");
        else {
          driver::SaConfig in, out;
          if (auto why = manual_sa_configs(p, &in, &out); !why.empty()) err(e->inbound_esp->loc, why);
        }
      }
      if (ok) plan.entries.push_back(std::move(p));
    }
  }
  return plan;
}

std::string manual_sa_configs(const PlannedEntry& entry, driver::SaConfig* inbound, driver::SaConfig* outbound) {
  const config::AclEntry* first = nullptr;
  for (const auto& line : entry.acl.entries)
    if (line.action == config::AclAction::kPermit) {
      first = &line;
      break;
    }
  if (!first || !entry.map.inbound_esp || !entry.map.outbound_esp) return "no permit line or session keys";
  const auto& ts = entry.transform;
  const std::size_t key_bytes = static_cast<std::size_t>(ts.key_bits) / 8;
  driver::Transform transform;
  std::size_t auth_bytes = 0;
  if (ts.cipher == config::EspCipher::kAesGcm) {
    transform = driver::Transform::kAesGcm16;
  } else if (ts.integrity == config::EspIntegrity::kSha256) {
    transform = driver::Transform::kAesCbcHmacSha256;
    auth_bytes = 32;
  } else if (ts.integrity == config::EspIntegrity::kSha1) {
    transform = driver::Transform::kAesCbcHmacSha1;
    auth_bytes = 20;
  } else {
    return "transform-set " + ts.name + " has no integrity: espgw refuses ESP without authentication";
  }
  if (ts.key_bits != 128 && ts.key_bits != 256) return fmt::format("AES-{} is not supported by the ESP engine", ts.key_bits);
  auto fill = [&](const config::ManualSessionKey& k, driver::Direction dir, driver::SaConfig* sa) -> std::string {
    const char* which = dir == driver::Direction::kInbound ? "inbound" : "outbound";
    sa->spi = k.spi;
    sa->direction = dir;
    sa->transform = transform;
    if (transform == driver::Transform::kAesGcm16) {
      // RFC 4106 section 8.1: the keying material is the AES key followed by a 4-byte salt.
      if (k.cipher_key.size() != key_bytes + 4)
        return fmt::format("{} esp-gcm {} session key must be {} bytes (key + 4-byte salt), not {}", which, ts.key_bits,
                           key_bytes + 4, k.cipher_key.size());
      auto v = k.cipher_key.view();
      sa->enc_key = SecretBytes(v.first(key_bytes));
      sa->salt = (std::uint32_t{v[key_bytes]} << 24) | (std::uint32_t{v[key_bytes + 1]} << 16) |
                 (std::uint32_t{v[key_bytes + 2]} << 8) | v[key_bytes + 3];
      if (!k.authenticator_key.empty()) return fmt::format("{} esp-gcm session key takes no authenticator", which);
    } else {
      if (k.cipher_key.size() != key_bytes)
        return fmt::format("{} cipher key must be {} bytes for esp-aes {}, not {}", which, key_bytes, ts.key_bits,
                           k.cipher_key.size());
      if (k.authenticator_key.size() != auth_bytes)
        return fmt::format("{} authenticator must be {} bytes for this transform, not {}", which, auth_bytes,
                           k.authenticator_key.size());
      sa->enc_key = k.cipher_key;
      sa->auth_key = k.authenticator_key;
    }
    if (entry.udp_encap) sa->udp_encap = driver::UdpEncap{};
    return {};
  };
  const driver::TrafficSelector out_sel = selector_of(*first);
  if (auto e = fill(*entry.map.inbound_esp, driver::Direction::kInbound, inbound); !e.empty()) return e;
  if (auto e = fill(*entry.map.outbound_esp, driver::Direction::kOutbound, outbound); !e.empty()) return e;
  inbound->tunnel_src = entry.peer;
  inbound->tunnel_dst = entry.local_addr;
  inbound->selector = reversed(out_sel);
  inbound->replay_window = entry.replay_window;
  outbound->tunnel_src = entry.local_addr;
  outbound->tunnel_dst = entry.peer;
  outbound->selector = out_sel;
  return {};
}

}  // namespace espgw::espd

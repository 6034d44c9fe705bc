// SPD lookup in IOS crypto-map order (see spd.hpp for the rules).
#include "host/dataplane/spd.hpp"

#include <algorithm>

namespace espgw::dataplane {

namespace {

bool port_matches(const config::PortMatch& m, std::uint16_t port) {
  switch (m.op) {
    case config::PortOp::kAny: return true;
    case config::PortOp::kEq: return port == m.low;
    case config::PortOp::kNeq: return port != m.low;
    case config::PortOp::kLt: return port < m.low;
    case config::PortOp::kGt: return port > m.low;
    case config::PortOp::kRange: return port >= m.low && port <= m.high;
  }
  return false;
}

}  // namespace

Spd::Spd(std::vector<SpdMapEntry> entries) : entries_(std::move(entries)) {
  std::stable_sort(entries_.begin(), entries_.end(),
                   [](const SpdMapEntry& a, const SpdMapEntry& b) { return a.seq < b.seq; });
}

bool Spd::line_matches(const config::AclEntry& line, const FiveTuple& p) {
  if (line.protocol != config::kAclProtocolIp && line.protocol != p.protocol) return false;
  if (!line.source.matches(p.src) || !line.destination.matches(p.dst)) return false;
  const bool ports_apply = line.protocol == kProtoTcp || line.protocol == kProtoUdp;
  if (ports_apply && (line.source_port.op != config::PortOp::kAny ||
                      line.destination_port.op != config::PortOp::kAny)) {
    // A non-first fragment has no ports: it cannot be shown to match a port condition.
    if (!p.has_ports) return false;
    if (!port_matches(line.source_port, p.src_port) || !port_matches(line.destination_port, p.dst_port))
      return false;
  }
  if (line.protocol == kProtoIcmp && line.icmp_type) {
    if (!p.has_icmp || p.icmp_type != *line.icmp_type) return false;
    if (line.icmp_code && p.icmp_code != *line.icmp_code) return false;
  }
  return true;
}

SpdDecision Spd::lookup(const FiveTuple& packet) const {
  for (const auto& entry : entries_) {
    for (const auto& line : entry.lines) {
      if (!line_matches(line.acl, packet)) continue;
      if (line.acl.action == config::AclAction::kDeny) break;  // not this map entry; next one
      return {SpdDecision::Kind::kProtect, &entry, &entry.pairs[static_cast<std::size_t>(line.pair)]};
    }
  }
  return {};
}

Ident Spd::ident_of(const config::AclAddress& addr, int protocol, const config::PortMatch& port) {
  Ident id;
  id.mask = ~addr.wildcard;
  id.addr = addr.address & id.mask;
  id.protocol = protocol == config::kAclProtocolIp ? 0 : static_cast<std::uint8_t>(protocol);
  id.port = port.op == config::PortOp::kEq ? port.low : 0;
  return id;
}

SpdMapEntry make_spd_entry(std::string map_tag, int seq, std::uint32_t peer, std::uint32_t local_addr,
                           const config::AccessList& acl) {
  SpdMapEntry e;
  e.map_tag = std::move(map_tag);
  e.seq = seq;
  e.peer = peer;
  e.local_addr = local_addr;
  for (const auto& line : acl.entries) {
    SpdLine l{line, -1};
    if (line.action == config::AclAction::kPermit) {
      ProxyPair pair;
      pair.acl = line;
      pair.local = Spd::ident_of(line.source, line.protocol, line.source_port);
      pair.remote = Spd::ident_of(line.destination, line.protocol, line.destination_port);
      l.pair = static_cast<int>(e.pairs.size());
      e.pairs.push_back(std::move(pair));
    }
    e.lines.push_back(std::move(l));
  }
  return e;
}

}  // namespace espgw::dataplane

// Gateway state: crypto map entries, SA pairs, reverse routes, show views (see the header).
#include "host/espd/gateway.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "host/common/ipv4.hpp"
#include "host/control/ios_names.hpp"

namespace espgw::espd {

namespace {

// IOS renews an IKE SA before it expires; we report soft expiry to IKE at 90 % of the time.
constexpr double kSoftLifetimeFraction = 0.9;

control::IdentView ident_view(const dataplane::Ident& id) { return {id.addr, id.mask, id.protocol, id.port}; }

bool same_pair(const driver::TrafficSelector& a, const driver::TrafficSelector& b) { return a == b; }

}  // namespace

Gateway::Gateway(driver::EspDevice& device, dataplane::SpdHandle& spd, dataplane::RouteInjection* routes,
                 int tun_ifindex, dataplane::EspSocket* esp)
    : device_(device), spd_(spd), routes_(routes), tun_ifindex_(tun_ifindex), esp_(esp) {
  const auto info = device_.info();
  hw_ = info.backend != "cpu";
}

Gateway::~Gateway() { shutdown(); }

void Gateway::set_interface_mtu(const std::string& linux_if, std::uint32_t mtu) {
  for (auto& [name, m] : mtus_)
    if (name == linux_if) {
      m = mtu;
      return;
    }
  mtus_.emplace_back(linux_if, mtu);
}

std::uint32_t Gateway::mtu_of(const std::string& linux_if) const {
  for (const auto& [name, m] : mtus_)
    if (name == linux_if) return m;
  return 1500;
}

std::vector<std::string> Gateway::apply(const GatewayPlan& plan) {
  std::vector<std::string> problems;
  std::vector<ActiveEntry> next;
  // Keep what did not change, in the new plan's order.
  for (const auto& p : plan.entries) {
    auto old = std::find_if(entries_.begin(), entries_.end(), [&](const ActiveEntry& e) {
      return e.plan.map.name == p.map.name && e.plan.map.seq == p.map.seq;
    });
    if (old != entries_.end() && old->plan == p) {
      next.push_back(std::move(*old));
      entries_.erase(old);
      continue;
    }
    if (old != entries_.end()) {
      spdlog::info("crypto map {} {} changed: rebuilding its SAs", p.map.name, p.map.seq);
      remove_entry(*old);
      entries_.erase(old);
    }
    ActiveEntry e;
    e.plan = p;
    for (const auto& line : p.acl.entries)
      if (line.action == config::AclAction::kPermit) {
        ActivePair ap;
        ap.selector = selector_of(line);
        e.pairs.push_back(std::move(ap));
      }
    if (p.map.type == config::CryptoMapType::kIpsecManual)
      if (auto why = install_manual(e, 0, 0); !why.empty())
        problems.push_back(fmt::format("crypto map {} {}: {}", p.map.name, p.map.seq, why));
    next.push_back(std::move(e));
  }
  for (auto& gone : entries_) {
    spdlog::info("crypto map {} {} removed", gone.plan.map.name, gone.plan.map.seq);
    remove_entry(gone);
  }
  entries_ = std::move(next);
  publish();
  return problems;
}

std::string Gateway::install_manual(ActiveEntry& e, std::uint64_t out_seq, std::uint64_t in_top) {
  SaPairRecord rec;
  if (auto why = manual_sa_configs(e.plan, &rec.in.config, &rec.out.config); !why.empty()) return why;
  rec.out.config.initial_seq = out_seq;
  rec.in.config.initial_seq = in_top;
  rec.manual = true;
  rec.peer_port = rec.in.config.udp_encap ? dataplane::kNattPort : 500;
  rec.installed = Clock::now();
  return install_record(e, 0, std::move(rec));  // IOS: a manual map's keys serve its first permit line
}

// rec.in.handle may already be set: an inbound SA installed alone (install_inbound_sa).
std::string Gateway::install_record(ActiveEntry& e, std::size_t pair, SaPairRecord rec) {
  if (rec.in.handle == driver::kNoSa) {
    auto in = device_.install_sa(rec.in.config);
    if (in.status != driver::Status::kOk)
      return fmt::format("device refused inbound SA spi 0x{:08X}: {}", rec.in.config.spi, regmap::to_string(in.status));
    rec.in.handle = in.handle;
  }
  auto out = device_.install_sa(rec.out.config);
  if (out.status != driver::Status::kOk) {
    device_.remove_sa(rec.in.handle);
    return fmt::format("device refused outbound SA spi 0x{:08X}: {}", rec.out.config.spi, regmap::to_string(out.status));
  }
  rec.out.handle = out.handle;
  rec.in.conn_id = next_conn_id_++;
  rec.out.conn_id = next_conn_id_++;
  spdlog::info("crypto map {} {}: SAs up with {} (inbound spi 0x{:08X}, outbound spi 0x{:08X})", e.plan.map.name,
               e.plan.map.seq, format_ipv4(e.plan.peer), rec.in.config.spi, rec.out.config.spi);
  e.pairs[pair].sas.push_back(std::move(rec));
  update_route(e, pair);
  if (pair_observer_) {
    const auto& r = e.pairs[pair].sas.back();
    pair_observer_({true, e.plan.map.name, e.plan.map.seq, &r.in.config, &r.out.config, r.lifetime});
  }
  return {};
}

void Gateway::remove_record(ActiveEntry& e, std::size_t pair, std::size_t index) {
  auto& sas = e.pairs[pair].sas;
  auto& rec = sas[index];
  if (pair_observer_) pair_observer_({false, e.plan.map.name, e.plan.map.seq, &rec.in.config, &rec.out.config, {}});
  device_.remove_sa(rec.out.handle);  // the device zeroizes its copy of the keys
  device_.remove_sa(rec.in.handle);
  sas.erase(sas.begin() + static_cast<std::ptrdiff_t>(index));  // SecretBytes cleanse ours
  update_route(e, pair);
}

void Gateway::remove_entry(ActiveEntry& e) {
  for (std::size_t p = 0; p < e.pairs.size(); ++p)
    while (!e.pairs[p].sas.empty()) remove_record(e, p, e.pairs[p].sas.size() - 1);
}

// IOS reverse-route (dynamic): the remote proxy is routed into the tunnel while the pair has SAs.
void Gateway::update_route(ActiveEntry& e, std::size_t pair) {
  auto& p = e.pairs[pair];
  const bool want = e.plan.map.reverse_route && !p.sas.empty();
  if (want == p.routed || !routes_) return;
  const int len = netmask_prefix_length(p.selector.dst_mask);
  if (len < 0) {
    spdlog::warn("crypto map {} {}: remote proxy mask {} is not contiguous; no reverse route", e.plan.map.name,
                 e.plan.map.seq, format_ipv4(p.selector.dst_mask));
    return;
  }
  const std::string err = want ? routes_->add(p.selector.dst_addr, len, tun_ifindex_)
                               : routes_->remove(p.selector.dst_addr, len, tun_ifindex_);
  if (err.empty()) {
    p.routed = want;
    spdlog::info("reverse route {} {}/{} via tunnel", want ? "added" : "removed", format_ipv4(p.selector.dst_addr), len);
  } else {
    spdlog::warn("reverse route {}/{}: {}", format_ipv4(p.selector.dst_addr), len, err);
  }
}

void Gateway::publish() {
  std::vector<dataplane::SpdMapEntry> out;
  for (const auto& e : entries_) {
    auto s = dataplane::make_spd_entry(e.plan.map.name, e.plan.map.seq, e.plan.peer, e.plan.local_addr, e.plan.acl);
    s.manual = e.plan.map.type == config::CryptoMapType::kIpsecManual;
    for (std::size_t i = 0; i < s.pairs.size() && i < e.pairs.size(); ++i) {
      s.pairs[i].counters = e.pairs[i].counters;
      if (!e.pairs[i].sas.empty()) s.pairs[i].outbound_sa = e.pairs[i].sas.back().out.handle;
    }
    out.push_back(std::move(s));
  }
  spd_.store(std::make_shared<const dataplane::Spd>(std::move(out)));
}

void Gateway::shutdown() {
  for (auto& i : inbound_only_) device_.remove_sa(i.sa.handle);
  inbound_only_.clear();
  for (auto& e : entries_) remove_entry(e);
  entries_.clear();
  publish();
  if (routes_) routes_->remove_all();
}

void Gateway::tick(Clock::time_point now) {
  // Device events: byte/packet lifetimes and sequence overflow.
  std::array<driver::SaEvent, 32> events;
  for (std::size_t n; (n = device_.poll_events(events)) > 0;) {
    for (std::size_t i = 0; i < n; ++i) {
      if (ike_) ike_->on_sa_event(events[i]);
      if (events[i].kind == driver::SaEventKind::kSoftLifetime) continue;
      spdlog::info("SA spi 0x{:08X}: {}", events[i].spi, regmap::to_string(events[i].kind));
    }
  }
  // Time lifetimes (the device counts bytes and packets; time is ours).
  bool changed = false;
  for (auto& e : entries_) {
    for (std::size_t p = 0; p < e.pairs.size(); ++p) {
      auto& sas = e.pairs[p].sas;
      for (std::size_t i = 0; i < sas.size();) {
        auto& r = sas[i];
        if (r.lifetime.count() == 0) {
          ++i;
          continue;
        }
        const auto age = now - r.installed;
        if (age >= r.lifetime) {
          spdlog::info("crypto map {} {}: SA pair spi 0x{:08X} expired", e.plan.map.name, e.plan.map.seq,
                       r.in.config.spi);
          driver::SaEvent ev{driver::SaEventKind::kHardLifetime, r.in.handle, r.in.config.spi};
          remove_record(e, p, i);
          if (ike_) ike_->on_sa_event(ev);
          changed = true;
          continue;
        }
        if (!r.soft_notified && age >= std::chrono::duration_cast<Clock::duration>(r.lifetime * kSoftLifetimeFraction)) {
          r.soft_notified = true;
          if (ike_) ike_->on_sa_event({driver::SaEventKind::kSoftLifetime, r.in.handle, r.in.config.spi});
        }
        ++i;
      }
    }
  }
  if (changed) publish();
}

std::size_t Gateway::clear(std::optional<std::uint32_t> peer) {
  std::size_t cleared = 0;
  for (auto& e : entries_) {
    if (peer && e.plan.peer != *peer) continue;
    std::uint64_t out_seq = 0, in_top = 0;
    bool had_manual = false;
    for (std::size_t p = 0; p < e.pairs.size(); ++p) {
      auto& sas = e.pairs[p].sas;
      while (!sas.empty()) {
        auto& r = sas.back();
        if (r.manual) {
          had_manual = true;
          if (auto s = device_.read_sa(r.out.handle)) out_seq = s->seq;
          if (auto s = device_.read_sa(r.in.handle)) in_top = s->seq;
        }
        remove_record(e, p, sas.size() - 1);
        ++cleared;
      }
      e.pairs[p].counters = std::make_shared<dataplane::PairCounters>();
    }
    if (had_manual)
      if (auto why = install_manual(e, out_seq, in_top); !why.empty())
        spdlog::error("crypto map {} {}: reinstalling manual SAs failed: {}", e.plan.map.name, e.plan.map.seq, why);
  }
  publish();
  if (ike_) ike_->on_cleared(peer);
  return cleared;
}

std::string Gateway::install_sa_pair(dataplane::SaPair pair) {
  auto e = std::find_if(entries_.begin(), entries_.end(),
                        [&](const ActiveEntry& x) { return x.plan.map.name == pair.map_tag && x.plan.map.seq == pair.seq; });
  if (e == entries_.end()) return fmt::format("no crypto map entry {} {}", pair.map_tag, pair.seq);
  std::size_t index = e->pairs.size();
  for (std::size_t i = 0; i < e->pairs.size(); ++i)
    if (same_pair(e->pairs[i].selector, pair.proxy)) index = i;
  if (index == e->pairs.size()) return fmt::format("crypto map {} {}: no ACL line matches the proxy pair", pair.map_tag, pair.seq);
  SaPairRecord rec;
  // The responder's inbound SA went into the device alone before QM2: adopt it, so the
  // packets it has decapsulated stay counted and its replay window stays.
  if (auto pre = std::find_if(inbound_only_.begin(), inbound_only_.end(),
                              [&](const InboundOnly& i) { return i.sa.config.spi == pair.inbound.spi; });
      pre != inbound_only_.end()) {
    rec.in.handle = pre->sa.handle;
    inbound_only_.erase(pre);
  }
  rec.in.config = std::move(pair.inbound);
  rec.out.config = std::move(pair.outbound);
  rec.installed = Clock::now();
  rec.lifetime = pair.lifetime;
  rec.pfs_group = pair.pfs_group;
  rec.peer_port = pair.peer_port;
  auto err = install_record(*e, index, std::move(rec));
  if (err.empty()) publish();
  return err;
}

bool Gateway::remove_sa_pair(std::uint32_t peer, std::uint32_t inbound_spi) {
  for (auto& e : entries_) {
    if (e.plan.peer != peer) continue;
    for (std::size_t p = 0; p < e.pairs.size(); ++p)
      for (std::size_t i = 0; i < e.pairs[p].sas.size(); ++i)
        if (e.pairs[p].sas[i].in.config.spi == inbound_spi) {
          remove_record(e, p, i);
          publish();
          return true;
        }
  }
  return false;
}

std::string Gateway::install_inbound_sa(std::uint32_t peer, const driver::SaConfig& inbound) {
  if (inbound.direction != driver::Direction::kInbound) return "not an inbound SA";
  auto in = device_.install_sa(inbound);
  if (in.status != driver::Status::kOk)
    return fmt::format("device refused inbound SA spi 0x{:08X}: {}", inbound.spi, regmap::to_string(in.status));
  InboundOnly i;
  i.peer = peer;
  i.sa.handle = in.handle;
  i.sa.config = inbound;
  inbound_only_.push_back(std::move(i));
  spdlog::debug("inbound SA spi 0x{:08X} from {} installed ahead of its outbound twin", inbound.spi,
                format_ipv4(peer));
  return {};
}

bool Gateway::remove_inbound_sa(std::uint32_t inbound_spi) {
  auto it = std::find_if(inbound_only_.begin(), inbound_only_.end(),
                         [&](const InboundOnly& i) { return i.sa.config.spi == inbound_spi; });
  if (it == inbound_only_.end()) return false;
  device_.remove_sa(it->sa.handle);  // the device zeroizes its copy of the keys
  inbound_only_.erase(it);           // SecretBytes cleanse ours
  return true;
}

bool Gateway::send_natt(std::uint32_t dst, std::uint16_t dport, std::span<const std::uint8_t> message) {
  return esp_ && esp_->send_ike(dst, dport, message);
}

bool Gateway::send_natt_keepalive(std::uint32_t dst, std::uint16_t dport) {
  return esp_ && esp_->send_natt_keepalive(dst, dport);
}

control::IpsecSaView Gateway::ipsec_sa_view(Clock::time_point now) const {
  control::IpsecSaView view;
  for (const auto& e : entries_) {
    auto itf = std::find_if(view.interfaces.begin(), view.interfaces.end(), [&](const control::InterfaceSaView& v) {
      return v.interface == e.plan.ios_interface && v.map_tag == e.plan.map.name;
    });
    if (itf == view.interfaces.end()) {
      view.interfaces.push_back({e.plan.ios_interface, e.plan.map.name, e.plan.local_addr, {}});
      itf = view.interfaces.end() - 1;
    }
    std::size_t pair_index = 0;
    for (const auto& line : e.plan.acl.entries) {
      if (line.action != config::AclAction::kPermit) continue;
      const auto& ap = e.pairs[pair_index++];
      control::PairView pv;
      pv.local = ident_view(dataplane::Spd::ident_of(line.source, line.protocol, line.source_port));
      pv.remote = ident_view(dataplane::Spd::ident_of(line.destination, line.protocol, line.destination_port));
      pv.peer = e.plan.peer;
      pv.peer_port = e.plan.udp_encap ? dataplane::kNattPort : 500;
      pv.local_endpt = e.plan.local_addr;
      pv.remote_endpt = e.plan.peer;
      pv.path_mtu = pv.ip_mtu = mtu_of(e.plan.linux_interface);
      pv.ip_mtu_idb = e.plan.ios_interface;
      auto& c = pv.counters;
      c.no_sa_send = ap.counters->no_sa_send.load();
      c.internal_err_send = ap.counters->send_errors.load();
      c.send_errors = c.internal_err_send;
      for (const auto& r : ap.sas) {
        pv.peer_port = r.peer_port;
        const auto in = device_.read_sa(r.in.handle);
        const auto out = device_.read_sa(r.out.handle);
        const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(now - r.installed);
        auto sa_view = [&](const InstalledSa& s, const std::optional<driver::SaState>& st) {
          control::SaView v;
          v.spi = s.config.spi;
          v.transform = control::ios_transform_name(s.config.transform, static_cast<std::uint32_t>(s.config.enc_key.size() * 8));
          v.udp_encap = s.config.udp_encap.has_value();
          v.conn_id = s.conn_id;
          v.flow_prefix = hw_ ? "HW" : "SW";
          v.crypto_map = e.plan.map.name;
          if (st && st->lifetime.hard_bytes)
            v.remaining_kb = (st->lifetime.hard_bytes - std::min(st->lifetime.hard_bytes, st->counters.bytes)) / 1024;
          if (r.lifetime.count())
            v.remaining_sec = static_cast<std::uint64_t>(std::max<std::int64_t>(0, (r.lifetime - elapsed).count()));
          v.iv_bytes = control::iv_bytes(s.config.transform);
          v.replay_detection = s.config.direction == driver::Direction::kOutbound || s.config.replay_window > 0;
          v.status = st && st->hard_expired ? "EXPIRED" : "ACTIVE";
          return v;
        };
        pv.inbound.push_back(sa_view(r.in, in));
        pv.outbound.push_back(sa_view(r.out, out));
        if (out) {
          c.encaps += out->counters.packets;
          c.send_errors += out->counters.errors();
          c.encaps_failed_send += out->counters.other_drops;
        }
        if (in) {
          c.decaps += in->counters.packets;
          c.recv_errors += in->counters.errors();
          c.verify_failed += in->counters.auth_fails;
          c.replay_failed_rcv += in->counters.replay_fails;
          c.invalid_identity_rcv += in->counters.policy_fails;
          c.invalid_prot_rcv += in->counters.pad_fails;
          c.decaps_failed_rcv += in->counters.other_drops;
        }
        pv.pfs_group = r.pfs_group;
      }
      c.encrypt = c.digest = c.encaps;
      c.decrypt = c.verify = c.decaps;
      if (!ap.sas.empty()) pv.current_outbound_spi = ap.sas.back().out.config.spi;
      itf->pairs.push_back(std::move(pv));
    }
  }
  return view;
}

control::SaTableView Gateway::sa_table_view() const {
  control::SaTableView v;
  const auto info = device_.info();
  v.backend = info.backend;
  v.device = info.device;
  v.capacity = info.sa_capacity;
  const auto dc = device_.device_counters();
  v.bad_spi = dc.bad_spi;
  v.malformed = dc.malformed;
  v.bad_sa = dc.bad_sa;
  for (auto h : device_.list_sas()) {
    auto s = device_.read_sa(h);
    if (!s) continue;
    control::SaTableRow r;
    r.index = h;
    r.spi = s->spi;
    r.inbound = s->direction == driver::Direction::kInbound;
    r.transform = std::string(regmap::to_string(s->transform));
    r.key_bits = s->key_bits;
    r.tunnel_src = s->tunnel_src;
    r.tunnel_dst = s->tunnel_dst;
    if (s->udp_encap) {
      r.udp_encap = true;
      r.udp_src_port = s->udp_encap->src_port;
      r.udp_dst_port = s->udp_encap->dst_port;
    }
    r.esn = s->esn;
    r.replay_window = s->replay_window;
    r.seq = s->seq;
    r.packets = s->counters.packets;
    r.bytes = s->counters.bytes;
    r.auth_fails = s->counters.auth_fails;
    r.replay_fails = s->counters.replay_fails;
    r.pad_fails = s->counters.pad_fails;
    r.policy_fails = s->counters.policy_fails;
    r.other_drops = s->counters.other_drops;
    r.soft_bytes = s->lifetime.soft_bytes;
    r.hard_bytes = s->lifetime.hard_bytes;
    r.soft_packets = s->lifetime.soft_packets;
    r.hard_packets = s->lifetime.hard_packets;
    r.soft_expired = s->soft_expired;
    r.hard_expired = s->hard_expired;
    v.rows.push_back(std::move(r));
  }
  return v;
}

std::vector<control::CryptoMapRuntime> Gateway::crypto_map_runtime() const {
  std::vector<control::CryptoMapRuntime> out;
  for (const auto& e : entries_) out.push_back({e.plan.map.name, e.plan.map.seq, e.plan.peer});
  return out;
}

std::vector<const driver::SaConfig*> Gateway::export_sa_configs() const {
  std::vector<const driver::SaConfig*> out;
  for (const auto& i : inbound_only_) out.push_back(&i.sa.config);
  for (const auto& e : entries_)
    for (const auto& p : e.pairs)
      for (const auto& r : p.sas) {
        out.push_back(&r.in.config);
        out.push_back(&r.out.config);
      }
  return out;
}

void Gateway::for_each_sa(const std::function<void(const driver::SaConfig&, driver::SaHandle)>& fn) const {
  for (const auto& e : entries_)
    for (const auto& p : e.pairs)
      for (const auto& r : p.sas) {
        fn(r.in.config, r.in.handle);
        fn(r.out.config, r.out.handle);
      }
}

std::string Gateway::adopt_pair(const std::string& map_tag, int map_seq, driver::SaConfig inbound,
                                driver::SaConfig outbound, std::chrono::seconds lifetime) {
  auto e = std::find_if(entries_.begin(), entries_.end(), [&](const ActiveEntry& x) {
    return x.plan.map.name == map_tag && x.plan.map.seq == map_seq && x.plan.peer == outbound.tunnel_dst;
  });
  if (e == entries_.end())
    return fmt::format("no crypto map entry {} {} with peer {}", map_tag, map_seq, format_ipv4(outbound.tunnel_dst));
  // IKE builds the outbound selector from the ACL line's proxy identities: match on them.
  const auto& o = outbound.selector;
  auto line = std::find_if(e->pairs.begin(), e->pairs.end(), [&](const ActivePair& p) {
    return p.selector == o || (p.selector.src_addr == o.src_addr && p.selector.src_mask == o.src_mask &&
                               p.selector.dst_addr == o.dst_addr && p.selector.dst_mask == o.dst_mask &&
                               p.selector.protocol == o.protocol);
  });
  if (line == e->pairs.end()) return fmt::format("crypto map {} {}: no ACL line matches the replicated SA", map_tag, map_seq);
  dataplane::SaPair pair;
  pair.map_tag = map_tag;
  pair.seq = map_seq;
  pair.peer = outbound.tunnel_dst;
  pair.peer_port = outbound.udp_encap ? outbound.udp_encap->dst_port : 500;
  pair.proxy = line->selector;
  pair.inbound = std::move(inbound);
  pair.outbound = std::move(outbound);
  pair.lifetime = lifetime;
  return install_sa_pair(std::move(pair));
}

bool Gateway::raise_outbound_seq(std::uint32_t spi, std::uint64_t last_used) {
  for (auto& e : entries_)
    for (auto& p : e.pairs)
      for (auto& r : p.sas) {
        if (r.out.config.spi != spi) continue;
        const auto s = device_.read_sa(r.out.handle);
        if (s && s->seq >= last_used) return false;
        driver::SaConfig copy = r.out.config;
        copy.initial_seq = last_used;
        if (s) {
          // The copy counts from zero: give it only what is left of the byte and packet
          // lifetimes, so the move is no lifetime extension (0 stays "none"; a spent one is 1).
          auto left = [](std::uint64_t limit, std::uint64_t used) -> std::uint64_t {
            return limit == 0 ? 0 : std::max<std::uint64_t>(1, limit - std::min(limit, used));
          };
          auto& lt = copy.lifetime;
          lt.soft_bytes = left(lt.soft_bytes, s->counters.bytes);
          lt.hard_bytes = left(lt.hard_bytes, s->counters.bytes);
          lt.soft_packets = left(lt.soft_packets, s->counters.packets);
          lt.hard_packets = left(lt.hard_packets, s->counters.packets);
        }
        auto res = device_.install_sa(copy);
        if (res.status != driver::Status::kOk) {
          spdlog::error("outbound SA 0x{:08X}: device refused the copy at sequence number {}: {}", spi, last_used,
                        regmap::to_string(res.status));
          return false;
        }
        const driver::SaHandle old = r.out.handle;
        r.out.handle = res.handle;
        r.out.config.initial_seq = last_used;
        r.out.config.lifetime = copy.lifetime;
        publish();  // the forwarder picks the new copy for its next packet
        device_.remove_sa(old);
        spdlog::info("outbound SA 0x{:08X} continues after sequence number {} (split brain: the other router used "
                     "numbers below it)",
                     spi, last_used);
        return true;
      }
  return false;
}

}  // namespace espgw::espd

// IkeAdapter: IOS config -> ike::IkeConfig, UDP 500, and SA pairing (see the header).
#include "host/espd/ike_adapter.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

#include <boost/asio/ip/address_v4.hpp>
#include <fmt/format.h>
#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include "host/common/ipv4.hpp"
#include "host/espd/gateway_plan.hpp"

namespace espgw::espd {

namespace {

using boost::asio::ip::udp;

// How long a rekeyed pair's old SAs outlive the DELETE (packets in flight on the old SPI).
constexpr std::chrono::milliseconds kRekeyGrace{2000};

std::optional<ike::P1Hash> p1_hash(config::IsakmpHash h) {
  switch (h) {
    case config::IsakmpHash::kSha: return ike::P1Hash::kSha1;
    case config::IsakmpHash::kSha256: return ike::P1Hash::kSha256;
    case config::IsakmpHash::kSha384: return ike::P1Hash::kSha384;
    case config::IsakmpHash::kSha512: return ike::P1Hash::kSha512;
    case config::IsakmpHash::kMd5: return std::nullopt;
  }
  return std::nullopt;
}

bool supported_group(int g) { return g == 2 || g == 5 || g == 14 || g == 15 || g == 16 || g == 19 || g == 20; }

ike::ProxyId proxy_of(const config::AclAddress& a, int protocol, const config::PortMatch& port, std::string* warn) {
  ike::ProxyId p;
  p.mask = ~a.wildcard;
  p.addr = a.address & p.mask;
  p.protocol = protocol == config::kAclProtocolIp ? 0 : static_cast<std::uint8_t>(protocol);
  if (port.op == config::PortOp::kEq) p.port = port.low;
  else if (port.op != config::PortOp::kAny) *warn = "only `eq` ports can be an IKE proxy identity; negotiating any port";
  return p;
}

}  // namespace

MappedIkeConfig map_ike_config(const config::Config& c) {
  MappedIkeConfig m;
  ike::IkeConfig& k = m.ike;
  auto warn = [&](const config::SourceLoc& loc, std::string text) {
    m.warnings.push_back(fmt::format("{}:{}: {}", c.notes.file, loc.line, text));
  };
  for (const auto& p : c.isakmp_policies) {
    if (!p.authentication_explicit) {
      warn(p.loc, fmt::format("crypto isakmp policy {} has no `authentication` line, so IOS's default rsa-sig "
                              "applies; espgw has no certificates and this policy cannot match a pre-shared-key "
                              "peer: add ` authentication pre-share` under it to use it",
                              p.priority));
      continue;
    }
    if (p.authentication != config::IsakmpAuth::kPreShare) {
      warn(p.loc, fmt::format("crypto isakmp policy {}: only `authentication pre-share` is implemented; policy not used",
                              p.priority));
      continue;
    }
    if (p.encryption != config::IsakmpEncryption::kAes) {
      warn(p.loc, fmt::format("crypto isakmp policy {}: des/3des are refused (use `encr aes 256`); policy not used",
                              p.priority));
      continue;
    }
    auto hash = p1_hash(p.hash);
    if (!hash) {
      warn(p.loc, fmt::format("crypto isakmp policy {}: hash md5 is refused; policy not used", p.priority));
      continue;
    }
    if (!supported_group(p.dh_group)) {
      warn(p.loc, fmt::format("crypto isakmp policy {}: DH group {} is not supported (14, 15, 16, 19, 20; 2 and 5 "
                              "when configured); policy not used",
                              p.priority, p.dh_group));
      continue;
    }
    if (p.dh_group == 2 || p.dh_group == 5)
      warn(p.loc, fmt::format("crypto isakmp policy {}: DH group {} is weak (RFC 8247); use group 14 or above",
                              p.priority, p.dh_group));
    k.policies.push_back(ike::IsakmpPolicyInput{p.priority, static_cast<std::uint16_t>(p.key_bits ? p.key_bits : 128),
                                                *hash, static_cast<ike::DhGroupId>(p.dh_group), p.lifetime});
  }
  for (const auto& key : c.isakmp_keys) k.keys.push_back(ike::PreSharedKeyInput{key.address, key.mask, key.key});
  if (c.isakmp_keepalive)
    k.keepalive = ike::KeepaliveInput{c.isakmp_keepalive->interval, c.isakmp_keepalive->retry,
                                      c.isakmp_keepalive->mode == config::KeepaliveMode::kPeriodic};
  k.aggressive_mode_disabled = c.isakmp_aggressive_mode_disabled;
  if (c.isakmp_nat_keepalive) k.nat_keepalive = *c.isakmp_nat_keepalive;
  k.replay_window = c.ipsec_replay_window_size;
  k.debug_isakmp = c.debug_crypto_isakmp;

  for (const auto& itf : c.interfaces) {
    if (!itf.crypto_map || !itf.address) continue;
    const bool isakmp = std::any_of(c.crypto_maps.begin(), c.crypto_maps.end(), [&](const config::CryptoMapEntry& e) {
      return e.name == itf.crypto_map->map.name && e.type == config::CryptoMapType::kIpsecIsakmp;
    });
    if (!isakmp) continue;
    // With `redundancy GROUP` the peer knows us by the HSRP virtual IP (IOS: the crypto map
    // uses the standby address as its local address).
    std::uint32_t local = itf.address->address;
    if (itf.crypto_map->redundancy)
      if (const auto* g = c.find_standby_group(itf.crypto_map->redundancy->name); g && g->virtual_ip) {
        local = *g->virtual_ip;
        m.bind_local_address = true;
        m.redundancy_group = itf.crypto_map->redundancy->name;
      }
    if (k.local_address == 0) k.local_address = local;
    else if (k.local_address != local)
      warn(itf.loc, fmt::format("{}: IKE answers from {} only (one IKE address per espd)", itf.name,
                                format_ipv4(k.local_address)));
    for (const auto& e : c.crypto_maps) {
      if (e.name != itf.crypto_map->map.name || e.type != config::CryptoMapType::kIpsecIsakmp) continue;
      if (e.peers.empty() || !e.match_address) continue;  // validate() already refused these
      if (e.peers.size() > 1)
        warn(e.loc, fmt::format("crypto map {} {}: only the first `set peer` ({}) is used", e.name, e.seq,
                                format_ipv4(e.peers[0].address)));
      ike::CryptoMapInput in;
      in.map_name = e.name;
      in.seq = e.seq;
      in.peer = e.peers[0].address;
      for (const auto& ref : e.transform_sets) {
        const auto* ts = c.find_transform_set(ref.name);
        if (!ts) continue;
        ike::EspTransformInput t;
        t.name = ts->name;
        t.key_bits = static_cast<std::uint16_t>(ts->key_bits);
        if (ts->cipher == config::EspCipher::kAesGcm) {
          t.id = ike::EspTransformId::kEspAesGcm16;
          t.auth = ike::AuthAlgorithm::kNone;
        } else if (ts->integrity == config::EspIntegrity::kNone) {
          warn(ts->loc, fmt::format("transform-set {}: esp-aes without an integrity transform is refused", ts->name));
          continue;
        } else {
          t.id = ike::EspTransformId::kEspAes;
          t.auth = ts->integrity == config::EspIntegrity::kSha1 ? ike::AuthAlgorithm::kHmacSha1
                                                               : ike::AuthAlgorithm::kHmacSha256;
        }
        in.transforms.push_back(t);
      }
      if (e.pfs_group) in.pfs = static_cast<ike::DhGroupId>(*e.pfs_group);
      in.lifetime = e.lifetime_seconds.value_or(c.ipsec_sa_lifetime_seconds);
      in.lifetime_kb = e.lifetime_kilobytes.value_or(c.ipsec_sa_lifetime_kilobytes);
      const auto* acl = c.find_access_list(e.match_address->name);
      if (!acl) continue;
      for (const auto& line : acl->entries) {
        if (line.action != config::AclAction::kPermit) continue;
        std::string w;
        ike::CryptoMapInput one = in;
        one.local = proxy_of(line.source, line.protocol, line.source_port, &w);
        one.remote = proxy_of(line.destination, line.protocol, line.destination_port, &w);
        if (!w.empty()) warn(line.loc, w);
        k.crypto_maps.push_back(std::move(one));
        m.map_selectors.push_back(selector_of(line));
      }
    }
  }
  if (!k.crypto_maps.empty() && k.policies.empty())
    m.warnings.push_back(fmt::format("{}: no usable `crypto isakmp policy`: ipsec-isakmp crypto maps will not "
                                     "negotiate (see the warnings above)",
                                     c.notes.file));
  return m;
}

namespace {

// Everything IKE acts on, keys included, so an unchanged config keeps its SAs over SIGHUP.
std::string fingerprint(const MappedIkeConfig& m) {
  const auto& k = m.ike;
  std::string s = fmt::format("{}|{}|{}|{}|{}|{}|", k.local_address, m.bind_local_address, m.redundancy_group,
                              k.aggressive_mode_disabled, k.replay_window,
                              k.keepalive ? fmt::format("{}/{}/{}", k.keepalive->interval.count(),
                                                        k.keepalive->retry.count(), k.keepalive->periodic)
                                          : "-");
  for (const auto& p : k.policies)
    s += fmt::format("P{}/{}/{}/{}/{};", p.priority, p.key_bits, static_cast<int>(p.hash), static_cast<int>(p.group),
                     p.lifetime.count());
  for (const auto& key : k.keys) {
    s += fmt::format("K{}/{}/", key.address, key.mask);
    s.append(reinterpret_cast<const char*>(key.key.view().data()), key.key.size());
    s += ';';
  }
  for (const auto& c : k.crypto_maps) {
    s += fmt::format("M{}/{}/{}/{}/{}/{}/{}/{}/{}/{}/{}/{}/{}/{}/", c.map_name, c.seq, c.peer, c.local.addr, c.local.mask,
                     c.local.protocol, c.local.port, c.remote.addr, c.remote.mask, c.remote.protocol, c.remote.port,
                     c.pfs ? static_cast<int>(*c.pfs) : 0, c.lifetime.count(), c.lifetime_kb);
    for (const auto& t : c.transforms)
      s += fmt::format("{}:{}:{}:{},", t.name, static_cast<int>(t.id), t.key_bits, static_cast<int>(t.auth));
    s += ';';
  }
  return s;
}

void wipe(std::string& s) {
  if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
  s.clear();
}

bool mirrored(const driver::TrafficSelector& in, const driver::TrafficSelector& out) {
  return in.src_addr == out.dst_addr && in.src_mask == out.dst_mask && in.dst_addr == out.src_addr &&
         in.dst_mask == out.src_mask && in.protocol == out.protocol;
}

}  // namespace

IkeAdapter::IkeAdapter(boost::asio::io_context& io, std::uint16_t ike_port)
    : io_(io), ike_port_(ike_port), scheduler_(io) {}

IkeAdapter::~IkeAdapter() {
  wipe(fingerprint_);
  mgr_.reset();  // before the scheduler its timers live in
}

void IkeAdapter::start(dataplane::SaInstaller& installer) { installer_ = &installer; }

void IkeAdapter::apply_config(std::shared_ptr<const config::Config> config) {
  MappedIkeConfig next = map_ike_config(*config);
  for (const auto& w : next.warnings) spdlog::warn("{}", w);
  std::string fp = fingerprint(next);
  if (mgr_ && fp == fingerprint_) {
    wipe(fp);
    return;  // SIGHUP without an IKE change: every SA stays
  }
  wipe(fingerprint_);
  fingerprint_ = std::move(fp);
  if (mgr_) {
    spdlog::info("IKE configuration changed: deleting ISAKMP and IPsec SAs negotiated under the old one");
    mgr_->clear();
    mgr_.reset();
  }
  drop_all_pending();
  soft_forwarded_.clear();
  mapped_ = std::move(next);
  if (mapped_.ike.crypto_maps.empty()) {
    if (socket_) socket_->close();
    socket_.reset();
    return;  // no ipsec-isakmp entry: no IKE, port 500 stays free
  }
  if (debug_forced_) mapped_.ike.debug_isakmp = debug_;
  debug_ = mapped_.ike.debug_isakmp;
  if (debug_ && spdlog::get_level() > spdlog::level::debug) spdlog::set_level(spdlog::level::debug);
  make_manager();
  open_socket();
  if (!socket_) return;
  spdlog::info("IKE: {} policies, {} pre-shared keys, {} crypto-map proxy pairs, local address {}{}, UDP {}",
               mapped_.ike.policies.size(), mapped_.ike.keys.size(), mapped_.ike.crypto_maps.size(),
               format_ipv4(mapped_.ike.local_address),
               mapped_.bind_local_address ? " (HSRP group " + mapped_.redundancy_group + ")" : std::string(),
               bound_port());
}

void IkeAdapter::make_manager() {
  mgr_ = std::make_unique<ike::IkeSaManager>(
      mapped_.ike, scheduler_,
      ike::IkeCallbacks{[this](const ike::Datagram& d) { send(d); }, [this](const driver::SaConfig& sa) { install(sa); },
                        [this](std::uint32_t spi, driver::Direction dir) { remove(spi, dir); }});
  if (phase1_observer_) mgr_->set_phase1_observer(phase1_observer_);
}

void IkeAdapter::set_phase1_observer(Phase1Observer observer) {
  phase1_observer_ = std::move(observer);
  if (mgr_) mgr_->set_phase1_observer(phase1_observer_);
}

bool IkeAdapter::adopt_phase1(const ike::Phase1Snapshot& snapshot) {
  if (!mgr_ || !active_) return false;
  if (!mgr_->adopt_phase1(snapshot)) return false;
  // The children's pairs are in the gateway already: remember them, so a DELETE or IKE's
  // hard expiry removes them as for pairs negotiated here.
  const auto& maps = mapped_.ike.crypto_maps;
  for (const auto& c : snapshot.children)
    for (std::size_t i = 0; i < maps.size(); ++i)
      if (maps[i].map_name == c.map_name && maps[i].seq == c.map_seq && maps[i].peer == snapshot.peer.addr) {
        installed_[c.inbound_spi] = InstalledPair{snapshot.peer.addr, mapped_.map_selectors[i]};
        break;
      }
  return true;
}

void IkeAdapter::open_socket() {
  const std::uint32_t want = mapped_.bind_local_address ? mapped_.ike.local_address : 0;
  if (socket_ && bound_address_ == want) return;
  if (socket_) socket_->close();
  socket_.reset();
  socket_.emplace(io_);
  boost::system::error_code ec;
  socket_->open(udp::v4(), ec);
  if (!ec) socket_->set_option(boost::asio::socket_base::reuse_address(true), ec);
  if (!ec && want != 0) {
    // The HSRP standby binds the VIP before it owns it; the kernel delivers nothing to it
    // until the address arrives with the Active state.
    int one = 1;
    if (::setsockopt(socket_->native_handle(), IPPROTO_IP, IP_FREEBIND, &one, sizeof one) != 0)
      ec = boost::system::error_code(errno, boost::system::system_category());
  }
  if (!ec) socket_->bind(udp::endpoint(boost::asio::ip::address_v4(want), ike_port_), ec);
  if (ec) {
    spdlog::error("IKE: cannot bind UDP {}:{}: {}; ipsec-isakmp crypto maps will not negotiate", format_ipv4(want),
                  ike_port_, ec.message());
    socket_.reset();
    return;
  }
  bound_address_ = want;
  receive_next();
}

void IkeAdapter::set_active(bool active) {
  if (active == active_) return;
  active_ = active;
  // Either way the SAs go without a word: as standby we no longer own the VIP the peer
  // knows; as the new active we never had them (a stale manager from an earlier term would
  // answer with keys the peer has long dropped).
  const std::size_t pairs = installed_.size();
  if (mgr_) make_manager();  // the old manager goes silently: no DELETE, no callbacks
  drop_all_pending();
  soft_forwarded_.clear();
  if (installer_)
    for (const auto& [spi, pair] : installed_) installer_->remove_sa_pair(pair.peer, spi);
  installed_.clear();
  spdlog::info("IKE: HSRP group {} {}: {} IPsec SA pairs and every ISAKMP SA dropped without DELETE{}",
               mapped_.redundancy_group, active ? "Active" : "no longer Active", pairs,
               active ? "; negotiating afresh from the VIP" : "; IKE to the VIP is ignored while standby");
}

std::uint16_t IkeAdapter::bound_port() const {
  boost::system::error_code ec;
  return socket_ ? socket_->local_endpoint(ec).port() : 0;
}

void IkeAdapter::receive_next() {
  socket_->async_receive_from(boost::asio::buffer(buffer_), from_, [this](boost::system::error_code ec, std::size_t n) {
    if (ec == boost::asio::error::operation_aborted || !socket_) return;
    if (!ec && from_.address().is_v4()) {
      ike::Datagram d{{from_.address().to_v4().to_uint(), from_.port()},
                      {mapped_.ike.local_address, ike::kIkePort},
                      ike::Bytes(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(n))};
      receive(d);
    }
    receive_next();
  });
}

void IkeAdapter::receive(const ike::Datagram& d) {
  if (!active_) {
    ++standby_drops_;  // HSRP standby: the active answers (the VIP is not ours)
    return;
  }
  if (mgr_) mgr_->receive(d);
}

void IkeAdapter::send(const ike::Datagram& d) {
  if (!active_) return;  // never speak from a VIP another router owns
  if (send_hook_) return send_hook_(d);
  if (d.natt_keepalive) {
    // The bare 0xFF byte: it must not get the non-ESP marker send_natt adds (RFC 3948 2.3).
    if (!installer_ || !installer_->send_natt_keepalive(d.dst.addr, d.dst.port))
      spdlog::debug("IKE: NAT keepalive to {}:{} failed", format_ipv4(d.dst.addr), d.dst.port);
    return;
  }
  if (d.src.port == ike::kNattPort) {
    // RFC 3948: the EspSocket owns UDP 4500 and adds the non-ESP marker.
    if (!installer_ || !installer_->send_natt(d.dst.addr, d.dst.port, d.data))
      spdlog::debug("IKE: NAT-T send to {}:{} failed", format_ipv4(d.dst.addr), d.dst.port);
    return;
  }
  if (!socket_) return;
  boost::system::error_code ec;
  socket_->send_to(boost::asio::buffer(d.data), udp::endpoint(boost::asio::ip::address_v4(d.dst.addr), d.dst.port), 0,
                   ec);
  if (ec) spdlog::debug("IKE: send to {}:{} failed: {}", format_ipv4(d.dst.addr), d.dst.port, ec.message());
}

std::optional<std::size_t> IkeAdapter::map_index_of(const driver::TrafficSelector& out) const {
  const auto& maps = mapped_.ike.crypto_maps;
  for (std::size_t i = 0; i < maps.size(); ++i) {
    const auto& m = maps[i];
    if ((m.local.addr & m.local.mask) == out.src_addr && m.local.mask == out.src_mask &&
        (m.remote.addr & m.remote.mask) == out.dst_addr && m.remote.mask == out.dst_mask)
      return i;
  }
  return std::nullopt;
}

void IkeAdapter::install(const driver::SaConfig& sa) {
  if (!installer_) return;
  if (sa.direction == driver::Direction::kInbound) {
    // host/ike calls this before the responder sends QM2 (and the initiator just before its
    // outbound): the SA goes into the device now, so the peer's first ESP packet after QM3
    // decapsulates; the pair completes when the outbound twin arrives. host/ike does not
    // report a Quick Mode that dies after this (QM3 lost, phase 1 deleted), hence the timer.
    PendingInbound p;
    p.sa = sa;
    const std::string err = installer_->install_inbound_sa(sa.tunnel_src, sa);
    p.in_device = err.empty();
    if (!p.in_device) spdlog::debug("IKE: inbound SA 0x{:08X} waits for its outbound twin: {}", sa.spi, err);
    p.timer = scheduler_.schedule(pending_timeout_, [this, spi = sa.spi] {
      for (auto& q : pending_inbound_)
        if (q.sa.spi == spi) q.timer = 0;  // fired: nothing to cancel
      drop_pending(spi, "Quick Mode did not complete");
    });
    pending_inbound_.push_back(std::move(p));
    return;
  }
  auto in = std::find_if(pending_inbound_.begin(), pending_inbound_.end(), [&](const PendingInbound& i) {
    return i.sa.tunnel_src == sa.tunnel_dst && mirrored(i.sa.selector, sa.selector);
  });
  if (in == pending_inbound_.end()) {
    spdlog::error("IKE: outbound SA 0x{:08X} to {} has no inbound twin; not installed", sa.spi,
                  format_ipv4(sa.tunnel_dst));
    return;
  }
  // Outbound selectors are built from the map's proxy ids: find the entry and its ACL line.
  std::optional<std::size_t> idx;
  const auto& maps = mapped_.ike.crypto_maps;
  for (std::size_t i = 0; i < maps.size() && !idx; ++i) {
    const auto& m = maps[i];
    if (m.peer == sa.tunnel_dst && (m.local.addr & m.local.mask) == sa.selector.src_addr &&
        m.local.mask == sa.selector.src_mask && (m.remote.addr & m.remote.mask) == sa.selector.dst_addr &&
        m.remote.mask == sa.selector.dst_mask && m.local.protocol == sa.selector.protocol)
      idx = i;
  }
  if (!idx) idx = map_index_of(sa.selector);
  if (!idx) {
    spdlog::error("IKE: SA pair 0x{:08X}/0x{:08X} matches no crypto map entry; not installed", in->sa.spi, sa.spi);
    drop_pending(in->sa.spi, "no crypto map entry");
    return;
  }
  const auto& m = maps[*idx];
  dataplane::SaPair pair;
  pair.map_tag = m.map_name;
  pair.seq = m.seq;
  pair.peer = sa.tunnel_dst;
  pair.peer_port = sa.udp_encap ? sa.udp_encap->dst_port : ike::kIkePort;
  pair.proxy = mapped_.map_selectors[*idx];
  if (in->timer) scheduler_.cancel(in->timer);
  pair.inbound = std::move(in->sa);
  pending_inbound_.erase(in);
  pair.outbound = sa;
  pair.lifetime = m.lifetime;
  if (m.pfs) pair.pfs_group = static_cast<int>(*m.pfs);
  const std::uint32_t in_spi = pair.inbound.spi, peer = pair.peer;
  const driver::TrafficSelector proxy = pair.proxy;
  if (auto err = installer_->install_sa_pair(std::move(pair)); !err.empty()) {
    spdlog::error("IKE: SA pair 0x{:08X}/0x{:08X} with {} refused by the gateway: {}", in_spi, sa.spi,
                  format_ipv4(peer), err);
    installer_->remove_inbound_sa(in_spi);  // if it went in alone, it goes (zeroized) with the pair
    return;
  }
  installed_[in_spi] = InstalledPair{peer, proxy};
}

void IkeAdapter::remove(std::uint32_t spi, driver::Direction dir) {
  if (dir != driver::Direction::kInbound) return;  // the pair goes with its inbound SPI
  drop_pending(spi, "deleted by IKE");
  soft_forwarded_.erase(spi);
  auto it = installed_.find(spi);
  if (it == installed_.end()) return;
  const InstalledPair gone = it->second;
  installed_.erase(it);
  if (!installer_) return;
  // Make-before-break: when a newer pair serves the same proxy (a rekey), the old pair's
  // inbound SA stays for kRekeyGrace, so the peer's packets already in flight on the old SPI,
  // sent before it switched to the new one, still decrypt. Outbound already uses the new SA.
  const bool replaced = std::any_of(installed_.begin(), installed_.end(), [&](const auto& kv) {
    return kv.second.peer == gone.peer && kv.second.proxy == gone.proxy;
  });
  if (!replaced) {
    installer_->remove_sa_pair(gone.peer, spi);
    return;
  }
  scheduler_.schedule(kRekeyGrace, [this, peer = gone.peer, spi] {
    if (installer_) installer_->remove_sa_pair(peer, spi);
  });
}

void IkeAdapter::drop_pending(std::uint32_t spi, const char* why) {
  auto it = std::find_if(pending_inbound_.begin(), pending_inbound_.end(),
                         [&](const PendingInbound& p) { return p.sa.spi == spi; });
  if (it == pending_inbound_.end()) return;
  if (it->timer) scheduler_.cancel(it->timer);
  if (it->in_device && installer_) {
    installer_->remove_inbound_sa(spi);  // the device zeroizes its copy of the keys
    spdlog::info("IKE: inbound SA 0x{:08X} removed without its outbound twin: {}", spi, why);
  }
  pending_inbound_.erase(it);  // SecretBytes cleanse ours
}

void IkeAdapter::drop_all_pending() {
  while (!pending_inbound_.empty()) drop_pending(pending_inbound_.back().sa.spi, "IKE restarted");
}

void IkeAdapter::acquire(const dataplane::AcquireRequest& r) {
  if (!mgr_ || !active_) return;
  const auto& maps = mapped_.ike.crypto_maps;
  for (std::size_t i = 0; i < maps.size(); ++i) {
    if (maps[i].map_name != r.map_tag || maps[i].seq != r.seq || mapped_.map_selectors[i] != r.proxy) continue;
    // Stale: a pair for this proxy went in after the forwarder missed (the acquire waited in
    // the control loop's queue, e.g. behind an HA takeover adopting the replicated pairs).
    // A pair that was there before the miss does not count: the forwarder lost it (expired).
    const bool answered = std::any_of(installed_.begin(), installed_.end(), [&](const auto& kv) {
      return kv.second.peer == maps[i].peer && kv.second.proxy == r.proxy && kv.second.since >= r.raised;
    });
    if (answered) {
      ++stale_acquires_;
      spdlog::debug("IKE: acquire for crypto map {} {} already answered by a pair installed since", r.map_tag, r.seq);
      return;
    }
    mgr_->initiate(i);  // a no-op while a negotiation for this entry is under way
    return;
  }
  spdlog::debug("IKE: acquire for crypto map {} {} matches no proxy pair", r.map_tag, r.seq);
}

void IkeAdapter::on_natt_message(std::uint32_t src, std::uint16_t sport, std::uint32_t dst,
                                 std::span<const std::uint8_t> message) {
  if (!active_) {
    ++standby_drops_;
    return;
  }
  if (!mgr_) return;
  mgr_->receive(ike::Datagram{{src, sport}, {dst, ike::kNattPort}, ike::Bytes(message.begin(), message.end())});
}

void IkeAdapter::on_sa_event(const driver::SaEvent& event) {
  if (!mgr_ || event.kind != driver::SaEventKind::kSoftLifetime) return;
  // The gateway's time soft limit and the device's kilobyte one may both fire: rekey once.
  if (!soft_forwarded_.insert(event.spi).second) return;
  mgr_->on_soft_lifetime(event.spi);
}

void IkeAdapter::on_cleared(std::optional<std::uint32_t> peer) {
  // `clear crypto sa [peer A]` (IOS): the gateway removed the pairs; IKE sends a DELETE for
  // each and keeps the ISAKMP SAs in QM_IDLE, so the next packet runs only a Quick Mode.
  std::erase_if(installed_, [&](const auto& kv) { return !peer || kv.second.peer == *peer; });
  if (mgr_) mgr_->clear_ipsec(peer);  // Quick Modes under way too: their inbound SAs go
  for (std::size_t i = pending_inbound_.size(); i-- > 0;)
    if (const auto& p = pending_inbound_[i]; !peer || p.sa.tunnel_src == *peer) drop_pending(p.sa.spi, "clear crypto sa");
}

void IkeAdapter::stop() {
  if (mgr_) mgr_->clear();  // DELETEs to every peer
  mgr_.reset();
  drop_all_pending();
  if (socket_) socket_->close();
  socket_.reset();
}

std::vector<IsakmpRow> IkeAdapter::isakmp_sas() const {
  std::vector<IsakmpRow> rows;
  if (!mgr_) return rows;
  for (const auto& v : mgr_->isakmp_sas()) rows.push_back(IsakmpRow{v.dst, v.src, v.state, v.conn_id, v.active});
  return rows;
}

void IkeAdapter::clear_isakmp() {
  if (mgr_) mgr_->clear();
}

void IkeAdapter::set_debug(bool on) {
  debug_ = on;
  debug_forced_ = true;
  if (mgr_) mgr_->set_debug(on);
  // The lines are spdlog debug lines: let them through while the debug is on.
  if (on && spdlog::get_level() > spdlog::level::debug) spdlog::set_level(spdlog::level::debug);
}

std::string IkeAdapter::ikev1_decryption_table() const { return mgr_ ? mgr_->ikev1_decryption_table() : std::string(); }

}  // namespace espgw::espd

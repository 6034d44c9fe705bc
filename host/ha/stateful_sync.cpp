// StatefulSync (see stateful_sync.hpp).
#include "host/ha/stateful_sync.hpp"

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <fmt/format.h>

#include "host/common/ipv4.hpp"

namespace espgw::ha {

namespace {
std::uint64_t random_boot_id() {
  std::uint64_t id = 0;
  RAND_bytes(reinterpret_cast<unsigned char*>(&id), sizeof id);
  return id;
}
}  // namespace

StatefulSync::StatefulSync(boost::asio::io_context& io, StatefulSyncOptions options)
    : options_(std::move(options)),
      boot_id_(random_boot_id()),
      publisher_(options_.interval),
      replica_(options_.interval, options_.margin) {
  channel_ = std::make_unique<SyncChannel>(io, options_.channel,
                                           SyncChannel::Callbacks{[this] { on_up(); },
                                                                  [this](const SyncMessage& m) { on_message(m); },
                                                                  [this](const std::string&) { on_down(); }});
}

void StatefulSync::start() { channel_->start(); }
void StatefulSync::stop() { channel_->stop(); }

void StatefulSync::send_hello() {
  SyncHello h;
  h.version = kSyncProtocolVersion;
  h.role = role_;
  h.node_address = options_.node_address;
  h.boot_id = boot_id_;
  h.hsrp_priority = hsrp_priority_;
  h.hsrp_address = hsrp_address_;
  channel_->send(h);
  last_hello_sent_ = std::chrono::steady_clock::now();
}

void StatefulSync::set_hsrp(std::uint32_t priority, std::uint32_t address, std::chrono::milliseconds hello,
                            std::chrono::milliseconds hold) {
  heartbeat_ = hello;
  liveness_ = hold;
  if (hsrp_priority_ == priority && hsrp_address_ == address) return;
  hsrp_priority_ = priority;
  hsrp_address_ = address;
  if (channel_->up()) send_hello();  // a track decrement must reach the peer before its next heartbeat
}

void StatefulSync::tick(std::chrono::steady_clock::time_point now) {
  if (!channel_->up()) return;
  // Both ends send a Hello every HSRP hello time: a peer silent for a hold time is as gone
  // as HSRP would call it. A partition leaves the TCP connection open (no RST) and, once
  // healed, TCP's retransmission backoff would keep it silent for seconds more: drop it
  // and reconnect instead.
  if (now - peer_heard_at_ > liveness_) {
    channel_->drop(fmt::format("peer silent for {} ms (HSRP hold time {} ms)",
                               std::chrono::duration_cast<std::chrono::milliseconds>(now - peer_heard_at_).count(),
                               liveness_.count()));
    return;
  }
  if (now - last_hello_sent_ >= heartbeat_) send_hello();
}

bool StatefulSync::peer_wins(std::chrono::steady_clock::time_point now) const {
  if (!channel_->up() || peer_role_ != SyncRole::kActive) return false;
  if (!peer_priority_ || !peer_address_ || !hsrp_priority_ || !hsrp_address_) return false;
  if (now - peer_heard_at_ > liveness_) return false;  // a silent peer may be dead: HSRP decides
  // RFC 2281 5.1: higher priority wins, then the higher IP address.
  return *peer_priority_ != *hsrp_priority_ ? *peer_priority_ > *hsrp_priority_ : *peer_address_ > *hsrp_address_;
}

void StatefulSync::send_final_reports(const std::vector<std::pair<std::uint32_t, std::uint64_t>>& outbound) {
  ++yields_;
  if (!channel_->up()) {
    pending_finals_ = outbound;  // the channel is down (partition): tell the peer when it returns
    return;
  }
  pending_finals_.clear();
  for (const auto& [spi, seq] : outbound) {
    channel_->send(SeqReport{spi, driver::Direction::kOutbound, seq});
    ++final_sent_;
  }
}

void StatefulSync::set_role(SyncRole role) {
  if (role == role_) return;
  role_ = role;
  if (role_ == SyncRole::kActive && channel_->up() && peer_role_ == SyncRole::kActive) {
    ++role_conflicts_;  // we go Active while the peer says it is: one of us steps down (docs/ha.md)
    spdlog::warn("HA sync: split brain: going Active while the peer says it is Active");
  }
  spdlog::info("HA sync: role {}", role == SyncRole::kActive ? "active" : "standby");
  if (!channel_->up()) return;
  send_hello();
  // A new active (preempt, or takeover while connected) gives the peer a fresh full copy.
  if (role_ == SyncRole::kActive)
    for (const auto& m : publisher_.bulk(++generation_)) channel_->send(m);
}

void StatefulSync::on_up() {
  peer_heard_at_ = std::chrono::steady_clock::now();  // the handshake just came from it
  // Final reports from a step-down while apart go first: the peer, Active, raises above them.
  if (role_ == SyncRole::kStandby)
    for (const auto& [spi, seq] : pending_finals_) {
      channel_->send(SeqReport{spi, driver::Direction::kOutbound, seq});
      ++final_sent_;
    }
  pending_finals_.clear();
  send_hello();
  if (role_ == SyncRole::kActive)
    for (const auto& m : publisher_.bulk(++generation_)) channel_->send(m);
}

void StatefulSync::on_down() {
  peer_role_.reset();
  peer_priority_.reset();
  peer_address_.reset();
  replica_.connection_lost();
}

void StatefulSync::on_message(const SyncMessage& msg) {
  peer_heard_at_ = std::chrono::steady_clock::now();
  if (const auto* hello = std::get_if<SyncHello>(&msg)) {
    bool peer_was_active = peer_role_ == SyncRole::kActive;
    peer_role_ = hello->role;
    peer_priority_ = hello->hsrp_priority;
    peer_said_standby_ = hello->role == SyncRole::kStandby;
    peer_address_ = hello->hsrp_address;
    if (role_ == SyncRole::kActive && hello->role == SyncRole::kActive && !peer_was_active) {
      ++role_conflicts_;
      spdlog::warn("HA sync: split brain: the peer (HSRP priority {}) is Active too; {}",
                   hello->hsrp_priority ? std::to_string(*hello->hsrp_priority) : "unknown",
                   peer_wins(peer_heard_at_) ? "it wins, we step down" : "we win, it steps down");
    }
    // The peer stepped down to standby after we took over (preempt, split brain healing):
    // whatever we sent while it still thought it was active was dropped, so send it all.
    if (role_ == SyncRole::kActive && peer_was_active && hello->role == SyncRole::kStandby) {
      for (const auto& m : publisher_.bulk(++generation_)) channel_->send(m);
      if (stepped_down_handler_) stepped_down_handler_();
    }
    if (hello->version != kSyncProtocolVersion)
      spdlog::warn("HA sync: peer speaks protocol version {}, we speak {}", hello->version, kSyncProtocolVersion);
    return;
  }
  if (role_ == SyncRole::kActive) {
    // The loser's final outbound sequence numbers: our copy of each SA continues above them,
    // so no (SPI, sequence number), i.e. no GCM IV, is used by both routers.
    if (const auto* r = std::get_if<SeqReport>(&msg); r && r->direction == driver::Direction::kOutbound) {
      ++final_received_;
      const std::uint64_t margin = options_.margin;
      const std::uint64_t last = r->seq > UINT64_MAX - margin ? UINT64_MAX : r->seq + margin;
      if (raise_handler_ && raise_handler_(r->spi, last)) {
        ++seq_raises_;
        // The standby's record must carry the new starting point (the lifetime bound of a
        // later partition takeover counts from it).
        if (auto m = publisher_.outbound_raised(r->spi, last)) channel_->send(*m);
      }
      return;
    }
    ++role_conflicts_;  // both think they are active: keep ours, the HSRP election settles it
    return;
  }
  replica_.apply(msg);
}

void StatefulSync::ike_sa_up(const IkeSaRecord& record) {
  auto m = publisher_.ike_sa_up(record);
  if (role_ == SyncRole::kActive) channel_->send(m);
}
void StatefulSync::ike_sa_down(const IkeCookie& cookie_i, const IkeCookie& cookie_r) {
  auto m = publisher_.ike_sa_down(cookie_i, cookie_r);
  if (m && role_ == SyncRole::kActive) channel_->send(*m);
}
void StatefulSync::ipsec_sa_up(const IpsecSaRecord& record) {
  auto m = publisher_.ipsec_sa_up(record);
  if (role_ == SyncRole::kActive) channel_->send(m);
}
void StatefulSync::ipsec_sa_down(std::uint32_t spi, driver::Direction direction) {
  auto m = publisher_.ipsec_sa_down(spi, direction);
  if (m && role_ == SyncRole::kActive) channel_->send(*m);
}
void StatefulSync::sa_progress(std::uint32_t spi, driver::Direction direction, std::uint64_t seq) {
  auto m = publisher_.sa_progress(spi, direction, seq);
  if (m && role_ == SyncRole::kActive) channel_->send(*m);
}

StatefulSync::Takeover StatefulSync::take_over() {
  Takeover t;
  // Coordinated (the peer is heard now, and either stepped down or will yield and report its
  // final numbers) or not (docs/ha.md "Split brain"): then start above its lifetime bound.
  const bool peer_fresh = channel_->up() && std::chrono::steady_clock::now() - peer_heard_at_ <= liveness_;
  t.peer_may_be_sending = !peer_fresh && !peer_said_standby_;
  t.ipsec_records = replica_.takeover_ipsec_records(t.peer_may_be_sending);
  t.unbounded = replica_.unbounded_takeovers();
  if (t.peer_may_be_sending)
    spdlog::warn("HA sync: taking over without word from the old active (dead or partitioned): outbound SAs start "
                 "above the last sequence number its SA lifetime allows{}",
                 t.unbounded ? fmt::format("; {} SAs have no byte or packet lifetime, so a still-running old "
                                           "active could reach their numbers", t.unbounded)
                             : "");
  for (const auto& r : t.ipsec_records) t.ipsec.push_back(r.config);
  t.ike = replica_.takeover_ike();
  t.replica_complete = replica_.counters().bulks_completed > 0 && replica_.counters().bulks_abandoned == 0;
  ++takeovers_;
  // The replicated SAs are ours now: publish them (with their new starting sequence numbers)
  // to whichever router becomes standby.
  for (const auto& ike : t.ike) publisher_.ike_sa_up(ike);
  for (const auto& rec : t.ipsec_records) publisher_.ipsec_sa_up(rec);
  spdlog::info("HA sync: taking over {} IPsec and {} IKE SAs{}", t.ipsec.size(), t.ike.size(),
               t.replica_complete ? "" : " (replica incomplete: the last bulk resync did not finish)");
  set_role(SyncRole::kActive);
  return t;
}

StatefulSyncStatus StatefulSync::status() const {
  StatefulSyncStatus s;
  s.role = role_;
  s.group_name = options_.group_name;
  s.peer_connected = channel_->up();
  s.peer_role = peer_role_;
  s.replica_in_sync = replica_.in_sync();
  bool active = role_ == SyncRole::kActive;
  s.ike_sas = active ? publisher_.ike_sa_count() : replica_.ike_sa_count();
  s.ipsec_sas = active ? publisher_.ipsec_sa_count() : replica_.ipsec_sa_count();
  s.takeovers = takeovers_;
  s.role_conflicts = role_conflicts_;
  s.peer_wins = peer_wins(std::chrono::steady_clock::now());
  s.peer_priority = peer_priority_;
  s.yields = yields_;
  s.final_reports_sent = final_sent_;
  s.final_reports_received = final_received_;
  s.seq_raises = seq_raises_;
  s.channel = channel_->counters();
  s.published = publisher_.counters();
  s.replicated = replica_.counters();
  return s;
}

std::string render_show_redundancy(const StatefulSyncStatus& s) {
  bool active = s.role == SyncRole::kActive;
  std::string out;
  out += fmt::format("Redundancy inter-device state: {}\n", active ? "RF_INTERDEV_STATE_ACT" : "RF_INTERDEV_STATE_STDBY");
  out += "  Scheme: Standby\n";
  out += fmt::format("      Groupname: {} Group State: {}\n", s.group_name, active ? "Active" : "Standby");
  out += fmt::format("  Peer present: {}\n", s.peer_connected ? "RF_INTERDEV_PEER_COMM" : "RF_INTERDEV_PEER_NO_COMM");
  out += "  Security: TLS 1.3\n";
  out += fmt::format("  Sync state: {}\n", active ? (s.peer_connected ? "sending" : "peer unreachable")
                                                  : (s.replica_in_sync ? "in sync" : "not in sync"));
  out += fmt::format("  Channel: {} connects, {} handshake failures, {} disconnects, {} frames out, {} frames in\n",
                     s.channel.connects, s.channel.handshake_failures, s.channel.disconnects, s.channel.frames_out,
                     s.channel.frames_in);
  return out;
}

std::string render_show_crypto_ha(const StatefulSyncStatus& s, std::uint32_t vip) {
  std::string out;
  out += fmt::format("IKE VIP: {}\n", format_ipv4(vip));
  out += fmt::format("IPSec VIP: {}\n", format_ipv4(vip));
  out += fmt::format("  Role: {}, {} IKE SAs, {} IPsec SAs {}\n", s.role == SyncRole::kActive ? "active" : "standby",
                     s.ike_sas, s.ipsec_sas, s.role == SyncRole::kActive ? "published" : "replicated");
  out += fmt::format("  Sent: {} IKE SA records, {} IPsec SA records, {} sequence reports, {} replay reports, "
                     "{} deletes, {} bulk resyncs\n",
                     s.published.ike_records, s.published.ipsec_records, s.published.seq_reports,
                     s.published.replay_reports, s.published.deletes, s.published.bulks);
  out += fmt::format("  Received: {} messages, {} bulk resyncs completed, {} abandoned, {} sequence reports, "
                     "{} stale\n",
                     s.replicated.messages, s.replicated.bulks_completed, s.replicated.bulks_abandoned,
                     s.replicated.seq_reports, s.replicated.stale_reports);
  out += fmt::format("  Split brain: {} role conflicts, {} yields, {} final reports sent, {} received, "
                     "{} outbound SAs raised{}\n",
                     s.role_conflicts, s.yields, s.final_reports_sent, s.final_reports_received, s.seq_raises,
                     s.peer_wins ? " (peer Active and better: takeover held)" : "");
  return out;
}

}  // namespace espgw::ha

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
  channel_->send(SyncHello{kSyncProtocolVersion, role_, options_.node_address, boot_id_});
}

void StatefulSync::set_role(SyncRole role) {
  if (role == role_) return;
  role_ = role;
  spdlog::info("HA sync: role {}", role == SyncRole::kActive ? "active" : "standby");
  if (!channel_->up()) return;
  send_hello();
  // A new active (preempt, or takeover while connected) gives the peer a fresh full copy.
  if (role_ == SyncRole::kActive)
    for (const auto& m : publisher_.bulk(++generation_)) channel_->send(m);
}

void StatefulSync::on_up() {
  send_hello();
  if (role_ == SyncRole::kActive)
    for (const auto& m : publisher_.bulk(++generation_)) channel_->send(m);
}

void StatefulSync::on_down() {
  peer_role_.reset();
  replica_.connection_lost();
}

void StatefulSync::on_message(const SyncMessage& msg) {
  if (const auto* hello = std::get_if<SyncHello>(&msg)) {
    bool peer_was_active = peer_role_ == SyncRole::kActive;
    peer_role_ = hello->role;
    // The peer stepped down to standby after we took over (preempt, split brain healing):
    // whatever we sent while it still thought it was active was dropped, so send it all.
    if (role_ == SyncRole::kActive && peer_was_active && hello->role == SyncRole::kStandby)
      for (const auto& m : publisher_.bulk(++generation_)) channel_->send(m);
    if (hello->version != kSyncProtocolVersion)
      spdlog::warn("HA sync: peer speaks protocol version {}, we speak {}", hello->version, kSyncProtocolVersion);
    return;
  }
  if (role_ == SyncRole::kActive) {
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
  t.ipsec_records = replica_.takeover_ipsec_records();
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
  return out;
}

}  // namespace espgw::ha

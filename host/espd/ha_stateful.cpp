// espd's stateful failover glue (see the header).
#include "host/espd/ha_stateful.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include "host/common/ipv4.hpp"
#include "host/espd/phase1_codec.hpp"

namespace espgw::espd {

std::optional<SecretBytes> read_sync_key_file(const std::string& path, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "--ha-sync-key-file " + path + ": cannot read the file";
    return std::nullopt;
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string hex;
  bool all_hex = !text.empty();
  for (char ch : text) {
    if (std::isspace(static_cast<unsigned char>(ch))) continue;
    if (!std::isxdigit(static_cast<unsigned char>(ch))) {
      all_hex = false;
      break;
    }
    hex.push_back(ch);
  }
  SecretBytes key;
  bool ok = all_hex && hex.size() % 2 == 0 ? SecretBytes::from_hex(hex, &key)
                                           : (key = SecretBytes(std::span<const std::uint8_t>(
                                                  reinterpret_cast<const std::uint8_t*>(text.data()), text.size())),
                                              true);
  if (!text.empty()) OPENSSL_cleanse(text.data(), text.size());
  if (!hex.empty()) OPENSSL_cleanse(hex.data(), hex.size());
  if (!ok || key.size() < 16) {
    *error = fmt::format("--ha-sync-key-file {}: the key must be at least 16 bytes (raw, or 32+ hex digits)", path);
    return std::nullopt;
  }
  return key;
}

HaStateful::HaStateful(boost::asio::io_context& io, Gateway& gateway, driver::EspDevice& device, IkeAdapter& ike,
                       ha::StatefulSyncOptions options, std::uint32_t vip)
    : gateway_(gateway), device_(device), ike_(ike), sync_(io, std::move(options)), vip_(vip), poll_timer_(io) {
  gateway_.set_pair_observer([this](const Gateway::PairEvent& e) { on_pair(e); });
  ike_.set_phase1_observer(
      [this](const ike::Phase1Snapshot& s, ike::Phase1Event e) { on_phase1(s, e); });
  sync_.set_raise_handler(
      [this](std::uint32_t spi, std::uint64_t last_used) { return gateway_.raise_outbound_seq(spi, last_used); });
}

void HaStateful::attach_hsrp(HaRuntime* hsrp, std::string group_name) {
  hsrp_ = hsrp;
  group_name_ = std::move(group_name);
  sync_.set_peer_stepped_down_handler([this] {
    if (hsrp_) hsrp_->announce(group_name_);
  });
}

// Runs every poll, before the sequence numbers are read. Setting a hold may run the role
// handler at once (a held Active steps down; a released preempt takes over).
void HaStateful::apply_holds() {
  if (!hsrp_) return;
  const auto st = hsrp_->status(group_name_);
  if (!st) return;
  sync_.set_hsrp(st->priority, st->config.local_address, st->hello_time, st->hold_time);
  const auto now = std::chrono::steady_clock::now();
  sync_.tick(now);
  const bool active_held = sync_.peer_wins(now);
  // IOS SSO: a returning router does not preempt before the bulk sync gave it the SAs.
  const bool preempt_held = !sync_.replica().in_sync();
  hsrp_->set_holds(group_name_, active_held, preempt_held);
}

HaStateful::~HaStateful() {
  gateway_.set_pair_observer(nullptr);
  ike_.set_phase1_observer(nullptr);
  stop();
}

// Runs inside IKE's manager: only reads the snapshot and hands bytes to the channel.
void HaStateful::on_phase1(const ike::Phase1Snapshot& s, ike::Phase1Event event) {
  if (event == ike::Phase1Event::kDeleted) {
    sync_.ike_sa_down(s.cky_i, s.cky_r);
    return;
  }
  ha::IkeSaRecord r;
  r.cookie_i = s.cky_i;
  r.cookie_r = s.cky_r;
  r.local_address = s.local.addr;
  r.peer_address = s.peer.addr;
  r.local_port = s.local.port;
  r.peer_port = s.peer.port;
  r.initiator = s.role == ike::Role::kInitiator;
  r.nat_t = s.natt.floated;
  r.encryption = 7;  // AES-CBC (RFC 2409 App. A), the only phase-1 cipher espgw speaks
  r.key_bits = s.proposal.key_bits;
  r.hash = static_cast<std::uint16_t>(s.proposal.hash);
  r.dh_group = static_cast<std::uint16_t>(s.proposal.group);
  r.auth_method = static_cast<std::uint16_t>(s.auth);
  r.skeyid_d = s.skeyid_d;
  r.skeyid_a = s.skeyid_a;
  r.skeyid_e = s.skeyid_e;
  r.iv = s.p1_iv;
  r.message_ids = s.message_ids;
  r.dpd_seq_out = s.dpd_seq;
  const auto left = std::chrono::duration_cast<std::chrono::seconds>(s.expires_at - std::chrono::system_clock::now());
  r.lifetime_remaining_s = static_cast<std::uint32_t>(std::max<std::int64_t>(0, left.count()));
  r.ike_state = encode_phase1(s);
  sync_.ike_sa_up(r);
}

void HaStateful::start() {
  if (running_) return;
  running_ = true;
  sync_.start();
  arm_poll();
}

void HaStateful::stop() {
  if (!running_) return;
  running_ = false;
  poll_timer_.cancel();
  sync_.stop();
}

void HaStateful::on_pair(const Gateway::PairEvent& e) {
  if (e.up) {
    for (const auto* c : {e.inbound, e.outbound}) {
      ha::IpsecSaRecord r;
      r.config = *c;
      r.seq = c->initial_seq;
      r.lifetime_remaining_s = static_cast<std::uint32_t>(e.lifetime_remaining.count());
      r.crypto_map = e.map_tag;
      r.crypto_map_seq = static_cast<std::uint32_t>(e.map_seq);
      sync_.ipsec_sa_up(r);
    }
  } else {
    sync_.ipsec_sa_down(e.inbound->spi, driver::Direction::kInbound);
    sync_.ipsec_sa_down(e.outbound->spi, driver::Direction::kOutbound);
  }
}

void HaStateful::arm_poll() {
  poll_timer_.expires_after(kSeqPoll);
  poll_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || !running_) return;
    poll();
    arm_poll();
  });
}

void HaStateful::poll() {
  apply_holds();
  if (sync_.role() != ha::SyncRole::kActive) return;
  gateway_.for_each_sa([this](const driver::SaConfig& c, driver::SaHandle h) {
    if (auto s = device_.read_sa(h)) sync_.sa_progress(c.spi, c.direction, s->seq);
  });
}

void HaStateful::become_active() {
  auto plan = sync_.take_over();
  // Pair each replicated outbound SA with the inbound SA of the same tunnel and mirrored
  // selectors (the gateway keeps SAs as pairs, one per ACL line).
  std::vector<bool> used(plan.ipsec_records.size(), false);
  std::size_t adopted = 0, failed = 0;
  for (std::size_t o = 0; o < plan.ipsec_records.size(); ++o) {
    const auto& out = plan.ipsec_records[o];
    if (out.config.direction != driver::Direction::kOutbound) continue;
    std::optional<std::size_t> match;
    for (std::size_t i = 0; i < plan.ipsec_records.size() && !match; ++i) {
      const auto& in = plan.ipsec_records[i].config;
      if (used[i] || in.direction != driver::Direction::kInbound) continue;
      if (in.tunnel_src == out.config.tunnel_dst && in.selector.src_addr == out.config.selector.dst_addr &&
          in.selector.src_mask == out.config.selector.dst_mask && in.selector.dst_addr == out.config.selector.src_addr &&
          in.selector.dst_mask == out.config.selector.src_mask)
        match = i;
    }
    if (!match) {
      ++failed;
      spdlog::warn("HA takeover: outbound SA 0x{:08X} has no inbound twin in the replica; not installed",
                   out.config.spi);
      continue;
    }
    used[*match] = true;
    used[o] = true;
    const auto& in = plan.ipsec_records[*match];
    auto lifetime = std::chrono::seconds(std::min(in.lifetime_remaining_s, out.lifetime_remaining_s));
    if (auto err = gateway_.adopt_pair(out.crypto_map, static_cast<int>(out.crypto_map_seq), in.config, out.config,
                                       lifetime);
        !err.empty()) {
      ++failed;
      spdlog::error("HA takeover: SA pair 0x{:08X}/0x{:08X}: {}", in.config.spi, out.config.spi, err);
      continue;
    }
    ++adopted;
    spdlog::info("HA takeover: SA pair in 0x{:08X} (replay top {}) / out 0x{:08X} (continues at {}) installed",
                 in.config.spi, in.config.initial_seq, out.config.spi, out.config.initial_seq);
  }
  spdlog::info("HA takeover on {}: {} IPsec SA pairs installed from the replica, {} refused{}", format_ipv4(vip_),
               adopted, failed, plan.replica_complete ? "" : " (the replica was incomplete)");
  // Then IKE: the ISAKMP SAs whose children are now in the gateway.
  std::size_t ike_adopted = 0, ike_refused = 0;
  for (const auto& rec : plan.ike) {
    if (rec.ike_state.empty()) {
      ++ike_refused;
      continue;
    }
    std::string err;
    auto snapshot = decode_phase1(rec.ike_state.view(), &err);
    if (!snapshot) {
      ++ike_refused;
      spdlog::error("HA takeover: ISAKMP SA with {}: {}", format_ipv4(rec.peer_address), err);
      continue;
    }
    if (ike_.adopt_phase1(*snapshot)) ++ike_adopted;
    else ++ike_refused;
  }
  spdlog::info("HA takeover on {}: {} ISAKMP SAs adopted, {} refused (a refused one renegotiates on the next packet "
               "or the peer's DPD)",
               format_ipv4(vip_), ike_adopted, ike_refused);
}

void HaStateful::become_standby() {
  if (sync_.role() == ha::SyncRole::kActive) {
    // Stepping down (split brain lost, preempted, resigning): tell the new active where each
    // outbound SA stopped, before IKE's quiet reset removes them, so it continues above
    // (plus margin: the forwarder may send a few more until the SAs are gone).
    std::vector<std::pair<std::uint32_t, std::uint64_t>> finals;
    gateway_.for_each_sa([&](const driver::SaConfig& c, driver::SaHandle h) {
      if (c.direction != driver::Direction::kOutbound) return;
      if (auto s = device_.read_sa(h)) finals.emplace_back(c.spi, s->seq);
    });
    sync_.send_final_reports(finals);
    if (!finals.empty())
      spdlog::info("HA: leaving Active; final sequence numbers of {} outbound SAs sent to the peer", finals.size());
  }
  sync_.set_role(ha::SyncRole::kStandby);
}

}  // namespace espgw::espd

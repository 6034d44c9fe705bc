// IkeSaManager's HA side (issue 7): established ISAKMP SAs exported as Phase1Snapshot and
// adopted by a standby, so it can run Quick Mode, DPD (RFC 3706) and DELETE on an SA it did
// not negotiate. An adopted SA derives its phase-2 IVs from the replicated last phase-1 CBC
// block (RFC 2409 Appendix B) and refuses the message IDs already used.
#include "host/ike/ike_sa_manager.hpp"

#include "host/common/ipv4.hpp"

namespace espgw::ike {

namespace {

// Scheduler (steady) time to wall-clock time and back, through "now" on both clocks.
std::chrono::system_clock::time_point to_wall(Scheduler::TimePoint t, Scheduler::TimePoint now) {
  return std::chrono::system_clock::now() +
         std::chrono::duration_cast<std::chrono::system_clock::duration>(t - now);
}
std::chrono::milliseconds until(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t - std::chrono::system_clock::now());
}

}  // namespace

Phase1Snapshot IkeSaManager::snapshot_of(const Entry& e, bool with_keys) const {
  const IkeSa& sa = *e.sa;
  Phase1Snapshot s{.local = sa.local,
                   .peer = sa.peer,
                   .cky_i = sa.cky_i,
                   .cky_r = sa.cky_r,
                   .role = sa.role,
                   .state = sa.state,
                   .conn_id = sa.conn_id,
                   .proposal = sa.proposal.value_or(Phase1Proposal{})};
  s.taken_at = std::chrono::system_clock::now();
  if (!with_keys || !sa.keys) return s;
  s.skeyid_d = sa.keys->skeyid_d;
  s.skeyid_a = sa.keys->skeyid_a;
  s.skeyid_e = sa.keys->skeyid_e;
  s.enc_key = sa.keys->enc_key;
  s.p1_iv = sa.p1_iv;
  s.message_ids.assign(e.used_message_ids.begin(), e.used_message_ids.end());
  s.dpd_seq = sa.dpd_seq;
  s.peer_supports_dpd = sa.peer_supports_dpd;
  s.natt = sa.natt;
  const Scheduler::TimePoint now = scheduler_.now();
  s.expires_at = to_wall(e.expires, now);
  for (const ChildSa& c : e.children) {
    auto it = child_expiry_.find(c.inbound_spi);
    auto expiry = to_wall(it != child_expiry_.end() ? it->second : now + c.proposal.lifetime, now);
    s.children.push_back(
        ChildSnapshot{c.inbound_spi, c.outbound_spi, c.map_name, c.map_seq, c.proposal, c.initiator, expiry});
  }
  return s;
}

std::vector<Phase1Snapshot> IkeSaManager::snapshot_phase1() const {
  std::vector<Phase1Snapshot> out;
  for (const auto& [id, e] : sas_)
    if (e.sa->established) out.push_back(snapshot_of(e, true));
  return out;
}

void IkeSaManager::notify_observer(const Entry& e, Phase1Event event) const {
  if (observer_) observer_(snapshot_of(e, event != Phase1Event::kDeleted), event);
}

bool IkeSaManager::adopt_phase1(const Phase1Snapshot& s) {
  const std::string peer = format_ipv4(s.peer.addr);
  auto refuse = [&](const char* why) {
    spdlog::warn("ISAKMP: cannot adopt the ISAKMP SA with {}: {}", peer, why);
    return false;
  };
  const std::size_t key_bytes = s.proposal.key_bits / 8u;
  if (s.state != P1State::kP1Complete || s.enc_key.size() != key_bytes || s.skeyid_d.empty() ||
      s.skeyid_a.empty() || s.p1_iv.size() != kAesBlockSize)
    return refuse("incomplete snapshot");
  const auto left = until(s.expires_at);
  if (left <= std::chrono::milliseconds(0)) return refuse("its lifetime is over");
  if (find(s.cky_i, s.peer.addr) != nullptr) return refuse("an SA with these cookies exists already");
  // Children must map onto this configuration's crypto-map entries (name + seq).
  std::vector<const CryptoMapInput*> maps;
  for (const ChildSnapshot& c : s.children) {
    const CryptoMapInput* m = nullptr;
    for (const CryptoMapInput& cm : config_.crypto_maps)
      if (cm.map_name == c.map_name && cm.seq == c.map_seq && cm.peer == s.peer.addr) m = &cm;
    if (m == nullptr) return refuse("an IPsec SA names a crypto map entry this configuration lacks");
    if (inbound_spis_.count(c.inbound_spi) != 0) return refuse("an inbound SPI is in use here already");
    maps.push_back(m);
  }
  auto prf = Prf::create(s.proposal.hash);
  auto cipher = IkeCipher::create(s.enc_key);
  if (!prf || !cipher) return refuse("unsupported hash or key size");

  Entry& e = create(s.role, s.local, s.peer);
  IkeSa& sa = *e.sa;
  sa.conn_id = s.conn_id != 0 ? s.conn_id : sa.conn_id;  // the conn-id `show` printed on the active
  sa.cky_i = s.cky_i;
  sa.cky_r = s.cky_r;
  sa.proposal = s.proposal;
  sa.prf = std::move(prf);
  // SKEYID itself only authenticates phase 1, which is over: it is not replicated.
  sa.keys = Phase1Keys{SecretBytes{}, s.skeyid_d, s.skeyid_a, s.skeyid_e, s.enc_key, s.p1_iv};
  sa.cipher = std::move(cipher);
  sa.p1_iv = s.p1_iv;
  sa.natt = s.natt;
  sa.peer_supports_dpd = s.peer_supports_dpd;
  sa.dpd_seq = s.dpd_seq;
  sa.state = P1State::kP1Complete;
  sa.established = true;
  if (const PreSharedKeyInput* key = config_.find_key(s.peer.addr)) sa.psk = key->key;
  e.phase1.type = ExchangeType::kIdentityProtection;
  e.phase1.done = true;
  e.used_message_ids.insert(s.message_ids.begin(), s.message_ids.end());

  // Timers as on_phase1_complete arms them, counted from what is left of the lifetime.
  timers_.on_phase1_established(e.id, s.proposal.lifetime, s.role == Role::kInitiator, left);
  e.expires = scheduler_.now() + left;
  if (config_.keepalive && sa.peer_supports_dpd) timers_.on_dpd_wait(e.id, config_.keepalive->interval);
  if (sa.local.port == kNattPort && config_.nat_keepalive.count() > 0)
    timers_.on_natt_floated(e.id, config_.nat_keepalive);
  for (std::size_t i = 0; i < s.children.size(); ++i) {
    const ChildSnapshot& c = s.children[i];
    inbound_spis_.insert(c.inbound_spi);
    e.children.push_back(ChildSa{c.inbound_spi, c.outbound_spi, c.map_name, c.map_seq, c.proposal, maps[i], c.initiator});
    auto child_left = std::max(until(c.expires_at), std::chrono::milliseconds(1));
    timers_.on_child_installed(e.id, c.inbound_spi, c.proposal.lifetime, c.initiator, child_left);
    child_expiry_[c.inbound_spi] = scheduler_.now() + child_left;
  }
  spdlog::info("ISAKMP:({}): adopted the ISAKMP SA with {} ({} IPsec SA pair(s), {} s left)", sa.log_id(), peer,
               s.children.size(), std::chrono::duration_cast<std::chrono::seconds>(left).count());
  notify_observer(e, Phase1Event::kEstablished);
  return true;
}

}  // namespace espgw::ike

// IkeSaManager's phase-1 lifecycle (RFC 2409 section 5, RFC 3706, RFC 3948 section 2.3):
// starting Main/Aggressive Mode, completion, INITIAL-CONTACT, deletion, DPD probes and
// NAT keepalives.
#include "host/ike/ike_sa_manager.hpp"

#include "host/common/ipv4.hpp"
#include "host/ike/aggressive_mode.hpp"
#include "host/ike/ike_random.hpp"
#include "host/ike/informational.hpp"
#include "host/ike/main_mode.hpp"
#include "host/ike/natt.hpp"
#include "host/ike/vendor_id.hpp"

namespace espgw::ike {

bool IkeSaManager::initiate(std::size_t map_index) {
  if (map_index >= config_.crypto_maps.size()) return false;
  const std::uint32_t peer = config_.crypto_maps[map_index].peer;
  // Quick Mode rides on the newest ISAKMP SA (an older one is about to be replaced).
  if (Entry* e = newest_established(peer)) {
    start_quick_mode(*e, map_index);
    return true;
  }
  for (auto& [id, e] : sas_)
    if (e.sa->peer.addr == peer && e.sa->role == Role::kInitiator) {
      if (std::find(e.pending_maps.begin(), e.pending_maps.end(), map_index) == e.pending_maps.end())
        e.pending_maps.push_back(map_index);
      return true;
    }
  const PreSharedKeyInput* key = config_.find_key(peer);
  if (key == nullptr) {
    spdlog::info("ISAKMP: No pre-shared key with {}!", format_ipv4(peer));
    return false;
  }
  // No other SA with this peer exists (checked above): tell it to drop any it still has.
  Entry* e = start_phase1(Endpoint{config_.local_address, kIkePort}, peer, *key, true);
  if (e == nullptr) return false;
  e->pending_maps.push_back(map_index);
  return true;
}

IkeSaManager::Entry* IkeSaManager::start_phase1(Endpoint local, std::uint32_t peer, const PreSharedKeyInput& key,
                                                bool initial_contact) {
  Entry& e = create(Role::kInitiator, local, Endpoint{peer, kIkePort});
  e.sa->psk = key.key;
  e.sa->cky_i = random_cookie();
  e.sa->send_initial_contact = initial_contact;
  if (config_.initiate_aggressive) {
    e.phase1.type = ExchangeType::kAggressive;
    e.phase1.tasks.push_back(std::make_unique<AggressiveMode>(*e.sa, Role::kInitiator));
  } else {
    e.phase1.tasks.push_back(std::make_unique<MainMode>(*e.sa, Role::kInitiator));
  }
  e.phase1.tasks.push_back(std::make_unique<VendorIdTask>(*e.sa, Role::kInitiator));
  e.phase1.tasks.push_back(std::make_unique<NattTask>(*e.sa, Role::kInitiator, config_.initiate_aggressive));
  Message out;
  if (run_build(e.phase1, out) == TaskStatus::kFailed) {
    delete_sa(e.id, "could not build the first phase-1 message", false);
    return nullptr;
  }
  send_exchange(e, e.phase1, out, true);
  return &e;
}

void IkeSaManager::on_phase1_complete(Entry& e) {
  IkeSa& sa = *e.sa;
  ++counters_.phase1_established;
  e.phase1.done = true;
  e.phase1.tasks.clear();
  timers_.on_phase1_established(e.id, sa.proposal->lifetime, sa.role == Role::kInitiator);
  e.expires = scheduler_.now() + sa.proposal->lifetime;
  spdlog::info("ISAKMP:({}): SA has been authenticated with {}", sa.log_id(), format_ipv4(sa.peer.addr));
  if (sa.received_initial_contact) process_initial_contact(e);
  if (config_.keepalive && sa.peer_supports_dpd) {
    sa.debug("IKE_DPD is enabled, initializing timers");
    timers_.on_dpd_wait(e.id, config_.keepalive->interval);
  }
  // NAT keepalives while the SA lives on UDP 4500 (NAT detected or encapsulation forced).
  // Simpler than IOS, which sends them only when we are the side behind the NAT.
  if (sa.local.port == kNattPort && config_.nat_keepalive.count() > 0) {
    sa.debug(" NAT-T in use, sending NAT keepalives every {} s", config_.nat_keepalive.count());
    timers_.on_natt_floated(e.id, config_.nat_keepalive);
  }
  // A re-established phase 1: the IPsec SAs of the older ISAKMP SAs with this peer move to
  // the new one (they keep their SPIs, keys and lifetimes). The side that started the new
  // SA deletes the old ones with a DELETE; the other side waits for that DELETE (or the old
  // lifetime), so both ends do not send crossing DELETEs.
  std::vector<SaId> older;
  for (auto& [id, other] : sas_)
    if (id != e.id && other.sa->established && other.sa->peer.addr == sa.peer.addr) older.push_back(id);
  for (SaId id : older) {
    move_children(sas_.at(id), e);
    sas_.at(id).retiring = sa.role == Role::kInitiator;
  }
  if (sa.role == Role::kInitiator && !older.empty() && config_.rekey_ipsec_on_phase1_rekey) {
    std::vector<std::uint32_t> moved;
    for (const ChildSa& c : e.children) moved.push_back(c.inbound_spi);
    for (std::uint32_t spi : moved) rekey_child(e.id, spi);
  }
  notify_observer(e, Phase1Event::kEstablished);
  retire_replaced(e);
  std::vector<std::size_t> pending = std::move(e.pending_maps);
  e.pending_maps.clear();
  for (std::size_t idx : pending) start_quick_mode(e, idx);
}

void IkeSaManager::rekey_phase1(SaId id) {
  Entry* e = find(id);
  if (e == nullptr || !e->sa->established) return;
  const std::uint32_t peer = e->sa->peer.addr;
  // Already replaced, or a replacement is under way (ours or the peer's).
  for (const auto& [other_id, other] : sas_)
    if (other_id > id && other.sa->peer.addr == peer) return;
  const PreSharedKeyInput* key = config_.find_key(peer);
  if (key == nullptr) return;  // the key went away with a new config: let it expire
  spdlog::info("ISAKMP:({}): phase 1 with {} is near the end of its lifetime, re-establishing", e->sa->log_id(),
               format_ipv4(peer));
  start_phase1(Endpoint{e->sa->local.addr, kIkePort}, peer, *key, false);
}

void IkeSaManager::retire_replaced(Entry& newest) {
  for (const auto& [mid, x] : newest.quick)
    if (!x.done && x.rekey_of) return;  // rekeys of moved pairs still under way
  std::vector<SaId> retiring;
  for (const auto& [id, other] : sas_)
    if (other.retiring && other.sa->peer.addr == newest.sa->peer.addr) retiring.push_back(id);
  for (SaId id : retiring) {
    sas_.at(id).retiring = false;  // once
    timers_.on_phase1_replaced(id, kPhase1ReplacedGrace);
  }
}

void IkeSaManager::move_children(Entry& from, Entry& to) {
  for (ChildSa& c : from.children) {
    to.sa->debug(" IPsec SA with spi 0x{:08X} now under ISAKMP SA {}", c.inbound_spi, to.sa->conn_id);
    timers_.on_child_moved(c.inbound_spi, to.id);
    to.children.push_back(std::move(c));
  }
  from.children.clear();
}

void IkeSaManager::process_initial_contact(Entry& e) {
  const IkeSa& sa = *e.sa;
  sa.debug(" Process initial contact,\nbring down existing phase 1 and 2 SA's with local {} remote {} remote port {}",
           format_ipv4(sa.local.addr), format_ipv4(sa.peer.addr), sa.peer.port);
  std::vector<SaId> old;
  for (const auto& [id, other] : sas_)
    if (id != e.id && other.sa->peer.addr == sa.peer.addr) old.push_back(id);
  for (SaId id : old) delete_sa(id, "initial contact from peer", false);
}

void IkeSaManager::delete_sa(SaId id, const char* why, bool notify_peer, Children children) {
  Entry* e = find(id);
  if (e == nullptr) return;
  IkeSa& sa = *e->sa;
  spdlog::debug("ISAKMP:({}):deleting SA reason \"{}\" state ({}) {} (peer {})", sa.log_id(), why,
                sa.role == Role::kInitiator ? "I" : "R", p1_show_state(sa.state), format_ipv4(sa.peer.addr));
  if (children == Children::kMoveToNewest)
    if (Entry* newest = newest_established(sa.peer.addr, id)) move_children(*e, *newest);
  while (!e->children.empty()) remove_child(*e, e->children.size() - 1, notify_peer);
  if (notify_peer && sa.established) send_informational(*e, {delete_isakmp(sa)});
  timers_.on_sa_deleted(id);
  if (sa.established) notify_observer(*e, Phase1Event::kDeleted);
  sa.set_state(P1State::kDestSa);
  sas_.erase(id);
}

void IkeSaManager::on_esp_seen(std::uint32_t peer) {
  for (auto& [id, e] : sas_)
    if (e.sa->peer.addr == peer) e.last_peer_activity = scheduler_.now();
}

void IkeSaManager::dpd_due(SaId id) {
  Entry* e = find(id);
  if (e == nullptr || !e->sa->established || !config_.keepalive) return;
  const KeepaliveInput& ka = *config_.keepalive;
  if (e->dpd.outstanding) {
    if (++e->dpd.retries > kDpdRetries) {
      ++counters_.dpd_dead;
      spdlog::info("ISAKMP:({}): peer {} did not answer DPD, deleting its SAs", e->sa->log_id(),
                   format_ipv4(e->sa->peer.addr));
      delete_sa(id, "DPD: peer not responding", false);
      return;
    }
  } else if (!ka.periodic) {
    // On-demand: probe only after `interval` of silence from the peer.
    auto idle = scheduler_.now() - e->last_peer_activity;
    if (idle < ka.interval) {
      timers_.on_dpd_wait(id, std::chrono::duration_cast<std::chrono::seconds>(ka.interval - idle) + std::chrono::seconds(1));
      return;
    }
  }
  std::uint32_t seq = ++e->sa->dpd_seq;
  e->dpd.outstanding = seq;
  e->sa->debug(" sending DPD R_U_THERE to {} seq 0x{:X}", format_ipv4(e->sa->peer.addr), seq);
  send_informational(*e, {dpd_notify(*e->sa, NotifyType::kDpdRUThere, seq)});
  timers_.on_dpd_wait(id, ka.retry);
}

void IkeSaManager::send_natt_keepalive(SaId id) {
  Entry* e = find(id);
  if (e == nullptr || e->sa->local.port != kNattPort) return;
  ++counters_.natt_keepalives_sent;
  Datagram d{e->sa->local, e->sa->peer, Bytes{0xFF}};
  d.natt_keepalive = true;
  cb_.send(d);
}

}  // namespace espgw::ike

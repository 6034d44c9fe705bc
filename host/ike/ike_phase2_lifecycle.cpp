// IkeSaManager's phase-2 lifecycle (RFC 2409 section 5.5): Quick Mode in both roles, the
// IPsec SA pairs it leaves (children), make-before-break rekeys, removal with DELETE.
#include "host/ike/ike_sa_manager.hpp"

#include "host/common/ipv4.hpp"
#include "host/ike/informational.hpp"

namespace espgw::ike {

void IkeSaManager::handle_quick(Entry& e, const Datagram& d, Message& msg) {
  IkeSa& sa = *e.sa;
  const std::uint32_t mid = msg.header.message_id;
  if (!sa.established || mid == 0) {
    ++counters_.malformed;
    return;
  }
  auto it = e.quick.find(mid);
  const bool fresh = it == e.quick.end();
  if (fresh && e.used_message_ids.count(mid) != 0) {
    ++counters_.invalid_message_id;
    sa.debug(" Quick Mode with a message ID already used ({}), dropped", mid);
    return;
  }
  if (!fresh && it->second.done) return;
  // The Quick Mode role, not the ISAKMP one: either peer may start a Quick Mode.
  MessageKind kind = fresh                                  ? MessageKind::kQuickMode1
                     : it->second.quick->role_is_initiator() ? MessageKind::kQuickMode2
                                                             : MessageKind::kQuickMode3;
  Bytes iv = sa.iv_for(mid);
  bool ok = decrypt(e, msg, iv);
  auto violation = ok ? check_message(msg, kind) : std::optional<RuleViolation>{};
  if (!ok || violation) {
    ++counters_.malformed;
    sa.debug(" {} dropped: {}", message_rule(kind).name, violation ? violation->reason : "does not decrypt");
    if (fresh) sa.forget_iv(mid);
    return;
  }
  sa.iv_for(mid) = iv;
  e.last_peer_activity = scheduler_.now();
  if (fresh) {
    spdlog::debug("ISAKMP: set new node {} to QM_IDLE", mid);
    e.used_message_ids.insert(mid);
    notify_observer(e, Phase1Event::kStateChanged);
    Exchange& x = e.quick[mid];
    x.type = ExchangeType::kQuickMode;
    x.message_id = mid;
    auto qm = std::make_unique<QuickMode>(sa, Role::kResponder, mid, nullptr,
                                          QuickModeHooks{[this] { return allocate_spi(); }, cb_.install_sa});
    x.quick = qm.get();
    x.tasks.push_back(std::move(qm));
    it = e.quick.find(mid);
  }
  Exchange& x = it->second;
  x.last_received = d.data;
  x.answered = false;
  timers_.on_response_received(e.id, mid);
  TaskStatus status = run_process(x, msg);
  if (status == TaskStatus::kFailed) return fail_exchange(e, x, "quick mode");
  if (status == TaskStatus::kNeedMore) {
    Message out;
    status = run_build(x, out);
    if (status == TaskStatus::kFailed) return fail_exchange(e, x, "quick mode");
    // Responder's QM2 waits for QM3; the initiator's QM3 ends the exchange.
    send_exchange(e, x, out, !x.quick->role_is_initiator());
    if (x.quick->role_is_initiator()) status = TaskStatus::kDone;
  }
  if (status == TaskStatus::kDone) {
    x.done = true;
    if (x.quick->child()) on_child_installed(e, *x.quick->child());
    // Make-before-break: the new pair is in place, so the old one goes (with a DELETE).
    if (x.rekey_of)
      for (std::size_t i = 0; i < e.children.size(); ++i)
        if (e.children[i].inbound_spi == *x.rekey_of) {
          sa.debug(" rekey complete, deleting the old SA with spi 0x{:08X}", *x.rekey_of);
          remove_child(e, i, true);
          break;
        }
    if (x.rekey_of) retire_replaced(e);
  }
}

void IkeSaManager::start_quick_mode(Entry& e, std::size_t map_index, std::optional<std::uint32_t> rekey_of) {
  std::uint32_t mid = new_message_id(e);
  Exchange& x = e.quick[mid];
  x.type = ExchangeType::kQuickMode;
  x.message_id = mid;
  x.rekey_of = rekey_of;
  auto qm = std::make_unique<QuickMode>(*e.sa, Role::kInitiator, mid, &config_.crypto_maps[map_index],
                                        QuickModeHooks{[this] { return allocate_spi(); }, cb_.install_sa});
  x.quick = qm.get();
  x.tasks.push_back(std::move(qm));
  Message out;
  if (run_build(x, out) == TaskStatus::kFailed) {
    e.quick.erase(mid);
    return;
  }
  send_exchange(e, x, out, true);
}

void IkeSaManager::on_child_installed(Entry& e, const ChildSa& child) {
  ++counters_.phase2_established;
  e.children.push_back(child);
  timers_.on_child_installed(e.id, child.inbound_spi, child.proposal.lifetime, child.initiator);
  child_expiry_[child.inbound_spi] = scheduler_.now() + child.proposal.lifetime;
  notify_observer(e, Phase1Event::kStateChanged);
}

void IkeSaManager::rekey_child(SaId id, std::uint32_t inbound_spi) {
  Entry* e = find(id);
  if (e == nullptr || !e->sa->established) return;
  for (const ChildSa& c : e->children) {
    if (c.inbound_spi != inbound_spi || c.map == nullptr) continue;
    for (const auto& [mid, x] : e->quick)
      if (!x.done && x.rekey_of == inbound_spi) return;  // already under way
    e->sa->debug(" soft lifetime of SA with spi 0x{:08X} reached, rekeying", inbound_spi);
    start_quick_mode(*e, static_cast<std::size_t>(c.map - config_.crypto_maps.data()), inbound_spi);
    return;
  }
}

void IkeSaManager::on_soft_lifetime(std::uint32_t spi) {
  for (auto& [id, e] : sas_)
    for (const ChildSa& c : e.children)
      if (c.inbound_spi == spi || c.outbound_spi == spi) return rekey_child(id, c.inbound_spi);
}

void IkeSaManager::remove_child(Entry& e, std::size_t index, bool notify_peer) {
  ChildSa child = e.children[index];
  e.children.erase(e.children.begin() + static_cast<std::ptrdiff_t>(index));
  timers_.on_child_removed(child.inbound_spi);
  inbound_spis_.erase(child.inbound_spi);
  child_expiry_.erase(child.inbound_spi);
  cb_.remove_sa(child.inbound_spi, driver::Direction::kInbound);
  cb_.remove_sa(child.outbound_spi, driver::Direction::kOutbound);
  if (notify_peer && e.sa->established) send_informational(e, {delete_esp(child.inbound_spi)});
  if (e.sa->established) notify_observer(e, Phase1Event::kStateChanged);
}

std::size_t IkeSaManager::clear_ipsec(std::optional<std::uint32_t> peer) {
  std::size_t cleared = 0;
  for (auto& [id, e] : sas_) {
    if (peer && e.sa->peer.addr != *peer) continue;
    // Quick Modes under way would install SAs the operator just cleared.
    for (auto& [mid, x] : e.quick) {
      timers_.on_response_received(id, mid);
      e.sa->forget_iv(mid);
    }
    e.quick.clear();
    cleared += e.children.size();
    while (!e.children.empty()) remove_child(e, e.children.size() - 1, true);
  }
  spdlog::info("clear crypto sa: {} IPsec SA pair(s) deleted, ISAKMP SAs kept", cleared);
  return cleared;
}

}  // namespace espgw::ike

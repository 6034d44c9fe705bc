// IKE SA manager core: construction (timer hooks), look-ups, the show/export views, SPI and
// message-ID allocation (RFC 2408 section 3.1). The exchanges are split by concern:
// ike_dispatch.cpp (receive/send), ike_phase1_lifecycle.cpp, ike_phase2_lifecycle.cpp,
// ike_ha_snapshot.cpp. Every deadline goes through IkeTimers.
#include "host/ike/ike_sa_manager.hpp"

#include "host/common/hex.hpp"
#include "host/ike/ike_random.hpp"
#include "host/ike/informational.hpp"

namespace espgw::ike {

IkeSaManager::IkeSaManager(IkeConfig config, Scheduler& scheduler, IkeCallbacks callbacks)
    : config_(std::move(config)),
      scheduler_(scheduler),
      cb_(std::move(callbacks)),
      timers_(scheduler, IkeTimerHooks{
                             [this](SaId id, std::uint32_t mid) {
                               Entry* e = find(id);
                               if (e == nullptr) return;
                               Exchange* x = mid == 0 ? &e->phase1 : nullptr;
                               if (auto it = e->quick.find(mid); it != e->quick.end()) x = &it->second;
                               if (x == nullptr || x->last_sent.empty()) return;
                               ++counters_.retransmits_sent;
                               e->sa->debug(" retransmitting phase {} {}...", mid == 0 ? 1 : 2, mid);
                               cb_.send(Datagram{e->sa->local, x->sent_to, x->last_sent});
                             },
                             [this](SaId id, std::uint32_t mid) {
                               Entry* e = find(id);
                               if (e == nullptr) return;
                               if (mid == 0) {
                                 delete_sa(id, "Death by retransmission P1", false);
                               } else {
                                 e->sa->debug("deleting node {} error TRUE reason \"Death by retransmission P2\"", mid);
                                 auto it = e->quick.find(mid);
                                 const bool rekey = it != e->quick.end() && it->second.rekey_of.has_value();
                                 e->quick.erase(mid);
                                 if (rekey) retire_replaced(*e);
                               }
                             },
                             [this](SaId id, const char* why) { delete_sa(id, why, true, Children::kMoveToNewest); },
                             [this](SaId id) { dpd_due(id); },
                             [this](SaId id, std::uint32_t spi) {
                               Entry* e = find(id);
                               if (e == nullptr) return;
                               for (std::size_t i = 0; i < e->children.size(); ++i)
                                 if (e->children[i].inbound_spi == spi) {
                                   remove_child(*e, i, true);
                                   break;
                                 }
                             },
                             [this](SaId id, std::uint32_t spi) { rekey_child(id, spi); },
                             [this](SaId id) { send_natt_keepalive(id); },
                             [this](SaId id) { rekey_phase1(id); }}) {}

IkeSaManager::~IkeSaManager() = default;

IkeSaManager::Entry* IkeSaManager::find(const Cookie& cky_i, std::uint32_t peer) {
  for (auto& [id, e] : sas_)
    if (e.sa->cky_i == cky_i && e.sa->peer.addr == peer) return &e;
  return nullptr;
}

IkeSaManager::Entry* IkeSaManager::find(SaId id) {
  auto it = sas_.find(id);
  return it == sas_.end() ? nullptr : &it->second;
}

IkeSaManager::Entry& IkeSaManager::create(Role role, Endpoint local, Endpoint peer) {
  SaId id = next_id_++;
  Entry& e = sas_[id];
  e.id = id;
  e.sa = std::make_unique<IkeSa>(config_, role, local, peer);
  e.sa->conn_id = next_conn_id_++;
  e.phase1.type = ExchangeType::kIdentityProtection;
  e.last_peer_activity = scheduler_.now();
  timers_.on_sa_created(id);
  return e;
}

IkeSaManager::Entry* IkeSaManager::newest_established(std::uint32_t peer, SaId except) {
  for (auto it = sas_.rbegin(); it != sas_.rend(); ++it)
    if (it->first != except && it->second.sa->established && it->second.sa->peer.addr == peer) return &it->second;
  return nullptr;
}

std::size_t IkeSaManager::half_open(std::uint32_t peer) const {
  std::size_t n = 0;
  for (const auto& [id, e] : sas_)
    if (!e.sa->established && (peer == 0 || e.sa->peer.addr == peer)) ++n;
  return n;
}

std::size_t IkeSaManager::child_count() const {
  std::size_t n = 0;
  for (const auto& [id, e] : sas_) n += e.children.size();
  return n;
}

std::string IkeSaManager::ikev1_decryption_table() const {
  std::string out;
  for (const auto& [id, e] : sas_) {
    if (!e.sa->keys) continue;
    out += to_hex(e.sa->cky_i) + "," + to_hex(e.sa->keys->enc_key.view()) + "\n";
  }
  return out;
}

std::vector<IsakmpSaView> IkeSaManager::isakmp_sas() const {
  std::vector<IsakmpSaView> out;
  for (const auto& [id, e] : sas_) {
    const IkeSa& sa = *e.sa;
    // IOS lists the responder as dst and the initiator as src.
    bool initiator = sa.role == Role::kInitiator;
    out.push_back(IsakmpSaView{initiator ? sa.peer.addr : sa.local.addr, initiator ? sa.local.addr : sa.peer.addr,
                               p1_show_state(sa.state), sa.conn_id, sa.established});
  }
  return out;
}

std::uint32_t IkeSaManager::allocate_spi() {
  for (;;) {
    std::uint32_t spi = random_value<std::uint32_t>();
    if (spi >= 256 && inbound_spis_.insert(spi).second) return spi;
  }
}

std::uint32_t IkeSaManager::new_message_id(Entry& e) {
  for (;;) {
    std::uint32_t mid = random_value<std::uint32_t>();
    if (mid != 0 && e.used_message_ids.insert(mid).second) {
      if (e.sa->established) notify_observer(e, Phase1Event::kStateChanged);  // HA: IDs in use
      return mid;
    }
  }
}

void IkeSaManager::clear() {
  std::vector<SaId> ids;
  for (const auto& [id, e] : sas_) ids.push_back(id);
  for (SaId id : ids) delete_sa(id, "clear crypto isakmp", true);
}

}  // namespace espgw::ike

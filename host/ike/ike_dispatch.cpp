// IkeSaManager's message dispatch (RFC 2408 section 5, RFC 2409 Appendix B): datagrams to
// the right SA and exchange, decryption with the right IV, retransmitted requests answered
// with the stored response, tasks run, replies encrypted and sent, failures notified.
#include "host/ike/ike_sa_manager.hpp"

#include <algorithm>

#include "host/common/ipv4.hpp"
#include "host/ike/aggressive_mode.hpp"
#include "host/ike/dpd.hpp"
#include "host/ike/ike_random.hpp"
#include "host/ike/informational.hpp"
#include "host/ike/main_mode.hpp"
#include "host/ike/natt.hpp"
#include "host/ike/vendor_id.hpp"

namespace espgw::ike {

void IkeSaManager::receive(const Datagram& d) {
  auto decoded = decode_message(d.data);
  if (!decoded) {
    ++counters_.malformed;
    spdlog::debug("ISAKMP: malformed packet from {}:{} dropped: {} at offset {}", format_ipv4(d.src.addr), d.src.port,
                  decoded.error().reason, decoded.error().offset);
    return;
  }
  Message& msg = decoded.value();
  Entry* e = find(msg.header.initiator_cookie, d.src.addr);
  if (e == nullptr) {
    if (msg.header.exchange == ExchangeType::kIdentityProtection && is_zero(msg.header.responder_cookie) &&
        msg.header.message_id == 0) {
      handle_new(d, msg);
    } else if (msg.header.exchange == ExchangeType::kAggressive && config_.aggressive_mode_disabled) {
      ++counters_.aggressive_refused;
      spdlog::info("ISAKMP: aggressive mode from {} refused (crypto isakmp aggressive-mode disable)",
                   format_ipv4(d.src.addr));
    } else if (msg.header.exchange == ExchangeType::kAggressive && is_zero(msg.header.responder_cookie) &&
               msg.header.message_id == 0) {
      handle_new(d, msg);
    } else {
      ++counters_.no_sa;
      spdlog::debug("ISAKMP: packet from {} for no known SA dropped", format_ipv4(d.src.addr));
    }
    return;
  }
  // A retransmitted request gets the stored answer, without touching any state.
  Exchange* x = nullptr;
  if (msg.header.exchange == e->phase1.type) x = &e->phase1;
  if (auto it = e->quick.find(msg.header.message_id); msg.header.exchange == ExchangeType::kQuickMode && it != e->quick.end())
    x = &it->second;
  if (x != nullptr && x->last_received == d.data) {
    if (x->answered && !x->last_sent.empty()) {
      ++counters_.retransmits_answered;
      e->sa->debug(" retransmission detected, resending the last response");
      cb_.send(Datagram{e->sa->local, x->sent_to, x->last_sent});
    }
    return;
  }
  switch (msg.header.exchange) {
    case ExchangeType::kIdentityProtection:
    case ExchangeType::kAggressive:
      if (msg.header.exchange != e->phase1.type) break;
      handle_phase1(*e, d, msg);
      return;
    case ExchangeType::kQuickMode: handle_quick(*e, d, msg); return;
    case ExchangeType::kInformational: handle_informational(*e, d, msg); return;
    default: break;
  }
  ++counters_.malformed;
  spdlog::debug("ISAKMP:({}): exchange type {} not handled", e->sa->log_id(), static_cast<int>(msg.header.exchange));
}

bool IkeSaManager::decrypt(Entry& e, Message& msg, Bytes& iv) {
  if (!msg.header.encrypted()) return true;
  if (!e.sa->cipher) return false;
  auto plain = e.sa->cipher->decrypt(msg.ciphertext, iv);
  return plain && decode_decrypted(msg, *plain).ok();
}

std::optional<MessageKind> IkeSaManager::phase1_kind(const IkeSa& sa, ExchangeType type) const {
  if (type == ExchangeType::kAggressive) {
    if (sa.state == P1State::kIAm1) return MessageKind::kAggressive2;
    if (sa.state == P1State::kRAm2) return MessageKind::kAggressive3;
    if (sa.state == P1State::kReady && sa.role == Role::kResponder) return MessageKind::kAggressive1;
    return std::nullopt;
  }
  switch (sa.state) {
    case P1State::kIMm1: return MessageKind::kMainMode2;
    case P1State::kIMm3: return MessageKind::kMainMode4;
    case P1State::kIMm5: return MessageKind::kMainMode6;
    case P1State::kReady: return sa.role == Role::kResponder ? std::optional(MessageKind::kMainMode1) : std::nullopt;
    case P1State::kRMm2: return MessageKind::kMainMode3;
    case P1State::kRMm4: return MessageKind::kMainMode5;
    default: return std::nullopt;
  }
}

void IkeSaManager::handle_new(const Datagram& d, const Message& msg) {
  if (half_open(d.src.addr) >= config_.half_open_per_peer_max || half_open(0) >= config_.half_open_total_max) {
    ++counters_.half_open_dropped;
    spdlog::debug("ISAKMP: MM1 from {} dropped: half-open SA limit reached", format_ipv4(d.src.addr));
    return;
  }
  const bool aggressive = msg.header.exchange == ExchangeType::kAggressive;
  if (auto v = check_message(msg, aggressive ? MessageKind::kAggressive1 : MessageKind::kMainMode1)) {
    ++counters_.malformed;
    spdlog::debug("ISAKMP: {} from {} dropped: {}", aggressive ? "AM1" : "MM1", format_ipv4(d.src.addr), v->reason);
    return;
  }
  spdlog::debug("ISAKMP (0): received packet from {} dport {} sport {} Global (N) NEW SA", format_ipv4(d.src.addr),
                d.dst.port, d.src.port);
  Entry& e = create(Role::kResponder, d.dst, d.src);
  e.sa->cky_i = msg.header.initiator_cookie;
  e.sa->cky_r = random_cookie();
  if (aggressive) {
    e.phase1.type = ExchangeType::kAggressive;
    e.phase1.tasks.push_back(std::make_unique<AggressiveMode>(*e.sa, Role::kResponder));
  } else {
    e.phase1.tasks.push_back(std::make_unique<MainMode>(*e.sa, Role::kResponder));
  }
  e.phase1.tasks.push_back(std::make_unique<VendorIdTask>(*e.sa, Role::kResponder));
  e.phase1.tasks.push_back(std::make_unique<NattTask>(*e.sa, Role::kResponder, aggressive));
  Message copy = msg;
  handle_phase1(e, d, copy);
}

void IkeSaManager::handle_phase1(Entry& e, const Datagram& d, Message& msg) {
  IkeSa& sa = *e.sa;
  auto kind = phase1_kind(sa, e.phase1.type);
  if (!kind) {
    ++counters_.malformed;
    sa.debug(" unexpected phase 1 message in state {}, dropped", p1_state_name(sa.state));
    return;
  }
  if (*kind == MessageKind::kMainMode2 || *kind == MessageKind::kAggressive2) {
    sa.cky_r = msg.header.responder_cookie;
  } else if (*kind != MessageKind::kMainMode1 && *kind != MessageKind::kAggressive1 &&
             msg.header.responder_cookie != sa.cky_r) {
    ++counters_.no_sa;
    return;
  }
  spdlog::debug("ISAKMP ({}): received packet from {} dport {} sport {} Global ({}) {}", sa.log_id(),
                format_ipv4(d.src.addr), d.dst.port, d.src.port, sa.role == Role::kInitiator ? "I" : "R",
                p1_show_state(sa.state));
  Bytes iv = sa.p1_iv;
  bool ok = decrypt(e, msg, iv);
  auto violation = ok ? check_message(msg, *kind) : std::optional<RuleViolation>{};
  if (!ok || violation) {
    if (msg.header.encrypted()) {
      // A message under the new keys that does not decode means the keys differ: wrong PSK.
      ++counters_.auth_failed;
      spdlog::warn("ISAKMP:({}): {} from {} does not decrypt to a valid message: probable pre-shared key mismatch",
                   sa.log_id(), message_rule(*kind).name, format_ipv4(d.src.addr));
      delete_sa(e.id, "authentication failed", false);
      return;
    }
    ++counters_.malformed;
    spdlog::debug("ISAKMP:({}): {} dropped: {}", sa.log_id(), message_rule(*kind).name,
                  violation ? violation->reason : "decryption failed");
    return;
  }
  sa.p1_iv = iv;
  e.phase1.last_received = d.data;
  e.phase1.answered = false;
  e.last_peer_activity = scheduler_.now();
  timers_.on_response_received(e.id, 0);
  sa.debug("Input = IKE_MESG_FROM_PEER, {}", e.phase1.type == ExchangeType::kAggressive ? "IKE_AM_EXCH" : "IKE_MM_EXCH");
  for (std::size_t i = 0; const NotifyPayload* n = msg.find<NotifyPayload>(i); ++i)
    if (n->type == NotifyType::kInitialContact) {
      sa.debug(" processing NOTIFY INITIAL_CONTACT protocol 1");
      sa.received_initial_contact = true;
    }

  TaskStatus status = run_process(e.phase1, msg);
  if (status == TaskStatus::kFailed) return fail_exchange(e, e.phase1, "phase 1");
  // NAT-T: the initiator floats to 4500 from MM5 (or for AM3) on; follow wherever the peer
  // now is. After processing: AM3's NAT-D hashes cover the addresses of AM1, not these.
  if (sa.natt.peer_rfc3947 && !(d.src == sa.peer)) {
    sa.peer = d.src;
    sa.local = d.dst;
    sa.natt.floated = true;
  }
  // MM6 and AM3 complete phase 1 on receipt; the Aggressive Mode responder answers nothing.
  if (sa.established) return on_phase1_complete(e);
  if (sa.role == Role::kInitiator) {
    // RFC 3947 section 4: MM5, or AM3, goes out of UDP 4500 once a NAT is detected.
    if ((*kind == MessageKind::kMainMode4 || *kind == MessageKind::kAggressive2) && sa.natt.peer_rfc3947 &&
        sa.natt.nat_detected()) {
      sa.local.port = kNattPort;
      sa.peer.port = kNattPort;
      sa.natt.floated = true;
      sa.debug(" NAT found, floating to port {}", kNattPort);
    }
  }
  Message out;
  status = run_build(e.phase1, out);
  if (status == TaskStatus::kFailed) return fail_exchange(e, e.phase1, "phase 1");
  send_exchange(e, e.phase1, out, !sa.established);
  if (sa.established) on_phase1_complete(e);
}

void IkeSaManager::handle_informational(Entry& e, const Datagram& d, Message& msg) {
  IkeSa& sa = *e.sa;
  if (!msg.header.encrypted()) {
    // Before keys exist a peer can only tell us why it refused (e.g. NO-PROPOSAL-CHOSEN).
    if (check_message(msg, MessageKind::kInformationalClear) || sa.established) {
      ++counters_.malformed;
      return;
    }
    const NotifyPayload* n = msg.find<NotifyPayload>();
    spdlog::info("ISAKMP:({}): peer {} refused phase 1 with notify {}", sa.log_id(), format_ipv4(d.src.addr),
                 static_cast<int>(n->type));
    if (n->type == NotifyType::kNoProposalChosen) ++counters_.no_proposal_chosen;
    delete_sa(e.id, "peer sent an error notify", false);
    return;
  }
  if (!sa.established || msg.header.message_id == 0) {
    ++counters_.malformed;
    return;
  }
  const std::uint32_t mid = msg.header.message_id;
  Bytes iv = sa.iv_for(mid);
  sa.forget_iv(mid);
  if (!decrypt(e, msg, iv) || check_message(msg, MessageKind::kInformational)) {
    ++counters_.malformed;
    return;
  }
  Informational info(sa, mid);
  if (info.process(msg) != TaskStatus::kDone) {
    ++counters_.malformed;
    return;
  }
  e.last_peer_activity = scheduler_.now();
  const SaId id = e.id;
  for (const NotifyPayload& n : info.notifies()) {
    if (auto seq = dpd_sequence(sa, n)) {
      if (n.type == NotifyType::kDpdRUThere) {
        sa.debug(" received DPD_R_U_THERE from peer {}, sequence 0x{:X}", format_ipv4(sa.peer.addr), *seq);
        send_informational(e, {dpd_notify(sa, NotifyType::kDpdRUThereAck, *seq)});
      } else if (e.dpd.outstanding && *e.dpd.outstanding == *seq) {
        sa.debug(" received DPD_R_U_THERE_ACK from peer {}, sequence 0x{:X}", format_ipv4(sa.peer.addr), *seq);
        e.dpd.on_alive();
        if (config_.keepalive) timers_.on_dpd_wait(id, config_.keepalive->interval);
      }
      continue;
    }
    if (n.type == NotifyType::kInitialContact) {
      sa.received_initial_contact = true;
      process_initial_contact(e);
      continue;
    }
    spdlog::info("ISAKMP:({}): notify {} from {}", sa.log_id(), static_cast<int>(n.type), format_ipv4(sa.peer.addr));
  }
  for (const DeletePayload& del : info.deletes()) {
    if (del.protocol == ProtocolId::kIpsecEsp) {
      for (const Bytes& spi_b : del.spis) {
        std::uint32_t spi = static_cast<std::uint32_t>(spi_b[0]) << 24 | static_cast<std::uint32_t>(spi_b[1]) << 16 |
                            static_cast<std::uint32_t>(spi_b[2]) << 8 | spi_b[3];
        // The peer names its inbound SPI, which is our outbound one; the pair goes together.
        // It may send the DELETE under the ISAKMP SA that negotiated the pair while we have
        // moved the pair to a newer one (phase 1 re-established): look under every SA with it.
        for (auto& [other_id, other] : sas_) {
          if (other.sa->peer.addr != sa.peer.addr) continue;
          auto c = std::find_if(other.children.begin(), other.children.end(),
                                [spi](const ChildSa& x) { return x.outbound_spi == spi; });
          if (c == other.children.end()) continue;
          sa.debug(" peer deleted ESP SA with spi 0x{:08X}", spi);
          remove_child(other, static_cast<std::size_t>(c - other.children.begin()), false);
          break;
        }
      }
    } else if (del.protocol == ProtocolId::kIsakmp) {
      Bytes mine(sa.cky_i.begin(), sa.cky_i.end());
      mine.insert(mine.end(), sa.cky_r.begin(), sa.cky_r.end());
      for (const Bytes& spi : del.spis)
        // Its IPsec SAs live on under a newer ISAKMP SA if there is one (IOS).
        if (spi == mine) return delete_sa(id, "peer deleted the ISAKMP SA", false, Children::kMoveToNewest);
    }
  }
}

namespace {
// Runs `step` on every task of an exchange in order; the first task (the exchange itself)
// decides the result, helpers (VID, NAT-T) retire when done. Any failure stops the run.
TaskStatus run_tasks(std::vector<std::unique_ptr<Task>>& tasks, const std::function<TaskStatus(Task&)>& step) {
  TaskStatus primary = TaskStatus::kNeedMore;
  for (std::size_t i = 0; i < tasks.size();) {
    TaskStatus s = step(*tasks[i]);
    if (s == TaskStatus::kFailed) return s;
    if (i == 0) primary = s;
    if (s == TaskStatus::kDone && i != 0) {
      tasks.erase(tasks.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      ++i;
    }
  }
  return primary;
}
}  // namespace

TaskStatus IkeSaManager::run_process(Exchange& x, const Message& msg) {
  return run_tasks(x.tasks, [&](Task& t) { return t.process(msg); });
}

TaskStatus IkeSaManager::run_build(Exchange& x, Message& out) {
  return run_tasks(x.tasks, [&](Task& t) { return t.build(out); });
}

void IkeSaManager::send_exchange(Entry& e, Exchange& x, Message& out, bool expects_reply) {
  IkeSa& sa = *e.sa;
  out.header.initiator_cookie = sa.cky_i;
  out.header.responder_cookie = sa.cky_r;
  out.header.exchange = x.type;
  out.header.message_id = x.message_id;
  std::vector<Payload> payloads;
  for (PayloadEntry& p : out.payloads) payloads.push_back(std::move(p.payload));
  Bytes wire;
  if (out.header.encrypted()) {
    Bytes& iv = x.message_id == 0 ? sa.p1_iv : sa.iv_for(x.message_id);
    Bytes ct = sa.cipher->encrypt(encode_chain(payloads), iv);
    out.header.next_payload = payload_type(payloads.front());
    wire = encode_message_raw(out.header, ct);
  } else {
    wire = encode_message(out.header, payloads);
  }
  sa.debug(" sending packet to {} my_port {} peer_port {} ({}) {}", format_ipv4(sa.peer.addr), sa.local.port,
           sa.peer.port, sa.role == Role::kInitiator ? "I" : "R", p1_show_state(sa.state));
  x.last_sent = wire;
  x.sent_to = sa.peer;
  x.answered = !x.last_received.empty();
  cb_.send(Datagram{sa.local, sa.peer, std::move(wire)});
  if (expects_reply) timers_.on_request_sent(e.id, x.message_id);
}

void IkeSaManager::send_informational(Entry& e, std::vector<Payload> payloads) {
  IkeSa& sa = *e.sa;
  if (!sa.keys) return;
  std::uint32_t mid = new_message_id(e);
  Informational info(sa, mid, std::move(payloads));
  Message out;
  info.build(out);
  Exchange x;
  x.type = ExchangeType::kInformational;
  x.message_id = mid;
  send_exchange(e, x, out, false);
  sa.forget_iv(mid);
}

void IkeSaManager::send_clear_notify(const Datagram& to, const IsakmpHeader& h, NotifyType type) {
  IsakmpHeader out;
  out.initiator_cookie = h.initiator_cookie;
  out.responder_cookie = h.responder_cookie;
  out.exchange = ExchangeType::kInformational;
  out.message_id = random_value<std::uint32_t>();
  Bytes spi(h.initiator_cookie.begin(), h.initiator_cookie.end());
  spi.insert(spi.end(), h.responder_cookie.begin(), h.responder_cookie.end());
  cb_.send(Datagram{to.dst, to.src, encode_message(out, {NotifyPayload{kDoiIpsec, ProtocolId::kIsakmp, type, spi, {}}})});
}

void IkeSaManager::fail_exchange(Entry& e, Exchange& x, const char* what) {
  std::optional<NotifyType> notify;
  for (const auto& t : x.tasks)
    if (t->failure_notify()) notify = t->failure_notify();
  if (notify == NotifyType::kAuthenticationFailed) ++counters_.auth_failed;
  if (notify == NotifyType::kNoProposalChosen) ++counters_.no_proposal_chosen;
  e.sa->debug(" {} failed (notify {})", what, notify ? static_cast<int>(*notify) : 0);
  if (&x == &e.phase1) {
    // Before keys exist, a refusal goes back in the clear (IOS does the same for MM1).
    if (notify && !e.sa->keys) {
      IsakmpHeader h;
      h.initiator_cookie = e.sa->cky_i;
      h.responder_cookie = e.sa->cky_r;
      send_clear_notify(Datagram{e.sa->peer, e.sa->local, {}}, h, *notify);
    }
    delete_sa(e.id, "phase 1 failed", false);
    return;
  }
  if (notify && e.sa->established) {
    Bytes spi;
    send_informational(e, {NotifyPayload{kDoiIpsec, ProtocolId::kIpsecEsp, *notify, spi, {}}});
  }
  timers_.on_response_received(e.id, x.message_id);
  const bool rekey = x.rekey_of.has_value();
  e.quick.erase(x.message_id);
  if (rekey) retire_replaced(e);
}

}  // namespace espgw::ike

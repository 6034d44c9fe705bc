// HSRP state machine (see hsrp_state_machine.hpp). Event letters and action letters in the
// comments are RFC 2281 section 5's (c: active timer expiry, g: Hello of higher priority from
// the active router, j: Coup from a higher priority router, ...).
#include "host/ha/hsrp_state_machine.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "host/common/ipv4.hpp"

namespace espgw::ha {

using namespace std::chrono_literals;

namespace {
constexpr auto kDropLogInterval = 30s;  // drop log lines at most this often (counters keep counting)
constexpr int kMaxTimerRounds = 8;      // timers firing at one instant settle in a few rounds
}  // namespace

HsrpAction HsrpAction::log(std::string text) {
  HsrpAction a;
  a.kind = Kind::kLog;
  a.text = std::move(text);
  return a;
}
HsrpAction HsrpAction::send(HsrpOpcode opcode, std::vector<std::uint8_t> packet) {
  HsrpAction a;
  a.kind = Kind::kSend;
  a.opcode = opcode;
  a.packet = std::move(packet);
  return a;
}
HsrpAction HsrpAction::take_vip(std::uint32_t vip, MacAddress mac) {
  HsrpAction a;
  a.kind = Kind::kTakeVip;
  a.virtual_ip = vip;
  a.virtual_mac = mac;
  return a;
}
HsrpAction HsrpAction::release_vip(std::uint32_t vip) {
  HsrpAction a;
  a.kind = Kind::kReleaseVip;
  a.virtual_ip = vip;
  return a;
}

struct HsrpStateMachine::Out {
  std::vector<HsrpAction> actions;
};

HsrpStateMachine::HsrpStateMachine(HsrpGroupConfig config) : config_(std::move(config)) {
  // A configuration the wire cannot carry is a config error, reported before anything runs.
  if (config_.version == HsrpVersion::kV1 && config_.group > kHsrpV1MaxGroup)
    throw std::invalid_argument("standby group above 255 needs `standby version 2`");
  if (config_.group > kHsrpV2MaxGroup) throw std::invalid_argument("standby group above 4095");
  if (config_.version == HsrpVersion::kV1 && config_.priority > kHsrpV1MaxPriority)
    throw std::invalid_argument("standby priority above 255");
  if (hello_time() < kHsrpMinHelloTime) throw std::invalid_argument("standby hello time below 15 ms");
  if (hold_time() <= hello_time()) throw std::invalid_argument("standby hold time must exceed the hello time");
}

std::uint32_t HsrpStateMachine::priority() const {
  std::uint32_t decrement = 0;
  for (const auto& t : config_.tracks)
    if (std::find(tracks_down_.begin(), tracks_down_.end(), t.object) != tracks_down_.end()) decrement += t.decrement;
  return decrement >= config_.priority ? 0 : config_.priority - decrement;
}

// RFC 2281 5.1: higher priority wins, then the higher IP address.
bool HsrpStateMachine::beats(std::uint32_t prio, std::uint32_t addr) const {
  std::uint32_t mine = priority();
  return mine != prio ? mine > prio : config_.local_address > addr;
}

// RFC 2281 5.1: configured timers win; else those learned from the active router; else the
// defaults. The active router never learns (it keeps what it had).
std::chrono::milliseconds HsrpStateMachine::hello_time() const {
  return config_.hello_time.value_or(learned_hello_.value_or(kHsrpDefaultHelloTime));
}
std::chrono::milliseconds HsrpStateMachine::hold_time() const {
  return config_.hold_time.value_or(learned_hold_.value_or(kHsrpDefaultHoldTime));
}
std::optional<std::uint32_t> HsrpStateMachine::virtual_ip() const {
  return config_.virtual_ip ? config_.virtual_ip : learned_vip_;
}

std::vector<HsrpAction> HsrpStateMachine::enable(HsrpTime now) {
  Out out;
  if (enabled_) return {};
  enabled_ = true;
  // Event a: start the active and standby timers (A, B); Learn until a VIP is known.
  active_expiry_ = now + hold_time();
  standby_expiry_ = now + hold_time();
  go(virtual_ip() ? HsrpState::kListen : HsrpState::kLearn, now, out);
  return std::move(out.actions);
}

std::vector<HsrpAction> HsrpStateMachine::disable(HsrpTime now) {
  Out out;
  if (!enabled_) return {};
  // Event b: an active router resigns so the standby takes over at once, not after a hold time.
  if (state_ == HsrpState::kActive) send(HsrpOpcode::kResign, out);
  go(HsrpState::kInitial, now, out);
  enabled_ = false;
  active_.reset();
  standby_.reset();
  hello_due_.reset();
  active_expiry_.reset();
  standby_expiry_.reset();
  preempt_due_.reset();
  return std::move(out.actions);
}

std::vector<HsrpAction> HsrpStateMachine::on_track(int object, bool up, HsrpTime now) {
  Out out;
  auto it = std::find(tracks_down_.begin(), tracks_down_.end(), object);
  if (up && it != tracks_down_.end()) tracks_down_.erase(it);
  if (!up && it == tracks_down_.end()) tracks_down_.push_back(object);
  // The new priority goes out in the next Hello; a preempting peer answers it with a Coup.
  // Tell the others at once rather than a hello time later.
  if (enabled_ && (state_ == HsrpState::kActive || state_ == HsrpState::kStandby || state_ == HsrpState::kSpeak)) {
    send(HsrpOpcode::kHello, out);
    hello_due_ = now + hello_time();
  }
  if (enabled_) maybe_preempt(now, out);
  return std::move(out.actions);
}

std::vector<HsrpAction> HsrpStateMachine::on_packet(std::span<const std::uint8_t> bytes, std::uint32_t source,
                                                    HsrpTime now) {
  Out out;
  if (!enabled_) return {};
  auto result = decode_hsrp(bytes);
  if (auto* err = std::get_if<HsrpDecodeError>(&result)) {
    ++(err->kind == HsrpDecodeError::Kind::kMalformed ? counters_.malformed : counters_.unsupported);
    return {};
  }
  const HsrpDecoded& decoded = std::get<HsrpDecoded>(result);
  const HsrpMessage& msg = decoded.message;
  if (msg.version != config_.version || msg.group != config_.group) {
    ++counters_.other_group;
    return {};
  }
  if (source == config_.local_address) {
    ++counters_.own_address;
    return {};
  }
  switch (check_hsrp_auth(bytes, decoded, config_.auth, source)) {
    case HsrpAuthVerdict::kOk:
      break;
    case HsrpAuthVerdict::kMissing:
    case HsrpAuthVerdict::kMismatch:
      ++counters_.auth_failures;
      if (!last_drop_log_ || now - *last_drop_log_ >= kDropLogInterval) {
        last_drop_log_ = now;
        out.actions.push_back(HsrpAction::log(fmt::format("%HSRP-4-BADAUTH: Bad authentication from {}, group {}, remote "
                                                   "state {} ({} so far)",
                                                   format_ipv4(source), msg.group, to_string(msg.state),
                                                   counters_.auth_failures)));
      }
      return std::move(out.actions);
    case HsrpAuthVerdict::kSourceMismatch:
      ++counters_.source_mismatch;
      return {};
  }
  switch (msg.opcode) {
    case HsrpOpcode::kHello: ++counters_.hellos_in; break;
    case HsrpOpcode::kCoup: ++counters_.coups_in; break;
    case HsrpOpcode::kResign: ++counters_.resigns_in; break;
  }
  handle(msg, source, now, out);
  return std::move(out.actions);
}

void HsrpStateMachine::handle(const HsrpMessage& msg, std::uint32_t source, HsrpTime now, Out& out) {
  switch (msg.opcode) {
    case HsrpOpcode::kHello:
      if (msg.state == HsrpState::kActive) handle_active_hello(msg, source, now, out);
      if (msg.state == HsrpState::kStandby) handle_standby_hello(msg, source, now, out);
      if (msg.state == HsrpState::kSpeak) handle_speak_hello(msg, source, now, out);
      return;
    case HsrpOpcode::kCoup:
      handle_coup(msg, source, now, out);
      return;
    case HsrpOpcode::kResign:
      if (msg.state == HsrpState::kActive || (active_ && active_->address == source)) handle_resign(source, now, out);
      return;
  }
}

void HsrpStateMachine::handle_active_hello(const HsrpMessage& msg, std::uint32_t source, HsrpTime now, Out& out) {
  HsrpPeer peer{source, msg.priority, now + msg.hold_time};
  if (state_ == HsrpState::kActive) {
    if (beats(msg.priority, source)) {
      send(HsrpOpcode::kCoup, out);  // h: we are the better active router; say so
    } else {
      active_ = peer;  // g: the other active router wins; step down (A, B, Speak)
      active_expiry_ = peer.expires;
      go(HsrpState::kSpeak, now, out);
    }
    return;
  }
  // E: learn what was not configured (RFC 2281 5.1: only from authenticated Hellos, which
  // these are by now).
  // Only sane pairs are learned: a hello time of 0 (or a hold time not above it) from a peer
  // would otherwise make this router send Hellos in a tight loop.
  bool sane = msg.hello_time >= kHsrpMinHelloTime && msg.hold_time > msg.hello_time;
  if (sane && !config_.hello_time) learned_hello_ = msg.hello_time;
  if (sane && !config_.hold_time) learned_hold_ = msg.hold_time;
  if (msg.virtual_ip != 0) {
    if (!config_.virtual_ip) learned_vip_ = msg.virtual_ip;
    else if (msg.virtual_ip != *config_.virtual_ip) ++counters_.vip_mismatch;
  }
  active_ = peer;  // A: restart the active timer with the sender's hold time
  active_expiry_ = peer.expires;
  if (standby_ && standby_->address == source) {
    standby_.reset();  // the former standby took over; the standby role is open again
    standby_expiry_ = now + hold_time();
  }
  if (state_ == HsrpState::kLearn && virtual_ip()) go(HsrpState::kListen, now, out);
  maybe_preempt(now, out);
}

void HsrpStateMachine::handle_standby_hello(const HsrpMessage& msg, std::uint32_t source, HsrpTime now, Out& out) {
  HsrpPeer peer{source, msg.priority, now + msg.hold_time};
  bool we_win = beats(msg.priority, source);
  if (active_ && active_->address == source) {
    active_.reset();  // the router we thought active is standby now (it lost a Coup)
    active_expiry_ = now + hold_time();
  }
  switch (state_) {
    case HsrpState::kStandby:
      if (we_win) return;  // l: the other standby yields when it hears us (k)
      standby_ = peer;     // k: a better standby exists
      standby_expiry_ = peer.expires;
      go(HsrpState::kListen, now, out);
      return;
    case HsrpState::kSpeak:
      if (we_win) {
        go(HsrpState::kStandby, now, out);  // l: we take the standby role
      } else {
        standby_ = peer;
        standby_expiry_ = peer.expires;
        go(HsrpState::kListen, now, out);  // k
      }
      return;
    case HsrpState::kListen:
      standby_ = peer;
      standby_expiry_ = peer.expires;
      if (we_win) go(HsrpState::kSpeak, now, out);  // contest a worse standby
      return;
    case HsrpState::kActive:
    case HsrpState::kLearn:
    case HsrpState::kInitial:
      standby_ = peer;
      standby_expiry_ = peer.expires;
      return;
  }
}

void HsrpStateMachine::handle_speak_hello(const HsrpMessage& msg, std::uint32_t source, HsrpTime now, Out& out) {
  // f: a better speaker: stop contesting (B, Listen). A worse one will yield to us.
  if (state_ == HsrpState::kSpeak && !beats(msg.priority, source)) {
    standby_expiry_ = now + hold_time();
    go(HsrpState::kListen, now, out);
  }
}

void HsrpStateMachine::handle_coup(const HsrpMessage& msg, std::uint32_t source, HsrpTime now, Out& out) {
  HsrpPeer peer{source, msg.priority, now + msg.hold_time};
  if (state_ == HsrpState::kActive) {
    // j: a better router takes over: Resign (H), then Speak (A, B). A worse one's Coup is
    // ignored; our next Hello makes it step down (its event g).
    if (beats(msg.priority, source)) return;
    send(HsrpOpcode::kResign, out);
    active_ = peer;
    active_expiry_ = peer.expires;
    go(HsrpState::kSpeak, now, out);
    return;
  }
  active_ = peer;  // the sender is going active
  active_expiry_ = peer.expires;
  if (standby_ && standby_->address == source) {
    standby_.reset();
    standby_expiry_ = now + hold_time();
  }
  if (state_ == HsrpState::kLearn && msg.virtual_ip != 0 && !config_.virtual_ip) {
    learned_vip_ = msg.virtual_ip;
    go(HsrpState::kListen, now, out);
  }
}

void HsrpStateMachine::handle_resign(std::uint32_t source, HsrpTime now, Out& out) {
  (void)source;
  // i: the active router is leaving. The standby takes over now; others carry on as if its
  // hold time had run out.
  active_.reset();
  active_expiry_ = now;
  HsrpTime t = now;
  // The Resign is the active's own word that it leaves: the hold, which guards against lost
  // Hellos, does not apply to it.
  const bool held = active_held_;
  active_held_ = false;
  auto fired = on_timer(t);
  active_held_ = held;
  out.actions.insert(out.actions.end(), std::make_move_iterator(fired.begin()), std::make_move_iterator(fired.end()));
}

std::vector<HsrpAction> HsrpStateMachine::set_active_held(bool held, HsrpTime now) {
  Out out;
  if (held == active_held_) return {};
  active_held_ = held;
  if (!enabled_) return {};
  if (held && state_ == HsrpState::kActive) {
    // Both routers are Active (split brain) and the other one wins: give the VIP and the data
    // plane back now. The Resign is harmless where it is not heard and settles it where it is.
    send(HsrpOpcode::kResign, out);
    ++counters_.takeovers_held;
    active_expiry_ = now + hold_time();
    go(HsrpState::kStandby, now, out);
  } else if (!held && !active_ && (state_ == HsrpState::kStandby || state_ == HsrpState::kSpeak)) {
    // The hold ends (the peer went quiet on the sync channel too, or lost priority) and no
    // Hello says anyone is Active: treat it as the active timer's expiry, now.
    active_expiry_ = now;
    auto fired = on_timer(now);
    out.actions.insert(out.actions.end(), std::make_move_iterator(fired.begin()), std::make_move_iterator(fired.end()));
  } else if (!held) {
    maybe_preempt(now, out);
  }
  return std::move(out.actions);
}

std::vector<HsrpAction> HsrpStateMachine::set_preempt_held(bool held, HsrpTime now) {
  Out out;
  if (held == preempt_held_) return {};
  preempt_held_ = held;
  if (enabled_ && !held) maybe_preempt(now, out);  // the replica is in sync: preempt now if due
  return std::move(out.actions);
}

void HsrpStateMachine::maybe_preempt(HsrpTime now, Out& out) {
  bool eligible = config_.preempt && virtual_ip() && active_ &&
                  (state_ == HsrpState::kListen || state_ == HsrpState::kSpeak || state_ == HsrpState::kStandby) &&
                  beats(active_->priority, active_->address);
  if (!eligible) {
    preempt_due_.reset();
    return;
  }
  if (config_.preempt_delay > 0ms) {
    if (!preempt_due_) preempt_due_ = now + config_.preempt_delay;
    if (now < *preempt_due_) return;
  }
  if (preempt_held_) {
    // Eligible but the replica is not in sync: no Coup yet; set_preempt_held(false) retries.
    ++counters_.preempts_held;
    preempt_due_.reset();
    return;
  }
  preempt_due_.reset();
  send(HsrpOpcode::kCoup, out);  // G, then Active
  active_.reset();
  active_expiry_.reset();
  go(HsrpState::kActive, now, out);
}

std::vector<HsrpAction> HsrpStateMachine::on_timer(HsrpTime now) {
  Out out;
  if (!enabled_) return {};
  for (int round = 0; round < kMaxTimerRounds; ++round) {
    bool fired = false;
    if (standby_expiry_ && *standby_expiry_ <= now) {  // d: no standby router any more
      fired = true;
      standby_.reset();
      standby_expiry_.reset();
      if (state_ == HsrpState::kListen) go(HsrpState::kSpeak, now, out);
      else if (state_ == HsrpState::kSpeak) go(HsrpState::kStandby, now, out);
    }
    if (active_expiry_ && *active_expiry_ <= now) {  // c: no active router any more
      fired = true;
      active_.reset();
      active_expiry_.reset();
      if (state_ == HsrpState::kStandby && active_held_) {
        // The Hellos stopped but the sync channel says a better active still lives: the
        // Hellos were lost, not the router. Stay Standby; look again a hold time later.
        // (Only this path is held: a Resign or a worse active's Hello is the other router's
        // own word on the wire, fresher than the channel's.)
        ++counters_.takeovers_held;
        active_expiry_ = now + hold_time();
      } else if (state_ == HsrpState::kStandby) {
        go(HsrpState::kActive, now, out);
      } else if (state_ == HsrpState::kListen) {
        go(HsrpState::kSpeak, now, out);
        active_expiry_ = now + hold_time();
      } else if (state_ == HsrpState::kSpeak) {
        // Mid-election: a standby, if there is one, takes over; otherwise this speaker goes
        // on until its standby timer ends the Speak phase (Standby, then at once Active if
        // still nobody is active). Worse speakers fall back to Listen on our Hellos, so the
        // best one wins without two routers holding the VIP.
        active_expiry_ = standby_ || !standby_expiry_ ? now + hold_time() : *standby_expiry_;
      }
    }
    if (preempt_due_ && *preempt_due_ <= now) {
      fired = true;
      maybe_preempt(now, out);
      if (preempt_due_ && *preempt_due_ <= now) preempt_due_.reset();
    }
    if (hello_due_ && *hello_due_ <= now) {  // e
      fired = true;
      send(HsrpOpcode::kHello, out);
      auto next = *hello_due_ + hello_time();  // keep the cadence unless far behind
      hello_due_ = next > now ? next : now + hello_time();
    }
    if (!fired) break;
  }
  return std::move(out.actions);
}

std::optional<HsrpTime> HsrpStateMachine::next_deadline() const {
  std::optional<HsrpTime> next;
  for (const auto& t : {hello_due_, active_expiry_, standby_expiry_, preempt_due_})
    if (t && (!next || *t < *next)) next = t;
  return next;
}

void HsrpStateMachine::go(HsrpState next, HsrpTime now, Out& out) {
  if (next == state_) return;
  HsrpState prev = state_;
  auto vip = virtual_ip();
  if (prev == HsrpState::kActive && vip)
    out.actions.push_back(HsrpAction::release_vip(*vip));
  state_ = next;
  ++counters_.state_changes;
  last_state_change_ = now;
  out.actions.push_back(HsrpAction::log(fmt::format("%HSRP-5-STATECHANGE: {} Grp {} state {} -> {}",
                                                    config_.interface, config_.group, to_string(prev),
                                                    to_string(next))));
  switch (next) {
    case HsrpState::kActive:
      out.actions.push_back(HsrpAction::take_vip(vip.value_or(0), config_.use_bia ? config_.local_mac : hsrp_virtual_mac(config_.version, config_.group)));
      break;
    case HsrpState::kStandby:
      standby_.reset();  // we are the standby now
      standby_expiry_.reset();
      break;
    case HsrpState::kSpeak:
      if (!standby_) standby_expiry_ = now + hold_time();  // B
      break;
    case HsrpState::kInitial:
    case HsrpState::kLearn:
    case HsrpState::kListen:
      break;
  }
  // Speak, Standby and Active send Hellos, the first one now (J, F).
  if (next == HsrpState::kSpeak || next == HsrpState::kStandby || next == HsrpState::kActive) {
    send(HsrpOpcode::kHello, out);
    hello_due_ = now + hello_time();
  } else {
    hello_due_.reset();
  }
}

void HsrpStateMachine::send(HsrpOpcode opcode, Out& out) {
  HsrpMessage m;
  m.version = config_.version;
  m.opcode = opcode;
  m.state = state_;
  m.group = config_.group;
  m.priority = priority();
  m.hello_time = hello_time();
  m.hold_time = hold_time();
  m.virtual_ip = virtual_ip().value_or(0);
  m.identifier = config_.local_mac;
  switch (opcode) {
    case HsrpOpcode::kHello: ++counters_.hellos_out; break;
    case HsrpOpcode::kCoup: ++counters_.coups_out; break;
    case HsrpOpcode::kResign: ++counters_.resigns_out; break;
  }
  out.actions.push_back(HsrpAction::send(opcode, encode_hsrp_authenticated(m, config_.auth, config_.local_address)));
}

HsrpGroupStatus HsrpStateMachine::status() const {
  HsrpGroupStatus s;
  s.config = config_;
  s.state = state_;
  s.state_changes = counters_.state_changes;
  s.last_state_change = last_state_change_;
  s.virtual_ip = virtual_ip();
  s.virtual_mac = config_.use_bia ? config_.local_mac : hsrp_virtual_mac(config_.version, config_.group);
  s.hello_time = hello_time();
  s.hold_time = hold_time();
  s.next_hello = hello_due_;
  s.active = active_;
  s.standby = standby_;
  s.priority = priority();
  for (const auto& t : config_.tracks)
    s.tracks.emplace_back(t, std::find(tracks_down_.begin(), tracks_down_.end(), t.object) == tracks_down_.end());
  s.preempt_at = preempt_due_;
  s.active_held = active_held_;
  s.preempt_held = preempt_held_;
  s.counters = counters_;
  return s;
}

}  // namespace espgw::ha

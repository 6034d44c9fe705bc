// libFuzzer target for the HSRP decoder (host/ha/hsrp_packet.cpp: RFC 2281 section 5.1
// version 1, Cisco's version 2 TLVs, the MD5 TLV) and the state machine behind it (RFC 2281
// section 5) run by an HsrpGroupDriver on a ManualScheduler. Every packet must decode to a
// value or an error, and what decodes re-encodes to the same message; the group sees the same
// bytes as peer input, mixed with clock, track and shutdown events, and must keep its
// invariants: nothing but a log line on an authentication failure, each packet counted exactly
// once, the VIP held exactly while Active, every packet it sends decodable and authentic.
// Input: byte 0 picks the group's configuration (kCfg* bits); then records [op][len][len bytes]
// (the last takes what is left). op & 3: 0 packet (source kSources[op >> 2 & 3]; op & 0x10: the
// harness signs it with the group's MD5 key, op & 0x20: after setting the TLV's sender to the
// source), 1 advance the clock by the big-endian u16 in ms (low 14 bits), 2 track object
// 1 + (payload & 1) up (op & 4) or down (with op & 8 instead: the stateful-HA hold, active if
// payload & 1 else preempt, on (op & 4) or off), 3 enable (op & 4) or disable. Seeds: seeds() below (real conversations
// of a peer HsrpStateMachine), written to tests/fuzz/corpus/fuzz_hsrp by fuzz_hsrp_replay.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

#include "host/common/scheduler.hpp"
#include "host/ha/hsrp_auth.hpp"
#include "host/ha/hsrp_group_driver.hpp"
#include "host/ha/hsrp_packet.hpp"
#include "host/ha/hsrp_state_machine.hpp"
#include "tests/fuzz/fuzz_seeds.hpp"

namespace {

using namespace espgw::ha;
using namespace std::chrono_literals;
using Bytes = std::vector<std::uint8_t>;

constexpr std::uint8_t kCfgV2 = 0x01, kCfgMd5 = 0x02, kCfgPreempt = 0x04, kCfgVip = 0x08, kCfgFastTimers = 0x10,
                       kCfgPreemptDelay = 0x20, kCfgHighPriority = 0x40;
constexpr std::uint8_t kOpPacket = 0, kOpAdvance = 1, kOpTrack = 2, kOpEnable = 3;
constexpr std::uint8_t kOpSign = 0x10, kOpSetSender = 0x20;
constexpr std::uint32_t kLocal = 0x0A000002;  // 10.0.0.2
constexpr std::uint32_t kSources[] = {0x0A000001, 0x0A000003, kLocal, 0xC0A80A09};
constexpr std::uint32_t kVip = 0xC0A80A01;  // 192.168.10.1
constexpr char kMd5Key[] = "VPNHA-md5";
constexpr std::size_t kMaxActionsPerStep = 4096;
constexpr std::uint32_t kMaxAdvanceMs = 0x3FFF;  // 16.4 s per record: past the default hold time
// ESPGW_FUZZ_TRACE=1: print the group's log lines (state changes) while replaying an input.
const bool kTrace = std::getenv("ESPGW_FUZZ_TRACE") != nullptr;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz_hsrp: %s\n", what);
  std::abort();
}
void require(bool ok, const char* what) {
  if (!ok) fail(what);
}

HsrpAuthConfig auth_for(std::uint8_t sel) {
  auto a = (sel & kCfgMd5) ? HsrpAuthConfig::md5_key_string(kMd5Key, 7) : HsrpAuthConfig::text_string("cisco");
  return a;
}

HsrpGroupConfig config_for(std::uint8_t sel, std::uint32_t local, std::uint32_t priority) {
  HsrpGroupConfig c;
  c.interface = "GigabitEthernet0/0";
  c.version = (sel & kCfgV2) ? HsrpVersion::kV2 : HsrpVersion::kV1;
  c.group = (sel & kCfgV2) ? 300 : 10;
  if (sel & kCfgVip) c.virtual_ip = kVip;
  c.priority = priority;
  c.priority_configured = true;
  c.preempt = sel & kCfgPreempt;
  if (sel & kCfgPreemptDelay) c.preempt_delay = 500ms;
  if (sel & kCfgFastTimers) {
    c.hello_time = (sel & kCfgV2) ? 100ms : 1000ms;
    c.hold_time = (sel & kCfgV2) ? 400ms : 3000ms;
  }
  c.auth = auth_for(sel);
  c.auth_configured = true;
  c.tracks = {HsrpTrack{1, 20}, HsrpTrack{2, 200}};
  c.local_address = local;
  c.local_mac = {0x52, 0x54, 0x00, 0x00, 0x00, static_cast<std::uint8_t>(local)};
  return c;
}

// v1 carries whole seconds, 1-255 on the way out: what a decoded v1 message re-encodes to.
std::chrono::milliseconds v1_wire_time(std::chrono::milliseconds t) {
  return std::clamp<std::chrono::milliseconds>(t, 1s, 255s);
}

// The codec: decode, re-encode, decode again; the MD5 digest sits where both sides say.
void check_codec(std::span<const std::uint8_t> bytes) {
  auto result = decode_hsrp(bytes);
  if (auto* err = std::get_if<HsrpDecodeError>(&result)) {
    require(err->offset <= bytes.size(), "decode error offset past the input");
    require(!err->reason.empty(), "decode error without a reason");
    return;
  }
  const HsrpDecoded& d = std::get<HsrpDecoded>(result);
  const HsrpMessage& m = d.message;
  if (m.md5) require(d.md5_digest_offset + kHsrpMd5DigestBytes <= bytes.size(), "MD5 digest offset past the input");
  if (m.version == HsrpVersion::kV1) require(m.text_auth.has_value(), "v1 message without its text field");
  Bytes again = encode_hsrp(m);  // never throws on a decoded message: both limits come from the wire
  auto result2 = decode_hsrp(again);
  auto* d2 = std::get_if<HsrpDecoded>(&result2);
  require(d2 != nullptr, "a decoded message re-encodes to bytes that do not decode");
  HsrpMessage expected = m;
  if (m.version == HsrpVersion::kV1) {
    expected.hello_time = v1_wire_time(m.hello_time);
    expected.hold_time = v1_wire_time(m.hold_time);
  }
  require(d2->message == expected, "re-encoded message decodes to a different message");
  if (m.md5) require(d2->md5_digest_offset == hsrp_md5_digest_offset(m), "MD5 digest offset differs after re-encoding");
  require(encode_hsrp(d2->message) == again, "encoding is not a fixed point");

  // Keyed MD5 (RFC 1828) over these very bytes: the checker accepts exactly the digest the
  // key gives, from the sender the TLV names.
  if (m.md5) {
    auto cfg = HsrpAuthConfig::md5_key_string(kMd5Key, m.md5->key_id);
    Bytes signed_bytes(bytes.begin(), bytes.end());
    auto at = signed_bytes.begin() + static_cast<std::ptrdiff_t>(d.md5_digest_offset);
    std::fill_n(at, kHsrpMd5DigestBytes, 0);
    auto digest = hsrp_keyed_md5(cfg.md5_key.view(), signed_bytes);
    std::copy(digest.begin(), digest.end(), at);
    auto sd = decode_hsrp(signed_bytes);
    const auto& sdec = std::get<HsrpDecoded>(sd);  // only digest bytes changed
    auto ok = check_hsrp_auth(signed_bytes, sdec, cfg, m.md5->sender_ip);
    auto other = check_hsrp_auth(signed_bytes, sdec, cfg, m.md5->sender_ip ^ 1);
    if (m.md5->algorithm == kHsrpMd5Algorithm) {
      require(ok == HsrpAuthVerdict::kOk, "correctly signed message rejected");
      require(other == HsrpAuthVerdict::kSourceMismatch, "signed message from another source accepted");
    } else {
      require(ok == HsrpAuthVerdict::kMismatch, "unknown MD5 algorithm accepted");
    }
  }
}

// Signs a copy of bytes as a peer holding the group's key would (op & kOpSign).
Bytes sign_as_peer(std::span<const std::uint8_t> bytes, const HsrpAuthConfig& auth, std::uint32_t source,
                   bool set_sender) {
  Bytes out(bytes.begin(), bytes.end());
  if (auth.mode != HsrpAuthConfig::Mode::kMd5) return out;
  auto result = decode_hsrp(out);
  auto* d = std::get_if<HsrpDecoded>(&result);
  if (!d || !d->message.md5) return out;
  std::size_t digest_at = d->md5_digest_offset;
  if (set_sender)
    for (int i = 0; i < 4; ++i) out[digest_at - 8 + i] = static_cast<std::uint8_t>(source >> (24 - 8 * i));
  std::fill_n(out.begin() + static_cast<std::ptrdiff_t>(digest_at), kHsrpMd5DigestBytes, 0);
  auto digest = hsrp_keyed_md5(auth.md5_key.view(), out);
  std::copy(digest.begin(), digest.end(), out.begin() + static_cast<std::ptrdiff_t>(digest_at));
  return out;
}

std::uint64_t packets_accounted(const HsrpCounters& c) {
  return c.hellos_in + c.coups_in + c.resigns_in + c.malformed + c.unsupported + c.auth_failures +
         c.source_mismatch + c.own_address + c.other_group;
}

class Harness {
 public:
  explicit Harness(std::uint8_t sel)
      : config_(config_for(sel, kLocal, (sel & kCfgHighPriority) ? 150 : 90)),
        driver_(clock_, config_, [this](const HsrpAction& a) { actions_.push_back(a); }) {}

  void packet(std::span<const std::uint8_t> bytes, std::uint32_t source) {
    check_codec(bytes);
    HsrpCounters before = driver_.machine().counters();
    HsrpState state_before = driver_.machine().state();
    begin();
    driver_.on_packet(bytes, source);
    const HsrpCounters& after = driver_.machine().counters();
    require(packets_accounted(after) == packets_accounted(before) + (enabled_ ? 1 : 0),
            "a packet was not counted exactly once");
    bool handled = after.hellos_in + after.coups_in + after.resigns_in !=
                   before.hellos_in + before.coups_in + before.resigns_in;
    if (!handled) {
      // Dropped (malformed, other group, own address, bad or replayed authentication): no
      // transition, nothing sent, at most the rate-limited %HSRP-4-BADAUTH line.
      require(driver_.machine().state() == state_before, "state changed on a dropped packet");
      for (const auto& a : actions_)
        require(a.kind == HsrpAction::Kind::kLog && after.auth_failures > before.auth_failures,
                "a dropped packet produced an action");
    }
    end();
  }

  void advance(std::chrono::milliseconds by) {
    begin();
    std::size_t fired = clock_.advance(by);
    // The driver keeps one timer; it fires at most once per millisecond of simulated time.
    require(fired <= static_cast<std::size_t>(by.count()) + 1, "timer fired more often than once per ms");
    require(clock_.pending() <= 1, "more than one HSRP timer armed");
    auto next = driver_.machine().next_deadline();
    require(!next || *next > clock_.now(), "a deadline stays due after the timers ran");
    end();
  }

  void track(int object, bool up) {
    begin();
    driver_.on_track(object, up);
    end();
  }

  void hold(bool active, bool on) {
    const bool was_held = driver_.machine().active_held();
    begin();
    if (active) driver_.set_active_held(on);
    else driver_.set_preempt_held(on);
    end();
    require(!active || driver_.machine().active_held() == on, "the active hold is not what was set");
    // Setting the active hold leaves no Active group behind (it steps down at once). Setting
    // it again while it is on changes nothing: a group may be Active under a hold that was on
    // already, because a Resign heard on the wire hands over despite the hold (72e090c).
    if (active && on && !was_held)
      require(driver_.machine().state() != HsrpState::kActive, "Active after the active hold was set");
  }

  void enable(bool on) {
    begin();
    if (on) driver_.enable();
    else driver_.disable();
    enabled_ = on;
    end();
  }

 private:
  void begin() {
    actions_.clear();
    sent_this_step_ = 0;
  }

  // Invariants after every event.
  void end() {
    require(actions_.size() <= kMaxActionsPerStep, "action storm");
    const HsrpStateMachine& fsm = driver_.machine();
    for (const auto& a : actions_) {
      switch (a.kind) {
        case HsrpAction::Kind::kTakeVip:
          require(!vip_owned_, "VIP taken twice");
          require(a.virtual_ip != 0, "took the VIP 0.0.0.0");
          require(a.virtual_mac == hsrp_virtual_mac(config_.version, config_.group), "wrong virtual MAC");
          vip_owned_ = a.virtual_ip;
          break;
        case HsrpAction::Kind::kReleaseVip:
          require(vip_owned_ == a.virtual_ip, "released a VIP not held");
          vip_owned_ = 0;
          break;
        case HsrpAction::Kind::kSend:
          check_sent(a);
          break;
        case HsrpAction::Kind::kLog:
          require(!a.text.empty(), "empty log line");
          if (kTrace) std::fprintf(stderr, "%s\n", a.text.c_str());
          break;
      }
    }
    require((vip_owned_ != 0) == (fsm.state() == HsrpState::kActive),
            "VIP held while not Active, or Active without it");
    if (!enabled_) require(fsm.state() == HsrpState::kInitial && !fsm.next_deadline(), "disabled group still running");
    auto st = fsm.status();
    require(st.hello_time >= kHsrpMinHelloTime && st.hold_time > st.hello_time, "insane timers in use");
    require(st.priority <= config_.priority, "priority above the configured one");
    if (vip_owned_) require(st.virtual_ip && *st.virtual_ip == vip_owned_, "VIP held differs from the group's");
  }

  // What we send must decode, belong to our group and pass our own authentication check.
  void check_sent(const HsrpAction& a) {
    if (++sent_this_step_ == 1) check_codec(a.packet);  // the full codec check once per event: speed
    auto result = decode_hsrp(a.packet);
    auto* d = std::get_if<HsrpDecoded>(&result);
    require(d != nullptr, "sent a packet that does not decode");
    require(d->message.version == config_.version && d->message.group == config_.group, "sent to another group");
    require(d->message.opcode == a.opcode, "sent op code differs from the action's");
    require(check_hsrp_auth(a.packet, *d, config_.auth, kLocal) == HsrpAuthVerdict::kOk, "sent an unauthentic packet");
  }

  HsrpGroupConfig config_;
  espgw::ManualScheduler clock_;
  std::vector<HsrpAction> actions_;
  HsrpGroupDriver driver_;
  bool enabled_ = false;
  std::uint32_t vip_owned_ = 0;
  int sent_this_step_ = 0;
};

// Seed building: one record.
void put_record(Bytes& out, std::uint8_t op, std::span<const std::uint8_t> payload) {
  out.push_back(op);
  out.push_back(static_cast<std::uint8_t>(payload.size()));
  out.insert(out.end(), payload.begin(), payload.end());
}
void put_advance(Bytes& out, std::chrono::milliseconds by) {
  std::uint8_t p[2] = {static_cast<std::uint8_t>(by.count() >> 8), static_cast<std::uint8_t>(by.count())};
  put_record(out, kOpAdvance, p);
}

// A conversation as the fuzzed group (10.0.0.2) would hear it: `peers` run real state machines
// with the group's settings and every Hello, Coup and Resign they send becomes a packet record.
espgw::fuzz::Seed conversation(const char* name, std::uint8_t sel, std::vector<std::uint32_t> peer_priorities,
                               bool track_down, bool peer_leaves) {
  Bytes out{sel};
  std::uint8_t enable_op = kOpEnable | 4;
  put_record(out, enable_op, {});
  std::vector<HsrpStateMachine> peers;
  for (std::size_t i = 0; i < peer_priorities.size(); ++i) {
    HsrpGroupConfig c = config_for(static_cast<std::uint8_t>(sel | kCfgVip), kSources[i], peer_priorities[i]);
    peers.emplace_back(std::move(c));
  }
  HsrpTime t{};
  auto emit = [&](std::size_t i, const std::vector<HsrpAction>& actions) {
    for (const auto& a : actions)
      if (a.kind == HsrpAction::Kind::kSend) put_record(out, static_cast<std::uint8_t>(kOpPacket | (i << 2)), a.packet);
  };
  for (std::size_t i = 0; i < peers.size(); ++i) emit(i, peers[i].enable(t));
  const auto step = (sel & kCfgFastTimers) ? ((sel & kCfgV2) ? 50ms : 500ms) : 1000ms;
  for (int n = 0; n < 24; ++n) {
    t += step;
    put_advance(out, step);
    for (std::size_t i = 0; i < peers.size(); ++i) emit(i, peers[i].on_timer(t));
    if (n == 12 && track_down) {
      std::uint8_t obj[1] = {0};
      put_record(out, kOpTrack, obj);  // object 1 down: -20
    }
  }
  if (peer_leaves && !peers.empty()) emit(0, peers[0].disable(t));  // Resign
  put_advance(out, 12000ms);
  put_record(out, kOpEnable, {});  // disable: a Resign if we went Active
  return {name, std::move(out)};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::uint8_t> in(data, size);
  check_codec(in);
  if (in.empty()) return 0;
  Harness h(in[0]);
  const HsrpAuthConfig auth = auth_for(in[0]);
  std::size_t off = 1;
  while (off + 2 <= in.size()) {
    std::uint8_t op = in[off];
    std::size_t len = std::min<std::size_t>(in[off + 1], in.size() - off - 2);
    auto payload = in.subspan(off + 2, len);
    off += 2 + len;
    switch (op & 3) {
      case kOpPacket: {
        std::uint32_t source = kSources[(op >> 2) & 3];
        if (op & kOpSign) {
          Bytes signed_bytes = sign_as_peer(payload, auth, source, op & kOpSetSender);
          h.packet(signed_bytes, source);
        } else {
          h.packet(payload, source);
        }
        break;
      }
      case kOpAdvance: {
        std::uint32_t ms = 0;
        for (std::size_t i = 0; i < std::min<std::size_t>(2, payload.size()); ++i) ms = ms << 8 | payload[i];
        h.advance(std::chrono::milliseconds(ms & kMaxAdvanceMs));
        break;
      }
      case kOpTrack:
        if (op & 8) h.hold(!payload.empty() && (payload[0] & 1), op & 4);
        else h.track(1 + (payload.empty() ? 0 : payload[0] & 1), op & 4);
        break;
      case kOpEnable:
        h.enable(op & 4);
        break;
    }
  }
  return 0;
}

std::vector<espgw::fuzz::Seed> espgw::fuzz::seeds() {
  std::vector<Seed> s;
  s.push_back(conversation("v1_text_better_active", 0, {120}, false, true));
  s.push_back(
      conversation("v1_md5_vip_preempt", kCfgMd5 | kCfgVip | kCfgPreempt | kCfgHighPriority, {120}, true, false));
  s.push_back(conversation("v1_text_learn_two_peers", kCfgFastTimers, {120, 95}, false, true));
  s.push_back(conversation("v2_md5_fast", kCfgV2 | kCfgMd5 | kCfgFastTimers | kCfgVip, {100, 80}, false, true));
  s.push_back(conversation("v2_text_preempt_delay", kCfgV2 | kCfgPreempt | kCfgPreemptDelay | kCfgHighPriority,
                           {110}, true, false));
  s.push_back(conversation("v2_md5_alone", kCfgV2 | kCfgMd5 | kCfgVip, {}, true, false));
  return s;
}

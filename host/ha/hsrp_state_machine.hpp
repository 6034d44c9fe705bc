// The HSRP state machine for one group (RFC 2281 section 5: states, timers, events,
// actions), pure: packets, timer ticks, track and interface changes come in with the
// current time; actions (packets to send, take/release the VIP, state-change log lines)
// come out. Nothing here reads a clock or touches a socket, so failover timing is testable
// in microseconds. Timers, all owned here (the caller arms one timer at next_deadline()):
//   hello    every hello time in Speak, Standby, Active: send a Hello
//   active   hold time after the active router's last Hello: it is gone (event c)
//   standby  hold time after the standby router's last Hello: it is gone (event d)
//   preempt  `preempt delay minimum`: how long a better router waits before its Coup
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "host/ha/hsrp_auth.hpp"
#include "host/ha/hsrp_packet.hpp"

namespace espgw::ha {

using HsrpClock = std::chrono::steady_clock;
using HsrpTime = HsrpClock::time_point;

// `standby N track OBJECT decrement D`.
struct HsrpTrack {
  int object = 0;
  std::uint32_t decrement = 10;
};

struct HsrpGroupConfig {
  std::string interface;  // IOS name, for logs and show: "GigabitEthernet0/0"
  HsrpVersion version = HsrpVersion::kV1;
  std::uint16_t group = 0;
  std::optional<std::uint32_t> virtual_ip;  // nullopt: learned from the active router (Learn state)
  std::uint32_t priority = kHsrpDefaultPriority;
  bool priority_configured = false;  // show: "(configured 105)" versus "(default 100)"
  bool preempt = false;
  std::chrono::milliseconds preempt_delay{0};
  // nullopt: IOS defaults (3 s / 10 s) until learned from the active router's Hello.
  std::optional<std::chrono::milliseconds> hello_time;
  std::optional<std::chrono::milliseconds> hold_time;
  HsrpAuthConfig auth;
  bool auth_configured = false;
  std::vector<HsrpTrack> tracks;
  std::optional<std::string> name;  // `standby N name NAME`
  std::uint32_t local_address = 0;  // our address on the interface (election tie-break, MD5 sender)
  MacAddress local_mac{};           // our burned-in address (v2 identifier)
  bool use_bia = false;             // `standby use-bia`: local_mac instead of the virtual MAC
};

struct HsrpAction {
  enum class Kind {
    kSend,        // multicast `packet` to the group address (TTL 1)
    kTakeVip,     // become the owner: add `virtual_ip`, announce it by gratuitous ARP
    kReleaseVip,  // stop owning `virtual_ip`
    kLog,         // `text` is an IOS-style log line (%HSRP-5-STATECHANGE ...)
  };
  Kind kind = Kind::kLog;
  HsrpOpcode opcode = HsrpOpcode::kHello;  // kSend
  std::vector<std::uint8_t> packet;        // kSend
  std::uint32_t virtual_ip = 0;            // kTakeVip / kReleaseVip
  MacAddress virtual_mac{};                // kTakeVip
  std::string text;                        // kLog

  static HsrpAction log(std::string text);
  static HsrpAction send(HsrpOpcode opcode, std::vector<std::uint8_t> packet);
  static HsrpAction take_vip(std::uint32_t vip, MacAddress mac);
  static HsrpAction release_vip(std::uint32_t vip);
};

// Drops, named after what IOS would log or count.
struct HsrpCounters {
  std::uint64_t hellos_in = 0, coups_in = 0, resigns_in = 0;
  std::uint64_t hellos_out = 0, coups_out = 0, resigns_out = 0;
  std::uint64_t malformed = 0;        // decoder errors
  std::uint64_t unsupported = 0;      // advertisements, IPv6 groups
  std::uint64_t auth_failures = 0;    // %HSRP-4-BADAUTH: wrong text, wrong digest, missing MD5
  std::uint64_t source_mismatch = 0;  // valid MD5 whose sender IP is not the packet's source (replay)
  std::uint64_t own_address = 0;      // our own address as the source: a loop or a replay of our Hellos
  std::uint64_t other_group = 0;      // another group or version: not for this machine
  std::uint64_t vip_mismatch = 0;     // %HSRP-4-DIFFVIP1: active router's VIP differs from ours
  std::uint64_t state_changes = 0;
  std::uint64_t takeovers_held = 0;   // would have gone Active; the sync channel says a better active lives
  std::uint64_t preempts_held = 0;    // would have preempted; the stateful replica was not in sync yet
};

// The other routers as this one knows them.
struct HsrpPeer {
  std::uint32_t address = 0;
  std::uint32_t priority = 0;
  HsrpTime expires{};
};

// Everything `show standby` prints, captured at one instant.
struct HsrpGroupStatus {
  HsrpGroupConfig config;
  HsrpState state = HsrpState::kInitial;
  std::uint64_t state_changes = 0;
  std::optional<HsrpTime> last_state_change;
  std::optional<std::uint32_t> virtual_ip;  // configured or learned
  MacAddress virtual_mac{};
  std::chrono::milliseconds hello_time{}, hold_time{};
  std::optional<HsrpTime> next_hello;
  std::optional<HsrpPeer> active;   // nullopt with state kActive means local
  std::optional<HsrpPeer> standby;  // nullopt with state kStandby means local
  std::uint32_t priority = 0;       // effective, after track decrements
  std::vector<std::pair<HsrpTrack, bool>> tracks;  // with up/down
  std::optional<HsrpTime> preempt_at;
  bool active_held = false, preempt_held = false;
  HsrpCounters counters;
};

class HsrpStateMachine {
 public:
  explicit HsrpStateMachine(HsrpGroupConfig config);

  // Event a / b: the interface (or HSRP on it) comes up or goes down. Going down while
  // Active sends a Resign and releases the VIP (`shutdown`, daemon exit).
  std::vector<HsrpAction> enable(HsrpTime now);
  std::vector<HsrpAction> disable(HsrpTime now);

  // A UDP payload received on port 1985 from `source`: decoded, authenticated, counted, then
  // handled. Anything not for this group is counted and ignored.
  std::vector<HsrpAction> on_packet(std::span<const std::uint8_t> bytes, std::uint32_t source, HsrpTime now);

  // A tracked object changed state; the priority follows (decrement while down).
  std::vector<HsrpAction> on_track(int object, bool up, HsrpTime now);

  // Fires every timer due at `now` (events c, d, e and the preempt delay).
  std::vector<HsrpAction> on_timer(HsrpTime now);

  // Stateful HA (docs/ha.md, "Split brain"): while held, the active timer's expiry (the
  // Hellos stopped) does not make this group Active, and an Active group steps down to
  // Standby at once, releasing the VIP. A Resign or a preempt still does: those come from
  // Hellos heard on the wire. espd holds it while the sync channel shows the peer alive, Active and
  // better by RFC 2281's comparison: the Hellos were lost, not the router.
  std::vector<HsrpAction> set_active_held(bool held, HsrpTime now);
  // While held, no Coup (preempt): a returning router waits for the bulk resync (IOS SSO).
  std::vector<HsrpAction> set_preempt_held(bool held, HsrpTime now);
  bool active_held() const { return active_held_; }
  bool preempt_held() const { return preempt_held_; }
  // When on_timer must next be called; nullopt while disabled.
  std::optional<HsrpTime> next_deadline() const;

  HsrpState state() const { return state_; }
  std::uint32_t priority() const;
  const HsrpCounters& counters() const { return counters_; }
  HsrpGroupStatus status() const;
  const HsrpGroupConfig& config() const { return config_; }

 private:
  struct Out;  // action collector

  void handle(const HsrpMessage& msg, std::uint32_t source, HsrpTime now, Out& out);
  void handle_active_hello(const HsrpMessage& msg, std::uint32_t source, HsrpTime now, Out& out);
  void handle_standby_hello(const HsrpMessage& msg, std::uint32_t source, HsrpTime now, Out& out);
  void handle_speak_hello(const HsrpMessage& msg, std::uint32_t source, HsrpTime now, Out& out);
  void handle_coup(const HsrpMessage& msg, std::uint32_t source, HsrpTime now, Out& out);
  void handle_resign(std::uint32_t source, HsrpTime now, Out& out);
  void maybe_preempt(HsrpTime now, Out& out);

  void go(HsrpState next, HsrpTime now, Out& out);
  void send(HsrpOpcode opcode, Out& out);
  bool beats(std::uint32_t prio, std::uint32_t addr) const;  // do we win against (prio, addr)?
  std::chrono::milliseconds hello_time() const;
  std::chrono::milliseconds hold_time() const;
  std::optional<std::uint32_t> virtual_ip() const;

  HsrpGroupConfig config_;
  HsrpState state_ = HsrpState::kInitial;
  bool enabled_ = false;
  std::optional<std::uint32_t> learned_vip_;
  std::optional<std::chrono::milliseconds> learned_hello_, learned_hold_;
  std::optional<HsrpPeer> active_, standby_;
  std::optional<HsrpTime> hello_due_, active_expiry_, standby_expiry_, preempt_due_;
  std::vector<int> tracks_down_;
  bool active_held_ = false, preempt_held_ = false;
  std::optional<HsrpTime> last_state_change_;
  std::optional<HsrpTime> last_drop_log_;
  HsrpCounters counters_;
};

}  // namespace espgw::ha

// Every IKE deadline lives here (STYLE.md "host/ike", after WireGuard's timers.c); other code
// only reports events. The timers, all armed through the injected Scheduler:
//   retransmit   per (SA, message ID): kRetransmitInitial doubled per attempt, at most
//                kRetransmitMax resends, then the exchange (and a half-open SA) is dropped.
//   state        per SA: phase 1 must complete within kHalfOpenTimeout of its first message.
//   lifetime     per SA: the negotiated phase-1 lifetime; then the SA is deleted. A replaced
//                SA (phase 1 re-established) gets kPhase1ReplacedGrace instead.
//   reauth       per SA: phase-1 re-establishment before the lifetime ends (IOS behaviour):
//                the initiator at kRekeySoftFraction minus up to kRekeyJitterFraction of the
//                lifetime, the responder later (kPhase1ResponderSoftFraction, same jitter), so
//                it steps in only when the initiator did not.
//   dpd          per SA: keepalive interval (R-U-THERE), then the retry interval while a
//                probe is outstanding; the manager counts retries (dpd.hpp).
//   child soft   per inbound SPI: at kRekeySoftFraction of the phase-2 lifetime, minus a random
//                jitter of up to kRekeyJitterFraction, so both peers do not rekey at once.
//   child hard   per inbound SPI: the negotiated phase-2 seconds lifetime (hard expiry).
//   nat keepalive per SA on UDP 4500: every `crypto isakmp nat keepalive` seconds, periodic
//                until the SA is deleted (RFC 3948 section 2.3).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <utility>

#include "host/common/scheduler.hpp"
#include "host/ike/ike_constants.hpp"

namespace espgw::ike {

using SaId = std::uint64_t;

struct IkeTimerHooks {
  std::function<void(SaId, std::uint32_t message_id)> retransmit;       // resend the stored message
  std::function<void(SaId, std::uint32_t message_id)> give_up;          // retransmission bound reached
  std::function<void(SaId, const char* why)> expire;                    // delete the SA
  std::function<void(SaId)> dpd_due;                                    // time to probe (or retry)
  std::function<void(SaId, std::uint32_t inbound_spi)> child_expired;   // phase-2 lifetime over
  std::function<void(SaId, std::uint32_t inbound_spi)> child_soft;      // time to rekey it
  std::function<void(SaId)> natt_keepalive;                             // send one 0xFF datagram
  std::function<void(SaId)> phase1_soft;                                // re-establish phase 1
};

class IkeTimers {
 public:
  IkeTimers(Scheduler& scheduler, IkeTimerHooks hooks) : scheduler_(scheduler), hooks_(std::move(hooks)) {}
  ~IkeTimers();
  IkeTimers(const IkeTimers&) = delete;
  IkeTimers& operator=(const IkeTimers&) = delete;

  // Events.
  void on_sa_created(SaId sa);                                         // arms the state timer
  void on_request_sent(SaId sa, std::uint32_t message_id);             // arms retransmit (attempt 0)
  void on_response_received(SaId sa, std::uint32_t message_id);        // cancels retransmit
  // state -> lifetime (+ reauth) timers. `remaining` < `lifetime` for an SA adopted from
  // another gateway (HA): both timers then count from what is left.
  void on_phase1_established(SaId sa, std::chrono::seconds lifetime, bool initiator,
                             std::optional<std::chrono::milliseconds> remaining = std::nullopt);
  void on_dpd_wait(SaId sa, std::chrono::seconds after);               // (re)arms the DPD timer
  // A newer ISAKMP SA took over: no more DPD or re-establishment; expire (DELETE) after `grace`.
  void on_phase1_replaced(SaId sa, std::chrono::milliseconds grace);
  // The SA uses UDP 4500: fire natt_keepalive every `interval` (> 0) until on_sa_deleted.
  void on_natt_floated(SaId sa, std::chrono::seconds interval);
  // `rekey`: arm the soft timer too (the side that rekeys on time). `remaining` as above.
  void on_child_installed(SaId sa, std::uint32_t inbound_spi, std::chrono::seconds lifetime, bool rekey,
                          std::optional<std::chrono::milliseconds> remaining = std::nullopt);
  void on_child_removed(std::uint32_t inbound_spi);
  // The child now belongs to another ISAKMP SA (phase 1 re-established): its timers stay.
  void on_child_moved(std::uint32_t inbound_spi, SaId to);
  void on_sa_deleted(SaId sa);                                         // cancels everything of it

  std::size_t armed() const;  // for tests: timers currently pending

 private:
  enum class Kind { kState, kLifetime, kReauth, kDpd, kNattKeepalive };
  // The soft deadline: lifetime * (fraction - jitter), never before now.
  std::chrono::milliseconds soft_deadline(std::chrono::seconds lifetime, double fraction,
                                          std::chrono::milliseconds remaining);
  using Key = std::pair<SaId, std::uint32_t>;
  struct Retransmit {
    Scheduler::TimerId timer = 0;
    int attempt = 0;
  };
  void arm_retransmit(Key key);
  void cancel_sa_timer(SaId sa, Kind kind);

  Scheduler& scheduler_;
  IkeTimerHooks hooks_;
  std::map<Key, Retransmit> retransmit_;
  std::map<std::pair<SaId, Kind>, Scheduler::TimerId> sa_timers_;
  struct ChildTimers {
    SaId sa = 0;
    Scheduler::TimerId soft = 0, hard = 0;
  };
  std::map<std::uint32_t, ChildTimers> child_;
  std::mt19937 rng_{std::random_device{}()};  // rekey jitter only; nothing secret
};

}  // namespace espgw::ike

// IKE timers (see ike_timers.hpp for the list and their deadlines).
#include "host/ike/ike_timers.hpp"

#include <algorithm>

namespace espgw::ike {

IkeTimers::~IkeTimers() {
  for (auto& [k, r] : retransmit_) scheduler_.cancel(r.timer);
  for (auto& [k, t] : sa_timers_) scheduler_.cancel(t);
  for (auto& [k, c] : child_) {
    scheduler_.cancel(c.soft);
    scheduler_.cancel(c.hard);
  }
}

void IkeTimers::cancel_sa_timer(SaId sa, Kind kind) {
  auto it = sa_timers_.find({sa, kind});
  if (it == sa_timers_.end()) return;
  scheduler_.cancel(it->second);
  sa_timers_.erase(it);
}

void IkeTimers::on_sa_created(SaId sa) {
  cancel_sa_timer(sa, Kind::kState);
  sa_timers_[{sa, Kind::kState}] = scheduler_.schedule(kHalfOpenTimeout, [this, sa] {
    sa_timers_.erase({sa, Kind::kState});
    hooks_.expire(sa, "phase 1 not complete within the state timer");
  });
}

void IkeTimers::arm_retransmit(Key key) {
  Retransmit& r = retransmit_[key];
  auto delay = kRetransmitInitial * (1 << r.attempt);
  r.timer = scheduler_.schedule(std::chrono::duration_cast<std::chrono::milliseconds>(delay), [this, key] {
    auto it = retransmit_.find(key);
    if (it == retransmit_.end()) return;
    if (it->second.attempt >= kRetransmitMax) {
      retransmit_.erase(it);
      hooks_.give_up(key.first, key.second);
      return;
    }
    ++it->second.attempt;
    hooks_.retransmit(key.first, key.second);
    arm_retransmit(key);
  });
}

void IkeTimers::on_request_sent(SaId sa, std::uint32_t message_id) {
  on_response_received(sa, message_id);  // a new message restarts the backoff
  arm_retransmit({sa, message_id});
}

void IkeTimers::on_response_received(SaId sa, std::uint32_t message_id) {
  auto it = retransmit_.find({sa, message_id});
  if (it == retransmit_.end()) return;
  scheduler_.cancel(it->second.timer);
  retransmit_.erase(it);
}

std::chrono::milliseconds IkeTimers::soft_deadline(std::chrono::seconds lifetime, double fraction,
                                                   std::chrono::milliseconds remaining) {
  std::uniform_real_distribution<double> jitter(0.0, kRekeyJitterFraction);
  auto soft = std::chrono::milliseconds(
      static_cast<std::int64_t>(static_cast<double>(lifetime.count()) * 1000.0 * (fraction - jitter(rng_))));
  // Measured from the start of the lifetime; an adopted SA has used some of it already.
  auto used = std::chrono::duration_cast<std::chrono::milliseconds>(lifetime) - remaining;
  return std::max(soft - used, std::chrono::milliseconds(0));
}

void IkeTimers::on_phase1_established(SaId sa, std::chrono::seconds lifetime, bool initiator,
                                      std::optional<std::chrono::milliseconds> remaining) {
  cancel_sa_timer(sa, Kind::kState);
  cancel_sa_timer(sa, Kind::kLifetime);
  cancel_sa_timer(sa, Kind::kReauth);
  auto left = remaining.value_or(std::chrono::duration_cast<std::chrono::milliseconds>(lifetime));
  sa_timers_[{sa, Kind::kLifetime}] = scheduler_.schedule(left, [this, sa] {
    sa_timers_.erase({sa, Kind::kLifetime});
    hooks_.expire(sa, "phase 1 lifetime expired");
  });
  auto soft = soft_deadline(lifetime, initiator ? kRekeySoftFraction : kPhase1ResponderSoftFraction, left);
  sa_timers_[{sa, Kind::kReauth}] = scheduler_.schedule(soft, [this, sa] {
    sa_timers_.erase({sa, Kind::kReauth});
    if (hooks_.phase1_soft) hooks_.phase1_soft(sa);
  });
}

void IkeTimers::on_phase1_replaced(SaId sa, std::chrono::milliseconds grace) {
  for (Kind k : {Kind::kReauth, Kind::kDpd, Kind::kLifetime}) cancel_sa_timer(sa, k);
  sa_timers_[{sa, Kind::kLifetime}] = scheduler_.schedule(grace, [this, sa] {
    sa_timers_.erase({sa, Kind::kLifetime});
    hooks_.expire(sa, "phase 1 re-established");
  });
}

void IkeTimers::on_dpd_wait(SaId sa, std::chrono::seconds after) {
  cancel_sa_timer(sa, Kind::kDpd);
  sa_timers_[{sa, Kind::kDpd}] = scheduler_.schedule(after, [this, sa] {
    sa_timers_.erase({sa, Kind::kDpd});
    hooks_.dpd_due(sa);
  });
}

void IkeTimers::on_natt_floated(SaId sa, std::chrono::seconds interval) {
  cancel_sa_timer(sa, Kind::kNattKeepalive);
  if (interval.count() <= 0) return;
  // Periodic: re-armed before the hook runs, so the hook may delete the SA (and cancel it).
  sa_timers_[{sa, Kind::kNattKeepalive}] = scheduler_.schedule(interval, [this, sa, interval] {
    sa_timers_.erase({sa, Kind::kNattKeepalive});
    on_natt_floated(sa, interval);
    hooks_.natt_keepalive(sa);
  });
}

void IkeTimers::on_child_installed(SaId sa, std::uint32_t inbound_spi, std::chrono::seconds lifetime, bool rekey,
                                   std::optional<std::chrono::milliseconds> remaining) {
  on_child_removed(inbound_spi);
  ChildTimers t;
  t.sa = sa;
  auto left = remaining.value_or(std::chrono::duration_cast<std::chrono::milliseconds>(lifetime));
  // The owner is looked up when the timer fires: the child may have moved to a newer
  // ISAKMP SA since (on_child_moved).
  t.hard = scheduler_.schedule(left, [this, inbound_spi] {
    auto it = child_.find(inbound_spi);
    if (it == child_.end()) return;
    SaId owner = it->second.sa;
    scheduler_.cancel(it->second.soft);
    child_.erase(it);
    hooks_.child_expired(owner, inbound_spi);
  });
  if (rekey) {
    t.soft = scheduler_.schedule(soft_deadline(lifetime, kRekeySoftFraction, left), [this, inbound_spi] {
      auto it = child_.find(inbound_spi);
      if (it == child_.end()) return;
      it->second.soft = 0;
      hooks_.child_soft(it->second.sa, inbound_spi);
    });
  }
  child_[inbound_spi] = t;
}

void IkeTimers::on_child_removed(std::uint32_t inbound_spi) {
  auto it = child_.find(inbound_spi);
  if (it == child_.end()) return;
  scheduler_.cancel(it->second.soft);
  scheduler_.cancel(it->second.hard);
  child_.erase(it);
}

void IkeTimers::on_child_moved(std::uint32_t inbound_spi, SaId to) {
  if (auto it = child_.find(inbound_spi); it != child_.end()) it->second.sa = to;
}

void IkeTimers::on_sa_deleted(SaId sa) {
  for (auto it = retransmit_.begin(); it != retransmit_.end();) {
    if (it->first.first == sa) {
      scheduler_.cancel(it->second.timer);
      it = retransmit_.erase(it);
    } else {
      ++it;
    }
  }
  for (Kind k : {Kind::kState, Kind::kLifetime, Kind::kReauth, Kind::kDpd, Kind::kNattKeepalive}) cancel_sa_timer(sa, k);
  for (auto it = child_.begin(); it != child_.end();) {
    if (it->second.sa == sa) {
      scheduler_.cancel(it->second.soft);
      scheduler_.cancel(it->second.hard);
      it = child_.erase(it);
    } else {
      ++it;
    }
  }
}

std::size_t IkeTimers::armed() const { return retransmit_.size() + sa_timers_.size() + child_.size(); }

}  // namespace espgw::ike

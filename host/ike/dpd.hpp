// Dead Peer Detection (RFC 3706): R-U-THERE / R-U-THERE-ACK notifies carrying a 32-bit
// sequence number, sent in protected Informational exchanges. `crypto isakmp keepalive S R
// [periodic|on-demand]`: after S seconds (periodic) or S seconds without traffic from the
// peer (on-demand) send R-U-THERE; retry every R seconds; after kDpdRetries unanswered, the
// peer is dead and its SAs go. The deadlines themselves live in ike_timers.
#pragma once

#include <optional>

#include "host/ike/ike_sa.hpp"
#include "host/ike/payload/notify_payload.hpp"

namespace espgw::ike {

inline constexpr int kDpdRetries = 5;  // IOS: 5 retransmissions before declaring the peer dead

NotifyPayload dpd_notify(const IkeSa& sa, NotifyType type, std::uint32_t seq);
// The sequence number of an R-U-THERE(-ACK) notify whose SPI names this SA; nullopt otherwise.
std::optional<std::uint32_t> dpd_sequence(const IkeSa& sa, const NotifyPayload& n);

// Per-SA DPD bookkeeping: the sequence of the outstanding R-U-THERE and retries left.
struct DpdState {
  std::optional<std::uint32_t> outstanding;
  int retries = 0;
  // The peer proved itself alive (ACK with the right sequence, or any valid message).
  void on_alive() {
    outstanding.reset();
    retries = 0;
  }
};

}  // namespace espgw::ike

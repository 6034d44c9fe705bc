// The active router's side of stateful failover: turns SA lifecycle events and polled
// device sequence numbers into sync messages. Pure (no sockets): the daemon reports, the
// channel carries what comes back. Reporting follows IOS's `crypto map NAME redundancy
// replay-interval inbound M outbound N`: an outbound sequence number each time it has moved
// N past the last report, an inbound replay-window top each M.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <tuple>
#include <vector>

#include "host/ha/sync_messages.hpp"

namespace espgw::ha {

struct ReplayInterval {
  std::uint32_t inbound_packets = 1000;   // M
  std::uint32_t outbound_packets = 1000;  // N
};

struct SyncPublisherCounters {
  std::uint64_t ike_records = 0, ipsec_records = 0, seq_reports = 0, replay_reports = 0, deletes = 0, bulks = 0;
};

// What remains of a time lifetime of given_s seconds after `elapsed`: 0 (none) stays 0; one
// that ran out is 1 s, so the SA ends and rekeys at once rather than becoming unlimited.
std::uint32_t lifetime_left(std::uint32_t given_s, std::chrono::steady_clock::duration elapsed);

class SyncPublisher {
 public:
  explicit SyncPublisher(ReplayInterval interval) : interval_(interval) {}

  SyncMessage ike_sa_up(IkeSaRecord record);
  std::optional<SyncMessage> ike_sa_down(const IkeCookie& cookie_i, const IkeCookie& cookie_r);
  SyncMessage ipsec_sa_up(IpsecSaRecord record,
                          std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());
  std::optional<SyncMessage> ipsec_sa_down(std::uint32_t spi, driver::Direction direction);
  // The outbound SA was reinstalled at a higher starting point (split brain): the record the
  // standby holds must say so, since a later partition takeover bounds the old copy from its
  // initial_seq. The updated record, or nullopt for an unknown SA.
  std::optional<SyncMessage> outbound_raised(std::uint32_t spi, std::uint64_t initial_seq);

  // The device's current sequence number for an SA (SaState::seq: outbound last sent,
  // inbound replay top); a report when it moved at least N (outbound) or M (inbound).
  std::optional<SyncMessage> sa_progress(std::uint32_t spi, driver::Direction direction, std::uint64_t seq);

  // Everything the standby needs, between BulkBegin and BulkEnd: sent after every connect.
  // Each IPsec record's time lifetime is what remains at `now` (it was given at publish time).
  std::vector<SyncMessage> bulk(std::uint64_t generation,
                                std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());

  const SyncPublisherCounters& counters() const { return counters_; }
  std::size_t ipsec_sa_count() const { return ipsec_.size(); }
  std::size_t ike_sa_count() const { return ike_.size(); }

 private:
  using IpsecKey = std::pair<std::uint32_t, driver::Direction>;
  ReplayInterval interval_;
  std::map<std::pair<IkeCookie, IkeCookie>, IkeSaRecord> ike_;
  std::map<IpsecKey, IpsecSaRecord> ipsec_;  // .seq = last reported
  std::map<IpsecKey, std::chrono::steady_clock::time_point> published_at_;  // for the lifetime left
  SyncPublisherCounters counters_;
};

}  // namespace espgw::ha

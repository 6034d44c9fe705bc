// The standby router's side of stateful failover: the replica of the active's IKE and IPsec
// SAs, built from sync messages, and the takeover plan. The rule that keeps a sequence number
// (and so an AES-GCM IV) from ever repeating under one key: the new active continues each
// outbound SA from the last reported sequence number + N + margin, N being the outbound
// replay interval and margin covering packets sent while a report was in flight.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "host/ha/sync_messages.hpp"
#include "host/ha/sync_publisher.hpp"

namespace espgw::ha {

// The smallest inner packet an outbound SA can count against its byte lifetime: an IPv4 header.
inline constexpr std::uint64_t kMinInnerPacketBytes = 20;

struct SyncReplicaCounters {
  std::uint64_t messages = 0;
  std::uint64_t bulks_completed = 0;
  std::uint64_t bulks_abandoned = 0;  // connection lost or counts did not match BulkEnd
  std::uint64_t seq_reports = 0;
  std::uint64_t stale_reports = 0;    // for an unknown SA, or going backwards
  std::uint64_t unexpected = 0;       // BulkEnd without BulkBegin, a mismatched generation
};

class SyncReplica {
 public:
  SyncReplica(ReplayInterval interval, std::uint64_t margin) : interval_(interval), margin_(margin) {}

  void apply(const SyncMessage& msg, std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());
  // The channel broke: a bulk in progress is dropped, the last complete replica is kept.
  void connection_lost();

  // True once a bulk resync completed on the current connection.
  bool in_sync() const { return in_sync_; }

  // The SAs to install on promotion, keys included. Outbound: initial_seq = last report +
  // N + margin. Inbound: initial_seq = the reported replay top.
  //
  // peer_may_be_sending: the old active was not heard to stop (the channel is down or
  // silent: it died, or a full partition cut both the Hellos and this channel). Then the
  // outbound SA also starts above every number the old active can ever send on it: the
  // device enforces the SA's hard lifetime, so the old copy sends at most hard_packets, or
  // hard_bytes / kMinInnerPacketBytes, packets after its own initial_seq (docs/ha.md "Split
  // brain", case b). Without a packet or byte lifetime no such bound exists (counted in
  // unbounded_takeovers).
  // Each record's time lifetime is what remains at `now`: the value received, less the time
  // since it was received (this router's own clock; no clock sync between the pair).
  std::vector<driver::SaConfig> takeover_ipsec(bool peer_may_be_sending = false,
                                               std::chrono::steady_clock::time_point now =
                                                   std::chrono::steady_clock::now()) const;
  // The same, as whole records (crypto map, remaining lifetime), seq = the new initial_seq.
  std::vector<IpsecSaRecord> takeover_ipsec_records(bool peer_may_be_sending = false,
                                                    std::chrono::steady_clock::time_point now =
                                                        std::chrono::steady_clock::now()) const;
  // How many outbound SAs the last partition takeover could not bound (no lifetime).
  std::size_t unbounded_takeovers() const { return unbounded_; }
  std::vector<IkeSaRecord> takeover_ike() const;

  std::size_t ipsec_sa_count() const { return live_db_.ipsec.size(); }
  std::size_t ike_sa_count() const { return live_db_.ike.size(); }
  std::optional<std::uint64_t> reported_seq(std::uint32_t spi, driver::Direction direction) const;
  const SyncReplicaCounters& counters() const { return counters_; }
  std::uint64_t margin() const { return margin_; }

 private:
  using IpsecKey = std::pair<std::uint32_t, driver::Direction>;
  using IkeKey = std::pair<IkeCookie, IkeCookie>;
  struct Db {
    std::map<IkeKey, IkeSaRecord> ike;
    std::map<IpsecKey, IpsecSaRecord> ipsec;
    std::map<IpsecKey, std::chrono::steady_clock::time_point> received_at;  // for the lifetime left
  };
  Db& target() { return staging_ ? *staging_ : live_db_; }

  ReplayInterval interval_;
  std::uint64_t margin_;
  Db live_db_;
  std::optional<Db> staging_;
  std::uint64_t staging_generation_ = 0;
  bool in_sync_ = false;
  SyncReplicaCounters counters_;
  mutable std::size_t unbounded_ = 0;
};

}  // namespace espgw::ha

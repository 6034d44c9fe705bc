// The standby router's side of stateful failover: the replica of the active's IKE and IPsec
// SAs, built from sync messages, and the takeover plan. The rule that keeps a sequence number
// (and so an AES-GCM IV) from ever repeating under one key: the new active continues each
// outbound SA from the last reported sequence number + N + margin, N being the outbound
// replay interval and margin covering packets sent while a report was in flight.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "host/ha/sync_messages.hpp"
#include "host/ha/sync_publisher.hpp"

namespace espgw::ha {

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

  void apply(const SyncMessage& msg);
  // The channel broke: a bulk in progress is dropped, the last complete replica is kept.
  void connection_lost();

  // True once a bulk resync completed on the current connection.
  bool in_sync() const { return in_sync_; }

  // The SAs to install on promotion, keys included. Outbound: initial_seq = last report +
  // N + margin. Inbound: initial_seq = the reported replay top.
  std::vector<driver::SaConfig> takeover_ipsec() const;
  // The same, as whole records (crypto map, remaining lifetime), seq = the new initial_seq.
  std::vector<IpsecSaRecord> takeover_ipsec_records() const;
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
  };
  Db& target() { return staging_ ? *staging_ : live_db_; }

  ReplayInterval interval_;
  std::uint64_t margin_;
  Db live_db_;
  std::optional<Db> staging_;
  std::uint64_t staging_generation_ = 0;
  bool in_sync_ = false;
  SyncReplicaCounters counters_;
};

}  // namespace espgw::ha

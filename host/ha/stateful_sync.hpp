// Stateful failover for the daemon, in one object: the sync channel, the active's publisher
// and the standby's replica, switched by the HSRP role (`redundancy inter-device` / `scheme
// standby GROUP`). The daemon calls set_role() on HSRP state changes, reports SA events and
// polled sequence numbers while active, and calls take_over() when its group goes active.
#pragma once

#include <boost/asio/io_context.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "host/ha/sync_channel.hpp"
#include "host/ha/sync_publisher.hpp"
#include "host/ha/sync_replica.hpp"

namespace espgw::ha {

struct StatefulSyncOptions {
  SyncChannelOptions channel;
  ReplayInterval interval;
  // Added to last report + N on takeover: covers packets sent while a report was in flight
  // and the daemon's polling lag (poll at least every N packets' worth of time).
  std::uint64_t margin = 1000;
  std::uint32_t node_address = 0;
  std::string group_name;  // the HSRP group the scheme follows, for show
};

struct StatefulSyncStatus {
  SyncRole role = SyncRole::kStandby;
  std::string group_name;
  bool peer_connected = false;
  std::optional<SyncRole> peer_role;
  bool replica_in_sync = false;
  std::size_t ike_sas = 0, ipsec_sas = 0;  // published (active) or replicated (standby)
  std::uint64_t takeovers = 0;
  std::uint64_t role_conflicts = 0;  // SA records from a peer while we are active (split brain)
  SyncChannelCounters channel;
  SyncPublisherCounters published;
  SyncReplicaCounters replicated;
};

class StatefulSync {
 public:
  StatefulSync(boost::asio::io_context& io, StatefulSyncOptions options);
  void start();
  void stop();

  void set_role(SyncRole role);
  SyncRole role() const { return role_; }

  // Active side: every change goes to the standby at once; sequence numbers when due.
  void ike_sa_up(const IkeSaRecord& record);
  void ike_sa_down(const IkeCookie& cookie_i, const IkeCookie& cookie_r);
  void ipsec_sa_up(const IpsecSaRecord& record);
  void ipsec_sa_down(std::uint32_t spi, driver::Direction direction);
  void sa_progress(std::uint32_t spi, driver::Direction direction, std::uint64_t seq);

  // Promotion: what to install (outbound sequence numbers moved past anything the old active
  // may have used). Switches to the active role; the records become ours to publish.
  struct Takeover {
    std::vector<driver::SaConfig> ipsec;
    std::vector<IpsecSaRecord> ipsec_records;  // the same SAs with their crypto map and lifetime
    std::vector<IkeSaRecord> ike;
    bool replica_complete = false;  // false: the last bulk never finished; some SAs may be missing
  };
  Takeover take_over();

  StatefulSyncStatus status() const;
  const SyncReplica& replica() const { return replica_; }
  std::uint16_t listening_port() const { return channel_->listening_port(); }

 private:
  void on_up();
  void on_message(const SyncMessage& msg);
  void on_down();
  void send_hello();

  StatefulSyncOptions options_;
  std::uint64_t boot_id_;
  SyncRole role_ = SyncRole::kStandby;
  std::optional<SyncRole> peer_role_;
  SyncPublisher publisher_;
  SyncReplica replica_;
  std::unique_ptr<SyncChannel> channel_;
  std::uint64_t generation_ = 0;
  std::uint64_t takeovers_ = 0;
  std::uint64_t role_conflicts_ = 0;
};

// `show redundancy inter-device` in IOS's layout, then espgw's channel counters.
std::string render_show_redundancy(const StatefulSyncStatus& status);
// `show crypto ha`: the VIP and what was replicated, with sent/received counts.
std::string render_show_crypto_ha(const StatefulSyncStatus& status, std::uint32_t vip);

}  // namespace espgw::ha

// Stateful failover for the daemon, in one object: the sync channel, the active's publisher
// and the standby's replica, switched by the HSRP role (`redundancy inter-device` / `scheme
// standby GROUP`). The daemon calls set_role() on HSRP state changes, reports SA events and
// polled sequence numbers while active, and calls take_over() when its group goes active.
#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
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
  std::uint64_t role_conflicts = 0;  // both Active at once (a Hello or SA records while we are active)
  bool peer_wins = false;            // the peer is alive, Active and better: we must not be Active
  std::optional<std::uint32_t> peer_priority;
  std::uint64_t yields = 0;          // we stepped down from Active because the peer won
  std::uint64_t final_reports_sent = 0, final_reports_received = 0;
  std::uint64_t seq_raises = 0;      // outbound SAs moved past the other router's final sequence number
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

  // Our HSRP standing (the group the scheme follows), sent in every Hello; a change is sent
  // at once. hello: how often a Hello goes out as a heartbeat; hold: how long the peer's
  // last frame keeps it "alive" for the split-brain rule (the group's HSRP timers).
  void set_hsrp(std::uint32_t priority, std::uint32_t address, std::chrono::milliseconds hello,
                std::chrono::milliseconds hold);
  // Heartbeat; call often (espd: every poll). Sends a Hello when one is due.
  void tick(std::chrono::steady_clock::time_point now);
  // Split brain (docs/ha.md): true while the channel is up, the peer was heard within the
  // hold time, says it is Active, and beats us by RFC 2281's comparison (priority, then the
  // higher address). Such a router must not be Active itself.
  bool peer_wins(std::chrono::steady_clock::time_point now) const;
  // The loser's last word before it stops sending: the outbound SAs' sequence numbers as its
  // device holds them (sent whatever the replay interval, counted apart).
  void send_final_reports(const std::vector<std::pair<std::uint32_t, std::uint64_t>>& outbound);
  // The winner's side: an outbound sequence number the peer used on one of our SAs while we
  // were both Active; the handler must make the SA continue above `last_used`.
  using RaiseHandler = std::function<bool(std::uint32_t spi, std::uint64_t last_used)>;
  void set_raise_handler(RaiseHandler handler) { raise_handler_ = std::move(handler); }
  // The peer, Active while we were (split brain), stepped down: espd announces the VIP again.
  void set_peer_stepped_down_handler(std::function<void()> handler) { stepped_down_handler_ = std::move(handler); }

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
    // The old active was not heard to stop (channel down or silent): outbound SAs start
    // above its lifetime bound too (SyncReplica::takeover_ipsec_records).
    bool peer_may_be_sending = false;
    std::size_t unbounded = 0;  // of those, SAs without a packet or byte lifetime to bound it
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
  std::optional<std::uint32_t> hsrp_priority_, hsrp_address_;
  std::optional<std::uint32_t> peer_priority_, peer_address_;
  std::chrono::milliseconds heartbeat_{1000}, liveness_{3000};
  std::chrono::steady_clock::time_point last_hello_sent_{}, peer_heard_at_{};
  bool peer_said_standby_ = false;  // the peer's last Hello (kept across a break) said Standby
  RaiseHandler raise_handler_;
  std::function<void()> stepped_down_handler_;
  std::uint64_t yields_ = 0, final_sent_ = 0, final_received_ = 0, seq_raises_ = 0;
  // Final reports made while the channel was down: sent when it returns (the winner may be
  // below our numbers until it hears them).
  std::vector<std::pair<std::uint32_t, std::uint64_t>> pending_finals_;
};

// `show redundancy inter-device` in IOS's layout, then espgw's channel counters.
std::string render_show_redundancy(const StatefulSyncStatus& status);
// `show crypto ha`: the VIP and what was replicated, with sent/received counts.
std::string render_show_crypto_ha(const StatefulSyncStatus& status, std::uint32_t vip);

}  // namespace espgw::ha

// The IKE SA manager: owns every ISAKMP SA and its exchanges, turns datagrams into task
// calls and task output into datagrams (encrypting with the right IV), answers
// retransmitted requests with the stored response, enforces the half-open caps and
// message-ID uniqueness, and reports SAs to install/remove. Deadlines go through
// IkeTimers; sockets are the caller's (datagrams in and out, non-ESP marker already off).
// The implementation is split by concern: ike_sa_manager.cpp (core, views), ike_dispatch.cpp
// (receive/send), ike_phase1_lifecycle.cpp, ike_phase2_lifecycle.cpp, ike_ha_snapshot.cpp.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <vector>

#include "espgw/driver/sa_config.hpp"
#include "host/common/scheduler.hpp"
#include "host/ike/dpd.hpp"
#include "host/ike/ike_timers.hpp"
#include "host/ike/message_rules.hpp"
#include "host/ike/phase1_snapshot.hpp"
#include "host/ike/quick_mode.hpp"

namespace espgw::ike {

struct Datagram {
  Endpoint src;
  Endpoint dst;
  Bytes data;
  // A NAT-keepalive (RFC 3948 section 2.3): `data` is the single byte 0xFF and goes out of
  // UDP 4500 as is, WITHOUT the non-ESP marker every IKE message on 4500 gets.
  bool natt_keepalive = false;
};

struct IkeCallbacks {
  std::function<void(const Datagram&)> send;
  std::function<void(const driver::SaConfig&)> install_sa;
  std::function<void(std::uint32_t spi, driver::Direction dir)> remove_sa;
};

// Drops and events, named after what IOS counts where it has a name.
struct IkeCounters {
  std::uint64_t malformed = 0;           // did not decode or broke message_rules
  std::uint64_t no_sa = 0;               // cookies of no SA we know
  std::uint64_t half_open_dropped = 0;   // MM1 refused by the half-open caps
  std::uint64_t retransmits_answered = 0;
  std::uint64_t retransmits_sent = 0;
  std::uint64_t auth_failed = 0;
  std::uint64_t no_proposal_chosen = 0;
  std::uint64_t aggressive_refused = 0;
  std::uint64_t invalid_message_id = 0;
  std::uint64_t phase1_established = 0;
  std::uint64_t phase2_established = 0;
  std::uint64_t dpd_dead = 0;
  std::uint64_t natt_keepalives_sent = 0;  // RFC 3948 section 2.3 keepalives sent
};

// One line of `show crypto isakmp sa`.
struct IsakmpSaView {
  std::uint32_t dst = 0, src = 0;
  const char* state = "";
  std::uint32_t conn_id = 0;
  bool active = false;
};

class IkeSaManager {
 public:
  IkeSaManager(IkeConfig config, Scheduler& scheduler, IkeCallbacks callbacks);
  ~IkeSaManager();

  // A datagram received on UDP 500 or 4500.
  void receive(const Datagram& d);
  // Traffic for crypto-map entry `map_index` needs an SA (IOS: the first packet triggers
  // IKE). Starts Main Mode, or Quick Mode on an established SA. False on a bad index.
  bool initiate(std::size_t map_index);
  // The device raised its soft-lifetime event (kilobytes) for an SA of ours: rekey its pair.
  void on_soft_lifetime(std::uint32_t spi);
  // ESP arrived from `peer`: on-demand DPD counts it as liveness.
  void on_esp_seen(std::uint32_t peer);
  // `clear crypto isakmp`: delete every ISAKMP SA and the IPsec SAs under it, telling the
  // peers.
  void clear();
  // `clear crypto sa [peer A]`: delete the IPsec SAs (DELETE sent for each) and keep the
  // ISAKMP SAs in QM_IDLE, so the next packet runs only a Quick Mode. Returns how many pairs.
  std::size_t clear_ipsec(std::optional<std::uint32_t> peer = std::nullopt);
  // `debug crypto isakmp` / `no debug crypto isakmp` at run time (espctl).
  void set_debug(bool on) { config_.debug_isakmp = on; }

  // Wireshark's ikev1_decryption_table UAT: one "initiator-cookie-hex,Ka-hex" line per SA
  // with keys. Key material: written only on explicit operator request (espctl export).
  std::string ikev1_decryption_table() const;

  // HA (issue 7). Every established ISAKMP SA, with its keys and IPsec SAs (key material:
  // for the standby's replication channel only, never for logs).
  std::vector<Phase1Snapshot> snapshot_phase1() const;
  // Takes over an ISAKMP SA another gateway negotiated: afterwards this manager answers the
  // peer's Quick Mode / DPD / DELETE on it and starts Quick Modes and DPD itself, as if it
  // had run the phase 1. False (nothing changed) when it is malformed, already expired, its
  // cookies are already known, or its children name crypto-map entries this config lacks.
  bool adopt_phase1(const Phase1Snapshot& snapshot);
  // Called on every established / state-changed / deleted ISAKMP SA (see Phase1Event); the
  // snapshot of a deleted SA carries identity only (no keys). Runs inside the manager's
  // call stack: it must not call back into the manager.
  using Phase1Observer = std::function<void(const Phase1Snapshot&, Phase1Event)>;
  void set_phase1_observer(Phase1Observer observer) { observer_ = std::move(observer); }

  const IkeCounters& counters() const { return counters_; }
  std::vector<IsakmpSaView> isakmp_sas() const;
  std::size_t sa_count() const { return sas_.size(); }
  std::size_t child_count() const;
  const IkeTimers& timers() const { return timers_; }

 private:
  struct Exchange {
    ExchangeType type = ExchangeType::kIdentityProtection;
    std::uint32_t message_id = 0;
    std::vector<std::unique_ptr<Task>> tasks;
    QuickMode* quick = nullptr;  // the QuickMode task, for Quick Mode exchanges
    Bytes last_received;          // raw request, to spot retransmissions
    Bytes last_sent;              // what a retransmission is answered with
    bool answered = false;        // last_sent was our reply to last_received (not to be
                                  // resent for a final message such as QM3 or MM6)
    Endpoint sent_to;
    bool done = false;
    std::optional<std::uint32_t> rekey_of;  // inbound SPI of the child this Quick Mode replaces
  };
  struct Entry {
    SaId id = 0;
    std::unique_ptr<IkeSa> sa;
    Exchange phase1;
    std::map<std::uint32_t, Exchange> quick;
    std::set<std::uint32_t> used_message_ids;
    std::vector<ChildSa> children;
    std::vector<std::size_t> pending_maps;
    DpdState dpd;
    Scheduler::TimePoint last_peer_activity{};
    Scheduler::TimePoint expires{};  // end of the phase-1 lifetime, once established
    bool retiring = false;           // replaced; deleted once the rekeys on its successor end
  };
  // What happens to the IPsec SAs of a deleted ISAKMP SA.
  enum class Children {
    kMoveToNewest,  // to the newest established ISAKMP SA with the same peer (IOS: IPsec SAs
                    // outlive their phase 1), deleted only when there is none
    kDelete,        // with it (clear, DPD, INITIAL-CONTACT)
  };

  Entry* find(const Cookie& cky_i, std::uint32_t peer);
  Entry* find(SaId id);
  Entry& create(Role role, Endpoint local, Endpoint peer);
  // The newest established ISAKMP SA with `peer` other than `except`, or nullptr.
  Entry* newest_established(std::uint32_t peer, SaId except = 0);
  // A new initiator SA and its first phase-1 message (Main or Aggressive Mode).
  Entry* start_phase1(Endpoint local, std::uint32_t peer, const PreSharedKeyInput& key, bool initial_contact);
  std::size_t half_open(std::uint32_t peer) const;

  void handle_new(const Datagram& d, const Message& msg);
  void handle_phase1(Entry& e, const Datagram& d, Message& msg);
  void handle_quick(Entry& e, const Datagram& d, Message& msg);
  void handle_informational(Entry& e, const Datagram& d, Message& msg);

  bool decrypt(Entry& e, Message& msg, Bytes& iv);
  std::optional<MessageKind> phase1_kind(const IkeSa& sa, ExchangeType type) const;
  TaskStatus run_process(Exchange& x, const Message& msg);
  TaskStatus run_build(Exchange& x, Message& out);
  void send_exchange(Entry& e, Exchange& x, Message& out, bool expects_reply);
  void send_informational(Entry& e, std::vector<Payload> payloads);
  void send_clear_notify(const Datagram& to, const IsakmpHeader& h, NotifyType type);
  void fail_exchange(Entry& e, Exchange& x, const char* what);

  void on_phase1_complete(Entry& e);
  void rekey_phase1(SaId id);                  // re-establish before the lifetime ends
  void move_children(Entry& from, Entry& to);  // IPsec SAs change their ISAKMP SA
  // Deletes (with DELETE) the retiring SAs `newest` replaced once no rekey runs on it.
  void retire_replaced(Entry& newest);
  void start_quick_mode(Entry& e, std::size_t map_index, std::optional<std::uint32_t> rekey_of = std::nullopt);
  void rekey_child(SaId id, std::uint32_t inbound_spi);
  void on_child_installed(Entry& e, const ChildSa& child);
  void process_initial_contact(Entry& e);
  void remove_child(Entry& e, std::size_t index, bool notify_peer);
  void delete_sa(SaId id, const char* why, bool notify_peer, Children children = Children::kDelete);

  Phase1Snapshot snapshot_of(const Entry& e, bool with_keys) const;
  void notify_observer(const Entry& e, Phase1Event event) const;

  void dpd_due(SaId id);
  void send_natt_keepalive(SaId id);
  std::uint32_t allocate_spi();
  std::uint32_t new_message_id(Entry& e);

  IkeConfig config_;
  Scheduler& scheduler_;
  IkeCallbacks cb_;
  IkeTimers timers_;
  std::map<SaId, Entry> sas_;
  SaId next_id_ = 1;
  std::uint32_t next_conn_id_ = kIsakmpConnIdBase;
  std::set<std::uint32_t> inbound_spis_;
  std::map<std::uint32_t, Scheduler::TimePoint> child_expiry_;  // inbound SPI -> hard expiry
  IkeCounters counters_;
  Phase1Observer observer_;
};

}  // namespace espgw::ike

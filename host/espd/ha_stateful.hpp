// espd's stateful failover (`crypto map NAME redundancy GROUP stateful`, `redundancy
// inter-device`, `ipc zone default`): ha::StatefulSync over TLS 1.3 with the PSK from
// --ha-sync-key-file. While Active it publishes every IPsec SA pair the gateway installs or
// removes (keys included, only inside the TLS channel) and polls the device's sequence
// numbers; on becoming Active it installs the replica in its own device, outbound SAs
// continuing at last report + N + margin, inbound ones with the reported replay-window top,
// then adopts the ISAKMP SAs (host/ike's Phase1Snapshot, replicated as every change
// happens) so it answers the peer's DPD and Quick Mode without a new Main Mode.
// Control-loop thread only.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "espgw/driver/esp_device.hpp"
#include "espgw/driver/secret_bytes.hpp"
#include "host/espd/gateway.hpp"
#include "host/espd/ha_runtime.hpp"
#include "host/espd/ike_adapter.hpp"
#include "host/ha/stateful_sync.hpp"

namespace espgw::espd {

// --ha-sync-key-file: the file's bytes, or, when it holds only hex digits (and whitespace),
// the bytes they spell. At least 16 bytes. nullopt and *error (one line) otherwise.
std::optional<SecretBytes> read_sync_key_file(const std::string& path, std::string* error);

class HaStateful {
 public:
  // How often the device's sequence numbers are read (docs/ha.md: at least every N packets
  // at the peak rate; 50 ms covers N = 1000 up to 20,000 packets/s per SA).
  static constexpr std::chrono::milliseconds kSeqPoll{50};

  HaStateful(boost::asio::io_context& io, Gateway& gateway, driver::EspDevice& device, IkeAdapter& ike,
             ha::StatefulSyncOptions options, std::uint32_t vip);
  ~HaStateful();
  HaStateful(const HaStateful&) = delete;
  HaStateful& operator=(const HaStateful&) = delete;

  void start();
  void stop();
  // HSRP: the group went Active (install the replica, publish from now on) or stopped being
  // Active (stop publishing; the gateway's SAs go with IKE's quiet reset).
  void become_active();
  void become_standby();
  // The HSRP group the scheme follows (`scheme standby GROUP`): its priority and timers go
  // into the sync Hellos, and every poll sets its holds (docs/ha.md "Split brain"): out of
  // Active while the sync peer is alive, Active and better; no preempt until the replica is
  // in sync. Without it neither rule runs.
  void attach_hsrp(HaRuntime* hsrp, std::string group_name);
  // Sets those holds now. The poll does it every kSeqPoll; espd also calls it right after the
  // HSRP groups are (re)built, before the event loop can hand them a Hello, so a restarted
  // router cannot preempt in the first poll interval with an empty replica.
  void apply_holds();

  ha::StatefulSyncStatus status() const { return sync_.status(); }
  std::uint32_t vip() const { return vip_; }

 private:
  void on_pair(const Gateway::PairEvent& event);
  void on_phase1(const ike::Phase1Snapshot& snapshot, ike::Phase1Event event);
  void poll();
  void arm_poll();

  Gateway& gateway_;
  driver::EspDevice& device_;
  IkeAdapter& ike_;
  HaRuntime* hsrp_ = nullptr;
  std::string group_name_;
  bool active_ = false;
  ha::StatefulSync sync_;
  std::uint32_t vip_;
  boost::asio::steady_timer poll_timer_;
  bool running_ = false;
};

}  // namespace espgw::espd

// espd's IkeManager: host/ike's IkeSaManager (RFC 2409 Main/Quick Mode, RFC 3706 DPD,
// RFC 3947 NAT-T) wired to the gateway. Maps the IOS config onto ike::IkeConfig, owns the
// UDP 500 socket (UDP 4500 stays with EspSocket: messages come in via on_natt_message and go
// out via SaInstaller::send_natt), and pairs the one-SA-at-a-time install callback into the
// gateway's SA pairs. Control-loop thread only.
#pragma once

#include <array>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include "host/common/asio_scheduler.hpp"
#include "host/dataplane/ike_interface.hpp"
#include "host/ike/ike_sa_manager.hpp"

namespace espgw::espd {

// The IOS configuration reduced to what IKE needs, plus, for each ike::CryptoMapInput, the
// gateway's outbound selector of the ACL line it came from (install_sa_pair matches on it).
struct MappedIkeConfig {
  ike::IkeConfig ike;
  std::vector<driver::TrafficSelector> map_selectors;  // parallel to ike.crypto_maps
  std::vector<std::string> warnings;                   // one line each, said at config load
  // `crypto map NAME redundancy GROUP`: IKE speaks from the group's virtual IP, so the
  // socket binds to it (IP_FREEBIND: the standby does not hold the address yet).
  bool bind_local_address = false;
  std::string redundancy_group;  // the HSRP group name whose Active state gates IKE
};

// Maps `config` (ipsec-isakmp entries only). Policies IKE cannot use are left out with a
// warning that names the policy and what to add: des/3des, rsa-sig/rsa-encr, and a policy
// without an `authentication` line (IOS's default rsa-sig, which cannot match a
// pre-shared-key peer: add ` authentication pre-share`).
MappedIkeConfig map_ike_config(const config::Config& config);

// One `show crypto isakmp sa` row, for the control renderer.
struct IsakmpRow {
  std::uint32_t dst = 0, src = 0;
  std::string state;
  std::uint32_t conn_id = 0;
  bool active = false;
};

class IkeAdapter final : public dataplane::IkeManager {
 public:
  // ike_port: the UDP port IKE listens on (500; tests may pass 0 for an ephemeral port).
  explicit IkeAdapter(boost::asio::io_context& io, std::uint16_t ike_port = ike::kIkePort);
  ~IkeAdapter() override;

  void start(dataplane::SaInstaller& installer) override;
  void apply_config(std::shared_ptr<const config::Config> config) override;
  void acquire(const dataplane::AcquireRequest& request) override;
  void on_natt_message(std::uint32_t src, std::uint16_t sport, std::uint32_t dst,
                       std::span<const std::uint8_t> message) override;
  void on_sa_event(const driver::SaEvent& event) override;
  void on_cleared(std::optional<std::uint32_t> peer) override;
  void stop() override;

  // Operator commands.
  std::vector<IsakmpRow> isakmp_sas() const;
  void clear_isakmp();
  void set_debug(bool on);
  bool debug() const { return debug_; }
  std::string ikev1_decryption_table() const;
  const ike::IkeCounters* counters() const { return mgr_ ? &mgr_->counters() : nullptr; }

  // HSRP (stateless failover): only the group's Active router speaks IKE from the VIP.
  // set_active(false) forgets every ISAKMP and IPsec SA quietly (no DELETE from an address
  // we no longer own) and drops, counted, any IKE message that still arrives; set_active(true)
  // starts from nothing (the peer's DPD and our INITIAL-CONTACT clean up its side).
  void set_active(bool active);
  bool active() const { return active_; }
  const std::string& redundancy_group() const { return mapped_.redundancy_group; }
  std::uint64_t standby_drops() const { return standby_drops_; }
  // Acquires ignored because a pair installed after the forwarder's miss already answers them.
  std::uint64_t stale_acquires() const { return stale_acquires_; }

  // Stateful HA: every established ISAKMP SA, its changes (message IDs, DPD, children) and
  // its end, as host/ike's snapshot; the observer survives manager restarts. adopt_phase1
  // hands IKE an SA the old active negotiated (its IPsec SAs must be in the gateway already)
  // so this router answers the peer's DPD, DELETE and Quick Mode as if it had negotiated it.
  using Phase1Observer = ike::IkeSaManager::Phase1Observer;
  void set_phase1_observer(Phase1Observer observer);
  bool adopt_phase1(const ike::Phase1Snapshot& snapshot);

  // A datagram on the IKE port (also the socket's receive path; public for tests).
  void receive(const ike::Datagram& d);
  // Tests: datagrams go to `hook` instead of the sockets (UDP 500 and the NAT-T path).
  void set_send_hook(std::function<void(const ike::Datagram&)> hook) { send_hook_ = std::move(hook); }
  std::uint16_t bound_port() const;
  // How long a responder's inbound SA, installed before QM2, waits for its outbound twin
  // (QM3) before it is removed: longer than host/ike's QM2 retransmissions (63 s).
  static constexpr std::chrono::milliseconds kPendingInboundTimeout{90000};
  void set_pending_inbound_timeout(std::chrono::milliseconds t) { pending_timeout_ = t; }

 private:
  void send(const ike::Datagram& d);
  void install(const driver::SaConfig& sa);
  void remove(std::uint32_t spi, driver::Direction dir);
  void drop_pending(std::uint32_t spi, const char* why);
  void drop_all_pending();
  void receive_next();
  void make_manager();
  void open_socket();
  std::optional<std::size_t> map_index_of(const driver::TrafficSelector& outbound) const;

  boost::asio::io_context& io_;
  std::uint16_t ike_port_;
  AsioScheduler scheduler_;
  dataplane::SaInstaller* installer_ = nullptr;
  std::optional<boost::asio::ip::udp::socket> socket_;
  boost::asio::ip::udp::endpoint from_;
  std::array<std::uint8_t, ike::kMaxMessageSize> buffer_{};
  MappedIkeConfig mapped_;
  std::string fingerprint_;  // of the mapped config, so SIGHUP only restarts IKE on a change
  std::unique_ptr<ike::IkeSaManager> mgr_;
  // Inbound SAs waiting for their outbound twin. The installer has them in the device
  // already (in_device) unless it declined; the timer bounds the wait.
  struct PendingInbound {
    driver::SaConfig sa;
    bool in_device = false;
    Scheduler::TimerId timer = 0;
  };
  std::vector<PendingInbound> pending_inbound_;
  std::chrono::milliseconds pending_timeout_ = kPendingInboundTimeout;
  struct InstalledPair {
    std::uint32_t peer = 0;
    driver::TrafficSelector proxy;
    std::chrono::steady_clock::time_point since = std::chrono::steady_clock::now();
  };
  std::map<std::uint32_t, InstalledPair> installed_;  // by inbound SPI
  std::set<std::uint32_t> soft_forwarded_;                  // rekey asked once per SPI
  std::function<void(const ike::Datagram&)> send_hook_;
  bool debug_ = false;
  bool debug_forced_ = false;  // set by espctl (the config's `debug crypto isakmp` is the default)
  bool active_ = true;
  std::uint64_t standby_drops_ = 0;
  std::uint64_t stale_acquires_ = 0;
  std::uint32_t bound_address_ = 0;  // what socket_ is bound to (0: any)
  Phase1Observer phase1_observer_;
};

}  // namespace espgw::espd

// The gateway: crypto map entries bound to the device, the SPD and the kernel's routing.
// It installs ipsec-manual SAs, accepts IKE's SA pairs (dataplane::SaInstaller), injects
// reverse routes while a pair has SAs, enforces time lifetimes, applies a reloaded plan by
// difference, and answers the show commands with plain views. Control-loop thread only;
// the forwarder sees its state through the published Spd.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "espgw/driver/esp_device.hpp"
#include "host/control/show_crypto_map.hpp"
#include "host/control/show_model.hpp"
#include "host/dataplane/esp_socket.hpp"
#include "host/dataplane/ike_interface.hpp"
#include "host/dataplane/route_injection.hpp"
#include "host/dataplane/spd.hpp"
#include "host/espd/gateway_plan.hpp"

namespace espgw::espd {

class Gateway final : public dataplane::SaInstaller {
 public:
  using Clock = std::chrono::steady_clock;

  // routes may be null (no reverse-route injection, e.g. in unit tests); tun_ifindex is the
  // device reverse routes point at.
  Gateway(driver::EspDevice& device, dataplane::SpdHandle& spd, dataplane::RouteInjection* routes, int tun_ifindex,
          dataplane::EspSocket* esp);
  ~Gateway() override;

  void set_ike(dataplane::IkeManager* ike) { ike_ = ike; }

  // Applies a plan: unchanged entries keep their SAs and counters; changed ones are rebuilt;
  // removed ones lose SAs and routes. Returns one line per problem (device refusals).
  std::vector<std::string> apply(const GatewayPlan& plan);
  // SIGTERM: every SA removed (the device zeroizes keys), every route withdrawn.
  void shutdown();
  // Once a second: time lifetimes and device events (soft/hard byte lifetimes).
  void tick(Clock::time_point now);

  // `clear crypto sa [peer A]`: IKE pairs go; manual pairs are reinstalled, continuing their
  // sequence numbers and replay windows so no (key, sequence number) pair is ever reused.
  std::size_t clear(std::optional<std::uint32_t> peer);

  // dataplane::SaInstaller
  std::string install_sa_pair(dataplane::SaPair pair) override;
  bool remove_sa_pair(std::uint32_t peer, std::uint32_t inbound_spi) override;
  std::string install_inbound_sa(std::uint32_t peer, const driver::SaConfig& inbound) override;
  bool remove_inbound_sa(std::uint32_t inbound_spi) override;
  bool send_natt(std::uint32_t dst, std::uint16_t dport, std::span<const std::uint8_t> message) override;
  bool send_natt_keepalive(std::uint32_t dst, std::uint16_t dport) override;

  // Views for the show commands.
  control::IpsecSaView ipsec_sa_view(Clock::time_point now) const;
  control::SaTableView sa_table_view() const;
  std::vector<control::CryptoMapRuntime> crypto_map_runtime() const;
  // Every installed SA's configuration including keys: `export wireshark` only.
  std::vector<const driver::SaConfig*> export_sa_configs() const;

  // For the ip mtu fields and the TUN MTU: the Linux MTU of each crypto-map interface.
  void set_interface_mtu(const std::string& linux_if, std::uint32_t mtu);

  // Stateful HA (docs/ha.md): every SA pair that goes into or out of the device is reported,
  // keys included, so the active can replicate it; the sequence numbers are polled through
  // for_each_sa; the new active installs the replica with adopt_pair.
  struct PairEvent {
    bool up = true;
    std::string map_tag;
    int map_seq = 0;
    const driver::SaConfig* inbound = nullptr;
    const driver::SaConfig* outbound = nullptr;
    std::chrono::seconds lifetime_remaining{0};  // 0: none (manual)
  };
  void set_pair_observer(std::function<void(const PairEvent&)> observer) { pair_observer_ = std::move(observer); }
  void for_each_sa(const std::function<void(const driver::SaConfig&, driver::SaHandle)>& fn) const;
  // A replicated pair, with its starting sequence numbers already in the configs. The entry
  // is the one named (map_tag, map_seq) whose peer is the outbound SA's tunnel end; the ACL
  // line is the one whose selector the outbound SA carries. Returns "" or why not.
  std::string adopt_pair(const std::string& map_tag, int map_seq, driver::SaConfig inbound, driver::SaConfig outbound,
                         std::chrono::seconds lifetime);
  // Stateful HA split brain (docs/ha.md): the outbound SA `spi` continues strictly above
  // `last_used` (the other router's final report plus margin). The device has no "set
  // sequence number" operation, so a copy is installed with initial_seq = last_used, the SPD
  // moves to it, and the old copy is removed (zeroized). False: no such SA, it is already
  // past last_used, or the device refused the copy (logged).
  bool raise_outbound_seq(std::uint32_t spi, std::uint64_t last_used);

 private:
  struct InstalledSa {
    driver::SaHandle handle = driver::kNoSa;
    driver::SaConfig config;
    std::uint32_t conn_id = 0;
  };
  struct SaPairRecord {
    InstalledSa in, out;
    Clock::time_point installed;
    std::chrono::seconds lifetime{0};  // 0: none (manual)
    std::optional<int> pfs_group;
    std::uint16_t peer_port = 500;
    bool manual = false;
    bool soft_notified = false;
  };
  struct ActivePair {
    driver::TrafficSelector selector;  // outbound view
    std::vector<SaPairRecord> sas;     // newest last: its outbound SA carries traffic
    std::shared_ptr<dataplane::PairCounters> counters = std::make_shared<dataplane::PairCounters>();
    bool routed = false;
  };
  struct ActiveEntry {
    PlannedEntry plan;
    std::vector<ActivePair> pairs;  // one per permit line, in ACL order
  };

  std::string install_manual(ActiveEntry& e, std::uint64_t out_seq, std::uint64_t in_top);
  std::string install_record(ActiveEntry& e, std::size_t pair, SaPairRecord rec);
  void remove_record(ActiveEntry& e, std::size_t pair, std::size_t index);
  void remove_entry(ActiveEntry& e);
  void update_route(ActiveEntry& e, std::size_t pair);
  void publish();
  std::uint32_t mtu_of(const std::string& linux_if) const;

  driver::EspDevice& device_;
  dataplane::SpdHandle& spd_;
  dataplane::RouteInjection* routes_;
  int tun_ifindex_;
  dataplane::EspSocket* esp_;
  dataplane::IkeManager* ike_ = nullptr;
  std::vector<ActiveEntry> entries_;
  // Inbound SAs in the device ahead of their outbound twin (responder between QM2 and QM3):
  // they decapsulate but are in no pair, so the SPD, routes and show views ignore them.
  struct InboundOnly {
    std::uint32_t peer = 0;
    InstalledSa sa;
  };
  std::vector<InboundOnly> inbound_only_;
  std::vector<std::pair<std::string, std::uint32_t>> mtus_;
  std::uint32_t next_conn_id_ = 1;
  bool hw_ = false;
  std::function<void(const PairEvent&)> pair_observer_;
};

}  // namespace espgw::espd

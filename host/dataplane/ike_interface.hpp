// The narrow seam between the gateway and IKEv1 (host/ike fills in IkeManager; espd
// implements SaInstaller). The gateway reports events (a packet needs an SA, a NAT-T
// message arrived, an SA crossed its soft lifetime, the operator cleared SAs); IKE answers
// by installing or removing SA pairs. Everything here runs on the control loop: the
// forwarder's acquire hook only posts to it.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "espgw/driver/esp_device.hpp"
#include "host/config/config_model.hpp"
#include "host/dataplane/packet_view.hpp"

namespace espgw::dataplane {

// "This traffic matched crypto map TAG SEQ, proxy pair `proxy`, and has no SA": start Quick
// Mode with `peer` (Main Mode first if needed). proxy is the outbound view: src = local ident.
struct AcquireRequest {
  std::string map_tag;
  int seq = 0;
  std::uint32_t peer = 0;
  std::uint32_t local_addr = 0;
  driver::TrafficSelector proxy;
  FiveTuple trigger;
  // When the forwarder found no SA. The request reaches IKE later, through the control loop;
  // a pair installed for the proxy since then (an HA takeover adopting the replica, a Quick
  // Mode finishing) already answers it, and a fresh negotiation would only replace that pair.
  std::chrono::steady_clock::time_point raised = std::chrono::steady_clock::now();
};

// A negotiated SA pair for one proxy pair of one crypto map entry.
struct SaPair {
  std::string map_tag;
  int seq = 0;
  std::uint32_t peer = 0;
  std::uint16_t peer_port = 500;      // shown as "current_peer A port P"
  driver::TrafficSelector proxy;      // outbound view, must equal one of the entry's pairs
  driver::SaConfig inbound;
  driver::SaConfig outbound;
  std::chrono::seconds lifetime{3600};  // time lifetime, enforced by the gateway
  std::optional<int> pfs_group;         // shown as "PFS (Y/N): Y, DH group: groupN"
};

// What the daemon offers IKE.
class SaInstaller {
 public:
  virtual ~SaInstaller() = default;
  // Installs both SAs on the device and moves the pair's outbound traffic to the new
  // outbound SA (the old pair stays until removed, so rekeying drops nothing). Returns an
  // empty string, or why it failed (no such map entry/pair, device refused).
  virtual std::string install_sa_pair(SaPair pair) = 0;
  // Removes the pair whose inbound SA has this SPI (IKE DELETE, expiry). False if unknown.
  virtual bool remove_sa_pair(std::uint32_t peer, std::uint32_t inbound_spi) = 0;
  // Installs the inbound SA alone, before the message that lets the peer send on it (the
  // responder's Quick Mode message 2), so the peer's first ESP packet decapsulates. The
  // install_sa_pair call with the same inbound SPI completes the pair (outbound SA, SPD,
  // reverse route, show views); remove_inbound_sa drops it if the outbound never comes.
  // The defaults decline: the pair is then installed whole by install_sa_pair.
  virtual std::string install_inbound_sa(std::uint32_t peer, const driver::SaConfig& inbound) {
    (void)peer;
    (void)inbound;
    return "inbound-only install not supported";
  }
  // Removes (the device zeroizes) an inbound SA installed alone. False if unknown.
  virtual bool remove_inbound_sa(std::uint32_t inbound_spi) {
    (void)inbound_spi;
    return false;
  }
  // Sends an IKE message on UDP 4500 with the non-ESP marker (RFC 3948 section 2.2).
  virtual bool send_natt(std::uint32_t dst, std::uint16_t dport, std::span<const std::uint8_t> message) = 0;
  // Sends a NAT-keepalive (RFC 3948 section 2.3: one byte 0xFF, no marker) from UDP 4500.
  virtual bool send_natt_keepalive(std::uint32_t dst, std::uint16_t dport) {
    (void)dst;
    (void)dport;
    return false;
  }
};

// What IKE implements. The daemon owns one and calls it from the control loop only.
class IkeManager {
 public:
  virtual ~IkeManager() = default;
  virtual void start(SaInstaller& installer) = 0;
  // The whole new config on start and after every SIGHUP (ipsec-isakmp entries only matter).
  virtual void apply_config(std::shared_ptr<const config::Config> config) = 0;
  virtual void acquire(const AcquireRequest& request) = 0;
  virtual void on_natt_message(std::uint32_t src, std::uint16_t sport, std::uint32_t dst,
                               std::span<const std::uint8_t> message) = 0;
  // Soft lifetime (rekey now) or hard expiry of an SA IKE installed.
  virtual void on_sa_event(const driver::SaEvent& event) = 0;
  // `clear crypto sa [peer A]`: the gateway has removed the SAs; IKE sends DELETEs and forgets them.
  virtual void on_cleared(std::optional<std::uint32_t> peer) = 0;
  // SIGTERM: send DELETEs for everything, stop timers.
  virtual void stop() = 0;
};

}  // namespace espgw::dataplane

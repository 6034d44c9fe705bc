// From an IOS config to what the gateway runs: which crypto map entries are bound to which
// Linux interface, with which local address, peer, transform and ACL (a pure function, so
// SIGHUP diffing and every config error are testable without sockets). Also the ipsec-manual
// SaConfigs (RFC 4303 tunnel mode; the inbound SA's selectors are the pair seen from the peer).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "espgw/driver/sa_config.hpp"
#include "host/config/config_model.hpp"

namespace espgw::espd {

// IOS interface name -> Linux interface name (`--ifmap GigabitEthernet0/0=wan0,...`).
using IfMap = std::map<std::string, std::string>;
// Parses "A=b,C=d"; nullopt and *error on a malformed item or a duplicate.
std::optional<IfMap> parse_ifmap(const std::string& text, std::string* error);

struct PlanOptions {
  bool manual_udp_encap = false;  // --esp-encap udp: manual SAs use RFC 3948 UDP 4500
};

// One crypto map entry as the gateway runs it. Equality decides what a reload touches.
struct PlannedEntry {
  config::CryptoMapEntry map;
  config::TransformSet transform;  // the first `set transform-set`
  config::AccessList acl;
  std::string ios_interface;
  std::string linux_interface;
  std::uint32_t local_addr = 0;  // interface address, or the HSRP VIP with `redundancy`
  std::uint32_t peer = 0;
  bool udp_encap = false;
  std::uint32_t replay_window = 64;
  friend bool operator==(const PlannedEntry&, const PlannedEntry&) = default;
};

struct GatewayPlan {
  std::vector<PlannedEntry> entries;
  std::vector<std::string> errors;    // "FILE:LINE:COL: error: ..."
  std::vector<std::string> warnings;  // "FILE:LINE:COL: warning: ..."
  bool ok() const { return errors.empty(); }
};

GatewayPlan make_plan(const config::Config& config, const IfMap& ifmap, const PlanOptions& options);

// The outbound selector (src = local side) of an ACL permit line. Port conditions that are
// not one range (neq) widen to any port: the SPD still applies the exact ACL.
driver::TrafficSelector selector_of(const config::AclEntry& line);
driver::TrafficSelector reversed(const driver::TrafficSelector& s);

// The manual SAs of an ipsec-manual entry for its first permit line (IOS applies a manual
// map's keys to one proxy pair). Returns "" or why the keys do not fit the transform.
std::string manual_sa_configs(const PlannedEntry& entry, driver::SaConfig* inbound, driver::SaConfig* outbound);

}  // namespace espgw::espd

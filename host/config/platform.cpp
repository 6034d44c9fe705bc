// Commands that configure a router's platform rather than its IPsec policy (duplex, speed,
// ip accounting, line vty, router ospf ...): accepted and listed in Config::notes.ignored,
// never acted upon. docs/config.md lists them. Keyword abbreviations apply, as in IOS.
#include <initializer_list>
#include <string_view>

#include "host/config/sections.hpp"

namespace espgw::config::detail {
namespace {

bool first_is(std::string_view token, std::initializer_list<std::string_view> words) {
  return match_keyword(token, words) >= 0;
}

}  // namespace

bool is_platform_global(const Line& line, bool* opens_block) {
  *opens_block = false;
  const auto& t = line.tokens;
  std::size_t i = (t.size() > 1 && t[0].text == "no") ? 1 : 0;
  if (i >= t.size()) return false;
  const std::string_view w = t[i].text;
  const std::string_view w2 = i + 1 < t.size() ? std::string_view(t[i + 1].text) : std::string_view();
  // Block commands: their sub-mode lines are absorbed until a global command appears.
  if (first_is(w, {"line", "router", "control-plane", "archive", "call-home", "policy-map", "class-map", "vrf",
                   "object-group", "time-range", "parameter-map", "voice", "key"})) {
    *opens_block = true;
    return true;
  }
  if (w == "redundancy" && w2.empty()) {
    *opens_block = true;  // single-chassis SSO (`mode sso`), not the inter-device pair
    return true;
  }
  if (w == "ip") {
    if (first_is(w2, {"dhcp", "sla"})) {
      *opens_block = true;
      return true;
    }
    return first_is(w2, {"cef", "domain", "domain-name", "domain-lookup", "name-server", "http", "route",
                         "forward-protocol", "ssh", "scp", "tcp", "finger", "source-route", "bootp", "classless",
                         "subnet-zero", "nat", "multicast-routing", "flow-export", "flow-cache", "icmp", "options",
                         "routing", "host", "ftp", "tftp", "audit", "inspect", "sla", "vrf", "name", "local"});
  }
  if (w == "crypto") {
    // PKI trustpoints and certificate chains: espgw authenticates with pre-shared keys only.
    if (first_is(w2, {"pki", "ca", "key"})) {
      *opens_block = true;
      return true;
    }
    return false;
  }
  return first_is(w, {"version", "service", "boot", "boot-start-marker", "boot-end-marker", "logging", "aaa", "clock",
                      "enable", "username", "ntp", "snmp-server", "snmp", "license", "memory", "multilink",
                      "spanning-tree", "vtp", "cdp", "hw-module", "diagnostic", "platform", "ipv6", "mpls",
                      "security", "file", "process", "scheduler", "alias", "privilege", "exception", "lldp",
                      "subscriber", "mgcp", "virtual-service", "card", "errdisable", "udld", "power", "transceiver",
                      "username", "vlan", "port-channel", "system", "autoinstall", "tacacs-server", "radius-server"});
}

bool is_platform_interface(const Line& line) {
  const auto& t = line.tokens;
  std::size_t i = (t.size() > 1 && (t[0].text == "no" || t[0].text == "default")) ? 1 : 0;
  if (i >= t.size()) return false;
  const std::string_view w = t[i].text;
  const std::string_view w2 = i + 1 < t.size() ? std::string_view(t[i + 1].text) : std::string_view();
  if (w == "ip") {
    return first_is(w2, {"accounting", "mtu", "nat", "ospf", "tcp", "virtual-reassembly", "redirects", "unreachables",
                         "proxy-arp", "route-cache", "flow", "helper-address", "policy", "access-group",
                         "directed-broadcast", "mroute-cache", "pim", "igmp", "verify", "dhcp", "local-proxy-arp",
                         "cef", "inspect", "vrf", "rip", "eigrp", "split-horizon", "summary-address", "authentication",
                         "hello-interval", "hold-time"});
  }
  return first_is(w, {"duplex", "speed", "negotiation", "mtu", "media-type", "load-interval", "keepalive", "bandwidth",
                      "delay", "cdp", "mop", "carrier-delay", "arp", "channel-group", "switchport", "encapsulation",
                      "vrf", "ipv6", "mpls", "service-policy", "logging", "snmp", "lldp", "ntp", "hold-queue",
                      "tx-ring-limit", "zone-member", "pppoe", "spanning-tree", "storm-control", "power", "macsec",
                      "auto", "flowcontrol", "udld", "vlan-range", "platform", "random-detect", "fair-queue"});
}

}  // namespace espgw::config::detail

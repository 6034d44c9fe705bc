// IOS layout of `show crypto map` (see the header). IOS indents with tabs here.
#include "host/control/show_crypto_map.hpp"

#include <fmt/format.h>

#include "host/common/ipv4.hpp"
#include "host/control/ios_names.hpp"

namespace espgw::control {

namespace {

std::optional<std::uint32_t> current_peer(const std::vector<CryptoMapRuntime>& rt, const config::CryptoMapEntry& e) {
  for (const auto& r : rt)
    if (r.map_tag == e.name && r.seq == e.seq) return r.current_peer;
  return std::nullopt;
}

std::vector<std::string> interfaces_using(const config::Config& c, const std::string& map) {
  std::vector<std::string> out;
  for (const auto& i : c.interfaces)
    if (i.crypto_map && i.crypto_map->map.name == map) out.push_back(i.name);
  return out;
}

}  // namespace

std::string render_crypto_map(const config::Config& c, const std::vector<CryptoMapRuntime>& runtime) {
  std::string out;
  for (const auto& e : c.crypto_maps) {
    const bool manual = e.type == config::CryptoMapType::kIpsecManual;
    out += fmt::format("Crypto Map IPv4 \"{}\" {} {}\n", e.name, e.seq, manual ? "ipsec-manual" : "ipsec-isakmp");
    for (const auto& p : e.peers) out += fmt::format("\tPeer = {}\n", format_ipv4(p.address));
    if (e.match_address) {
      const auto* acl = c.find_access_list(e.match_address->name);
      out += fmt::format("\tExtended IP access list {}\n", e.match_address->name);
      if (acl)
        for (const auto& line : acl->entries)
          out += fmt::format("\t    access-list {} {}\n", acl->name, acl_entry_text(line));
    } else {
      out += "\tNo matching address list set.\n";
    }
    auto cur = current_peer(runtime, e);
    if (!cur && !e.peers.empty()) cur = e.peers.front().address;
    if (cur) out += fmt::format("\tCurrent peer: {}\n", format_ipv4(*cur));
    if (!manual) {
      const auto kb = e.lifetime_kilobytes.value_or(c.ipsec_sa_lifetime_kilobytes);
      const auto sec = e.lifetime_seconds.value_or(c.ipsec_sa_lifetime_seconds).count();
      out += fmt::format("\tSecurity association lifetime: {} kilobytes/{} seconds\n", kb, sec);
      out += "\tResponder-Only (Y/N): N\n";
      out += fmt::format("\tPFS (Y/N): {}\n", e.pfs_group ? "Y" : "N");
      if (e.pfs_group) out += fmt::format("\tDH group:  group{}\n", *e.pfs_group);
      out += "\tMixed-mode : Disabled\n";
    }
    out += "\tTransform sets={ \n";
    for (const auto& ref : e.transform_sets) {
      const auto* ts = c.find_transform_set(ref.name);
      out += fmt::format("\t\t{}:  {{ {}  }} , \n", ref.name, ts ? ios_transform_name(*ts) : std::string("?"));
    }
    out += "\t}\n";
    if (manual) {
      if (e.inbound_esp) out += fmt::format("\tInbound esp spi: {},\n\t   cipher key: (hidden),\n", e.inbound_esp->spi);
      if (e.outbound_esp)
        out += fmt::format("\tOutbound esp spi: {},\n\t   cipher key: (hidden),\n", e.outbound_esp->spi);
    }
    if (e.reverse_route) out += "\tReverse Route Injection Enabled\n";
    out += fmt::format("\tInterfaces using crypto map {}:\n", e.name);
    for (const auto& i : interfaces_using(c, e.name)) out += fmt::format("\t\t{}\n", i);
    out += "\n";
  }
  return out;
}

nlohmann::json crypto_map_json(const config::Config& c, const std::vector<CryptoMapRuntime>& runtime) {
  nlohmann::json maps = nlohmann::json::array();
  for (const auto& e : c.crypto_maps) {
    const bool manual = e.type == config::CryptoMapType::kIpsecManual;
    nlohmann::json peers = nlohmann::json::array(), acl_lines = nlohmann::json::array(),
                   sets = nlohmann::json::array();
    for (const auto& p : e.peers) peers.push_back(format_ipv4(p.address));
    if (e.match_address)
      if (const auto* acl = c.find_access_list(e.match_address->name))
        for (const auto& line : acl->entries) acl_lines.push_back(acl_entry_text(line));
    for (const auto& ref : e.transform_sets) {
      const auto* ts = c.find_transform_set(ref.name);
      sets.push_back({{"name", ref.name}, {"transform", ts ? ios_transform_name(*ts) : std::string()}});
    }
    auto cur = current_peer(runtime, e);
    nlohmann::json j = {{"name", e.name},
                        {"seq", e.seq},
                        {"type", manual ? "ipsec-manual" : "ipsec-isakmp"},
                        {"peers", peers},
                        {"match_address", e.match_address ? nlohmann::json(e.match_address->name) : nlohmann::json()},
                        {"access_list", acl_lines},
                        {"current_peer", cur ? nlohmann::json(format_ipv4(*cur)) : nlohmann::json()},
                        {"pfs_group", e.pfs_group ? nlohmann::json(*e.pfs_group) : nlohmann::json()},
                        {"lifetime_kilobytes", e.lifetime_kilobytes.value_or(c.ipsec_sa_lifetime_kilobytes)},
                        {"lifetime_seconds", e.lifetime_seconds.value_or(c.ipsec_sa_lifetime_seconds).count()},
                        {"transform_sets", sets},
                        {"reverse_route", e.reverse_route},
                        {"interfaces", interfaces_using(c, e.name)}};
    if (manual) {
      j["inbound_esp_spi"] = e.inbound_esp ? nlohmann::json(e.inbound_esp->spi) : nlohmann::json();
      j["outbound_esp_spi"] = e.outbound_esp ? nlohmann::json(e.outbound_esp->spi) : nlohmann::json();
    }
    maps.push_back(j);
  }
  return {{"crypto_maps", maps}};
}

}  // namespace espgw::control

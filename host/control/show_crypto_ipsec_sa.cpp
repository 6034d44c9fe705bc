// IOS layout of `show crypto ipsec sa` (reference: ios-ikev1-ipsec-ha-walkthrough.txt,
// section 1.2, R1#show crypto ipsec sa). Indentation is IOS's own: 3, 4, 5, 6 and 8 spaces.
#include "host/control/show_crypto_ipsec_sa.hpp"

#include <fmt/format.h>

#include "host/common/ipv4.hpp"

namespace espgw::control {

namespace {

std::string ident(const IdentView& id) {
  return fmt::format("({}/{}/{}/{})", format_ipv4(id.addr), format_ipv4(id.mask), id.protocol, id.port);
}

std::string lifetime(const SaView& sa) {
  auto part = [](const std::optional<std::uint64_t>& v) { return v ? std::to_string(*v) : std::string("none"); };
  return fmt::format("({}/{})", part(sa.remaining_kb), part(sa.remaining_sec));
}

void render_sas(std::string& out, const char* title, const std::vector<SaView>& sas) {
  out += fmt::format("     {} esp sas:\n", title);
  for (const auto& sa : sas) {
    out += fmt::format("      spi: {}\n", format_spi(sa.spi));
    out += fmt::format("        transform: {} ,\n", sa.transform);
    out += fmt::format("        in use settings ={{Tunnel{}, }}\n", sa.udp_encap ? " UDP-Encaps" : "");
    out += fmt::format("        conn id: {}, flow_id: {}:{}, sibling_flags 80000046, crypto map: {}\n", sa.conn_id,
                       sa.flow_prefix, sa.conn_id, sa.crypto_map);
    out += fmt::format("        sa timing: remaining key lifetime (k/sec): {}\n", lifetime(sa));
    out += fmt::format("        IV size: {} bytes\n", sa.iv_bytes);
    out += fmt::format("        replay detection support: {}\n", sa.replay_detection ? "Y" : "N");
    out += fmt::format("        Status: {}\n", sa.status);
  }
  out += "\n";
  out += fmt::format("     {} ah sas:\n\n", title);
  out += fmt::format("     {} pcp sas:\n", title);
}

void render_pair(std::string& out, const PairView& p, bool detail) {
  const auto& c = p.counters;
  out += "   protected vrf: (none)\n";
  out += fmt::format("   local  ident (addr/mask/prot/port): {}\n", ident(p.local));
  out += fmt::format("   remote ident (addr/mask/prot/port): {}\n", ident(p.remote));
  out += fmt::format("   current_peer {} port {}\n", format_ipv4(p.peer), p.peer_port);
  out += "     PERMIT, flags={origin_is_acl,}\n";
  out += fmt::format("    #pkts encaps: {}, #pkts encrypt: {}, #pkts digest: {}\n", c.encaps, c.encrypt, c.digest);
  out += fmt::format("    #pkts decaps: {}, #pkts decrypt: {}, #pkts verify: {}\n", c.decaps, c.decrypt, c.verify);
  out += "    #pkts compressed: 0, #pkts decompressed: 0\n";
  out += "    #pkts not compressed: 0, #pkts compr. failed: 0\n";
  out += "    #pkts not decompressed: 0, #pkts decompress failed: 0\n";
  if (detail) {
    out += fmt::format("    #pkts no sa (send) {}, #pkts invalid sa (rcv) {}\n", c.no_sa_send, c.invalid_sa_rcv);
    out += fmt::format("    #pkts encaps failed (send) {}, #pkts decaps failed (rcv) {}\n", c.encaps_failed_send,
                       c.decaps_failed_rcv);
    out += fmt::format("    #pkts invalid prot (recv) {}, #pkts verify failed: {}\n", c.invalid_prot_rcv,
                       c.verify_failed);
    out += fmt::format("    #pkts invalid identity (recv) {}, #pkts invalid len (rcv) {}\n",
                       c.invalid_identity_rcv, c.invalid_len_rcv);
    out += fmt::format("    #pkts replay rollover (send): {}, #pkts replay rollover (rcv) {}\n",
                       c.replay_rollover_send, c.replay_rollover_rcv);
    out += fmt::format("    ##pkts replay failed (rcv): {}\n", c.replay_failed_rcv);
    out += fmt::format("    #pkts internal err (send): {}, #pkts internal err (recv) {}\n", c.internal_err_send,
                       c.internal_err_rcv);
  }
  out += fmt::format("    #send errors {}, #recv errors {}\n", c.send_errors, c.recv_errors);
  out += "\n";
  out += fmt::format("     local crypto endpt.: {}, remote crypto endpt.: {}\n", format_ipv4(p.local_endpt),
                     format_ipv4(p.remote_endpt));
  out += fmt::format("     path mtu {}, ip mtu {}, ip mtu idb {}\n", p.path_mtu, p.ip_mtu, p.ip_mtu_idb);
  out += fmt::format("     current outbound spi: {}\n", format_spi(p.current_outbound_spi));
  if (p.pfs_group)
    out += fmt::format("     PFS (Y/N): Y, DH group: group{}\n", *p.pfs_group);
  else
    out += "     PFS (Y/N): N, DH group: none\n";
  out += "\n";
  render_sas(out, "inbound", p.inbound);
  out += "\n";
  render_sas(out, "outbound", p.outbound);
  out += "\n";
}

bool selected(const PairView& p, const IpsecSaFilter& f) { return !f.peer || p.peer == *f.peer; }

nlohmann::json ident_json(const IdentView& id) {
  return {{"addr", format_ipv4(id.addr)}, {"mask", format_ipv4(id.mask)}, {"prot", id.protocol}, {"port", id.port}};
}

nlohmann::json sa_json(const SaView& sa) {
  nlohmann::json j = {{"spi", sa.spi},
                      {"spi_hex", fmt::format("0x{:08X}", sa.spi)},
                      {"transform", sa.transform},
                      {"mode", "tunnel"},
                      {"udp_encap", sa.udp_encap},
                      {"conn_id", sa.conn_id},
                      {"flow_id", fmt::format("{}:{}", sa.flow_prefix, sa.conn_id)},
                      {"crypto_map", sa.crypto_map},
                      {"iv_bytes", sa.iv_bytes},
                      {"replay_detection", sa.replay_detection},
                      {"status", sa.status}};
  j["remaining_kb"] = sa.remaining_kb ? nlohmann::json(*sa.remaining_kb) : nlohmann::json(nullptr);
  j["remaining_sec"] = sa.remaining_sec ? nlohmann::json(*sa.remaining_sec) : nlohmann::json(nullptr);
  return j;
}

}  // namespace

std::string format_spi(std::uint32_t spi) { return fmt::format("0x{:X}({})", spi, spi); }

std::string render_crypto_ipsec_sa(const IpsecSaView& view, const IpsecSaFilter& filter) {
  std::string out;
  for (const auto& itf : view.interfaces) {
    bool any = false;
    for (const auto& p : itf.pairs) any = any || selected(p, filter);
    if (!any) continue;
    out += "\n";
    out += fmt::format("interface: {}\n", itf.interface);
    out += fmt::format("    Crypto map tag: {}, local addr {}\n", itf.map_tag, format_ipv4(itf.local_addr));
    out += "\n";
    for (const auto& p : itf.pairs)
      if (selected(p, filter)) render_pair(out, p, filter.detail);
    out += "\n";
  }
  return out;
}

nlohmann::json crypto_ipsec_sa_json(const IpsecSaView& view, const IpsecSaFilter& filter) {
  nlohmann::json interfaces = nlohmann::json::array();
  for (const auto& itf : view.interfaces) {
    nlohmann::json pairs = nlohmann::json::array();
    for (const auto& p : itf.pairs) {
      if (!selected(p, filter)) continue;
      const auto& c = p.counters;
      nlohmann::json counters = {{"encaps", c.encaps},   {"encrypt", c.encrypt},         {"digest", c.digest},
                                 {"decaps", c.decaps},   {"decrypt", c.decrypt},         {"verify", c.verify},
                                 {"send_errors", c.send_errors}, {"recv_errors", c.recv_errors}};
      if (filter.detail) {
        counters.update({{"no_sa_send", c.no_sa_send},
                         {"invalid_sa_rcv", c.invalid_sa_rcv},
                         {"encaps_failed_send", c.encaps_failed_send},
                         {"decaps_failed_rcv", c.decaps_failed_rcv},
                         {"invalid_prot_rcv", c.invalid_prot_rcv},
                         {"verify_failed", c.verify_failed},
                         {"invalid_identity_rcv", c.invalid_identity_rcv},
                         {"invalid_len_rcv", c.invalid_len_rcv},
                         {"replay_rollover_send", c.replay_rollover_send},
                         {"replay_rollover_rcv", c.replay_rollover_rcv},
                         {"replay_failed_rcv", c.replay_failed_rcv},
                         {"internal_err_send", c.internal_err_send},
                         {"internal_err_rcv", c.internal_err_rcv}});
      }
      nlohmann::json in = nlohmann::json::array(), out = nlohmann::json::array();
      for (const auto& sa : p.inbound) in.push_back(sa_json(sa));
      for (const auto& sa : p.outbound) out.push_back(sa_json(sa));
      pairs.push_back({{"protected_vrf", nullptr},
                       {"local_ident", ident_json(p.local)},
                       {"remote_ident", ident_json(p.remote)},
                       {"current_peer", format_ipv4(p.peer)},
                       {"peer_port", p.peer_port},
                       {"counters", counters},
                       {"local_crypto_endpt", format_ipv4(p.local_endpt)},
                       {"remote_crypto_endpt", format_ipv4(p.remote_endpt)},
                       {"path_mtu", p.path_mtu},
                       {"ip_mtu", p.ip_mtu},
                       {"ip_mtu_idb", p.ip_mtu_idb},
                       {"current_outbound_spi", p.current_outbound_spi},
                       {"pfs", p.pfs_group.has_value()},
                       {"dh_group", p.pfs_group ? nlohmann::json(fmt::format("group{}", *p.pfs_group))
                                                : nlohmann::json(nullptr)},
                       {"inbound_esp_sas", in},
                       {"outbound_esp_sas", out}});
    }
    if (pairs.empty()) continue;
    interfaces.push_back({{"interface", itf.interface},
                          {"crypto_map_tag", itf.map_tag},
                          {"local_addr", format_ipv4(itf.local_addr)},
                          {"proxy_pairs", pairs}});
  }
  return {{"interfaces", interfaces}};
}

}  // namespace espgw::control

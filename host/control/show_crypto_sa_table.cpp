// Table layout of `show crypto sa-table` (see the header).
#include "host/control/show_crypto_sa_table.hpp"

#include <fmt/format.h>

#include "host/common/ipv4.hpp"

namespace espgw::control {

namespace {
std::string limit(std::uint64_t soft, std::uint64_t hard) {
  if (soft == 0 && hard == 0) return "-";
  return fmt::format("{}/{}", soft, hard);
}
}  // namespace

std::string render_crypto_sa_table(const SaTableView& v) {
  std::string out;
  out += fmt::format("Device: {} ({}), {} of {} slots in use\n", v.backend, v.device, v.rows.size(), v.capacity);
  out += fmt::format("Device drops: bad spi {}, malformed {}, bad sa {}\n\n", v.bad_spi, v.malformed, v.bad_sa);
  out += fmt::format("{:<5} {:<10} {:<3} {:<23} {:<15} {:<15} {:<11} {:>6} {:>10} {:>10} {:>12}\n", "Index", "SPI",
                     "Dir", "Transform", "Src", "Dst", "Encap", "Window", "Seq", "Packets", "Bytes");
  for (const auto& r : v.rows) {
    const std::string encap =
        r.udp_encap ? fmt::format("udp{}>{}", r.udp_src_port, r.udp_dst_port) : std::string("esp");
    out += fmt::format("{:<5} 0x{:08X} {:<3} {:<23} {:<15} {:<15} {:<11} {:>6} {:>10} {:>10} {:>12}\n", r.index, r.spi,
                       r.inbound ? "in" : "out", fmt::format("{}-{}{}", r.transform, r.key_bits, r.esn ? "+esn" : ""),
                       format_ipv4(r.tunnel_src), format_ipv4(r.tunnel_dst), encap, r.inbound ? r.replay_window : 0,
                       r.seq, r.packets, r.bytes);
    out += fmt::format("      drops: auth {}, replay {}, pad {}, policy {}, other {}; lifetime bytes {} packets {}{}\n",
                       r.auth_fails, r.replay_fails, r.pad_fails, r.policy_fails, r.other_drops,
                       limit(r.soft_bytes, r.hard_bytes), limit(r.soft_packets, r.hard_packets),
                       r.hard_expired ? "; EXPIRED" : (r.soft_expired ? "; soft-expired" : ""));
  }
  return out;
}

nlohmann::json crypto_sa_table_json(const SaTableView& v) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : v.rows) {
    rows.push_back({{"index", r.index},
                    {"spi", r.spi},
                    {"direction", r.inbound ? "inbound" : "outbound"},
                    {"transform", r.transform},
                    {"key_bits", r.key_bits},
                    {"tunnel_src", format_ipv4(r.tunnel_src)},
                    {"tunnel_dst", format_ipv4(r.tunnel_dst)},
                    {"udp_encap", r.udp_encap},
                    {"udp_src_port", r.udp_src_port},
                    {"udp_dst_port", r.udp_dst_port},
                    {"esn", r.esn},
                    {"replay_window", r.replay_window},
                    {"seq", r.seq},
                    {"packets", r.packets},
                    {"bytes", r.bytes},
                    {"auth_fails", r.auth_fails},
                    {"replay_fails", r.replay_fails},
                    {"pad_fails", r.pad_fails},
                    {"policy_fails", r.policy_fails},
                    {"other_drops", r.other_drops},
                    {"lifetime", {{"soft_bytes", r.soft_bytes}, {"hard_bytes", r.hard_bytes},
                                  {"soft_packets", r.soft_packets}, {"hard_packets", r.hard_packets}}},
                    {"soft_expired", r.soft_expired},
                    {"hard_expired", r.hard_expired}});
  }
  return {{"backend", v.backend}, {"device", v.device}, {"capacity", v.capacity},
          {"device_drops", {{"bad_spi", v.bad_spi}, {"malformed", v.malformed}, {"bad_sa", v.bad_sa}}},
          {"sas", rows}};
}

}  // namespace espgw::control

// Config model to host/ha settings (see ha_config.hpp).
#include "host/ha/ha_config.hpp"

#include <string_view>

namespace espgw::ha {

HsrpGroupConfig hsrp_group_config(const config::Interface& itf, const config::StandbyGroup& g,
                                  const MacAddress& local_mac) {
  HsrpGroupConfig c;
  c.interface = itf.name;
  c.version = itf.standby_version == 2 ? HsrpVersion::kV2 : HsrpVersion::kV1;
  c.group = static_cast<std::uint16_t>(g.group);
  c.virtual_ip = g.virtual_ip;
  c.priority = static_cast<std::uint32_t>(g.priority);
  c.priority_configured = g.priority != static_cast<int>(kHsrpDefaultPriority);
  c.preempt = g.preempt;
  c.preempt_delay = g.preempt_delay_minimum;
  // The model always holds timers (IOS defaults when not configured), so nothing is learned.
  c.hello_time = g.hello;
  c.hold_time = g.hold;
  if (g.authentication) {
    auto key = g.authentication->key.view();
    std::string_view text(reinterpret_cast<const char*>(key.data()), key.size());
    c.auth = g.authentication->kind == config::StandbyAuthKind::kMd5 ? HsrpAuthConfig::md5_key_string(text)
                                                                     : HsrpAuthConfig::text_string(text);
    c.auth_configured = true;
  }
  for (const auto& t : g.tracks) c.tracks.push_back({t.object, static_cast<std::uint32_t>(t.decrement)});
  c.name = g.name;
  if (itf.address) c.local_address = itf.address->address;
  c.local_mac = local_mac;
  c.use_bia = itf.standby_use_bia;
  return c;
}

std::vector<HsrpGroupConfig> hsrp_groups(const config::Config& cfg) {
  std::vector<HsrpGroupConfig> out;
  for (const auto& itf : cfg.interfaces)
    for (const auto& g : itf.standby) out.push_back(hsrp_group_config(itf, g, MacAddress{}));
  return out;
}

std::optional<StatefulSyncOptions> stateful_sync_options(const config::Config& cfg, const SyncTlsConfig& tls,
                                                         std::string* error) {
  const config::InterfaceCryptoMap* map = nullptr;
  for (const auto& itf : cfg.interfaces)
    if (itf.crypto_map && itf.crypto_map->stateful) map = &*itf.crypto_map;
  if (map == nullptr) return std::nullopt;
  auto fail = [&](std::string why) -> std::optional<StatefulSyncOptions> {
    *error = std::move(why);
    return std::nullopt;
  };
  if (!cfg.ipc_zone || cfg.ipc_zone->associations.empty())
    return fail("crypto map " + map->map.name + " is stateful but there is no `ipc zone default` association");
  const config::IpcAssociation& a = cfg.ipc_zone->associations.front();
  if (a.shutdown) return fail("ipc zone association " + std::to_string(a.id) + " is shut down (add `no shutdown`)");
  if (a.local_ips.empty() || a.remote_ips.empty() || !a.local_port || !a.remote_port)
    return fail("ipc zone association " + std::to_string(a.id) + " needs local-ip, local-port, remote-ip and remote-port");

  StatefulSyncOptions o;
  o.channel.protocol = a.protocol;
  o.channel.local_address = a.local_ips.front();
  o.channel.local_port = *a.local_port;
  o.channel.remote_address = a.remote_ips.front();
  o.channel.remote_port = *a.remote_port;
  o.channel.mode = o.channel.local_address < o.channel.remote_address ? SyncChannelOptions::Mode::kListen
                                                                       : SyncChannelOptions::Mode::kConnect;
  o.channel.retry_interval = a.retransmit_timeout_min;
  o.channel.tls = tls;
  o.node_address = o.channel.local_address;
  o.group_name = cfg.redundancy_inter_device && cfg.redundancy_inter_device->scheme_standby
                     ? cfg.redundancy_inter_device->scheme_standby->name
                     : (map->redundancy ? map->redundancy->name : std::string());
  for (const auto& ri : cfg.crypto_map_replay_intervals)
    if (ri.map_name == map->map.name) o.interval = {ri.inbound_packets, ri.outbound_packets};
  return o;
}

}  // namespace espgw::ha

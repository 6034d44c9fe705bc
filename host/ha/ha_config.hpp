// From the IOS config model (host/config) to host/ha's settings: one HsrpGroupConfig per
// `standby N` block, and the stateful-sync options of `ipc zone default` / `redundancy
// inter-device` / `crypto map NAME redundancy GROUP stateful` / `replay-interval`. Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "host/config/config_model.hpp"
#include "host/ha/hsrp_state_machine.hpp"
#include "host/ha/stateful_sync.hpp"

namespace espgw::ha {

// `local_mac` is the interface's burned-in address (the v2 identifier).
HsrpGroupConfig hsrp_group_config(const config::Interface& itf, const config::StandbyGroup& group,
                                  const MacAddress& local_mac);

// Every HSRP group in the configuration, interface by interface (MACs left zero).
std::vector<HsrpGroupConfig> hsrp_groups(const config::Config& cfg);

// nullopt when no crypto map is `redundancy GROUP stateful`. Otherwise the options, or a
// one-line reason in *error when the IPC association is missing or incomplete. The router
// with the lower local IP listens, the other connects, so both ends agree from their own
// configs alone. TLS material is not in IOS's config: the caller supplies it.
std::optional<StatefulSyncOptions> stateful_sync_options(const config::Config& cfg, const SyncTlsConfig& tls,
                                                         std::string* error);

}  // namespace espgw::ha

// `show crypto map`: every crypto map entry of the running config with its peer, ACL lines,
// lifetimes, PFS, transform sets, RRI and the interfaces using it, in IOS 15's layout.
// Manual session keys are never shown (IOS prints them; espgw keeps keys out of show).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/config/config_model.hpp"

namespace espgw::control {

// Runtime facts show adds to the config: the peer in use per entry.
struct CryptoMapRuntime {
  std::string map_tag;
  int seq = 0;
  std::optional<std::uint32_t> current_peer;
};

std::string render_crypto_map(const config::Config& config, const std::vector<CryptoMapRuntime>& runtime);
nlohmann::json crypto_map_json(const config::Config& config, const std::vector<CryptoMapRuntime>& runtime);

}  // namespace espgw::control

// Cross-reference and capability checks over a whole Config: dangling names (ACL,
// transform-set, crypto map, standby group), peers without keys, manual keys of the wrong
// length, IOS defaults that silently defeat a config. parse_ios_config() runs it.
#pragma once

#include <string_view>
#include <vector>

#include "host/config/config_model.hpp"

namespace espgw::config {

// Errors make espd refuse the config; warnings are printed and the config runs.
std::vector<Diagnostic> validate_config(const Config& config, std::string_view file_name);

}  // namespace espgw::config

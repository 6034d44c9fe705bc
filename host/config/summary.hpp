// format_config_summary(): what `espd --check-config FILE` prints after the diagnostics:
// one line per element an operator checks (policies, keys by peer only, transform sets,
// crypto maps with their ACLs, interfaces with HSRP, HA channel, ignored commands).
#pragma once

#include <string>

#include "host/config/parser.hpp"

namespace espgw::config {

std::string format_config_summary(const ParseResult& result);

}  // namespace espgw::config

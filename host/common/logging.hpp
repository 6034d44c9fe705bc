// Logging setup for espd and espctl (spdlog). One call at startup; every component logs
// through spdlog's default logger. Keys never reach a log line: SecretBytes has no formatter.
#pragma once

#include <string_view>

namespace espgw {

// level: trace|debug|info|warn|error|off. Unknown levels fall back to info.
void setup_logging(std::string_view program, std::string_view level);

}  // namespace espgw

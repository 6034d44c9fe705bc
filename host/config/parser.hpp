// Public entry point of host/config: IOS configuration text in, value model and every
// diagnostic out. Pure: no I/O, no logging, no device calls (STYLE.md "host/config").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "host/config/config_model.hpp"

namespace espgw::config {

struct ParseOptions {
  bool strict = false;  // unknown commands are errors rather than warnings (espd --strict)
};

struct ParseResult {
  Config config;                        // what was understood, even when there are errors
  std::vector<Diagnostic> diagnostics;  // errors and warnings, ordered by line and column
  bool ok() const { return error_count() == 0; }
  std::size_t error_count() const;
  std::size_t warning_count() const;
  // "FILE:LINE:COL: error: message", one per diagnostic, in order.
  std::vector<std::string> formatted() const;
};

// Parses by mode, as IOS does when a configuration is pasted: a command that is not valid in
// the current sub-mode ends it and is tried at the level above; indentation is not
// structure. Then validates cross-references (validate.hpp). Never throws on bad input.
ParseResult parse_ios_config(std::string_view text, std::string_view file_name, ParseOptions options = {});

}  // namespace espgw::config

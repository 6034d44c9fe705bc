// Helpers for host/config tests: parse a string, read a fixture, pick diagnostics.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "host/config/parser.hpp"

namespace espgw::config::test {

inline ParseResult parse(const std::string& text, bool strict = false) {
  return parse_ios_config(text, "t.cfg", ParseOptions{strict});
}

inline std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

inline std::string fixture(const std::string& name) { return read_file(std::string(ESPGW_IOS_FIXTURE_DIR) + "/" + name); }

inline std::vector<std::string> errors(const ParseResult& r) {
  std::vector<std::string> out;
  for (const auto& d : r.diagnostics) {
    if (d.severity == Severity::kError) out.push_back(d.to_string());
  }
  return out;
}

inline std::vector<std::string> warnings(const ParseResult& r) {
  std::vector<std::string> out;
  for (const auto& d : r.diagnostics) {
    if (d.severity == Severity::kWarning) out.push_back(d.to_string());
  }
  return out;
}

// "LINE:COL" of every diagnostic, in order: what error-position tests compare.
inline std::vector<std::string> positions(const ParseResult& r) {
  std::vector<std::string> out;
  for (const auto& d : r.diagnostics) out.push_back(std::to_string(d.loc.line) + ":" + std::to_string(d.loc.column));
  return out;
}

inline std::string key_text(const SecretBytes& s) { return std::string(s.view().begin(), s.view().end()); }

}  // namespace espgw::config::test

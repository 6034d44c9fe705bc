// The control socket's wire format: one JSON object per line each way.
//   request:  {"argv": ["show","crypto","ipsec","sa","detail"], "json": false, "reveal_keys": false}
//   response: {"ok": true, "text": "..."} | {"ok": true, "data": {...}} | {"ok": false, "error": "..."}
// espctl forwards its words unchanged; the daemon parses them (control_commands), so old
// clients keep working when commands are added.
#pragma once

#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

#include <nlohmann/json.hpp>

namespace espgw::control {

// Requests larger than this are refused: the socket is local, but still not trusted input.
inline constexpr std::size_t kMaxRequestBytes = 64 * 1024;

struct ControlRequest {
  std::vector<std::string> argv;
  bool json = false;
  bool reveal_keys = false;  // `export wireshark` only; root callers only
  // Credentials of the connected process (SO_PEERCRED), filled by the server.
  uid_t uid = static_cast<uid_t>(-1);
  pid_t pid = 0;
};

// nullopt and *error set when the line is not a valid request.
std::optional<ControlRequest> parse_request(const std::string& line, std::string* error);
std::string serialize_request(const ControlRequest& request);

nlohmann::json ok_text(std::string text);
nlohmann::json ok_data(nlohmann::json data);
nlohmann::json error_response(std::string message);

}  // namespace espgw::control

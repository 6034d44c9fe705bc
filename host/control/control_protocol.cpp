// JSON-lines request/response encoding (see the header).
#include "host/control/control_protocol.hpp"

namespace espgw::control {

std::optional<ControlRequest> parse_request(const std::string& line, std::string* error) {
  auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    *error = "request is not a JSON object";
    return std::nullopt;
  }
  ControlRequest r;
  auto argv = j.find("argv");
  if (argv == j.end() || !argv->is_array()) {
    *error = "request has no argv array";
    return std::nullopt;
  }
  for (const auto& a : *argv) {
    if (!a.is_string()) {
      *error = "argv holds a non-string";
      return std::nullopt;
    }
    r.argv.push_back(a.get<std::string>());
  }
  if (auto it = j.find("json"); it != j.end() && it->is_boolean()) r.json = it->get<bool>();
  if (auto it = j.find("reveal_keys"); it != j.end() && it->is_boolean()) r.reveal_keys = it->get<bool>();
  return r;
}

std::string serialize_request(const ControlRequest& r) {
  return nlohmann::json{{"argv", r.argv}, {"json", r.json}, {"reveal_keys", r.reveal_keys}}.dump() + "\n";
}

nlohmann::json ok_text(std::string text) { return {{"ok", true}, {"text", std::move(text)}}; }
nlohmann::json ok_data(nlohmann::json data) { return {{"ok", true}, {"data", std::move(data)}}; }
nlohmann::json error_response(std::string message) { return {{"ok", false}, {"error", std::move(message)}}; }

}  // namespace espgw::control

// Expansion of IOS interface abbreviations (interface_name.hpp).
#include "host/config/interface_name.hpp"

#include <array>
#include <cctype>

namespace espgw::config {
namespace {

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

bool is_prefix(std::string_view token, std::string_view word) {
  return !token.empty() && token.size() <= word.size() && iequal(token, word.substr(0, token.size()));
}

}  // namespace

std::optional<std::string> canonical_interface_name(std::string_view text) {
  static constexpr std::array<std::string_view, 17> kTypes = {
      "GigabitEthernet", "FastEthernet", "TenGigabitEthernet", "TwentyFiveGigE", "FortyGigabitEthernet",
      "HundredGigE",     "Ethernet",     "Loopback",           "Tunnel",         "Vlan",
      "Port-channel",    "Serial",       "Dialer",             "BDI",            "Virtual-Template",
      "Null",            "Cellular"};
  std::size_t i = 0;
  while (i < text.size() && (std::isalpha(static_cast<unsigned char>(text[i])) || text[i] == '-')) ++i;
  std::string_view type = text.substr(0, i);
  std::string_view number = text.substr(i);
  while (!number.empty() && number.front() == ' ') number.remove_prefix(1);
  if (type.empty() || number.empty() || !std::isdigit(static_cast<unsigned char>(number.front()))) return std::nullopt;
  for (char c : number) {
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != '/' && c != '.' && c != ':') return std::nullopt;
  }
  const std::string_view* found = nullptr;
  for (const auto& t : kTypes) {
    if (iequal(type, t)) {
      found = &t;
      break;
    }
    if (is_prefix(type, t)) {
      if (found != nullptr) return std::nullopt;  // ambiguous ("t": Tunnel or TenGigabit...)
      found = &t;
    }
  }
  if (found == nullptr) return std::nullopt;
  return std::string(*found) + std::string(number);
}

}  // namespace espgw::config

// The commands the control socket accepts, parsed from espctl's words with IOS-style
// abbreviation ("sh cry ips sa" = "show crypto ipsec sa"):
//   show crypto ipsec sa [peer A] [detail] | show crypto map | show running-config |
//   show platform |
//   show crypto sa-table | clear crypto sa [peer A] | export wireshark DIR |
//   show crypto isakmp sa | clear crypto isakmp | [no] debug crypto isakmp | undebug all |
//   show standby [brief] | show redundancy [inter-device] | show crypto ha
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace espgw::espd {

struct ControlCommand {
  enum class Kind { kShowIpsecSa, kShowCryptoMap, kShowRunningConfig, kShowSaTable, kClearSa, kExportWireshark,
                    kShowIsakmpSa, kClearIsakmp, kDebugIsakmp, kShowPlatform, kShowStandby,
                    kShowRedundancy, kShowCryptoHa };
  Kind kind = Kind::kShowIpsecSa;
  std::optional<std::uint32_t> peer;
  bool detail = false;  // kShowIpsecSa: `detail`; kShowStandby: `brief`
  std::string dir;
  bool on = true;  // kDebugIsakmp: `debug` (true) or `no debug` / `undebug` (false)
};

// nullopt and *error ("% Invalid input ...", with the offending word) when not a command.
std::optional<ControlCommand> parse_control_command(const std::vector<std::string>& argv, std::string* error);

}  // namespace espgw::espd

// IOS interface names: expands abbreviations as IOS does ("g0/0", "Gi 0/0" ->
// "GigabitEthernet0/0"), so the parser and espd's --ifmap agree on one spelling.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace espgw::config {

// nullopt when the type is unknown or its abbreviation ambiguous ("T0": Tunnel or
// TenGigabitEthernet), or the number part is not digits with / . :
std::optional<std::string> canonical_interface_name(std::string_view type_and_number);

}  // namespace espgw::config

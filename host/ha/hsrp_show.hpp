// `show standby` and `show standby brief` in IOS's layout (IOS 15 HSRP command reference),
// rendered from HsrpGroupStatus snapshots. Pure: the caller passes the time to count from.
#pragma once

#include <span>
#include <string>

#include "host/ha/hsrp_state_machine.hpp"

namespace espgw::ha {

std::string render_show_standby(std::span<const HsrpGroupStatus> groups, HsrpTime now);
std::string render_show_standby_brief(std::span<const HsrpGroupStatus> groups);

// "GigabitEthernet0/0" -> "Gi0/0", as IOS shortens names in brief tables; other names unchanged.
std::string abbreviate_interface(const std::string& name);

// 0000.0c07.acc7
std::string format_ios_mac(const MacAddress& mac);

}  // namespace espgw::ha

// IPv4 addresses and prefixes as IOS writes them: dotted quads, masks and wildcard masks.
// Values are host byte order; parsing never throws.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace espgw {

// "19.26.116.141" -> 0x131A748D; nullopt on anything else (leading zeros allowed, no spaces).
std::optional<std::uint32_t> parse_ipv4(std::string_view text);
std::string format_ipv4(std::uint32_t addr);

// A netmask is contiguous ones from the top (255.255.255.192); a wildcard mask is its complement.
bool is_contiguous_netmask(std::uint32_t mask);
int netmask_prefix_length(std::uint32_t mask);  // -1 when not contiguous
std::uint32_t prefix_to_netmask(int prefix_length);

}  // namespace espgw

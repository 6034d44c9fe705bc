// Hex encoding for show output, test vectors and wireshark exports.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace espgw {

std::string to_hex(std::span<const std::uint8_t> bytes);  // lowercase, no separators
std::optional<std::vector<std::uint8_t>> from_hex(std::string_view hex);  // nullopt on odd/invalid

}  // namespace espgw

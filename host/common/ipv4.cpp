#include "host/common/ipv4.hpp"

#include <fmt/format.h>

namespace espgw {

std::optional<std::uint32_t> parse_ipv4(std::string_view text) {
  std::uint32_t addr = 0;
  int octets = 0;
  std::size_t i = 0;
  while (octets < 4) {
    if (i >= text.size() || text[i] < '0' || text[i] > '9') return std::nullopt;
    std::uint32_t v = 0;
    int digits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      v = v * 10 + static_cast<std::uint32_t>(text[i] - '0');
      if (++digits > 3 || v > 255) return std::nullopt;
      ++i;
    }
    addr = addr << 8 | v;
    ++octets;
    if (octets < 4) {
      if (i >= text.size() || text[i] != '.') return std::nullopt;
      ++i;
    }
  }
  if (i != text.size()) return std::nullopt;
  return addr;
}

std::string format_ipv4(std::uint32_t a) {
  return fmt::format("{}.{}.{}.{}", a >> 24, (a >> 16) & 0xFF, (a >> 8) & 0xFF, a & 0xFF);
}

bool is_contiguous_netmask(std::uint32_t mask) { return netmask_prefix_length(mask) >= 0; }

int netmask_prefix_length(std::uint32_t mask) {
  std::uint32_t inverted = ~mask;
  if ((inverted & (inverted + 1)) != 0) return -1;  // ones must all be at the top
  return __builtin_popcount(mask);
}

std::uint32_t prefix_to_netmask(int prefix_length) {
  if (prefix_length <= 0) return 0;
  if (prefix_length >= 32) return 0xFFFFFFFFu;
  return ~((1u << (32 - prefix_length)) - 1);
}

}  // namespace espgw

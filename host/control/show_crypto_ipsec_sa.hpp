// `show crypto ipsec sa [peer A] [detail]` in the layout of IOS 15 (the reference
// walkthrough's R1 output, byte for byte apart from the values), and its --json form.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "host/control/show_model.hpp"

namespace espgw::control {

struct IpsecSaFilter {
  std::optional<std::uint32_t> peer;  // `peer A`: only pairs whose current_peer is A
  bool detail = false;                // `detail`: the per-reason drop counters too
};

std::string render_crypto_ipsec_sa(const IpsecSaView& view, const IpsecSaFilter& filter);
nlohmann::json crypto_ipsec_sa_json(const IpsecSaView& view, const IpsecSaFilter& filter);

// "0x74E1A91F(1960945951)": IOS writes SPIs in upper-case hex without padding, then decimal.
std::string format_spi(std::uint32_t spi);

}  // namespace espgw::control

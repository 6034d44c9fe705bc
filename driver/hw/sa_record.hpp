// The SA record as driver/hw writes it into the card's staging window and reads it back
// (layout: esp_regs.json "sa_record", via <espgw/regmap/esp_regmap.hpp>). Packing checks the
// configuration against what the kernel implements; HMAC keys become the ipad/opad states.
#pragma once

#include <array>
#include <cstdint>

#include "espgw/driver/sa_config.hpp"

namespace espgw::driver::hw {

using SaRecord = std::array<std::uint32_t, regmap::kSaRecordWords>;

// sa_state bits (esp_regs.json sa_record.sa_state), set by the kernel.
inline constexpr std::uint32_t kSaStateSoftFired = 1u << 0;
inline constexpr std::uint32_t kSaStateHardExpired = 1u << 1;
inline constexpr std::uint32_t kSaStateSeqExhausted = 1u << 2;

// kOk, or kInvalidConfig naming nothing secret: key lengths, transform, window, lifetimes.
Status validate_sa(const SaConfig& config, std::uint32_t max_replay_window);

// Packs a validated config. The record holds key material: the caller zeroizes it
// (zeroize_record) as soon as it has been written to the card.
SaRecord pack_sa(const SaConfig& config);
void zeroize_record(SaRecord& record);

// The SA as the card reports it (key words read as zero and are ignored).
SaState unpack_sa(const SaRecord& record);

}  // namespace espgw::driver::hw

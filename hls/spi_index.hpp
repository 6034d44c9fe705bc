// The inbound SPI index: SPI -> SA slot, an open-addressed hash table twice the SA table's
// size with linear probing and backward-shift deletion (no tombstones, so probe sequences
// never lengthen with churn). In hardware this is one BRAM read per probe; at load <= 1/2
// the expected probe count is about 1.5 (Knuth, TAOCP 6.4).
#pragma once

#include <cstdint>

#include "espgw/regmap/esp_hls_regmap.hpp"

namespace espgw::hls {

inline constexpr std::uint32_t kSpiIndexEntries = 2 * ::esp_hls_regmap::kSaCapacity;
static_assert((kSpiIndexEntries & (kSpiIndexEntries - 1)) == 0, "power of two");

struct SpiIndex {
  std::uint32_t spi[kSpiIndexEntries];
  std::uint32_t slot_plus1[kSpiIndexEntries];  // 0 = empty entry
};

void spi_index_clear(SpiIndex& x);
// Adds spi -> slot (the driver keeps inbound SPIs unique; a second insert replaces).
void spi_index_insert(SpiIndex& x, std::uint32_t spi, std::uint32_t slot);
void spi_index_erase(SpiIndex& x, std::uint32_t spi);
// The slot, or kSpiNotFound.
inline constexpr std::uint32_t kSpiNotFound = 0xFFFF;
std::uint32_t spi_index_find(const SpiIndex& x, std::uint32_t spi);

}  // namespace espgw::hls

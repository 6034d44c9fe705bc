// Lock-free SPI lookup table (see spi_table.hpp for the concurrency argument).
#include "spi_table.hpp"

#include <algorithm>
#include <bit>

namespace espgw::driver::cpu {

SpiTable::SpiTable(std::uint32_t capacity) {
  const std::uint32_t n = std::bit_ceil(std::max<std::uint32_t>(capacity, 4) * 4);
  mask_ = n - 1;
  entries_ = std::make_unique<std::atomic<std::uint64_t>[]>(n);
  for (std::uint32_t i = 0; i < n; ++i) entries_[i].store(0, std::memory_order_relaxed);
}

std::uint32_t SpiTable::slot_of(std::uint32_t spi) const {
  // SPIs are often sequential or random; a multiplicative hash spreads both.
  return static_cast<std::uint32_t>((static_cast<std::uint64_t>(spi) * 0x9E3779B97F4A7C15ull) >> 32) & mask_;
}

std::uint32_t SpiTable::find(std::uint32_t spi) const {
  std::uint32_t i = slot_of(spi);
  for (std::uint32_t probes = 0; probes <= mask_; ++probes, i = (i + 1) & mask_) {
    const std::uint64_t e = entries_[i].load(std::memory_order_acquire);
    if (e == 0) return kNotFound;
    if (e != kTombstone && static_cast<std::uint32_t>(e >> 32) == spi) {
      return static_cast<std::uint32_t>(e) - 1;
    }
  }
  return kNotFound;
}

bool SpiTable::insert(std::uint32_t spi, std::uint32_t handle) {
  if (live_ > mask_ / 2) return false;
  const std::uint64_t value = (static_cast<std::uint64_t>(spi) << 32) | (static_cast<std::uint64_t>(handle) + 1);
  std::uint32_t i = slot_of(spi);
  for (std::uint32_t probes = 0; probes <= mask_; ++probes, i = (i + 1) & mask_) {
    const std::uint64_t e = entries_[i].load(std::memory_order_relaxed);
    if (e == 0 || e == kTombstone) {
      if (e == kTombstone) --tombstones_;
      entries_[i].store(value, std::memory_order_release);
      ++live_;
      return true;
    }
  }
  return false;
}

void SpiTable::erase(std::uint32_t spi) {
  std::uint32_t i = slot_of(spi);
  for (std::uint32_t probes = 0; probes <= mask_; ++probes, i = (i + 1) & mask_) {
    const std::uint64_t e = entries_[i].load(std::memory_order_relaxed);
    if (e == 0) return;
    if (e != kTombstone && static_cast<std::uint32_t>(e >> 32) == spi) {
      entries_[i].store(kTombstone, std::memory_order_release);
      --live_;
      ++tombstones_;
      return;
    }
  }
}

}  // namespace espgw::driver::cpu

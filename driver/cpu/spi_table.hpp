// SpiTable: inbound SPI -> SA handle in O(1) for the data path (RFC 4301 4.4.2: the SAD is
// searched by SPI). Lock-free for readers: open addressing with linear probing over atomic
// 64-bit entries; writers (install/remove, serialised by the device's control mutex) only
// ever turn an empty or deleted entry into a live one, or a live one into deleted, so a
// concurrent lookup sees either the old or the new state of each entry, never a torn one.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

namespace espgw::driver::cpu {

class SpiTable {
 public:
  static constexpr std::uint32_t kNotFound = 0xFFFFFFFFu;

  // capacity: most live entries; the table holds 4x that so probes stay short even with
  // many deleted entries before the next rebuild.
  explicit SpiTable(std::uint32_t capacity);

  std::uint32_t find(std::uint32_t spi) const;

  // Control side only (externally serialised). insert requires spi to be absent.
  bool insert(std::uint32_t spi, std::uint32_t handle);
  void erase(std::uint32_t spi);
  // Deleted entries make misses probe longer; the owner rebuilds a fresh table (and
  // publishes it) when this passes the live count.
  std::uint32_t tombstones() const { return tombstones_; }
  std::uint32_t live() const { return live_; }

 private:
  // entry = spi << 32 | (handle + 1); 0 = empty; kTombstone = deleted. SPIs below 256 are
  // reserved (RFC 4303 2.1) and never stored, so no live entry equals kTombstone.
  static constexpr std::uint64_t kTombstone = 1;

  std::uint32_t slot_of(std::uint32_t spi) const;

  std::uint32_t mask_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> entries_;
  std::uint32_t live_ = 0;
  std::uint32_t tombstones_ = 0;
};

}  // namespace espgw::driver::cpu

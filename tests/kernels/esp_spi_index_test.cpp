// Bench for esp_spi_index (kernels/rtl): the kernel's inbound SPI -> slot hash table (open
// addressing, linear probing, backward-shift deletion; docs/hardware.md) at a small capacity
// (64 SAs, 128 entries) so clusters form and wrap, checked against std::unordered_map over
// heavy install/remove churn, a full table, SPIs that all share one home, and a clear.
#include "Vesp_spi_index.h"
#include "kernel_bench.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <unordered_map>

namespace espgw::kernels::bench {
namespace {

constexpr std::uint32_t kCapacity = 64;  // -GSaCapacity=64: 128 entries
constexpr std::uint32_t kEntries = 2 * kCapacity;
enum Op : std::uint8_t { kFind = 0, kInsert = 1, kErase = 2, kClear = 3 };

// The RTL's hash (Fibonacci hashing, docs/hardware.md), to build colliding SPIs.
std::uint32_t home(std::uint32_t spi) {
  return static_cast<std::uint32_t>((std::uint64_t{spi} * 0x9E3779B9u) >> 16) & (kEntries - 1);
}

class SpiIndexBench : public ::testing::Test {
 protected:
  void SetUp() override { reset(m_); }

  // Runs one operation to done_o; returns the clocks it took and leaves found/slot.
  int run(Op op, std::uint32_t spi, std::uint32_t slot = 0) {
    m_.op_i = op;
    m_.spi_i = spi;
    m_.slot_i = static_cast<std::uint16_t>(slot);
    m_.start_i = 1;
    tick(m_);
    m_.start_i = 0;
    for (int clocks = 1; clocks < 4 * static_cast<int>(kEntries) + 16; ++clocks) {
      if (m_.done_o) return clocks;
      tick(m_);
    }
    ADD_FAILURE() << "operation " << int{op} << " on spi " << spi << " never finished";
    return -1;
  }

  std::optional<std::uint32_t> find(std::uint32_t spi) {
    run(kFind, spi);
    if (!m_.found_o) return std::nullopt;
    return m_.slot_o;
  }

  // Every SPI the reference holds is found at its slot, and a sample of absent ones is not.
  void check_all(const std::unordered_map<std::uint32_t, std::uint32_t>& ref, std::mt19937_64& rng) {
    for (const auto& [spi, slot] : ref) {
      const auto got = find(spi);
      ASSERT_TRUE(got.has_value()) << "spi " << spi << " (home " << home(spi) << ") lost";
      EXPECT_EQ(*got, slot) << "spi " << spi;
    }
    for (int i = 0; i < 16; ++i) {
      const std::uint32_t spi = static_cast<std::uint32_t>(rng()) | 0x100;
      if (!ref.contains(spi)) {
        EXPECT_FALSE(find(spi).has_value()) << "spi " << spi;
      }
    }
  }

  Vesp_spi_index m_;
};

TEST_F(SpiIndexBench, RandomChurnAtFullLoadMatchesAMap) {
  std::mt19937_64 rng(5);
  std::unordered_map<std::uint32_t, std::uint32_t> ref;
  std::vector<std::uint32_t> free_slots;
  for (std::uint32_t s = 0; s < kCapacity; ++s) free_slots.push_back(s);
  for (int step = 0; step < 3000; ++step) {
    const bool insert = !free_slots.empty() && (ref.empty() || rng() % 100 < 55);
    if (insert) {
      std::uint32_t spi;
      do {
        spi = static_cast<std::uint32_t>(rng() % 5000) + 256;  // a small space: SPIs come back
      } while (ref.contains(spi));
      const std::uint32_t slot = free_slots.back();
      free_slots.pop_back();
      run(kInsert, spi, slot);
      ref[spi] = slot;
    } else {
      auto it = ref.begin();
      std::advance(it, static_cast<long>(rng() % ref.size()));
      run(kErase, it->first);
      free_slots.push_back(it->second);
      ref.erase(it);
    }
    if (step % 100 == 99) check_all(ref, rng);
  }
  check_all(ref, rng);
}

TEST_F(SpiIndexBench, SpisSharingOneHomeSurviveDeletesFromTheMiddleOfTheirCluster) {
  // 40 SPIs hashing to the same home near the table's end, so the cluster wraps to entry 0.
  std::vector<std::uint32_t> same;
  for (std::uint32_t spi = 256; same.size() < 40; ++spi) {
    if (home(spi) == kEntries - 3) same.push_back(spi);
  }
  std::unordered_map<std::uint32_t, std::uint32_t> ref;
  for (std::uint32_t i = 0; i < same.size(); ++i) {
    run(kInsert, same[i], i);
    ref[same[i]] = i;
  }
  std::mt19937_64 rng(9);
  check_all(ref, rng);
  // Remove every third one, front, middle and the wrapped tail, and look again each time.
  for (std::uint32_t i = 0; i < same.size(); i += 3) {
    run(kErase, same[i]);
    ref.erase(same[i]);
    check_all(ref, rng);
  }
  // The probe for a present SPI never walks further than its cluster: 2 clocks per probe.
  const int clocks = run(kFind, same.back());
  EXPECT_LE(clocks, 2 * 40 + 4);
}

TEST_F(SpiIndexBench, ReinsertingAnSpiMovesItAndEraseOfAnAbsentSpiChangesNothing) {
  run(kInsert, 0x1000, 7);
  run(kInsert, 0x1000, 9);  // same SPI: the entry is updated, not duplicated
  EXPECT_EQ(find(0x1000), std::optional<std::uint32_t>(9));
  run(kErase, 0x2000);
  EXPECT_EQ(find(0x1000), std::optional<std::uint32_t>(9));
  run(kErase, 0x1000);
  EXPECT_FALSE(find(0x1000).has_value());
}

TEST_F(SpiIndexBench, ClearEmptiesAFullTableInOneClockPerEntry) {
  for (std::uint32_t s = 0; s < kCapacity; ++s) run(kInsert, 0x500 + 17 * s, s);
  EXPECT_EQ(find(0x500 + 17 * 5), std::optional<std::uint32_t>(5));
  const int clocks = run(kClear, 0);
  EXPECT_GE(clocks, static_cast<int>(kEntries));
  EXPECT_LE(clocks, static_cast<int>(kEntries) + 4);
  for (std::uint32_t s = 0; s < kCapacity; ++s) EXPECT_FALSE(find(0x500 + 17 * s).has_value());
}

}  // namespace
}  // namespace espgw::kernels::bench

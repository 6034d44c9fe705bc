// hls/spi_index.cpp: random inserts and erases at full load against a std::map model,
// so backward-shift deletion never strands an entry behind an emptied one.
#include "hls/spi_index.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <random>

namespace espgw::hls {
namespace {

TEST(HlsSpiIndex, MatchesAMapModelUnderChurnAtFullLoad) {
  auto x = std::make_unique<SpiIndex>();
  spi_index_clear(*x);
  std::map<std::uint32_t, std::uint32_t> model;  // spi -> slot
  std::mt19937 rng(4301);
  const std::uint32_t capacity = ::esp_hls_regmap::kSaCapacity;
  std::vector<std::uint32_t> free_slots;
  for (std::uint32_t s = 0; s < capacity; ++s) free_slots.push_back(s);
  for (int step = 0; step < 40000; ++step) {
    const bool insert = !free_slots.empty() && (model.empty() || rng() % 3 != 0);
    if (insert) {
      // Sequential SPIs in runs (as IKE daemons allocate them) mixed with random ones.
      const std::uint32_t spi = rng() % 2 ? 256 + static_cast<std::uint32_t>(step) : rng() | 0x100;
      if (model.count(spi)) continue;
      const std::uint32_t slot = free_slots.back();
      free_slots.pop_back();
      spi_index_insert(*x, spi, slot);
      model[spi] = slot;
    } else {
      auto it = model.begin();
      std::advance(it, rng() % model.size());
      spi_index_erase(*x, it->first);
      free_slots.push_back(it->second);
      model.erase(it);
    }
    if (step % 997 == 0) {
      for (const auto& [spi, slot] : model) ASSERT_EQ(spi_index_find(*x, spi), slot) << "step " << step;
    }
  }
  for (const auto& [spi, slot] : model) EXPECT_EQ(spi_index_find(*x, spi), slot);
  EXPECT_EQ(spi_index_find(*x, 0x12345678u), model.count(0x12345678u) ? model[0x12345678u] : kSpiNotFound);
}

TEST(HlsSpiIndex, EraseOfAMissingSpiChangesNothing) {
  auto x = std::make_unique<SpiIndex>();
  spi_index_clear(*x);
  spi_index_insert(*x, 1000, 7);
  spi_index_erase(*x, 2000);
  EXPECT_EQ(spi_index_find(*x, 1000), 7u);
  EXPECT_EQ(spi_index_find(*x, 2000), kSpiNotFound);
  spi_index_erase(*x, 1000);
  EXPECT_EQ(spi_index_find(*x, 1000), kSpiNotFound);
}

}  // namespace
}  // namespace espgw::hls

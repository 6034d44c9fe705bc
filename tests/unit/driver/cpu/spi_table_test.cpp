// The inbound SPI table on its own (driver/cpu/spi_table.hpp): lookups, deletions leaving
// other entries reachable across probe chains, and refusal when full rather than corruption.
#include "spi_table.hpp"

#include <gtest/gtest.h>

namespace espgw::driver::cpu {
namespace {

TEST(SpiTable, FindsWhatWasInsertedAndForgetsWhatWasErased) {
  SpiTable t(8);
  EXPECT_EQ(t.find(0x1000), SpiTable::kNotFound);
  ASSERT_TRUE(t.insert(0x1000, 3));
  ASSERT_TRUE(t.insert(0x2000, 0));
  EXPECT_EQ(t.find(0x1000), 3u);
  EXPECT_EQ(t.find(0x2000), 0u);
  t.erase(0x1000);
  EXPECT_EQ(t.find(0x1000), SpiTable::kNotFound);
  EXPECT_EQ(t.find(0x2000), 0u);
  EXPECT_EQ(t.live(), 1u);
  EXPECT_EQ(t.tombstones(), 1u);
}

TEST(SpiTable, ErasingInsideAProbeChainKeepsLaterEntriesReachable) {
  SpiTable t(64);
  // Enough entries that several share probe chains.
  for (std::uint32_t i = 0; i < 64; ++i) ASSERT_TRUE(t.insert(0x100 + i * 0x10000, i));
  for (std::uint32_t i = 0; i < 64; i += 2) t.erase(0x100 + i * 0x10000);
  for (std::uint32_t i = 0; i < 64; ++i) {
    EXPECT_EQ(t.find(0x100 + i * 0x10000), i % 2 ? i : SpiTable::kNotFound) << i;
  }
  // Deleted entries are reused by later inserts.
  for (std::uint32_t i = 0; i < 64; i += 2) ASSERT_TRUE(t.insert(0x7000 + i, 100 + i));
  EXPECT_LT(t.tombstones(), 32u);
  for (std::uint32_t i = 0; i < 64; i += 2) EXPECT_EQ(t.find(0x7000 + i), 100 + i);
}

TEST(SpiTable, RefusesInsertsBeyondHalfItsSlots) {
  SpiTable t(4);  // 16 slots
  std::uint32_t inserted = 0;
  for (std::uint32_t i = 0; i < 32; ++i) inserted += t.insert(0x1000 + i, i) ? 1 : 0;
  EXPECT_LE(inserted, 9u);
  EXPECT_GE(inserted, 4u);
  for (std::uint32_t i = 0; i < inserted; ++i) EXPECT_EQ(t.find(0x1000 + i), i);
}

}  // namespace
}  // namespace espgw::driver::cpu

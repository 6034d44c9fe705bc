// SPI index (spi_index.hpp): linear probing from a multiplicative hash of the SPI, and
// deletion by shifting later members of the cluster back (Knuth's Algorithm R).
#include "hls/spi_index.hpp"

namespace espgw::hls {
namespace {

constexpr std::uint32_t kMask = kSpiIndexEntries - 1;

// Fibonacci hashing: SPIs are sequential or random, and the top bits of spi * 2^32/phi
// spread both.
std::uint32_t home(std::uint32_t spi) {
  return static_cast<std::uint32_t>((std::uint64_t{spi} * 0x9E3779B9u) >> 16) & kMask;
}

}  // namespace

void spi_index_clear(SpiIndex& x) {
  for (std::uint32_t i = 0; i < kSpiIndexEntries; ++i) {
    x.spi[i] = 0;
    x.slot_plus1[i] = 0;
  }
}

void spi_index_insert(SpiIndex& x, std::uint32_t spi, std::uint32_t slot) {
  std::uint32_t i = home(spi);
  for (std::uint32_t probes = 0; probes < kSpiIndexEntries; ++probes, i = (i + 1) & kMask) {
    if (x.slot_plus1[i] == 0 || x.spi[i] == spi) {
      x.spi[i] = spi;
      x.slot_plus1[i] = slot + 1;
      return;
    }
  }
  // Unreachable: the table holds at most kSaCapacity of its 2 * kSaCapacity entries.
}

std::uint32_t spi_index_find(const SpiIndex& x, std::uint32_t spi) {
  std::uint32_t i = home(spi);
  for (std::uint32_t probes = 0; probes < kSpiIndexEntries; ++probes, i = (i + 1) & kMask) {
    if (x.slot_plus1[i] == 0) return kSpiNotFound;
    if (x.spi[i] == spi) return x.slot_plus1[i] - 1;
  }
  return kSpiNotFound;
}

void spi_index_erase(SpiIndex& x, std::uint32_t spi) {
  std::uint32_t i = home(spi);
  std::uint32_t probes = 0;
  for (; probes < kSpiIndexEntries; ++probes, i = (i + 1) & kMask) {
    if (x.slot_plus1[i] == 0) return;  // not present
    if (x.spi[i] == spi) break;
  }
  if (probes == kSpiIndexEntries) return;
  // Knuth 6.4 Algorithm R: empty i, then move back any later entry of the cluster whose
  // home does not lie cyclically in (i, j], so every entry stays reachable from its home.
  std::uint32_t j = i;
  for (;;) {
    x.slot_plus1[i] = 0;
    x.spi[i] = 0;
    for (;;) {
      j = (j + 1) & kMask;
      if (x.slot_plus1[j] == 0) return;
      const std::uint32_t h = home(x.spi[j]);
      const bool stays = (i <= j) ? (i < h && h <= j) : (i < h || h <= j);
      if (!stays) break;
    }
    x.spi[i] = x.spi[j];
    x.slot_plus1[i] = x.slot_plus1[j];
    i = j;
  }
}

}  // namespace espgw::hls

// AxiMemory: through the probe's DMA engine (copies, strobed fills, decode errors, latency and
// backpressure knobs), and through hand-driven pins for what the probe never does (several
// outstanding bursts, protocol violations). Allocation follows the csim transport's rules.
#include <gtest/gtest.h>

#include <numeric>
#include <vector>

#include "probe_fixture.hpp"

namespace espgw::sim::test {
namespace {

std::vector<std::uint8_t> pattern(std::size_t n, std::uint8_t seed) {
  std::vector<std::uint8_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(seed + i * 7 + (i >> 8));
  return v;
}

std::vector<std::uint8_t> peek(const AxiMemory& m, std::uint64_t address, std::size_t n) {
  std::vector<std::uint8_t> v(n);
  m.read(address, v.data(), n);
  return v;
}

TEST(AxiMemory, AllocatesAlignedNonZeroBoundedAddresses) {
  ProbeBench b;
  const std::uint64_t a = b.memory.allocate(100), c = b.memory.allocate(5000), d = b.memory.allocate(1);
  EXPECT_GE(a, AxiMemory::kBase);
  for (std::uint64_t x : {a, c, d}) EXPECT_EQ(x % AxiMemory::kPage, 0u);
  EXPECT_EQ(c, a + 0x1000);
  EXPECT_EQ(d, c + 0x2000);
  EXPECT_THROW(b.memory.allocate(64ull << 20), std::runtime_error);
  std::uint8_t byte = 1;
  EXPECT_THROW(b.memory.write(0, &byte, 1), std::out_of_range);           // address 0 is nobody's
  EXPECT_THROW(b.memory.write(d + 0x1000, &byte, 1), std::out_of_range);  // past the last one
}

TEST(AxiMemory, ProbeCopiesAcross4KBoundariesByteExact) {
  ProbeBench b;
  const std::uint64_t src = b.memory.allocate(0x4000), dst = b.memory.allocate(0x4000);
  const auto data = pattern(0x4000, 3);
  b.memory.write(src, data.data(), data.size());
  // 0x2400 bytes from 0x830 into 0x1F0: both ends cross 4 KB boundaries at different beats.
  const std::uint32_t status = b.dma(probe::kGoCopy, src + 0x830, dst + 0x1F0, 0x2400);
  EXPECT_EQ(status & (probe::kDone | probe::kReadError | probe::kWriteError), probe::kDone);
  const auto out = peek(b.memory, dst, 0x4000);
  for (std::size_t i = 0; i < 0x4000; ++i) {
    const bool copied = i >= 0x1F0 && i < 0x1F0 + 0x2400;
    ASSERT_EQ(out[i], copied ? data[i - 0x1F0 + 0x830] : 0) << "byte " << i;
  }
  EXPECT_EQ(b.memory.stats().read_beats, 0x240u);
  EXPECT_EQ(b.memory.stats().write_beats, 0x240u);
  EXPECT_EQ(b.memory.stats().read_bursts, status >> 16);
  EXPECT_EQ(b.memory.stats().decode_errors, 0u);
}

TEST(AxiMemory, WriteStrobesLeaveMaskedBytesAlone) {
  ProbeBench b;
  const std::uint64_t dst = b.memory.allocate(256);
  const auto before = pattern(256, 9);
  b.memory.write(dst, before.data(), before.size());
  b.master.write32(probe::kFillWord, 0xA5A5A5A5);
  b.master.write32(probe::kFillStrobes, 0x8421);  // bytes 0, 5, 10, 15 of every beat
  EXPECT_EQ(b.dma(probe::kGoFill, 0, dst, 256) & ~0xFFFF0000u, probe::kDone);
  const auto out = peek(b.memory, dst, 256);
  for (std::size_t i = 0; i < 256; ++i) {
    const bool strobed = (0x8421u >> (i % 16)) & 1u;
    ASSERT_EQ(out[i], strobed ? 0xA5 : before[i]) << "byte " << i;
  }
}

TEST(AxiMemory, BurstsOutsideEveryAllocationAnswerDecErrAndWriteNothing) {
  ProbeBench b;
  const std::uint64_t src = b.memory.allocate(0x1000);
  const std::uint64_t hole = src + 0x10000;  // never allocated
  std::uint32_t status = b.dma(probe::kGoCopy, hole, src, 64);
  EXPECT_TRUE(status & probe::kReadError);
  EXPECT_EQ(peek(b.memory, src, 64), std::vector<std::uint8_t>(64, 0));  // DECERR reads as zeros
  status = b.dma(probe::kGoCopy, src, hole, 64);
  EXPECT_TRUE(status & probe::kWriteError);
  EXPECT_EQ(b.memory.stats().decode_errors, 2u);
  // A released buffer is unreachable too.
  b.memory.release(src);
  EXPECT_TRUE(b.dma(probe::kGoCopy, src, src, 16) & probe::kReadError);
}

std::uint64_t timed_copy(const AxiMemoryTiming& timing, std::vector<std::uint8_t>* out) {
  ProbeBench b(timing);
  const std::uint64_t src = b.memory.allocate(0x2000), dst = b.memory.allocate(0x2000);
  const auto data = pattern(0x2000, 77);
  b.memory.write(src, data.data(), data.size());
  const std::uint64_t start = b.clock.cycles();
  EXPECT_EQ(b.dma(probe::kGoCopy, src, dst, 0x2000) & 0xF, probe::kDone);
  *out = peek(b.memory, dst, 0x2000);
  EXPECT_EQ(*out, data);
  return b.clock.cycles() - start;
}

TEST(AxiMemory, LatencyAndBackpressureSlowTheCopyButKeepItsBytesAndRepeat) {
  std::vector<std::uint8_t> plain, slow, again;
  const std::uint64_t fast = timed_copy({}, &plain);
  AxiMemoryTiming t;
  t.read_latency = 7;
  t.write_latency = 5;
  t.stall_percent = 40;
  t.seed = 12345;
  const std::uint64_t stalled = timed_copy(t, &slow);
  EXPECT_GT(stalled, fast + 2 * 32 * 7);  // 32 bursts each way, each waiting its latency
  EXPECT_EQ(timed_copy(t, &again), stalled);  // deterministic: same seed, same cycle count
  EXPECT_EQ(slow, plain);
}

// Pins a test drives by hand: the memory model's view of a master.
struct Pins {
  std::uint8_t awvalid = 0, awready = 0, awlen = 0, awsize = 4, awburst = 1, awid = 0;
  std::uint64_t awaddr = 0;
  std::uint8_t wvalid = 0, wready = 0, wlast = 0;
  std::uint32_t wdata[4] = {};
  std::uint16_t wstrb = 0xFFFF;
  std::uint8_t bvalid = 0, bready = 0, bresp = 0, bid = 0;
  std::uint8_t arvalid = 0, arready = 0, arlen = 0, arsize = 4, arburst = 1, arid = 0;
  std::uint64_t araddr = 0;
  std::uint8_t rvalid = 0, rready = 0, rresp = 0, rlast = 0, rid = 0;
  std::uint32_t rdata[4] = {};

  AxiMemoryPorts ports() {
    return {&awvalid, &awready, &awaddr, &awlen, &awsize, &awburst, &awid, &wvalid, &wready, wdata,
            &wstrb,   &wlast,   &bvalid, &bready, &bresp, &bid,   &arvalid, &arready, &araddr, &arlen,
            &arsize,  &arburst, &arid,   &rvalid, &rready, rdata, &rresp,  &rlast,  &rid};
  }
};

struct PinBench {
  PinBench() : clock([](bool) {}), memory(clock, pins.ports(), 1ull << 20) { clock.step(); }
  // Clocks until ready() holds; at most `limit` cycles.
  template <class F>
  void until(F ready, int limit = 100) {
    for (int i = 0; i < limit && !ready(); ++i) clock.step();
    ASSERT_TRUE(ready());
  }
  Pins pins;
  SimClock clock;
  AxiMemory memory;
};

TEST(AxiMemory, SeveralOutstandingReadBurstsAnswerInOrder) {
  PinBench t;
  const std::uint64_t base = t.memory.allocate(0x1000);
  const auto data = pattern(0x1000, 1);
  t.memory.write(base, data.data(), data.size());
  t.memory.set_timing({.read_latency = 20});
  // Three AR handshakes on consecutive cycles, before any data: 2, 1 and 3 beats.
  const std::uint64_t starts[] = {base + 0x100, base + 0x800, base + 0x40};
  const std::uint8_t lens[] = {1, 0, 2};
  for (int k = 0; k < 3; ++k) {
    t.pins.araddr = starts[k];
    t.pins.arlen = lens[k];
    t.pins.arid = static_cast<std::uint8_t>(k & 1);
    t.pins.arvalid = 1;
    t.until([&] { return t.pins.arready != 0; });
    t.clock.step();  // the handshake edge
  }
  t.pins.arvalid = 0;
  EXPECT_EQ(t.memory.stats().max_reads_in_flight, 3u);
  EXPECT_EQ(t.pins.rvalid, 0);  // latency not yet over
  t.pins.rready = 1;
  for (int k = 0; k < 3; ++k) {
    for (int beat = 0; beat <= lens[k]; ++beat) {
      t.until([&] { return t.pins.rvalid != 0; });
      const std::uint64_t at = starts[k] + 16 * beat - base;
      EXPECT_EQ(t.pins.rdata[0], std::uint32_t{data[at]} | data[at + 1] << 8 | data[at + 2] << 16 |
                                     std::uint32_t{data[at + 3]} << 24);
      EXPECT_EQ(t.pins.rlast, beat == lens[k] ? 1 : 0);
      EXPECT_EQ(t.pins.rid, k & 1);
      t.clock.step();
    }
  }
  EXPECT_EQ(t.memory.stats().read_beats, 6u);
}

TEST(AxiMemory, BurstCrossingA4KBoundaryIsAProtocolError) {
  PinBench t;
  const std::uint64_t base = t.memory.allocate(0x2000);
  t.pins.araddr = base + 0xFF0;
  t.pins.arlen = 1;  // second beat at 0x1000: crosses
  t.pins.arvalid = 1;
  try {
    t.until([&] { return t.pins.arready != 0; });
    t.clock.step();
    FAIL() << "crossing burst accepted";
  } catch (const AxiProtocolError& e) {
    EXPECT_NE(std::string(e.what()).find("crosses a 4 KB boundary"), std::string::npos) << e.what();
  }
}

TEST(AxiMemory, WlastOnTheWrongBeatIsAProtocolError) {
  PinBench t;
  const std::uint64_t base = t.memory.allocate(0x1000);
  t.pins.awaddr = base;
  t.pins.awlen = 3;
  t.pins.awvalid = 1;
  t.until([&] { return t.pins.awready != 0; });
  t.clock.step();
  t.pins.awvalid = 0;
  t.pins.wvalid = 1;
  t.pins.wlast = 1;  // on beat 1 of 4
  EXPECT_THROW(
      {
        t.until([&] { return t.pins.wready != 0; });
        t.clock.step();
      },
      AxiProtocolError);
}

TEST(AxiMemory, WriteBurstHonoursStrobesAndAnswersOkayAfterItsLatency) {
  PinBench t;
  const std::uint64_t base = t.memory.allocate(0x1000);
  t.memory.set_timing({.write_latency = 6});
  t.pins.awaddr = base + 0x20;
  t.pins.awlen = 1;
  t.pins.awid = 1;
  t.pins.awvalid = 1;
  t.until([&] { return t.pins.awready != 0; });
  t.clock.step();
  t.pins.awvalid = 0;
  for (int beat = 0; beat < 2; ++beat) {
    for (int i = 0; i < 4; ++i) t.pins.wdata[i] = 0x03020100u + 0x04040404u * i + 0x10101010u * beat;
    t.pins.wstrb = beat == 0 ? 0xFFFF : 0x000F;
    t.pins.wlast = beat == 1;
    t.pins.wvalid = 1;
    t.until([&] { return t.pins.wready != 0; });
    t.clock.step();
  }
  t.pins.wvalid = 0;
  t.pins.bready = 1;
  const std::uint64_t last_w = t.clock.cycles();
  t.until([&] { return t.pins.bvalid != 0; });
  EXPECT_GE(t.clock.cycles() - last_w, 5u);
  EXPECT_EQ(t.pins.bresp, 0);
  EXPECT_EQ(t.pins.bid, 1);
  const auto out = peek(t.memory, base + 0x20, 32);
  for (int i = 0; i < 16; ++i) EXPECT_EQ(out[i], i);
  for (int i = 16; i < 20; ++i) EXPECT_EQ(out[i], 0x10 + i - 16);
  for (int i = 20; i < 32; ++i) EXPECT_EQ(out[i], 0);
}

}  // namespace
}  // namespace espgw::sim::test

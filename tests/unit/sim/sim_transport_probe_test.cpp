// SimTransport over the probe DUT: reset, register accesses, DMA buffers whose host copy
// stays apart from device memory until synced (so a missing sync in driver/hw shows up),
// wait_until's budget, the close hook, and the lock under concurrent callers (which must
// take turns: a thread that re-takes it at once must not starve another).
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <thread>
#include <vector>

#include "Vaxi_probe.h"
#include "probe_fixture.hpp"
#include "sim/fair_mutex.hpp"
#include "sim/sim_model.hpp"
#include "sim/sim_transport.hpp"

namespace espgw::sim::test {
namespace {

std::unique_ptr<SimTransport> probe_transport(SimOptions o = {}) {
  return std::make_unique<SimTransport>(std::make_unique<VerilatedModel<Vaxi_probe>>("probe: sim/test/axi_probe.sv"),
                                        std::move(o));
}

// Starts a probe copy and waits for it through the transport, as HwDevice waits for cmpl_tail.
bool copy(SimTransport& t, std::uint64_t src, std::uint64_t dst, std::uint32_t len) {
  t.write32(probe::kSrcLo, static_cast<std::uint32_t>(src));
  t.write32(probe::kSrcHi, static_cast<std::uint32_t>(src >> 32));
  t.write32(probe::kDstLo, static_cast<std::uint32_t>(dst));
  t.write32(probe::kDstHi, static_cast<std::uint32_t>(dst >> 32));
  t.write32(probe::kLen, len);
  t.write32(probe::kGo, probe::kGoCopy);
  return t.wait_until([&] { return t.read32(probe::kStatus) & probe::kDone; }, std::chrono::seconds(5));
}

TEST(SimTransportProbe, ComesOutOfResetAndDescribesItsModel) {
  auto t = probe_transport();
  EXPECT_EQ(t->describe(), "probe: sim/test/axi_probe.sv");
  EXPECT_EQ(t->read32(probe::kId), probe::kIdValue);
  EXPECT_EQ(t->read32(probe::kScratch0), 0u);
  EXPECT_EQ(t->read32(probe::kStatus), 0u);
  EXPECT_GE(t->cycles(), 17u);  // 16 edges in reset, one after
}

TEST(SimTransportProbe, DeviceSeesOnlySyncedBytesAndHostOnlySyncedResults) {
  auto t = probe_transport();
  auto src = t->allocate(256), dst = t->allocate(256);
  for (int i = 0; i < 256; ++i) src->host()[i] = static_cast<std::uint8_t>(i ^ 0x5C);
  src->sync_to_device(0, 128);  // only the first half reaches the device
  ASSERT_TRUE(copy(*t, src->device_address(), dst->device_address(), 256));
  EXPECT_EQ(dst->host()[0], 0);  // the kernel's write is invisible until synced back
  dst->sync_from_device(0, 256);
  for (int i = 0; i < 256; ++i) ASSERT_EQ(dst->host()[i], i < 128 ? (i ^ 0x5C) : 0) << "byte " << i;
  EXPECT_EQ(t->memory_stats().write_beats, 16u);
}

TEST(SimTransportProbe, ReadManyIsOneBusReadPerOffsetInOrder) {
  auto t = probe_transport();
  t->write32(probe::kScratch0, 0xABCD);
  const std::uint32_t offsets[] = {probe::kPop, probe::kId, probe::kPop, probe::kScratch0, probe::kPop};
  std::uint32_t values[5] = {};
  t->read32_many(offsets, values, 5);
  EXPECT_EQ(values[0], 0u);
  EXPECT_EQ(values[1], probe::kIdValue);
  EXPECT_EQ(values[2], 1u);
  EXPECT_EQ(values[3], 0xABCDu);
  EXPECT_EQ(values[4], 2u);
}

TEST(SimTransportProbe, WaitUntilGivesUpOnAnIdleKernelAtItsBudget) {
  SimOptions o;
  o.stuck_cycles = 1000;
  auto t = probe_transport(o);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(t->wait_until([] { return false; }, std::chrono::milliseconds(30)));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(30));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(SimTransportProbe, WaitUntilOutlastsItsBudgetWhileTheKernelMovesData) {
  SimOptions o;
  o.stuck_cycles = 100;  // only AXI traffic may extend the wait here
  o.memory_timing.read_latency = 300;
  auto t = probe_transport(o);
  auto src = t->allocate(64 * 1024), dst = t->allocate(64 * 1024);
  for (std::size_t i = 0; i < src->size(); ++i) src->host()[i] = static_cast<std::uint8_t>(i * 3);
  src->sync_to_device(0, src->size());
  const std::uint64_t c0 = t->cycles();
  t->write32(probe::kSrcLo, static_cast<std::uint32_t>(src->device_address()));
  t->write32(probe::kDstLo, static_cast<std::uint32_t>(dst->device_address()));
  t->write32(probe::kLen, 64 * 1024);
  t->write32(probe::kGo, probe::kGoCopy);
  // 256 bursts, each waiting 300 clocks for its data: far more than 1 ms of simulation.
  EXPECT_TRUE(t->wait_until([&] { return t->read32(probe::kStatus) & probe::kDone; }, std::chrono::milliseconds(1)));
  EXPECT_GT(t->cycles() - c0, 256u * 300);
  dst->sync_from_device(0, dst->size());
  EXPECT_EQ(std::memcmp(dst->host(), src->host(), src->size()), 0);
}

TEST(SimTransportProbe, CloseHookRunsWhileTheModelStillAnswers) {
  std::uint32_t seen = 0;
  SimOptions o;
  o.on_close = [&](driver::hw::Transport& tr) {
    tr.write32(probe::kScratch1, 0xC105ED);
    seen = tr.read32(probe::kScratch1);
  };
  probe_transport(std::move(o)).reset();
  EXPECT_EQ(seen, 0xC105EDu);
}

TEST(SimTransportProbe, BufferOutlivingItsTransportStillSyncs) {
  auto t = probe_transport();
  auto b = t->allocate(64);
  b->host()[3] = 9;
  t.reset();
  b->sync_to_device(0, 64);
  b->sync_from_device(0, 64);
  EXPECT_EQ(b->host()[3], 9);
}

TEST(SimTransportProbe, ConcurrentCallersEachSeeTheirOwnRegister) {
  auto t = probe_transport();
  std::atomic<int> mismatches{0};
  auto worker = [&](std::uint32_t reg, std::uint32_t base) {
    for (std::uint32_t i = 0; i < 300; ++i) {
      t->write32(reg, base + i);
      if (t->read32(reg) != base + i) ++mismatches;
    }
  };
  std::thread a(worker, probe::kScratch0, 0x10000000), b(worker, probe::kScratch1, 0x20000000);
  int calls = 0;
  t->wait_until([&] { return ++calls > 200; }, std::chrono::seconds(10));
  a.join();
  b.join();
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_EQ(t->read32(probe::kScratch0), 0x10000000u + 299);
}


// The starvation behind the conformance test InstallsAndRemovesOnAnotherThread...'s "hang"
// on sim: a thread re-taking the model's lock the moment it let go kept another from it.
// The lock serves waiters in arrival order: with the lock held, "first" queues, then
// "second"; on release "first" runs before "second" whatever the scheduler does.
TEST(FairMutex, WaitersGetTheLockInArrivalOrder) {
  for (int trial = 0; trial < 50; ++trial) {
    FairMutex m;
    std::vector<int> order;
    m.lock();
    auto waiter = [&](int id) {
      std::lock_guard l(m);
      order.push_back(id);
    };
    std::thread first(waiter, 1);
    while (m.queued() < 2) std::this_thread::yield();
    std::thread second(waiter, 2);
    while (m.queued() < 3) std::this_thread::yield();
    m.unlock();
    first.join();
    second.join();
    ASSERT_EQ(order, (std::vector<int>{1, 2})) << "trial " << trial;
  }
}

// The same through the transport: a thread looping on register reads cannot keep another
// caller's 300 writes from completing, and each write lands.
TEST(SimTransportProbe, BusyThreadTakesTurnsWithAnotherCaller) {
  auto t = probe_transport();
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> busy_accesses{0};
  std::thread busy([&] {
    while (!stop.load()) {
      t->read32(probe::kScratch1);
      busy_accesses.fetch_add(1);
    }
  });
  while (busy_accesses.load() == 0) std::this_thread::yield();
  for (std::uint32_t i = 0; i < 300; ++i) {
    t->write32(probe::kScratch0, i);
    ASSERT_EQ(t->read32(probe::kScratch0), i);
  }
  stop.store(true);
  busy.join();
  EXPECT_GT(busy_accesses.load(), 0u);
}

}  // namespace
}  // namespace espgw::sim::test

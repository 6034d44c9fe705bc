// The Verilated RTL kernel (kernels/rtl/esp_top.sv) through SimTransport and through
// make_device("sim"): identity registers out of reset, ring-size rules, bounded waits, SA
// install/read-back/remove through the staging window, and single packets checked byte for
// byte against the cpu backend (the full comparison is the conformance suite's sim instance).
#include <gtest/gtest.h>

#include <cstring>
#include <thread>
#include <tuple>
#include <vector>

#include "Vesp_top.h"
#include "driver/hw/hw_device.hpp"
#include "espgw/driver/esp_device.hpp"
#include "sim/sim_model.hpp"
#include "sim/sim_transport.hpp"

namespace espgw::sim {
namespace {

namespace reg = regmap::reg;
using driver::Direction;
using driver::PacketJob;
using driver::SaConfig;
using driver::Status;
using driver::Transform;
using Bytes = std::vector<std::uint8_t>;

std::unique_ptr<SimTransport> esp_top(SimOptions o = {}) {
  return std::make_unique<SimTransport>(std::make_unique<VerilatedModel<Vesp_top>>("esp_top"), std::move(o));
}

std::unique_ptr<driver::EspDevice> open(const char* backend, const char* provider = "auto") {
  driver::DeviceOptions o;
  o.backend = backend;
  o.provider = provider;
  return driver::make_device(o);
}

TEST(SimTransport, ComesOutOfResetWithTheRegmapIdentity) {
  auto tp = esp_top();
  SimTransport& t = *tp;
  EXPECT_EQ(t.read32(reg::kId), regmap::kDeviceId);
  EXPECT_EQ(t.read32(reg::kVersion), regmap::kVersion);
  EXPECT_EQ(t.read32(reg::kCaps), (regmap::kReplayWindowMax << 16) | regmap::kSaCapacity);
  EXPECT_EQ(t.read32(reg::kFeatures), regmap::feature::kAesGcm16 | regmap::feature::kAesCbcHmacSha256 |
                                         regmap::feature::kAesCbcHmacSha1);
  EXPECT_GE(t.cycles(), 16u);  // the reset itself was clocked
}

TEST(SimTransport, RingSizeReadsBackOnlyPowersOfTwo) {
  auto tp = esp_top();
  SimTransport& t = *tp;
  t.write32(reg::kRingSize, 3);
  EXPECT_EQ(t.read32(reg::kRingSize), 0u);
  t.write32(reg::kRingSize, 64);
  EXPECT_EQ(t.read32(reg::kRingSize), 64u);
  EXPECT_EQ(t.read32(reg::kDescHead), 0u);
  EXPECT_EQ(t.read32(reg::kCmplTail), 0u);
}

TEST(SimTransport, BuffersAreDistinctAlignedAndNeverAtZero) {
  auto tp = esp_top();
  SimTransport& t = *tp;
  auto a = t.allocate(32 * 256), b = t.allocate(1);
  EXPECT_GE(a->device_address(), 0x1000u);
  EXPECT_EQ(a->device_address() % 0x1000, 0u);
  EXPECT_EQ(b->device_address() % 0x1000, 0u);
  EXPECT_GE(b->device_address(), a->device_address() + a->size());
  EXPECT_THROW(a->sync_to_device(a->size() - 4, 8), std::out_of_range);
}

TEST(SimTransport, WaitUntilGivesUpOnAnIdleKernelAndKeepsClocking) {
  SimOptions o;
  o.stuck_cycles = 256;
  auto tp = esp_top(o);
  SimTransport& t = *tp;
  const std::uint64_t before = t.cycles();
  EXPECT_FALSE(t.wait_until([] { return false; }, std::chrono::milliseconds(20)));
  EXPECT_GT(t.cycles(), before + 64);
  int calls = 0;
  EXPECT_TRUE(t.wait_until([&] { return ++calls == 3; }, std::chrono::milliseconds(1000)));
}

TEST(SimTransport, SeveralModelsOnSeveralThreadsKeepTheirOwnVerilatorContext) {
  // The order that hung the conformance suite before VerilatedModel named its context at
  // every entry: A made, B made, B freed, then A used from another thread and freed.
  auto a = esp_top();
  auto b = esp_top();
  b->write32(reg::kRingSize, 8);
  b.reset();
  std::uint32_t ring = 0;
  std::thread other([&] {
    a->write32(reg::kRingSize, 16);
    ring = a->read32(reg::kRingSize);
  });
  other.join();
  EXPECT_EQ(ring, 16u);
  a.reset();
  auto c = esp_top();
  EXPECT_EQ(c->read32(reg::kId), regmap::kDeviceId);
}

SaConfig gcm_sa(Direction d) {
  SaConfig c;
  c.spi = 0x1234;
  c.direction = d;
  c.transform = Transform::kAesGcm16;
  c.tunnel_src = 0xC0A80001;
  c.tunnel_dst = 0xC0A80002;
  c.enc_key = SecretBytes(Bytes(16, 0x42));
  c.salt = 0x01020304;
  c.selector = {0x0A000000, 0xFF000000, 0x0A010000, 0xFFFF0000};
  return c;
}

Bytes icmp_packet(std::size_t length) {
  Bytes p(length, 0);
  p[0] = 0x45;
  p[2] = static_cast<std::uint8_t>(length >> 8);
  p[3] = static_cast<std::uint8_t>(length);
  p[8] = 64;
  p[9] = 1;
  const std::uint8_t addrs[] = {10, 0, 0, 5, 10, 1, 0, 9};
  std::memcpy(p.data() + 12, addrs, 8);
  std::uint32_t sum = 0;
  for (int i = 0; i < 20; i += 2) sum += std::uint32_t{p[i]} << 8 | p[i + 1];
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  p[10] = static_cast<std::uint8_t>(~sum >> 8);
  p[11] = static_cast<std::uint8_t>(~sum);
  for (std::size_t i = 20; i < length; ++i) p[i] = static_cast<std::uint8_t>(i * 13);
  return p;
}

// One job through dev; returns the output bytes (empty unless ok).
Bytes run(driver::EspDevice& dev, Direction d, driver::SaHandle sa, const Bytes& in, Status* status) {
  Bytes buf(64 + in.size() + 64, 0);
  std::memcpy(buf.data() + 64, in.data(), in.size());
  PacketJob job;
  job.direction = d;
  job.sa = sa;
  job.buffer = buf.data();
  job.capacity = static_cast<std::uint32_t>(buf.size());
  job.offset = 64;
  job.length = static_cast<std::uint32_t>(in.size());
  dev.process(std::span(&job, 1));
  *status = job.status;
  if (job.status != Status::kOk) return {};
  return Bytes(buf.begin() + job.offset, buf.begin() + job.offset + job.length);
}

TEST(SimDevice, InstallsReadsBackAndRemovesAnSa) {
  auto dev = open("sim");
  EXPECT_EQ(dev->info().backend, "sim");
  const auto r = dev->install_sa(gcm_sa(Direction::kInbound));
  ASSERT_EQ(r.status, Status::kOk);
  const auto s = dev->read_sa(r.handle);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->spi, 0x1234u);
  EXPECT_EQ(s->direction, Direction::kInbound);
  EXPECT_EQ(s->transform, Transform::kAesGcm16);
  EXPECT_EQ(s->key_bits, 128u);
  EXPECT_EQ(s->tunnel_dst, 0xC0A80002u);
  EXPECT_EQ(s->selector.dst_mask, 0xFFFF0000u);
  EXPECT_EQ(s->counters, driver::SaCounters{});
  EXPECT_EQ(dev->install_sa(gcm_sa(Direction::kInbound)).status, Status::kSpiInUse);
  EXPECT_EQ(dev->remove_sa(r.handle), Status::kOk);
  EXPECT_FALSE(dev->read_sa(r.handle).has_value());
  EXPECT_EQ(dev->install_sa(gcm_sa(Direction::kInbound)).status, Status::kOk);  // the SPI is free again
}

TEST(SimDevice, GcmPacketEncryptsBitIdenticalToCpuAndDecryptsBack) {
  auto sim = open("sim");
  auto cpu = open("cpu", "openssl");
  const auto so = sim->install_sa(gcm_sa(Direction::kOutbound)), co = cpu->install_sa(gcm_sa(Direction::kOutbound));
  const auto si = sim->install_sa(gcm_sa(Direction::kInbound));
  ASSERT_EQ(so.status, Status::kOk);
  ASSERT_EQ(co.status, Status::kOk);
  ASSERT_EQ(si.status, Status::kOk);
  const Bytes inner = icmp_packet(100);
  Status ss = Status::kOk, cs = Status::kOk;
  const Bytes esp_sim = run(*sim, Direction::kOutbound, so.handle, inner, &ss);
  const Bytes esp_cpu = run(*cpu, Direction::kOutbound, co.handle, inner, &cs);
  ASSERT_EQ(ss, Status::kOk);
  ASSERT_EQ(cs, Status::kOk);
  EXPECT_EQ(esp_sim, esp_cpu);
  const Bytes back = run(*sim, Direction::kInbound, driver::kNoSa, esp_sim, &ss);
  ASSERT_EQ(ss, Status::kOk);
  EXPECT_EQ(back, inner);
  EXPECT_EQ(sim->read_sa(so.handle)->counters.packets, 1u);
  EXPECT_EQ(sim->read_sa(si.handle)->counters.bytes, 100u);
}

}  // namespace
}  // namespace espgw::sim

namespace espgw::sim {
namespace {

// The same burst through a kernel whose memory answers late and stalls READY/VALID at random
// (deterministic seed) and through the cpu backend: the kernel's AXI handling must not depend
// on an ideal memory, so every byte and status must still agree.
TEST(SimDevice, SlowStallingMemoryChangesNoByteOfAMixedBurst) {
  SimOptions so;
  so.memory_timing.read_latency = 23;
  so.memory_timing.write_latency = 11;
  so.memory_timing.stall_percent = 35;
  so.memory_timing.seed = 0x5EED;
  driver::hw::HwOptions ho;
  ho.backend = "sim";
  auto transport = esp_top(so);
  SimTransport* t = transport.get();
  driver::hw::HwDevice sim(std::move(transport), ho);
  auto cpu = open("cpu", "openssl");
  SaConfig gcm = gcm_sa(Direction::kOutbound);
  SaConfig cbc = gcm_sa(Direction::kOutbound);
  cbc.spi = 0x5678;
  cbc.transform = Transform::kAesCbcHmacSha256;
  cbc.enc_key = SecretBytes(Bytes(32, 0x17));
  cbc.auth_key = SecretBytes(Bytes(32, 0x29));
  const driver::SaHandle sims[] = {sim.install_sa(gcm).handle, sim.install_sa(cbc).handle};
  SaConfig gcm_in = gcm, cbc_in = cbc;
  gcm_in.direction = cbc_in.direction = Direction::kInbound;
  gcm_in.selector = cbc_in.selector = {};
  ASSERT_EQ(sim.install_sa(gcm_in).status, Status::kOk);
  ASSERT_EQ(sim.install_sa(cbc_in).status, Status::kOk);
  const driver::SaHandle cpus[] = {cpu->install_sa(gcm).handle, cpu->install_sa(cbc).handle};
  ASSERT_NE(sims[1], driver::kNoSa);
  ASSERT_NE(cpus[1], driver::kNoSa);
  constexpr std::size_t kJobs = 24;
  std::vector<Bytes> sb, cb;
  std::vector<PacketJob> sj(kJobs), cj(kJobs);
  for (std::size_t i = 0; i < kJobs; ++i) {
    const Bytes inner = icmp_packet(40 + 61 * i);  // odd sizes: unaligned DMA, partial beats
    for (auto* bufs : {&sb, &cb}) {
      Bytes b(64 + inner.size() + 64, 0);
      std::memcpy(b.data() + 64 + (i % 3), inner.data(), inner.size());  // odd offsets too
      bufs->push_back(std::move(b));
    }
  }
  for (std::size_t i = 0; i < kJobs; ++i) {
    for (auto [jobs, bufs, handles] : {std::tuple{&sj, &sb, sims}, std::tuple{&cj, &cb, cpus}}) {
      PacketJob& j = (*jobs)[i];
      j.direction = Direction::kOutbound;
      j.sa = handles[i % 2];
      j.buffer = (*bufs)[i].data();
      j.capacity = static_cast<std::uint32_t>((*bufs)[i].size());
      j.offset = static_cast<std::uint32_t>(64 + i % 3);
      j.length = static_cast<std::uint32_t>(40 + 61 * i);
    }
  }
  sim.process(sj);
  cpu->process(cj);
  for (std::size_t i = 0; i < kJobs; ++i) {
    ASSERT_EQ(sj[i].status, cj[i].status) << "job " << i;
    ASSERT_EQ(sj[i].status, Status::kOk) << "job " << i;
    EXPECT_EQ(sj[i].seq, cj[i].seq);
    EXPECT_EQ(Bytes(sj[i].packet().begin(), sj[i].packet().end()), Bytes(cj[i].packet().begin(), cj[i].packet().end()))
        << "job " << i;
  }
  // And back in through the same stalling memory: every inner packet as it went out.
  for (PacketJob& j : sj) j.direction = Direction::kInbound;
  sim.process(sj);
  for (std::size_t i = 0; i < kJobs; ++i) {
    ASSERT_EQ(sj[i].status, Status::kOk) << "job " << i;
    EXPECT_EQ(Bytes(sj[i].packet().begin(), sj[i].packet().end()), icmp_packet(40 + 61 * i)) << "job " << i;
  }
  EXPECT_GT(t->memory_stats().stalls, 1000u);  // the knob was in effect
}

}  // namespace
}  // namespace espgw::sim

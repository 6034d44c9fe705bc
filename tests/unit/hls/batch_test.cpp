// The HLS kernel's command lists (hls/command_list.hpp) and their host side
// (hls/batched_transport): a list executes in order with one result per command, writes
// wait for the next read or run, and driver/hw's sequences cost one invocation per SA
// install and two per burst. Round trips through the kernel prove nothing was lost.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <vector>

#include "driver/hw/hw_device.hpp"
#include "hls/csim/csim_transport.hpp"
#include "hls/esp_kernel.hpp"

namespace espgw::hls {
namespace {

namespace reg = rm::reg;
using Bytes = std::vector<std::uint8_t>;

std::vector<std::uint32_t> encode(const std::vector<Command>& cmds) {
  std::vector<std::uint32_t> w(cmds.size() * kCommandWords);
  for (std::size_t i = 0; i < cmds.size(); ++i) encode_command(cmds[i], w.data() + i * kCommandWords);
  return w;
}

struct Kernel {
  Kernel() : st(std::make_unique<KernelState>()), mem(4096, 0) { std::memset(st.get(), 0, sizeof(KernelState)); }
  std::vector<std::uint32_t> run(const std::vector<Command>& cmds) {
    const auto w = encode(cmds);
    std::vector<std::uint32_t> r(cmds.size(), 0xCCCCCCCC);
    esp_kernel(w.data(), static_cast<std::uint32_t>(cmds.size()), r.data(), mem.data(), *st);
    return r;
  }
  std::unique_ptr<KernelState> st;
  std::vector<std::uint8_t> mem;
};

TEST(HlsCommandList, EncodesFourLittleEndianWordsAndDecodesBack) {
  std::uint32_t w[kCommandWords] = {9, 9, 9, 9};
  encode_command(Command{KernelOp::kWrite, 0x104, 0xDEADBEEF}, w);
  EXPECT_EQ(w[0], 2u);
  EXPECT_EQ(w[1], 0x104u);
  EXPECT_EQ(w[2], 0xDEADBEEFu);
  EXPECT_EQ(w[3], 0u);
  const Command c = decode_command(w);
  EXPECT_EQ(c.op, KernelOp::kWrite);
  EXPECT_EQ(c.offset, 0x104u);
  EXPECT_EQ(c.wdata, 0xDEADBEEFu);
}

TEST(HlsCommandList, ExecutesInOrderWithOneResultPerCommand) {
  Kernel k;
  const auto r = k.run({{KernelOp::kRead, reg::kId, 0},
                        {KernelOp::kWrite, reg::kSaIndex, 7},
                        {KernelOp::kRead, reg::kSaIndex, 0},
                        {KernelOp::kWrite, reg::kRingSize, 256},
                        {KernelOp::kWrite, reg::kSaIndex, 9},
                        {KernelOp::kRead, reg::kRingSize, 0},
                        {KernelOp::kRead, reg::kSaIndex, 0},
                        {KernelOp::kRun, 0, 4}});  // not enabled: moves nothing
  EXPECT_EQ(r, (std::vector<std::uint32_t>{rm::kDeviceId, 0, 7, 0, 0, 256, 9, 0}));
}

TEST(HlsCommandList, UnknownOpIsSkippedWithResultZero) {
  Kernel k;
  const auto r = k.run({{static_cast<KernelOp>(77), reg::kSaIndex, 5}, {KernelOp::kRead, reg::kSaIndex, 0}});
  EXPECT_EQ(r, (std::vector<std::uint32_t>{0, 0}));
}

TEST(HlsCommandList, CommandsPastTheLimitAreNotExecuted) {
  Kernel k;
  std::vector<Command> cmds(kMaxCommands + 2, Command{KernelOp::kRead, reg::kVersion, 0});
  cmds[kMaxCommands] = Command{KernelOp::kWrite, reg::kSaIndex, 3};
  cmds[kMaxCommands + 1] = Command{KernelOp::kRead, reg::kSaIndex, 0};
  const auto r = k.run(cmds);
  EXPECT_EQ(r[kMaxCommands - 1], rm::kVersion);
  EXPECT_EQ(r[kMaxCommands], 0xCCCCCCCCu);  // untouched: no result written
  EXPECT_EQ(k.st->regs.sa_index, 0u);
}

// --- the host side ---

TEST(HlsBatchedTransport, WritesWaitForTheNextReadAndAllGoInOneInvocation) {
  csim::CsimTransport t;
  for (std::uint32_t i = 0; i < 10; ++i) t.write32(reg::kSaStage + 4 * i, 0x100 + i);
  EXPECT_EQ(t.invocations(), 0u);
  EXPECT_EQ(t.read32(reg::kSaStage + 4 * 9), 0x109u);
  EXPECT_EQ(t.invocations(), 1u);
  EXPECT_EQ(t.commands(), 11u);
  t.flush();  // nothing queued: no invocation
  EXPECT_EQ(t.invocations(), 1u);
  t.write32(reg::kSaIndex, 4);
  t.flush();
  EXPECT_EQ(t.invocations(), 2u);
}

TEST(HlsBatchedTransport, ReadManyLongerThanOneListSplitsAndKeepsOrder) {
  csim::CsimTransport t;
  const std::size_t n = kMaxCommands + 100;
  std::vector<std::uint32_t> offsets(n), values(n, 0);
  for (std::size_t i = 0; i < n; ++i) offsets[i] = i % 3 == 0 ? reg::kId : (i % 3 == 1 ? reg::kVersion : reg::kSaIndex);
  t.write32(reg::kSaIndex, 42);
  t.read32_many(offsets.data(), values.data(), n);
  for (std::size_t i = 0; i < n; ++i)
    ASSERT_EQ(values[i], i % 3 == 0 ? rm::kDeviceId : (i % 3 == 1 ? rm::kVersion : 42u)) << i;
  EXPECT_EQ(t.invocations(), 2u);
  EXPECT_EQ(t.commands(), n + 1);
}

// --- driver/hw's sequences over the batched C-simulation ---

constexpr std::uint32_t kSpi = 0x2002;
constexpr std::uint32_t kHeadroom = 64, kTail = 64;

driver::SaConfig gcm_sa(driver::Direction d) {
  driver::SaConfig c;
  c.spi = kSpi;
  c.direction = d;
  c.tunnel_src = 0x0A000001;
  c.tunnel_dst = 0x0A000002;
  c.transform = driver::Transform::kAesGcm16;
  Bytes key(16);
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(0x30 + i);
  c.enc_key = SecretBytes(key);
  c.salt = 0x0A0B0C0D;
  c.ttl = 64;
  return c;
}

Bytes inner_packet(std::uint16_t payload, std::uint8_t fill) {
  Bytes p(20 + payload, fill);
  p[0] = 0x45;
  p[1] = 0;
  p[2] = static_cast<std::uint8_t>(p.size() >> 8);
  p[3] = static_cast<std::uint8_t>(p.size());
  p[4] = p[5] = p[6] = p[7] = 0;
  p[8] = 64;
  p[9] = 17;
  p[10] = p[11] = 0;
  const std::uint8_t src[4] = {192, 168, 1, 10}, dst[4] = {192, 168, 2, 20};
  std::memcpy(&p[12], src, 4);
  std::memcpy(&p[16], dst, 4);
  std::uint32_t sum = 0;
  for (int i = 0; i < 20; i += 2) sum += (p[i] << 8) | p[i + 1];
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  p[10] = static_cast<std::uint8_t>(~sum >> 8);
  p[11] = static_cast<std::uint8_t>(~sum);
  return p;
}

class BatchedDevice : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = std::make_unique<csim::CsimTransport>();
    transport_ = t.get();
    driver::hw::HwOptions o;
    o.backend = "hls";
    o.ring_entries = 256;
    dev_ = std::make_unique<driver::hw::HwDevice>(std::move(t), o);
  }
  std::uint64_t invocations_during(const std::function<void()>& f) {
    const std::uint64_t before = transport_->invocations();
    f();
    return transport_->invocations() - before;
  }
  csim::CsimTransport* transport_ = nullptr;
  std::unique_ptr<driver::hw::HwDevice> dev_;
};

TEST_F(BatchedDevice, InstallSaIsOneInvocationReadSaOneRemoveSaOne) {
  driver::InstallResult ir;
  EXPECT_EQ(invocations_during([&] { ir = dev_->install_sa(gcm_sa(driver::Direction::kOutbound)); }), 1u);
  ASSERT_EQ(ir.status, driver::Status::kOk);
  std::optional<driver::SaState> s;
  EXPECT_EQ(invocations_during([&] { s = dev_->read_sa(ir.handle); }), 1u);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->spi, kSpi);
  EXPECT_EQ(invocations_during([&] { EXPECT_EQ(dev_->remove_sa(ir.handle), driver::Status::kOk); }), 1u);
  // remove_sa flushed: the slot is invalid in the kernel now, not at the next access.
  EXPECT_FALSE(dev_->read_sa(ir.handle).has_value());
}

// A full ring of 256 packets out and back in: two invocations per burst, every packet
// decrypted back to its inner bytes.
TEST_F(BatchedDevice, BurstOfAFullRingIsTwoInvocationsEachWayAndRoundTrips) {
  const auto out_sa = dev_->install_sa(gcm_sa(driver::Direction::kOutbound));
  const auto in_sa = dev_->install_sa(gcm_sa(driver::Direction::kInbound));
  ASSERT_EQ(out_sa.status, driver::Status::kOk);
  ASSERT_EQ(in_sa.status, driver::Status::kOk);
  constexpr std::size_t kJobs = 256;
  std::vector<Bytes> inner(kJobs), bufs(kJobs);
  std::vector<driver::PacketJob> jobs(kJobs);
  for (std::size_t i = 0; i < kJobs; ++i) {
    inner[i] = inner_packet(static_cast<std::uint16_t>(20 + i), static_cast<std::uint8_t>(i));
    bufs[i].assign(kHeadroom + inner[i].size() + kTail, 0);
    std::memcpy(&bufs[i][kHeadroom], inner[i].data(), inner[i].size());
    jobs[i].direction = driver::Direction::kOutbound;
    jobs[i].sa = out_sa.handle;
    jobs[i].buffer = bufs[i].data();
    jobs[i].capacity = static_cast<std::uint32_t>(bufs[i].size());
    jobs[i].offset = kHeadroom;
    jobs[i].length = static_cast<std::uint32_t>(inner[i].size());
  }
  EXPECT_EQ(invocations_during([&] { dev_->process(jobs); }), 2u);
  for (std::size_t i = 0; i < kJobs; ++i) {
    ASSERT_EQ(jobs[i].status, driver::Status::kOk) << i;
    EXPECT_EQ(jobs[i].seq, i + 1);
    // The wire packet becomes the inbound job, in place.
    jobs[i].direction = driver::Direction::kInbound;
    jobs[i].sa = driver::kNoSa;
  }
  EXPECT_EQ(invocations_during([&] { dev_->process(jobs); }), 2u);
  for (std::size_t i = 0; i < kJobs; ++i) {
    ASSERT_EQ(jobs[i].status, driver::Status::kOk) << i;
    EXPECT_EQ(jobs[i].sa, in_sa.handle);
    EXPECT_EQ(Bytes(jobs[i].packet().begin(), jobs[i].packet().end()), inner[i]) << i;
  }
  const auto s = dev_->read_sa(in_sa.handle);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->counters.packets, kJobs);
}

TEST_F(BatchedDevice, BurstLargerThanTheRingIsTwoInvocationsPerRingChunk) {
  const auto out_sa = dev_->install_sa(gcm_sa(driver::Direction::kOutbound));
  ASSERT_EQ(out_sa.status, driver::Status::kOk);
  const Bytes inner = inner_packet(40, 0x77);
  constexpr std::size_t kJobs = 300;  // 256 + 44
  std::vector<Bytes> bufs(kJobs);
  std::vector<driver::PacketJob> jobs(kJobs);
  for (std::size_t i = 0; i < kJobs; ++i) {
    bufs[i].assign(kHeadroom + inner.size() + kTail, 0);
    std::memcpy(&bufs[i][kHeadroom], inner.data(), inner.size());
    jobs[i].direction = driver::Direction::kOutbound;
    jobs[i].sa = out_sa.handle;
    jobs[i].buffer = bufs[i].data();
    jobs[i].capacity = static_cast<std::uint32_t>(bufs[i].size());
    jobs[i].offset = kHeadroom;
    jobs[i].length = static_cast<std::uint32_t>(inner.size());
  }
  EXPECT_EQ(invocations_during([&] { dev_->process(jobs); }), 4u);
  for (std::size_t i = 0; i < kJobs; ++i) ASSERT_EQ(jobs[i].status, driver::Status::kOk) << i;
  EXPECT_EQ(jobs.back().seq, kJobs);
}

}  // namespace
}  // namespace espgw::hls

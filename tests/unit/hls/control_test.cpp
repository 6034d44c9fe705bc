// hls/control.cpp through the kernel's top function: the register window as the driver
// sees it — identity, ring_size validation, the staging window and sa_cmd (keys never read
// back), soft reset, and the event FIFO's pop-on-read.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <vector>

#include "hls/esp_kernel.hpp"
#include "hls/sa_table.hpp"

namespace espgw::hls {
namespace {

namespace reg = rm::reg;
namespace w = rm::sa_word;

class Kernel {
 public:
  Kernel() : st_(std::make_unique<KernelState>()), mem_(4096, 0) { std::memset(st_.get(), 0, sizeof(KernelState)); }
  std::uint32_t read(std::uint32_t off) { return call(KernelOp::kRead, off, 0); }
  void write(std::uint32_t off, std::uint32_t v) { call(KernelOp::kWrite, off, v); }
  KernelState& state() { return *st_; }

 private:
  std::uint32_t call(KernelOp op, std::uint32_t off, std::uint32_t v) {
    // A command list of one: this file tests the register decode, batch_test.cpp the lists.
    std::uint32_t cmd[kCommandWords];
    encode_command(Command{op, off, v}, cmd);
    std::uint32_t r = 0;
    esp_kernel(cmd, 1, &r, mem_.data(), *st_);
    return r;
  }
  std::unique_ptr<KernelState> st_;
  std::vector<std::uint8_t> mem_;
};

void stage_gcm_sa(Kernel& k, std::uint32_t spi, bool inbound) {
  std::uint32_t flags = rm::sa_flag::kValid | (static_cast<std::uint32_t>(rm::Transform::kAesGcm16) << rm::sa_flag::kTransformShift) |
                        (64u << rm::sa_flag::kTtlShift);
  if (inbound) flags |= rm::sa_flag::kInbound;
  k.write(reg::kSaStage + 4 * w::kFlags, flags);
  k.write(reg::kSaStage + 4 * w::kSpi, spi);
  for (std::uint32_t i = 0; i < 4; ++i) k.write(reg::kSaStage + 4 * (w::kEncKey + i), 0xA5A5A5A5u + i);
  k.write(reg::kSaStage + 4 * w::kCounters, 1234);  // ignored: counters start at zero
}

TEST(HlsControl, IdentityAndCapabilitiesComeFromTheRegmap) {
  Kernel k;
  EXPECT_EQ(k.read(reg::kId), rm::kDeviceId);
  EXPECT_EQ(k.read(reg::kVersion), rm::kVersion);
  EXPECT_EQ(k.read(reg::kCaps), (rm::kReplayWindowMax << 16) | rm::kSaCapacity);
  EXPECT_EQ(k.read(reg::kFeatures), rm::feature::kAesGcm16 | rm::feature::kAesCbcHmacSha256 | rm::feature::kAesCbcHmacSha1);
  EXPECT_EQ(k.read(0x3FC), 0u);  // unmapped reads as zero
}

TEST(HlsControl, RingSizeMustBeAPowerOfTwoWithinTheLimit) {
  Kernel k;
  k.write(reg::kRingSize, 256);
  EXPECT_EQ(k.read(reg::kRingSize), 256u);
  k.write(reg::kRingSize, 300);
  EXPECT_EQ(k.read(reg::kRingSize), 0u);
  k.write(reg::kRingSize, 2 * rm::kRingEntriesMax);
  EXPECT_EQ(k.read(reg::kRingSize), 0u);
}

TEST(HlsControl, InstalledKeysNeverReadBackAndCountersStartAtZero) {
  Kernel k;
  stage_gcm_sa(k, 0x4242, true);
  k.write(reg::kSaIndex, 9);
  k.write(reg::kSaCmd, 1);
  // The window no longer holds the key after the write...
  for (std::uint32_t i = 0; i < 8; ++i) EXPECT_EQ(k.read(reg::kSaStage + 4 * (w::kEncKey + i)), 0u);
  // ...and the slot's read-back has none either, but has everything else.
  k.write(reg::kSaCmd, 2);
  EXPECT_EQ(k.read(reg::kSaStage + 4 * w::kSpi), 0x4242u);
  EXPECT_NE(k.read(reg::kSaStage + 4 * w::kFlags) & rm::sa_flag::kValid, 0u);
  EXPECT_EQ(k.read(reg::kSaStage + 4 * w::kCounters), 0u);
  for (std::uint32_t i = w::kEncKey; i < w::kCounters; ++i) EXPECT_EQ(k.read(reg::kSaStage + 4 * i), 0u) << i;
  // The round keys exist on the kernel side only.
  EXPECT_EQ(k.state().sa[9].aes.rounds, 10u);
  EXPECT_EQ(k.state().sa[9].aes.rk[0], 0xA5A5A5A5u);
}

TEST(HlsControl, InvalidateAndSoftResetZeroizeTheSlot) {
  Kernel k;
  stage_gcm_sa(k, 0x4242, true);
  k.write(reg::kSaIndex, 3);
  k.write(reg::kSaCmd, 1);
  k.write(reg::kSaCmd, 3);
  EXPECT_EQ(k.state().sa[3].aes.rounds, 0u);
  for (std::uint32_t v : k.state().sa[3].aes.rk) EXPECT_EQ(v, 0u);
  k.write(reg::kSaCmd, 2);
  EXPECT_EQ(k.read(reg::kSaStage + 4 * w::kFlags), 0u);
  stage_gcm_sa(k, 0x4343, false);
  k.write(reg::kSaCmd, 1);
  k.write(reg::kCtrl, 2);  // soft reset
  EXPECT_EQ(k.read(reg::kCtrl), 0u) << "the reset bit clears itself";
  EXPECT_EQ(k.state().sa[3].aes.rounds, 0u);
  k.write(reg::kSaCmd, 2);
  EXPECT_EQ(k.read(reg::kSaStage + 4 * w::kSpi), 0u);
}

TEST(HlsControl, RecordWithAnUnknownTransformStaysInvalid) {
  Kernel k;
  k.write(reg::kSaStage + 4 * w::kFlags, rm::sa_flag::kValid | (9u << rm::sa_flag::kTransformShift));
  k.write(reg::kSaIndex, 0);
  k.write(reg::kSaCmd, 1);
  k.write(reg::kSaCmd, 2);
  EXPECT_EQ(k.read(reg::kSaStage + 4 * w::kFlags) & rm::sa_flag::kValid, 0u);
}

TEST(HlsControl, EventPopRemovesOneEventPerRead) {
  Kernel k;
  event_push(k.state().events, rm::Event::kSoftLifetime, 7);
  event_push(k.state().events, rm::Event::kHardLifetime, 7);
  EXPECT_EQ(k.read(reg::kEventCount), 2u);
  EXPECT_EQ(k.read(reg::kStatus) & 2u, 2u);
  EXPECT_EQ(k.read(reg::kEventPop), (1u << 24) | 7u);
  EXPECT_EQ(k.read(reg::kEventPop), (2u << 24) | 7u);
  EXPECT_EQ(k.read(reg::kEventCount), 0u);
  EXPECT_EQ(k.read(reg::kEventPop), 0u);
}

}  // namespace
}  // namespace espgw::hls

// The GCM-only RTL kernel (kernels/rtl/esp_top.sv Verilated with EnableCbc = 0: no CBC
// decryption pipe, no CBC encryption states, no HMAC engines) through SimTransport and
// HwDevice: its features register lists AES-GCM-16 alone, GCM packets (RFC 4106) leave
// bit-identical to the cpu backend and come back, and HwDevice refuses a CBC SA with
// kUnsupportedTransform and a reason naming the kernel's transforms, before touching the card.
// The default kernel (Vesp_top) lists all three transforms, and a kernel whose features
// register reads 0 has every install refused.
#include <gtest/gtest.h>

#include <cstring>
#include <optional>
#include <vector>

#include "Vesp_top.h"
#include "Vesp_top_gcm.h"
#include "driver/hw/hw_device.hpp"
#include "driver/hw/sa_record.hpp"
#include "espgw/driver/esp_device.hpp"
#include "sim/sim_model.hpp"
#include "sim/sim_transport.hpp"

namespace espgw::sim {
namespace {

namespace reg = regmap::reg;
namespace feature = regmap::feature;
using driver::Direction;
using driver::PacketJob;
using driver::SaConfig;
using driver::Status;
using driver::Transform;
using Bytes = std::vector<std::uint8_t>;

std::unique_ptr<SimTransport> gcm_only_kernel() {
  return std::make_unique<SimTransport>(
      std::make_unique<VerilatedModel<Vesp_top_gcm>>("sim: esp_top with EnableCbc=0"));
}

std::unique_ptr<driver::hw::HwDevice> gcm_only_device() {
  driver::hw::HwOptions o;
  o.backend = "sim";
  o.ring_entries = 16;
  return std::make_unique<driver::hw::HwDevice>(gcm_only_kernel(), o);
}

// The default kernel, but its features register reads as `features`: a kernel built without
// the register (none exists outside this repository) or one that lists nothing.
class FeaturesOverride final : public driver::hw::Transport {
 public:
  FeaturesOverride(std::unique_ptr<driver::hw::Transport> inner, std::uint32_t features)
      : inner_(std::move(inner)), features_(features) {}
  std::string describe() const override { return inner_->describe(); }
  std::uint32_t read32(std::uint32_t offset) override {
    return offset == reg::kFeatures ? features_ : inner_->read32(offset);
  }
  void write32(std::uint32_t offset, std::uint32_t value) override { inner_->write32(offset, value); }
  void read32_many(const std::uint32_t* offsets, std::uint32_t* values, std::size_t count) override {
    inner_->read32_many(offsets, values, count);
  }
  std::unique_ptr<driver::hw::DmaBuffer> allocate(std::size_t bytes) override { return inner_->allocate(bytes); }
  bool wait_until(const std::function<bool()>& ready, std::chrono::milliseconds budget) override {
    return inner_->wait_until(ready, budget);
  }
  void flush() override { inner_->flush(); }

 private:
  std::unique_ptr<driver::hw::Transport> inner_;
  std::uint32_t features_;
};

std::unique_ptr<driver::hw::HwDevice> default_device(std::optional<std::uint32_t> features = std::nullopt) {
  driver::hw::HwOptions o;
  o.backend = "sim";
  o.ring_entries = 16;
  std::unique_ptr<driver::hw::Transport> t =
      std::make_unique<SimTransport>(std::make_unique<VerilatedModel<Vesp_top>>("sim: esp_top"));
  if (features) t = std::make_unique<FeaturesOverride>(std::move(t), *features);
  return std::make_unique<driver::hw::HwDevice>(std::move(t), o);
}

std::unique_ptr<driver::EspDevice> cpu_device() {
  driver::DeviceOptions o;
  o.backend = "cpu";
  o.provider = "openssl";
  return driver::make_device(o);
}

SaConfig sa(Direction d, Transform t, std::uint32_t spi, std::size_t key_bytes) {
  SaConfig c;
  c.spi = spi;
  c.direction = d;
  c.transform = t;
  c.tunnel_src = 0xC0A80001;
  c.tunnel_dst = 0xC0A80002;
  c.enc_key = SecretBytes(Bytes(key_bytes, static_cast<std::uint8_t>(0x40 + key_bytes)));
  if (t == Transform::kAesGcm16) {
    c.salt = 0x01020304;
  } else {
    c.auth_key = SecretBytes(Bytes(t == Transform::kAesCbcHmacSha1 ? 20 : 32, 0x29));
  }
  return c;
}

Bytes ipv4_packet(std::size_t length, std::uint8_t seed) {
  Bytes p(length, 0);
  p[0] = 0x45;
  p[2] = static_cast<std::uint8_t>(length >> 8);
  p[3] = static_cast<std::uint8_t>(length);
  p[8] = 64;
  p[9] = 17;
  const std::uint8_t addrs[] = {10, 0, 0, 5, 10, 1, 0, 9};
  std::memcpy(p.data() + 12, addrs, 8);
  std::uint32_t sum = 0;
  for (int i = 0; i < 20; i += 2) sum += std::uint32_t{p[i]} << 8 | p[i + 1];
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  p[10] = static_cast<std::uint8_t>(~sum >> 8);
  p[11] = static_cast<std::uint8_t>(~sum);
  for (std::size_t i = 20; i < length; ++i) p[i] = static_cast<std::uint8_t>(i * 7 + seed);
  return p;
}

// One burst of jobs through dev, every job in its own buffer with headroom; the outputs in
// order (empty for a job that failed) and the statuses.
std::vector<Bytes> run(driver::EspDevice& dev, Direction d, driver::SaHandle sa, const std::vector<Bytes>& in,
                       std::vector<Status>* status) {
  std::vector<Bytes> bufs;
  std::vector<PacketJob> jobs(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    bufs.emplace_back(64 + in[i].size() + 64, 0);
    std::memcpy(bufs[i].data() + 64, in[i].data(), in[i].size());
    jobs[i].direction = d;
    jobs[i].sa = sa;
    jobs[i].buffer = bufs[i].data();
    jobs[i].capacity = static_cast<std::uint32_t>(bufs[i].size());
    jobs[i].offset = 64;
    jobs[i].length = static_cast<std::uint32_t>(in[i].size());
  }
  dev.process(jobs);
  std::vector<Bytes> out;
  status->clear();
  for (const PacketJob& j : jobs) {
    status->push_back(j.status);
    out.push_back(j.status == Status::kOk ? Bytes(j.packet().begin(), j.packet().end()) : Bytes{});
  }
  return out;
}

TEST(SimGcmOnly, FeaturesRegisterListsAesGcmAlone) {
  auto t = gcm_only_kernel();
  EXPECT_EQ(t->read32(reg::kId), regmap::kDeviceId);
  EXPECT_EQ(t->read32(reg::kFeatures), feature::kAesGcm16);
  EXPECT_EQ(t->read32(reg::kCaps), (regmap::kReplayWindowMax << 16) | regmap::kSaCapacity);
}

TEST(SimGcmOnly, GcmBurstsBothKeySizesAreBitIdenticalToCpuAndDecryptBack) {
  auto sim = gcm_only_device();
  auto cpu = cpu_device();
  EXPECT_EQ(sim->features(), feature::kAesGcm16);
  for (const std::size_t key : {16u, 32u}) {
    SCOPED_TRACE(key);
    const std::uint32_t spi = 0x2000 + static_cast<std::uint32_t>(key);
    const auto so = sim->install_sa(sa(Direction::kOutbound, Transform::kAesGcm16, spi, key));
    const auto co = cpu->install_sa(sa(Direction::kOutbound, Transform::kAesGcm16, spi, key));
    const auto si = sim->install_sa(sa(Direction::kInbound, Transform::kAesGcm16, spi, key));
    ASSERT_EQ(so.status, Status::kOk);
    ASSERT_EQ(co.status, Status::kOk);
    ASSERT_EQ(si.status, Status::kOk);
    std::vector<Bytes> inner;
    for (const std::size_t len : {20u, 64u, 333u, 1420u}) inner.push_back(ipv4_packet(len, static_cast<std::uint8_t>(len)));
    std::vector<Status> ss, cs;
    const auto esp_sim = run(*sim, Direction::kOutbound, so.handle, inner, &ss);
    const auto esp_cpu = run(*cpu, Direction::kOutbound, co.handle, inner, &cs);
    for (std::size_t i = 0; i < inner.size(); ++i) {
      ASSERT_EQ(ss[i], Status::kOk) << i;
      ASSERT_EQ(cs[i], Status::kOk) << i;
      EXPECT_EQ(esp_sim[i], esp_cpu[i]) << "packet " << i;
    }
    const auto back = run(*sim, Direction::kInbound, driver::kNoSa, esp_sim, &ss);
    for (std::size_t i = 0; i < inner.size(); ++i) {
      ASSERT_EQ(ss[i], Status::kOk) << i;
      EXPECT_EQ(back[i], inner[i]) << "packet " << i;
    }
    EXPECT_EQ(sim->read_sa(so.handle)->counters.packets, inner.size());
    EXPECT_EQ(sim->read_sa(si.handle)->counters.packets, inner.size());
  }
}

TEST(SimGcmOnly, CbcSasAreRefusedWithAReasonAndNoSlotIsTaken) {
  auto sim = gcm_only_device();
  for (const Transform t : {Transform::kAesCbcHmacSha256, Transform::kAesCbcHmacSha1}) {
    for (const Direction d : {Direction::kOutbound, Direction::kInbound}) {
      const auto r = sim->install_sa(sa(d, t, 0x3000, 16));
      EXPECT_EQ(r.status, Status::kUnsupportedTransform) << regmap::to_string(t);
      EXPECT_EQ(r.handle, driver::kNoSa);
    }
    const std::string why = sim->transform_error(t);
    EXPECT_NE(why.find("runs aes-gcm16 only"), std::string::npos) << why;
    EXPECT_NE(why.find(std::string("not ") + std::string(regmap::to_string(t))), std::string::npos) << why;
  }
  EXPECT_TRUE(sim->list_sas().empty());
  EXPECT_EQ(sim->transform_error(Transform::kAesGcm16), "");
  // The refused installs left the table as it was: the first GCM SA takes slot 0.
  const auto g = sim->install_sa(sa(Direction::kOutbound, Transform::kAesGcm16, 0x3000, 16));
  ASSERT_EQ(g.status, Status::kOk);
  EXPECT_EQ(g.handle, 0u);
}

// The kernel's own guard, past the driver: a record written straight into the staging window
// with sa_cmd 1 is stored invalid when its transform is CBC (esp_core's transform_ok at
// EnableCbc = 0), and valid when it is GCM.
TEST(SimGcmOnly, ACbcRecordWrittenPastTheDriverIsStoredInvalid) {
  auto t = gcm_only_kernel();
  const auto install = [&](const SaConfig& c, std::uint32_t slot) {
    driver::hw::SaRecord r = driver::hw::pack_sa(c);
    for (std::uint32_t i = 0; i < r.size(); ++i) t->write32(reg::kSaStage + 4 * i, r[i]);
    driver::hw::zeroize_record(r);
    t->write32(reg::kSaIndex, slot);
    t->write32(reg::kSaCmd, 1);
    t->write32(reg::kSaCmd, 2);  // read the slot back into the window
    return t->read32(reg::kSaStage + 4 * regmap::sa_word::kFlags);
  };
  EXPECT_EQ(install(sa(Direction::kOutbound, Transform::kAesCbcHmacSha256, 0x6000, 16), 0) & regmap::sa_flag::kValid, 0u);
  EXPECT_EQ(install(sa(Direction::kInbound, Transform::kAesCbcHmacSha1, 0x6001, 32), 1) & regmap::sa_flag::kValid, 0u);
  EXPECT_NE(install(sa(Direction::kOutbound, Transform::kAesGcm16, 0x6002, 16), 2) & regmap::sa_flag::kValid, 0u);
}

TEST(SimDefaultKernel, FeaturesListEveryTransformAndNoneIsRefused) {
  auto dev = default_device();
  EXPECT_EQ(dev->features(), feature::kAll);
  for (const Transform t : {Transform::kAesGcm16, Transform::kAesCbcHmacSha256, Transform::kAesCbcHmacSha1}) {
    EXPECT_EQ(dev->transform_error(t), "") << regmap::to_string(t);
    EXPECT_EQ(dev->install_sa(sa(Direction::kOutbound, t, 0x4000 + static_cast<std::uint32_t>(t), 32)).status,
              Status::kOk)
        << regmap::to_string(t);
  }
  EXPECT_EQ(dev->list_sas().size(), 3u);
}

TEST(SimDefaultKernel, AKernelReportingNoFeaturesRefusesEveryInstallSayingSo) {
  auto dev = default_device(0u);
  for (const Transform t : {Transform::kAesGcm16, Transform::kAesCbcHmacSha256, Transform::kAesCbcHmacSha1}) {
    EXPECT_EQ(dev->install_sa(sa(Direction::kInbound, t, 0x5000, 16)).status, Status::kUnsupportedTransform);
    const std::string why = dev->transform_error(t);
    EXPECT_NE(why.find("the kernel reports no transforms"), std::string::npos) << why;
  }
  EXPECT_TRUE(dev->list_sas().empty());
}

}  // namespace
}  // namespace espgw::sim

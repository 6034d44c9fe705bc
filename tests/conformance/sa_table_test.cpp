// The SA table through the public interface: install-time validation (key and ICV key
// lengths per RFC 3602/4868/2404/4106, window limit, duplicate inbound SPI, full table),
// reinstalling an SPI starts a fresh SA, and installs/removes on another thread never
// disturb traffic on the SAs already installed (esp_device.hpp threading contract).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "backends.hpp"
#include "esp_reference.hpp"
#include "esp_test_util.hpp"

namespace espgw::conformance {
namespace {

const SaVariant kSha256{all_transforms()[1], false, false};
const SaVariant kSha1{all_transforms()[2], false, false};
const SaVariant kGcm{all_transforms()[4], false, false};

TEST_P(EspConformance, DeviceReportsTheBackendAndProviderItWasOpenedWith) {
  const driver::DeviceInfo info = dev().info();
  EXPECT_EQ(info.backend, GetParam().reported_backend());
  // A named provider is the one in use, never a silent fallback (the cross-checks rely on it).
  if (GetParam().provider != "auto") {
    EXPECT_EQ(info.provider, GetParam().provider);
  }
  EXPECT_EQ(info.max_replay_window, regmap::kReplayWindowMax);
  EXPECT_EQ(info.sa_capacity, regmap::kSaCapacity * GetParam().compute_units);
  EXPECT_FALSE(info.device.empty());
}

TEST_P(EspConformance, InstallRefusesConfigurationsNoTransformDefines) {
  auto refused = [&](SaConfig c, const char* why) {
    auto r = dev().install_sa(c);
    EXPECT_EQ(r.status, Status::kInvalidConfig) << why;
    if (r.status == Status::kOk) dev().remove_sa(r.handle);
  };
  SaConfig c = make_sa(kSha256, Direction::kInbound, 0x9001);
  c.enc_key = SecretBytes(Bytes(24, 1));
  refused(c, "AES-192 is not one of the transforms");
  c = make_sa(kSha256, Direction::kInbound, 0x9001);
  c.enc_key = SecretBytes(Bytes(15, 1));
  refused(c, "15-byte AES key");
  c = make_sa(kSha256, Direction::kInbound, 0x9001);
  c.auth_key = SecretBytes(Bytes(20, 1));
  refused(c, "HMAC-SHA-256-128 takes a 32-byte key (RFC 4868 2.1.1)");
  c = make_sa(kSha1, Direction::kInbound, 0x9001);
  c.auth_key = SecretBytes(Bytes(32, 1));
  refused(c, "HMAC-SHA1-96 takes a 20-byte key (RFC 2404 3)");
  c = make_sa(kSha256, Direction::kInbound, 0x9001);
  c.auth_key = SecretBytes();
  refused(c, "CBC without an integrity key");
  c = make_sa(kGcm, Direction::kInbound, 0x9001);
  c.enc_key = SecretBytes(Bytes(20, 1));
  refused(c, "20-byte GCM key (the salt is separate)");
  c = make_sa(kGcm, Direction::kInbound, 0x9001);
  c.transform = static_cast<Transform>(9);
  refused(c, "unknown transform code");
  c = make_sa(kGcm, Direction::kInbound, 0x9001);
  c.replay_window = regmap::kReplayWindowMax + 64;
  refused(c, "window past the maximum");
  EXPECT_TRUE(dev().list_sas().empty()) << "a refused install leaves nothing behind";
}

TEST_P(EspConformance, DuplicateInboundSpiIsRefusedAndTheFirstSaKeepsWorking) {
  SaConfig a = make_sa(kGcm, Direction::kInbound, 0x9101);
  SaHandle h = install(dev(), a);
  ASSERT_NE(h, driver::kNoSa);
  SaConfig again = make_sa(kSha256, Direction::kInbound, 0x9101);
  EXPECT_EQ(dev().install_sa(again).status, Status::kSpiInUse);
  auto r = decap1(dev(), reference_encap(a, make_icmp(kLocalLan | 1, kPeerLan | 1, 64, 1), 1));
  EXPECT_EQ(r.status, Status::kOk);
  EXPECT_EQ(r.sa, h);
  EXPECT_EQ(dev().list_sas(), std::vector<SaHandle>{h});
}

TEST_P(EspConformance, ReinstalledSpiIsAFreshSaWithNewKeysAndAnEmptyWindow) {
  SaConfig first = make_sa(kSha256, Direction::kInbound, 0x9201);
  SaHandle h1 = install(dev(), first);
  ASSERT_NE(h1, driver::kNoSa);
  const Bytes inner = make_icmp(kLocalLan | 1, kPeerLan | 1, 64, 1);
  for (std::uint64_t s = 1; s <= 3; ++s) EXPECT_EQ(decap1(dev(), reference_encap(first, inner, s)).status, Status::kOk);
  ASSERT_EQ(dev().remove_sa(h1), Status::kOk);
  SaConfig second = first;
  Bytes k2(32, 0x77);
  second.enc_key = SecretBytes(std::span<const std::uint8_t>(k2.data(), 16));
  second.auth_key = SecretBytes(k2);
  SaHandle h2 = install(dev(), second);
  ASSERT_NE(h2, driver::kNoSa);
  EXPECT_EQ(decap1(dev(), reference_encap(second, inner, 1)).status, Status::kOk) << "window starts empty";
  EXPECT_EQ(decap1(dev(), reference_encap(first, inner, 4)).status, Status::kAuthFail) << "old keys are gone";
  SaCounters c = counters(dev(), h2);
  EXPECT_EQ(c.packets, 1u);
  EXPECT_EQ(c.auth_fails, 1u);
}

TEST_P(EspConformance, TableFullIsReportedAtTheAdvertisedCapacity) {
  driver::DeviceOptions o;
  o.backend = GetParam().backend;
  o.provider = GetParam().provider;
  o.compute_units = GetParam().compute_units;
  o.sa_capacity = 16;
  auto small = driver::make_device(o);
  const std::uint32_t cap = small->info().sa_capacity;
  ASSERT_GE(cap, 1u);
  ASSERT_LE(cap, regmap::kSaCapacity * GetParam().compute_units);
  for (std::uint32_t i = 0; i < cap; ++i) {
    auto r = small->install_sa(make_sa(kGcm, Direction::kInbound, 0x10000 + i));
    ASSERT_EQ(r.status, Status::kOk) << "SA " << i << " of " << cap;
  }
  EXPECT_EQ(small->install_sa(make_sa(kGcm, Direction::kInbound, 0x20000)).status, Status::kTableFull);
  EXPECT_EQ(small->list_sas().size(), cap);
  // A freed slot is usable again.
  ASSERT_EQ(small->remove_sa(small->list_sas().front()), Status::kOk);
  EXPECT_EQ(small->install_sa(make_sa(kGcm, Direction::kInbound, 0x20000)).status, Status::kOk);
}

TEST_P(EspConformance, InstallsAndRemovesOnAnotherThreadNeverDisturbTraffic) {
  SaConfig out_cfg = make_sa(kGcm, Direction::kOutbound, 0x9301);
  SaConfig in_cfg = make_sa(kGcm, Direction::kInbound, 0x9301);
  SaHandle out = install(dev(), out_cfg);
  SaHandle in = install(dev(), in_cfg);
  ASSERT_TRUE(out != driver::kNoSa && in != driver::kNoSa);
  std::atomic<bool> done{false};
  std::atomic<std::uint32_t> churned{0};
  std::thread churn([&] {
    std::uint32_t spi = 0x9400;
    while (!done.load()) {
      auto r = dev().install_sa(make_sa(kSha256, (spi & 1) ? Direction::kInbound : Direction::kOutbound, spi));
      if (r.status == Status::kOk) {
        (void)dev().read_sa(r.handle);
        (void)dev().list_sas();
        dev().remove_sa(r.handle);
        churned.fetch_add(1);
      }
      ++spi;
    }
  });
  auto inners = inner_mix(16, 5);
  std::uint64_t sent = 0;
  for (int round = 0; round < 60; ++round) {
    auto enc = encap(dev(), out, inners);
    std::vector<Bytes> wire;
    for (std::size_t k = 0; k < enc.size(); ++k) {
      ASSERT_EQ(enc[k].status, Status::kOk) << "round " << round;
      EXPECT_EQ(enc[k].seq, sent + k + 1);
      wire.push_back(enc[k].bytes);
    }
    auto dec = decap(dev(), wire);
    for (std::size_t k = 0; k < dec.size(); ++k) {
      ASSERT_EQ(dec[k].status, Status::kOk) << "round " << round;
      EXPECT_TRUE(dec[k].bytes == inners[k]);
    }
    sent += inners.size();
  }
  done.store(true);
  churn.join();
  EXPECT_EQ(counters(dev(), out).packets, sent);
  EXPECT_EQ(counters(dev(), in).packets, sent);
  EXPECT_EQ(counters(dev(), in).errors(), 0u);
  EXPECT_EQ(dev().list_sas().size(), 2u);
  RecordProperty("sa_churn_cycles", static_cast<int>(churned.load()));
}

}  // namespace
}  // namespace espgw::conformance

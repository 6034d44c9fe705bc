// MultiDevice (driver/multi) over three cpu units, checked against ONE cpu device fed the
// same SAs and packets: ESP bytes (RFC 4303, RFC 3948), statuses, sequence numbers and
// counters must match exactly. Also placement, SPI uniqueness, full tables, bad handles,
// event handles and install/remove racing the data path.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "driver/multi/multi_device.hpp"
#include "esp_test_util.hpp"

namespace espgw::driver::multi::test {
namespace {

using namespace espgw::driver::cpu::test;

constexpr std::uint32_t kUnits = 3;

std::unique_ptr<EspDevice> open(std::uint32_t units, std::uint32_t capacity = 16, const std::string& backend = "cpu") {
  DeviceOptions o;
  o.backend = backend;
  o.sa_capacity = capacity;
  o.compute_units = units;
  return make_device(o);
}

MultiDevice& as_multi(EspDevice& d) { return dynamic_cast<MultiDevice&>(d); }

Status send(EspDevice& dev, SaHandle h, std::uint32_t len = 100) {
  Packet p = outbound_packet(h, make_inner(len));
  dev.process({&p.job, 1});
  return p.job.status;
}

// The same SAs on both devices; handles differ, the index into the vectors is the SA.
struct Pair {
  std::unique_ptr<EspDevice> one = open(1);
  std::unique_ptr<EspDevice> multi = open(kUnits);
  std::vector<SaHandle> one_h, multi_h;
  void install(const SaConfig& c) {
    const auto a = one->install_sa(c);
    const auto b = multi->install_sa(c);
    ASSERT_EQ(a.status, Status::kOk);
    ASSERT_EQ(b.status, Status::kOk);
    one_h.push_back(a.handle);
    multi_h.push_back(b.handle);
  }
};

void expect_same_job(const Packet& a, const Packet& b, const std::string& what) {
  EXPECT_EQ(a.job.status, b.job.status) << what;
  EXPECT_EQ(a.job.seq, b.job.seq) << what;
  EXPECT_EQ(a.job.offset, b.job.offset) << what;
  EXPECT_EQ(a.job.length, b.job.length) << what;
  if (a.job.status == Status::kOk) {
    EXPECT_EQ(a.bytes(), b.bytes()) << what;
  }
}

class MultiMatchesOneDevice : public ::testing::TestWithParam<std::tuple<TransformCase, bool>> {};

TEST_P(MultiMatchesOneDevice, OutboundAndInboundBytesStatusesSeqsAndCountersAreIdentical) {
  const auto& [tc, udp] = GetParam();
  constexpr std::uint32_t kSas = 5;
  Pair d;
  std::vector<SaConfig> out_cfg;
  for (std::uint32_t i = 0; i < kSas; ++i) {
    SaConfig c = make_config(tc.transform, tc.enc_key_len, Direction::kOutbound, 0x5000 + i);
    if (udp) c.udp_encap = UdpEncap{4500, 4500};
    out_cfg.push_back(c);
    d.install(c);
  }
  for (std::uint32_t i = 0; i < kSas; ++i) d.install(inbound_twin(out_cfg[i]));
  // Spread: every unit holds SAs, so the bursts below really cross units.
  for (std::uint32_t u = 0; u < kUnits; ++u) EXPECT_FALSE(as_multi(*d.multi).unit(u).list_sas().empty()) << u;

  // Outbound: three rounds over every SA in one burst, plus a bad handle.
  std::vector<Packet> one_out, multi_out;
  for (int round = 0; round < 3; ++round) {
    for (std::uint32_t i = 0; i < kSas; ++i) {
      const auto inner = make_inner(60 + 37 * i + round);
      one_out.push_back(outbound_packet(d.one_h[i], inner));
      multi_out.push_back(outbound_packet(d.multi_h[i], inner));
    }
  }
  one_out.push_back(outbound_packet(kNoSa, make_inner(50)));
  multi_out.push_back(outbound_packet(kNoSa, make_inner(50)));
  std::vector<PacketJob> jobs_a, jobs_b;
  for (auto& p : one_out) jobs_a.push_back(p.job);
  for (auto& p : multi_out) jobs_b.push_back(p.job);
  d.one->process(jobs_a);
  d.multi->process(jobs_b);
  for (std::size_t k = 0; k < one_out.size(); ++k) {
    one_out[k].job = jobs_a[k];
    multi_out[k].job = jobs_b[k];
    expect_same_job(one_out[k], multi_out[k], "outbound " + std::to_string(k));
    EXPECT_EQ(multi_out[k].job.status, k + 1 < one_out.size() ? Status::kOk : Status::kBadSa);
  }

  // Inbound: every ESP packet, one replayed, one unknown SPI, one truncated datagram.
  std::vector<std::vector<std::uint8_t>> wire;
  for (std::size_t k = 0; k + 1 < one_out.size(); ++k) wire.push_back(one_out[k].bytes());
  wire.push_back(one_out[2].bytes());
  auto unknown = one_out[0].bytes();
  const std::size_t spi_at = udp ? 28 : 20;
  unknown[spi_at] ^= 0x40;  // SPI 0x4000xxxx: nobody's
  wire.push_back(unknown);
  const auto first = one_out[0].bytes();
  wire.emplace_back(first.begin(), first.begin() + 22);  // too short for any SPI
  std::vector<Packet> one_in, multi_in;
  jobs_a.clear();
  jobs_b.clear();
  for (const auto& w : wire) {
    one_in.push_back(inbound_packet(w));
    multi_in.push_back(inbound_packet(w));
    jobs_a.push_back(one_in.back().job);
    jobs_b.push_back(multi_in.back().job);
  }
  d.one->process(jobs_a);
  d.multi->process(jobs_b);
  for (std::size_t k = 0; k < wire.size(); ++k) {
    one_in[k].job = jobs_a[k];
    multi_in[k].job = jobs_b[k];
    expect_same_job(one_in[k], multi_in[k], "inbound " + std::to_string(k));
    if (k + 3 < wire.size()) {
      ASSERT_EQ(multi_in[k].job.status, Status::kOk) << k;
      // Decrypted on the right unit, and the job names that SA's global handle.
      const std::size_t sa = k % kSas;
      EXPECT_EQ(multi_in[k].job.sa, d.multi_h[kSas + sa]) << k;
      EXPECT_EQ(one_in[k].job.sa, d.one_h[kSas + sa]) << k;
    }
  }
  EXPECT_EQ(multi_in[wire.size() - 3].job.status, Status::kReplay);
  EXPECT_EQ(multi_in[wire.size() - 2].job.status, Status::kBadSpi);
  EXPECT_EQ(multi_in[wire.size() - 1].job.status, Status::kMalformed);

  for (std::size_t i = 0; i < d.one_h.size(); ++i) {
    const auto a = d.one->read_sa(d.one_h[i]);
    const auto b = d.multi->read_sa(d.multi_h[i]);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->counters, b->counters) << i;
    EXPECT_EQ(a->seq, b->seq) << i;
  }
  const auto ca = d.one->device_counters();
  const auto cb = d.multi->device_counters();
  EXPECT_EQ(cb.bad_spi, 1u);
  EXPECT_EQ(cb.malformed, 1u);
  EXPECT_EQ(cb.bad_sa, 1u);
  EXPECT_EQ(ca.bad_spi, cb.bad_spi);
  EXPECT_EQ(ca.malformed, cb.malformed);
  EXPECT_EQ(ca.bad_sa, cb.bad_sa);
}

INSTANTIATE_TEST_SUITE_P(
    GcmAndCbc, MultiMatchesOneDevice,
    ::testing::Combine(::testing::Values(all_transforms()[0], all_transforms()[3]), ::testing::Bool()),
    [](const auto& info) {
      return std::string(std::get<0>(info.param).name) + (std::get<1>(info.param) ? "Udp" : "Raw");
    });

TEST(MultiDevice, InfoSumsCapacityAndNamesEveryUnit) {
  auto dev = open(kUnits, 8);
  const DeviceInfo i = dev->info();
  EXPECT_EQ(i.backend, "cpux3");
  EXPECT_EQ(i.sa_capacity, 24u);
  EXPECT_NE(i.device.find("[2] cpu: "), std::string::npos) << i.device;
  EXPECT_EQ(open(1)->info().backend, "cpu");  // one unit: no wrapper
}

TEST(MultiDevice, FactoryRefusesZeroOrMoreThanSixteenUnits) {
  EXPECT_THROW(open(0), std::runtime_error);
  EXPECT_THROW(open(17), std::runtime_error);
  EXPECT_EQ(open(16, 1)->info().sa_capacity, 16u);
}

TEST(MultiDevice, UnitsWithDifferentCapacitiesAreRefusedAtConstruction) {
  std::vector<std::unique_ptr<EspDevice>> units;
  units.push_back(open(1, 4));
  units.push_back(open(1, 8));
  EXPECT_THROW(MultiDevice{std::move(units)}, std::invalid_argument);
  EXPECT_THROW(MultiDevice{{}}, std::invalid_argument);
}

TEST(MultiDevice, SasAlreadyOnTheUnitsAreCountedAndTheirSpisRouted) {
  const SaConfig in = make_config(Transform::kAesGcm16, 16, Direction::kInbound, 0x1234);
  std::vector<std::unique_ptr<EspDevice>> units;
  units.push_back(open(1, 4));
  units.push_back(open(1, 4));
  ASSERT_EQ(units[1]->install_sa(in).status, Status::kOk);
  MultiDevice dev(std::move(units));
  EXPECT_EQ(dev.list_sas(), (std::vector<SaHandle>{4}));
  EXPECT_EQ(dev.install_sa(in).status, Status::kSpiInUse);
  // Unit 1 already holds one SA, so the next goes to unit 0.
  EXPECT_EQ(dev.install_sa(make_config(Transform::kAesGcm16, 16, Direction::kOutbound, 0x999)).handle, 0u);

  std::vector<std::unique_ptr<EspDevice>> clash;
  clash.push_back(open(1, 4));
  clash.push_back(open(1, 4));
  ASSERT_EQ(clash[0]->install_sa(in).status, Status::kOk);
  ASSERT_EQ(clash[1]->install_sa(in).status, Status::kOk);
  EXPECT_THROW(MultiDevice{std::move(clash)}, std::invalid_argument);
}

TEST(MultiDevice, SasGoToTheLeastLoadedUnitLowestFirst) {
  auto dev = open(kUnits, 4);
  std::vector<SaHandle> h;
  for (std::uint32_t i = 0; i < 6; ++i) {
    h.push_back(dev->install_sa(make_config(Transform::kAesGcm16, 16, Direction::kOutbound, 0x100 + i)).handle);
  }
  // Units 0,1,2,0,1,2: global handle = unit * 4 + local.
  EXPECT_EQ(h, (std::vector<SaHandle>{0, 4, 8, 1, 5, 9}));
  EXPECT_EQ(dev->list_sas(), (std::vector<SaHandle>{0, 1, 4, 5, 8, 9}));
  ASSERT_EQ(dev->remove_sa(5), Status::kOk);
  ASSERT_EQ(dev->remove_sa(4), Status::kOk);
  EXPECT_EQ(dev->install_sa(make_config(Transform::kAesGcm16, 16, Direction::kOutbound, 0x200)).handle, 4u);
}

TEST(MultiDevice, InboundSpiHeldByAnotherUnitIsRefusedUntilRemoved) {
  auto dev = open(kUnits, 4);
  const SaConfig in = make_config(Transform::kAesGcm16, 16, Direction::kInbound, 0x7777);
  const auto first = dev->install_sa(in);
  ASSERT_EQ(first.status, Status::kOk);
  EXPECT_EQ(first.handle, 0u);
  // Unit 0 now has the most SAs, so a second copy would land on unit 1 without the map.
  EXPECT_EQ(dev->install_sa(in).status, Status::kSpiInUse);
  EXPECT_EQ(dev->list_sas().size(), 1u);
  // Outbound SAs may share the number (RFC 4301 4.1: inbound SPIs name SAs).
  EXPECT_EQ(dev->install_sa(make_config(Transform::kAesGcm16, 16, Direction::kOutbound, 0x7777)).status, Status::kOk);
  ASSERT_EQ(dev->remove_sa(first.handle), Status::kOk);
  EXPECT_EQ(dev->install_sa(in).status, Status::kOk);
}

TEST(MultiDevice, TableIsFullOnlyWhenEveryUnitIsFull) {
  auto dev = open(kUnits, 2);
  std::vector<SaHandle> h;
  for (std::uint32_t i = 0; i < 6; ++i) {
    const auto r = dev->install_sa(make_config(Transform::kAesGcm16, 16, Direction::kInbound, 0x300 + i));
    ASSERT_EQ(r.status, Status::kOk) << i;
    h.push_back(r.handle);
  }
  EXPECT_EQ(dev->install_sa(make_config(Transform::kAesGcm16, 16, Direction::kInbound, 0x400)).status,
            Status::kTableFull);
  ASSERT_EQ(dev->remove_sa(3), Status::kOk);  // unit 1, local 1
  const auto r = dev->install_sa(make_config(Transform::kAesGcm16, 16, Direction::kInbound, 0x400));
  EXPECT_EQ(r.status, Status::kOk);
  EXPECT_EQ(r.handle, 3u);
  // An invalid config is that, not "full".
  SaConfig bad = make_config(Transform::kAesGcm16, 16, Direction::kInbound, 0x500);
  bad.enc_key = SecretBytes(random_bytes(24));
  EXPECT_EQ(dev->install_sa(bad).status, Status::kInvalidConfig);
}

TEST(MultiDevice, BadHandlesAreBadSaOrNulloptAndCountedOnce) {
  auto dev = open(kUnits, 4);
  const SaHandle in = dev->install_sa(make_config(Transform::kAesGcm16, 16, Direction::kInbound, 0x900)).handle;
  const SaHandle out = dev->install_sa(make_config(Transform::kAesGcm16, 16, Direction::kOutbound, 0x901)).handle;
  EXPECT_EQ(out, 4u);
  EXPECT_FALSE(dev->read_sa(kNoSa));
  EXPECT_FALSE(dev->read_sa(12));
  EXPECT_FALSE(dev->read_sa(9));  // in range, empty slot on unit 2
  EXPECT_TRUE(dev->read_sa(out));
  EXPECT_EQ(dev->remove_sa(kNoSa), Status::kBadSa);
  EXPECT_EQ(dev->remove_sa(12), Status::kBadSa);
  EXPECT_EQ(dev->remove_sa(9), Status::kBadSa);
  EXPECT_EQ(send(*dev, kNoSa), Status::kBadSa);
  EXPECT_EQ(send(*dev, 12), Status::kBadSa);
  EXPECT_EQ(send(*dev, 9), Status::kBadSa);
  EXPECT_EQ(send(*dev, in), Status::kBadSa);  // an inbound SA cannot send
  EXPECT_EQ(send(*dev, out), Status::kOk);
  EXPECT_EQ(dev->device_counters().bad_sa, 4u);
}

TEST(MultiDevice, UnknownSpiAndGarbageAreCountedOnceOnTheDevice) {
  auto dev = open(kUnits, 4);
  for (std::uint32_t i = 0; i < 3; ++i) {
    ASSERT_EQ(dev->install_sa(make_config(Transform::kAesGcm16, 16, Direction::kInbound, 0xA00 + i)).status,
              Status::kOk);
  }
  auto esp = make_inner(80);
  esp[9] = 50;  // protocol ESP; header checksum fixed below
  esp[10] = esp[11] = 0;
  const std::uint16_t c = ipv4_checksum(esp.data(), 20);
  esp[10] = static_cast<std::uint8_t>(c >> 8);
  esp[11] = static_cast<std::uint8_t>(c);
  esp[20] = 0x12, esp[21] = 0x34, esp[22] = 0x56, esp[23] = 0x78;
  Packet p = inbound_packet(esp);
  Packet g = inbound_packet({0x45, 0x00, 0x00});
  PacketJob jobs[] = {p.job, g.job};
  dev->process(jobs);
  EXPECT_EQ(jobs[0].status, Status::kBadSpi);
  EXPECT_EQ(jobs[0].sa, kNoSa);
  EXPECT_EQ(jobs[1].status, Status::kMalformed);
  const auto counters = dev->device_counters();
  EXPECT_EQ(counters.bad_spi, 1u);
  EXPECT_EQ(counters.malformed, 1u);
  EXPECT_EQ(counters.bad_sa, 0u);
}

TEST(MultiDevice, SoftLifetimeOnUnitTwoRaisesAnEventWithTheGlobalHandle) {
  auto dev = open(kUnits, 4);
  dev->install_sa(make_config(Transform::kAesGcm16, 16, Direction::kOutbound, 0xB00));
  dev->install_sa(make_config(Transform::kAesGcm16, 16, Direction::kOutbound, 0xB01));
  SaConfig c = make_config(Transform::kAesGcm16, 16, Direction::kOutbound, 0xB02);
  c.lifetime.soft_bytes = 150;
  const SaHandle h = dev->install_sa(c).handle;
  ASSERT_EQ(h, 8u);  // unit 2, local 0
  EXPECT_EQ(send(*dev, h, 100), Status::kOk);
  EXPECT_EQ(send(*dev, h, 100), Status::kOk);  // 200 bytes: soft limit crossed
  std::vector<SaEvent> ev(8);
  ev.resize(dev->poll_events(ev));
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].kind, SaEventKind::kSoftLifetime);
  EXPECT_EQ(ev[0].sa, h);
  EXPECT_EQ(ev[0].spi, 0xB02u);
  EXPECT_TRUE(dev->read_sa(h)->soft_expired);
}

TEST(MultiDevice, InstallAndRemoveOnAnotherThreadNeverDisturbBursts) {
  auto dev = open(kUnits, 16);
  std::vector<SaHandle> sas;
  for (std::uint32_t i = 0; i < kUnits; ++i) {
    sas.push_back(dev->install_sa(make_config(Transform::kAesGcm16, 16, Direction::kOutbound, 0xC00 + i)).handle);
  }
  std::atomic<bool> stop{false};
  std::atomic<int> churned{0};
  std::thread control([&] {
    for (int n = 0; n < 2000 && !stop.load(); ++n) {
      const auto r = dev->install_sa(make_config(Transform::kAesGcm16, 16, Direction::kInbound, 0xD000 + n % 64));
      if (r.status == Status::kOk) {
        (void)dev->read_sa(r.handle);
        if (dev->remove_sa(r.handle) == Status::kOk) churned.fetch_add(1);
      }
    }
  });
  // At least 200 bursts, and on until the control thread has churned a few SAs: on a busy
  // machine it may not get a turn during the first 200 (the bound keeps the loop finite).
  constexpr int kBursts = 200, kMinChurned = 10, kMaxBursts = 200000;
  for (int b = 0; b < kMaxBursts && (b < kBursts || churned.load() < kMinChurned); ++b) {
    std::vector<Packet> pkts;
    for (SaHandle h : sas) pkts.push_back(outbound_packet(h, make_inner(64)));
    std::vector<PacketJob> jobs;
    for (auto& p : pkts) jobs.push_back(p.job);
    dev->process(jobs);
    for (const auto& j : jobs) {
      ASSERT_EQ(j.status, Status::kOk);
      ASSERT_EQ(j.seq, static_cast<std::uint64_t>(b + 1));
    }
  }
  stop = true;
  control.join();
  EXPECT_GE(churned.load(), kMinChurned);
  EXPECT_EQ(dev->list_sas(), sas);
}

// Two Verilated RTL kernels (each with its own VerilatedContext) against one cpu device:
// the same GCM SAs and packets give the same ESP bytes out and the same inner packets in.
TEST(MultiDevice, TwoSimUnitsAreBitIdenticalToOneCpuDevice) {
  const auto names = available_backends();
  if (std::find(names.begin(), names.end(), "sim") == names.end()) GTEST_SKIP() << "sim backend not built";
  constexpr std::uint32_t kSas = 2;
  auto cpu = open(1, 8);
  auto sim = open(2, 8, "sim");
  EXPECT_EQ(sim->info().backend, "simx2");
  std::vector<SaHandle> cpu_h, sim_h;
  std::vector<SaConfig> out_cfg;
  for (std::uint32_t i = 0; i < kSas; ++i) out_cfg.push_back(make_config(Transform::kAesGcm16, 16, Direction::kOutbound, 0xE00 + i));
  std::vector<SaConfig> all = out_cfg;
  for (const auto& c : out_cfg) all.push_back(inbound_twin(c));
  for (const auto& c : all) {
    const auto a = cpu->install_sa(c);
    const auto b = sim->install_sa(c);
    ASSERT_EQ(a.status, Status::kOk);
    ASSERT_EQ(b.status, Status::kOk);
    cpu_h.push_back(a.handle);
    sim_h.push_back(b.handle);
  }
  EXPECT_FALSE(as_multi(*sim).unit(0).list_sas().empty());
  EXPECT_FALSE(as_multi(*sim).unit(1).list_sas().empty());

  std::vector<Packet> a, b;
  for (int round = 0; round < 3; ++round) {
    for (std::uint32_t i = 0; i < kSas; ++i) {
      const auto inner = make_inner(100 + 50 * round + i);
      a.push_back(outbound_packet(cpu_h[i], inner));
      b.push_back(outbound_packet(sim_h[i], inner));
    }
  }
  std::vector<PacketJob> ja, jb;
  for (auto& p : a) ja.push_back(p.job);
  for (auto& p : b) jb.push_back(p.job);
  cpu->process(ja);
  sim->process(jb);
  std::vector<Packet> ia, ib;
  for (std::size_t k = 0; k < a.size(); ++k) {
    a[k].job = ja[k];
    b[k].job = jb[k];
    ASSERT_EQ(b[k].job.status, Status::kOk) << k;
    expect_same_job(a[k], b[k], "outbound " + std::to_string(k));
    ia.push_back(inbound_packet(b[k].bytes()));
    ib.push_back(inbound_packet(b[k].bytes()));
  }
  ja.clear();
  jb.clear();
  for (auto& p : ia) ja.push_back(p.job);
  for (auto& p : ib) jb.push_back(p.job);
  cpu->process(ja);
  sim->process(jb);
  for (std::size_t k = 0; k < ia.size(); ++k) {
    ia[k].job = ja[k];
    ib[k].job = jb[k];
    ASSERT_EQ(ib[k].job.status, Status::kOk) << k;
    expect_same_job(ia[k], ib[k], "inbound " + std::to_string(k));
    EXPECT_EQ(ib[k].job.sa, sim_h[kSas + k % kSas]) << k;
  }
}

}  // namespace
}  // namespace espgw::driver::multi::test

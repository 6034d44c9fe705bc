// SA management of the CPU backend through the public EspDevice interface: install-time
// validation, handles and SPIs, read_sa, sequence overflow, lifetimes and their events,
// outbound size limits, and install/remove racing a busy data path.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "esp_test_util.hpp"
#include "reference_esp.hpp"

namespace espgw::driver::cpu::test {
namespace {

std::unique_ptr<EspDevice> open(std::uint32_t capacity = 16, const std::string& provider = "auto") {
  DeviceOptions o;
  o.provider = provider;
  o.sa_capacity = capacity;
  return make_device(o);
}

Status send(EspDevice& dev, SaHandle h, std::uint32_t len = 100, Packet* out = nullptr) {
  Packet p = outbound_packet(h, make_inner(len));
  dev.process({&p.job, 1});
  if (out) *out = p;
  return p.job.status;
}

std::vector<SaEvent> drain(EspDevice& dev) {
  std::vector<SaEvent> ev(64);
  ev.resize(dev.poll_events(ev));
  return ev;
}

TEST(CpuDevice, InfoNamesTheProviderAndAutoPrefersIpsecMb) {
  auto dev = open();
  const DeviceInfo i = dev->info();
  EXPECT_EQ(i.backend, "cpu");
  EXPECT_EQ(i.sa_capacity, 16u);
  EXPECT_EQ(i.max_replay_window, 4096u);
#ifdef ESPGW_HAVE_IPSEC_MB
  EXPECT_EQ(i.provider, "ipsec-mb");
  EXPECT_NE(i.device.find("intel-ipsec-mb"), std::string::npos);
#endif
  EXPECT_EQ(open(4, "openssl")->info().provider, "openssl");
  EXPECT_THROW(open(4, "quantum"), std::runtime_error);
}

TEST(CpuDevice, InstallRejectsWrongKeySizesReservedSpisAndOversizedWindows) {
  auto dev = open();
  for (const auto& tc : all_transforms()) {
    SaConfig c = make_config(tc.transform, tc.enc_key_len, Direction::kInbound);
    SaConfig k = c;
    k.enc_key = SecretBytes(random_bytes(24));  // AES-192 is not offered
    EXPECT_EQ(dev->install_sa(k).status, Status::kInvalidConfig) << tc.name;
    SaConfig a = c;
    a.auth_key = SecretBytes(random_bytes(auth_key_len(tc.transform) + 1));
    EXPECT_EQ(dev->install_sa(a).status, Status::kInvalidConfig) << tc.name;
  }
  SaConfig c = make_config(Transform::kAesGcm16, 32, Direction::kInbound);
  SaConfig s = c;
  s.spi = 255;
  EXPECT_EQ(dev->install_sa(s).status, Status::kInvalidConfig);
  SaConfig w = c;
  w.replay_window = 4097;
  EXPECT_EQ(dev->install_sa(w).status, Status::kInvalidConfig);
  w.replay_window = 4096;
  EXPECT_EQ(dev->install_sa(w).status, Status::kOk);
  EXPECT_EQ(dev->list_sas().size(), 1u);
}

TEST(CpuDevice, SpiInUseTableFullAndRemoveFreesBoth) {
  auto dev = open(2);
  SaConfig a = make_config(Transform::kAesGcm16, 16, Direction::kInbound, 0x1111);
  SaConfig b = make_config(Transform::kAesGcm16, 16, Direction::kOutbound, 0x2222);
  const auto ra = dev->install_sa(a);
  ASSERT_EQ(ra.status, Status::kOk);
  EXPECT_EQ(dev->install_sa(a).status, Status::kSpiInUse);
  const auto rb = dev->install_sa(b);
  ASSERT_EQ(rb.status, Status::kOk);
  EXPECT_EQ(dev->install_sa(make_config(Transform::kAesGcm16, 16, Direction::kInbound, 0x3333)).status,
            Status::kTableFull);
  EXPECT_EQ(dev->list_sas(), (std::vector<SaHandle>{ra.handle, rb.handle}));

  auto pkt = reference_encap(inbound_twin(a), 1, esp_plaintext(make_inner(40), 4));
  ASSERT_EQ(dev->remove_sa(ra.handle), Status::kOk);
  EXPECT_EQ(dev->remove_sa(ra.handle), Status::kBadSa);
  EXPECT_FALSE(dev->read_sa(ra.handle).has_value());
  Packet p = inbound_packet(pkt);
  dev->process({&p.job, 1});
  EXPECT_EQ(p.job.status, Status::kBadSpi);
  EXPECT_EQ(dev->install_sa(a).status, Status::kOk);  // SPI and slot are free again
}

TEST(CpuDevice, ReadSaReportsTheConfigurationAndLiveState) {
  auto dev = open();
  SaConfig c = make_config(Transform::kAesCbcHmacSha256, 32, Direction::kOutbound, 0xABCDEF);
  c.udp_encap = UdpEncap{4500, 4500};
  c.esn = true;
  c.lifetime = {1000000, 2000000, 100, 200};
  const SaHandle h = dev->install_sa(c).handle;
  ASSERT_EQ(send(*dev, h, 300), Status::kOk);
  const auto s = dev->read_sa(h);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->spi, 0xABCDEFu);
  EXPECT_EQ(s->transform, Transform::kAesCbcHmacSha256);
  EXPECT_EQ(s->key_bits, 256u);
  EXPECT_EQ(s->tunnel_src, kLocal);
  EXPECT_EQ(s->udp_encap, c.udp_encap);
  EXPECT_TRUE(s->esn);
  EXPECT_EQ(s->seq, 1u);
  EXPECT_EQ(s->lifetime, c.lifetime);
  EXPECT_EQ(s->counters.packets, 1u);
  EXPECT_EQ(s->counters.bytes, 300u);
  EXPECT_FALSE(s->soft_expired);
}

TEST(CpuDevice, WrongHandleOrDirectionIsBadSaOnTheDevice) {
  auto dev = open();
  const SaHandle in = dev->install_sa(make_config(Transform::kAesGcm16, 16, Direction::kInbound)).handle;
  EXPECT_EQ(send(*dev, in), Status::kBadSa);
  EXPECT_EQ(send(*dev, 9), Status::kBadSa);
  EXPECT_EQ(send(*dev, kNoSa), Status::kBadSa);
  EXPECT_EQ(dev->device_counters().bad_sa, 3u);
}

TEST(CpuDevice, ThirtyTwoBitSequenceNeverWrapsAndReportsOnce) {
  auto dev = open();
  SaConfig c = make_config(Transform::kAesGcm16, 32, Direction::kOutbound);
  c.initial_seq = 0xFFFFFFFEull;
  const SaHandle h = dev->install_sa(c).handle;
  Packet p;
  ASSERT_EQ(send(*dev, h, 100, &p), Status::kOk);
  EXPECT_EQ(p.job.seq, 0xFFFFFFFFull);
  EXPECT_EQ(send(*dev, h), Status::kSeqOverflow);
  EXPECT_EQ(send(*dev, h), Status::kSeqOverflow);
  const auto ev = drain(*dev);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].kind, SaEventKind::kSeqOverflow);
  EXPECT_EQ(ev[0].sa, h);
  EXPECT_EQ(ev[0].spi, c.spi);
  EXPECT_EQ(dev->read_sa(h)->counters.other_drops, 2u);
  EXPECT_EQ(dev->read_sa(h)->seq, 0xFFFFFFFFull);
}

TEST(CpuDevice, PacketLifetimeRaisesSoftOnceThenStopsAtHard) {
  auto dev = open();
  SaConfig c = make_config(Transform::kAesCbcHmacSha1, 16, Direction::kOutbound);
  c.lifetime.soft_packets = 3;
  c.lifetime.hard_packets = 5;
  const SaHandle h = dev->install_sa(c).handle;
  for (int i = 1; i <= 5; ++i) ASSERT_EQ(send(*dev, h), Status::kOk) << i;
  EXPECT_EQ(send(*dev, h), Status::kLifetimeExpired);
  const auto ev = drain(*dev);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].kind, SaEventKind::kSoftLifetime);
  EXPECT_EQ(ev[1].kind, SaEventKind::kHardLifetime);
  const auto s = dev->read_sa(h);
  EXPECT_TRUE(s->soft_expired);
  EXPECT_TRUE(s->hard_expired);
  EXPECT_EQ(s->counters.packets, 5u);
  EXPECT_EQ(s->counters.other_drops, 1u);
}

TEST(CpuDevice, ByteLifetimeRefusesThePacketThatWouldCrossIt) {
  auto dev = open();
  SaConfig c = make_config(Transform::kAesGcm16, 16, Direction::kOutbound);
  c.lifetime.soft_bytes = 150;
  c.lifetime.hard_bytes = 250;
  const SaHandle h = dev->install_sa(c).handle;
  EXPECT_EQ(send(*dev, h, 100), Status::kOk);
  EXPECT_TRUE(drain(*dev).empty());
  EXPECT_EQ(send(*dev, h, 100), Status::kOk);  // 200: soft
  EXPECT_EQ(send(*dev, h, 100), Status::kLifetimeExpired);  // 300 > 250
  EXPECT_EQ(send(*dev, h, 28), Status::kLifetimeExpired);   // stopped for good
  const auto ev = drain(*dev);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].kind, SaEventKind::kSoftLifetime);
  EXPECT_EQ(ev[1].kind, SaEventKind::kHardLifetime);
  EXPECT_EQ(dev->read_sa(h)->counters.bytes, 200u);
}

TEST(CpuDevice, InboundLifetimeCountsDecapsulatedBytes) {
  auto dev = open();
  SaConfig out = make_config(Transform::kAesGcm16, 16, Direction::kOutbound);
  SaConfig in = inbound_twin(out);
  in.lifetime.hard_packets = 2;
  const SaHandle h = dev->install_sa(in).handle;
  for (std::uint64_t seq = 1; seq <= 3; ++seq) {
    Packet p = inbound_packet(reference_encap(out, seq, esp_plaintext(make_inner(64), 4)));
    dev->process({&p.job, 1});
    EXPECT_EQ(p.job.status, seq <= 2 ? Status::kOk : Status::kLifetimeExpired) << seq;
  }
  EXPECT_EQ(dev->read_sa(h)->counters.bytes, 128u);
  EXPECT_TRUE(dev->read_sa(h)->hard_expired);
}

TEST(CpuDevice, OutboundNeedsHeadroomCapacityAndAWholeInnerDatagram) {
  auto dev = open();
  const SaHandle h = dev->install_sa(make_config(Transform::kAesCbcHmacSha256, 16, Direction::kOutbound)).handle;
  auto inner = make_inner(200);
  Packet p = outbound_packet(h, inner);
  p.job.offset = 20;  // not enough for outer + ESP + IV (20 + 8 + 16)
  std::copy(inner.begin(), inner.end(), p.buf.begin() + 20);
  dev->process({&p.job, 1});
  EXPECT_EQ(p.job.status, Status::kTooBig);
  Packet q = outbound_packet(h, inner);
  q.job.capacity = q.job.offset + q.job.length + 10;  // no room for trailer + ICV
  dev->process({&q.job, 1});
  EXPECT_EQ(q.job.status, Status::kTooBig);
  Packet r = outbound_packet(h, inner);
  r.job.length -= 1;  // total length field disagrees
  dev->process({&r.job, 1});
  EXPECT_EQ(r.job.status, Status::kMalformed);
  Packet v = outbound_packet(h, inner);
  v.buf[v.job.offset] = 0x65;  // IPv6 version nibble
  dev->process({&v.job, 1});
  EXPECT_EQ(v.job.status, Status::kMalformed);
  EXPECT_EQ(dev->read_sa(h)->counters.other_drops, 4u);
  EXPECT_EQ(dev->read_sa(h)->seq, 0u);  // no sequence number spent on a drop
}

TEST(CpuDevice, ManyInstallRemoveCyclesKeepSpiLookupWorking) {
  auto dev = open(8);
  SaConfig keep_out = make_config(Transform::kAesGcm16, 16, Direction::kOutbound, 0x9000);
  const SaHandle keep = dev->install_sa(inbound_twin(keep_out)).handle;
  for (std::uint32_t i = 0; i < 200; ++i) {  // far more deletions than the table has slots
    const auto r = dev->install_sa(make_config(Transform::kAesGcm16, 16, Direction::kInbound, 0x10000 + i));
    ASSERT_EQ(r.status, Status::kOk) << i;
    ASSERT_EQ(dev->remove_sa(r.handle), Status::kOk);
  }
  Packet p = inbound_packet(reference_encap(keep_out, 1, esp_plaintext(make_inner(50), 4)));
  dev->process({&p.job, 1});
  EXPECT_EQ(p.job.status, Status::kOk);
  EXPECT_EQ(p.job.sa, keep);
}

// The threading contract: process() on one thread, install/remove/read on another. The
// steady SA's traffic must never fail while a churning SA comes and goes.
TEST(CpuDevice, InstallAndRemoveNeverDisturbTrafficOnOtherSas) {
  for (const std::string& provider : providers_in_build()) {
    auto dev = open(64, provider);
    SaConfig out = make_config(Transform::kAesGcm16, 32, Direction::kOutbound, 0x4000);
    const SaHandle o = dev->install_sa(out).handle;
    const SaHandle i = dev->install_sa(inbound_twin(out)).handle;
    std::atomic<bool> done{false};
    std::atomic<int> churns{0};
    std::thread control([&] {
      while (!done.load()) {
        SaConfig c = make_config(Transform::kAesCbcHmacSha256, 32, Direction::kInbound, 0x8000 + churns.load() % 50);
        const auto r = dev->install_sa(c);
        if (r.status == Status::kOk) {
          (void)dev->read_sa(r.handle);
          dev->remove_sa(r.handle);
        }
        churns.fetch_add(1);
      }
    });
    std::uint64_t ok = 0;
    for (int round = 0; round < 300 || churns.load() < 50; ++round) {
      std::vector<Packet> pkts;
      std::vector<PacketJob> jobs;
      for (int k = 0; k < 16; ++k) pkts.push_back(outbound_packet(o, make_inner(200 + k)));
      for (auto& p : pkts) jobs.push_back(p.job);
      dev->process(jobs);
      for (auto& j : jobs) {
        ASSERT_EQ(j.status, Status::kOk);
        j.direction = Direction::kInbound;
      }
      dev->process(jobs);
      for (auto& j : jobs) {
        ASSERT_EQ(j.status, Status::kOk);
        ASSERT_EQ(j.sa, i);
        ++ok;
      }
      ASSERT_LT(round, 1'000'000);  // bounded even if the control thread is starved
    }
    done = true;
    control.join();
    EXPECT_EQ(dev->read_sa(i)->counters.packets, ok);
    EXPECT_EQ(dev->read_sa(i)->counters.errors(), 0u);
  }
}

}  // namespace
}  // namespace espgw::driver::cpu::test

// driver/hw/hw_device.cpp over the HLS kernel's C-simulation: the open checks (against a
// scripted transport), SA programming and read-back, round trips, drops and their
// counters, lifetimes and events, ESN sequence numbers, bursts larger than the ring. Output
// bytes are checked with OpenSSL directly and compared with the cpu backend's.
#include "driver/hw/hw_device.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <cstring>
#include <atomic>
#include <map>
#include <thread>

#include "espgw/driver/esp_device.hpp"

namespace espgw::driver::hw {
namespace {

using Bytes = std::vector<std::uint8_t>;

// --- a transport that only answers the identity registers, for the open checks ---
class ScriptedTransport final : public Transport {
 public:
  explicit ScriptedTransport(std::map<std::uint32_t, std::uint32_t> regs) : regs_(std::move(regs)) {}
  std::string describe() const override { return "scripted"; }
  std::uint32_t read32(std::uint32_t offset) override { return regs_[offset]; }
  void write32(std::uint32_t offset, std::uint32_t value) override { regs_[offset] = value; }
  std::unique_ptr<DmaBuffer> allocate(std::size_t) override { throw std::runtime_error("no memory"); }
  bool wait_until(const std::function<bool()>& ready, std::chrono::milliseconds) override { return ready(); }

 private:
  std::map<std::uint32_t, std::uint32_t> regs_;
};

std::string open_error(std::uint32_t id, std::uint32_t version) {
  try {
    HwDevice dev(std::make_unique<ScriptedTransport>(std::map<std::uint32_t, std::uint32_t>{
                     {regmap::reg::kId, id}, {regmap::reg::kVersion, version}, {regmap::reg::kCaps, 0x10001000}}),
                 HwOptions{});
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(HwDevice, RefusesAForeignIdNamingBothValues) {
  const std::string msg = open_error(0xDEADBEEF, regmap::kVersion);
  EXPECT_NE(msg.find("0xdeadbeef"), std::string::npos) << msg;
  EXPECT_NE(msg.find("0x45535047"), std::string::npos) << msg;
}

TEST(HwDevice, RefusesAnotherMajorVersionNamingBothValues) {
  const std::string msg = open_error(regmap::kDeviceId, 0x00020000);
  EXPECT_NE(msg.find("kernel version 2.0"), std::string::npos) << msg;
  EXPECT_NE(msg.find("driver version 1.0"), std::string::npos) << msg;
}

// --- packets and SAs ---
constexpr std::uint32_t kSpi = 0x1001;
constexpr std::uint32_t kHeadroom = 64, kTail = 64;

std::uint16_t ip_checksum(const std::uint8_t* h) {
  std::uint32_t sum = 0;
  for (int i = 0; i < 20; i += 2) sum += (h[i] << 8) | h[i + 1];
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

Bytes make_inner(std::uint16_t payload_len, std::uint8_t fill, std::uint8_t tos = 0, bool df = false) {
  Bytes p(20 + payload_len, fill);
  p[0] = 0x45;
  p[1] = tos;
  p[2] = static_cast<std::uint8_t>(p.size() >> 8);
  p[3] = static_cast<std::uint8_t>(p.size());
  p[4] = p[5] = 0;
  p[6] = df ? 0x40 : 0;
  p[7] = 0;
  p[8] = 64;
  p[9] = 1;  // ICMP
  p[10] = p[11] = 0;
  const std::uint8_t src[4] = {192, 168, 1, 10}, dst[4] = {192, 168, 2, 20};
  std::memcpy(&p[12], src, 4);
  std::memcpy(&p[16], dst, 4);
  const std::uint16_t c = ip_checksum(p.data());
  p[10] = static_cast<std::uint8_t>(c >> 8);
  p[11] = static_cast<std::uint8_t>(c);
  return p;
}

SaConfig make_sa(Transform t, Direction d, std::size_t key_len = 16) {
  SaConfig c;
  c.spi = kSpi;
  c.direction = d;
  c.tunnel_src = 0x0A000001;
  c.tunnel_dst = 0x0A000002;
  c.transform = t;
  Bytes key(key_len);
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(0xA0 + i);
  c.enc_key = SecretBytes(key);
  if (t != Transform::kAesGcm16) {
    Bytes a(t == Transform::kAesCbcHmacSha1 ? 20 : 32);
    for (std::size_t i = 0; i < a.size(); ++i) a[i] = static_cast<std::uint8_t>(0x50 + i);
    c.auth_key = SecretBytes(a);
  }
  c.salt = 0x01020304;
  c.ttl = 61;
  return c;
}

struct Packet {
  Bytes buf;
  PacketJob job;
};

Packet outbound_job(SaHandle sa, const Bytes& inner) {
  Packet p;
  p.buf.assign(kHeadroom + inner.size() + kTail, 0);
  std::memcpy(&p.buf[kHeadroom], inner.data(), inner.size());
  p.job.direction = Direction::kOutbound;
  p.job.sa = sa;
  p.job.capacity = static_cast<std::uint32_t>(p.buf.size());
  p.job.offset = kHeadroom;
  p.job.length = static_cast<std::uint32_t>(inner.size());
  return p;
}

Packet inbound_job(const Bytes& wire) {
  Packet p;
  p.buf = wire;
  p.job.direction = Direction::kInbound;
  p.job.capacity = static_cast<std::uint32_t>(p.buf.size());
  p.job.offset = 0;
  p.job.length = static_cast<std::uint32_t>(wire.size());
  return p;
}

// Runs jobs (fixing up buffer pointers) and returns each job's output bytes or empty.
std::vector<Bytes> run(EspDevice& dev, std::vector<Packet>& ps) {
  std::vector<PacketJob> jobs;
  for (auto& p : ps) {
    p.job.buffer = p.buf.data();
    jobs.push_back(p.job);
  }
  dev.process(jobs);
  std::vector<Bytes> out;
  for (std::size_t i = 0; i < ps.size(); ++i) {
    ps[i].job = jobs[i];
    out.push_back(jobs[i].status == Status::kOk ? Bytes(jobs[i].packet().begin(), jobs[i].packet().end()) : Bytes{});
  }
  return out;
}

std::unique_ptr<EspDevice> open(const char* backend, const char* provider = "auto") {
  DeviceOptions o;
  o.backend = backend;
  o.provider = provider;
  return make_device(o);
}

TEST(HwDevice, OpensTheHlsKernelAndReportsItsCapabilities) {
  auto dev = open("hls");
  const DeviceInfo i = dev->info();
  EXPECT_EQ(i.backend, "hls");
  EXPECT_EQ(i.sa_capacity, regmap::kSaCapacity);
  EXPECT_EQ(i.max_replay_window, regmap::kReplayWindowMax);
  EXPECT_NE(i.provider.find("0x45535047"), std::string::npos);
}

TEST(HwDevice, GcmOutboundDecryptsWithOpenSslToTheInnerPacketAndTrailer) {
  auto dev = open("hls");
  const SaConfig cfg = make_sa(Transform::kAesGcm16, Direction::kOutbound);
  const InstallResult ir = dev->install_sa(cfg);
  ASSERT_EQ(ir.status, Status::kOk);
  const Bytes inner = make_inner(37, 0x5A, 0xB8, true);
  std::vector<Packet> ps{outbound_job(ir.handle, inner)};
  const Bytes wire = run(*dev, ps).front();
  ASSERT_EQ(ps[0].job.status, Status::kOk);
  EXPECT_EQ(ps[0].job.seq, 1u);
  // Outer header: 0x45, TOS copied, ID = seq, DF copied, TTL, proto 50, checksum valid.
  ASSERT_GE(wire.size(), 20u + 8 + 8 + 16);
  EXPECT_EQ(wire[0], 0x45);
  EXPECT_EQ(wire[1], 0xB8);
  EXPECT_EQ((wire[4] << 8) | wire[5], 1);
  EXPECT_EQ(wire[6], 0x40);
  EXPECT_EQ(wire[8], 61);
  EXPECT_EQ(wire[9], 50);
  EXPECT_EQ(ip_checksum(wire.data()), 0);
  EXPECT_EQ((wire[2] << 8) | wire[3], static_cast<int>(wire.size()));
  // ESP: SPI, seq, IV = seq64; GCM over SPI||seq with nonce salt||IV (RFC 4106).
  const std::uint8_t* esp = &wire[20];
  EXPECT_EQ((esp[0] << 24) | (esp[1] << 16) | (esp[2] << 8) | esp[3], static_cast<int>(kSpi));
  const Bytes iv(esp + 8, esp + 16);
  EXPECT_EQ(iv, (Bytes{0, 0, 0, 0, 0, 0, 0, 1}));
  const std::size_t ct_len = wire.size() - 20 - 16 - 16;
  Bytes nonce{1, 2, 3, 4};
  nonce.insert(nonce.end(), iv.begin(), iv.end());
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  EVP_DecryptInit_ex(ctx, EVP_aes_128_gcm(), nullptr, nullptr, nullptr);
  EVP_DecryptInit_ex(ctx, nullptr, nullptr, cfg.enc_key.view().data(), nonce.data());
  int n = 0;
  EVP_DecryptUpdate(ctx, nullptr, &n, esp, 8);
  Bytes plain(ct_len);
  EVP_DecryptUpdate(ctx, plain.data(), &n, esp + 16, static_cast<int>(ct_len));
  EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, const_cast<std::uint8_t*>(esp + 16 + ct_len));
  const int ok = EVP_DecryptFinal_ex(ctx, plain.data() + n, &n);
  EVP_CIPHER_CTX_free(ctx);
  ASSERT_EQ(ok, 1) << "OpenSSL rejects the kernel's ICV";
  // inner (57) + pad 1 + pad length + next header = 60, a multiple of 4.
  ASSERT_EQ(plain.size(), 60u);
  EXPECT_EQ(Bytes(plain.begin(), plain.begin() + 57), inner);
  EXPECT_EQ(plain[57], 1);
  EXPECT_EQ(plain[58], 1);
  EXPECT_EQ(plain[59], 4);
}

constexpr std::uint16_t kLengths[] = {0, 1, 13, 14, 15, 16, 100, 1380};

class HwVsCpu : public ::testing::TestWithParam<std::tuple<Transform, std::size_t, bool>> {};

TEST_P(HwVsCpu, OutboundBytesEqualTheCpuBackendsAndInboundRoundTrips) {
  const auto [transform, key_len, udp] = GetParam();
  auto hls = open("hls");
  auto cpu = open("cpu", "openssl");
  SaConfig out = make_sa(transform, Direction::kOutbound, key_len);
  SaConfig in = make_sa(transform, Direction::kInbound, key_len);
  if (udp) out.udp_encap = in.udp_encap = UdpEncap{4500, 4500};
  const SaHandle ho = hls->install_sa(out).handle, co = cpu->install_sa(out).handle;
  const SaHandle hi = hls->install_sa(in).handle;
  ASSERT_NE(ho, kNoSa);
  ASSERT_NE(co, kNoSa);
  ASSERT_NE(hi, kNoSa);
  std::vector<Packet> a, b;
  for (std::uint16_t len : kLengths) {
    a.push_back(outbound_job(ho, make_inner(len, static_cast<std::uint8_t>(len))));
    b.push_back(outbound_job(co, make_inner(len, static_cast<std::uint8_t>(len))));
  }
  const auto wa = run(*hls, a), wb = run(*cpu, b);
  std::vector<Packet> back;
  for (std::size_t i = 0; i < wa.size(); ++i) {
    ASSERT_EQ(a[i].job.status, Status::kOk);
    EXPECT_EQ(wa[i], wb[i]) << "packet " << i;
    EXPECT_EQ(a[i].job.seq, b[i].job.seq);
    back.push_back(inbound_job(wa[i]));
  }
  const auto inners = run(*hls, back);
  for (std::size_t i = 0; i < inners.size(); ++i) {
    ASSERT_EQ(back[i].job.status, Status::kOk) << i;
    EXPECT_EQ(back[i].job.sa, hi);
    EXPECT_EQ(back[i].job.seq, i + 1);
  }
  // Decapsulated bytes are the original inner packets.
  for (std::size_t i = 0; i < inners.size(); ++i) {
    EXPECT_EQ(inners[i], make_inner(kLengths[i], static_cast<std::uint8_t>(kLengths[i])));
  }
  const auto so = hls->read_sa(ho), si = hls->read_sa(hi);
  ASSERT_TRUE(so && si);
  EXPECT_EQ(so->counters.packets, 8u);
  EXPECT_EQ(si->counters.packets, 8u);
  EXPECT_EQ(so->counters.bytes, si->counters.bytes);
  EXPECT_EQ(so->seq, 8u);
  EXPECT_EQ(si->seq, 8u);
  EXPECT_EQ(so->counters, cpu->read_sa(co)->counters);
}

INSTANTIATE_TEST_SUITE_P(Transforms, HwVsCpu,
                         ::testing::Values(std::tuple{Transform::kAesGcm16, 16, false},
                                           std::tuple{Transform::kAesGcm16, 32, true},
                                           std::tuple{Transform::kAesCbcHmacSha256, 16, false},
                                           std::tuple{Transform::kAesCbcHmacSha256, 32, true},
                                           std::tuple{Transform::kAesCbcHmacSha1, 16, false}));

TEST(HwDevice, DropsAreCountedOnTheirSaOrTheDevice) {
  auto dev = open("hls");
  const SaHandle out = dev->install_sa(make_sa(Transform::kAesGcm16, Direction::kOutbound)).handle;
  const SaHandle in = dev->install_sa(make_sa(Transform::kAesGcm16, Direction::kInbound)).handle;
  std::vector<Packet> o{outbound_job(out, make_inner(50, 1)), outbound_job(out, make_inner(50, 2))};
  const auto wire = run(*dev, o);
  Bytes tampered = wire[1];
  tampered.back() ^= 0x80;
  Bytes unknown = wire[0];
  unknown[20 + 3] ^= 0xFF;  // SPI
  std::vector<Packet> i{inbound_job(wire[0]), inbound_job(wire[0]), inbound_job(tampered), inbound_job(unknown),
                        inbound_job(Bytes(10, 0x45))};
  run(*dev, i);
  EXPECT_EQ(i[0].job.status, Status::kOk);
  EXPECT_EQ(i[1].job.status, Status::kReplay);
  EXPECT_EQ(i[2].job.status, Status::kAuthFail);
  EXPECT_EQ(i[2].job.seq, 2u) << "a job that passed the replay check reports its sequence number";
  EXPECT_EQ(i[3].job.status, Status::kBadSpi);
  EXPECT_EQ(i[3].job.sa, kNoSa);
  EXPECT_EQ(i[4].job.status, Status::kMalformed);
  const SaCounters c = dev->read_sa(in)->counters;
  EXPECT_EQ(c.packets, 1u);
  EXPECT_EQ(c.replay_fails, 1u);
  EXPECT_EQ(c.auth_fails, 1u);
  EXPECT_EQ(c.errors(), 2u);
  const auto d = dev->device_counters();
  EXPECT_EQ(d.bad_spi, 1u);
  EXPECT_EQ(d.malformed, 1u);
  // Outbound on an inbound SA, and on no SA.
  std::vector<Packet> wrong{outbound_job(in, make_inner(10, 3)), outbound_job(4000, make_inner(10, 3))};
  run(*dev, wrong);
  EXPECT_EQ(wrong[0].job.status, Status::kBadSa);
  EXPECT_EQ(wrong[1].job.status, Status::kBadSa);
  EXPECT_EQ(dev->device_counters().bad_sa, 2u);
}

TEST(HwDevice, HardLifetimeStopsTheSaAndRaisesEventsOnce) {
  auto dev = open("hls");
  SaConfig cfg = make_sa(Transform::kAesCbcHmacSha256, Direction::kOutbound);
  cfg.lifetime.soft_packets = 2;
  cfg.lifetime.hard_packets = 3;
  const SaHandle h = dev->install_sa(cfg).handle;
  std::vector<Packet> ps;
  for (int k = 0; k < 5; ++k) ps.push_back(outbound_job(h, make_inner(20, 9)));
  run(*dev, ps);
  EXPECT_EQ(ps[2].job.status, Status::kOk);
  EXPECT_EQ(ps[3].job.status, Status::kLifetimeExpired);
  EXPECT_EQ(ps[4].job.status, Status::kLifetimeExpired);
  SaEvent ev[8];
  ASSERT_EQ(dev->poll_events(ev), 2u);
  EXPECT_EQ(ev[0].kind, SaEventKind::kSoftLifetime);
  EXPECT_EQ(ev[1].kind, SaEventKind::kHardLifetime);
  EXPECT_EQ(ev[1].spi, kSpi);
  EXPECT_EQ(ev[1].sa, h);
  EXPECT_EQ(dev->poll_events(ev), 0u);
  const SaState s = *dev->read_sa(h);
  EXPECT_TRUE(s.soft_expired);
  EXPECT_TRUE(s.hard_expired);
  EXPECT_EQ(s.counters.packets, 3u);
  EXPECT_EQ(s.counters.other_drops, 2u);
}

TEST(HwDevice, EsnSequenceNumbersCrossTwoToThe32WithFullValues) {
  auto dev = open("hls");
  SaConfig out = make_sa(Transform::kAesGcm16, Direction::kOutbound);
  SaConfig in = make_sa(Transform::kAesGcm16, Direction::kInbound);
  out.esn = in.esn = true;
  out.initial_seq = 0xFFFFFFFEull;
  in.initial_seq = 0xFFFFFFF0ull;
  const SaHandle ho = dev->install_sa(out).handle;
  dev->install_sa(in);
  std::vector<Packet> ps;
  for (int k = 0; k < 3; ++k) ps.push_back(outbound_job(ho, make_inner(30, 7)));
  const auto wire = run(*dev, ps);
  EXPECT_EQ(ps[0].job.seq, 0xFFFFFFFFull);
  EXPECT_EQ(ps[1].job.seq, 0x100000000ull);
  EXPECT_EQ(ps[2].job.seq, 0x100000001ull);
  std::vector<Packet> back;
  for (const auto& w : wire) back.push_back(inbound_job(w));
  run(*dev, back);
  for (int k = 0; k < 3; ++k) {
    EXPECT_EQ(back[k].job.status, Status::kOk) << k;
    EXPECT_EQ(back[k].job.seq, ps[k].job.seq);
  }
}

TEST(HwDevice, SequenceSpaceExhaustionIsRefusedOnceWithOneEvent) {
  auto dev = open("hls");
  SaConfig cfg = make_sa(Transform::kAesGcm16, Direction::kOutbound);
  cfg.initial_seq = 0xFFFFFFFEull;
  const SaHandle h = dev->install_sa(cfg).handle;
  std::vector<Packet> ps;
  for (int k = 0; k < 3; ++k) ps.push_back(outbound_job(h, make_inner(30, 7)));
  run(*dev, ps);
  EXPECT_EQ(ps[0].job.status, Status::kOk);
  EXPECT_EQ(ps[1].job.status, Status::kSeqOverflow);
  EXPECT_EQ(ps[2].job.status, Status::kSeqOverflow);
  SaEvent ev[4];
  ASSERT_EQ(dev->poll_events(ev), 1u);
  EXPECT_EQ(ev[0].kind, SaEventKind::kSeqOverflow);
}

TEST(HwDevice, TooLittleHeadroomIsTooBig) {
  auto dev = open("hls");
  const SaHandle h = dev->install_sa(make_sa(Transform::kAesGcm16, Direction::kOutbound)).handle;
  std::vector<Packet> ps{outbound_job(h, make_inner(30, 7))};
  ps[0].job.offset = 10;  // less than outer IPv4 + ESP header + IV
  std::memmove(&ps[0].buf[10], &ps[0].buf[kHeadroom], 50);
  run(*dev, ps);
  EXPECT_EQ(ps[0].job.status, Status::kTooBig);
  EXPECT_EQ(dev->read_sa(h)->counters.other_drops, 1u);
}

TEST(HwDevice, BurstsLongerThanTheRingCompleteInOrder) {
  auto dev = open("hls");
  const SaHandle h = dev->install_sa(make_sa(Transform::kAesGcm16, Direction::kOutbound)).handle;
  std::vector<Packet> ps;
  for (int k = 0; k < 600; ++k) ps.push_back(outbound_job(h, make_inner(static_cast<std::uint16_t>(k % 90), 1)));
  run(*dev, ps);
  for (int k = 0; k < 600; ++k) {
    ASSERT_EQ(ps[k].job.status, Status::kOk) << k;
    ASSERT_EQ(ps[k].job.seq, static_cast<std::uint64_t>(k + 1));
  }
}

TEST(HwDevice, InstallRemoveAndReadBackFollowTheTableRules) {
  DeviceOptions o;
  o.backend = "hls";
  o.sa_capacity = 2;
  auto dev = make_device(o);
  SaConfig in = make_sa(Transform::kAesGcm16, Direction::kInbound);
  const SaHandle a = dev->install_sa(in).handle;
  EXPECT_EQ(dev->install_sa(in).status, Status::kSpiInUse);
  SaConfig other = in;
  other.spi = kSpi + 1;
  const SaHandle b = dev->install_sa(other).handle;
  other.spi = kSpi + 2;
  EXPECT_EQ(dev->install_sa(other).status, Status::kTableFull);
  EXPECT_EQ(dev->list_sas(), (std::vector<SaHandle>{a, b}));
  EXPECT_EQ(dev->remove_sa(a), Status::kOk);
  EXPECT_EQ(dev->remove_sa(a), Status::kBadSa);
  EXPECT_FALSE(dev->read_sa(a).has_value());
  EXPECT_EQ(dev->install_sa(other).status, Status::kOk);
  SaConfig bad = in;
  bad.spi = 7;
  EXPECT_EQ(dev->install_sa(bad).status, Status::kInvalidConfig);
}

}  // namespace
}  // namespace espgw::driver::hw

namespace espgw::driver::hw {
namespace {

// The EspDevice threading contract: SA programming on one thread while process() runs on
// another never disturbs the other SAs' packets or sequence numbers.
TEST(HwDevice, ControlPathOnAnotherThreadLeavesTheDataPathExact) {
  auto dev = open("hls");
  const SaHandle h = dev->install_sa(make_sa(Transform::kAesGcm16, Direction::kOutbound)).handle;
  std::atomic<bool> stop{false};
  std::atomic<int> installs{0};
  std::thread control([&] {
    SaConfig other = make_sa(Transform::kAesCbcHmacSha256, Direction::kInbound);
    for (std::uint32_t k = 0; !stop.load(); ++k) {
      other.spi = 0x5000 + k;
      const InstallResult r = dev->install_sa(other);
      ASSERT_EQ(r.status, Status::kOk);
      ASSERT_TRUE(dev->read_sa(r.handle).has_value());
      ASSERT_EQ(dev->remove_sa(r.handle), Status::kOk);
      ++installs;
    }
  });
  std::uint64_t expect_seq = 1;
  int bursts = 0;
  // At least 40 bursts, and on until the control thread has done some work (bounded).
  for (; bursts < 40 || (installs.load() < 5 && bursts < 20000); ++bursts) {
    std::vector<Packet> ps;
    for (int k = 0; k < 32; ++k) ps.push_back(outbound_job(h, make_inner(40, static_cast<std::uint8_t>(k))));
    run(*dev, ps);
    for (const auto& p : ps) {
      ASSERT_EQ(p.job.status, Status::kOk);
      ASSERT_EQ(p.job.seq, expect_seq++);
    }
  }
  stop = true;
  control.join();
  EXPECT_GT(installs.load(), 0);
  EXPECT_EQ(dev->read_sa(h)->counters.packets, static_cast<std::uint64_t>(bursts) * 32u);
  EXPECT_EQ(dev->list_sas(), std::vector<SaHandle>{h});
}

}  // namespace
}  // namespace espgw::driver::hw

namespace espgw::driver::hw {
namespace {

// Buffers larger than the descriptor's 16-bit fields, and inconsistent jobs, get the CPU
// backend's statuses, bytes and counters: the driver describes only the window that matters.
TEST(HwDevice, LargeBuffersAndInconsistentJobsMatchTheCpuBackend) {
  auto hls = open("hls");
  auto cpu = open("cpu", "openssl");
  const SaConfig out = make_sa(Transform::kAesCbcHmacSha256, Direction::kOutbound);
  const SaConfig in = make_sa(Transform::kAesCbcHmacSha256, Direction::kInbound);
  for (EspDevice* d : {hls.get(), cpu.get()}) {
    ASSERT_EQ(d->install_sa(out).handle, 0u);
    ASSERT_EQ(d->install_sa(in).handle, 1u);
  }
  auto jobs_for = [](std::vector<Bytes>& bufs) {
    const Bytes inner = make_inner(300, 0x33);
    bufs.assign(3, Bytes(140000, 0));
    std::memcpy(&bufs[0][70000], inner.data(), inner.size());
    std::memcpy(&bufs[2][100], inner.data(), inner.size());
    std::vector<PacketJob> jobs(3);
    for (auto& j : jobs) j.sa = 0;
    jobs[0].buffer = bufs[0].data();  // packet deep inside a 140000-byte buffer
    jobs[0].capacity = 140000;
    jobs[0].offset = 70000;
    jobs[0].length = static_cast<std::uint32_t>(inner.size());
    jobs[1].buffer = bufs[1].data();  // offset past the capacity
    jobs[1].capacity = 1000;
    jobs[1].offset = 2000;
    jobs[1].length = 320;
    jobs[2].buffer = bufs[2].data();  // length past the capacity
    jobs[2].capacity = 200;
    jobs[2].offset = 100;
    jobs[2].length = static_cast<std::uint32_t>(inner.size());
    return jobs;
  };
  std::vector<Bytes> hb, cb;
  auto hj = jobs_for(hb), cj = jobs_for(cb);
  hls->process(hj);
  cpu->process(cj);
  for (std::size_t k = 0; k < hj.size(); ++k) {
    EXPECT_EQ(hj[k].status, cj[k].status) << k;
    if (cj[k].status == Status::kOk) {
      EXPECT_EQ(hj[k].offset, cj[k].offset);
      EXPECT_EQ(Bytes(hj[k].packet().begin(), hj[k].packet().end()), Bytes(cj[k].packet().begin(), cj[k].packet().end()));
    }
  }
  EXPECT_EQ(hj[0].status, Status::kOk);
  EXPECT_EQ(hj[1].status, Status::kMalformed);
  EXPECT_EQ(hls->read_sa(0)->counters, cpu->read_sa(0)->counters);
  // The ESP packet, placed deep inside a large buffer, decapsulates in place.
  const Bytes wire(hj[0].packet().begin(), hj[0].packet().end());
  Bytes big(140000, 0);
  std::memcpy(&big[90000], wire.data(), wire.size());
  PacketJob back;
  back.direction = Direction::kInbound;
  back.buffer = big.data();
  back.capacity = static_cast<std::uint32_t>(big.size());
  back.offset = 90000;
  back.length = static_cast<std::uint32_t>(wire.size());
  hls->process(std::span(&back, 1));
  ASSERT_EQ(back.status, Status::kOk);
  EXPECT_EQ(back.offset, 90000u + 20 + 8 + 16);
  EXPECT_EQ(Bytes(back.packet().begin(), back.packet().end()), make_inner(300, 0x33));
}

}  // namespace
}  // namespace espgw::driver::hw

// Differential test of the whole hls path (driver/hw + HLS kernel) against the cpu backend
// on damaged input: valid ESP packets from the cpu backend, then random byte flips,
// truncations, extensions, header-field edits, duplicates and reordering; and outbound
// jobs with bad inner headers, short headroom or tail room, empty slots and a byte
// lifetime; for every transform with and without UDP encapsulation and ESN. Every job's
// status, SA, sequence number, output window and bytes, every counter and every event
// afterwards must be equal.
#include <gtest/gtest.h>

#include <cstring>
#include <algorithm>
#include <random>

#include "espgw/driver/esp_device.hpp"

namespace espgw::driver {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes inner_packet(std::mt19937& rng, std::uint16_t payload) {
  Bytes p(20 + payload);
  for (auto& b : p) b = static_cast<std::uint8_t>(rng());
  p[0] = 0x45;
  p[2] = static_cast<std::uint8_t>(p.size() >> 8);
  p[3] = static_cast<std::uint8_t>(p.size());
  p[6] &= 0x40;  // DF may be set; never a fragment
  p[7] = 0;
  return p;
}

SaConfig sa_config(Transform t, Direction d, bool udp, bool esn) {
  SaConfig c;
  c.spi = 0x2000;
  c.direction = d;
  c.transform = t;
  c.tunnel_src = 0xC6336401;
  c.tunnel_dst = 0xC6336402;
  if (udp) c.udp_encap = UdpEncap{4500, 4500};
  c.esn = esn;
  c.replay_window = 128;
  c.enc_key = SecretBytes(Bytes(t == Transform::kAesCbcHmacSha1 ? 16 : 32, 0x3C));
  if (t == Transform::kAesCbcHmacSha256) c.auth_key = SecretBytes(Bytes(32, 0x7E));
  if (t == Transform::kAesCbcHmacSha1) c.auth_key = SecretBytes(Bytes(20, 0x7E));
  c.salt = 0xCAFEF00D;
  c.lifetime.hard_packets = 150;  // some bursts run into it
  c.lifetime.soft_packets = 40;
  if (esn && d == Direction::kOutbound) c.initial_seq = 0xFFFFFFC0ull;
  if (esn && d == Direction::kInbound) c.initial_seq = 0xFFFFFFB0ull;
  return c;
}

void mutate(std::mt19937& rng, Bytes& p) {
  switch (rng() % 9) {
    case 0: p[rng() % p.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8)); break;  // any bit
    case 1: p.resize(rng() % p.size()); break;                                            // truncate
    case 2: p.resize(p.size() + 1 + rng() % 40, static_cast<std::uint8_t>(rng())); break; // trailing bytes
    case 3: if (p.size() > 3) { p[2] ^= static_cast<std::uint8_t>(rng()); p[3] ^= static_cast<std::uint8_t>(rng()); } break;  // total length
    case 4: if (p.size() > 7) p[6] |= 0x20; break;                                        // MF: a fragment
    case 5: if (p.size() > 27) p[20 + rng() % 8] ^= static_cast<std::uint8_t>(rng() | 1); break;  // UDP or SPI/seq
    case 6: if (p.size() > 10) p[9] = static_cast<std::uint8_t>(rng()); break;            // protocol
    case 7: if (!p.empty()) p.back() ^= 0x01; break;                                       // ICV
    default: break;                                                                        // unchanged
  }
}

struct Burst {
  std::vector<PacketJob> jobs;
  std::vector<Bytes> bufs;
};

Burst run_burst(EspDevice& dev, const std::vector<Bytes>& wire, std::uint32_t headroom) {
  Burst r;
  r.bufs.reserve(wire.size());
  for (const Bytes& w : wire) {
    Bytes b(headroom + w.size() + 8, 0xEE);
    // An empty packet (a truncation case) has no data() to copy from: memcpy(nullptr) is UB.
    if (!w.empty()) std::memcpy(b.data() + headroom, w.data(), w.size());
    r.bufs.push_back(std::move(b));
  }
  for (std::size_t i = 0; i < wire.size(); ++i) {
    PacketJob j;
    j.direction = Direction::kInbound;
    j.buffer = r.bufs[i].data();
    j.capacity = static_cast<std::uint32_t>(r.bufs[i].size());
    j.offset = headroom;
    j.length = static_cast<std::uint32_t>(wire[i].size());
    r.jobs.push_back(j);
  }
  dev.process(r.jobs);
  return r;
}

class HlsVsCpuDifferential : public ::testing::TestWithParam<std::tuple<Transform, bool, bool>> {};

TEST_P(HlsVsCpuDifferential, DamagedInboundTrafficGetsIdenticalResultsAndCounters) {
  const auto [transform, udp, esn] = GetParam();
  DeviceOptions ho, co;
  ho.backend = "hls";
  co.backend = "cpu";
  co.provider = "openssl";
  auto hls = make_device(ho);
  auto cpu = make_device(co);
  const SaConfig out = sa_config(transform, Direction::kOutbound, udp, esn);
  const SaConfig in = sa_config(transform, Direction::kInbound, udp, esn);
  const SaHandle co_out = cpu->install_sa(out).handle;
  ASSERT_EQ(co_out, 0u);
  ASSERT_EQ(hls->install_sa(out).handle, 0u);  // unused on hls; keeps the handles aligned
  ASSERT_EQ(hls->install_sa(in).status, Status::kOk);
  ASSERT_EQ(cpu->install_sa(in).status, Status::kOk);

  std::mt19937 rng(static_cast<unsigned>(static_cast<unsigned>(transform) * 4 + udp * 2 + esn));
  for (int burst = 0; burst < 6; ++burst) {
    // Valid packets from the cpu backend's outbound SA...
    std::vector<Bytes> wire;
    for (int k = 0; k < 32; ++k) {
      const Bytes inner = inner_packet(rng, static_cast<std::uint16_t>(rng() % 200));
      Bytes buf(64 + inner.size() + 64);
      std::memcpy(buf.data() + 64, inner.data(), inner.size());
      PacketJob j;
      j.sa = co_out;
      j.buffer = buf.data();
      j.capacity = static_cast<std::uint32_t>(buf.size());
      j.offset = 64;
      j.length = static_cast<std::uint32_t>(inner.size());
      cpu->process(std::span(&j, 1));
      if (j.status != Status::kOk) continue;  // its own hard lifetime, eventually
      wire.emplace_back(j.packet().begin(), j.packet().end());
    }
    if (wire.empty()) break;
    // ...damaged, duplicated and shuffled.
    std::vector<Bytes> damaged;
    for (const Bytes& w : wire) {
      Bytes p = w;
      mutate(rng, p);
      damaged.push_back(p);
      if (rng() % 8 == 0) damaged.push_back(w);  // a replay
    }
    std::shuffle(damaged.begin(), damaged.end(), rng);
    const Burst h = run_burst(*hls, damaged, 16), c = run_burst(*cpu, damaged, 16);
    for (std::size_t i = 0; i < damaged.size(); ++i) {
      SCOPED_TRACE("burst " + std::to_string(burst) + " job " + std::to_string(i));
      const PacketJob &a = h.jobs[i], &b = c.jobs[i];
      ASSERT_EQ(regmap::to_string(a.status), regmap::to_string(b.status));
      EXPECT_EQ(a.sa, b.sa);
      EXPECT_EQ(a.seq, b.seq);
      if (b.status == Status::kOk) {
        EXPECT_EQ(a.offset, b.offset);
        EXPECT_EQ(Bytes(a.packet().begin(), a.packet().end()), Bytes(b.packet().begin(), b.packet().end()));
      }
    }
  }
  const SaState hs = *hls->read_sa(1), cs = *cpu->read_sa(1);
  EXPECT_EQ(hs.counters, cs.counters);
  EXPECT_EQ(hs.seq, cs.seq);
  EXPECT_EQ(hs.soft_expired, cs.soft_expired);
  EXPECT_EQ(hs.hard_expired, cs.hard_expired);
  const auto hd = hls->device_counters(), cd = cpu->device_counters();
  EXPECT_EQ(hd.bad_spi, cd.bad_spi);
  EXPECT_EQ(hd.malformed, cd.malformed);
  SaEvent he[8], ce[8];
  const std::size_t hn = hls->poll_events(he);
  std::size_t cn = cpu->poll_events(ce);
  // The cpu device also carries the outbound SA's events; compare the inbound SA's.
  std::vector<SaEventKind> hk, ck;
  for (std::size_t i = 0; i < hn; ++i) hk.push_back(he[i].kind);  // hls's outbound SA sent nothing
  for (std::size_t i = 0; i < cn; ++i)
    if (ce[i].sa == 1) ck.push_back(ce[i].kind);
  EXPECT_EQ(hk, ck);
}

TEST_P(HlsVsCpuDifferential, OddOutboundJobsGetIdenticalResultsCountersAndEvents) {
  const auto [transform, udp, esn] = GetParam();
  DeviceOptions ho, co;
  ho.backend = "hls";
  co.backend = "cpu";
  co.provider = "openssl";
  auto hls = make_device(ho);
  auto cpu = make_device(co);
  SaConfig out = sa_config(transform, Direction::kOutbound, udp, esn);
  out.lifetime.hard_bytes = 8000;  // reached part-way, by bytes this time
  out.lifetime.hard_packets = 0;
  out.df = static_cast<DfPolicy>(static_cast<unsigned>(transform) % 3);
  ASSERT_EQ(hls->install_sa(out).handle, 0u);
  ASSERT_EQ(cpu->install_sa(out).handle, 0u);
  std::mt19937 rng(99u + static_cast<unsigned>(transform) * 4 + udp * 2 + esn);
  for (int burst = 0; burst < 4; ++burst) {
    std::vector<Bytes> hb, cb;
    std::vector<PacketJob> hj, cj;
    for (int k = 0; k < 70; ++k) {  // more than one 64-job pass
      Bytes inner = inner_packet(rng, static_cast<std::uint16_t>(rng() % 300));
      const std::uint32_t headroom = rng() % 4 == 0 ? rng() % 60 : 64;
      const std::uint32_t tail = rng() % 4 == 0 ? rng() % 40 : 48;
      switch (rng() % 8) {
        case 0: inner[0] = 0x65; break;                          // not IPv4
        case 1: inner[3] ^= 0x01; break;                         // total length != job length
        case 2: inner.resize(rng() % 20); break;                 // shorter than a header
        default: break;
      }
      Bytes buf(headroom + inner.size() + tail, 0x11);
      std::memcpy(buf.data() + headroom, inner.data(), inner.size());
      PacketJob j;
      j.sa = rng() % 16 == 0 ? 5 : 0;  // now and then an empty slot
      j.capacity = static_cast<std::uint32_t>(buf.size());
      j.offset = headroom;
      j.length = static_cast<std::uint32_t>(inner.size());
      hb.push_back(buf);
      cb.push_back(buf);
      hj.push_back(j);
      cj.push_back(j);
    }
    for (std::size_t k = 0; k < hj.size(); ++k) {
      hj[k].buffer = hb[k].data();
      cj[k].buffer = cb[k].data();
    }
    hls->process(hj);
    cpu->process(cj);
    for (std::size_t k = 0; k < hj.size(); ++k) {
      SCOPED_TRACE("burst " + std::to_string(burst) + " job " + std::to_string(k));
      ASSERT_EQ(regmap::to_string(hj[k].status), regmap::to_string(cj[k].status));
      EXPECT_EQ(hj[k].seq, cj[k].seq);
      if (cj[k].status == Status::kOk) {
        EXPECT_EQ(hj[k].offset, cj[k].offset);
        EXPECT_EQ(Bytes(hj[k].packet().begin(), hj[k].packet().end()), Bytes(cj[k].packet().begin(), cj[k].packet().end()));
      }
    }
  }
  const SaState hs = *hls->read_sa(0), cs = *cpu->read_sa(0);
  EXPECT_EQ(hs.counters, cs.counters);
  EXPECT_EQ(hs.seq, cs.seq);
  EXPECT_EQ(hs.hard_expired, cs.hard_expired);
  EXPECT_TRUE(cs.hard_expired) << "the byte lifetime was meant to run out";
  EXPECT_EQ(hls->device_counters().bad_sa, cpu->device_counters().bad_sa);
  SaEvent he[8], ce[8];
  const std::size_t hn = hls->poll_events(he), cn = cpu->poll_events(ce);
  ASSERT_EQ(hn, cn);
  for (std::size_t i = 0; i < hn; ++i) {
    EXPECT_EQ(he[i].kind, ce[i].kind);
    EXPECT_EQ(he[i].spi, ce[i].spi);
  }
}

INSTANTIATE_TEST_SUITE_P(AllTransforms, HlsVsCpuDifferential,
                         ::testing::Combine(::testing::Values(Transform::kAesGcm16, Transform::kAesCbcHmacSha256,
                                                              Transform::kAesCbcHmacSha1),
                                            ::testing::Bool(), ::testing::Bool()));

}  // namespace
}  // namespace espgw::driver

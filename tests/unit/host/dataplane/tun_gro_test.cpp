// TUN write coalescing (GRO mirror of TSO): a flow's consecutive segments leave as one
// TCPV4 GSO super-packet that cuts back into exactly the original segments (segment_tcp4)
// and whose completed checksum verifies (computed independently here); anything that may not
// merge (gap, pure ACK, PSH in the middle, bad checksum, another flow) keeps its bytes and
// its order within the flow; the 64 KB IPv4 limit splits long runs.
#include "host/dataplane/tun_gro.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "host/dataplane/packet_view.hpp"

namespace espgw::dataplane {
namespace {

using Bytes = std::vector<std::uint8_t>;

// One's-complement sum of the TCP segment with its pseudo-header: 0xFFFF when valid.
std::uint16_t tcp_verify(std::span<const std::uint8_t> ip) {
  const std::size_t ihl = (ip[0] & 0x0F) * 4u;
  const std::size_t tcp_len = ip.size() - ihl;
  std::uint32_t sum = 0;
  for (int i = 12; i < 20; i += 2) sum += (ip[i] << 8) | ip[i + 1];
  sum += 6 + static_cast<std::uint32_t>(tcp_len);
  for (std::size_t i = 0; i < tcp_len; i += 2) sum += (ip[ihl + i] << 8) | (i + 1 < tcp_len ? ip[ihl + i + 1] : 0);
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<std::uint16_t>(sum);
}

// A TCP super-packet h1:5000 -> h2:port with 12 bytes of options (timestamps), cut by the
// independent-of-this-file segment_tcp4 into valid segments of `mss`.
std::vector<Bytes> segments(std::size_t payload, std::uint16_t mss, std::uint8_t flags, std::uint16_t port = 80,
                            std::uint32_t seq = 0xFFFFF000) {
  Bytes p(20 + 32 + payload, 0);
  p[0] = 0x45, p[2] = 0xFF, p[3] = 0xFF, p[4] = 0x12, p[5] = 0x34, p[6] = 0x40, p[8] = 64, p[9] = 6;
  p[12] = 192, p[13] = 168, p[14] = 20, p[15] = 25, p[16] = 172, p[17] = 21, p[18] = 91, p[19] = 37;
  p[20] = 0x13, p[21] = 0x88, p[22] = static_cast<std::uint8_t>(port >> 8), p[23] = static_cast<std::uint8_t>(port);
  p[24] = static_cast<std::uint8_t>(seq >> 24), p[25] = static_cast<std::uint8_t>(seq >> 16);
  p[26] = static_cast<std::uint8_t>(seq >> 8), p[27] = static_cast<std::uint8_t>(seq);
  p[28] = 0xA0, p[31] = 0x01;  // ACK number
  p[32] = 8 << 4, p[33] = flags, p[34] = 0x01, p[35] = 0xF5;
  p[40] = 1, p[41] = 1, p[42] = 8, p[43] = 10, p[47] = 0x77, p[51] = 0x42;  // NOP NOP TS
  for (std::size_t i = 0; i < payload; ++i) p[52 + i] = static_cast<std::uint8_t>(i * 7 + 3);
  std::vector<Bytes> out;
  segment_tcp4(p, mss, [&](std::span<const std::uint8_t> s) { out.emplace_back(s.begin(), s.end()); });
  return out;
}

struct Write {
  VnetHeader vnet;
  Bytes packet;
};

struct Harness {
  std::vector<Write> writes;
  std::vector<Bytes> storage;  // the coalescer keeps pointers: packets live here until flush
  TcpCoalescer c{[this](std::span<const iovec> iov) {
    Write w;
    w.vnet = parse_vnet_header({static_cast<const std::uint8_t*>(iov[0].iov_base), iov[0].iov_len});
    for (std::size_t i = 1; i < iov.size(); ++i) {
      auto* b = static_cast<const std::uint8_t*>(iov[i].iov_base);
      w.packet.insert(w.packet.end(), b, b + iov[i].iov_len);
    }
    long n = static_cast<long>(w.packet.size() + kVnetHdrBytes);
    writes.push_back(std::move(w));
    return n;
  }};
  explicit Harness(std::size_t n) { storage.reserve(n); }
  void add(const Bytes& p) {
    storage.push_back(p);
    c.add(storage.back());
  }
};

std::vector<Bytes> resegment(const Write& w) {
  std::vector<Bytes> out;
  segment_tcp4(w.packet, w.vnet.gso_size, [&](std::span<const std::uint8_t> s) { out.emplace_back(s.begin(), s.end()); });
  return out;
}

TEST(TunGro, OneFlowBecomesOneSuperPacketThatCutsBackIntoTheOriginalSegments) {
  const auto segs = segments(10 * 1364 + 500, 1364, 0x18);  // PSH+ACK: PSH on the last only
  ASSERT_EQ(segs.size(), 11u);
  Harness h(segs.size());
  for (const auto& s : segs) h.add(s);
  EXPECT_EQ(h.c.flush(), 0u);
  ASSERT_EQ(h.writes.size(), 1u);
  const auto& w = h.writes[0];
  EXPECT_EQ(w.vnet.gso_type, 1);  // TCPV4
  EXPECT_EQ(w.vnet.flags, 1);     // NEEDS_CSUM
  EXPECT_EQ(w.vnet.gso_size, 1364);
  EXPECT_EQ(w.vnet.hdr_len, 52);
  EXPECT_EQ(w.vnet.csum_start, 20);
  EXPECT_EQ(w.vnet.csum_offset, 16);
  ASSERT_EQ(w.packet.size(), 52u + 10 * 1364 + 500);
  EXPECT_EQ((w.packet[2] << 8) | w.packet[3], static_cast<int>(w.packet.size()));
  EXPECT_EQ(ipv4_checksum(std::span(w.packet).first(20)), 0);
  EXPECT_EQ(w.packet[33], 0x18);
  // The partial checksum completes to a valid one over the whole super-packet.
  Bytes full = w.packet;
  ASSERT_TRUE(complete_checksum(full, 20, 16));
  EXPECT_EQ(tcp_verify(full), 0xFFFF);
  EXPECT_EQ(resegment(w), segs);
  EXPECT_EQ(h.c.stats().coalesced, 11u);
  EXPECT_EQ(h.c.stats().writes, 1u);
}

TEST(TunGro, NonMergeablePacketsKeepTheirBytesAndTheFlowOrder) {
  auto segs = segments(6 * 1000, 1000, 0x10);
  Bytes pure_ack(segs[0].begin(), segs[0].begin() + 52);  // no payload
  pure_ack[2] = 0, pure_ack[3] = 52;
  pure_ack[10] = pure_ack[11] = 0;
  const auto ipc = ipv4_checksum(std::span(pure_ack).first(20));
  pure_ack[10] = static_cast<std::uint8_t>(ipc >> 8), pure_ack[11] = static_cast<std::uint8_t>(ipc);
  Bytes bad = segs[3];
  bad[100] ^= 0x01;  // TCP checksum no longer verifies
  Harness h(8);
  h.add(segs[0]);
  h.add(segs[1]);
  h.add(pure_ack);  // same flow: what is pending goes first
  h.add(segs[2]);
  h.add(bad);       // written alone, unchanged
  h.add(segs[5]);   // gap (segs[4] lost): a new group
  h.c.flush();
  ASSERT_EQ(h.writes.size(), 5u);
  EXPECT_EQ(resegment(h.writes[0]), (std::vector<Bytes>{segs[0], segs[1]}));
  EXPECT_EQ(h.writes[1].vnet.gso_type, 0);
  EXPECT_EQ(h.writes[1].packet, pure_ack);
  EXPECT_EQ(h.writes[2].vnet.gso_type, 0);  // a group of one goes out as it came
  EXPECT_EQ(h.writes[2].packet, segs[2]);
  EXPECT_EQ(h.writes[3].packet, bad);
  EXPECT_EQ(h.writes[4].packet, segs[5]);
}

TEST(TunGro, PshOrAShortSegmentEndsTheGroup) {
  auto segs = segments(4 * 1000, 1000, 0x10);
  // PSH on segment 1 (checksum fixed up by recomputing through a fresh segmentation).
  auto with_psh = segments(1000, 1000, 0x18, 80, 0xFFFFF000 + 1000);
  with_psh[0][4] = segs[1][4], with_psh[0][5] = segs[1][5];  // IP ID of segment 1
  with_psh[0][10] = with_psh[0][11] = 0;
  const auto ipc = ipv4_checksum(std::span(with_psh[0]).first(20));
  with_psh[0][10] = static_cast<std::uint8_t>(ipc >> 8), with_psh[0][11] = static_cast<std::uint8_t>(ipc);
  Harness h(4);
  h.add(segs[0]);
  h.add(with_psh[0]);
  h.add(segs[2]);
  h.add(segs[3]);
  h.c.flush();
  ASSERT_EQ(h.writes.size(), 2u);
  EXPECT_EQ(h.writes[0].packet[33], 0x18);
  EXPECT_EQ(resegment(h.writes[0]), (std::vector<Bytes>{segs[0], with_psh[0]}));
  EXPECT_EQ(resegment(h.writes[1]), (std::vector<Bytes>{segs[2], segs[3]}));
}

TEST(TunGro, InterleavedFlowsCoalesceSeparately) {
  const auto a = segments(3 * 1200, 1200, 0x10, 80);
  const auto b = segments(3 * 1200, 1200, 0x10, 443);
  Harness h(6);
  for (int i = 0; i < 3; ++i) h.add(a[i]), h.add(b[i]);
  h.c.flush();
  ASSERT_EQ(h.writes.size(), 2u);
  EXPECT_EQ(resegment(h.writes[0]), a);
  EXPECT_EQ(resegment(h.writes[1]), b);
}

TEST(TunGro, SuperPacketsStayWithinTheIpv4LengthLimit) {
  const auto segs = segments(60 * 1400, 1400, 0x10);
  Harness h(segs.size());
  for (const auto& s : segs) h.add(s);
  h.c.flush();
  ASSERT_EQ(h.writes.size(), 2u);
  std::vector<Bytes> back;
  for (const auto& w : h.writes) {
    EXPECT_LE(w.packet.size(), 65535u);
    for (auto& s : resegment(w)) back.push_back(std::move(s));
  }
  EXPECT_EQ(back, segs);
}

TEST(TunGro, NonTcpAndFailedWritesAreCountedPerPacket) {
  Bytes icmp(84, 0);
  icmp[0] = 0x45, icmp[3] = 84, icmp[8] = 64, icmp[9] = 1;
  const auto segs = segments(3 * 1000, 1000, 0x10);
  std::vector<Bytes> storage = {icmp, segs[0], segs[1], segs[2]};
  unsigned calls = 0;
  TcpCoalescer c([&](std::span<const iovec>) { return ++calls == 1 ? 0L : -5L; });  // first write ok
  for (auto& s : storage) c.add(s);
  EXPECT_EQ(c.flush(), 3u);  // the super-packet of three segments failed
  EXPECT_EQ(calls, 2u);
}

TEST(TunGro, OnesSumMatchesByteWiseSum) {
  std::mt19937 rng(7);
  for (std::size_t len : {0u, 1u, 7u, 8u, 9u, 63u, 64u, 95u, 1400u, 1401u, 65535u}) {
    Bytes b(len);
    for (auto& x : b) x = static_cast<std::uint8_t>(rng());
    std::uint32_t s = 0x1234;
    for (std::size_t i = 0; i < len; i += 2) s += (b[i] << 8) | (i + 1 < len ? b[i + 1] : 0);
    while (s >> 16) s = (s & 0xFFFF) + (s >> 16);
    EXPECT_EQ(ones_sum(b, 0x1234), s) << len;
  }
}

}  // namespace
}  // namespace espgw::dataplane

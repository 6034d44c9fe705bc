// TSO4 segmentation: segments re-assemble to the original payload, every IP and TCP
// checksum verifies (computed independently here), sequence numbers advance by the MSS,
// FIN/PSH only on the last segment, CWR only on the first; partial checksums complete.
#include "host/dataplane/tun_offload.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "host/dataplane/packet_view.hpp"

namespace espgw::dataplane {
namespace {

std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

// One's-complement sum of the TCP segment with its pseudo-header: 0xFFFF when valid.
std::uint16_t tcp_verify(std::span<const std::uint8_t> ip) {
  const std::size_t ihl = (ip[0] & 0x0F) * 4u;
  const std::size_t tcp_len = ip.size() - ihl;
  std::uint32_t sum = 0;
  for (int i = 12; i < 20; i += 2) sum += (ip[i] << 8) | ip[i + 1];
  sum += 6 + static_cast<std::uint32_t>(tcp_len);
  for (std::size_t i = 0; i < tcp_len; i += 2)
    sum += (ip[ihl + i] << 8) | (i + 1 < tcp_len ? ip[ihl + i + 1] : 0);
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<std::uint16_t>(sum);
}

std::vector<std::uint8_t> super_packet(std::size_t payload, std::uint8_t flags) {
  std::vector<std::uint8_t> p(20 + 32 + payload, 0);  // TCP header with 12 bytes of options
  p[0] = 0x45, p[2] = 0xFF, p[3] = 0xFF, p[4] = 0x12, p[5] = 0x34, p[8] = 64, p[9] = 6;
  p[12] = 192, p[13] = 168, p[14] = 20, p[15] = 25, p[16] = 172, p[17] = 21, p[18] = 91, p[19] = 37;
  p[20] = 0x13, p[21] = 0x88, p[22] = 0x00, p[23] = 0x50;
  p[24] = 0xFF, p[25] = 0xFF, p[26] = 0xFF, p[27] = 0x00;  // seq near wrap
  p[32] = 8 << 4;  // data offset 32 bytes
  p[33] = flags;
  p[34] = 0x01, p[35] = 0x00;
  p[52 - 12] = 1, p[52 - 11] = 1, p[52 - 10] = 8, p[52 - 9] = 10;  // NOP NOP timestamp...
  for (std::size_t i = 0; i < payload; ++i) p[52 + i] = static_cast<std::uint8_t>(i * 7);
  return p;
}

TEST(TunOffload, SegmentsReassembleWithValidChecksumsAndFlags) {
  const auto pkt = super_packet(3000, 0x80 | 0x18 | 0x01);  // CWR, PSH+ACK, FIN
  std::vector<std::vector<std::uint8_t>> segs;
  EXPECT_EQ(segment_tcp4(pkt, 1000, [&](std::span<const std::uint8_t> s) { segs.emplace_back(s.begin(), s.end()); }), 3u);
  ASSERT_EQ(segs.size(), 3u);
  std::vector<std::uint8_t> payload;
  for (std::size_t i = 0; i < segs.size(); ++i) {
    const auto& s = segs[i];
    ASSERT_EQ(s.size(), 52u + 1000u);
    EXPECT_EQ(ipv4_checksum(std::span(s).first(20)), 0) << "segment " << i;
    EXPECT_EQ(tcp_verify(s), 0xFFFF) << "segment " << i;
    EXPECT_EQ((s[2] << 8) | s[3], 1052);
    EXPECT_EQ((s[4] << 8) | s[5], 0x1234 + static_cast<int>(i));
    EXPECT_EQ(be32(&s[24]), 0xFFFFFF00u + 1000u * static_cast<std::uint32_t>(i));  // wraps past 2^32
    EXPECT_EQ(s[33] & 0x80, i == 0 ? 0x80 : 0);
    EXPECT_EQ(s[33] & 0x09, i == 2 ? 0x09 : 0);
    EXPECT_EQ(s[33] & 0x10, 0x10);  // ACK everywhere
    payload.insert(payload.end(), s.begin() + 52, s.end());
  }
  EXPECT_TRUE(std::equal(payload.begin(), payload.end(), pkt.begin() + 52));
}

TEST(TunOffload, ShortLastSegmentAndRejectsNonTcp) {
  auto pkt = super_packet(2500, 0x10);
  std::vector<std::size_t> sizes;
  EXPECT_EQ(segment_tcp4(pkt, 1364, [&](std::span<const std::uint8_t> s) { sizes.push_back(s.size()); }), 2u);
  EXPECT_EQ(sizes, (std::vector<std::size_t>{52 + 1364, 52 + 1136}));
  pkt[9] = 17;
  EXPECT_EQ(segment_tcp4(pkt, 1364, [](std::span<const std::uint8_t>) {}), 0u);
}

TEST(TunOffload, CompletesPartialChecksum) {
  auto seg = super_packet(100, 0x10);
  seg[2] = 0, seg[3] = static_cast<std::uint8_t>(seg.size());
  // What the kernel leaves with CHECKSUM_PARTIAL: the pseudo-header sum in the field.
  std::uint32_t pseudo = (192 << 8 | 168) + (20 << 8 | 25) + (172 << 8 | 21) + (91 << 8 | 37) + 6 +
                         static_cast<std::uint32_t>(seg.size() - 20);
  while (pseudo >> 16) pseudo = (pseudo & 0xFFFF) + (pseudo >> 16);
  seg[36] = static_cast<std::uint8_t>(pseudo >> 8), seg[37] = static_cast<std::uint8_t>(pseudo);
  ASSERT_TRUE(complete_checksum(seg, 20, 16));
  EXPECT_EQ(tcp_verify(seg), 0xFFFF);
  EXPECT_FALSE(complete_checksum(seg, 20, 5000));
}

// An IPv4 header with options (IHL 6) and an odd MSS: every per-segment field the
// segmenter patches into its precomputed header sums (total length, ID, sequence number,
// flags) still yields checksums that an independent sum accepts, and the odd last byte of
// each segment is summed as RFC 1071 pads it.
TEST(TunOffload, SegmentsWithIpOptionsAndOddMssHaveValidChecksums) {
  auto base = super_packet(4001, 0x80 | 0x18);
  std::vector<std::uint8_t> pkt(base.begin(), base.begin() + 20);
  pkt[0] = 0x46;
  const std::uint8_t option[4] = {0x94, 0x04, 0x00, 0x00};  // Router Alert (RFC 2113)
  pkt.insert(pkt.end(), option, option + 4);
  pkt.insert(pkt.end(), base.begin() + 20, base.end());
  std::vector<std::vector<std::uint8_t>> segs;
  EXPECT_EQ(segment_tcp4(pkt, 999, [&](std::span<const std::uint8_t> s) { segs.emplace_back(s.begin(), s.end()); }), 5u);
  std::vector<std::uint8_t> payload;
  for (std::size_t i = 0; i < segs.size(); ++i) {
    const auto& s = segs[i];
    EXPECT_EQ(ipv4_checksum(std::span(s).first(24)), 0) << "segment " << i;
    EXPECT_EQ(tcp_verify(s), 0xFFFF) << "segment " << i;
    EXPECT_EQ((s[2] << 8) | s[3], static_cast<int>(s.size()));
    EXPECT_TRUE(std::equal(s.begin() + 20, s.begin() + 24, option));
    EXPECT_EQ(s[24 + 12], 8 << 4);  // data offset kept
    EXPECT_EQ(s[24 + 13] & 0x08, i == 4 ? 0x08 : 0);
    payload.insert(payload.end(), s.begin() + 56, s.end());
  }
  EXPECT_EQ(segs.back().size(), 56u + 5u);  // 4001 = 4 x 999 + 5
  EXPECT_TRUE(std::equal(payload.begin(), payload.end(), pkt.begin() + 56, pkt.end()));
}

// The fused copy-and-sum used by segmentation: the copy is exact and the sum equals
// ones_sum's, for every length around the vector width and at unaligned addresses.
TEST(TunOffload, CopyOnesSumCopiesExactlyAndSumsLikeOnesSum) {
  std::vector<std::uint8_t> src(1600);
  for (std::size_t i = 0; i < src.size(); ++i) src[i] = static_cast<std::uint8_t>(i * 131 + 7);
  for (std::size_t n : {0u, 1u, 7u, 8u, 31u, 63u, 64u, 65u, 97u, 127u, 128u, 129u, 191u, 1447u, 1448u, 1500u}) {
    for (std::size_t at : {0u, 1u, 3u}) {
      std::vector<std::uint8_t> dst(n + 8, 0xEE);
      const auto sum = copy_ones_sum(dst.data() + 1, src.data() + at, n, 0x1234);
      EXPECT_EQ(sum, ones_sum({src.data() + at, n}, 0x1234)) << n << " at " << at;
      std::uint32_t ref = 0x1234;  // RFC 1071, one big-endian word at a time
      for (std::size_t i = 0; i < n; i += 2) ref += (src[at + i] << 8) | (i + 1 < n ? src[at + i + 1] : 0);
      while (ref >> 16) ref = (ref & 0xFFFF) + (ref >> 16);
      EXPECT_EQ(sum, ref) << n << " at " << at;
      EXPECT_TRUE(std::equal(dst.begin() + 1, dst.begin() + 1 + static_cast<long>(n), src.begin() + static_cast<long>(at)));
      EXPECT_EQ(dst[0], 0xEE);
      EXPECT_EQ(dst[n + 1], 0xEE) << "wrote past the end, n " << n;
    }
  }
}

TEST(TunOffload, ParsesLittleEndianVnetHeader) {
  const std::uint8_t raw[10] = {1, 1, 52, 0, 0x54, 0x05, 20, 0, 16, 0};
  const auto h = parse_vnet_header(raw);
  EXPECT_EQ(h.flags, 1);
  EXPECT_EQ(h.gso_type, 1);
  EXPECT_EQ(h.hdr_len, 52);
  EXPECT_EQ(h.gso_size, 1364);
  EXPECT_EQ(h.csum_start, 20);
  EXPECT_EQ(h.csum_offset, 16);
}

}  // namespace
}  // namespace espgw::dataplane

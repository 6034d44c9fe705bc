// TSO4 segmentation and checksum completion for TUN offload (see the header).
#include "host/dataplane/tun_offload.hpp"

#include "host/common/byte_order.hpp"

#include <array>
#include <cstring>

#include "host/dataplane/packet_view.hpp"

namespace espgw::dataplane {

namespace {


constexpr std::uint8_t kTcpFin = 0x01, kTcpPsh = 0x08, kTcpCwr = 0x80;

std::uint16_t fold32(std::uint32_t s) {
  while (s >> 16) s = (s & 0xFFFF) + (s >> 16);
  return static_cast<std::uint16_t>(s);
}

}  // namespace

VnetHeader parse_vnet_header(std::span<const std::uint8_t> b) {
  VnetHeader h;
  if (b.size() < kVnetHdrBytes) return h;
  // TUN uses the host's byte order for the 16-bit fields (little-endian on x86-64 / arm64).
  auto le16 = [&](std::size_t i) { return static_cast<std::uint16_t>(b[i] | (b[i + 1] << 8)); };
  h.flags = b[0];
  h.gso_type = b[1];
  h.hdr_len = le16(2);
  h.gso_size = le16(4);
  h.csum_start = le16(6);
  h.csum_offset = le16(8);
  return h;
}

bool complete_checksum(std::span<std::uint8_t> packet, std::uint16_t csum_start, std::uint16_t csum_offset) {
  const std::size_t field = std::size_t{csum_start} + csum_offset;
  if (field + 2 > packet.size() || csum_start >= packet.size()) return false;
  std::uint16_t c = static_cast<std::uint16_t>(~ones_sum(packet.subspan(csum_start)));
  // UDP: a computed zero is sent as all ones (RFC 768); TCP never sees the difference.
  if (c == 0) c = 0xFFFF;
  put16(packet.data() + field, c);
  return true;
}

std::size_t segment_tcp4(std::span<const std::uint8_t> packet, std::uint16_t mss, SegmentSink& sink) {
  if (packet.size() < 40 || (packet[0] >> 4) != 4 || packet[9] != kProtoTcp || mss == 0) return 0;
  const std::size_t ihl = (packet[0] & 0x0F) * 4u;
  if (ihl < 20 || packet.size() < ihl + 20) return 0;
  const std::size_t thl = (packet[ihl + 12] >> 4) * 4u;
  const std::size_t hdr = ihl + thl;
  if (thl < 20 || packet.size() < hdr) return 0;
  // The IPv4 total length of a super-packet may exceed 16 bits' worth; trust the read size.
  const std::size_t payload = packet.size() - hdr;
  const std::uint16_t id = be16(packet.data() + 4);
  const std::uint32_t seq = be32(packet.data() + ihl + 4);
  const std::uint8_t flags = packet[ihl + 13];
  const std::uint32_t src = be32(packet.data() + 12), dst = be32(packet.data() + 16);
  // The headers' sums are taken once, over a copy with every per-segment field zeroed (IP
  // total length, ID, checksum; TCP sequence number, data offset + flags, checksum), and each
  // segment adds its own values (RFC 1624 style): no segment's header is read back after it
  // is written, and its payload is summed while it is copied.
  std::array<std::uint8_t, 128> tmpl{};  // at most 60 + 60 header bytes
  std::memcpy(tmpl.data(), packet.data(), hdr);
  std::memset(tmpl.data() + 2, 0, 4);
  std::memset(tmpl.data() + 10, 0, 2);
  std::memset(tmpl.data() + ihl + 4, 0, 4);
  std::memset(tmpl.data() + ihl + 12, 0, 2);
  std::memset(tmpl.data() + ihl + 16, 0, 2);
  const std::uint32_t ip_base = ones_sum({tmpl.data(), ihl});
  // RFC 793 pseudo-header (source, destination, zero, protocol) plus the fixed TCP header.
  const std::uint32_t tcp_base =
      ones_sum({tmpl.data() + ihl, thl}, (src >> 16) + (src & 0xFFFF) + (dst >> 16) + (dst & 0xFFFF) + kProtoTcp);
  const std::uint8_t doff = packet[ihl + 12];
  std::size_t count = 0;
  for (std::size_t off = 0; off < payload || (payload == 0 && count == 0); off += mss) {
    const std::size_t len = std::min<std::size_t>(mss, payload - off);
    const bool first = off == 0, last = off + len >= payload;
    std::uint8_t* ip = sink.place(hdr + len);
    ++count;
    if (ip) {
      // A fixed-size copy when the segment has room (a variable one is a slow `rep movs`);
      // the bytes past the header are overwritten by the payload right after.
      if (hdr <= 64 && hdr + len >= 64)
        std::memcpy(ip, tmpl.data(), 64);
      else
        std::memcpy(ip, tmpl.data(), hdr);
      std::uint8_t* tcp = ip + ihl;
      const std::uint16_t total = static_cast<std::uint16_t>(hdr + len);
      const std::uint16_t seg_id = static_cast<std::uint16_t>(id + count - 1);
      put16(ip + 2, total);
      put16(ip + 4, seg_id);
      put16(ip + 10, static_cast<std::uint16_t>(~fold32(ip_base + total + seg_id)));
      const std::uint32_t seg_seq = seq + static_cast<std::uint32_t>(off);
      put32(tcp + 4, seg_seq);
      std::uint8_t f = flags;
      if (!last) f &= static_cast<std::uint8_t>(~(kTcpFin | kTcpPsh));
      if (!first) f &= static_cast<std::uint8_t>(~kTcpCwr);
      tcp[12] = doff;
      tcp[13] = f;
      const std::uint32_t fixed = tcp_base + static_cast<std::uint32_t>(thl + len) + (seg_seq >> 16) +
                                  (seg_seq & 0xFFFF) + ((std::uint32_t{doff} << 8) | f);
      const std::uint16_t sum = copy_ones_sum(ip + hdr, packet.data() + hdr + off, len, fold32(fixed));
      put16(tcp + 16, static_cast<std::uint16_t>(~sum));
      sink.commit({ip, hdr + len});
    }
    if (payload == 0) break;
  }
  return count;
}

std::size_t segment_tcp4(std::span<const std::uint8_t> packet, std::uint16_t mss,
                         const std::function<void(std::span<const std::uint8_t>)>& emit) {
  struct Adapter final : SegmentSink {
    const std::function<void(std::span<const std::uint8_t>)>& emit;
    std::array<std::uint8_t, 65536> seg;
    explicit Adapter(const std::function<void(std::span<const std::uint8_t>)>& e) : emit(e) {}
    std::uint8_t* place(std::size_t bytes) override { return bytes <= seg.size() ? seg.data() : nullptr; }
    void commit(std::span<const std::uint8_t> segment) override { emit(segment); }
  } adapter(emit);
  return segment_tcp4(packet, mss, adapter);
}

}  // namespace espgw::dataplane

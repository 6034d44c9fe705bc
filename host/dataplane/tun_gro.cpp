// TCP/IPv4 segment coalescing for TUN writes (see the header).
#include "host/dataplane/tun_gro.hpp"

#include <cstring>

#include "host/common/byte_order.hpp"
#include "host/dataplane/packet_view.hpp"

namespace espgw::dataplane {

namespace {

constexpr std::uint8_t kTcpAck = 0x10, kTcpPsh = 0x08;
constexpr std::uint8_t kGsoTcpV4 = 1, kNeedsCsum = 1;  // linux/virtio_net.h
constexpr std::uint32_t kMaxIpv4Total = 65535;
constexpr std::uint8_t kNoOffload[kVnetHdrBytes] = {};

std::uint16_t fold(std::uint64_t s) {
  while (s >> 16) s = (s & 0xFFFF) + (s >> 16);
  return static_cast<std::uint16_t>(s);
}

// Pseudo-header sum (RFC 793): addresses, protocol, TCP length.
std::uint32_t pseudo_sum(const std::uint8_t* ip, std::uint32_t tcp_len) {
  return std::uint32_t{be16(ip + 12)} + be16(ip + 14) + be16(ip + 16) + be16(ip + 18) + kProtoTcp + tcp_len;
}

// A TCP/IPv4 packet this file may merge: plain 20-byte IPv4 header, not a fragment, TCP with
// payload, flags ACK or ACK+PSH, both checksums valid. Returns the header length or 0.
std::uint32_t mergeable_header(const std::uint8_t* p, std::uint32_t len) {
  if (len < 40 || p[0] != 0x45 || p[9] != kProtoTcp || be16(p + 2) != len) return 0;
  if ((be16(p + 6) & 0x3FFF) != 0) return 0;  // MF or a fragment offset
  const std::uint32_t thl = (p[32] >> 4) * 4u;
  if (thl < 20 || 20 + thl >= len) return 0;  // no payload: pure ACKs go out as they are
  if ((p[33] & ~kTcpPsh) != kTcpAck) return 0;
  if (ones_sum({p, 20}) != 0xFFFF) return 0;
  if (ones_sum({p + 20, len - 20}, pseudo_sum(p, len - 20)) != 0xFFFF) return 0;
  return 20 + thl;
}

}  // namespace

bool TcpCoalescer::can_append(const Group& g, const std::uint8_t* p, std::uint32_t len) const {
  const std::uint8_t* h = g.head;
  const std::uint32_t payload = len - g.hdr_len;
  return !g.closed && g.count < kMaxSegments && payload <= g.mss && g.total + payload <= kMaxIpv4Total &&
         be32(p + 24) == g.next_seq &&
         p[1] == h[1] && p[8] == h[8] && (p[6] & 0x40) == (h[6] & 0x40) &&                 // TOS, TTL, DF
         be16(p + 4) == static_cast<std::uint16_t>(be16(h + 4) + g.count) &&                // IP ID
         p[32] == h[32] && std::memcmp(p + 28, h + 28, 4) == 0 &&                          // doff, ACK
         std::memcmp(p + 34, h + 34, 2) == 0 &&                                            // window
         std::memcmp(p + 40, h + 40, g.hdr_len - 40) == 0;                                 // options
}

void TcpCoalescer::add(std::span<std::uint8_t> packet) {
  ++stats_.packets;
  std::uint8_t* p = packet.data();
  const auto len = static_cast<std::uint32_t>(packet.size());
  const std::uint32_t hdr = mergeable_header(p, len);
  const bool tcp4 = len >= 24 && (p[0] >> 4) == 4 && p[9] == kProtoTcp;
  std::uint32_t key[3] = {};
  if (tcp4) {
    const std::uint32_t ihl = (p[0] & 0x0F) * 4u;
    if (len >= ihl + 4) {
      std::memcpy(key, p + 12, 8);
      std::memcpy(key + 2, p + ihl, 4);
    }
  }
  Group* same = nullptr;
  if (tcp4)
    for (auto& g : groups_)
      if (g.open && std::memcmp(g.key, key, sizeof key) == 0) same = &g;
  if (same && hdr == same->hdr_len && can_append(*same, p, len)) {
    const std::uint32_t payload = len - hdr;
    same->iov[1 + same->count] = {p + hdr, payload};
    ++same->count;
    same->total += payload;
    same->next_seq += payload;
    if (payload < same->mss || (p[33] & kTcpPsh)) same->closed = true;
    same->psh = same->psh || (p[33] & kTcpPsh);
    return;
  }
  // Whatever comes next in this flow goes after what is pending: write that first.
  if (same) write_group(*same);
  if (!hdr) {
    write_single(packet);
    return;
  }
  Group* g = nullptr;
  for (auto& c : groups_)
    if (!c.open) {
      g = &c;
      break;
    }
  if (!g) {
    g = &groups_[next_victim_];
    next_victim_ = (next_victim_ + 1) % kMaxFlows;
    write_group(*g);
  }
  g->open = true;
  std::memcpy(g->key, key, sizeof key);
  g->head = p;
  g->hdr_len = hdr;
  g->total = len;
  g->mss = len - hdr;
  g->next_seq = be32(p + 24) + g->mss;
  g->count = 1;
  g->psh = p[33] & kTcpPsh;
  g->closed = g->psh;
  g->iov[1] = {p, len};
}

void TcpCoalescer::write_single(std::span<std::uint8_t> packet) {
  const iovec iov[2] = {{const_cast<std::uint8_t*>(kNoOffload), kVnetHdrBytes}, {packet.data(), packet.size()}};
  ++stats_.writes;
  if (writer_(std::span(iov, 2)) < 0) ++failed_;
}

void TcpCoalescer::write_group(Group& g) {
  if (!g.open) return;
  g.open = false;
  if (g.count == 1) {
    write_single({g.head, g.total});
    return;
  }
  std::uint8_t* ip = g.head;
  put16(ip + 2, static_cast<std::uint16_t>(g.total));
  put16(ip + 10, 0);
  put16(ip + 10, ipv4_checksum({ip, 20}));
  if (g.psh) ip[33] |= kTcpPsh;
  // NEEDS_CSUM: the checksum field holds the pseudo-header sum over the whole TCP length;
  // the kernel (or the device) finishes it per segment after cutting.
  put16(ip + 36, fold(pseudo_sum(ip, g.total - 20)));
  g.vnet = {};
  g.vnet[0] = kNeedsCsum;
  g.vnet[1] = kGsoTcpV4;
  auto le16 = [&](std::size_t at, std::uint32_t v) {  // virtio_net_hdr: host order (LE here)
    g.vnet[at] = static_cast<std::uint8_t>(v);
    g.vnet[at + 1] = static_cast<std::uint8_t>(v >> 8);
  };
  le16(2, g.hdr_len);
  le16(4, g.mss);
  le16(6, 20);   // csum_start: the TCP header
  le16(8, 16);   // csum_offset: TCP checksum field
  g.iov[0] = {g.vnet.data(), kVnetHdrBytes};
  g.iov[1].iov_len = g.hdr_len + g.mss;
  ++stats_.writes;
  stats_.coalesced += g.count;
  if (writer_(std::span(g.iov.data(), 1u + g.count)) < 0) failed_ += g.count;
}

unsigned TcpCoalescer::flush() {
  for (auto& g : groups_) write_group(g);
  const unsigned f = failed_;
  failed_ = 0;
  return f;
}

}  // namespace espgw::dataplane

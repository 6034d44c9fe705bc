// The receive-side mirror of tun_offload (TSO): consecutive decapsulated TCP/IPv4 segments
// of one flow are written to the TUN device as ONE super-packet with a virtio_net_hdr
// (gso_type TCPV4, NEEDS_CSUM), the way Linux GRO (net/ipv4/tcp_offload.c) and wireguard-go
// coalesce. The kernel then forwards one skb instead of ~45 and re-segments it only where a
// device needs it; the receiving host's TCP takes it as one GRO packet.
// Segments merge only when the merged packet re-segments into exactly the original bytes:
// same addresses, ports, TOS, TTL, DF, IP ID incrementing, same ACK, window and TCP options,
// contiguous sequence numbers, flags ACK (PSH only on the last), all but the last exactly
// gso_size long, valid IPv4 and TCP checksums (RFC 791, RFC 793), at most 64 KB.
#pragma once

#include <sys/uio.h>

#include <array>
#include <cstdint>
#include <functional>
#include <span>

#include "host/dataplane/tun_offload.hpp"

namespace espgw::dataplane {

struct TcpCoalescerStats {
  std::uint64_t packets = 0;    // added
  std::uint64_t writes = 0;     // TUN writes issued (one per super-packet or single packet)
  std::uint64_t coalesced = 0;  // packets that went out inside a super-packet of >= 2
};

class TcpCoalescer {
 public:
  static constexpr unsigned kMaxFlows = 8;      // open groups; the oldest is flushed beyond
  static constexpr unsigned kMaxSegments = 64;  // per super-packet (Linux GRO: 64 as well)

  // One TUN write: iov[0] is the virtio_net_hdr, the rest the packet. Returns < 0 on error.
  using Writer = std::function<long(std::span<const iovec>)>;

  explicit TcpCoalescer(Writer writer) : writer_(std::move(writer)) {}

  // Takes one decapsulated IPv4 packet. Its bytes must stay valid and untouched until flush();
  // the head of a group is rewritten in place (total length, IPv4 and TCP checksum fields).
  // May write earlier groups of the same flow (to keep a flow's order) or of an evicted flow.
  void add(std::span<std::uint8_t> packet);
  // Writes every pending group. Returns the number of failed writes since the last flush,
  // counted per packet (a failed super-packet counts all its segments).
  unsigned flush();

  const TcpCoalescerStats& stats() const { return stats_; }

 private:
  struct Group {
    bool open = false;
    bool closed = false;  // a short or PSH segment ended it: nothing can follow
    std::uint32_t key[3] = {};
    std::uint8_t* head = nullptr;  // first packet: headers are taken from it
    std::uint32_t hdr_len = 0;     // IPv4 + TCP header bytes
    std::uint32_t total = 0;       // IPv4 total length of the merged packet
    std::uint32_t mss = 0;         // payload of the first segment = gso_size
    std::uint32_t next_seq = 0;
    std::uint16_t count = 0;
    bool psh = false;
    std::array<iovec, kMaxSegments + 1> iov{};  // [vnet hdr][head packet][payloads of the rest]
    std::array<std::uint8_t, kVnetHdrBytes> vnet{};
  };

  void write_single(std::span<std::uint8_t> packet);
  void write_group(Group& g);
  bool can_append(const Group& g, const std::uint8_t* p, std::uint32_t len) const;

  Writer writer_;
  std::array<Group, kMaxFlows> groups_{};
  unsigned next_victim_ = 0;
  unsigned failed_ = 0;
  TcpCoalescerStats stats_;
};

}  // namespace espgw::dataplane

// What the kernel hands a TUN device opened with IFF_VNET_HDR and TSO4/CSUM offload
// (linux/virtio_net.h): a virtio_net_hdr, then either one packet whose checksum may still be
// partial, or a TCP super-packet of up to 64 KB to be cut into gso_size segments. Taking the
// super-packet saves the kernel's own segmentation and one read() per segment; this file
// does the segmentation (RFC 793/RFC 1624 checksums, IPv4 ID incremented per segment, FIN and
// PSH on the last segment only, CWR on the first) and checksum completion. Pure functions.
#pragma once

#include <cstdint>
#include <functional>
#include <span>

namespace espgw::dataplane {

inline constexpr std::uint32_t kVnetHdrBytes = 10;  // struct virtio_net_hdr
inline constexpr std::uint32_t kMaxGsoPacketBytes = 65535 + kVnetHdrBytes;

struct VnetHeader {
  std::uint8_t flags = 0;     // 1 = NEEDS_CSUM
  std::uint8_t gso_type = 0;  // 0 none, 1 TCPv4, 3 UDP, 4 TCPv6
  std::uint16_t hdr_len = 0;
  std::uint16_t gso_size = 0;
  std::uint16_t csum_start = 0;
  std::uint16_t csum_offset = 0;
};

VnetHeader parse_vnet_header(std::span<const std::uint8_t> bytes);

// Completes a partial checksum in place (NEEDS_CSUM): the field at csum_start+csum_offset
// holds the pseudo-header sum; the result is the full one's-complement checksum. False if the
// offsets lie outside the packet.
bool complete_checksum(std::span<std::uint8_t> packet, std::uint16_t csum_start, std::uint16_t csum_offset);

// Cuts a TCPv4 super-packet into segments of at most `mss` payload bytes, each a complete
// IPv4 packet with valid IP and TCP checksums, handed to `emit` (valid only during the call).
// Returns the number of segments, or 0 if the packet is not TCPv4 or is malformed.
std::size_t segment_tcp4(std::span<const std::uint8_t> packet, std::uint16_t mss,
                         const std::function<void(std::span<const std::uint8_t>)>& emit);

// Where segment_tcp4 builds each segment, so the forwarder can build them straight into its
// job buffers (one copy of each byte instead of two, no allocation): place() returns room for
// `bytes` (nullptr skips the segment), commit() hands over the segment built there.
class SegmentSink {
 public:
  virtual std::uint8_t* place(std::size_t bytes) = 0;
  virtual void commit(std::span<const std::uint8_t> segment) = 0;

 protected:
  ~SegmentSink() = default;
};
// Same segmentation into the sink's buffers; returns the number of segments cut (skipped ones
// included), or 0 if the packet is not TCPv4 or is malformed.
std::size_t segment_tcp4(std::span<const std::uint8_t> packet, std::uint16_t mss, SegmentSink& sink);

}  // namespace espgw::dataplane

// The ESP side of the gateway on the crypto-map interface: a raw IP-protocol-50 socket (ESP
// as RFC 4303 puts it on the wire) and a UDP 4500 socket for RFC 3948 encapsulation. The
// device produces and consumes whole outer IPv4 datagrams; this class maps them onto the
// two sockets: raw ESP goes out with IP_HDRINCL as built, UDP-encapsulated ESP loses its
// outer IPv4/UDP headers to the kernel's UDP socket, and received UDP payloads get those
// headers rebuilt in front. Bursts use recvmmsg/sendmmsg; runs of equal-size UDP datagrams
// to one peer go out as one UDP GSO message (UDP_SEGMENT).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>

#include "espgw/driver/esp_device.hpp"

namespace espgw::dataplane {

// Room kept in front of a received UDP payload to rebuild IPv4 (20) + UDP (8) headers.
inline constexpr std::uint32_t kUdpRebuildHeadroom = 28;
inline constexpr std::uint16_t kNattPort = 4500;  // RFC 3948 section 1

// RFC 3948 section 2: what a UDP 4500 payload carries.
enum class UdpPayloadKind {
  kEsp,        // first 4 bytes are a non-zero SPI
  kIke,        // non-ESP marker (4 zero bytes), then an ISAKMP message
  kKeepalive,  // a single 0xFF byte (NAT-keepalive, section 2.3)
  kMalformed,  // too short to be any of these
};
UdpPayloadKind classify_udp_payload(std::span<const std::uint8_t> payload);

// Written by the forwarder thread, read by show: relaxed atomics.
struct EspSocketCounters {
  std::atomic<std::uint64_t> rx_keepalives{0};
  std::atomic<std::uint64_t> rx_ike{0};
  std::atomic<std::uint64_t> rx_malformed{0};
  std::atomic<std::uint64_t> rx_errors{0};
  std::atomic<std::uint64_t> tx_errors{0};
};

class EspSocket {
 public:
  // An IKE message that arrived on UDP 4500 (marker stripped). Called on the forwarder thread.
  using IkeSink = std::function<void(std::uint32_t src, std::uint16_t sport, std::uint32_t dst,
                                     std::span<const std::uint8_t> message)>;

  // Opens the raw ESP socket and, when open_udp, the UDP socket bound to udp_port (0: any
  // free port, for tests) on every address (IP_FREEBIND, so an HSRP virtual address that
  // arrives later still works). Throws std::runtime_error naming the failing step (EPERM
  // without CAP_NET_RAW, EADDRINUSE).
  EspSocket(std::uint16_t udp_port, int rcvbuf_bytes, bool open_udp = true);
  ~EspSocket();
  EspSocket(const EspSocket&) = delete;
  EspSocket& operator=(const EspSocket&) = delete;

  int raw_fd() const { return raw_fd_; }
  int udp_fd() const { return udp_fd_; }
  std::uint16_t udp_port() const { return udp_port_; }
  void set_ike_sink(IkeSink sink) { ike_sink_ = std::move(sink); }

  // Fills jobs[0..n) (buffer/capacity preset by the caller) with received outer datagrams,
  // direction inbound; returns n. Never blocks.
  unsigned recv_raw(std::span<driver::PacketJob> jobs);
  // Same for UDP 4500: ESP payloads come back with their IPv4/UDP headers rebuilt; IKE and
  // keepalives are handed off or counted and do not occupy a job. With UDP GRO on, one
  // received message may hold many datagrams (a peer's UDP GSO burst); what does not fit in
  // `jobs` stays pending for the next call (udp_pending()).
  unsigned recv_udp(std::span<driver::PacketJob> jobs);
  bool udp_pending() const { return gro_pending_.load(std::memory_order_relaxed); }
  // UDP GRO (Linux 5.0+): the kernel hands a peer's GSO burst over as one message instead of
  // cutting it into one skb per datagram first. On by default where the kernel has it.
  bool udp_gro() const { return udp_gro_; }
  void set_udp_gro(bool on);

  // Sends finished outbound jobs (whole outer IPv4 datagrams). failed[i] is set for every job
  // the kernel refused; returns how many were refused.
  unsigned send(std::span<driver::PacketJob* const> jobs, std::span<bool> failed);

  // Sends an IKE message on UDP 4500 with the non-ESP marker in front (for the IKE manager).
  bool send_ike(std::uint32_t dst, std::uint16_t dport, std::span<const std::uint8_t> message);
  // Sends a NAT-keepalive (RFC 3948 section 2.3): the single byte 0xFF, no marker.
  bool send_natt_keepalive(std::uint32_t dst, std::uint16_t dport);

  const EspSocketCounters& counters() const { return counters_; }
  // Whether send() hands equal-size UDP datagrams to the kernel as one UDP GSO message.
  bool udp_gso() const { return udp_gso_.load(std::memory_order_relaxed); }
  void set_udp_gso(bool on) { udp_gso_.store(on && udp_fd_ >= 0, std::memory_order_relaxed); }

 private:
  int raw_fd_ = -1;
  int udp_fd_ = -1;
  std::uint16_t udp_port_ = 0;
  IkeSink ike_sink_;
  EspSocketCounters counters_;
  std::atomic<bool> udp_gso_{false};

  unsigned recv_udp_gro(std::span<driver::PacketJob> jobs, unsigned n);
  // Receives one GRO message scattered straight into the free jobs, one datagram per job,
  // when its datagrams have the size of the last message's (gro_guess_); else gathers it for
  // the cutting path. False when nothing was received.
  bool recv_udp_direct(std::span<driver::PacketJob> jobs, unsigned n, unsigned& out);
  // Turns one received UDP payload into a job (ESP) or hands it off (IKE, keepalive).
  bool deliver_udp(std::span<const std::uint8_t> payload, std::uint32_t src, std::uint16_t sport, std::uint32_t dst,
                   driver::PacketJob& job, bool copy);

  // UDP GRO receive state: kGroMessages buffers of 64 KB, the messages of the last recvmmsg
  // and how far they have been cut into jobs.
  // 8 x 64 KB: a burst of GRO messages stays in L2 until it is cut into jobs.
  static constexpr unsigned kGroMessages = 8;
  static constexpr std::uint32_t kGroBufferBytes = 65536;
  struct GroMessage {
    std::uint32_t len = 0, segment = 0, src = 0, dst = 0;
    std::uint16_t sport = 0;
    bool truncated = false;
  };
  bool udp_gro_ = false;
  std::unique_ptr<std::uint8_t[]> gro_buf_;
  std::array<GroMessage, kGroMessages> gro_msgs_{};
  unsigned gro_count_ = 0, gro_next_ = 0;
  std::uint32_t gro_off_ = 0;
  std::uint32_t gro_guess_ = 0;  // datagram size of the last multi-datagram GRO message
  std::mutex gro_mutex_;  // forwarder workers share the socket (--threads)
  std::atomic<bool> gro_pending_{false};
};

}  // namespace espgw::dataplane

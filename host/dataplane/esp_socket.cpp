// Raw ESP and UDP-encapsulated ESP sockets (RFC 4303 on IP protocol 50, RFC 3948 on UDP).
#include "host/dataplane/esp_socket.hpp"

#include "host/common/byte_order.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "host/dataplane/packet_view.hpp"

namespace espgw::dataplane {

namespace {

constexpr unsigned kMaxBurst = 256;
constexpr std::size_t kIpv4HeaderBytes = 20;
constexpr std::size_t kUdpHeaderBytes = 8;
constexpr std::size_t kNonEspMarkerBytes = 4;
constexpr int kSendWaitMs = 5;
constexpr unsigned kMaxSendWaits = 64;
// UDP GSO limits (linux/udp.h UDP_MAX_SEGMENTS is 64 on older kernels; an IPv4 datagram
// carries at most 65535 - 20 - 8 bytes of payload).
constexpr unsigned kMaxGsoSegments = 64;
constexpr std::uint32_t kMaxGsoPayload = 65535 - 20 - 8;

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}


sockaddr_in make_addr(std::uint32_t addr, std::uint16_t port) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(addr);
  sa.sin_port = htons(port);
  return sa;
}

// The control messages of one received UDP message: IP_PKTINFO's destination address (the
// VIP or the interface's own address) and UDP_GRO's datagram size when the kernel coalesced.
// Leaves `segment` alone when there is no UDP_GRO message (then it is one datagram).
void read_udp_control(msghdr& h, std::uint32_t& dst, std::uint32_t& segment) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&h); c; c = CMSG_NXTHDR(&h, c)) {
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      in_pktinfo info;
      std::memcpy(&info, CMSG_DATA(c), sizeof info);
      dst = ntohl(info.ipi_addr.s_addr);
    } else if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO) {
      int seg;
      std::memcpy(&seg, CMSG_DATA(c), sizeof seg);
      if (seg > 0) segment = static_cast<std::uint32_t>(seg);
    }
  }
}

}  // namespace

UdpPayloadKind classify_udp_payload(std::span<const std::uint8_t> payload) {
  if (payload.size() == 1 && payload[0] == 0xFF) return UdpPayloadKind::kKeepalive;
  if (payload.size() >= kNonEspMarkerBytes && payload[0] == 0 && payload[1] == 0 && payload[2] == 0 &&
      payload[3] == 0)
    return UdpPayloadKind::kIke;
  // SPI (4) + sequence number (4) at least; the device checks the rest.
  if (payload.size() < 8) return UdpPayloadKind::kMalformed;
  return UdpPayloadKind::kEsp;
}

EspSocket::EspSocket(std::uint16_t udp_port, int rcvbuf_bytes, bool open_udp) : udp_port_(udp_port) {
  raw_fd_ = ::socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ESP);
  if (raw_fd_ < 0) fail("esp socket: raw IP protocol 50 (needs CAP_NET_RAW)");
  int one = 1;
  if (::setsockopt(raw_fd_, IPPROTO_IP, IP_HDRINCL, &one, sizeof one) < 0) fail("esp socket: IP_HDRINCL");
  if (rcvbuf_bytes > 0) {
    // SO_RCVBUFFORCE lifts rmem_max for root; fall back to the capped SO_RCVBUF otherwise.
    if (::setsockopt(raw_fd_, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf_bytes, sizeof rcvbuf_bytes) < 0)
      ::setsockopt(raw_fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf_bytes, sizeof rcvbuf_bytes);
    ::setsockopt(raw_fd_, SOL_SOCKET, SO_SNDBUFFORCE, &rcvbuf_bytes, sizeof rcvbuf_bytes);
  }
  if (!open_udp) return;
  udp_fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
  if (udp_fd_ < 0) fail("esp socket: udp");
  ::setsockopt(udp_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  ::setsockopt(udp_fd_, IPPROTO_IP, IP_FREEBIND, &one, sizeof one);
  if (::setsockopt(udp_fd_, IPPROTO_IP, IP_PKTINFO, &one, sizeof one) < 0) fail("esp socket: IP_PKTINFO");
  if (rcvbuf_bytes > 0) {
    if (::setsockopt(udp_fd_, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf_bytes, sizeof rcvbuf_bytes) < 0)
      ::setsockopt(udp_fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf_bytes, sizeof rcvbuf_bytes);
    ::setsockopt(udp_fd_, SOL_SOCKET, SO_SNDBUFFORCE, &rcvbuf_bytes, sizeof rcvbuf_bytes);
  }
  // UDP GSO for ESP-in-UDP bursts (Linux 4.18+): probe with the socket-wide default (0 = off).
  int no_gso = 0;
  udp_gso_.store(::setsockopt(udp_fd_, SOL_UDP, UDP_SEGMENT, &no_gso, sizeof no_gso) == 0);
  set_udp_gro(true);
  sockaddr_in any = make_addr(INADDR_ANY, udp_port);
  if (::bind(udp_fd_, reinterpret_cast<sockaddr*>(&any), sizeof any) < 0)
    fail("esp socket: bind UDP port " + std::to_string(udp_port) + " (another IKE/NAT-T daemon running?)");
  socklen_t len = sizeof any;
  if (::getsockname(udp_fd_, reinterpret_cast<sockaddr*>(&any), &len) == 0) udp_port_ = ntohs(any.sin_port);
}

EspSocket::~EspSocket() {
  if (raw_fd_ >= 0) ::close(raw_fd_);
  if (udp_fd_ >= 0) ::close(udp_fd_);
}

unsigned EspSocket::recv_raw(std::span<driver::PacketJob> jobs) {
  const unsigned n = std::min<std::size_t>(jobs.size(), kMaxBurst);
  // Only the first n entries are used, and set here: no zeroing of the whole arrays per burst.
  std::array<mmsghdr, kMaxBurst> msgs;
  std::array<iovec, kMaxBurst> iov;
  for (unsigned i = 0; i < n; ++i) {
    iov[i] = {jobs[i].buffer, jobs[i].capacity};
    msgs[i].msg_hdr = msghdr{};
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  int got = ::recvmmsg(raw_fd_, msgs.data(), n, MSG_DONTWAIT, nullptr);
  if (got <= 0) {
    if (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) counters_.rx_errors++;
    return 0;
  }
  for (int i = 0; i < got; ++i) {
    auto& j = jobs[static_cast<unsigned>(i)];
    j.direction = driver::Direction::kInbound;
    j.sa = driver::kNoSa;
    j.offset = 0;
    // A datagram larger than the buffer arrives cut short: hand the device an empty job so
    // it is counted as malformed on the device, not as an ICV failure on some SA.
    const bool truncated = msgs[static_cast<unsigned>(i)].msg_hdr.msg_flags & MSG_TRUNC;
    j.length = truncated ? 0 : msgs[static_cast<unsigned>(i)].msg_len;
    j.status = driver::Status::kOk;
  }
  return static_cast<unsigned>(got);
}

bool EspSocket::deliver_udp(std::span<const std::uint8_t> payload, std::uint32_t src, std::uint16_t sport,
                            std::uint32_t dst, driver::PacketJob& job, bool copy) {
  const auto len = static_cast<std::uint32_t>(payload.size());
  switch (classify_udp_payload(payload)) {
    case UdpPayloadKind::kKeepalive:
      counters_.rx_keepalives++;
      return false;
    case UdpPayloadKind::kMalformed:
      counters_.rx_malformed++;
      return false;
    case UdpPayloadKind::kIke:
      counters_.rx_ike++;
      if (ike_sink_) ike_sink_(src, sport, dst, payload.subspan(kNonEspMarkerBytes));
      return false;
    case UdpPayloadKind::kEsp:
      break;
  }
  if (copy) {
    if (len > job.capacity - kUdpRebuildHeadroom) {
      counters_.rx_malformed++;
      return false;
    }
    std::memcpy(job.buffer + kUdpRebuildHeadroom, payload.data(), len);
  }
  // Rebuild the outer headers the kernel consumed, so the device sees the datagram as it
  // was on the wire (RFC 3948 section 3.1: UDP checksum zero is allowed for IPv4).
  std::uint8_t* ip = job.buffer;
  std::memset(ip, 0, kUdpRebuildHeadroom);
  ip[0] = 0x45;
  put16(ip + 2, static_cast<std::uint16_t>(len + kUdpRebuildHeadroom));
  ip[8] = 64;
  ip[9] = 17;
  put32(ip + 12, src);
  put32(ip + 16, dst);
  // The header's sum from its values rather than by reading back the bytes just stored
  // (that read waits on the stores: a store-forwarding stall per datagram).
  std::uint32_t sum = 0x4500u + len + kUdpRebuildHeadroom + 0x4000u /* TTL 64 */ + 17u + (src >> 16) +
                      (src & 0xFFFF) + (dst >> 16) + (dst & 0xFFFF);
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  put16(ip + 10, static_cast<std::uint16_t>(~sum));
  std::uint8_t* udp = ip + kIpv4HeaderBytes;
  put16(udp, sport);
  put16(udp + 2, udp_port_);
  put16(udp + 4, static_cast<std::uint16_t>(len + kUdpHeaderBytes));
  job.direction = driver::Direction::kInbound;
  job.sa = driver::kNoSa;
  job.offset = 0;
  job.length = len + kUdpRebuildHeadroom;
  job.status = driver::Status::kOk;
  return true;
}

void EspSocket::set_udp_gro(bool on) {
  if (udp_fd_ < 0) return;
  int v = on ? 1 : 0;
  if (::setsockopt(udp_fd_, SOL_UDP, UDP_GRO, &v, sizeof v) < 0) on = false;
  udp_gro_ = on;
  if (on && !gro_buf_) gro_buf_.reset(new std::uint8_t[std::size_t{kGroMessages} * kGroBufferBytes]);
}

unsigned EspSocket::recv_udp(std::span<driver::PacketJob> jobs) {
  if (udp_fd_ < 0) return 0;
  const unsigned n = std::min<std::size_t>(jobs.size(), kMaxBurst);
  if (udp_gro_ || udp_pending()) return recv_udp_gro(jobs, n);
  // Without GRO every message is one datagram, received straight into the job buffers.
  std::array<mmsghdr, kMaxBurst> msgs;
  std::array<iovec, kMaxBurst> iov;
  std::array<sockaddr_in, kMaxBurst> from;
  alignas(cmsghdr) static thread_local std::array<std::array<std::uint8_t, CMSG_SPACE(sizeof(in_pktinfo))>, kMaxBurst> ctl;
  for (unsigned i = 0; i < n; ++i) {
    iov[i] = {jobs[i].buffer + kUdpRebuildHeadroom, jobs[i].capacity - kUdpRebuildHeadroom};
    msgs[i].msg_hdr = msghdr{};
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
    msgs[i].msg_hdr.msg_name = &from[i];
    msgs[i].msg_hdr.msg_namelen = sizeof from[i];
    msgs[i].msg_hdr.msg_control = ctl[i].data();
    msgs[i].msg_hdr.msg_controllen = ctl[i].size();
  }
  int got = ::recvmmsg(udp_fd_, msgs.data(), n, MSG_DONTWAIT, nullptr);
  if (got <= 0) {
    if (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) counters_.rx_errors++;
    return 0;
  }
  unsigned out = 0;
  for (unsigned i = 0; i < static_cast<unsigned>(got); ++i) {
    std::uint32_t dst = 0, segment = 0;  // without UDP GRO no message carries a segment size
    read_udp_control(msgs[i].msg_hdr, dst, segment);
    if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) {
      counters_.rx_malformed++;
      continue;
    }
    // Compact: ESP jobs fill the front of the array; buffers are swapped so none is lost.
    if (out != i) std::swap(jobs[out].buffer, jobs[i].buffer), std::swap(jobs[out].capacity, jobs[i].capacity);
    if (deliver_udp({jobs[out].buffer + kUdpRebuildHeadroom, msgs[i].msg_len}, ntohl(from[i].sin_addr.s_addr),
                    ntohs(from[i].sin_port), dst, jobs[out], false))
      ++out;
  }
  return out;
}

bool EspSocket::recv_udp_direct(std::span<driver::PacketJob> jobs, unsigned n, unsigned& out) {
  // iov[i] is job (out + i)'s payload room, gro_guess_ bytes each; whatever the message holds
  // beyond them lands in the last iovec, the first GRO buffer, and is cut from there later.
  const unsigned k = n - out;
  std::array<iovec, kMaxBurst + 1> iov;
  for (unsigned i = 0; i < k; ++i) iov[i] = {jobs[out + i].buffer + kUdpRebuildHeadroom, gro_guess_};
  iov[k] = {gro_buf_.get(), kGroBufferBytes};
  sockaddr_in from{};
  alignas(cmsghdr) std::array<std::uint8_t, CMSG_SPACE(sizeof(in_pktinfo)) + CMSG_SPACE(sizeof(int))> ctl;
  msghdr h{};
  h.msg_name = &from;
  h.msg_namelen = sizeof from;
  h.msg_iov = iov.data();
  h.msg_iovlen = k + 1;
  h.msg_control = ctl.data();
  h.msg_controllen = ctl.size();
  const ssize_t got = ::recvmsg(udp_fd_, &h, MSG_DONTWAIT);
  if (got <= 0) {
    if (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) counters_.rx_errors++;
    return false;
  }
  GroMessage m;
  m.len = static_cast<std::uint32_t>(got);
  m.segment = m.len;
  m.src = ntohl(from.sin_addr.s_addr);
  m.sport = ntohs(from.sin_port);
  read_udp_control(h, m.dst, m.segment);
  if (h.msg_flags & MSG_TRUNC) {  // cannot happen with 64 KB of overflow room; never guess
    counters_.rx_malformed++;
    return true;
  }
  const std::uint32_t guess = gro_guess_;
  if (m.segment < m.len) gro_guess_ = m.segment;
  const std::uint64_t in_jobs = std::uint64_t{k} * guess;
  if (m.segment == guess || (m.segment == m.len && m.len <= guess)) {
    // Every datagram that reached a job's iovec is exactly in it: no copy.
    const unsigned first = out;
    for (unsigned i = 0; i < k && std::uint64_t{i} * guess < m.len; ++i) {
      const std::uint32_t len = std::min(guess, m.len - i * guess);
      auto& j = jobs[first + i];
      if (out != first + i) std::swap(jobs[out].buffer, j.buffer), std::swap(jobs[out].capacity, j.capacity);
      if (deliver_udp({jobs[out].buffer + kUdpRebuildHeadroom, len}, m.src, m.sport, m.dst, jobs[out], false)) ++out;
    }
    if (m.len > in_jobs) {  // the rest waits in the first GRO buffer, cut on the next call
      m.len -= static_cast<std::uint32_t>(in_jobs);
      gro_msgs_[0] = m;
      gro_count_ = 1, gro_next_ = 0, gro_off_ = 0;
    }
    return true;
  }
  // Datagrams of another size straddle the iovecs: gather the message into the first GRO
  // buffer (its tail is already there) and cut it with copies as a received GRO message.
  std::uint8_t* base = gro_buf_.get();
  const std::uint32_t head = static_cast<std::uint32_t>(std::min<std::uint64_t>(in_jobs, m.len));
  std::memmove(base + head, base, m.len - head);
  for (std::uint32_t off = 0, i = 0; off < head; off += guess, ++i)
    std::memcpy(base + off, jobs[out + i].buffer + kUdpRebuildHeadroom, std::min(guess, head - off));
  gro_msgs_[0] = m;
  gro_count_ = 1, gro_next_ = 0, gro_off_ = 0;
  return true;
}

unsigned EspSocket::recv_udp_gro(std::span<driver::PacketJob> jobs, unsigned n) {
  std::lock_guard lock(gro_mutex_);
  unsigned out = 0;
  while (out < n) {
    if (gro_next_ == gro_count_) {
      if (!udp_gro_) break;
      // Received straight into the jobs when the last message's datagram size fits them.
      if (gro_guess_ != 0 && gro_guess_ <= jobs[out].capacity - kUdpRebuildHeadroom) {
        if (!recv_udp_direct(jobs, n, out)) break;
        continue;
      }
      std::array<mmsghdr, kGroMessages> msgs;
      std::array<iovec, kGroMessages> iov;
      std::array<sockaddr_in, kGroMessages> from;
      alignas(cmsghdr) std::array<std::array<std::uint8_t, CMSG_SPACE(sizeof(in_pktinfo)) + CMSG_SPACE(sizeof(int))>,
                                  kGroMessages> ctl;
      for (unsigned i = 0; i < kGroMessages; ++i) {
        iov[i] = {gro_buf_.get() + std::size_t{i} * kGroBufferBytes, kGroBufferBytes};
        msgs[i].msg_hdr = msghdr{};
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_hdr.msg_name = &from[i];
        msgs[i].msg_hdr.msg_namelen = sizeof from[i];
        msgs[i].msg_hdr.msg_control = ctl[i].data();
        msgs[i].msg_hdr.msg_controllen = ctl[i].size();
      }
      const int got = ::recvmmsg(udp_fd_, msgs.data(), kGroMessages, MSG_DONTWAIT, nullptr);
      if (got <= 0) {
        if (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) counters_.rx_errors++;
        break;
      }
      for (unsigned i = 0; i < static_cast<unsigned>(got); ++i) {
        GroMessage& m = gro_msgs_[i];
        m = GroMessage{};
        m.len = msgs[i].msg_len;
        m.segment = m.len;  // no UDP_GRO control message: one datagram
        m.src = ntohl(from[i].sin_addr.s_addr);
        m.sport = ntohs(from[i].sin_port);
        m.truncated = msgs[i].msg_hdr.msg_flags & MSG_TRUNC;
        read_udp_control(msgs[i].msg_hdr, m.dst, m.segment);
        if (m.segment < m.len && !m.truncated) gro_guess_ = m.segment;
      }
      gro_count_ = static_cast<unsigned>(got);
      gro_next_ = 0;
      gro_off_ = 0;
    }
    GroMessage& m = gro_msgs_[gro_next_];
    const std::uint8_t* base = gro_buf_.get() + std::size_t{gro_next_} * kGroBufferBytes;
    if (m.truncated) {
      counters_.rx_malformed++;
      gro_off_ = m.len;
    }
    // Each segment of a GRO message is one datagram of the peer's: all `segment` bytes long
    // but the last.
    while (out < n && gro_off_ < m.len) {
      const std::uint32_t len = std::min(m.segment, m.len - gro_off_);
      if (deliver_udp({base + gro_off_, len}, m.src, m.sport, m.dst, jobs[out], true)) ++out;
      gro_off_ += len;
    }
    if (gro_off_ >= m.len) {
      ++gro_next_;
      gro_off_ = 0;
    }
  }
  gro_pending_.store(gro_next_ < gro_count_, std::memory_order_relaxed);
  return out;
}

unsigned EspSocket::send(std::span<driver::PacketJob* const> jobs, std::span<bool> failed) {
  // Entries are set as they are used: no zeroing of the whole arrays per burst.
  std::array<mmsghdr, kMaxBurst> raw, udp;
  std::array<iovec, kMaxBurst> raw_iov, udp_iov;
  std::array<sockaddr_in, kMaxBurst> raw_to, udp_to;
  std::array<unsigned, kMaxBurst> raw_idx, udp_idx;
  // Per message: its first entry in *_idx and how many datagrams it carries (> 1 only for a
  // UDP GSO message), and the UDP_SEGMENT control message of each.
  std::array<unsigned, kMaxBurst> raw_first, udp_first, udp_count;
  alignas(cmsghdr) std::array<std::array<std::uint8_t, CMSG_SPACE(sizeof(std::uint16_t))>, kMaxBurst> gso_ctl;
  unsigned nraw = 0, nudp = 0, nudp_msgs = 0, refused = 0;
  const unsigned n = std::min<std::size_t>(jobs.size(), kMaxBurst);
  const bool gso = udp_gso_.load(std::memory_order_relaxed);
  std::uint32_t run_len = 0, run_total = 0;  // the open GSO message: segment size, payload bytes
  bool run_closed = true;
  for (unsigned i = 0; i < n; ++i) {
    failed[i] = false;
    std::uint8_t* p = jobs[i]->buffer + jobs[i]->offset;
    const std::uint32_t len = jobs[i]->length;
    const std::uint32_t ihl = (p[0] & 0x0F) * 4u;
    const std::uint32_t dst = (std::uint32_t{p[16]} << 24) | (std::uint32_t{p[17]} << 16) | (std::uint32_t{p[18]} << 8) | p[19];
    if (p[9] == kProtoUdp && udp_fd_ >= 0 && len >= ihl + kUdpHeaderBytes) {
      const std::uint16_t dport = static_cast<std::uint16_t>((p[ihl + 2] << 8) | p[ihl + 3]);
      const std::uint32_t plen = len - ihl - kUdpHeaderBytes;
      udp_iov[nudp] = {p + ihl + kUdpHeaderBytes, plen};
      udp_idx[nudp] = i;
      // UDP GSO (UDP_SEGMENT): consecutive datagrams to the same peer, all of one size but a
      // shorter last one, leave in ONE message; the kernel cuts it into exactly these
      // datagrams (each ESP packet stays one datagram on the wire) after a single route
      // lookup and skb, and the peer's stack carries one skb as far as its socket.
      if (gso && nudp_msgs > 0 && !run_closed && udp_to[nudp_msgs - 1].sin_addr.s_addr == htonl(dst) &&
          udp_to[nudp_msgs - 1].sin_port == htons(dport) && plen <= run_len &&
          udp_count[nudp_msgs - 1] < kMaxGsoSegments && run_total + plen <= kMaxGsoPayload) {
        ++udp_count[nudp_msgs - 1];
        udp[nudp_msgs - 1].msg_hdr.msg_iovlen++;
        run_total += plen;
        run_closed = plen < run_len;
      } else {
        const unsigned m = nudp_msgs++;
        udp[m].msg_hdr = msghdr{};
        udp_to[m] = make_addr(dst, dport);
        udp[m].msg_hdr.msg_name = &udp_to[m];
        udp[m].msg_hdr.msg_namelen = sizeof(sockaddr_in);
        udp[m].msg_hdr.msg_iov = &udp_iov[nudp];
        udp[m].msg_hdr.msg_iovlen = 1;
        udp_first[m] = nudp;
        udp_count[m] = 1;
        run_len = plen;
        run_total = plen;
        run_closed = false;
      }
      ++nudp;
    } else {
      raw_to[nraw] = make_addr(dst, 0);
      raw_iov[nraw] = {p, len};
      raw[nraw].msg_hdr = msghdr{};
      raw[nraw].msg_hdr.msg_name = &raw_to[nraw];
      raw[nraw].msg_hdr.msg_namelen = sizeof(sockaddr_in);
      raw[nraw].msg_hdr.msg_iov = &raw_iov[nraw];
      raw[nraw].msg_hdr.msg_iovlen = 1;
      raw_idx[nraw] = i;
      raw_first[nraw] = nraw;
      ++nraw;
    }
  }
  for (unsigned m = 0; m < nudp_msgs; ++m) {
    if (udp_count[m] < 2) continue;
    auto& h = udp[m].msg_hdr;
    h.msg_control = gso_ctl[m].data();
    h.msg_controllen = gso_ctl[m].size();
    cmsghdr* c = CMSG_FIRSTHDR(&h);
    c->cmsg_level = SOL_UDP;
    c->cmsg_type = UDP_SEGMENT;
    c->cmsg_len = CMSG_LEN(sizeof(std::uint16_t));
    const auto seg = static_cast<std::uint16_t>(udp_iov[udp_first[m]].iov_len);
    std::memcpy(CMSG_DATA(c), &seg, sizeof seg);
  }
  auto fail_message = [&](const unsigned* idx, const unsigned* first, const unsigned* count, unsigned m) {
    const unsigned k = count ? count[m] : 1;
    for (unsigned d = 0; d < k; ++d) failed[idx[first[m] + d]] = true;
    refused += k;
  };
  // sendmmsg stops at the first failing message; skip it (counted) and go on with the rest.
  auto flush = [&](int fd, mmsghdr* msgs, const unsigned* idx, const unsigned* first, const unsigned* count,
                   unsigned total) {
    unsigned done = 0, waits = 0;
    while (done < total) {
      int r = ::sendmmsg(fd, msgs + done, total - done, MSG_DONTWAIT);
      if (r > 0) {
        done += static_cast<unsigned>(r);
        continue;
      }
      if (r < 0 && errno == EINTR) continue;
      if (r < 0 && (errno == EAGAIN || errno == ENOBUFS)) {
        // The socket buffer is full: wait briefly for room instead of dropping, so a
        // burst is paced by the link rather than lost (bounded, the forwarder must go on).
        pollfd pfd{fd, POLLOUT, 0};
        if (::poll(&pfd, 1, kSendWaitMs) > 0 && ++waits < kMaxSendWaits) continue;
      }
      if (r < 0 && (errno == EIO || errno == EINVAL) && count && count[done] > 1) {
        // The route's device cannot take UDP GSO (e.g. through an xfrm policy): send this and
        // every later message one datagram at a time from now on.
        udp_gso_.store(false, std::memory_order_relaxed);
        auto& h = msgs[done].msg_hdr;
        const unsigned k = count[done];
        for (unsigned d = 0; d < k; ++d) {
          msghdr one{};
          one.msg_name = h.msg_name;
          one.msg_namelen = h.msg_namelen;
          one.msg_iov = h.msg_iov + d;
          one.msg_iovlen = 1;
          if (::sendmsg(fd, &one, MSG_DONTWAIT) < 0) {
            failed[idx[first[done] + d]] = true;
            ++refused;
          }
        }
        ++done;
        continue;
      }
      fail_message(idx, first, count, done);
      ++done;
    }
  };
  flush(raw_fd_, raw.data(), raw_idx.data(), raw_first.data(), nullptr, nraw);
  if (nudp_msgs) flush(udp_fd_, udp.data(), udp_idx.data(), udp_first.data(), udp_count.data(), nudp_msgs);
  counters_.tx_errors += refused;
  return refused;
}

bool EspSocket::send_ike(std::uint32_t dst, std::uint16_t dport, std::span<const std::uint8_t> message) {
  if (udp_fd_ < 0) return false;
  static constexpr std::uint8_t kMarker[kNonEspMarkerBytes] = {0, 0, 0, 0};
  iovec iov[2] = {{const_cast<std::uint8_t*>(kMarker), sizeof kMarker},
                  {const_cast<std::uint8_t*>(message.data()), message.size()}};
  sockaddr_in to = make_addr(dst, dport);
  msghdr m{};
  m.msg_name = &to;
  m.msg_namelen = sizeof to;
  m.msg_iov = iov;
  m.msg_iovlen = 2;
  return ::sendmsg(udp_fd_, &m, MSG_DONTWAIT) == static_cast<ssize_t>(sizeof kMarker + message.size());
}

bool EspSocket::send_natt_keepalive(std::uint32_t dst, std::uint16_t dport) {
  if (udp_fd_ < 0) return false;
  static constexpr std::uint8_t kKeepalive = 0xFF;
  sockaddr_in to = make_addr(dst, dport);
  return ::sendto(udp_fd_, &kKeepalive, 1, MSG_DONTWAIT, reinterpret_cast<const sockaddr*>(&to), sizeof to) == 1;
}

}  // namespace espgw::dataplane

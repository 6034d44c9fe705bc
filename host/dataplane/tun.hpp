// The cleartext side of the gateway: a Linux TUN device (IFF_TUN | IFF_NO_PI, so every read
// is one bare IPv4 packet), optionally multi-queue (IFF_MULTI_QUEUE) so each forwarder
// worker owns a queue. Non-blocking; the forwarder polls the fds.
#pragma once

#include <sys/uio.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace espgw::dataplane {

class Tun {
 public:
  // Creates (or attaches to) the TUN device `name` with `queues` queues. With `offload`, the
  // device carries a virtio_net_hdr in front of every packet and accepts TSO4 and checksum
  // offload (tun_offload.hpp), so the kernel hands over TCP super-packets. Throws
  // std::runtime_error with one line naming the cause (no /dev/net/tun, EPERM, ...).
  Tun(const std::string& name, unsigned queues, bool offload = false);
  ~Tun();
  Tun(const Tun&) = delete;
  Tun& operator=(const Tun&) = delete;

  const std::string& name() const { return name_; }
  int ifindex() const { return ifindex_; }
  unsigned queues() const { return static_cast<unsigned>(fds_.size()); }
  int fd(unsigned queue) const { return fds_[queue]; }

  // Sets the MTU and brings the link up (SIOCSIFMTU / SIOCSIFFLAGS), and switches IPv6 off on
  // the device so the kernel's own router solicitations never reach the SPD.
  void configure(std::uint32_t mtu);

  bool offload() const { return offload_; }

  // One packet per call, as the TUN driver hands them out (with offload: virtio_net_hdr
  // first). Returns bytes, 0 when none is pending (EAGAIN), -errno on failure.
  long read(unsigned queue, std::span<std::uint8_t> buffer);
  // Writes one plain IPv4 packet (with offload, a zero virtio_net_hdr is put in front).
  long write(unsigned queue, std::span<const std::uint8_t> packet);
  // Writes one packet gathered from `iov` as it is: with offload, iov must start with the
  // virtio_net_hdr (tun_gro.hpp builds GSO super-packets this way). Returns bytes or -errno.
  long write_iov(unsigned queue, std::span<const iovec> iov);

 private:
  std::string name_;
  int ifindex_ = 0;
  bool offload_ = false;
  std::vector<int> fds_;
};

}  // namespace espgw::dataplane

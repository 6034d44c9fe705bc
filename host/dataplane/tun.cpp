// TUN device set-up and packet I/O (Linux Documentation/networking/tuntap.rst).
#include "host/dataplane/tun.hpp"
#include "host/dataplane/tun_offload.hpp"

#include <fcntl.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace espgw::dataplane {

namespace {
constexpr unsigned kTxQueueLen = 10000;

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}
}  // namespace

Tun::Tun(const std::string& name, unsigned queues, bool offload) : name_(name), offload_(offload) {
  if (name.empty() || name.size() >= IFNAMSIZ) throw std::runtime_error("tun: invalid interface name '" + name + "'");
  if (queues == 0) queues = 1;
  for (unsigned q = 0; q < queues; ++q) {
    int fd = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) fail("tun: cannot open /dev/net/tun (is the tun module loaded, are we root?)");
    struct ifreq ifr {};
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    if (queues > 1) ifr.ifr_flags |= IFF_MULTI_QUEUE;
    if (offload) ifr.ifr_flags |= IFF_VNET_HDR;
    std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
    if (::ioctl(fd, TUNSETIFF, &ifr) < 0) {
      int saved = errno;
      ::close(fd);
      errno = saved;
      fail("tun: TUNSETIFF " + name);
    }
    fds_.push_back(fd);
    if (offload) {
      int hdr = static_cast<int>(kVnetHdrBytes);
      if (::ioctl(fd, TUNSETVNETHDRSZ, &hdr) < 0) fail("tun: TUNSETVNETHDRSZ");
      // TCPv4 segmentation and checksum offload only: what tun_offload.cpp implements.
      if (::ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4) < 0) fail("tun: TUNSETOFFLOAD");
    }
  }
  ifindex_ = static_cast<int>(::if_nametoindex(name.c_str()));
  if (ifindex_ == 0) fail("tun: if_nametoindex " + name);
}

Tun::~Tun() {
  for (int fd : fds_) ::close(fd);
}

void Tun::configure(std::uint32_t mtu) {
  int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) fail("tun: socket");
  struct ifreq ifr {};
  std::strncpy(ifr.ifr_name, name_.c_str(), IFNAMSIZ - 1);
  ifr.ifr_mtu = static_cast<int>(mtu);
  if (::ioctl(s, SIOCSIFMTU, &ifr) < 0) {
    ::close(s);
    fail("tun: set mtu on " + name_);
  }
  // The kernel queues packets for us in the TUN device, dropping beyond txqueuelen (500 by
  // default); a TCP burst larger than that would be lost before we read it, and TCP would
  // blame the path. Give the queue room for several bursts (the gateway must not drop).
  ifr.ifr_qlen = static_cast<int>(kTxQueueLen);
  if (::ioctl(s, SIOCSIFTXQLEN, &ifr) < 0) {
    ::close(s);
    fail("tun: set txqueuelen on " + name_);
  }
  // Best effort: a kernel without IPv6 has no such file, which is what we want anyway.
  std::ofstream("/proc/sys/net/ipv6/conf/" + name_ + "/disable_ipv6") << "1\n";
  if (::ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
    ::close(s);
    fail("tun: get flags of " + name_);
  }
  ifr.ifr_flags |= IFF_UP;
  if (::ioctl(s, SIOCSIFFLAGS, &ifr) < 0) {
    ::close(s);
    fail("tun: bring " + name_ + " up");
  }
  ::close(s);
}

long Tun::read(unsigned queue, std::span<std::uint8_t> buffer) {
  ssize_t n = ::read(fds_[queue], buffer.data(), buffer.size());
  if (n >= 0) return n;
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return 0;
  return -errno;
}

long Tun::write(unsigned queue, std::span<const std::uint8_t> packet) {
  ssize_t n;
  if (offload_) {
    static constexpr std::uint8_t kNoOffload[kVnetHdrBytes] = {};  // complete packet, no GSO
    iovec iov[2] = {{const_cast<std::uint8_t*>(kNoOffload), kVnetHdrBytes},
                    {const_cast<std::uint8_t*>(packet.data()), packet.size()}};
    n = ::writev(fds_[queue], iov, 2);
  } else {
    n = ::write(fds_[queue], packet.data(), packet.size());
  }
  if (n >= 0) return n;
  return -errno;
}

long Tun::write_iov(unsigned queue, std::span<const iovec> iov) {
  const ssize_t n = ::writev(fds_[queue], iov.data(), static_cast<int>(iov.size()));
  return n >= 0 ? n : -errno;
}

}  // namespace espgw::dataplane

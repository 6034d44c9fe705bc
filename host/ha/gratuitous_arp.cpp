// Gratuitous ARP sender (see gratuitous_arp.hpp).
#include "host/ha/gratuitous_arp.hpp"

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace espgw::ha {

namespace {
std::runtime_error sys_error(const std::string& what) { return std::runtime_error(what + ": " + std::strerror(errno)); }

struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};
}  // namespace

std::array<std::uint8_t, 42> gratuitous_arp_frame(std::uint32_t ip, const MacAddress& mac) {
  std::array<std::uint8_t, 42> f{};
  std::size_t o = 0;
  auto put = [&](std::initializer_list<std::uint8_t> bytes) {
    for (auto b : bytes) f[o++] = b;
  };
  auto put_mac = [&](const MacAddress& m) {
    for (auto b : m) f[o++] = b;
  };
  auto put_ip = [&](std::uint32_t a) { put({std::uint8_t(a >> 24), std::uint8_t(a >> 16), std::uint8_t(a >> 8), std::uint8_t(a)}); };
  put({0xff, 0xff, 0xff, 0xff, 0xff, 0xff});  // Ethernet destination: broadcast
  put_mac(mac);                                // source
  put({0x08, 0x06});                           // ARP
  put({0x00, 0x01, 0x08, 0x00, 6, 4});         // Ethernet / IPv4, address lengths
  put({0x00, 0x01});                           // request (an announcement, RFC 5227 2.3)
  put_mac(mac);                                // sender hardware address
  put_ip(ip);                                  // sender protocol address = the VIP
  put({0, 0, 0, 0, 0, 0});                     // target hardware address: unknown
  put_ip(ip);                                  // target protocol address = the VIP
  return f;
}

MacAddress interface_mac(const std::string& interface) {
  Fd s{::socket(AF_INET, SOCK_DGRAM, 0)};
  if (s.fd < 0) throw sys_error("socket");
  ifreq req{};
  std::strncpy(req.ifr_name, interface.c_str(), IFNAMSIZ - 1);
  if (::ioctl(s.fd, SIOCGIFHWADDR, &req) != 0) throw sys_error("SIOCGIFHWADDR " + interface);
  MacAddress mac{};
  std::memcpy(mac.data(), req.ifr_hwaddr.sa_data, mac.size());
  return mac;
}

void send_gratuitous_arp(const std::string& interface, std::uint32_t ip, const MacAddress& mac) {
  unsigned index = ::if_nametoindex(interface.c_str());
  if (index == 0) throw sys_error("gratuitous ARP: no interface " + interface);
  Fd s{::socket(AF_PACKET, SOCK_RAW, 0)};  // protocol 0: send only, receive nothing
  if (s.fd < 0) throw sys_error("gratuitous ARP: AF_PACKET socket (needs root or CAP_NET_RAW)");
  sockaddr_ll to{};
  to.sll_family = AF_PACKET;
  to.sll_ifindex = static_cast<int>(index);
  to.sll_protocol = htons(ETH_P_ARP);
  to.sll_halen = 6;
  std::memset(to.sll_addr, 0xff, 6);
  auto frame = gratuitous_arp_frame(ip, mac);
  if (::sendto(s.fd, frame.data(), frame.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) !=
      static_cast<ssize_t>(frame.size()))
    throw sys_error("gratuitous ARP on " + interface);
}

}  // namespace espgw::ha

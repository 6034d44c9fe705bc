// macvlan child for the HSRP virtual MAC (see virtual_mac.hpp).
#include "host/ha/virtual_mac.hpp"

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <memory>
#include <stdexcept>

namespace espgw::ha {

namespace {

std::runtime_error nl_error(const std::string& what, int err) {
  return std::runtime_error("virtual MAC: " + what + ": " + std::strerror(err));
}

// Sends one request and waits for its ACK. Returns 0 or the kernel's errno.
int rtnl_transact(nlmsghdr* nlh) {
  std::unique_ptr<mnl_socket, decltype(&mnl_socket_close)> nl(mnl_socket_open(NETLINK_ROUTE), mnl_socket_close);
  if (!nl || mnl_socket_bind(nl.get(), 0, MNL_SOCKET_AUTOPID) < 0) throw nl_error("rtnetlink socket", errno);
  if (mnl_socket_sendto(nl.get(), nlh, nlh->nlmsg_len) < 0) throw nl_error("rtnetlink send", errno);
  std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
  ssize_t n = mnl_socket_recvfrom(nl.get(), buf.data(), buf.size());
  if (n < 0) throw nl_error("rtnetlink receive", errno);
  int ret = mnl_cb_run(buf.data(), static_cast<std::size_t>(n), nlh->nlmsg_seq, mnl_socket_get_portid(nl.get()),
                       nullptr, nullptr);
  return ret < 0 ? errno : 0;
}

void set_up(const std::string& name) {
  unsigned index = ::if_nametoindex(name.c_str());
  if (index == 0) throw nl_error("no interface " + name, ENODEV);
  std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
  nlmsghdr* nlh = mnl_nlmsg_put_header(buf.data());
  nlh->nlmsg_type = RTM_NEWLINK;
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
  nlh->nlmsg_seq = static_cast<std::uint32_t>(std::time(nullptr));
  auto* ifi = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg)));
  ifi->ifi_family = AF_UNSPEC;
  ifi->ifi_index = static_cast<int>(index);
  ifi->ifi_flags = IFF_UP;
  ifi->ifi_change = IFF_UP;
  if (int err = rtnl_transact(nlh)) throw nl_error("bringing " + name + " up", err);
}

}  // namespace

std::string virtual_mac_link_name(const std::string& parent, std::uint16_t group) {
  const std::string suffix = "-h" + std::to_string(group);
  constexpr std::size_t kMax = IFNAMSIZ - 1;
  return parent.substr(0, kMax - suffix.size()) + suffix;
}

std::vector<std::uint8_t> macvlan_newlink_request(const std::string& name, unsigned parent_index,
                                                  const MacAddress& mac, std::uint32_t seq) {
  std::vector<std::uint8_t> buf(MNL_SOCKET_BUFFER_SIZE);
  nlmsghdr* nlh = mnl_nlmsg_put_header(buf.data());
  nlh->nlmsg_type = RTM_NEWLINK;
  // NLM_F_EXCL: a stale child is deleted first, so an existing one is an error worth seeing.
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
  nlh->nlmsg_seq = seq;
  auto* ifi = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg)));
  ifi->ifi_family = AF_UNSPEC;  // created down: the sysctls are set before it can answer ARP
  mnl_attr_put_strz(nlh, IFLA_IFNAME, name.c_str());
  mnl_attr_put_u32(nlh, IFLA_LINK, parent_index);
  mnl_attr_put(nlh, IFLA_ADDRESS, mac.size(), mac.data());
  nlattr* linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
  mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "macvlan");
  nlattr* data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
  // Bridge mode: the child talks to other children of the parent; the parent itself never
  // sees the child's unicast either way (macvlan), which is what HSRP needs.
  mnl_attr_put_u32(nlh, IFLA_MACVLAN_MODE, MACVLAN_MODE_BRIDGE);
  mnl_attr_nest_end(nlh, data);
  mnl_attr_nest_end(nlh, linkinfo);
  buf.resize(nlh->nlmsg_len);
  return buf;
}

namespace {
void put16(std::vector<std::uint8_t>& f, std::size_t at, std::uint32_t v) {
  f[at] = static_cast<std::uint8_t>(v >> 8);
  f[at + 1] = static_cast<std::uint8_t>(v);
}
void put32(std::vector<std::uint8_t>& f, std::size_t at, std::uint32_t v) {
  put16(f, at, v >> 16);
  put16(f, at + 2, v & 0xFFFF);
}
// RFC 1071 one's-complement sum of 16-bit words, starting from `sum`.
std::uint32_t ones_sum(const std::uint8_t* p, std::size_t n, std::uint32_t sum) {
  for (std::size_t i = 0; i + 1 < n; i += 2) sum += static_cast<std::uint32_t>(p[i] << 8 | p[i + 1]);
  if (n % 2) sum += static_cast<std::uint32_t>(p[n - 1] << 8);
  return sum;
}
std::uint16_t fold(std::uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xFFFF);
}
}  // namespace

std::vector<std::uint8_t> hsrp_frame_from_virtual_mac(const MacAddress& mac, std::uint32_t source,
                                                      std::uint32_t group, std::span<const std::uint8_t> payload) {
  constexpr std::size_t kEth = 14, kIp = 20, kUdp = 8;
  std::vector<std::uint8_t> f(kEth + kIp + kUdp + payload.size());
  const std::uint8_t dst[6] = {0x01, 0x00, 0x5e, static_cast<std::uint8_t>((group >> 16) & 0x7F),
                               static_cast<std::uint8_t>(group >> 8), static_cast<std::uint8_t>(group)};
  std::memcpy(&f[0], dst, 6);
  std::memcpy(&f[6], mac.data(), 6);
  put16(f, 12, ETH_P_IP);
  const std::size_t ip = kEth, udp = kEth + kIp;
  f[ip] = 0x45;
  f[ip + 1] = 0xC0;  // precedence internetwork control, as IOS sends HSRP
  put16(f, ip + 2, static_cast<std::uint32_t>(kIp + kUdp + payload.size()));
  f[ip + 8] = kHsrpTtl;
  f[ip + 9] = IPPROTO_UDP;
  put32(f, ip + 12, source);
  put32(f, ip + 16, group);
  put16(f, ip + 10, fold(ones_sum(&f[ip], kIp, 0)));
  put16(f, udp, kHsrpUdpPort);
  put16(f, udp + 2, kHsrpUdpPort);
  put16(f, udp + 4, static_cast<std::uint32_t>(kUdp + payload.size()));
  if (!payload.empty()) std::memcpy(&f[udp + kUdp], payload.data(), payload.size());
  // Pseudo-header (RFC 768): addresses, protocol, UDP length; 0 is sent as 0xFFFF.
  std::uint32_t sum = ones_sum(&f[ip + 12], 8, IPPROTO_UDP + static_cast<std::uint32_t>(kUdp + payload.size()));
  std::uint16_t c = fold(ones_sum(&f[udp], kUdp + payload.size(), sum));
  put16(f, udp + 6, c == 0 ? 0xFFFF : c);
  return f;
}

void send_hsrp_from_virtual_mac(const std::string& link, const MacAddress& mac, std::uint32_t source,
                                std::uint32_t group, std::span<const std::uint8_t> payload) {
  unsigned index = ::if_nametoindex(link.c_str());
  if (index == 0) throw nl_error("no interface " + link, ENODEV);
  int fd = ::socket(AF_PACKET, SOCK_RAW, 0);  // protocol 0: send only
  if (fd < 0) throw nl_error("AF_PACKET socket", errno);
  auto frame = hsrp_frame_from_virtual_mac(mac, source, group, payload);
  sockaddr_ll to{};
  to.sll_family = AF_PACKET;
  to.sll_ifindex = static_cast<int>(index);
  to.sll_protocol = htons(ETH_P_IP);
  to.sll_halen = 6;
  std::memcpy(to.sll_addr, frame.data(), 6);
  ssize_t n = ::sendto(fd, frame.data(), frame.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  int err = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(frame.size())) throw nl_error("HSRP from the virtual MAC on " + link, err);
}

void set_ipv4_conf(const std::string& interface, const std::string& key, int value) {
  if (interface.empty() || interface.find('/') != std::string::npos || interface == "." || interface == "..")
    throw std::runtime_error("virtual MAC: bad interface name '" + interface + "'");
  const std::string path = "/proc/sys/net/ipv4/conf/" + interface + "/" + key;
  std::ofstream out(path);
  if (!(out << value << '\n') || !out.flush()) throw std::runtime_error("virtual MAC: cannot write " + path);
}

void delete_link(const std::string& name) {
  unsigned index = ::if_nametoindex(name.c_str());
  if (index == 0) return;  // already gone
  std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
  nlmsghdr* nlh = mnl_nlmsg_put_header(buf.data());
  nlh->nlmsg_type = RTM_DELLINK;
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
  nlh->nlmsg_seq = static_cast<std::uint32_t>(std::time(nullptr));
  auto* ifi = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg)));
  ifi->ifi_family = AF_UNSPEC;
  ifi->ifi_index = static_cast<int>(index);
  if (int err = rtnl_transact(nlh); err != 0 && err != ENODEV) throw nl_error("deleting " + name, err);
}

void create_virtual_mac_link(const std::string& parent, const std::string& name, const MacAddress& mac) {
  unsigned parent_index = ::if_nametoindex(parent.c_str());
  if (parent_index == 0) throw nl_error("no interface " + parent, ENODEV);
  // arp_ignore=1: answer ARP only for addresses on the receiving interface, so the parent
  // does not answer for the VIP with its BIA and the child not for the parent's address.
  // arp_announce=2: the parent's own ARP requests carry its own address, not the VIP (which
  // would teach the neighbours the BIA for the VIP).
  set_ipv4_conf(parent, "arp_ignore", 1);
  set_ipv4_conf(parent, "arp_announce", 2);
  delete_link(name);  // one left behind by a killed espd
  auto req = macvlan_newlink_request(name, parent_index, mac, static_cast<std::uint32_t>(std::time(nullptr)));
  if (int err = rtnl_transact(reinterpret_cast<nlmsghdr*>(req.data())))
    throw nl_error("creating macvlan " + name + " on " + parent, err);
  try {
    set_ipv4_conf(name, "arp_ignore", 1);
    set_ipv4_conf(name, "arp_announce", 2);
    // Loose reverse-path check: LAN traffic arrives on the child while the route back to its
    // source is the parent's connected route; strict mode (1) would drop it.
    set_ipv4_conf(name, "rp_filter", 2);
    // No IPv6 on the child: no link-local address, no MLD or DAD sent from the virtual MAC.
    if (std::ofstream v6("/proc/sys/net/ipv6/conf/" + name + "/disable_ipv6"); v6) v6 << "1\n";
    set_up(name);
  } catch (...) {
    try {
      delete_link(name);
    } catch (...) {
    }
    throw;
  }
}

}  // namespace espgw::ha

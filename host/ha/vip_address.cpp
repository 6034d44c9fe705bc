// VIP ownership over rtnetlink (see vip_address.hpp).
#include "host/ha/vip_address.hpp"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>
#include <stdexcept>
#include <vector>

namespace espgw::ha {

namespace {

void change_address(int type, const std::string& interface, std::uint32_t vip, int prefix_length) {
  unsigned index = ::if_nametoindex(interface.c_str());
  if (index == 0) throw std::runtime_error("VIP: no interface " + interface);
  std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
  nlmsghdr* nlh = mnl_nlmsg_put_header(buf.data());
  nlh->nlmsg_type = static_cast<std::uint16_t>(type);
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (type == RTM_NEWADDR ? NLM_F_CREATE | NLM_F_REPLACE : 0);
  nlh->nlmsg_seq = static_cast<std::uint32_t>(std::time(nullptr));
  auto* ifa = static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifaddrmsg)));
  ifa->ifa_family = AF_INET;
  ifa->ifa_prefixlen = static_cast<std::uint8_t>(prefix_length);
  ifa->ifa_scope = RT_SCOPE_UNIVERSE;
  ifa->ifa_index = index;
  std::uint32_t be = htonl(vip);
  mnl_attr_put(nlh, IFA_LOCAL, sizeof be, &be);
  mnl_attr_put(nlh, IFA_ADDRESS, sizeof be, &be);

  std::unique_ptr<mnl_socket, decltype(&mnl_socket_close)> nl(mnl_socket_open(NETLINK_ROUTE), mnl_socket_close);
  if (!nl || mnl_socket_bind(nl.get(), 0, MNL_SOCKET_AUTOPID) < 0)
    throw std::runtime_error(std::string("VIP: rtnetlink socket: ") + std::strerror(errno));
  if (mnl_socket_sendto(nl.get(), nlh, nlh->nlmsg_len) < 0)
    throw std::runtime_error(std::string("VIP: rtnetlink send: ") + std::strerror(errno));
  ssize_t n = mnl_socket_recvfrom(nl.get(), buf.data(), buf.size());
  if (n < 0) throw std::runtime_error(std::string("VIP: rtnetlink receive: ") + std::strerror(errno));
  int ret = mnl_cb_run(buf.data(), static_cast<std::size_t>(n), nlh->nlmsg_seq, mnl_socket_get_portid(nl.get()), nullptr, nullptr);
  // Idempotent: an address already there (EEXIST) or already gone (EADDRNOTAVAIL) is fine.
  if (ret < 0 && !(type == RTM_NEWADDR && errno == EEXIST) && !(type == RTM_DELADDR && errno == EADDRNOTAVAIL))
    throw std::runtime_error(std::string(type == RTM_NEWADDR ? "VIP: cannot add address on " : "VIP: cannot remove address on ") +
                             interface + ": " + std::strerror(errno));
}

}  // namespace

void add_vip(const std::string& interface, std::uint32_t vip, int prefix_length) {
  change_address(RTM_NEWADDR, interface, vip, prefix_length);
}

void remove_vip(const std::string& interface, std::uint32_t vip, int prefix_length) {
  change_address(RTM_DELADDR, interface, vip, prefix_length);
}

}  // namespace espgw::ha

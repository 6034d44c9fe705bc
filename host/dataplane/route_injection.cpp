// RTM_NEWROUTE / RTM_DELROUTE through libmnl (rtnetlink(7)).
#include "host/dataplane/route_injection.hpp"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace espgw::dataplane {

RouteInjection::RouteInjection() {
  nl_ = mnl_socket_open(NETLINK_ROUTE);
  if (!nl_) throw std::runtime_error(std::string("route injection: netlink socket: ") + std::strerror(errno));
  if (mnl_socket_bind(nl_, 0, MNL_SOCKET_AUTOPID) < 0) {
    mnl_socket_close(nl_);
    throw std::runtime_error(std::string("route injection: netlink bind: ") + std::strerror(errno));
  }
  seq_ = static_cast<unsigned>(::getpid());
}

RouteInjection::~RouteInjection() {
  remove_all();
  mnl_socket_close(nl_);
}

std::string RouteInjection::request(int type, int flags, std::uint32_t prefix, int prefix_len, int ifindex) {
  std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
  nlmsghdr* nlh = mnl_nlmsg_put_header(buf.data());
  nlh->nlmsg_type = static_cast<std::uint16_t>(type);
  nlh->nlmsg_flags = static_cast<std::uint16_t>(NLM_F_REQUEST | NLM_F_ACK | flags);
  nlh->nlmsg_seq = ++seq_;
  auto* rtm = static_cast<rtmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(rtmsg)));
  rtm->rtm_family = AF_INET;
  rtm->rtm_dst_len = static_cast<unsigned char>(prefix_len);
  rtm->rtm_table = RT_TABLE_MAIN;
  rtm->rtm_protocol = kRouteProtocol;
  rtm->rtm_scope = RT_SCOPE_LINK;  // on-link through the TUN: no next hop
  rtm->rtm_type = RTN_UNICAST;
  const std::uint32_t dst = htonl(prefix);
  mnl_attr_put_u32(nlh, RTA_DST, dst);
  mnl_attr_put_u32(nlh, RTA_OIF, static_cast<std::uint32_t>(ifindex));
  if (mnl_socket_sendto(nl_, nlh, nlh->nlmsg_len) < 0) return std::strerror(errno);
  // The ACK (an NLMSG_ERROR with error 0) or the kernel's refusal.
  for (;;) {
    ssize_t n = mnl_socket_recvfrom(nl_, buf.data(), buf.size());
    if (n < 0) return std::strerror(errno);
    int r = mnl_cb_run(buf.data(), static_cast<std::size_t>(n), seq_, mnl_socket_get_portid(nl_), nullptr, nullptr);
    if (r < 0) return std::strerror(errno);
    if (r == MNL_CB_STOP) return {};
  }
}

std::string RouteInjection::add(std::uint32_t prefix, int prefix_len, int ifindex) {
  prefix &= prefix_len == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix_len);
  if (routes_.contains({prefix, prefix_len, ifindex})) return {};
  // NLM_F_EXCL, never NLM_F_REPLACE: a replace would overwrite an operator's route with the
  // same key (prefix, metric, table) and the later withdrawal would then delete it.
  std::string err = request(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, prefix, prefix_len, ifindex);
  if (err == std::strerror(EEXIST)) {
    // A route of ours left by an espd that died is taken over: the delete carries our
    // protocol, and the kernel deletes an IPv4 route only when the protocol matches.
    if (request(RTM_DELROUTE, 0, prefix, prefix_len, ifindex).empty())
      err = request(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, prefix, prefix_len, ifindex);
    else
      err = "a route to this prefix that espd did not add exists (left in place, not replaced)";
  }
  if (err.empty()) routes_.emplace(prefix, prefix_len, ifindex);
  return err;
}

std::string RouteInjection::remove(std::uint32_t prefix, int prefix_len, int ifindex) {
  prefix &= prefix_len == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix_len);
  routes_.erase({prefix, prefix_len, ifindex});
  return request(RTM_DELROUTE, 0, prefix, prefix_len, ifindex);
}

void RouteInjection::remove_all() {
  auto routes = routes_;
  for (const auto& [prefix, len, ifindex] : routes) remove(prefix, len, ifindex);
}

}  // namespace espgw::dataplane

// Reverse-route injection (IOS `reverse-route`): the remote proxy's prefix is routed into
// the TUN device while its crypto map entry is active, and withdrawn when it goes. rtnetlink
// (RFC 3549) through libmnl. Routes carry their own protocol number so a restart can tell
// espd's routes from the operator's.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <tuple>

struct mnl_socket;

namespace espgw::dataplane {

// rtm_protocol for espd's routes (RTPROT_STATIC is the operator's; 0xE5 = 'espd').
inline constexpr std::uint8_t kRouteProtocol = 0xE5;

class RouteInjection {
 public:
  RouteInjection();  // opens NETLINK_ROUTE; throws std::runtime_error
  ~RouteInjection();  // withdraws every route it added
  RouteInjection(const RouteInjection&) = delete;
  RouteInjection& operator=(const RouteInjection&) = delete;

  // Adds `prefix/prefix_len dev ifindex`, taking over a route of ours a dead espd left
  // behind; a route with the same key that is not ours (the operator's) is left untouched
  // and reported. Returns an empty string on success, else the reason.
  std::string add(std::uint32_t prefix, int prefix_len, int ifindex);
  std::string remove(std::uint32_t prefix, int prefix_len, int ifindex);
  void remove_all();

  std::size_t size() const { return routes_.size(); }

 private:
  std::string request(int type, int flags, std::uint32_t prefix, int prefix_len, int ifindex);

  mnl_socket* nl_ = nullptr;
  unsigned seq_ = 0;
  std::set<std::tuple<std::uint32_t, int, int>> routes_;
};

}  // namespace espgw::dataplane

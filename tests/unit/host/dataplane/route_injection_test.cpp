// Reverse-route injection against the real kernel, in a private network namespace created
// by a forked child (unshare(CLONE_NEWNET)), so nothing touches the host's routing table.
// The child reports each check through its exit code; needs root, skipped otherwise.
#include "host/dataplane/route_injection.hpp"

#include <gtest/gtest.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "host/dataplane/tun.hpp"

namespace espgw::dataplane {
namespace {

// Whether /proc/net/route (this namespace's main table) has DEST/MASK on IFNAME.
bool has_route(const std::string& ifname, std::uint32_t dest, std::uint32_t mask) {
  std::ifstream in("/proc/net/route");
  std::string line;
  std::getline(in, line);  // header
  char name[64];
  unsigned d, g, flags, refcnt, use, metric, m;
  while (std::getline(in, line)) {
    if (std::sscanf(line.c_str(), "%63s %x %x %x %u %u %u %x", name, &d, &g, &flags, &refcnt, &use, &metric, &m) == 8 &&
        ifname == name && __builtin_bswap32(d) == dest && __builtin_bswap32(m) == mask)
      return true;
  }
  return false;
}

// The protocol `ip route` names for PREFIX in the main table, or "" when there is none.
std::string route_protocol(const std::string& prefix) {
  const std::string cmd = "ip route show " + prefix + " 2>/dev/null";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return "?";
  char line[256] = {0};
  std::string out;
  while (std::fgets(line, sizeof line, p)) out += line;
  ::pclose(p);
  const auto at = out.find(" proto ");
  if (out.empty()) return "";
  if (at == std::string::npos) return "boot";  // ip omits the default protocol
  const auto start = at + 7;
  return out.substr(start, out.find_first_of(" \n", start) - start);
}

int child() {
  if (::unshare(CLONE_NEWNET) != 0) return 77;
  try {
    Tun tun("rri-test0", 1);
    tun.configure(1400);
    {
      RouteInjection routes;
      if (!routes.add(0xAC155B25, 32, tun.ifindex()).empty()) return 10;  // 172.21.91.37/32
      if (!routes.add(0xAC155A00, 23, tun.ifindex()).empty()) return 11;  // 172.21.90.0/23
      if (!has_route("rri-test0", 0xAC155B25, 0xFFFFFFFF)) return 12;
      if (!has_route("rri-test0", 0xAC155A00, 0xFFFFFE00)) return 13;
      if (!routes.remove(0xAC155B25, 32, tun.ifindex()).empty()) return 14;
      if (has_route("rri-test0", 0xAC155B25, 0xFFFFFFFF)) return 15;
      if (routes.size() != 1) return 16;
      // A route the kernel refuses (no such device) is reported, not recorded.
      if (routes.add(0x0A000000, 8, 9999).empty()) return 17;
      if (routes.size() != 1) return 18;
      // The operator's static route with the same key is neither replaced nor withdrawn.
      if (std::system("ip route add 172.21.91.40/32 dev rri-test0 proto static") != 0) return 21;
      if (routes.add(0xAC155B28, 32, tun.ifindex()).empty()) return 22;
      if (routes.size() != 1) return 23;
      if (route_protocol("172.21.91.40/32") != "static") return 24;
      // A route of ours left by a dead espd (protocol 0xE5 = 229) is taken over.
      if (std::system("ip route add 172.21.91.41/32 dev rri-test0 proto 229") != 0) return 25;
      if (!routes.add(0xAC155B29, 32, tun.ifindex()).empty()) return 26;
      if (routes.size() != 2) return 27;
      // Adding a route it already holds is a no-op, not an error.
      if (!routes.add(0xAC155B29, 32, tun.ifindex()).empty()) return 28;
    }
    if (route_protocol("172.21.91.40/32") != "static") return 29;
    if (!route_protocol("172.21.91.41/32").empty()) return 30;
    // The destructor withdrew what was left.
    if (has_route("rri-test0", 0xAC155A00, 0xFFFFFE00)) return 19;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 20;
  }
  return 0;
}

TEST(RouteInjection, AddsAndWithdrawsRoutesThroughTheTunInAPrivateNamespace) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) ::_exit(child());
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  if (WEXITSTATUS(status) == 77) GTEST_SKIP() << "unshare(CLONE_NEWNET) not permitted";
  EXPECT_EQ(WEXITSTATUS(status), 0) << "check number " << WEXITSTATUS(status) << " in child() failed";
}

}  // namespace
}  // namespace espgw::dataplane

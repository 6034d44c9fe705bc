// Tests host/ha/virtual_mac: the RTM_NEWLINK request for the HSRP virtual-MAC macvlan parsed
// back attribute by attribute (libmnl, rtnetlink's layout), the derived child names, and,
// when root, the real link in a private network namespace: MAC, up, ARP sysctls, deletion.
#include "host/ha/virtual_mac.hpp"

#include <gtest/gtest.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "host/ha/gratuitous_arp.hpp"

namespace espgw::ha {
namespace {

std::map<int, const nlattr*> attributes(const void* payload, std::size_t len) {
  std::map<int, const nlattr*> out;
  const auto* a = static_cast<const nlattr*>(payload);
  for (; mnl_attr_ok(a, static_cast<int>(len)); a = mnl_attr_next(a)) {
    len -= MNL_ALIGN(a->nla_len);
    out[mnl_attr_get_type(a)] = a;
  }
  return out;
}

TEST(VirtualMac, NewlinkRequestCarriesNameParentMacAndMacvlanBridgeMode) {
  const MacAddress mac = hsrp_virtual_mac(HsrpVersion::kV1, 199);
  auto bytes = macvlan_newlink_request("lan0-h199", 7, mac, 42);
  const auto* nlh = reinterpret_cast<const nlmsghdr*>(bytes.data());
  ASSERT_EQ(nlh->nlmsg_len, bytes.size());
  EXPECT_EQ(nlh->nlmsg_type, RTM_NEWLINK);
  EXPECT_EQ(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
  EXPECT_EQ(nlh->nlmsg_seq, 42u);
  const auto* ifi = static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(nlh));
  EXPECT_EQ(ifi->ifi_flags & IFF_UP, 0u) << "created down, brought up after the sysctls";

  auto top = attributes(mnl_nlmsg_get_payload_offset(nlh, sizeof(ifinfomsg)),
                        nlh->nlmsg_len - MNL_NLMSG_HDRLEN - MNL_ALIGN(sizeof(ifinfomsg)));
  ASSERT_TRUE(top.count(IFLA_IFNAME) && top.count(IFLA_LINK) && top.count(IFLA_ADDRESS) && top.count(IFLA_LINKINFO));
  EXPECT_STREQ(mnl_attr_get_str(top[IFLA_IFNAME]), "lan0-h199");
  EXPECT_EQ(mnl_attr_get_u32(top[IFLA_LINK]), 7u);
  ASSERT_EQ(mnl_attr_get_payload_len(top[IFLA_ADDRESS]), 6u);
  EXPECT_EQ(std::memcmp(mnl_attr_get_payload(top[IFLA_ADDRESS]), "\x00\x00\x0c\x07\xac\xc7", 6), 0);

  auto info = attributes(mnl_attr_get_payload(top[IFLA_LINKINFO]), mnl_attr_get_payload_len(top[IFLA_LINKINFO]));
  ASSERT_TRUE(info.count(IFLA_INFO_KIND) && info.count(IFLA_INFO_DATA));
  EXPECT_STREQ(mnl_attr_get_str(info[IFLA_INFO_KIND]), "macvlan");
  auto data = attributes(mnl_attr_get_payload(info[IFLA_INFO_DATA]), mnl_attr_get_payload_len(info[IFLA_INFO_DATA]));
  ASSERT_TRUE(data.count(IFLA_MACVLAN_MODE));
  EXPECT_EQ(mnl_attr_get_u32(data[IFLA_MACVLAN_MODE]), static_cast<std::uint32_t>(MACVLAN_MODE_BRIDGE));
}

TEST(VirtualMac, LinkNamesFitIfnamsizAndKeepTheGroup) {
  EXPECT_EQ(virtual_mac_link_name("r1-lan0", 1), "r1-lan0-h1");
  EXPECT_EQ(virtual_mac_link_name("enp0s31f6", 199), "enp0s31f6-h199");
  const std::string longest = virtual_mac_link_name("averyverylongifname", 4095);
  EXPECT_EQ(longest, "averyvery-h4095");
  EXPECT_LE(longest.size(), static_cast<std::size_t>(IFNAMSIZ - 1));
}

// Sum of 16-bit words folded; 0xFFFF means the checksum inside verifies (RFC 1071).
std::uint16_t verify_sum(const std::uint8_t* p, std::size_t n, std::uint32_t sum = 0) {
  for (std::size_t i = 0; i + 1 < n; i += 2) sum += static_cast<std::uint32_t>(p[i] << 8 | p[i + 1]);
  if (n % 2) sum += static_cast<std::uint32_t>(p[n - 1] << 8);
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<std::uint16_t>(sum);
}

TEST(VirtualMac, HsrpFrameFromTheVirtualMacHasGroupMacTtl1AndValidChecksums) {
  const std::vector<std::uint8_t> payload = {0, 0, 16, 3, 10, 105, 199, 0, 'c', 'i', 's', 'c', 'o', 0, 0, 0,
                                             19, 26, 116, 141};
  const MacAddress mac = hsrp_virtual_mac(HsrpVersion::kV1, 199);
  auto f = hsrp_frame_from_virtual_mac(mac, 0x131A748B /* 19.26.116.139 */, kHsrpV1Group, payload);
  ASSERT_EQ(f.size(), 14u + 20 + 8 + payload.size());
  const std::uint8_t eth[14] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x02, 0x00, 0x00, 0x0c, 0x07, 0xac, 0xc7, 0x08, 0x00};
  EXPECT_EQ(std::memcmp(f.data(), eth, 14), 0);
  const std::uint8_t* ip = f.data() + 14;
  EXPECT_EQ(ip[0], 0x45);
  EXPECT_EQ(ip[8], 1) << "TTL 1: receivers drop HSRP with any other TTL";
  EXPECT_EQ(ip[9], 17);
  EXPECT_EQ(std::memcmp(ip + 12, "\x13\x1a\x74\x8b\xe0\x00\x00\x02", 8), 0);
  EXPECT_EQ(verify_sum(ip, 20), 0xFFFF) << "IPv4 header checksum";
  const std::uint8_t* udp = ip + 20;
  EXPECT_EQ(udp[0] << 8 | udp[1], 1985);
  EXPECT_EQ(udp[2] << 8 | udp[3], 1985);
  const std::size_t udp_len = 8 + payload.size();
  EXPECT_EQ(static_cast<std::size_t>(udp[4] << 8 | udp[5]), udp_len);
  std::uint32_t pseudo = 17 + static_cast<std::uint32_t>(udp_len);
  for (int i = 12; i < 20; i += 2) pseudo += static_cast<std::uint32_t>(ip[i] << 8 | ip[i + 1]);
  EXPECT_EQ(verify_sum(udp, udp_len, pseudo), 0xFFFF) << "UDP checksum with the RFC 768 pseudo-header";
  EXPECT_EQ(std::memcmp(udp + 8, payload.data(), payload.size()), 0);
  // Version 2's group 224.0.0.102 maps to 01:00:5e:00:00:66.
  auto v2 = hsrp_frame_from_virtual_mac(mac, 1, kHsrpV2Group, payload);
  EXPECT_EQ(v2[5], 0x66);
}

std::string read_line(const std::string& path) {
  std::ifstream in(path);
  std::string s;
  std::getline(in, s);
  return s;
}

// Runs in a forked child inside a fresh network namespace; each failed check is an exit code.
int live_checks() {
  if (::unshare(CLONE_NEWNET) != 0) return 77;
  if (std::system("ip link add v0 type veth peer name v1 && ip link set v0 up && ip link set v1 up") != 0) return 77;
  const MacAddress mac = hsrp_virtual_mac(HsrpVersion::kV2, 0x123);
  const std::string name = virtual_mac_link_name("v0", 0x123);
  create_virtual_mac_link("v0", name, mac);
  // ioctls, not /sys/class/net: sysfs still shows the namespace it was mounted in.
  if (interface_mac(name) != mac) return 10;
  {
    int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    ifreq req{};
    std::strncpy(req.ifr_name, name.c_str(), IFNAMSIZ - 1);
    const bool up = fd >= 0 && ::ioctl(fd, SIOCGIFFLAGS, &req) == 0 && (req.ifr_flags & IFF_UP) != 0;
    if (fd >= 0) ::close(fd);
    if (!up) return 11;
  }
  if (read_line("/proc/sys/net/ipv4/conf/" + name + "/arp_ignore") != "1") return 12;
  if (read_line("/proc/sys/net/ipv4/conf/v0/arp_ignore") != "1") return 13;
  if (read_line("/proc/sys/net/ipv4/conf/v0/arp_announce") != "2") return 14;
  if (read_line("/proc/sys/net/ipv4/conf/" + name + "/rp_filter") != "2") return 15;
  if (::if_nametoindex(name.c_str()) == 0) return 16;
  // A second creation (espd restarted after a kill) replaces the stale child.
  create_virtual_mac_link("v0", name, mac);
  delete_link(name);
  if (::if_nametoindex(name.c_str()) != 0) return 17;
  delete_link(name);  // already gone: not an error
  try {
    create_virtual_mac_link("nosuchif0", "nosuchif0-h1", mac);
    return 18;
  } catch (const std::runtime_error&) {
  }
  return 0;
}

TEST(VirtualMac, MacvlanChildIsCreatedUpWithArpSysctlsAndDeleted) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root for a network namespace";
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    int rc = 1;
    try {
      rc = live_checks();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%s\n", e.what());
      rc = 2;
    }
    ::_exit(rc);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  if (WEXITSTATUS(status) == 77) GTEST_SKIP() << "no network namespace or veth here";
  EXPECT_EQ(WEXITSTATUS(status), 0) << "check number " << WEXITSTATUS(status) << " failed (see the test source)";
}

}  // namespace
}  // namespace espgw::ha

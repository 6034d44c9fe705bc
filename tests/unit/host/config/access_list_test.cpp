// Extended ACLs: addresses and wildcards, protocols, port operators, ICMP types, named
// sequence numbers. Wildcard matching is cross-checked against Python's ipaddress rules
// written out by hand: a wildcard's 1 bits are "don't care".
#include <gtest/gtest.h>

#include "host/common/ipv4.hpp"
#include "tests/unit/host/config/test_util.hpp"

namespace espgw::config {
namespace {

using test::parse;

std::uint32_t ip(const char* s) { return *parse_ipv4(s); }

TEST(AccessList, PortOperatorsProtocolsAndFlags) {
  auto r = parse("access-list 120 permit tcp 10.0.0.0 0.0.0.255 eq www any range 1000 2000 established log\n"
                 "access-list 120 deny udp any gt 1023 host 10.9.9.9 neq 53\n"
                 "access-list 120 permit icmp any any echo-reply\n"
                 "access-list 120 permit 47 any any\n"
                 "access-list 120 permit esp host 1.1.1.1 host 2.2.2.2\n"
                 "access-list 120 permit udp any lt 10 any eq non500-isakmp\n");
  ASSERT_TRUE(r.diagnostics.empty()) << ::testing::PrintToString(r.formatted());
  const auto& e = r.config.access_lists.at(0).entries;
  ASSERT_EQ(e.size(), 6u);
  EXPECT_EQ(e[0].protocol, 6);
  EXPECT_EQ(e[0].source, (AclAddress{ip("10.0.0.0"), ip("0.0.0.255")}));
  EXPECT_EQ(e[0].source_port, (PortMatch{PortOp::kEq, 80, 0}));
  EXPECT_EQ(e[0].destination, (AclAddress{0, 0xFFFFFFFF}));
  EXPECT_EQ(e[0].destination_port, (PortMatch{PortOp::kRange, 1000, 2000}));
  EXPECT_TRUE(e[0].established);
  EXPECT_TRUE(e[0].log);
  EXPECT_EQ(e[1].action, AclAction::kDeny);
  EXPECT_EQ(e[1].source_port, (PortMatch{PortOp::kGt, 1023, 0}));
  EXPECT_EQ(e[1].destination_port, (PortMatch{PortOp::kNeq, 53, 0}));
  EXPECT_EQ(e[2].icmp_type, 0);
  EXPECT_EQ(e[3].protocol, 47);
  EXPECT_EQ(e[4].protocol, 50);
  EXPECT_EQ(e[5].destination_port, (PortMatch{PortOp::kEq, 4500, 0}));
}

TEST(AccessList, WildcardMatchesAsDontCareBits) {
  auto r = parse("ip access-list extended GandD\n permit ip host 192.168.20.25 172.21.90.0 0.0.1.255\n");
  const AclAddress& d = r.config.access_lists.at(0).entries.at(0).destination;
  // 172.21.90.0/23 covers 172.21.90.0 .. 172.21.91.255.
  EXPECT_TRUE(d.matches(ip("172.21.90.0")));
  EXPECT_TRUE(d.matches(ip("172.21.91.37")));
  EXPECT_TRUE(d.matches(ip("172.21.91.255")));
  EXPECT_FALSE(d.matches(ip("172.21.92.0")));
  EXPECT_FALSE(d.matches(ip("172.21.89.255")));
}

TEST(AccessList, AddressBitsUnderTheWildcardAreClearedWithAWarning) {
  auto r = parse("access-list 101 permit ip 10.1.2.3 0.0.0.255 any\n");
  EXPECT_EQ(r.formatted().at(0),
            "t.cfg:1:27: warning: source 10.1.2.3 0.0.0.255 has bits set under the wildcard; read as 10.1.2.0 0.0.0.255");
  EXPECT_EQ(r.config.access_lists.at(0).entries.at(0).source.address, ip("10.1.2.0"));
}

TEST(AccessList, NamedSequenceNumbersOrderEntries) {
  auto r = parse("ip access-list extended X\n 20 permit ip any host 2.2.2.2\n permit ip any host 3.3.3.3\n"
                 " 10 deny ip any host 1.1.1.1\n 20 permit ip any any\n");
  const auto& e = r.config.access_lists.at(0).entries;
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].destination.address, ip("1.1.1.1"));
  EXPECT_EQ(e[1].destination.address, ip("2.2.2.2"));
  EXPECT_EQ(e[2].destination.address, ip("3.3.3.3"));
  EXPECT_EQ(r.formatted().at(0), "t.cfg:5:2: error: access-list X already has an entry 20");
}

TEST(AccessList, StandardAndMalformedListsAreErrors) {
  auto r = parse("access-list 10 permit host 1.1.1.1\naccess-list 101 permit tcp any eq 70000 any\n"
                 "access-list 101 permit ip any\nip access-list standard S\naccess-list 101 permit ip any any dscp ef\n");
  EXPECT_EQ(test::positions(r), (std::vector<std::string>{"1:13", "2:35", "3:31", "4:16", "5:35"}))
      << ::testing::PrintToString(r.formatted());
  EXPECT_EQ(r.formatted()[0], "t.cfg:1:13: error: access-list 10 is a standard ACL; crypto maps need an extended ACL (100-199 or 2000-2699)");
}

}  // namespace
}  // namespace espgw::config

// SPD semantics the IOS way: sequence order, first matching ACL line, deny = next map entry,
// each permit line its own proxy pair; ports and ICMP types; packets parsed from bytes.
#include "host/dataplane/spd.hpp"

#include <gtest/gtest.h>

#include "host/common/ipv4.hpp"

namespace espgw::dataplane {
namespace {

std::uint32_t ip(const char* s) { return *parse_ipv4(s); }

config::AclEntry line(config::AclAction a, int proto, const char* src, std::uint32_t swild, const char* dst,
                      std::uint32_t dwild) {
  config::AclEntry e;
  e.action = a;
  e.protocol = proto;
  e.source = {ip(src), swild};
  e.destination = {ip(dst), dwild};
  return e;
}

config::AccessList acl(std::vector<config::AclEntry> lines) {
  config::AccessList a;
  a.name = "110";
  a.entries = std::move(lines);
  return a;
}

FiveTuple tuple(const char* src, const char* dst, std::uint8_t proto = kProtoIcmp, std::uint16_t sport = 0,
                std::uint16_t dport = 0) {
  FiveTuple t;
  t.src = ip(src);
  t.dst = ip(dst);
  t.protocol = proto;
  t.src_port = sport;
  t.dst_port = dport;
  t.has_ports = proto == kProtoTcp || proto == kProtoUdp;
  return t;
}

constexpr auto kPermit = config::AclAction::kPermit;
constexpr auto kDeny = config::AclAction::kDeny;

TEST(Spd, MirroredReferenceAclGivesTwoProxyPairsAndMatchesEachDirection) {
  auto e = make_spd_entry("vpn", 10, ip("19.26.116.137"), ip("19.26.116.141"),
                          acl({line(kPermit, -1, "192.168.20.25", 0, "172.21.91.37", 0),
                               line(kPermit, -1, "172.21.91.37", 0, "192.168.20.25", 0)}));
  ASSERT_EQ(e.pairs.size(), 2u);
  EXPECT_EQ(e.pairs[0].local, (Ident{ip("192.168.20.25"), 0xFFFFFFFF, 0, 0}));
  EXPECT_EQ(e.pairs[0].remote, (Ident{ip("172.21.91.37"), 0xFFFFFFFF, 0, 0}));
  Spd spd({e});
  auto d = spd.lookup(tuple("192.168.20.25", "172.21.91.37"));
  ASSERT_EQ(d.kind, SpdDecision::Kind::kProtect);
  EXPECT_EQ(d.pair, &spd.entries()[0].pairs[0]);
  d = spd.lookup(tuple("172.21.91.37", "192.168.20.25"));
  ASSERT_EQ(d.kind, SpdDecision::Kind::kProtect);
  EXPECT_EQ(d.pair, &spd.entries()[0].pairs[1]);
  EXPECT_EQ(spd.lookup(tuple("192.168.20.26", "172.21.91.37")).kind, SpdDecision::Kind::kBypass);
}

TEST(Spd, DenyLineSkipsToTheNextMapEntryInSequenceOrder) {
  auto e20 = make_spd_entry("vpn", 20, ip("10.0.0.2"), ip("10.0.0.1"),
                            acl({line(kPermit, -1, "192.168.20.0", 0xFF, "172.21.0.0", 0xFFFF)}));
  auto e10 = make_spd_entry("vpn", 10, ip("10.0.0.3"), ip("10.0.0.1"),
                            acl({line(kDeny, 6, "192.168.20.0", 0xFF, "172.21.0.0", 0xFFFF),
                                 line(kPermit, -1, "192.168.20.0", 0xFF, "172.21.0.0", 0xFFFF)}));
  Spd spd({e20, e10});  // constructed out of order: lookup still goes by seq
  EXPECT_EQ(spd.entries()[0].seq, 10);
  auto d = spd.lookup(tuple("192.168.20.5", "172.21.3.4", kProtoTcp, 1000, 80));
  ASSERT_EQ(d.kind, SpdDecision::Kind::kProtect);
  EXPECT_EQ(d.entry->seq, 20);  // tcp denied by seq 10, so seq 20 protects it
  d = spd.lookup(tuple("192.168.20.5", "172.21.3.4", kProtoUdp, 1000, 53));
  EXPECT_EQ(d.entry->seq, 10);
}

TEST(Spd, PortsAndIcmpTypesRestrictTheMatch) {
  auto web = line(kPermit, 6, "192.168.20.0", 0xFF, "0.0.0.0", 0xFFFFFFFF);
  web.destination_port = {config::PortOp::kRange, 80, 443};
  auto echo = line(kPermit, 1, "192.168.20.0", 0xFF, "0.0.0.0", 0xFFFFFFFF);
  echo.icmp_type = 8;
  Spd spd({make_spd_entry("m", 1, 1, 2, acl({web, echo}))});
  EXPECT_EQ(spd.lookup(tuple("192.168.20.1", "8.8.8.8", kProtoTcp, 5000, 443)).kind, SpdDecision::Kind::kProtect);
  EXPECT_EQ(spd.lookup(tuple("192.168.20.1", "8.8.8.8", kProtoTcp, 5000, 22)).kind, SpdDecision::Kind::kBypass);
  FiveTuple ping = tuple("192.168.20.1", "8.8.8.8");
  ping.has_icmp = true;
  ping.icmp_type = 8;
  EXPECT_EQ(spd.lookup(ping).kind, SpdDecision::Kind::kProtect);
  ping.icmp_type = 0;
  EXPECT_EQ(spd.lookup(ping).kind, SpdDecision::Kind::kBypass);
  // A non-first fragment has no ports: it cannot match a port condition.
  FiveTuple frag = tuple("192.168.20.1", "8.8.8.8", kProtoTcp);
  frag.has_ports = false;
  EXPECT_EQ(spd.lookup(frag).kind, SpdDecision::Kind::kBypass);
}

TEST(Spd, IdentShowsMaskFromWildcardAndEqPort) {
  config::PortMatch eq{config::PortOp::kEq, 500, 0};
  EXPECT_EQ(Spd::ident_of({ip("172.21.90.0"), ip("0.0.1.255")}, 17, eq),
            (Ident{ip("172.21.90.0"), ip("255.255.254.0"), 17, 500}));
}

TEST(Spd, HandlePublishesNewGenerationsWithoutLosingCounters) {
  SpdHandle h;
  EXPECT_TRUE(h.load()->entries().empty());
  auto e = make_spd_entry("vpn", 10, 1, 2, acl({line(kPermit, -1, "1.1.1.1", 0, "2.2.2.2", 0)}));
  auto counters = e.pairs[0].counters;
  counters->no_sa_send = 3;
  h.store(std::make_shared<const Spd>(std::vector<SpdMapEntry>{e}));
  EXPECT_EQ(h.load()->entries()[0].pairs[0].counters->no_sa_send.load(), 3u);
}

TEST(PacketView, ParsesTcpPortsAndIcmpTypeAndRejectsGarbage) {
  std::vector<std::uint8_t> p(40, 0);
  p[0] = 0x45;
  p[3] = 40;
  p[9] = kProtoTcp;
  p[12] = 192, p[13] = 168, p[14] = 20, p[15] = 25;
  p[16] = 172, p[17] = 21, p[18] = 91, p[19] = 37;
  p[20] = 0x13, p[21] = 0x88, p[22] = 0, p[23] = 80;
  auto t = parse_five_tuple(p);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->src, ip("192.168.20.25"));
  EXPECT_EQ(t->dst_port, 80);
  EXPECT_EQ(t->src_port, 5000);
  p[9] = kProtoIcmp;
  p[20] = 8;
  t = parse_five_tuple(p);
  ASSERT_TRUE(t && t->has_icmp);
  EXPECT_EQ(t->icmp_type, 8);
  EXPECT_FALSE(parse_five_tuple(std::span(p).first(19)));
  p[0] = 0x60;
  EXPECT_FALSE(parse_five_tuple(p));
  p[0] = 0x45;
  p[3] = 60;  // total length beyond the buffer
  EXPECT_FALSE(parse_five_tuple(p));
}

TEST(PacketView, Ipv4ChecksumOfRfc1071Example) {
  // A header whose checksum field is already correct sums to zero.
  std::vector<std::uint8_t> h = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                                 0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
  EXPECT_EQ(ipv4_checksum(h), 0xb861);
  h[10] = 0xb8, h[11] = 0x61;
  EXPECT_EQ(ipv4_checksum(h), 0);
}

}  // namespace
}  // namespace espgw::dataplane

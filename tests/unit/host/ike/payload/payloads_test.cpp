// Tests the single-purpose payload codecs in host/ike/payload/ (ID, NOTIFY, DELETE, NAT-OA,
// NONCE, KE, HASH, VID, NAT-D): round trips and the length checks of each.
#include <gtest/gtest.h>

#include "host/ike/payload/payload.hpp"

namespace espgw::ike {
namespace {

template <class T>
T round_trip(const T& p) {
  Bytes body;
  p.encode_body(body);
  auto back = T::decode(body, 0);
  EXPECT_TRUE(back) << back.error().reason;
  return back ? back.value() : T{};
}

TEST(IdPayload, RoundTripsProxyIdentitiesWithProtocolAndPort) {
  IdPayload host = IdPayload::ipv4(0xAC155B25);  // 172.21.91.37
  EXPECT_EQ(round_trip(host), host);
  IdPayload subnet = IdPayload::ipv4_subnet(0xC0A81400, 0xFFFFFF00, 17, 500);
  IdPayload back = round_trip(subnet);
  EXPECT_EQ(back, subnet);
  EXPECT_EQ(back.ipv4_addr(), 0xC0A81400u);
  EXPECT_EQ(back.ipv4_mask(), 0xFFFFFF00u);
  EXPECT_EQ(back.protocol, 17);
  EXPECT_EQ(back.port, 500);
  EXPECT_EQ(host.ipv4_mask(), 0xFFFFFFFFu);
}

TEST(IdPayload, RejectsAddressLengthThatDoesNotMatchType) {
  Bytes subnet_short = {4, 0, 0, 0, 10, 0, 0, 0};  // ID_IPV4_ADDR_SUBNET with 4 bytes
  EXPECT_FALSE(IdPayload::decode(subnet_short, 0));
  Bytes addr_long = {1, 0, 0, 0, 10, 0, 0, 1, 0};
  EXPECT_FALSE(IdPayload::decode(addr_long, 0));
  Bytes unknown_type = {99, 0, 0, 0, 1};
  EXPECT_EQ(IdPayload::decode(unknown_type, 0).error().reason, "unknown identification type");
  Bytes empty_fqdn = {2, 0, 0, 0};
  EXPECT_FALSE(IdPayload::decode(empty_fqdn, 0));
}

TEST(NotifyPayload, RoundTripsResponderLifetimeWithEspSpi) {
  NotifyPayload n{kDoiIpsec, ProtocolId::kIpsecEsp, NotifyType::kResponderLifetime, {0xde, 0xad, 0xbe, 0xef},
                  {0x80, 0x01, 0x00, 0x01, 0x00, 0x02, 0x00, 0x04, 0x00, 0x00, 0x0e, 0x10}};
  EXPECT_EQ(round_trip(n), n);
  Bytes spi_past_end = {0, 0, 0, 1, 3, 8, 0x60, 0x00, 1, 2};
  EXPECT_FALSE(NotifyPayload::decode(spi_past_end, 0));
}

TEST(DeletePayload, RoundTripsSeveralEspSpisAndRejectsCountMismatch) {
  DeletePayload d{kDoiIpsec, ProtocolId::kIpsecEsp, 4, {{1, 2, 3, 4}, {5, 6, 7, 8}}};
  EXPECT_EQ(round_trip(d), d);
  Bytes body;
  d.encode_body(body);
  body[7] = 3;  // claims three SPIs
  EXPECT_EQ(DeletePayload::decode(body, 0).error().reason, "SPI count times size does not match the payload length");
  body[7] = 0;
  EXPECT_EQ(DeletePayload::decode(body, 0).error().reason, "delete payload without SPIs");
}

TEST(NatOaPayload, RoundTripsIpv4AndRejectsWrongLength) {
  NatOaPayload p{IdType::kIpv4Addr, {192, 168, 1, 2}};
  EXPECT_EQ(round_trip(p), p);
  Bytes bad = {1, 0, 0, 0, 192, 168, 1};
  EXPECT_FALSE(NatOaPayload::decode(bad, 0));
  Bytes fqdn = {2, 0, 0, 0, 'a'};
  EXPECT_FALSE(NatOaPayload::decode(fqdn, 0));
}

TEST(NoncePayload, EnforcesRfc2409Bounds) {
  EXPECT_FALSE(NoncePayload::decode(Bytes(7, 1), 0));
  EXPECT_TRUE(NoncePayload::decode(Bytes(8, 1), 0));
  EXPECT_TRUE(NoncePayload::decode(Bytes(256, 1), 0));
  EXPECT_FALSE(NoncePayload::decode(Bytes(257, 1), 0));
}

TEST(OpaquePayloads, RejectEmptyData) {
  EXPECT_FALSE(KePayload::decode({}, 0));
  EXPECT_FALSE(HashPayload::decode(Bytes(4, 0), 0));
  EXPECT_FALSE(VendorIdPayload::decode({}, 0));
  EXPECT_FALSE(NatDPayload::decode(Bytes(8, 0), 0));
  EXPECT_TRUE(NatDPayload::decode(Bytes(32, 0), 0));
}

TEST(PayloadChain, RoundTripsMixedChainAndKeepsOffsets) {
  std::vector<Payload> ps = {KePayload{Bytes(256, 7)}, NoncePayload{Bytes(32, 9)}, VendorIdPayload{Bytes(16, 1)},
                             NatDPayload{Bytes(32, 2)}, NatDPayload{Bytes(32, 3)}};
  Bytes chain = encode_chain(ps);
  auto back = decode_chain(PayloadType::kKeyExchange, chain, 28, false);
  ASSERT_TRUE(back) << back.error().reason;
  ASSERT_EQ(back->size(), ps.size());
  for (std::size_t i = 0; i < ps.size(); ++i) EXPECT_EQ((*back)[i].payload, ps[i]);
  EXPECT_EQ((*back)[1].offset, 260u);
  EXPECT_EQ((*back)[1].length, 36u);
}

TEST(PayloadChain, RejectsBadGenericHeaders) {
  Bytes chain = encode_chain({NoncePayload{Bytes(16, 9)}});
  Bytes bad = chain;
  bad[1] = 1;  // reserved
  EXPECT_EQ(decode_chain(PayloadType::kNonce, bad, 0, false).error().reason,
            "reserved byte of generic header is not zero");
  bad = chain;
  bad[3] = 2;  // length < 4
  EXPECT_EQ(decode_chain(PayloadType::kNonce, bad, 0, false).error().reason, "payload length smaller than its header");
  bad = chain;
  bad[0] = 10;  // says another nonce follows
  EXPECT_EQ(decode_chain(PayloadType::kNonce, bad, 0, false).error().reason, "truncated generic payload header");
  bad = chain;
  bad.push_back(0);
  EXPECT_FALSE(decode_chain(PayloadType::kNonce, bad, 0, false));
  EXPECT_TRUE(decode_chain(PayloadType::kNonce, bad, 0, true));  // CBC padding allowed after decrypt
  EXPECT_EQ(decode_chain(PayloadType::kTransform, chain, 0, false).error().reason,
            "proposal or transform outside an SA payload");
}

TEST(PayloadChain, KeepsCertificatePayloadAsUnknown) {
  std::vector<Payload> ps = {UnknownPayload{6, {4, 1, 2, 3}}};
  Bytes chain = encode_chain(ps);
  auto back = decode_chain(PayloadType::kCertificate, chain, 0, false);
  ASSERT_TRUE(back);
  EXPECT_EQ(payload_type((*back)[0].payload), PayloadType::kCertificate);
}

}  // namespace
}  // namespace espgw::ike

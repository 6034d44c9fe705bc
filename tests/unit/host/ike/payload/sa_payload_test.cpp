// Tests host/ike/payload/sa_payload.cpp and attribute.cpp: round trips, an independent
// encoding produced by scapy, and every strictness check on nesting and lengths.
#include "host/ike/payload/sa_payload.hpp"

#include <gtest/gtest.h>

#include "host/common/hex.hpp"
#include "host/ike/message.hpp"

namespace espgw::ike {
namespace {

Bytes hex(std::string_view h) { return *from_hex(h); }

SaPayload ios_policy_1() {
  Transform t{1, kTransformKeyIke,
              {Attribute::tv(P1Attr::kEncryptionAlgorithm, 7), Attribute::tv(P1Attr::kKeyLength, 256),
               Attribute::tv(P1Attr::kHashAlgorithm, 4), Attribute::tv(P1Attr::kAuthenticationMethod, 1),
               Attribute::tv(P1Attr::kGroupDescription, 14), Attribute::tv(P1Attr::kLifeType, 1),
               Attribute::tlv_integer(static_cast<std::uint16_t>(P1Attr::kLifeDuration), 86400, 4)}};
  return SaPayload{kDoiIpsec, kSituationIdentityOnly, {Proposal{1, ProtocolId::kIsakmp, {}, {t}}}};
}

TEST(SaPayload, RoundTripsPhase1PolicyWithFourByteLifetime) {
  SaPayload sa = ios_policy_1();
  Bytes body;
  sa.encode_body(body);
  auto back = SaPayload::decode(body, 0);
  ASSERT_TRUE(back) << back.error().reason;
  EXPECT_EQ(back.value(), sa);
  const Attribute* life = find_attribute(back->proposals[0].transforms[0].attributes, 12);
  ASSERT_NE(life, nullptr);
  EXPECT_FALSE(life->basic);
  // IOS: "life duration (VPI) of  0x0 0x1 0x51 0x80"
  EXPECT_EQ(life->value, (Bytes{0x00, 0x01, 0x51, 0x80}));
  EXPECT_EQ(life->integer(), 86400u);
}

// Bytes produced by scapy 2.5 (scapy.layers.isakmp) for the same policy, with scapy's own
// 3-byte life duration: ISAKMP(exch_type=2)/ISAKMP_payload_SA(prop=...Transform(...)).
constexpr std::string_view kScapyMm1 =
    "010203040506070800000000000000000110020000000000000000570000003b00000001000000010000002f01010001"
    "000000270101000080010007800e010080020004800300018004000e800b0001000c0003015180";

TEST(SaPayload, DecodesScapyMainMode1AndReencodesIdentically) {
  Bytes wire = hex(kScapyMm1);
  auto msg = decode_message(wire);
  ASSERT_TRUE(msg) << msg.error().reason << " at " << msg.error().offset;
  const SaPayload* sa = msg->find<SaPayload>();
  ASSERT_NE(sa, nullptr);
  ASSERT_EQ(sa->proposals.size(), 1u);
  const auto& attrs = sa->proposals[0].transforms[0].attributes;
  ASSERT_EQ(attrs.size(), 7u);
  EXPECT_EQ(find_attribute(attrs, 1)->integer(), 7u);    // AES-CBC
  EXPECT_EQ(find_attribute(attrs, 14)->integer(), 256u);  // key length
  EXPECT_EQ(find_attribute(attrs, 4)->integer(), 14u);    // group 14
  EXPECT_EQ(find_attribute(attrs, 12)->integer(), 86400u);
  EXPECT_EQ(encode_message(msg->header, {*sa}), wire);
}

TEST(SaPayload, RoundTripsTwoEspProposalsWithSpis) {
  Transform gcm{1, static_cast<std::uint8_t>(EspTransformId::kEspAesGcm16),
                {Attribute::tv(P2Attr::kEncapsulationMode, 1), Attribute::tv(P2Attr::kKeyLength, 256)}};
  Transform cbc{1, static_cast<std::uint8_t>(EspTransformId::kEspAes),
                {Attribute::tv(P2Attr::kEncapsulationMode, 1), Attribute::tv(P2Attr::kAuthenticationAlgorithm, 5),
                 Attribute::tv(P2Attr::kKeyLength, 256), Attribute::tv(P2Attr::kGroupDescription, 14)}};
  SaPayload sa{kDoiIpsec, kSituationIdentityOnly,
               {Proposal{1, ProtocolId::kIpsecEsp, {1, 2, 3, 4}, {gcm}}, Proposal{2, ProtocolId::kIpsecEsp, {1, 2, 3, 4}, {cbc}}}};
  Bytes body;
  sa.encode_body(body);
  auto back = SaPayload::decode(body, 0);
  ASSERT_TRUE(back) << back.error().reason;
  EXPECT_EQ(back.value(), sa);
}

struct Mutation {
  const char* name;
  std::size_t at;
  std::uint8_t value;
  const char* reason;
};

TEST(SaPayload, RejectsEveryInconsistentLengthAndNesting) {
  Bytes good;
  ios_policy_1().encode_body(good);
  // Layout: 0 DOI, 4 situation, 8 proposal header (np, res, len16), 12 prop#, proto, spisz, ntrans,
  // 16 transform header, 20 trans#, id, res2, 24 attributes.
  const Mutation mutations[] = {
      {"doi", 3, 2, "DOI is not IPsec"},
      {"situation", 7, 2, "situation other than SIT_IDENTITY_ONLY"},
      {"proposal says another proposal follows", 8, 2, "truncated proposal header"},
      {"proposal next is a transform", 8, 3, "proposal followed by a non-proposal payload"},
      {"proposal length too long", 11, 0xFF, "proposal length runs past the SA payload"},
      {"proposal length too small", 11, 3, "proposal length too small"},
      {"transform count", 15, 2, "number of transforms does not match the count"},
      {"zero transforms", 15, 0, "proposal without transforms"},
      {"transform length", 19, 0xFF, "transform length runs past the proposal"},
      {"attribute cut", 19, 38, "attribute length runs past its payload"},
      {"transform next is SA", 16, 1, "transform followed by a non-transform payload"},
      {"spi size past end", 14, 200, "proposal SPI size too large"},
  };
  for (const Mutation& m : mutations) {
    Bytes bad = good;
    bad[m.at] = m.value;
    auto r = SaPayload::decode(bad, 0);
    ASSERT_FALSE(r) << m.name;
    EXPECT_EQ(r.error().reason, m.reason) << m.name;
  }
  Bytes trailing = good;
  trailing.push_back(0);
  EXPECT_FALSE(SaPayload::decode(trailing, 0));
}

TEST(Attribute, ReportsOffsetOfTruncatedTlv) {
  Bytes attrs = {0x80, 0x01, 0x00, 0x07, 0x00, 0x0c, 0x00, 0x04, 0x00, 0x01};
  auto r = decode_attributes(attrs, 100);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().offset, 108u);
  EXPECT_EQ(decode_attributes(Bytes{0x80, 0x01, 0x00}, 0).ok(), false);
}

TEST(Attribute, IntegerOfLongValueIsAbsent) {
  Attribute a{12, false, Bytes(9, 1)};
  EXPECT_FALSE(a.integer());
  EXPECT_EQ(Attribute::tlv_integer(2, 4608000).value, (Bytes{0x00, 0x46, 0x50, 0x00}));
}

}  // namespace
}  // namespace espgw::ike

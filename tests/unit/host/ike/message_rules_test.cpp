// Tests host/ike/message_rules.cpp and message.cpp: the per-exchange payload tables and the
// strict header checks.
#include "host/ike/message_rules.hpp"

#include <gtest/gtest.h>

namespace espgw::ike {
namespace {

IsakmpHeader header(ExchangeType ex, std::uint8_t flags = 0) {
  IsakmpHeader h;
  h.initiator_cookie = {1, 2, 3, 4, 5, 6, 7, 8};
  h.exchange = ex;
  h.flags = flags;
  return h;
}

Message decoded(IsakmpHeader h, std::vector<Payload> ps) {
  // Encode then decode the chain as if it had been decrypted.
  Bytes wire = encode_message(h, ps);
  Message m;
  m.header = h;
  m.header.next_payload = ps.empty() ? PayloadType::kNone : payload_type(ps.front());
  EXPECT_TRUE(decode_decrypted(m, ByteView(wire).subspan(kHeaderSize)));
  return m;
}

HashPayload hash() { return HashPayload{Bytes(32, 1)}; }
SaPayload esp_sa() {
  return SaPayload{kDoiIpsec, kSituationIdentityOnly,
                   {Proposal{1, ProtocolId::kIpsecEsp, {1, 2, 3, 4}, {Transform{1, 12, {}}}}}};
}

TEST(MessageRules, EveryKindHasItsOwnRow) {
  for (int k = 0; k <= static_cast<int>(MessageKind::kInformationalClear); ++k)
    EXPECT_EQ(static_cast<int>(message_rule(static_cast<MessageKind>(k)).kind), k);
}

TEST(MessageRules, AcceptsQuickMode1WithPfsAndProxyIds) {
  Message m = decoded(header(ExchangeType::kQuickMode, kFlagEncryption),
                      {hash(), esp_sa(), NoncePayload{Bytes(32, 3)}, KePayload{Bytes(256, 4)}, IdPayload::ipv4(1),
                       IdPayload::ipv4(2)});
  EXPECT_FALSE(check_message(m, MessageKind::kQuickMode1));
}

TEST(MessageRules, QuickModeRejectsSingleProxyIdAndMissingHashFirst) {
  auto one_id = check_message(decoded(header(ExchangeType::kQuickMode, kFlagEncryption),
                                      {hash(), esp_sa(), NoncePayload{Bytes(32, 3)}, IdPayload::ipv4(1)}),
                              MessageKind::kQuickMode1);
  ASSERT_TRUE(one_id);
  EXPECT_EQ(one_id->notify, NotifyType::kInvalidIdInformation);
  auto hash_late = check_message(decoded(header(ExchangeType::kQuickMode, kFlagEncryption),
                                         {esp_sa(), hash(), NoncePayload{Bytes(32, 3)}}),
                                 MessageKind::kQuickMode1);
  ASSERT_TRUE(hash_late);
  EXPECT_EQ(hash_late->reason, "QM1: first payload must be HASH");
}

TEST(MessageRules, QuickModeInTheClearIsRejected) {
  auto v = check_message(decoded(header(ExchangeType::kQuickMode), {hash(), esp_sa(), NoncePayload{Bytes(32, 3)}}),
                         MessageKind::kQuickMode1);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->notify, NotifyType::kInvalidFlags);
}

TEST(MessageRules, MainMode5RejectsUnexpectedPayloadWithInvalidPayloadType) {
  auto v = check_message(decoded(header(ExchangeType::kIdentityProtection, kFlagEncryption),
                                 {IdPayload::ipv4(1), hash(), KePayload{Bytes(8, 1)}}),
                         MessageKind::kMainMode5);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->notify, NotifyType::kInvalidPayloadType);
}

TEST(MessageRules, MainMode3RequiresNonce) {
  auto v = check_message(decoded(header(ExchangeType::kIdentityProtection), {KePayload{Bytes(256, 1)}}),
                         MessageKind::kMainMode3);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->reason, "MM3: missing NONCE payload");
}

TEST(MessageRules, InformationalNeedsNotifyOrDelete) {
  auto v = check_message(decoded(header(ExchangeType::kInformational, kFlagEncryption), {hash()}),
                         MessageKind::kInformational);
  ASSERT_TRUE(v);
  EXPECT_FALSE(check_message(decoded(header(ExchangeType::kInformational, kFlagEncryption),
                                     {hash(), DeletePayload{kDoiIpsec, ProtocolId::kIpsecEsp, 4, {{1, 2, 3, 4}}}}),
                             MessageKind::kInformational));
}

TEST(MessageRules, WrongExchangeTypeIsNamed) {
  auto v = check_message(decoded(header(ExchangeType::kAggressive), {esp_sa()}), MessageKind::kMainMode1);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->notify, NotifyType::kInvalidExchangeType);
}

TEST(Message, HeaderChecksLengthVersionFlagsAndCookie) {
  Bytes wire = encode_message(header(ExchangeType::kIdentityProtection), {esp_sa()});
  ASSERT_TRUE(decode_message(wire));
  Bytes bad = wire;
  bad.push_back(0);
  EXPECT_EQ(decode_message(bad).error().reason, "header length does not match the datagram size");
  bad = wire;
  bad[17] = 0x20;
  EXPECT_EQ(decode_message(bad).error().reason, "unsupported ISAKMP major version");
  bad = wire;
  bad[19] = 0x08;
  EXPECT_EQ(decode_message(bad).error().reason, "unknown header flag bits");
  bad = wire;
  std::fill(bad.begin(), bad.begin() + 8, 0);
  EXPECT_EQ(decode_message(bad).error().reason, "initiator cookie is zero");
  EXPECT_EQ(decode_message(ByteView(wire).first(27)).error().reason, "message shorter than the 28-byte ISAKMP header");
}

TEST(Message, EncryptedBodyIsKeptUndecoded) {
  Bytes body(32, 0xAB);
  Bytes wire = encode_message_raw(header(ExchangeType::kQuickMode, kFlagEncryption), body);
  auto m = decode_message(wire);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->ciphertext, body);
  EXPECT_TRUE(m->payloads.empty());
}

TEST(Message, AfterFirstPayloadExcludesHashAndPadding) {
  Message m;
  m.header = header(ExchangeType::kInformational, kFlagEncryption);
  m.header.next_payload = PayloadType::kHash;
  Bytes chain = encode_chain({hash(), NotifyPayload{}});
  Bytes padded = chain;
  padded.insert(padded.end(), 5, 0);
  ASSERT_TRUE(decode_decrypted(m, padded));
  ByteView rest = m.after_first_payload();
  EXPECT_EQ(Bytes(rest.begin(), rest.end()), Bytes(chain.begin() + 36, chain.end()));
}

}  // namespace
}  // namespace espgw::ike

// The per-exchange payload tables (RFC 2409) and the checker that applies them.
#include "host/ike/message_rules.hpp"

#include <array>
#include <fmt/format.h>

namespace espgw::ike {

namespace {

using P = PayloadType;
constexpr std::uint8_t kMany = 16;

constexpr PayloadRule kMm12[] = {{P::kSa, 1, 1}, {P::kVendorId, 0, kMany}};
constexpr PayloadRule kMm34[] = {{P::kKeyExchange, 1, 1}, {P::kNonce, 1, 1}, {P::kVendorId, 0, kMany}, {P::kNatD, 0, 4}};
constexpr PayloadRule kMm56[] = {{P::kIdentification, 1, 1}, {P::kHash, 1, 1}, {P::kNotification, 0, 4}, {P::kVendorId, 0, kMany}};
constexpr PayloadRule kAm1[] = {{P::kSa, 1, 1}, {P::kKeyExchange, 1, 1}, {P::kNonce, 1, 1}, {P::kIdentification, 1, 1}, {P::kVendorId, 0, kMany}};
constexpr PayloadRule kAm2[] = {{P::kSa, 1, 1}, {P::kKeyExchange, 1, 1}, {P::kNonce, 1, 1}, {P::kIdentification, 1, 1},
                                {P::kHash, 1, 1}, {P::kVendorId, 0, kMany}, {P::kNatD, 0, 4}};
constexpr PayloadRule kAm3[] = {{P::kHash, 1, 1}, {P::kNatD, 0, 4}, {P::kNotification, 0, 4}};
constexpr PayloadRule kQm1[] = {{P::kHash, 1, 1}, {P::kSa, 1, 1}, {P::kNonce, 1, 1}, {P::kKeyExchange, 0, 1},
                                {P::kIdentification, 0, 2}, {P::kNatOa, 0, 2}};
constexpr PayloadRule kQm2[] = {{P::kHash, 1, 1}, {P::kSa, 1, 1}, {P::kNonce, 1, 1}, {P::kKeyExchange, 0, 1},
                                {P::kIdentification, 0, 2}, {P::kNotification, 0, 4}, {P::kNatOa, 0, 2}};
constexpr PayloadRule kQm3[] = {{P::kHash, 1, 1}};
constexpr PayloadRule kInfo[] = {{P::kHash, 1, 1}, {P::kNotification, 0, 8}, {P::kDelete, 0, 8}};
constexpr PayloadRule kInfoClear[] = {{P::kNotification, 1, 1}};

using E = ExchangeType;
using K = MessageKind;
constexpr std::array kRules = {
    MessageRule{K::kMainMode1, "MM1", E::kIdentityProtection, Encryption::kForbidden, P::kSa, kMm12},
    MessageRule{K::kMainMode2, "MM2", E::kIdentityProtection, Encryption::kForbidden, P::kSa, kMm12},
    MessageRule{K::kMainMode3, "MM3", E::kIdentityProtection, Encryption::kForbidden, P::kNone, kMm34},
    MessageRule{K::kMainMode4, "MM4", E::kIdentityProtection, Encryption::kForbidden, P::kNone, kMm34},
    MessageRule{K::kMainMode5, "MM5", E::kIdentityProtection, Encryption::kRequired, P::kIdentification, kMm56},
    MessageRule{K::kMainMode6, "MM6", E::kIdentityProtection, Encryption::kRequired, P::kIdentification, kMm56},
    MessageRule{K::kAggressive1, "AM1", E::kAggressive, Encryption::kForbidden, P::kSa, kAm1},
    MessageRule{K::kAggressive2, "AM2", E::kAggressive, Encryption::kForbidden, P::kSa, kAm2},
    // RFC 2409 shows AM3 in the clear; IOS and strongSwan encrypt it. Both are accepted.
    MessageRule{K::kAggressive3, "AM3", E::kAggressive, Encryption::kEither, P::kHash, kAm3},
    MessageRule{K::kQuickMode1, "QM1", E::kQuickMode, Encryption::kRequired, P::kHash, kQm1},
    MessageRule{K::kQuickMode2, "QM2", E::kQuickMode, Encryption::kRequired, P::kHash, kQm2},
    MessageRule{K::kQuickMode3, "QM3", E::kQuickMode, Encryption::kRequired, P::kHash, kQm3},
    MessageRule{K::kInformational, "INFO", E::kInformational, Encryption::kRequired, P::kHash, kInfo},
    MessageRule{K::kInformationalClear, "INFO-CLEAR", E::kInformational, Encryption::kForbidden, P::kNotification, kInfoClear},
};

}  // namespace

const MessageRule& message_rule(MessageKind kind) {
  for (const MessageRule& r : kRules)
    if (r.kind == kind) return r;
  return kRules.front();  // unreachable: every kind has a row (checked by a unit test)
}

std::optional<RuleViolation> check_message(const Message& msg, MessageKind kind) {
  const MessageRule& rule = message_rule(kind);
  if (msg.header.exchange != rule.exchange)
    return RuleViolation{NotifyType::kInvalidExchangeType, fmt::format("{}: wrong exchange type {}", rule.name,
                                                                       static_cast<int>(msg.header.exchange))};
  if (rule.encryption == Encryption::kRequired && !msg.header.encrypted())
    return RuleViolation{NotifyType::kInvalidFlags, fmt::format("{}: must be encrypted", rule.name)};
  if (rule.encryption == Encryption::kForbidden && msg.header.encrypted())
    return RuleViolation{NotifyType::kInvalidFlags, fmt::format("{}: must not be encrypted", rule.name)};
  if (msg.payloads.empty()) return RuleViolation{NotifyType::kPayloadMalformed, fmt::format("{}: no payloads", rule.name)};
  if (rule.first != P::kNone && payload_type(msg.payloads.front().payload) != rule.first)
    return RuleViolation{NotifyType::kPayloadMalformed,
                         fmt::format("{}: first payload must be {}", rule.name, payload_name(rule.first))};
  std::array<std::uint8_t, 256> counts{};
  for (const PayloadEntry& e : msg.payloads) {
    PayloadType t = payload_type(e.payload);
    bool allowed = false;
    for (const PayloadRule& pr : rule.payloads) allowed = allowed || pr.type == t;
    if (!allowed)
      return RuleViolation{NotifyType::kInvalidPayloadType,
                           fmt::format("{}: payload type {} not allowed", rule.name, static_cast<int>(t))};
    std::uint8_t& c = counts[static_cast<std::uint8_t>(t)];
    if (c < 255) ++c;
  }
  for (const PayloadRule& pr : rule.payloads) {
    std::uint8_t c = counts[static_cast<std::uint8_t>(pr.type)];
    if (c < pr.min)
      return RuleViolation{NotifyType::kPayloadMalformed, fmt::format("{}: missing {} payload", rule.name, payload_name(pr.type))};
    if (c > pr.max)
      return RuleViolation{NotifyType::kPayloadMalformed, fmt::format("{}: too many {} payloads", rule.name, payload_name(pr.type))};
  }
  // Quick Mode proxy identities come as a pair or not at all (RFC 2409 section 5.5).
  if ((kind == K::kQuickMode1 || kind == K::kQuickMode2) && counts[static_cast<std::uint8_t>(P::kIdentification)] == 1)
    return RuleViolation{NotifyType::kInvalidIdInformation, fmt::format("{}: a single proxy identity", rule.name)};
  if (kind == K::kInformational && counts[static_cast<std::uint8_t>(P::kNotification)] + counts[static_cast<std::uint8_t>(P::kDelete)] == 0)
    return RuleViolation{NotifyType::kPayloadMalformed, "INFO: neither notify nor delete"};
  return std::nullopt;
}

}  // namespace espgw::ike

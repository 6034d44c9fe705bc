// Which payloads each IKEv1 message may carry, how often, in which position and whether it
// must be encrypted: one table per exchange (RFC 2409 sections 5, 5.4, 5.5, 5.7; RFC 3947
// for NAT-D/NAT-OA; RFC 3706 for DPD notifies). "What may Quick Mode message 1 carry" is
// answered here and nowhere else.
#pragma once

#include <optional>
#include <span>
#include <string>

#include "host/ike/message.hpp"

namespace espgw::ike {

enum class MessageKind {
  kMainMode1, kMainMode2, kMainMode3, kMainMode4, kMainMode5, kMainMode6,
  kAggressive1, kAggressive2, kAggressive3,
  kQuickMode1, kQuickMode2, kQuickMode3,
  kInformational,       // protected by HASH(1) under the phase-1 SA
  kInformationalClear,  // before phase 1 completes: a lone notify, no HASH
};

enum class Encryption { kRequired, kForbidden, kEither };

struct PayloadRule {
  PayloadType type;
  std::uint8_t min;
  std::uint8_t max;
};

struct MessageRule {
  MessageKind kind;
  const char* name;
  ExchangeType exchange;
  Encryption encryption;
  PayloadType first;  // kNone when any payload may come first
  std::span<const PayloadRule> payloads;
};

const MessageRule& message_rule(MessageKind kind);

// What went wrong and which notify answers it (INVALID-PAYLOAD-TYPE, PAYLOAD-MALFORMED, ...).
struct RuleViolation {
  NotifyType notify;
  std::string reason;
};

// Checks a decoded (decrypted) message against its rule.
std::optional<RuleViolation> check_message(const Message& msg, MessageKind kind);

}  // namespace espgw::ike

// The `crypto isakmp ...` global commands: pre-shared keys, DPD keepalives (RFC 3706),
// aggressive-mode disable, NAT-T keepalives (RFC 3947/3948); `policy` goes to
// isakmp_policy.cpp. Keys go straight into SecretBytes and never into a message.
#include <cctype>
#include <cstdint>
#include <span>
#include <string>

#include "host/common/ipv4.hpp"
#include "host/config/sections.hpp"

namespace espgw::config::detail {
namespace {

void parse_key(Context& ctx, Args& args, SourceLoc head) {
  const Token* key = args.require("pre-shared key");
  if (key == nullptr) return;
  // `crypto isakmp key 0 KEY address ...`: 0 marks a clear-text key, 6 an encrypted one.
  if ((key->text == "0" || key->text == "6") && args.peek() != nullptr && !keyword_is(args.peek()->text, "address") &&
      !keyword_is(args.peek()->text, "hostname")) {
    if (key->text == "6") {
      args.error_at(*key, "type 6 (encrypted) pre-shared keys are not supported: give the key in clear text");
      return;
    }
    key = args.take();
  }
  if (key->text.size() > 128) {
    args.error_at(*key, "pre-shared key longer than 128 characters");
    return;
  }
  auto kind = args.keyword("peer identity", {"address", "hostname"});
  if (!kind) return;
  if (*kind == 1) {
    args.error_here("`crypto isakmp key ... hostname` is not supported: espgw identifies peers by address");
    return;
  }
  auto addr = args.ipv4("peer address");
  if (!addr) return;
  std::uint32_t mask = 0xFFFFFFFF;
  if (args.peek() != nullptr && parse_ipv4(args.peek()->text)) {
    auto m = args.netmask("peer mask");
    if (!m) return;
    mask = *m;
  }
  const bool no_xauth = args.accept("no-xauth");
  if (!args.finish()) return;
  IsakmpKey k;
  k.key = SecretBytes(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(key->text.data()), key->text.size()));
  k.address = *addr & mask;
  k.mask = mask;
  k.no_xauth = no_xauth;
  k.loc = head;
  // As IOS: a second key for the same address and mask replaces the first.
  for (auto& existing : ctx.config.isakmp_keys) {
    if (existing.address == k.address && existing.mask == k.mask) {
      existing = std::move(k);
      return;
    }
  }
  ctx.config.isakmp_keys.push_back(std::move(k));
}

void parse_keepalive(Context& ctx, Args& args, SourceLoc head) {
  IsakmpKeepalive ka;
  ka.loc = head;
  auto s = args.number("keepalive interval (seconds)", 10, 3600);
  if (!s) return;
  ka.interval = std::chrono::seconds(*s);
  if (args.peek() != nullptr && std::isdigit(static_cast<unsigned char>(args.peek()->text[0]))) {
    auto r = args.number("keepalive retry interval (seconds)", 2, 60);
    if (!r) return;
    ka.retry = std::chrono::seconds(*r);
  }
  if (!args.at_end()) {
    auto m = args.keyword("keepalive mode", {"periodic", "on-demand"});
    if (!m) return;
    ka.mode = *m == 0 ? KeepaliveMode::kPeriodic : KeepaliveMode::kOnDemand;
  }
  if (!args.finish()) return;
  ctx.config.isakmp_keepalive = ka;
}

}  // namespace

Outcome global_crypto_isakmp(Context& ctx, Args& args) {
  const SourceLoc head = args.loc(args.line().tokens.front());
  const Token* sub = args.require("crypto isakmp command");
  if (sub == nullptr) return Outcome::done();
  std::string lower;
  for (char c : sub->text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower.rfind("policy", 0) == 0 && lower.size() > 6 &&
      lower.find_first_not_of("0123456789", 6) == std::string::npos) {
    return open_isakmp_policy(ctx, args, *sub);  // the reference's fused `policy1`
  }
  const int k = match_keyword(sub->text, {"policy", "key", "keepalive", "aggressive-mode", "nat", "identity", "enable"});
  switch (k) {
    case 0:
      return open_isakmp_policy(ctx, args, *sub);
    case 1:
      parse_key(ctx, args, head);
      return Outcome::done();
    case 2:
      parse_keepalive(ctx, args, head);
      return Outcome::done();
    case 3:
      if (args.keyword("aggressive-mode option", {"disable"}) && args.finish()) ctx.config.isakmp_aggressive_mode_disabled = true;
      return Outcome::done();
    case 4: {
      if (!args.keyword("nat option", {"keepalive"})) return Outcome::done();
      auto s = args.number("NAT keepalive interval (seconds)", 5, 3600);
      if (s && args.finish()) ctx.config.isakmp_nat_keepalive = std::chrono::seconds(*s);
      return Outcome::done();
    }
    case 5: {
      // espgw always identifies itself by address, which is IOS's default.
      auto id = args.keyword("identity", {"address", "hostname", "dn"});
      if (id && *id != 0) args.error_at(args.line().tokens[args.position() - 1], "only `crypto isakmp identity address` is supported");
      else if (id) args.finish();
      return Outcome::done();
    }
    case 6:
      args.finish();  // ISAKMP is enabled wherever a crypto map is applied, as on IOS
      return Outcome::done();
    default:
      return Outcome::not_in_mode();
  }
}

}  // namespace espgw::config::detail

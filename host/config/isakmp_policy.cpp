// `crypto isakmp policy N` and its sub-mode: the IKEv1 phase-1 proposals (RFC 2409
// section 5, attributes of RFC 2409 appendix A). Defaults are IOS's: des, sha, rsa-sig,
// group 1, 86400 s; validate.cpp warns when a default makes a policy unusable here.
#include <algorithm>
#include <cctype>
#include <string>

#include "host/config/sections.hpp"

namespace espgw::config::detail {
namespace {

constexpr int kDhGroups[] = {1, 2, 5, 14, 15, 16, 19, 20, 21, 24};

}  // namespace

Outcome open_isakmp_policy(Context& ctx, Args& args, const Token& policy_token) {
  std::int64_t priority = 0;
  bool ok = false;
  const std::string& t = policy_token.text;
  if (t.size() > 6 && std::all_of(t.begin() + 6, t.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    // The reference writes `crypto isakmp policy1`; IOS would reject it, a reader means 1.
    const std::string digits = t.substr(6);
    ctx.warning(args.loc(policy_token), "'" + t + "' read as 'policy " + digits +
                                            "' (a space is missing between 'policy' and the priority)");
    priority = digits.size() <= 5 ? std::stoll(digits) : 0;
    ok = priority >= 1 && priority <= 10000;
    if (!ok) args.error_at(policy_token, "invalid policy priority '" + digits + "': expected a number 1-10000");
  } else if (auto n = args.number("policy priority", 1, 10000)) {
    priority = *n;
    ok = true;
  }
  Mode mode{ModeKind::kIsakmpPolicy, -1, "crypto isakmp policy"};
  if (!ok || !args.finish()) return Outcome::open(mode);
  mode.label += " " + std::to_string(priority);
  auto& policies = ctx.config.isakmp_policies;
  for (std::size_t i = 0; i < policies.size(); ++i) {
    if (policies[i].priority == priority) {
      mode.index = static_cast<int>(i);
      return Outcome::open(mode);
    }
  }
  IsakmpPolicy p;
  p.priority = static_cast<int>(priority);
  p.loc = args.loc(args.line().tokens.front());
  policies.push_back(std::move(p));
  mode.index = static_cast<int>(policies.size() - 1);
  return Outcome::open(mode);
}

Outcome in_isakmp_policy(Context& ctx, const Mode& mode, Args& args) {
  const Token* first = args.peek();
  const int k = match_keyword(first->text, {"encryption", "hash", "authentication", "group", "lifetime"});
  if (k < 0) return Outcome::not_in_mode();
  args.take();
  IsakmpPolicy& p = ctx.policy(mode);
  switch (k) {
    case 0: {  // encr aes [128|192|256] | 3des | des
      auto alg = args.keyword("encryption algorithm", {"aes", "3des", "des"});
      if (!alg) break;
      int bits = 0;
      if (*alg == 0) {
        bits = 128;
        if (!args.at_end()) {
          auto b = args.keyword("AES key size", {"128", "192", "256"});
          if (!b) break;
          bits = 128 + 64 * *b;
        }
      }
      if (!args.finish()) break;
      p.encryption = *alg == 0 ? IsakmpEncryption::kAes : *alg == 1 ? IsakmpEncryption::kTripleDes : IsakmpEncryption::kDes;
      p.key_bits = bits;
      break;
    }
    case 1: {
      auto h = args.keyword("hash algorithm", {"md5", "sha", "sha256", "sha384", "sha512"});
      if (!h || !args.finish()) break;
      static constexpr IsakmpHash kHashes[] = {IsakmpHash::kMd5, IsakmpHash::kSha, IsakmpHash::kSha256,
                                               IsakmpHash::kSha384, IsakmpHash::kSha512};
      p.hash = kHashes[*h];
      break;
    }
    case 2: {
      auto a = args.keyword("authentication method", {"pre-share", "rsa-sig", "rsa-encr"});
      if (!a || !args.finish()) break;
      static constexpr IsakmpAuth kAuths[] = {IsakmpAuth::kPreShare, IsakmpAuth::kRsaSig, IsakmpAuth::kRsaEncr};
      p.authentication = kAuths[*a];
      p.authentication_explicit = true;
      break;
    }
    case 3: {
      const Token* t = args.peek();
      auto g = args.number("Diffie-Hellman group", 1, 24);
      if (!g) break;
      if (std::find(std::begin(kDhGroups), std::end(kDhGroups), *g) == std::end(kDhGroups)) {
        args.error_at(*t, "invalid Diffie-Hellman group " + t->text + ": expected 1, 2, 5, 14, 15, 16, 19, 20, 21 or 24");
        break;
      }
      if (!args.finish()) break;
      p.dh_group = static_cast<int>(*g);
      break;
    }
    case 4: {
      auto s = args.number("ISAKMP lifetime (seconds)", 60, 86400);
      if (!s || !args.finish()) break;
      p.lifetime = std::chrono::seconds(*s);
      break;
    }
    default:
      break;
  }
  return Outcome::done();
}

}  // namespace espgw::config::detail

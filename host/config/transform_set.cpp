// `crypto ipsec transform-set NAME ...` (ESP, RFC 4303: AES-CBC RFC 3602, AES-GCM RFC 4106,
// HMAC-SHA-1-96 RFC 2404, HMAC-SHA-256-128 RFC 4868) with its `mode` sub-command, and the
// global `crypto ipsec security-association lifetime|replay` defaults.
#include <cctype>
#include <string>

#include "host/config/sections.hpp"

namespace espgw::config::detail {
namespace {

constexpr std::string_view kSupported = "esp-aes [128|192|256], esp-gcm [128|256], esp-sha-hmac, esp-sha256-hmac";

bool is_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

void parse_transform_set(Context& ctx, Args& args, Mode* mode) {
  const Token* name = args.require("transform-set name");
  if (name == nullptr) return;
  TransformSet ts;
  ts.name = name->text;
  ts.loc = args.loc(args.line().tokens.front());
  bool have_cipher = false;
  bool have_hmac = false;
  const Token* hmac_token = nullptr;
  while (!args.at_end()) {
    const Token& t = *args.take();
    const int k = match_keyword(t.text, {"esp-aes", "esp-gcm", "esp-sha-hmac", "esp-sha256-hmac", "esp-des", "esp-3des",
                                         "esp-null", "esp-seal", "esp-gmac", "esp-md5-hmac", "esp-sha384-hmac",
                                         "esp-sha512-hmac", "ah-md5-hmac", "ah-sha-hmac", "ah-sha256-hmac",
                                         "ah-sha384-hmac", "ah-sha512-hmac", "comp-lzs"});
    if (k == 0 || k == 1) {
      if (have_cipher) {
        args.error_at(t, "transform-set " + ts.name + " has a second cipher '" + t.text + "'");
        return;
      }
      have_cipher = true;
      ts.cipher = k == 0 ? EspCipher::kAesCbc : EspCipher::kAesGcm;
      ts.key_bits = 128;
      if (args.peek() != nullptr && is_digits(args.peek()->text)) {
        const Token& bits = *args.take();
        if (k == 0 && (bits.text == "128" || bits.text == "192" || bits.text == "256")) {
          ts.key_bits = std::stoi(bits.text);
        } else if (k == 1 && (bits.text == "128" || bits.text == "256")) {
          ts.key_bits = std::stoi(bits.text);
        } else {
          args.error_at(bits, "invalid key size '" + bits.text + "' for " + (k == 0 ? "esp-aes: expected 128, 192 or 256"
                                                                                  : "esp-gcm: expected 128 or 256"));
          return;
        }
      }
    } else if (k == 2 || k == 3) {
      if (have_hmac) {
        args.error_at(t, "transform-set " + ts.name + " has a second integrity transform '" + t.text + "'");
        return;
      }
      have_hmac = true;
      hmac_token = &t;
      ts.integrity = k == 2 ? EspIntegrity::kSha1 : EspIntegrity::kSha256;
    } else if (k >= 4) {
      args.error_at(t, "transform '" + t.text + "' is not supported by espgw (supported: " + std::string(kSupported) + ")");
      return;
    } else {
      args.error_at(t, "invalid transform '" + t.text + "': expected " + std::string(kSupported));
      return;
    }
  }
  if (!have_cipher) {
    args.error_here("transform-set " + ts.name + " needs a cipher: esp-aes or esp-gcm");
    return;
  }
  if (ts.cipher == EspCipher::kAesGcm && have_hmac) {
    args.error_at(*hmac_token, "transform-set " + ts.name +
                                             ": esp-gcm authenticates by itself and cannot be combined with an esp-*-hmac");
    return;
  }
  auto& sets = ctx.config.transform_sets;
  for (std::size_t i = 0; i < sets.size(); ++i) {
    if (sets[i].name == ts.name) {
      ts.mode = sets[i].mode;  // redefining the transforms keeps the configured mode, as IOS does
      ts.loc = sets[i].loc;
      sets[i] = std::move(ts);
      mode->index = static_cast<int>(i);
      return;
    }
  }
  sets.push_back(std::move(ts));
  mode->index = static_cast<int>(sets.size() - 1);
}

void parse_security_association(Context& ctx, Args& args) {
  auto what = args.keyword("security-association option", {"lifetime", "replay"});
  if (!what) return;
  if (*what == 0) {
    auto unit = args.keyword("lifetime unit", {"seconds", "kilobytes"});
    if (!unit) return;
    if (*unit == 0) {
      auto s = args.number("IPsec SA lifetime (seconds)", 120, 86400);
      if (s && args.finish()) ctx.config.ipsec_sa_lifetime_seconds = std::chrono::seconds(*s);
    } else {
      auto kb = args.number("IPsec SA lifetime (kilobytes)", 2560, 4294967295LL);
      if (kb && args.finish()) ctx.config.ipsec_sa_lifetime_kilobytes = static_cast<std::uint64_t>(*kb);
    }
    return;
  }
  auto opt = args.keyword("replay option", {"window-size", "disable"});
  if (!opt) return;
  if (*opt == 1) {
    if (args.finish()) ctx.config.ipsec_replay_window_size = 0;  // 0: replay detection off
    return;
  }
  const Token* t = args.peek();
  auto n = args.number("replay window size", 64, 1024);
  if (!n) return;
  if (*n != 64 && *n != 128 && *n != 256 && *n != 512 && *n != 1024) {
    args.error_at(*t, "invalid replay window size " + t->text + ": expected 64, 128, 256, 512 or 1024");
    return;
  }
  if (args.finish()) ctx.config.ipsec_replay_window_size = static_cast<std::uint32_t>(*n);
}

}  // namespace

Outcome global_crypto_ipsec(Context& ctx, Args& args) {
  const Token* sub = args.peek();
  if (sub == nullptr) return Outcome::not_in_mode();
  const int k = match_keyword(sub->text, {"transform-set", "security-association"});
  if (k < 0) return Outcome::not_in_mode();
  args.take();
  if (k == 0) {
    Mode mode{ModeKind::kTransformSet, -1, "crypto ipsec transform-set"};
    parse_transform_set(ctx, args, &mode);
    if (mode.index >= 0) mode.label += " " + ctx.config.transform_sets[mode.index].name;
    return Outcome::open(mode);
  }
  parse_security_association(ctx, args);
  return Outcome::done();
}

Outcome in_transform_set(Context& ctx, const Mode& mode, Args& args) {
  if (match_keyword(args.peek()->text, {"mode"}) != 0) return Outcome::not_in_mode();
  args.take();
  auto m = args.keyword("encapsulation mode", {"tunnel", "transport"});
  if (m && args.finish()) ctx.transform_set(mode).mode = *m == 0 ? EspMode::kTunnel : EspMode::kTransport;
  return Outcome::done();
}

}  // namespace espgw::config::detail

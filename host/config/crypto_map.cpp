// `crypto map NAME SEQ ipsec-isakmp|ipsec-manual` entries and their sub-mode (peers,
// transform sets, PFS, the ACL that defines the proxy identities, reverse-route,
// lifetimes, manual session keys), plus `crypto map NAME redundancy replay-interval`.
#include <algorithm>
#include <cctype>
#include <string>

#include "host/config/sections.hpp"

namespace espgw::config::detail {
namespace {

bool is_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

Outcome parse_replay_interval(Context& ctx, Args& args, const std::string& map_name) {
  // crypto map NAME redundancy replay-interval inbound M outbound N
  if (!args.keyword("redundancy option", {"replay-interval"})) return Outcome::done();
  CryptoMapReplayInterval ri;
  ri.map_name = map_name;
  ri.loc = args.loc(args.line().tokens.front());
  if (!args.keyword("direction", {"inbound"})) return Outcome::done();
  auto in = args.number("inbound replay interval (packets)", 1, 1000000);
  if (!in || !args.keyword("direction", {"outbound"})) return Outcome::done();
  auto out = args.number("outbound replay interval (packets)", 1, 1000000);
  if (!out || !args.finish()) return Outcome::done();
  ri.inbound_packets = static_cast<std::uint32_t>(*in);
  ri.outbound_packets = static_cast<std::uint32_t>(*out);
  for (auto& r : ctx.config.crypto_map_replay_intervals) {
    if (r.map_name == map_name) {
      r = ri;
      return Outcome::done();
    }
  }
  ctx.config.crypto_map_replay_intervals.push_back(ri);
  return Outcome::done();
}

void parse_session_key(Context& ctx, CryptoMapEntry& e, Args& args) {
  const Token& head = args.line().tokens.front();
  auto dir = args.keyword("direction", {"inbound", "outbound"});
  if (!dir) return;
  auto proto = args.keyword("protocol", {"esp", "ah"});
  if (!proto) return;
  if (*proto == 1) {
    args.error_at(args.line().tokens[args.position() - 1], "AH session keys are not supported: espgw implements ESP only");
    return;
  }
  auto spi = args.number("SPI", 256, 4294967295LL);
  if (!spi) return;
  ManualSessionKey key;
  key.spi = static_cast<std::uint32_t>(*spi);
  key.loc = args.loc(head);
  auto kind = args.keyword("key kind", {"cipher", "authenticator"});
  if (!kind) return;
  if (*kind == 1) {
    args.error_at(args.line().tokens[args.position() - 1],
                  "ESP without encryption is not supported: give `cipher HEX` before `authenticator HEX`");
    return;
  }
  const Token* hex = args.require("cipher key (hex)");
  if (hex == nullptr) return;
  if (!SecretBytes::from_hex(hex->text, &key.cipher_key) || key.cipher_key.empty()) {
    args.error_at(*hex, "invalid cipher key: expected an even number of hex digits");
    return;
  }
  if (args.accept("authenticator")) {
    const Token* auth = args.require("authenticator key (hex)");
    if (auth == nullptr) return;
    if (!SecretBytes::from_hex(auth->text, &key.authenticator_key) || key.authenticator_key.empty()) {
      args.error_at(*auth, "invalid authenticator key: expected an even number of hex digits");
      return;
    }
  }
  if (!args.finish()) return;
  if (e.type != CryptoMapType::kIpsecManual) {
    ctx.error(key.loc, "`set session-key` applies to ipsec-manual crypto maps only (crypto map " + e.name + " " +
                           std::to_string(e.seq) + " is ipsec-isakmp)");
    return;
  }
  (*dir == 0 ? e.inbound_esp : e.outbound_esp) = std::move(key);
}

void parse_set(Context& ctx, CryptoMapEntry& e, Args& args) {
  auto what = args.keyword("set option", {"peer", "transform-set", "pfs", "security-association", "session-key"});
  if (!what) return;
  switch (*what) {
    case 0: {
      const Token* t = args.peek();
      auto a = args.ipv4("peer address");
      if (!a) return;
      args.accept("default");
      if (!args.finish()) return;
      if (e.type == CryptoMapType::kIpsecManual) e.peers.clear();  // a manual map has one peer
      if (std::none_of(e.peers.begin(), e.peers.end(), [&](const Peer& p) { return p.address == *a; })) {
        e.peers.push_back(Peer{*a, args.loc(*t)});
      }
      return;
    }
    case 1: {
      std::vector<NamedRef> sets;
      while (!args.at_end()) {
        const Token& t = *args.take();
        sets.push_back(NamedRef{t.text, args.loc(t)});
      }
      if (sets.empty()) {
        args.error_here("incomplete command: expected a transform-set name");
        return;
      }
      if (sets.size() > 6) {
        args.error_at(args.line().tokens[args.line().tokens.size() - sets.size() + 6], "at most 6 transform sets per crypto map entry");
        return;
      }
      e.transform_sets = std::move(sets);
      return;
    }
    case 2: {
      int group = 1;  // IOS: `set pfs` alone means group1
      if (!args.at_end()) {
        auto g = args.keyword("PFS group", {"group1", "group2", "group5", "group14", "group15", "group16", "group19",
                                            "group20", "group21", "group24"});
        if (!g) return;
        static constexpr int kGroups[] = {1, 2, 5, 14, 15, 16, 19, 20, 21, 24};
        group = kGroups[*g];
      }
      if (args.finish()) e.pfs_group = group;
      return;
    }
    case 3: {
      if (!args.keyword("security-association option", {"lifetime"})) return;
      auto unit = args.keyword("lifetime unit", {"seconds", "kilobytes"});
      if (!unit) return;
      if (*unit == 0) {
        auto s = args.number("SA lifetime (seconds)", 120, 86400);
        if (s && args.finish()) e.lifetime_seconds = std::chrono::seconds(*s);
      } else {
        auto kb = args.number("SA lifetime (kilobytes)", 2560, 4294967295LL);
        if (kb && args.finish()) e.lifetime_kilobytes = static_cast<std::uint64_t>(*kb);
      }
      return;
    }
    case 4:
      parse_session_key(ctx, e, args);
      return;
    default:
      return;
  }
}

}  // namespace

Outcome global_crypto_map(Context& ctx, Args& args) {
  const Token* name = args.require("crypto map name");
  if (name == nullptr) return Outcome::done();
  if (args.peek() != nullptr && keyword_is(args.peek()->text, "redundancy")) {
    args.take();
    return parse_replay_interval(ctx, args, name->text);
  }
  Mode mode{ModeKind::kCryptoMap, -1, "crypto map " + name->text};
  if (args.peek() != nullptr && !is_digits(args.peek()->text)) {
    args.error_at(*args.peek(), "expected a sequence number (1-65535) or `redundancy replay-interval` after crypto map " + name->text);
    return Outcome::open(mode);
  }
  auto seq = args.number("sequence number", 1, 65535);
  if (!seq) return Outcome::open(mode);
  mode.label += " " + std::to_string(*seq);
  std::optional<CryptoMapType> type;
  if (!args.at_end()) {
    const Token& t = *args.peek();
    auto k = args.keyword("crypto map type", {"ipsec-isakmp", "ipsec-manual", "dynamic", "gdoi"});
    if (!k) return Outcome::open(mode);
    if (*k >= 2) {
      args.error_at(t, "`" + t.text + "` crypto maps are not supported: use ipsec-isakmp or ipsec-manual");
      return Outcome::open(mode);
    }
    type = *k == 0 ? CryptoMapType::kIpsecIsakmp : CryptoMapType::kIpsecManual;
  }
  if (!args.finish()) return Outcome::open(mode);
  auto& maps = ctx.config.crypto_maps;
  for (std::size_t i = 0; i < maps.size(); ++i) {
    if (maps[i].name == name->text && maps[i].seq == *seq) {
      if (type && *type != maps[i].type) {
        ctx.error(args.loc(args.line().tokens.back()), "crypto map " + name->text + " " + std::to_string(*seq) +
                                                           " already exists with another type; remove it first");
        return Outcome::open(mode);
      }
      mode.index = static_cast<int>(i);
      return Outcome::open(mode);
    }
  }
  CryptoMapEntry e;
  e.name = name->text;
  e.seq = static_cast<int>(*seq);
  e.type = type.value_or(CryptoMapType::kIpsecIsakmp);  // IOS's default type
  e.loc = args.loc(args.line().tokens.front());
  maps.push_back(std::move(e));
  mode.index = static_cast<int>(maps.size() - 1);
  return Outcome::open(mode);
}

Outcome in_crypto_map(Context& ctx, const Mode& mode, Args& args) {
  const int k = match_keyword(args.peek()->text, {"set", "match", "reverse-route"});
  if (k < 0) return Outcome::not_in_mode();
  args.take();
  CryptoMapEntry& e = ctx.crypto_map(mode);
  if (k == 0) {
    parse_set(ctx, e, args);
  } else if (k == 1) {
    if (!args.keyword("match option", {"address"})) return Outcome::done();
    const Token* acl = args.require("access-list name or number");
    if (acl != nullptr && args.finish()) e.match_address = NamedRef{acl->text, args.loc(*acl)};
  } else {
    args.accept("static");
    if (args.finish()) e.reverse_route = true;
  }
  return Outcome::done();
}

}  // namespace espgw::config::detail

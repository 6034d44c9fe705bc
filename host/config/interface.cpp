// `interface NAME` and its sub-mode: addresses, description, shutdown, the applied crypto
// map (with HSRP redundancy for stateless or stateful failover), `standby` (standby.cpp)
// and platform commands listed as ignored (platform.cpp).
#include <algorithm>
#include <cctype>
#include <string>

#include "host/config/sections.hpp"

namespace espgw::config::detail {
namespace {

bool is_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

void parse_ip_address(Interface& itf, Args& args) {
  auto a = args.ipv4("interface address");
  if (!a) return;
  auto m = args.netmask("interface netmask");
  if (!m) return;
  const bool secondary = args.accept("secondary");
  if (!args.finish()) return;
  if (secondary) itf.secondary_addresses.push_back(InterfaceAddress{*a, *m});
  else itf.address = InterfaceAddress{*a, *m};
}

// `crypto map NAME [redundancy GROUP [stateful]]`; anything else under "crypto" belongs to
// global configuration (a `crypto map NAME 10 ipsec-isakmp` pasted right after the block).
Outcome parse_crypto_map(Interface& itf, Args& args) {
  const auto& tokens = args.line().tokens;
  const std::size_t at = args.position();  // at "crypto"
  if (tokens.size() < at + 3 || !keyword_is(tokens[at + 1].text, "map") || tokens[at + 1].text.size() < 2) {
    return Outcome::not_in_mode();
  }
  if (tokens.size() > at + 3) {
    const std::string& after = tokens[at + 3].text;
    if (is_digits(after)) return Outcome::not_in_mode();
    if (keyword_is(after, "redundancy") && tokens.size() > at + 4 && keyword_is(tokens[at + 4].text, "replay-interval")) {
      return Outcome::not_in_mode();
    }
  }
  args.take();
  args.take();
  const Token& name = *args.take();
  InterfaceCryptoMap cm;
  cm.map = NamedRef{name.text, args.loc(name)};
  if (args.accept("redundancy")) {
    const Token* group = args.require("standby group name (`standby N name NAME`)");
    if (group == nullptr) return Outcome::done();
    if (keyword_is(group->text, "stateful") && group->text.size() >= 4) {
      args.error_at(*group, "expected the standby group name before `stateful`");
      return Outcome::done();
    }
    cm.redundancy = NamedRef{group->text, args.loc(*group)};
    cm.stateful = args.accept("stateful");
  }
  if (!args.finish()) return Outcome::done();
  itf.crypto_map = std::move(cm);
  return Outcome::done();
}

}  // namespace

Outcome global_interface(Context& ctx, Args& args) {
  const SourceLoc head = args.loc(args.line().tokens.front());
  Mode mode{ModeKind::kInterface, -1, "interface"};
  const Token* first = args.require("interface name");
  if (first == nullptr) return Outcome::open(mode);
  if (keyword_is(first->text, "range") && first->text.size() >= 2) {
    args.error_at(*first, "`interface range` is not supported: configure each interface");
    return Outcome::open(mode);
  }
  std::string written = first->text;
  if (args.peek() != nullptr && std::isdigit(static_cast<unsigned char>(args.peek()->text[0]))) {
    written += args.take()->text;  // "GigabitEthernet 0/0"
  }
  auto name = canonical_interface_name(written);
  if (!name) {
    args.error_at(*first, "unknown interface '" + written + "': expected an IOS name such as GigabitEthernet0/0");
    return Outcome::open(mode);
  }
  if (!args.at_end() && keyword_is(args.peek()->text, "point-to-point")) args.take();
  if (!args.finish()) return Outcome::open(mode);
  mode.label = "interface " + *name;
  auto& itfs = ctx.config.interfaces;
  for (std::size_t i = 0; i < itfs.size(); ++i) {
    if (itfs[i].name == *name) {
      mode.index = static_cast<int>(i);
      return Outcome::open(mode);
    }
  }
  Interface itf;
  itf.name = *name;
  itf.loc = head;
  itfs.push_back(std::move(itf));
  mode.index = static_cast<int>(itfs.size() - 1);
  return Outcome::open(mode);
}

Outcome in_interface(Context& ctx, const Mode& mode, Args& args) {
  Interface& itf = ctx.interface(mode);
  const Token& first = *args.peek();
  bool negated = false;
  if (first.text == "no" || first.text == "default") {
    negated = true;
    args.take();
    if (args.at_end()) return Outcome::not_in_mode();
  }
  const int k = match_keyword(args.peek()->text, {"ip", "description", "shutdown", "standby", "crypto"});
  // `ip` alone is shared with platform commands: only `ip address` is ours.
  const bool ip_address = k == 0 && args.line().tokens.size() > args.position() + 1 &&
                          keyword_is(args.line().tokens[args.position() + 1].text, "address") &&
                          args.line().tokens[args.position() + 1].text.size() >= 3;
  if (k < 0 || (k == 0 && !ip_address)) {
    if (is_platform_interface(args.line())) {
      ctx.ignore(args.line(), mode);
      return Outcome::done();
    }
    return Outcome::not_in_mode();
  }
  if (k == 4) {
    if (negated) {
      if (!keyword_is(args.line().tokens.size() > 2 ? args.line().tokens[2].text : "", "map")) return Outcome::not_in_mode();
      itf.crypto_map.reset();
      return Outcome::done();
    }
    return parse_crypto_map(itf, args);
  }
  args.take();
  switch (k) {
    case 0:
      args.take();  // "address"
      if (negated) {
        itf.address.reset();
        itf.secondary_addresses.clear();
      } else {
        parse_ip_address(itf, args);
      }
      break;
    case 1:
      if (negated) itf.description.reset();
      else if (args.at_end()) args.error_here("incomplete command: expected a description");
      else itf.description = args.line().rest_from(args.position());
      break;
    case 2:
      if (args.finish()) itf.shutdown = !negated;
      break;
    case 3:
      if (negated) {
        ctx.warning(args.loc(first), "`no standby ...` is not supported here; the group keeps its settings");
        break;
      }
      interface_standby(ctx, itf, args);
      break;
    default:
      break;
  }
  return Outcome::done();
}

}  // namespace espgw::config::detail

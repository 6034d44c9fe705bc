// `standby ...` inside an interface: HSRP groups (RFC 2281 for version 1; version 2 adds
// groups up to 4095 and millisecond timers), with priority, preempt, name, tracking,
// timers and authentication. host/ha runs the protocol; this file only records it.
#include <algorithm>
#include <cctype>
#include <span>
#include <string>

#include "host/config/sections.hpp"

namespace espgw::config::detail {
namespace {

bool is_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

StandbyGroup* find_group(Interface& itf, int number) {
  for (auto& g : itf.standby) {
    if (g.group == number) return &g;
  }
  return nullptr;
}

// `timers [msec] HELLO [msec] HOLD`: seconds 1-254 / 1-255, or msec 15-999 / 50-3000.
std::optional<std::chrono::milliseconds> parse_time(Args& args, bool hello) {
  const bool msec = args.accept("msec");
  const std::string what = std::string(hello ? "hello" : "hold") + " time" + (msec ? " (msec)" : " (seconds)");
  auto v = msec ? args.number(what, hello ? 15 : 50, hello ? 999 : 3000) : args.number(what, 1, hello ? 254 : 255);
  if (!v) return std::nullopt;
  return msec ? std::chrono::milliseconds(*v) : std::chrono::milliseconds(*v * 1000);
}

bool parse_authentication(Args& args, StandbyGroup& g) {
  StandbyAuthentication auth;
  const Token* t = args.require("authentication string, `text STRING` or `md5 key-string KEY`");
  if (t == nullptr) return false;
  const Token* secret = t;
  if (t->text == "md5") {
    auto k = args.keyword("md5 option", {"key-string", "key-chain"});
    if (!k) return false;
    if (*k == 1) {
      args.error_at(args.line().tokens[args.position() - 1], "HSRP md5 key-chain is not supported: use `md5 key-string KEY`");
      return false;
    }
    auth.kind = StandbyAuthKind::kMd5;
    secret = args.require("md5 key string");
    if (secret == nullptr) return false;
    if (secret->text == "0" && !args.at_end()) secret = args.take();
    else if (secret->text == "7" && !args.at_end()) {
      args.error_at(*secret, "type 7 (encrypted) HSRP keys are not supported: give the key in clear text");
      return false;
    }
    if (secret->text.size() > 64) {
      args.error_at(*secret, "HSRP md5 key longer than 64 characters");
      return false;
    }
  } else {
    if (t->text == "text") {
      secret = args.require("authentication string");
      if (secret == nullptr) return false;
    }
    if (secret->text.size() > 8) {
      // RFC 2281 section 5.1: the authentication data field is 8 octets.
      args.error_at(*secret, "HSRP text authentication is at most 8 characters");
      return false;
    }
  }
  if (!args.finish()) return false;
  auth.key = SecretBytes(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(secret->text.data()), secret->text.size()));
  g.authentication = std::move(auth);
  return true;
}

}  // namespace

void interface_standby(Context& ctx, Interface& itf, Args& args) {
  const SourceLoc head = args.loc(args.line().tokens.front());
  if (args.at_end()) {
    args.error_here("incomplete command: expected a standby group number or option");
    return;
  }
  if (keyword_is(args.peek()->text, "version") && args.peek()->text.size() >= 2) {
    args.take();
    auto v = args.number("HSRP version", 1, 2);
    if (v && args.finish()) itf.standby_version = static_cast<int>(*v);
    return;
  }
  int number = 0;  // IOS: no group number means group 0
  if (is_digits(args.peek()->text)) {
    auto n = args.number("standby group number", 0, 4095);
    if (!n) return;
    number = static_cast<int>(*n);
  }
  auto opt = args.keyword("standby option", {"ip", "priority", "preempt", "name", "track", "timers", "authentication",
                                             "mac-address", "use-bia", "follow", "delay", "bfd", "redirect"});
  if (!opt) return;
  if (*opt == 8) {
    // `standby use-bia [scope interface]`: interface-wide in IOS (every group on it uses the
    // burned-in address instead of the virtual MAC); a group number before it is accepted.
    if (args.accept("scope") && !args.accept("interface")) {
      args.error_here("expected `interface` after `scope`");
      return;
    }
    if (args.finish()) itf.standby_use_bia = true;
    return;
  }
  if (*opt >= 7) {
    // Layer-2 and platform details of HSRP that the host implementation fixes itself.
    Mode m{ModeKind::kInterface, -1, "interface " + itf.name};
    ctx.ignore(args.line(), m);
    return;
  }
  // Work on a copy and store it only when the whole command parsed, so a bad line
  // neither half-applies nor creates an empty group.
  StandbyGroup* existing = find_group(itf, number);
  StandbyGroup next;
  if (existing != nullptr) {
    next = *existing;
  } else {
    next.group = number;
    next.loc = head;
  }
  switch (*opt) {
    case 0: {
      if (args.at_end()) break;  // `standby 1 ip`: learn the virtual IP from the active router
      auto a = args.ipv4("virtual IP address");
      if (!a) return;
      if (args.accept("secondary")) {
        args.error_at(args.line().tokens[args.position() - 1], "secondary HSRP virtual addresses are not supported");
        return;
      }
      next.virtual_ip = *a;
      break;
    }
    case 1: {
      auto p = args.number("standby priority", 0, 255);
      if (!p) return;
      next.priority = static_cast<int>(*p);
      break;
    }
    case 2: {
      next.preempt = true;
      if (args.accept("delay")) {
        bool any = false;
        while (!args.at_end()) {
          auto k = args.keyword("preempt delay option", {"minimum", "reload", "sync"});
          if (!k) return;
          auto s = args.number("preempt delay (seconds)", 0, 3600);
          if (!s) return;
          if (*k == 0) next.preempt_delay_minimum = std::chrono::seconds(*s);
          any = true;  // reload and sync delays concern router boot and IPC sync, not a host
        }
        if (!any) {
          args.error_here("incomplete command: expected minimum, reload or sync");
          return;
        }
      }
      break;
    }
    case 3: {
      const Token* n = args.require("standby group name");
      if (n == nullptr) return;
      next.name = n->text;
      break;
    }
    case 4: {
      const Token* t = args.peek();
      if (t != nullptr && !is_digits(t->text)) {
        args.error_at(*t, "track an object number (`track N interface " + t->text +
                              " line-protocol`, then `standby " + std::to_string(number) + " track N`), not an interface");
        return;
      }
      auto obj = args.number("track object number", 1, 1000);
      if (!obj) return;
      StandbyTrack tr;
      tr.object = static_cast<int>(*obj);
      tr.loc = args.loc(*t);
      if (args.accept("decrement")) {
        auto d = args.number("priority decrement", 1, 255);
        if (!d) return;
        tr.decrement = static_cast<int>(*d);
      } else if (args.peek() != nullptr && is_digits(args.peek()->text)) {
        auto d = args.number("priority decrement", 1, 255);  // 12.4T form: `track 2 10`
        if (!d) return;
        tr.decrement = static_cast<int>(*d);
      }
      if (args.accept("shutdown")) {
        args.error_at(args.line().tokens[args.position() - 1], "`standby track ... shutdown` is not supported");
        return;
      }
      auto it = std::find_if(next.tracks.begin(), next.tracks.end(), [&](const StandbyTrack& x) { return x.object == tr.object; });
      if (it != next.tracks.end()) *it = tr;
      else next.tracks.push_back(tr);
      break;
    }
    case 5: {
      auto hello = parse_time(args, true);
      if (!hello) return;
      const Token* hold_token = args.peek();
      auto hold = parse_time(args, false);
      if (!hold) return;
      if (*hold <= *hello) {
        args.error_at(*hold_token, "hold time must be greater than the hello time");
        return;
      }
      next.hello = *hello;
      next.hold = *hold;
      break;
    }
    case 6:
      if (!parse_authentication(args, next)) return;
      break;
    default:
      return;
  }
  if (!args.finish()) return;
  if (existing != nullptr) *existing = std::move(next);
  else itf.standby.push_back(std::move(next));
}

}  // namespace espgw::config::detail

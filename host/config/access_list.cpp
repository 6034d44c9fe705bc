// Extended access lists, numbered (`access-list 100-199|2000-2699 ...`) and named
// (`ip access-list extended NAME` and its sub-mode): the crypto-map ACLs that become the
// SPD (RFC 4301 section 4.4.1), permit = protect, deny = bypass.
#include <algorithm>
#include <cctype>
#include <string>

#include "host/common/ipv4.hpp"
#include "host/config/sections.hpp"

namespace espgw::config::detail {
namespace {

bool is_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

struct Named {
  std::string_view name;
  int value;
};

// IOS's keyword names for protocols, ports and ICMP types (the common ones).
constexpr Named kProtocols[] = {{"ip", kAclProtocolIp}, {"icmp", 1}, {"igmp", 2}, {"ipinip", 4}, {"tcp", 6},
                                {"udp", 17}, {"gre", 47}, {"esp", 50}, {"ahp", 51}, {"eigrp", 88},
                                {"ospf", 89}, {"nos", 94}, {"pim", 103}, {"pcp", 108}, {"sctp", 132}};
constexpr Named kPorts[] = {{"bgp", 179}, {"bootpc", 68}, {"bootps", 67}, {"domain", 53}, {"echo", 7},
                            {"ftp", 21}, {"ftp-data", 20}, {"isakmp", 500}, {"non500-isakmp", 4500},
                            {"ntp", 123}, {"pop3", 110}, {"smtp", 25}, {"snmp", 161}, {"snmptrap", 162},
                            {"syslog", 514}, {"telnet", 23}, {"tftp", 69}, {"www", 80}};
constexpr Named kIcmpTypes[] = {{"echo-reply", 0}, {"unreachable", 3}, {"source-quench", 4}, {"redirect", 5},
                                {"echo", 8}, {"router-advertisement", 9}, {"router-solicitation", 10},
                                {"time-exceeded", 11}, {"parameter-problem", 12}, {"timestamp-request", 13},
                                {"timestamp-reply", 14}};

template <std::size_t N>
std::optional<int> lookup(const Named (&table)[N], std::string_view word) {
  for (const auto& n : table) {
    if (n.name == word) return n.value;
  }
  return std::nullopt;
}

bool has_ports(int protocol) { return protocol == 6 || protocol == 17 || protocol == 132; }

std::optional<AclAddress> parse_address(Context& ctx, Args& args, std::string_view what) {
  const Token* t = args.require(std::string(what) + " address (any, host A, or A WILDCARD)");
  if (t == nullptr) return std::nullopt;
  if (keyword_is(t->text, "any") && t->text.size() >= 2) return AclAddress{0, 0xFFFFFFFF};
  if (keyword_is(t->text, "host") && t->text.size() >= 2) {
    auto a = args.ipv4(std::string(what) + " host address");
    if (!a) return std::nullopt;
    return AclAddress{*a, 0};
  }
  if (keyword_is(t->text, "object-group") && t->text.size() >= 2) {
    args.error_at(*t, "object-group in access lists is not supported");
    return std::nullopt;
  }
  auto a = parse_ipv4(t->text);
  if (!a) {
    args.error_at(*t, "invalid " + std::string(what) + " '" + t->text + "': expected any, host A, or A WILDCARD");
    return std::nullopt;
  }
  const Token* wt = args.peek();
  auto w = args.ipv4(std::string(what) + " wildcard mask");
  if (!w) return std::nullopt;
  if ((*a & *w) != 0) {
    // IOS silently clears the don't-care bits; say so, since the operator likely mistyped.
    ctx.warning(args.loc(*t), std::string(what) + " " + t->text + " " + wt->text + " has bits set under the wildcard; read as " +
                                  format_ipv4(*a & ~*w) + " " + wt->text);
  }
  return AclAddress{*a & ~*w, *w};
}

std::optional<int> parse_port_value(Args& args) {
  const Token* t = args.require("port (number or name)");
  if (t == nullptr) return std::nullopt;
  if (is_digits(t->text)) {
    if (t->text.size() <= 5 && std::stoi(t->text) <= 65535) return std::stoi(t->text);
  } else if (auto p = lookup(kPorts, t->text)) {
    return p;
  }
  args.error_at(*t, "invalid port '" + t->text + "': expected 0-65535 or a port name such as www");
  return std::nullopt;
}

// Returns false after reporting an error; leaves *out as kAny when no operator follows.
bool parse_port(Args& args, PortMatch* out) {
  if (args.at_end()) return true;
  const int k = match_keyword(args.peek()->text, {"eq", "neq", "lt", "gt", "range"});
  if (k < 0) return true;
  args.take();
  static constexpr PortOp kOps[] = {PortOp::kEq, PortOp::kNeq, PortOp::kLt, PortOp::kGt, PortOp::kRange};
  out->op = kOps[k];
  auto lo = parse_port_value(args);
  if (!lo) return false;
  out->low = static_cast<std::uint16_t>(*lo);
  if (out->op == PortOp::kRange) {
    const Token* hi_token = args.peek();
    auto hi = parse_port_value(args);
    if (!hi) return false;
    if (*hi < *lo) {
      args.error_at(*hi_token, "port range ends below its start");
      return false;
    }
    out->high = static_cast<std::uint16_t>(*hi);
  }
  return true;
}

}  // namespace

// `permit|deny PROTOCOL SRC [PORT] DST [PORT] [ICMP-TYPE [CODE]] [established] [log]`
static std::optional<AclEntry> parse_acl_entry(Context& ctx, Args& args, AclAction action, SourceLoc loc) {
  AclEntry e;
  e.action = action;
  e.loc = loc;
  const Token* p = args.require("protocol (ip, icmp, tcp, udp or 0-255)");
  if (p == nullptr) return std::nullopt;
  if (is_digits(p->text) && p->text.size() <= 3 && std::stoi(p->text) <= 255) {
    e.protocol = std::stoi(p->text);
  } else if (auto v = lookup(kProtocols, p->text)) {
    e.protocol = *v;
  } else {
    args.error_at(*p, "invalid protocol '" + p->text + "': expected ip, icmp, tcp, udp, another IOS protocol name, or 0-255");
    return std::nullopt;
  }
  auto src = parse_address(ctx, args, "source");
  if (!src) return std::nullopt;
  e.source = *src;
  if (has_ports(e.protocol) && !parse_port(args, &e.source_port)) return std::nullopt;
  auto dst = parse_address(ctx, args, "destination");
  if (!dst) return std::nullopt;
  e.destination = *dst;
  if (has_ports(e.protocol) && !parse_port(args, &e.destination_port)) return std::nullopt;
  if (e.protocol == 1 && !args.at_end()) {
    const Token& t = *args.peek();
    if (is_digits(t.text)) {
      auto type = args.number("ICMP type", 0, 255);
      if (!type) return std::nullopt;
      e.icmp_type = static_cast<int>(*type);
      if (args.peek() != nullptr && is_digits(args.peek()->text)) {
        auto code = args.number("ICMP code", 0, 255);
        if (!code) return std::nullopt;
        e.icmp_code = static_cast<int>(*code);
      }
    } else if (auto type = lookup(kIcmpTypes, t.text)) {
      args.take();
      e.icmp_type = *type;
    }
  }
  while (!args.at_end()) {
    const Token& t = *args.peek();
    if (e.protocol == 6 && keyword_is(t.text, "established") && t.text.size() >= 3) {
      e.established = true;
    } else if (t.text == "log" || t.text == "log-input") {
      e.log = true;
    } else {
      args.error_at(t, "unsupported access-list option '" + t.text + "'");
      return std::nullopt;
    }
    args.take();
  }
  return e;
}

namespace {

int find_or_add_acl(Context& ctx, const std::string& name, bool numbered, SourceLoc loc) {
  auto& acls = ctx.config.access_lists;
  for (std::size_t i = 0; i < acls.size(); ++i) {
    if (acls[i].name == name) return static_cast<int>(i);
  }
  acls.push_back(AccessList{name, numbered, {}, loc});
  ctx.acl_sequence_numbers.emplace_back();
  return static_cast<int>(acls.size() - 1);
}

// Adds an entry at its sequence number (IOS: next multiple of 10 when none is given).
void add_entry(Context& ctx, int index, AclEntry e, std::optional<int> seq, const Token* seq_token, Args& args) {
  auto& entries = ctx.config.access_lists[index].entries;
  auto& seqs = ctx.acl_sequence_numbers[index];
  const int n = seq.value_or(seqs.empty() ? 10 : (seqs.back() / 10 + 1) * 10);
  auto it = std::lower_bound(seqs.begin(), seqs.end(), n);
  if (it != seqs.end() && *it == n) {
    args.error_at(*seq_token, "access-list " + ctx.config.access_lists[index].name + " already has an entry " +
                                  std::to_string(n));
    return;
  }
  const auto pos = it - seqs.begin();
  seqs.insert(it, n);
  entries.insert(entries.begin() + pos, std::move(e));
}

}  // namespace

Outcome global_access_list(Context& ctx, Args& args) {
  const SourceLoc head = args.loc(args.line().tokens.front());
  const Token* num_token = args.peek();
  auto n = args.number("access-list number", 1, 2699);
  if (!n) return Outcome::done();
  if (*n < 100 || (*n > 199 && *n < 2000)) {
    args.error_at(*num_token, "access-list " + num_token->text +
                                  " is a standard ACL; crypto maps need an extended ACL (100-199 or 2000-2699)");
    return Outcome::done();
  }
  auto action = args.keyword("access-list action", {"permit", "deny", "remark"});
  if (!action) return Outcome::done();
  const int index = find_or_add_acl(ctx, std::to_string(*n), true, head);
  if (*action == 2) return Outcome::done();  // remarks are documentation only
  auto e = parse_acl_entry(ctx, args, *action == 0 ? AclAction::kPermit : AclAction::kDeny, head);
  if (e) add_entry(ctx, index, std::move(*e), std::nullopt, nullptr, args);
  return Outcome::done();
}

Outcome global_ip_access_list(Context& ctx, Args& args) {
  const SourceLoc head = args.loc(args.line().tokens.front());
  auto kind = args.keyword("access-list kind", {"extended", "standard"});
  Mode mode{ModeKind::kAccessList, -1, "ip access-list"};
  if (!kind) return Outcome::open(mode);
  const Token* name = args.require("access-list name");
  if (name == nullptr) return Outcome::open(mode);
  mode.label += (*kind == 0 ? " extended " : " standard ") + name->text;
  if (*kind == 1) {
    args.error_at(args.line().tokens[2], "standard access lists are not supported: crypto maps need `ip access-list extended`");
    return Outcome::open(mode);
  }
  if (is_digits(name->text)) {
    auto n = std::stol(name->text.substr(0, 6));
    if (n < 100 || (n > 199 && n < 2000) || n > 2699) {
      args.error_at(*name, "extended access-list number " + name->text + " out of range (100-199, 2000-2699)");
      return Outcome::open(mode);
    }
  }
  if (!args.finish()) return Outcome::open(mode);
  mode.index = find_or_add_acl(ctx, name->text, is_digits(name->text), head);
  return Outcome::open(mode);
}

Outcome in_access_list(Context& ctx, const Mode& mode, Args& args) {
  const Token* first = args.peek();
  std::optional<int> seq;
  const Token* seq_token = nullptr;
  if (is_digits(first->text)) {
    // "10 permit ip ..." as `show access-lists` and newer show-run print them.
    seq_token = first;
    auto n = args.number("sequence number", 1, 2147483647);
    if (!n) return Outcome::done();
    seq = static_cast<int>(*n);
    if (args.at_end()) {
      args.error_here("incomplete command: expected permit or deny");
      return Outcome::done();
    }
  }
  const int k = match_keyword(args.peek()->text, {"permit", "deny", "remark"});
  if (k < 0) {
    if (seq) {
      args.error_at(*args.peek(), "expected permit or deny after sequence number");
      return Outcome::done();
    }
    return Outcome::not_in_mode();
  }
  args.take();
  if (k == 2) return Outcome::done();
  auto e = parse_acl_entry(ctx, args, k == 0 ? AclAction::kPermit : AclAction::kDeny, args.loc(*first));
  if (e && mode.index >= 0) add_entry(ctx, mode.index, std::move(*e), seq, seq_token, args);
  return Outcome::done();
}

}  // namespace espgw::config::detail

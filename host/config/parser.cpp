// The parse driver: lexes, walks the lines with IOS's mode stack, dispatches each command
// to its section file (sections.hpp), then sorts and validates. A command that is not
// valid in the current sub-mode is tried at each level above, as IOS does on a paste.
#include "host/config/parser.hpp"

#include <algorithm>
#include <cctype>

#include "host/config/sections.hpp"
#include "host/config/validate.hpp"

namespace espgw::config {
namespace detail {
namespace {

int match_global(std::string_view word) {
  return match_keyword(word, {"hostname", "crypto", "access-list", "ip", "interface", "track", "ipc", "redundancy",
                              "debug", "end", "exit"});
}

bool valid_hostname(std::string_view h) {
  if (h.empty() || h.size() > 63 || !std::isalpha(static_cast<unsigned char>(h.front()))) return false;
  return std::all_of(h.begin(), h.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; });
}

// Whether the global level would take this command; an ignored platform block absorbs
// everything else, since espgw does not know the block's own commands.
bool global_knows(const Line& line) {
  bool block = false;
  if (is_platform_global(line, &block)) return true;
  const std::string& w = line.tokens[0].text;
  const int k = match_global(w);
  return k >= 0;
}

Outcome global_command(Context& ctx, Args& args) {
  const Token& first = *args.take();
  const int k = match_global(first.text);
  switch (k) {
    case 0: {  // hostname
      const Token* h = args.require("host name");
      if (h == nullptr) return Outcome::done();
      if (!valid_hostname(h->text)) {
        args.error_at(*h, "invalid host name '" + h->text + "': letters, digits and hyphens, starting with a letter, at most 63");
      } else if (args.finish()) {
        ctx.config.hostname = h->text;
      }
      return Outcome::done();
    }
    case 1: {  // crypto
      if (args.at_end()) break;
      const int sub = match_keyword(args.peek()->text, {"isakmp", "ipsec", "map"});
      if (sub < 0) break;
      args.take();
      if (sub == 0) return global_crypto_isakmp(ctx, args);
      if (sub == 1) return global_crypto_ipsec(ctx, args);
      return global_crypto_map(ctx, args);
    }
    case 2:
      return global_access_list(ctx, args);
    case 3:  // ip
      if (!args.at_end() && keyword_is(args.peek()->text, "access-list") && args.peek()->text.size() >= 3) {
        args.take();
        return global_ip_access_list(ctx, args);
      }
      break;
    case 4:
      return global_interface(ctx, args);
    case 5:
      return global_track(ctx, args);
    case 6:
      return global_ipc(ctx, args);
    case 7:
      return global_redundancy(ctx, args);
    case 8: {  // debug crypto isakmp|ipsec, pasted along with the config
      if (args.accept("crypto")) {
        auto what = args.keyword("debug crypto subsystem", {"isakmp", "ipsec"});
        if (what && args.finish()) (*what == 0 ? ctx.config.debug_crypto_isakmp : ctx.config.debug_crypto_ipsec) = true;
        return Outcome::done();
      }
      break;
    }
    default:
      break;
  }
  return Outcome::not_in_mode();
}

Outcome handle(Context& ctx, const Mode& mode, const Line& line) {
  Args args(ctx, line, 0);
  switch (mode.kind) {
    case ModeKind::kGlobal: {
      Outcome o = global_command(ctx, args);
      if (o.handled) return o;
      bool block = false;
      if (is_platform_global(line, &block)) {
        ctx.ignore(line, mode);
        if (block) return Outcome::open(Mode{ModeKind::kIgnoredBlock, -1, masked_command(line, 0)});
        return Outcome::done();
      }
      return Outcome::not_in_mode();
    }
    case ModeKind::kIsakmpPolicy:
      return in_isakmp_policy(ctx, mode, args);
    case ModeKind::kTransformSet:
      return in_transform_set(ctx, mode, args);
    case ModeKind::kCryptoMap:
      return in_crypto_map(ctx, mode, args);
    case ModeKind::kAccessList:
      return in_access_list(ctx, mode, args);
    case ModeKind::kInterface:
      return in_interface(ctx, mode, args);
    case ModeKind::kTrack:
      return in_track(ctx, mode, args);
    case ModeKind::kIpcZone:
    case ModeKind::kIpcAssociation:
    case ModeKind::kIpcProtocol:
    case ModeKind::kIpcLocal:
    case ModeKind::kIpcRemote:
      return in_ipc(ctx, mode, args);
    case ModeKind::kRedundancyInterDevice:
      return in_redundancy_inter_device(ctx, mode, args);
    case ModeKind::kIgnoredBlock:
      if (global_knows(line)) return Outcome::not_in_mode();
      ctx.ignore(line, mode);
      return Outcome::done();
  }
  return Outcome::not_in_mode();
}

void dispatch(Context& ctx, std::vector<Mode>& stack, const Line& line) {
  const std::string& w = line.tokens[0].text;
  if (line.tokens.size() == 1 && (w == "end" || w == "exit")) {
    // `end` leaves configuration mode (back to the top); `exit` leaves one sub-mode.
    if (w == "end") stack.resize(1);
    else if (stack.size() > 1) stack.pop_back();
    return;
  }
  for (std::size_t level = stack.size(); level-- > 0;) {
    Outcome o = handle(ctx, stack[level], line);
    if (!o.handled) continue;
    stack.resize(level + 1);
    if (o.enter) stack.push_back(std::move(*o.enter));
    return;
  }
  // Not valid at any level: IOS answers "% Invalid input" and stays in the current mode.
  std::string where = stack.size() > 1 ? " (not valid in " + stack.back().label + " nor at global level)" : "";
  // Echo at most three words: a mistyped command may carry a key further along.
  Line head = line;
  const bool cut = head.tokens.size() > 3;
  if (cut) head.tokens.resize(3);
  std::string msg = "unknown command '" + masked_command(head, 0) + (cut ? " ...'" : "'") + where;
  const SourceLoc at = loc_of(line, line.tokens[0]);
  if (ctx.options().strict) ctx.error(at, msg);
  else ctx.warning(at, msg + ", ignored");
}

// `banner motd ^C ... ^C`: everything up to the closing delimiter is text, not commands.
// Returns the index of the last line the banner occupies.
std::size_t skip_banner(Context& ctx, const std::vector<Line>& lines, std::size_t i) {
  const Line& line = lines[i];
  ctx.ignore(line, Mode{});
  if (line.tokens.size() < 3) return i;
  const std::string& t = line.tokens[2].text;
  const std::string delim = t.rfind("^C", 0) == 0 ? "^C" : t.substr(0, 1);
  const std::string rest = line.rest_from(2).substr(delim.size());
  if (rest.find(delim) != std::string::npos) return i;
  for (std::size_t j = i + 1; j < lines.size(); ++j) {
    if (lines[j].text.find(delim) != std::string::npos) return j;
  }
  ctx.error(loc_of(line, line.tokens[2]), "banner delimiter '" + delim + "' is never closed");
  return lines.size() - 1;
}

}  // namespace
}  // namespace detail

std::size_t ParseResult::error_count() const {
  return static_cast<std::size_t>(std::count_if(diagnostics.begin(), diagnostics.end(),
                                                [](const Diagnostic& d) { return d.severity == Severity::kError; }));
}

std::size_t ParseResult::warning_count() const { return diagnostics.size() - error_count(); }

std::vector<std::string> ParseResult::formatted() const {
  std::vector<std::string> out;
  out.reserve(diagnostics.size());
  for (const auto& d : diagnostics) out.push_back(d.to_string());
  return out;
}

ParseResult parse_ios_config(std::string_view text, std::string_view file_name, ParseOptions options) {
  using namespace detail;
  Context ctx(file_name, options);
  ctx.config.notes.file = std::string(file_name);
  const std::vector<Line> lines = lex_ios_config(text);
  std::vector<Mode> stack{Mode{ModeKind::kGlobal, -1, "global"}};
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const Line& line = lines[i];
    if (line.invalid_utf8) {
      const auto pos = line.text.find('?');
      ctx.warning(SourceLoc{line.number, pos == std::string::npos ? 1 : line.columns[pos]},
                  "line is not valid UTF-8; undecodable bytes read as '?'");
    }
    if (line.kind != LineKind::kCommand) continue;
    if (stack.size() == 1 && keyword_is(line.tokens[0].text, "banner") && line.tokens[0].text.size() >= 3) {
      i = skip_banner(ctx, lines, i);
      continue;
    }
    dispatch(ctx, stack, line);
  }

  Config& c = ctx.config;
  std::stable_sort(c.isakmp_policies.begin(), c.isakmp_policies.end(),
                   [](const auto& a, const auto& b) { return a.priority < b.priority; });
  std::stable_sort(c.crypto_maps.begin(), c.crypto_maps.end(), [](const auto& a, const auto& b) {
    return a.name != b.name ? a.name < b.name : a.seq < b.seq;
  });
  std::stable_sort(c.tracks.begin(), c.tracks.end(), [](const auto& a, const auto& b) { return a.object < b.object; });

  for (auto& d : validate_config(c, file_name)) ctx.diagnostics.push_back(std::move(d));
  std::stable_sort(ctx.diagnostics.begin(), ctx.diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return a.loc.line != b.loc.line ? a.loc.line < b.loc.line : a.loc.column < b.loc.column;
  });
  for (const auto& d : ctx.diagnostics) {
    if (d.severity == Severity::kWarning) c.notes.warnings.push_back(d);
  }
  ParseResult result;
  result.config = std::move(ctx.config);
  result.diagnostics = std::move(ctx.diagnostics);
  return result;
}

}  // namespace espgw::config

// Parser plumbing shared by the section files: diagnostics, IOS keyword abbreviation,
// argument cursor, secret masking, interface-name expansion (parser_context.hpp).
#include "host/config/parser_context.hpp"

#include <cctype>
#include <charconv>

#include "host/common/ipv4.hpp"

namespace espgw::config::detail {
namespace {

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

std::string join(std::initializer_list<std::string_view> words) {
  std::string out;
  for (auto w : words) {
    if (!out.empty()) out += '|';
    out += w;
  }
  return out;
}

}  // namespace

bool keyword_is(std::string_view token, std::string_view word) {
  return !token.empty() && token.size() <= word.size() && iequal(token, word.substr(0, token.size()));
}

int match_keyword(std::string_view token, std::initializer_list<std::string_view> words) {
  int found = kNoMatch;
  int index = 0;
  for (auto w : words) {
    if (iequal(token, w)) return index;
    if (keyword_is(token, w)) found = (found == kNoMatch) ? index : kAmbiguous;
    ++index;
  }
  return found;
}

std::string masked_command(const Line& line, std::size_t from_token) {
  std::string out;
  bool mask_next = false;
  for (std::size_t i = from_token; i < line.tokens.size(); ++i) {
    const std::string& t = line.tokens[i].text;
    if (!out.empty()) out += ' ';
    if (mask_next) {
      // "password 7 XXX": keep the encryption type digit, mask what follows it.
      if (t.size() == 1 && std::isdigit(static_cast<unsigned char>(t[0])) && i + 1 < line.tokens.size()) {
        out += t;
        continue;
      }
      out += "********";
      mask_next = false;
      continue;
    }
    out += t;
    for (std::string_view s : {"password", "secret", "key", "key-string", "community", "authentication"}) {
      if (iequal(t, s)) mask_next = true;
    }
  }
  return out;
}

void Context::error(SourceLoc at, std::string message) {
  diagnostics.push_back(Diagnostic{Severity::kError, file_, at, std::move(message)});
}

void Context::warning(SourceLoc at, std::string message) {
  diagnostics.push_back(Diagnostic{Severity::kWarning, file_, at, std::move(message)});
}

void Context::ignore(const Line& line, const Mode& mode) {
  config.notes.ignored.push_back(IgnoredCommand{masked_command(line, 0),
                                                mode.kind == ModeKind::kGlobal ? "global" : mode.label,
                                                loc_of(line, line.tokens.front())});
}

IpcAssociation& Context::ipc_association(const Mode& m) {
  if (m.index < 0 || !config.ipc_zone) return scratch_ipc_association;
  return config.ipc_zone->associations[m.index];
}

SourceLoc loc_of(const Line& line, const Token& token) { return SourceLoc{line.number, token.column}; }

SourceLoc Args::here() const {
  if (!at_end()) return loc(line_.tokens[pos_]);
  // Just past the last character of the command, where the missing word would go.
  int col = line_.columns.empty() ? 1 : line_.columns.back();
  if (!line_.tokens.empty()) {
    const Token& last = line_.tokens.back();
    col = last.column + static_cast<int>(last.text.size()) + 1;
  }
  return SourceLoc{line_.number, col};
}

const Token* Args::require(std::string_view what) {
  if (at_end()) {
    error_here("incomplete command: expected " + std::string(what));
    return nullptr;
  }
  return take();
}

std::optional<std::int64_t> Args::number(std::string_view what, std::int64_t lo, std::int64_t hi) {
  const Token* t = require(what);
  if (t == nullptr) return std::nullopt;
  std::int64_t v = 0;
  const char* b = t->text.data();
  const char* e = b + t->text.size();
  auto [p, ec] = std::from_chars(b, e, v);
  if (ec != std::errc() || p != e || v < lo || v > hi) {
    error_at(*t, "invalid " + std::string(what) + " '" + t->text + "': expected a number " + std::to_string(lo) +
                     "-" + std::to_string(hi));
    return std::nullopt;
  }
  return v;
}

std::optional<std::uint32_t> Args::ipv4(std::string_view what) {
  const Token* t = require(what);
  if (t == nullptr) return std::nullopt;
  auto a = parse_ipv4(t->text);
  if (!a) {
    error_at(*t, "invalid " + std::string(what) + " '" + t->text + "': expected an IPv4 address");
    return std::nullopt;
  }
  return a;
}

std::optional<std::uint32_t> Args::netmask(std::string_view what) {
  const Token* t = require(what);
  if (t == nullptr) return std::nullopt;
  auto a = parse_ipv4(t->text);
  if (!a || !is_contiguous_netmask(*a)) {
    error_at(*t, "invalid " + std::string(what) + " '" + t->text + "': expected a contiguous netmask such as 255.255.255.0");
    return std::nullopt;
  }
  return a;
}

std::optional<int> Args::keyword(std::string_view what, std::initializer_list<std::string_view> words) {
  if (at_end()) {
    error_here("incomplete command: expected " + std::string(what) + " (" + join(words) + ")");
    return std::nullopt;
  }
  const Token& t = *take();
  int k = match_keyword(t.text, words);
  if (k == kAmbiguous) {
    error_at(t, "ambiguous " + std::string(what) + " '" + t.text + "' (" + join(words) + ")");
    return std::nullopt;
  }
  if (k == kNoMatch) {
    error_at(t, "invalid " + std::string(what) + " '" + t.text + "': expected " + join(words));
    return std::nullopt;
  }
  return k;
}

bool Args::accept(std::string_view word) {
  if (!at_end() && keyword_is(line_.tokens[pos_].text, word)) {
    ++pos_;
    return true;
  }
  return false;
}

bool Args::finish() {
  if (at_end()) return true;
  error_here("unexpected '" + line_.tokens[pos_].text + "' at the end of the command");
  return false;
}

}  // namespace espgw::config::detail

// Lexer for pasted IOS configuration (see lexer.hpp). Columns count characters, not bytes,
// so a diagnostic points where an editor's cursor would be on a line indented with U+00A0.
#include "host/config/lexer.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace espgw::config {
namespace {

// Decodes one UTF-8 sequence at s[i]; returns its length, or 0 when malformed.
std::size_t decode_utf8(std::string_view s, std::size_t i, std::uint32_t* cp) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  std::size_t len = 0;
  std::uint32_t v = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    v = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    v = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    v = b0 & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    v = (v << 6) | (b & 0x3F);
  }
  // Reject overlong forms and surrogates, as a strict decoder must.
  if ((len == 2 && v < 0x80) || (len == 3 && v < 0x800) || (len == 4 && v < 0x10000) ||
      (v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF) {
    return 0;
  }
  *cp = v;
  return len;
}

// What a browser-copied character stands for in typed IOS text; nullptr = keep as is.
const char* fold(std::uint32_t cp) {
  switch (cp) {
    case 0x09: case 0x0B: case 0x0C: case 0xA0: case 0x1680: case 0x202F: case 0x205F:
    case 0x3000:
      return " ";
    case 0x200B: case 0x200C: case 0x200D: case 0x2060: case 0xFEFF:
      return "";  // zero-width: invisible in the browser, so invisible here
    case 0x2026:
      return "...";
    case 0x2018: case 0x2019: case 0x201A: case 0x2032:
      return "'";
    case 0x201C: case 0x201D: case 0x201E: case 0x2033:
      return "\"";
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015: case 0x2212:
      return "-";
    default:
      break;
  }
  if (cp >= 0x2000 && cp <= 0x200A) return " ";
  if (cp < 0x20 || cp == 0x7F) return " ";
  return nullptr;
}

bool is_space(char c) { return c == ' '; }

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

// "R1#", "R2#sh", "R1(config-if)#do", "Router>": a hostname, an optional "(mode)", then # or >.
bool is_prompt_token(std::string_view t) {
  std::size_t i = 0;
  if (t.empty() || !std::isalnum(static_cast<unsigned char>(t[0]))) return false;
  while (i < t.size() && (std::isalnum(static_cast<unsigned char>(t[i])) || t[i] == '-' || t[i] == '_' || t[i] == '.')) ++i;
  if (i < t.size() && t[i] == '(') {
    const std::size_t close = t.find(')', i);
    if (close == std::string_view::npos) return false;
    i = close + 1;
  }
  return i < t.size() && (t[i] == '#' || t[i] == '>');
}

void normalize(std::string_view raw, Line* line) {
  line->text.reserve(raw.size());
  line->columns.reserve(raw.size() + 1);
  int column = 1;
  std::size_t i = 0;
  while (i < raw.size()) {
    std::uint32_t cp = 0;
    std::size_t len = decode_utf8(raw, i, &cp);
    if (len == 0) {
      line->invalid_utf8 = true;
      line->text += '?';
      line->columns.push_back(column);
      ++i;
      ++column;
      continue;
    }
    if (const char* folded = fold(cp)) {
      for (const char* p = folded; *p != '\0'; ++p) {
        line->text += *p;
        line->columns.push_back(column);
      }
    } else {
      for (std::size_t k = 0; k < len; ++k) {
        line->text += raw[i + k];
        line->columns.push_back(column);
      }
    }
    i += len;
    ++column;
  }
  line->columns.push_back(column);
}

// The reference annotates commands with "// why" remarks; IOS has no such syntax, so a
// "//" that starts a word ends the command.
void cut_remark(Line* line) {
  const std::string& t = line->text;
  for (std::size_t i = 0; i + 1 < t.size(); ++i) {
    if (t[i] == '/' && t[i + 1] == '/' && (i == 0 || is_space(t[i - 1]))) {
      line->text.resize(i);
      line->columns.resize(i + 1);
      line->had_remark = true;
      return;
    }
  }
}

void tokenize(Line* line, std::size_t from = 0) {
  const std::string& t = line->text;
  line->tokens.clear();
  std::size_t i = from;
  while (i < t.size()) {
    while (i < t.size() && is_space(t[i])) ++i;
    if (i >= t.size()) break;
    const std::size_t start = i;
    while (i < t.size() && !is_space(t[i])) ++i;
    line->tokens.push_back(Token{t.substr(start, i - start), line->columns[start]});
  }
}

LineKind classify(const Line& line) {
  if (line.tokens.empty()) return LineKind::kBlank;
  const std::string& first = line.tokens[0].text;
  if (first[0] == '!') return LineKind::kComment;
  if (is_prompt_token(first)) return LineKind::kPrompt;
  std::string_view rest = line.text;
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  if (starts_with_ci(rest, "Building configuration") || starts_with_ci(rest, "Current configuration") ||
      starts_with_ci(rest, "...") || starts_with_ci(rest, "Last configuration change") ||
      starts_with_ci(rest, "NVRAM config last updated")) {
    return LineKind::kShowNoise;
  }
  return LineKind::kCommand;
}

}  // namespace

std::string Line::rest_from(std::size_t token_index) const {
  if (token_index >= tokens.size()) return {};
  // Map the token's column back to its byte offset in text.
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (columns[i] == tokens[token_index].column && !is_space(text[i])) {
      std::string out = text.substr(i);
      while (!out.empty() && out.back() == ' ') out.pop_back();
      return out;
    }
  }
  return {};
}

std::vector<Line> lex_ios_config(std::string_view text) {
  std::vector<Line> lines;
  lines.reserve(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
  std::size_t pos = 0;
  int number = 1;
  while (pos < text.size()) {
    std::size_t end = pos;
    while (end < text.size() && text[end] != '\n' && text[end] != '\r') ++end;
    Line line;
    line.number = number++;
    normalize(text.substr(pos, end - pos), &line);
    cut_remark(&line);
    tokenize(&line);
    line.kind = classify(line);
    if (line.kind == LineKind::kPrompt) {
      // A terminal transcript: "R1(config-if)#standby 1 priority 105" carries a command
      // after a configuration-mode prompt; "R1#sh run" and "...#do sh run" are exec.
      const std::string& first = line.tokens[0].text;
      const std::size_t hash = line.text.find('#');
      if (first.find("(config") != std::string::npos && hash != std::string::npos) {
        tokenize(&line, hash + 1);
        if (!line.tokens.empty() && line.tokens[0].text != "do") {
          line.kind = classify(line) == LineKind::kCommand ? LineKind::kCommand : LineKind::kPrompt;
        } else {
          line.kind = LineKind::kPrompt;
        }
      }
    }
    lines.push_back(std::move(line));
    if (end < text.size() && text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n') ++end;
    pos = end + 1;
  }
  return lines;
}

}  // namespace espgw::config

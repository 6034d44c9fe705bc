// Lexer for pasted IOS configuration: splits lines, folds what a browser puts into copied
// text (U+00A0 and other Unicode spaces, … “ ” ‘ ’ – —) back to the ASCII IOS typed, and
// classifies show-run noise (prompts, "Building configuration...", "! comments", "end").
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace espgw::config {

struct Token {
  std::string text;  // normalized (ASCII punctuation), case preserved
  int column = 0;    // 1-based, in characters of the original line
};

enum class LineKind {
  kCommand,     // tokens hold a configuration command
  kBlank,       // nothing but whitespace
  kComment,     // "!" or "! text"
  kPrompt,      // "R1#", "R2#sh run", "R1(config-if)#do sh run int g0/0"
  kShowNoise,   // "Building configuration...", "Current configuration : 306 bytes", "...[Omitted]"
};

struct Line {
  int number = 0;  // 1-based
  LineKind kind = LineKind::kBlank;
  std::vector<Token> tokens;
  std::string text;  // the normalized line, whitespace runs kept (for `description`, banners)
  std::vector<int> columns;  // columns[i]: original column of text[i]; one extra at the end
  bool had_remark = false;   // a "// ..." remark was cut off the end
  bool invalid_utf8 = false;
  // The normalized text from token i to the end of the line (for `description TEXT`).
  std::string rest_from(std::size_t token_index) const;
};

// Splits on \n, \r\n or \r. Never fails: bytes that are not UTF-8 become '?' and set
// invalid_utf8 so the parser can report them.
std::vector<Line> lex_ios_config(std::string_view text);

}  // namespace espgw::config

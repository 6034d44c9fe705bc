// Lexer: text pasted from a browser (U+00A0, typographic punctuation), show-run noise,
// character columns and "//" remarks.
#include "host/config/lexer.hpp"

#include <gtest/gtest.h>

namespace espgw::config {
namespace {

TEST(Lexer, NonBreakingSpaceIndentIsWhitespaceAndColumnsCountCharacters) {
  auto lines = lex_ios_config("\xC2\xA0set peer 1.2.3.4\n");
  ASSERT_EQ(lines.size(), 1u);
  ASSERT_EQ(lines[0].tokens.size(), 3u);
  EXPECT_EQ(lines[0].tokens[0].text, "set");
  EXPECT_EQ(lines[0].tokens[0].column, 2);  // one character, two bytes
  EXPECT_EQ(lines[0].tokens[2].column, 11);
  EXPECT_EQ(lines[0].kind, LineKind::kCommand);
}

TEST(Lexer, TypographicCharactersFoldToWhatWasTyped) {
  auto lines = lex_ios_config("description \xE2\x80\x9Cuplink\xE2\x80\x9D \xE2\x80\x93 WAN\xE2\x80\xA6 it\xE2\x80\x99s\n");
  EXPECT_EQ(lines[0].text, "description \"uplink\" - WAN... it's");
  EXPECT_EQ(lines[0].tokens[3].column, 24);  // "WAN...": 11 + space + 8 (quoted) + space + dash + space
}

TEST(Lexer, ShowRunNoiseIsClassified) {
  auto lines = lex_ios_config(
      " R1#\nR2#sh run\nR1(config-if)#do sh run int g0/0\nBuilding configuration\xE2\x80\xA6\n"
      "Current configuration : 306 bytes\n\xE2\x80\xA6.[Omitted]\n!\n!\xC2\xA0\xC2\xA0\n\n   \ncrypto map vpn\n");
  ASSERT_EQ(lines.size(), 11u);
  EXPECT_EQ(lines[0].kind, LineKind::kPrompt);
  EXPECT_EQ(lines[1].kind, LineKind::kPrompt);
  EXPECT_EQ(lines[2].kind, LineKind::kPrompt);
  EXPECT_EQ(lines[3].kind, LineKind::kShowNoise);
  EXPECT_EQ(lines[4].kind, LineKind::kShowNoise);
  EXPECT_EQ(lines[5].kind, LineKind::kShowNoise);
  EXPECT_EQ(lines[6].kind, LineKind::kComment);
  EXPECT_EQ(lines[7].kind, LineKind::kComment);
  EXPECT_EQ(lines[8].kind, LineKind::kBlank);
  EXPECT_EQ(lines[9].kind, LineKind::kBlank);
  EXPECT_EQ(lines[10].kind, LineKind::kCommand);
  EXPECT_EQ(lines[10].number, 11);
}

TEST(Lexer, ConfigModePromptCarriesItsCommandButExecPromptsDoNot) {
  auto lines = lex_ios_config("R1(config-if)#standby 1 priority 105\nR1(config-if)#do sh run\nR1#conf t\nR1(config)#\n");
  EXPECT_EQ(lines[0].kind, LineKind::kCommand);
  ASSERT_EQ(lines[0].tokens.size(), 4u);
  EXPECT_EQ(lines[0].tokens[0].text, "standby");
  EXPECT_EQ(lines[0].tokens[0].column, 15);
  EXPECT_EQ(lines[1].kind, LineKind::kPrompt);
  EXPECT_EQ(lines[2].kind, LineKind::kPrompt);
  EXPECT_EQ(lines[3].kind, LineKind::kPrompt);
}

TEST(Lexer, SlashSlashRemarkEndsTheCommand) {
  auto lines = lex_ios_config(" crypto map vpn // This configuration is wrong\n");
  ASSERT_EQ(lines[0].tokens.size(), 3u);
  EXPECT_TRUE(lines[0].had_remark);
  EXPECT_EQ(lines[0].tokens[2].text, "vpn");
}

TEST(Lexer, CrLfAndBareCrEndLines) {
  auto lines = lex_ios_config("a\r\nb\rc");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[2].tokens[0].text, "c");
  EXPECT_EQ(lines[2].number, 3);
}

TEST(Lexer, InvalidUtf8BecomesQuestionMarkAndIsFlagged) {
  auto lines = lex_ios_config("host\xFFname R1\n");
  EXPECT_TRUE(lines[0].invalid_utf8);
  EXPECT_EQ(lines[0].tokens[0].text, "host?name");
}

TEST(Lexer, RestFromKeepsInnerSpacing) {
  auto lines = lex_ios_config(" description to  the   peer  \n");
  EXPECT_EQ(lines[0].rest_from(1), "to  the   peer");
}

}  // namespace
}  // namespace espgw::config

// Control words with IOS abbreviations; errors point at the offending word.
#include "host/espd/control_commands.hpp"

#include <gtest/gtest.h>

namespace espgw::espd {
namespace {

std::optional<ControlCommand> parse(std::vector<std::string> argv, std::string* err = nullptr) {
  std::string e;
  auto r = parse_control_command(argv, err ? err : &e);
  return r;
}

TEST(ControlCommands, AbbreviatedShowCryptoIpsecSaWithPeerAndDetailInEitherOrder) {
  auto c = parse({"sh", "cry", "ipsec", "sa", "detail", "peer", "19.26.116.137"});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->kind, ControlCommand::Kind::kShowIpsecSa);
  EXPECT_TRUE(c->detail);
  EXPECT_EQ(c->peer, 0x131A7489u);
  c = parse({"show", "crypto", "ipsec", "sa", "peer", "19.26.116.137", "detail"});
  ASSERT_TRUE(c && c->detail && c->peer);
}

TEST(ControlCommands, OtherCommands) {
  EXPECT_EQ(parse({"show", "crypto", "map"})->kind, ControlCommand::Kind::kShowCryptoMap);
  EXPECT_EQ(parse({"show", "running-config"})->kind, ControlCommand::Kind::kShowRunningConfig);
  EXPECT_EQ(parse({"show", "crypto", "sa-table"})->kind, ControlCommand::Kind::kShowSaTable);
  EXPECT_EQ(parse({"clear", "crypto", "sa", "peer", "1.2.3.4"})->peer, 0x01020304u);
  auto e = parse({"export", "wireshark", "/tmp/x"});
  ASSERT_TRUE(e);
  EXPECT_EQ(e->dir, "/tmp/x");
}

TEST(ControlCommands, ShowPlatformAbbreviatedAndNothingAfterIt) {
  EXPECT_EQ(parse({"show", "platform"})->kind, ControlCommand::Kind::kShowPlatform);
  EXPECT_EQ(parse({"sh", "pl"})->kind, ControlCommand::Kind::kShowPlatform);
  std::string err;
  EXPECT_FALSE(parse({"show", "platform", "detail"}, &err));
  EXPECT_EQ(err, "% Invalid input detected at 'detail'");
}

TEST(ControlCommands, InvalidInputNamesTheWord) {
  std::string err;
  EXPECT_FALSE(parse({"show", "crypto", "bogus"}, &err));
  EXPECT_EQ(err, "% Invalid input detected at 'bogus'");
  EXPECT_FALSE(parse({"show", "crypto", "ipsec", "sa", "peer", "300.1.1.1"}, &err));
  EXPECT_EQ(err, "% Invalid peer address '300.1.1.1'");
  EXPECT_FALSE(parse({"show", "crypto", "map", "extra"}, &err));
  EXPECT_FALSE(parse({"clear"}, &err));
  EXPECT_EQ(err, "% Incomplete command.");
}

}  // namespace
}  // namespace espgw::espd

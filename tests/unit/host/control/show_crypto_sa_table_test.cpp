// `show crypto sa-table` lists what the device holds, per slot, and never a key.
#include "host/control/show_crypto_sa_table.hpp"

#include <gtest/gtest.h>

namespace espgw::control {
namespace {

SaTableView table() {
  SaTableView v;
  v.backend = "cpu";
  v.device = "cpu: test";
  v.capacity = 4096;
  v.bad_spi = 7;
  SaTableRow in;
  in.index = 0;
  in.spi = 0x1111;
  in.inbound = true;
  in.transform = "aes-cbc-hmac-sha256";
  in.key_bits = 256;
  in.tunnel_src = 0x131A7489;
  in.tunnel_dst = 0x131A748D;
  in.replay_window = 64;
  in.seq = 10;
  in.packets = 10;
  in.bytes = 840;
  in.replay_fails = 1;
  in.auth_fails = 1;
  SaTableRow out = in;
  out.index = 1;
  out.spi = 0x2222;
  out.inbound = false;
  out.udp_encap = true;
  out.udp_src_port = out.udp_dst_port = 4500;
  out.hard_bytes = 1000;
  out.soft_bytes = 900;
  v.rows = {in, out};
  return v;
}

TEST(ShowCryptoSaTable, ListsEverySlotWithSequenceWindowAndDrops) {
  const auto text = render_crypto_sa_table(table());
  EXPECT_NE(text.find("Device: cpu (cpu: test), 2 of 4096 slots in use\n"), std::string::npos);
  EXPECT_NE(text.find("Device drops: bad spi 7, malformed 0, bad sa 0\n"), std::string::npos);
  EXPECT_NE(text.find("0     0x00001111 in  aes-cbc-hmac-sha256-256 19.26.116.137   19.26.116.141   esp"), std::string::npos);
  EXPECT_NE(text.find("udp4500>4500"), std::string::npos);
  EXPECT_NE(text.find("drops: auth 1, replay 1, pad 0, policy 0, other 0; lifetime bytes - packets -"), std::string::npos);
  EXPECT_NE(text.find("lifetime bytes 900/1000 packets -"), std::string::npos);
  EXPECT_EQ(text.find("key"), std::string::npos);
}

TEST(ShowCryptoSaTable, JsonHasOneObjectPerSlot) {
  const auto j = crypto_sa_table_json(table());
  ASSERT_EQ(j["sas"].size(), 2u);
  EXPECT_EQ(j["sas"][0]["direction"], "inbound");
  EXPECT_EQ(j["sas"][0]["seq"], 10);
  EXPECT_EQ(j["sas"][1]["udp_encap"], true);
  EXPECT_EQ(j["device_drops"]["bad_spi"], 7);
  EXPECT_EQ(j.dump().find("key\""), std::string::npos);
}

}  // namespace
}  // namespace espgw::control

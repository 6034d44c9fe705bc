// Tests host/ha/sync_messages: every message round-trips with its keys, malformed frames are
// errors with offsets (never exceptions), and the plaintext encoding does carry the keys (the
// positive control for the channel test that scans the wire for them).
#include "host/ha/sync_messages.hpp"

#include <gtest/gtest.h>

#include <random>

#include "sync_fixtures.hpp"

namespace espgw::ha {
namespace {

SyncMessage round_trip(const SyncMessage& msg) {
  SecureBuffer buf;
  encode_sync_message(msg, buf);
  EXPECT_EQ(sync_frame_length(buf.view()), buf.size());
  auto decoded = decode_sync_message(buf.view());
  if (auto* err = std::get_if<SyncDecodeError>(&decoded)) {
    ADD_FAILURE() << "offset " << err->offset << ": " << err->reason;
    return SyncHello{};
  }
  return std::get<SyncMessage>(decoded);
}

TEST(SyncMessages, IpsecSaRecordRoundTripsWithKeysAndSelectors) {
  for (auto dir : {driver::Direction::kOutbound, driver::Direction::kInbound}) {
    IpsecSaRecord rec = test::make_ipsec_sa(0x2811DA7F, dir);
    rec.seq = 123456789012ull;
    rec.config.initial_seq = 77;
    auto back = std::get<IpsecSaRecord>(round_trip(rec));
    test::expect_same_sa(back.config, rec.config);
    EXPECT_EQ(back.config.initial_seq, 77u);
    EXPECT_EQ(back.seq, rec.seq);
    EXPECT_EQ(back.ike_cookie_i, rec.ike_cookie_i);
    EXPECT_EQ(back.crypto_map, "vpn");
    EXPECT_EQ(back.crypto_map_seq, 10u);
    EXPECT_EQ(back.lifetime_remaining_s, 3485u);
  }
}

TEST(SyncMessages, IkeSaRecordRoundTripsWithSkeyidsAndIvChain) {
  IkeSaRecord rec = test::make_ike_sa(9);
  auto back = std::get<IkeSaRecord>(round_trip(rec));
  EXPECT_EQ(back.cookie_i, rec.cookie_i);
  EXPECT_EQ(back.cookie_r, rec.cookie_r);
  EXPECT_TRUE(back.skeyid_d == rec.skeyid_d);
  EXPECT_TRUE(back.skeyid_a == rec.skeyid_a);
  EXPECT_TRUE(back.skeyid_e == rec.skeyid_e);
  EXPECT_EQ(back.iv, rec.iv);
  EXPECT_EQ(back.message_ids, rec.message_ids);
  EXPECT_EQ(back.dpd_seq_out, 1000u);
  EXPECT_EQ(back.dh_group, 14);
  EXPECT_TRUE(back.initiator);
  EXPECT_FALSE(back.nat_t);
}

TEST(SyncMessages, SmallMessagesRoundTrip) {
  auto seq = std::get<SeqReport>(round_trip(SeqReport{0xABCD, driver::Direction::kInbound, 1ull << 40}));
  EXPECT_EQ(seq.spi, 0xABCDu);
  EXPECT_EQ(seq.direction, driver::Direction::kInbound);
  EXPECT_EQ(seq.seq, 1ull << 40);
  auto end = std::get<BulkEnd>(round_trip(BulkEnd{7, 2, 4}));
  EXPECT_EQ(end.generation, 7u);
  EXPECT_EQ(end.ipsec_sas, 4u);
  auto hello = std::get<SyncHello>(round_trip(SyncHello{1, SyncRole::kActive, 0x0A000001, 99, std::nullopt, std::nullopt}));
  EXPECT_EQ(hello.role, SyncRole::kActive);
  EXPECT_EQ(hello.boot_id, 99u);
  EXPECT_FALSE(hello.hsrp_priority);  // optional: a peer that does not send it (no split-brain arbitration)
  EXPECT_FALSE(hello.hsrp_address);
  // The HSRP standing (split-brain rule, docs/ha.md) round-trips when present.
  auto ranked = std::get<SyncHello>(round_trip(SyncHello{1, SyncRole::kActive, 0x0A000001, 99, 95, 0x131A748B}));
  EXPECT_EQ(ranked.hsrp_priority, 95u);
  EXPECT_EQ(ranked.hsrp_address, 0x131A748Bu);
  auto del = std::get<IkeSaDelete>(round_trip(IkeSaDelete{{1, 2, 3, 4, 5, 6, 7, 8}, {}}));
  EXPECT_EQ(del.cookie_i[7], 8);
}

TEST(SyncMessages, PlaintextEncodingCarriesTheKeys) {
  IpsecSaRecord rec = test::make_ipsec_sa(1, driver::Direction::kOutbound);
  SecureBuffer buf;
  encode_sync_message(rec, buf);
  EXPECT_TRUE(test::contains(buf.view(), rec.config.enc_key.view()));
  EXPECT_TRUE(test::contains(buf.view(), rec.config.auth_key.view()));
}

TEST(SyncMessages, MalformedFramesAreErrorsWithOffsets) {
  SecureBuffer buf;
  encode_sync_message(test::make_ipsec_sa(5, driver::Direction::kOutbound), buf);
  std::vector<std::uint8_t> f(buf.view().begin(), buf.view().end());

  auto bad_type = f;
  bad_type[0] = 99;
  EXPECT_EQ(std::get<SyncDecodeError>(decode_sync_message(bad_type)).reason, "unknown message type 99");

  auto bad_dir = f;
  bad_dir[4 + 7 + 3] = 2;  // first field spi (3+4 bytes), then direction's value
  auto e = std::get<SyncDecodeError>(decode_sync_message(bad_dir));
  EXPECT_EQ(e.reason, "unknown direction");
  EXPECT_EQ(e.offset, 11u);

  auto bad_len = f;
  bad_len[4 + 1] = 0xFF;  // the spi field claims 65 KB
  EXPECT_EQ(std::get<SyncDecodeError>(decode_sync_message(bad_len)).reason, "field length runs past the frame");

  for (std::size_t n = 0; n < f.size(); ++n)
    EXPECT_TRUE(std::holds_alternative<SyncDecodeError>(decode_sync_message(std::span(f.data(), n)))) << n;
}

TEST(SyncMessages, RandomFramesNeverThrow) {
  std::mt19937 rng(8446);
  for (int i = 0; i < 100000; ++i) {
    std::vector<std::uint8_t> f(4 + rng() % 120);
    for (auto& b : f) b = static_cast<std::uint8_t>(rng());
    f[0] = static_cast<std::uint8_t>(1 + rng() % 8);
    std::size_t body = f.size() - 4;
    f[1] = 0;
    f[2] = static_cast<std::uint8_t>(body >> 8);
    f[3] = static_cast<std::uint8_t>(body);
    EXPECT_NO_THROW(decode_sync_message(f));
  }
}

}  // namespace
}  // namespace espgw::ha

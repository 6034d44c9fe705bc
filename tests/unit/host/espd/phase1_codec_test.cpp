// The byte form of host/ike's Phase1Snapshot that stateful HA carries to the standby: every
// field survives the round trip (keys, IV, message IDs, DPD/NAT-T flags, children and their
// proposals, wall-clock expiries), and every truncation, a wrong version or trailing bytes
// is refused with a reason instead of a half-filled snapshot.
#include "host/espd/phase1_codec.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <span>
#include <vector>

namespace espgw::espd {
namespace {

SecretBytes bytes_of(std::size_t n, std::uint8_t first) {
  std::vector<std::uint8_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(first + i);
  return SecretBytes(v);
}

ike::Phase1Snapshot sample() {
  ike::Phase1Snapshot s;
  s.local = {0x131A748D, 500};  // 19.26.116.141
  s.peer = {0x140F0606, 4500};  // 20.15.6.6 after a NAT-T float
  s.cky_i = {1, 2, 3, 4, 5, 6, 7, 8};
  s.cky_r = {9, 10, 11, 12, 13, 14, 15, 16};
  s.role = ike::Role::kResponder;
  s.conn_id = 1007;
  s.proposal.key_bits = 256;
  s.proposal.hash = ike::P1Hash::kSha384;
  s.proposal.group = ike::DhGroupId::kModp2048;
  s.proposal.lifetime = std::chrono::seconds(86400);
  s.skeyid_d = bytes_of(32, 0x10);
  s.skeyid_a = bytes_of(32, 0x30);
  s.skeyid_e = bytes_of(32, 0x50);
  s.enc_key = bytes_of(32, 0x70);
  s.p1_iv = {0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  s.message_ids = {0x11111111, 0xDEADBEEF, 7};
  s.dpd_seq = 0x5A5A;
  s.peer_supports_dpd = true;
  s.natt.peer_rfc3947 = true;
  s.natt.peer_behind_nat = true;
  s.natt.floated = true;
  s.expires_at = std::chrono::system_clock::time_point(std::chrono::milliseconds(1'800'000'000'123));
  s.taken_at = std::chrono::system_clock::time_point(std::chrono::milliseconds(1'799'990'000'456));
  ike::ChildSnapshot c;
  c.inbound_spi = 0x6F480AC9;
  c.outbound_spi = 0xA30519A7;
  c.map_name = "vpn";
  c.map_seq = 10;
  c.proposal.transform = {"mysec", ike::EspTransformId::kEspAes, 256, ike::AuthAlgorithm::kHmacSha256};
  c.proposal.pfs = ike::DhGroupId::kModp2048;
  c.proposal.lifetime = std::chrono::seconds(3600);
  c.proposal.lifetime_kb = 4608000;
  c.initiator = true;
  c.expires_at = s.expires_at - std::chrono::hours(20);
  s.children.push_back(c);
  c.inbound_spi = 1;
  c.outbound_spi = 2;
  c.proposal.pfs.reset();
  c.initiator = false;
  s.children.push_back(c);
  return s;
}

TEST(Phase1Codec, EveryFieldSurvivesTheRoundTrip) {
  const auto s = sample();
  const SecretBytes b = encode_phase1(s);
  std::string err;
  auto d = decode_phase1(b.view(), &err);
  ASSERT_TRUE(d) << err;
  EXPECT_EQ(d->local, s.local);
  EXPECT_EQ(d->peer, s.peer);
  EXPECT_EQ(d->cky_i, s.cky_i);
  EXPECT_EQ(d->cky_r, s.cky_r);
  EXPECT_EQ(d->role, s.role);
  EXPECT_EQ(d->state, ike::P1State::kP1Complete);
  EXPECT_EQ(d->conn_id, 1007u);
  EXPECT_EQ(d->proposal.hash, ike::P1Hash::kSha384);
  EXPECT_EQ(d->proposal.group, ike::DhGroupId::kModp2048);
  EXPECT_EQ(d->proposal.lifetime, std::chrono::seconds(86400));
  EXPECT_TRUE(d->skeyid_d == s.skeyid_d);
  EXPECT_TRUE(d->skeyid_a == s.skeyid_a);
  EXPECT_TRUE(d->skeyid_e == s.skeyid_e);
  EXPECT_TRUE(d->enc_key == s.enc_key);
  EXPECT_EQ(d->p1_iv, s.p1_iv);
  EXPECT_EQ(d->message_ids, s.message_ids);
  EXPECT_EQ(d->dpd_seq, 0x5A5Au);
  EXPECT_TRUE(d->peer_supports_dpd);
  EXPECT_TRUE(d->natt.peer_rfc3947 && d->natt.peer_behind_nat && d->natt.floated);
  EXPECT_FALSE(d->natt.local_behind_nat || d->natt.forced);
  EXPECT_EQ(d->expires_at, s.expires_at);
  EXPECT_EQ(d->taken_at, s.taken_at);
  ASSERT_EQ(d->children.size(), 2u);
  const auto& c = d->children[0];
  EXPECT_EQ(c.inbound_spi, 0x6F480AC9u);
  EXPECT_EQ(c.outbound_spi, 0xA30519A7u);
  EXPECT_EQ(c.map_name, "vpn");
  EXPECT_EQ(c.map_seq, 10);
  EXPECT_EQ(c.proposal.transform.name, "mysec");
  EXPECT_EQ(c.proposal.transform.id, ike::EspTransformId::kEspAes);
  EXPECT_EQ(c.proposal.transform.auth, ike::AuthAlgorithm::kHmacSha256);
  ASSERT_TRUE(c.proposal.pfs);
  EXPECT_EQ(*c.proposal.pfs, ike::DhGroupId::kModp2048);
  EXPECT_EQ(c.proposal.lifetime_kb, 4608000u);
  EXPECT_TRUE(c.initiator);
  EXPECT_EQ(c.expires_at, s.children[0].expires_at);
  EXPECT_FALSE(d->children[1].proposal.pfs);
  EXPECT_FALSE(d->children[1].initiator);
}

TEST(Phase1Codec, TruncationWrongVersionAndTrailingBytesAreRefusedWithAReason) {
  const SecretBytes b = encode_phase1(sample());
  const auto v = b.view();
  for (std::size_t n = 0; n < v.size(); ++n) {
    std::string err;
    EXPECT_FALSE(decode_phase1(v.first(n), &err)) << "prefix of " << n << " bytes accepted";
    EXPECT_NE(err.find("phase-1 snapshot, byte"), std::string::npos) << err;
  }
  std::vector<std::uint8_t> copy(v.begin(), v.end());
  copy[0] = 9;
  std::string err;
  EXPECT_FALSE(decode_phase1(copy, &err));
  EXPECT_NE(err.find("version 9"), std::string::npos) << err;
  copy[0] = v[0];
  copy.push_back(0);
  EXPECT_FALSE(decode_phase1(copy, &err));
  EXPECT_NE(err.find("trailing bytes"), std::string::npos) << err;
}

// Replaces the first big-endian int64 `from` in b by `to`.
std::vector<std::uint8_t> replace_i64(std::span<const std::uint8_t> b, std::int64_t from, std::int64_t to) {
  std::vector<std::uint8_t> out(b.begin(), b.end()), pat(8), rep(8);
  for (int i = 0; i < 8; ++i) {
    pat[i] = static_cast<std::uint8_t>(static_cast<std::uint64_t>(from) >> (56 - 8 * i));
    rep[i] = static_cast<std::uint8_t>(static_cast<std::uint64_t>(to) >> (56 - 8 * i));
  }
  auto at = std::search(out.begin(), out.end(), pat.begin(), pat.end());
  EXPECT_NE(at, out.end());
  if (at != out.end()) std::copy(rep.begin(), rep.end(), at);
  return out;
}

// A time the system clock cannot hold (its nanoseconds would overflow) or a negative or
// 2^32 s lifetime is refused, not converted (found by tests/fuzz/fuzz_phase1_snapshot).
TEST(Phase1Codec, TimesAndLifetimesOutsideTheClockRangeAreRefused) {
  const SecretBytes b = encode_phase1(sample());
  std::string err;
  EXPECT_FALSE(decode_phase1(replace_i64(b.view(), 1'800'000'000'123, INT64_MAX), &err));
  EXPECT_NE(err.find("time out of range"), std::string::npos) << err;
  EXPECT_FALSE(decode_phase1(replace_i64(b.view(), 1'800'000'000'123, -6'800'154'169'858'675'283), &err));
  EXPECT_NE(err.find("time out of range"), std::string::npos) << err;
  EXPECT_FALSE(decode_phase1(replace_i64(b.view(), 86400, -1), &err));
  EXPECT_NE(err.find("lifetime out of range"), std::string::npos) << err;
  EXPECT_FALSE(decode_phase1(replace_i64(b.view(), 86400, std::int64_t{1} << 32), &err));
  EXPECT_NE(err.find("lifetime out of range"), std::string::npos) << err;
  auto d = decode_phase1(replace_i64(b.view(), 86400, 0xFFFFFFFF), &err);
  ASSERT_TRUE(d) << err;
  EXPECT_EQ(d->proposal.lifetime.count(), 0xFFFFFFFF);
}

// A peer's bytes may name enumerators host/ike does not define: each is refused with the
// field it was found in, never cast into an impossible state.
TEST(Phase1Codec, UnknownRoleStateAndAlgorithmValuesAreRefusedWithAReason) {
  struct Case {
    void (*spoil)(ike::Phase1Snapshot&);
    const char* reason;
  };
  const Case cases[] = {
      {[](ike::Phase1Snapshot& s) { s.role = static_cast<ike::Role>(2); }, "unknown role 2"},
      {[](ike::Phase1Snapshot& s) { s.state = static_cast<ike::P1State>(200); }, "unknown phase-1 state 200"},
      {[](ike::Phase1Snapshot& s) { s.proposal.hash = static_cast<ike::P1Hash>(3); }, "unknown phase-1 hash 3"},
      {[](ike::Phase1Snapshot& s) { s.proposal.group = static_cast<ike::DhGroupId>(99); }, "unknown DH group 99"},
      {[](ike::Phase1Snapshot& s) { s.auth = static_cast<ike::Phase1Auth>(3); }, "authentication method 3"},
      {[](ike::Phase1Snapshot& s) { s.children.at(0).proposal.transform.id = static_cast<ike::EspTransformId>(13); },
       "unknown ESP transform 13"},
      {[](ike::Phase1Snapshot& s) { s.children.at(0).proposal.transform.auth = static_cast<ike::AuthAlgorithm>(4); },
       "unknown ESP authentication algorithm 4"},
      {[](ike::Phase1Snapshot& s) { s.children.at(0).proposal.pfs = static_cast<ike::DhGroupId>(1); },
       "unknown PFS group 1"},
      {[](ike::Phase1Snapshot& s) { s.children.at(0).proposal.mode = static_cast<ike::EncapsulationMode>(9); },
       "unknown encapsulation mode 9"},
  };
  for (const auto& c : cases) {
    auto s = sample();
    ASSERT_FALSE(s.children.empty());
    c.spoil(s);
    std::string err;
    EXPECT_FALSE(decode_phase1(encode_phase1(s).view(), &err)) << c.reason;
    EXPECT_NE(err.find(c.reason), std::string::npos) << err;
  }
  std::string err;
  EXPECT_TRUE(decode_phase1(encode_phase1(sample()).view(), &err)) << err;  // the unspoilt one still decodes
}

}  // namespace
}  // namespace espgw::espd

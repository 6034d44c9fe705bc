// libFuzzer target for the phase-1 snapshot decoder (host/espd/phase1_codec.cpp: host/ike's
// Phase1Snapshot of an RFC 2409 ISAKMP SA, carried in the HA sync message IkeSaRecord's TLV 21
// and decoded by the standby before it adopts the SA). Any bytes must decode to a snapshot or
// a reason, never crash or overflow (times are checked against the clock's range); a decoded
// snapshot re-encodes to bytes that decode again, and encoding is then a fixed point.
// Seeds: seeds() below, written to tests/fuzz/corpus/fuzz_phase1_snapshot by
// fuzz_phase1_snapshot_replay --write-seeds.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include "host/espd/phase1_codec.hpp"
#include "tests/fuzz/fuzz_seeds.hpp"

namespace {

using namespace espgw;
using Bytes = std::vector<std::uint8_t>;

void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_phase1_snapshot: %s\n", what);
  std::abort();
}

Bytes bytes_of(const SecretBytes& s) { return Bytes(s.view().begin(), s.view().end()); }

SecretBytes key(std::size_t n, std::uint8_t first) {
  Bytes v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(first + i);
  return SecretBytes(v);
}

// An ISAKMP SA as espd's active would snapshot it: AES-256/SHA-384/group 14, NAT-T floated,
// children with and without PFS.
ike::Phase1Snapshot sample(std::size_t children) {
  ike::Phase1Snapshot s;
  s.local = {0x131A748D, 500};
  s.peer = {0x140F0606, 4500};
  s.cky_i = {1, 2, 3, 4, 5, 6, 7, 8};
  s.cky_r = {9, 10, 11, 12, 13, 14, 15, 16};
  s.role = ike::Role::kResponder;
  s.conn_id = 1007;
  s.proposal.key_bits = 256;
  s.proposal.hash = ike::P1Hash::kSha384;
  s.proposal.group = ike::DhGroupId::kModp2048;
  s.proposal.lifetime = std::chrono::seconds(86400);
  s.skeyid_d = key(48, 0x10);
  s.skeyid_a = key(48, 0x30);
  s.skeyid_e = key(48, 0x50);
  s.enc_key = key(32, 0x70);
  s.p1_iv = Bytes(16, 0xAA);
  s.message_ids = {0x11111111, 0xDEADBEEF, 7};
  s.dpd_seq = 0x5A5A;
  s.peer_supports_dpd = true;
  s.natt.peer_rfc3947 = true;
  s.natt.floated = true;
  s.expires_at = std::chrono::system_clock::time_point(std::chrono::milliseconds(1'800'000'000'123));
  s.taken_at = std::chrono::system_clock::time_point(std::chrono::milliseconds(1'799'990'000'456));
  for (std::size_t i = 0; i < children; ++i) {
    ike::ChildSnapshot c;
    c.inbound_spi = 0x6F480AC9 + static_cast<std::uint32_t>(i);
    c.outbound_spi = 0xA30519A7 - static_cast<std::uint32_t>(i);
    c.map_name = "vpn";
    c.map_seq = 10;
    c.proposal.transform = {"mysec", ike::EspTransformId::kEspAes, 256, ike::AuthAlgorithm::kHmacSha256};
    if (i % 2 == 0) c.proposal.pfs = ike::DhGroupId::kModp2048;
    c.proposal.lifetime = std::chrono::seconds(3600);
    c.proposal.lifetime_kb = 4608000;
    c.initiator = i % 2 == 0;
    c.expires_at = s.expires_at - std::chrono::hours(20);
    s.children.push_back(c);
  }
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string error;
  auto snap = espd::decode_phase1(std::span<const std::uint8_t>(data, size), &error);
  if (!snap) {
    require(!error.empty(), "refused without a reason");
    return 0;
  }
  Bytes once = bytes_of(espd::encode_phase1(*snap));
  std::string error2;
  auto again = espd::decode_phase1(once, &error2);
  require(again.has_value(), "a decoded snapshot re-encodes to bytes that do not decode");
  require(bytes_of(espd::encode_phase1(*again)) == once, "encoding is not a fixed point");
  require(again->cky_i == snap->cky_i && again->cky_r == snap->cky_r && again->skeyid_d == snap->skeyid_d &&
              again->message_ids == snap->message_ids && again->children.size() == snap->children.size() &&
              again->expires_at == snap->expires_at,
          "re-encoded snapshot differs");
  return 0;
}

std::vector<espgw::fuzz::Seed> espgw::fuzz::seeds() {
  std::vector<Seed> s;
  s.push_back({"no_children", bytes_of(espd::encode_phase1(sample(0)))});
  s.push_back({"two_children", bytes_of(espd::encode_phase1(sample(2)))});
  return s;
}

// libFuzzer target for the stateful-failover message codec (host/ha/sync_messages.cpp) and
// the standby's replica (host/ha/sync_replica.cpp). The input is a byte stream split into
// frames as SyncChannel::read_header/read_body split the TLS stream (a frame header over
// 16 KiB or a frame that does not decode resets the connection: connection_lost()). Every
// frame must decode to a message or an error; a message re-encodes to bytes that decode to
// the same message (encoding is a fixed point); the replica keeps its counters and its
// takeover rule: an outbound SA continues strictly after the last reported sequence number,
// never wrapping round to numbers (GCM IVs) already used.
// Seeds: seeds() below (a bulk resync and updates made by the encoder), written to
// tests/fuzz/corpus/fuzz_ha_sync by fuzz_ha_sync_replay --write-seeds.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

#include "host/ha/sync_messages.hpp"
#include "host/ha/sync_replica.hpp"
#include "tests/fuzz/fuzz_seeds.hpp"

namespace {

using namespace espgw::ha;
using espgw::SecretBytes;
using espgw::driver::Direction;
using Bytes = std::vector<std::uint8_t>;

constexpr ReplayInterval kInterval{500, 1000};
constexpr std::uint64_t kMargin = 1000;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz_ha_sync: %s\n", what);
  std::abort();
}
void require(bool ok, const char* what) {
  if (!ok) fail(what);
}

Bytes encode(const SyncMessage& m) {
  SecureBuffer buf;
  encode_sync_message(m, buf);
  return Bytes(buf.view().begin(), buf.view().end());
}

// decode(frame) = m  =>  decode(encode(m)) decodes, to a message encoding to the same bytes.
void check_round_trip(const SyncMessage& m) {
  Bytes once = encode(m);
  require(sync_frame_length(once) == once.size(), "encoded frame length field is wrong");
  auto again = decode_sync_message(once);
  auto* m2 = std::get_if<SyncMessage>(&again);
  require(m2 != nullptr, "a decoded message re-encodes to a frame that does not decode");
  require(m2->index() == m.index(), "re-encoded message decodes to another message type");
  require(encode(*m2) == once, "encoding is not a fixed point");
}

class Replica {
 public:
  void apply(const SyncMessage& m) {
    SyncReplicaCounters before = replica_.counters();
    bool bulk_end = std::holds_alternative<BulkEnd>(m);
    replica_.apply(m);
    const SyncReplicaCounters& after = replica_.counters();
    require(after.messages == before.messages + 1, "message not counted");
    if (!bulk_end) require(after.bulks_completed == before.bulks_completed, "a bulk completed without BulkEnd");
    if (after.bulks_completed > before.bulks_completed) in_sync_expected_ = true;
    if (std::holds_alternative<SeqReport>(m)) {
      bool applied = after.seq_reports > before.seq_reports;
      require(applied != (after.stale_reports > before.stale_reports), "a sequence report neither applied nor stale");
    }
    check();
  }

  void connection_lost() {
    replica_.connection_lost();
    in_sync_expected_ = false;
    check();
  }

 private:
  void check() {
    require(replica_.in_sync() == in_sync_expected_, "in_sync() differs from the bulks completed on this connection");
    auto configs = replica_.takeover_ipsec();
    auto records = replica_.takeover_ipsec_records();
    require(configs.size() == replica_.ipsec_sa_count() && records.size() == configs.size(),
            "takeover size differs from the replica's");
    for (std::size_t i = 0; i < records.size(); ++i)
      require(records[i].seq == records[i].config.initial_seq && configs[i].initial_seq == records[i].seq,
              "takeover record and config disagree");
    require(replica_.takeover_ike().size() == replica_.ike_sa_count(), "IKE takeover size differs");
    for (const auto& c : configs) {
      auto live = replica_.reported_seq(c.spi, c.direction);
      require(live.has_value(), "takeover SA the replica does not hold");
      if (c.direction == Direction::kOutbound) {
        // No sequence number at or below the last one reported may be sent again.
        require(c.initial_seq > *live || c.initial_seq == UINT64_MAX,
                "takeover goes back to or below the reported sequence number");
      } else {
        require(c.initial_seq == *live, "inbound takeover is not the reported replay top");
      }
    }
  }

  SyncReplica replica_{kInterval, kMargin};
  bool in_sync_expected_ = false;
};

// Seeds ----------------------------------------------------------------------------------

SecretBytes key(std::size_t n, std::uint8_t base) {
  Bytes k(n);
  for (std::size_t i = 0; i < n; ++i) k[i] = static_cast<std::uint8_t>(base + i);
  return SecretBytes(k);
}

IkeSaRecord ike_sa(std::uint8_t tag, bool with_state = false) {
  IkeSaRecord r;
  r.cookie_i.fill(tag);
  r.cookie_r.fill(static_cast<std::uint8_t>(tag + 1));
  r.local_address = 0x131A748D;  // 19.26.116.141
  r.peer_address = 0x140F0606;   // 20.15.6.6
  r.initiator = true;
  r.nat_t = tag & 1;
  r.encryption = 7;
  r.key_bits = 256;
  r.hash = 4;
  r.dh_group = 14;
  r.auth_method = 1;
  r.skeyid_d = key(32, 0x10);
  r.skeyid_a = key(32, 0x40);
  r.skeyid_e = key(32, 0x70);
  r.iv = Bytes(16, 0x5A);
  r.message_ids = {0x11223344, 0x55667788};
  r.dpd_seq_out = 1000;
  r.dpd_seq_in = 2000;
  r.lifetime_remaining_s = 86000;
  if (with_state) r.ike_state = key(96, 0xA0);  // optional TLV 21, opaque here
  return r;
}

IpsecSaRecord ipsec_sa(std::uint32_t spi, Direction dir, espgw::driver::Transform transform, std::uint64_t seq) {
  IpsecSaRecord r;
  auto& c = r.config;
  c.spi = spi;
  c.direction = dir;
  c.tunnel_src = dir == Direction::kOutbound ? 0x131A748D : 0x140F0606;
  c.tunnel_dst = dir == Direction::kOutbound ? 0x140F0606 : 0x131A748D;
  c.transform = transform;
  c.enc_key = key(32, static_cast<std::uint8_t>(spi));
  if (transform == espgw::driver::Transform::kAesGcm16) c.salt = 0x01020304;
  else c.auth_key = key(32, static_cast<std::uint8_t>(spi + 0x80));
  c.replay_window = 64;
  c.esn = transform == espgw::driver::Transform::kAesGcm16;
  c.lifetime = {4423680ull * 1024, 4608000ull * 1024, 0, 0};
  c.selector = {0xC0A81419, 0xFFFFFFFF, 0xAC155A00, 0xFFFFFE00, 0, 0, 0xFFFF, 0, 0xFFFF};
  if (spi & 1) c.udp_encap = espgw::driver::UdpEncap{4500, 4500};
  r.ike_cookie_i.fill(1);
  r.ike_cookie_r.fill(2);
  r.seq = seq;
  r.lifetime_remaining_s = 3485;
  r.crypto_map = "vpn";
  r.crypto_map_seq = 10;
  return r;
}

espgw::fuzz::Seed stream(const char* name, const std::vector<SyncMessage>& msgs) {
  Bytes out;
  for (const auto& m : msgs) {
    Bytes f = encode(m);
    out.insert(out.end(), f.begin(), f.end());
  }
  return {name, std::move(out)};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::uint8_t> in(data, size);
  // The whole input as one frame (exact-length rule), then as the channel's stream.
  auto whole = decode_sync_message(in);
  if (auto* m = std::get_if<SyncMessage>(&whole)) check_round_trip(*m);
  Replica replica;
  std::size_t off = 0;
  while (off < in.size()) {
    auto len = sync_frame_length(in.subspan(off));
    if (!len) break;  // a partial header: the channel waits for more
    if (*len > kSyncMaxFrameBytes) {  // SyncChannel::read_header resets the connection
      replica.connection_lost();
      off += kSyncFrameHeaderBytes;
      continue;
    }
    if (in.size() - off < *len) break;  // a partial frame: never delivered
    auto frame = in.subspan(off, *len);
    off += *len;
    auto decoded = decode_sync_message(frame);
    if (auto* err = std::get_if<SyncDecodeError>(&decoded)) {
      require(err->offset <= frame.size() && !err->reason.empty(), "decode error without a place or reason");
      replica.connection_lost();
      continue;
    }
    const SyncMessage& m = std::get<SyncMessage>(decoded);
    require(!sync_message_name(m).empty(), "message without a name");
    check_round_trip(m);
    replica.apply(m);
  }
  return 0;
}

std::vector<espgw::fuzz::Seed> espgw::fuzz::seeds() {
  using espgw::driver::Transform;
  std::vector<Seed> s;
  // With the HSRP standing the split-brain rule compares (docs/ha.md).
  SyncHello hello{kSyncProtocolVersion, SyncRole::kActive, 0x131A748D, 0x0123456789ABCDEFull, 105, 0x131A748B};
  s.push_back(stream("bulk_resync", {hello, BulkBegin{1}, ike_sa(0x21, true), ike_sa(0x31),
                                     ipsec_sa(0x1001, Direction::kOutbound, Transform::kAesCbcHmacSha256, 4000),
                                     ipsec_sa(0x2002, Direction::kInbound, Transform::kAesCbcHmacSha256, 3990),
                                     ipsec_sa(0x3003, Direction::kOutbound, Transform::kAesGcm16, 1ull << 33),
                                     BulkEnd{1, 2, 3}}));
  s.push_back(stream("updates_after_bulk",
                     {BulkBegin{7}, ipsec_sa(0x1001, Direction::kOutbound, Transform::kAesGcm16, 10), BulkEnd{7, 0, 1},
                      SeqReport{0x1001, Direction::kOutbound, 1010}, SeqReport{0x1001, Direction::kOutbound, 900},
                      SeqReport{0x4444, Direction::kInbound, 5}, IpsecSaDelete{0x1001, Direction::kOutbound},
                      ike_sa(0x41), IkeSaDelete{ike_sa(0x41).cookie_i, ike_sa(0x41).cookie_r}}));
  s.push_back(stream("bulk_count_mismatch", {BulkBegin{2}, ike_sa(0x51, true), BulkEnd{2, 5, 0}, BulkEnd{3, 0, 0}}));
  s.push_back(stream("near_seq_limit", {BulkBegin{9}, ipsec_sa(0x5005, Direction::kOutbound, Transform::kAesGcm16,
                                                              UINT64_MAX - 100),
                                        BulkEnd{9, 0, 1}, SeqReport{0x5005, Direction::kOutbound, UINT64_MAX - 10}}));
  return s;
}

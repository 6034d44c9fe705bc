// Phase1Snapshot <-> bytes (see the header).
#include "host/espd/phase1_codec.hpp"

#include <cstdint>

#include <fmt/format.h>

#include "host/ha/secure_buffer.hpp"

namespace espgw::espd {

namespace {

constexpr std::uint8_t kVersion = 1;
constexpr std::size_t kMaxChildren = 256;
constexpr std::size_t kMaxMessageIds = 1024;
constexpr std::size_t kMaxBlob = 256;  // any key, IV or name

using Clock = std::chrono::system_clock;
constexpr std::int64_t kMaxMs = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::duration::max()).count();

class Writer {
 public:
  template <typename T>
  void num(T v) {
    const auto u = static_cast<std::uint64_t>(v);
    for (int i = sizeof(T) - 1; i >= 0; --i) out_.push_back(static_cast<std::uint8_t>(u >> (8 * i)));
  }
  void blob(std::span<const std::uint8_t> b) {
    num<std::uint16_t>(static_cast<std::uint16_t>(b.size()));
    out_.append(b);
  }
  void text(const std::string& s) { blob({reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}); }
  void time(Clock::time_point t) {
    num<std::int64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count());
  }
  SecretBytes take() { return SecretBytes(out_.view()); }  // out_ zeroizes itself

 private:
  ha::SecureBuffer out_;
};

class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> in) : in_(in) {}
  template <typename T>
  T num() {
    if (!need(sizeof(T), "number")) return T{};
    std::uint64_t u = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) u = u << 8 | in_[pos_ + i];
    pos_ += sizeof(T);
    return static_cast<T>(u);
  }
  std::span<const std::uint8_t> blob() {
    const auto n = num<std::uint16_t>();
    if (n > kMaxBlob) return fail("field longer than 256 bytes"), std::span<const std::uint8_t>{};
    if (!need(n, "field")) return {};
    auto s = in_.subspan(pos_, n);
    pos_ += n;
    return s;
  }
  std::string text() {
    auto b = blob();
    return std::string(b.begin(), b.end());
  }
  // Milliseconds the clock can hold (its nanoseconds overflow near the year 2262): a value
  // beyond is refused, not converted (signed overflow; found by tests/fuzz/fuzz_phase1_snapshot).
  Clock::time_point time() {
    const auto ms = num<std::int64_t>();
    if (ms > kMaxMs || ms < -kMaxMs) return fail("time out of range"), Clock::time_point{};
    return Clock::time_point(std::chrono::milliseconds(ms));
  }
  // A lifetime in seconds: 0 to 2^32 - 1 (136 years), so adding it to now cannot overflow.
  std::chrono::seconds seconds() {
    const auto s = num<std::int64_t>();
    if (s < 0 || s > std::int64_t{UINT32_MAX}) return fail("lifetime out of range"), std::chrono::seconds{};
    return std::chrono::seconds(s);
  }
  void fail(const std::string& why) {
    if (error_.empty()) error_ = fmt::format("phase-1 snapshot, byte {}: {}", pos_, why);
  }
  bool done() const { return pos_ == in_.size(); }
  const std::string& error() const { return error_; }

 private:
  bool need(std::size_t n, const char* what) {
    if (!error_.empty()) return false;
    if (in_.size() - pos_ < n) {
      fail(fmt::format("truncated {}", what));
      return false;
    }
    return true;
  }
  std::span<const std::uint8_t> in_;
  std::size_t pos_ = 0;
  std::string error_;
};

}  // namespace

SecretBytes encode_phase1(const ike::Phase1Snapshot& s) {
  Writer w;
  w.num<std::uint8_t>(kVersion);
  w.num<std::uint32_t>(s.local.addr);
  w.num<std::uint16_t>(s.local.port);
  w.num<std::uint32_t>(s.peer.addr);
  w.num<std::uint16_t>(s.peer.port);
  w.blob(s.cky_i);
  w.blob(s.cky_r);
  w.num<std::uint8_t>(static_cast<std::uint8_t>(s.role));
  w.num<std::uint8_t>(static_cast<std::uint8_t>(s.state));
  w.num<std::uint32_t>(s.conn_id);
  w.num<std::uint16_t>(s.proposal.key_bits);
  w.num<std::uint16_t>(static_cast<std::uint16_t>(s.proposal.hash));
  w.num<std::uint16_t>(static_cast<std::uint16_t>(s.proposal.group));
  w.num<std::int64_t>(s.proposal.lifetime.count());
  w.num<std::uint16_t>(static_cast<std::uint16_t>(s.auth));
  for (const auto* k : {&s.skeyid_d, &s.skeyid_a, &s.skeyid_e, &s.enc_key}) w.blob(k->view());
  w.blob(s.p1_iv);
  w.num<std::uint32_t>(static_cast<std::uint32_t>(std::min(s.message_ids.size(), kMaxMessageIds)));
  for (std::size_t i = 0; i < s.message_ids.size() && i < kMaxMessageIds; ++i) w.num<std::uint32_t>(s.message_ids[i]);
  w.num<std::uint32_t>(s.dpd_seq);
  w.num<std::uint8_t>(static_cast<std::uint8_t>(
      (s.peer_supports_dpd ? 1 : 0) | (s.natt.peer_rfc3947 ? 2 : 0) | (s.natt.local_behind_nat ? 4 : 0) |
      (s.natt.peer_behind_nat ? 8 : 0) | (s.natt.forced ? 16 : 0) | (s.natt.floated ? 32 : 0)));
  w.time(s.expires_at);
  w.time(s.taken_at);
  w.num<std::uint16_t>(static_cast<std::uint16_t>(std::min(s.children.size(), kMaxChildren)));
  for (std::size_t i = 0; i < s.children.size() && i < kMaxChildren; ++i) {
    const auto& c = s.children[i];
    w.num<std::uint32_t>(c.inbound_spi);
    w.num<std::uint32_t>(c.outbound_spi);
    w.text(c.map_name);
    w.num<std::int32_t>(c.map_seq);
    const auto& p = c.proposal;
    w.text(p.transform.name);
    w.num<std::uint8_t>(static_cast<std::uint8_t>(p.transform.id));
    w.num<std::uint16_t>(p.transform.key_bits);
    w.num<std::uint16_t>(static_cast<std::uint16_t>(p.transform.auth));
    w.num<std::uint16_t>(p.pfs ? static_cast<std::uint16_t>(*p.pfs) : 0);
    w.num<std::int64_t>(p.lifetime.count());
    w.num<std::uint64_t>(p.lifetime_kb);
    w.num<std::uint16_t>(static_cast<std::uint16_t>(p.mode));
    w.num<std::uint8_t>(c.initiator ? 1 : 0);
    w.time(c.expires_at);
  }
  return w.take();
}

namespace {
// The values host/ike defines (ike_constants.hpp).
bool known_hash(std::uint16_t h) { return h == 1 || h == 2 || h == 4 || h == 5 || h == 6; }
bool known_group(std::uint16_t g) { return g == 2 || g == 5 || g == 14 || g == 15 || g == 16 || g == 19 || g == 20; }
}  // namespace

std::optional<ike::Phase1Snapshot> decode_phase1(std::span<const std::uint8_t> bytes, std::string* error) {
  Reader r(bytes);
  ike::Phase1Snapshot s;
  if (const auto v = r.num<std::uint8_t>(); v != kVersion && r.error().empty())
    r.fail(fmt::format("version {} (this espd reads {})", v, kVersion));
  s.local.addr = r.num<std::uint32_t>();
  s.local.port = r.num<std::uint16_t>();
  s.peer.addr = r.num<std::uint32_t>();
  s.peer.port = r.num<std::uint16_t>();
  for (auto* cookie : {&s.cky_i, &s.cky_r}) {
    auto b = r.blob();
    if (b.size() != cookie->size()) r.fail("cookie is not 8 bytes");
    else std::copy(b.begin(), b.end(), cookie->begin());
  }
  // Enumerations are checked, not cast blindly: a value host/ike does not define would reach
  // its switches (names, show output, the cipher choice) as an impossible state.
  const auto role = r.num<std::uint8_t>();
  if (role > static_cast<std::uint8_t>(ike::Role::kResponder)) r.fail(fmt::format("unknown role {}", role));
  s.role = static_cast<ike::Role>(role);
  const auto state = r.num<std::uint8_t>();
  if (state > static_cast<std::uint8_t>(ike::P1State::kDestSa)) r.fail(fmt::format("unknown phase-1 state {}", state));
  s.state = static_cast<ike::P1State>(state);
  s.conn_id = r.num<std::uint32_t>();
  s.proposal.key_bits = r.num<std::uint16_t>();
  const auto hash = r.num<std::uint16_t>();
  if (!known_hash(hash)) r.fail(fmt::format("unknown phase-1 hash {}", hash));
  s.proposal.hash = static_cast<ike::P1Hash>(hash);
  const auto group = r.num<std::uint16_t>();
  if (!known_group(group)) r.fail(fmt::format("unknown DH group {}", group));
  s.proposal.group = static_cast<ike::DhGroupId>(group);
  s.proposal.lifetime = r.seconds();
  const auto auth = r.num<std::uint16_t>();
  if (auth != static_cast<std::uint16_t>(ike::Phase1Auth::kPreSharedKey))
    r.fail(fmt::format("unknown phase-1 authentication method {}", auth));
  s.auth = static_cast<ike::Phase1Auth>(auth);
  for (auto* k : {&s.skeyid_d, &s.skeyid_a, &s.skeyid_e, &s.enc_key}) *k = SecretBytes(r.blob());
  auto iv = r.blob();
  s.p1_iv.assign(iv.begin(), iv.end());
  const auto ids = r.num<std::uint32_t>();
  if (ids > kMaxMessageIds) r.fail("too many message IDs");
  for (std::uint32_t i = 0; i < ids && r.error().empty(); ++i) s.message_ids.push_back(r.num<std::uint32_t>());
  s.dpd_seq = r.num<std::uint32_t>();
  const auto flags = r.num<std::uint8_t>();
  s.peer_supports_dpd = flags & 1;
  s.natt.peer_rfc3947 = flags & 2;
  s.natt.local_behind_nat = flags & 4;
  s.natt.peer_behind_nat = flags & 8;
  s.natt.forced = flags & 16;
  s.natt.floated = flags & 32;
  s.expires_at = r.time();
  s.taken_at = r.time();
  const auto children = r.num<std::uint16_t>();
  if (children > kMaxChildren) r.fail("too many child SAs");
  for (std::uint16_t i = 0; i < children && r.error().empty(); ++i) {
    ike::ChildSnapshot c;
    c.inbound_spi = r.num<std::uint32_t>();
    c.outbound_spi = r.num<std::uint32_t>();
    c.map_name = r.text();
    c.map_seq = r.num<std::int32_t>();
    auto& p = c.proposal;
    p.transform.name = r.text();
    const auto id = r.num<std::uint8_t>();
    if (id != 3 && id != 11 && id != 12 && id != 20) r.fail(fmt::format("unknown ESP transform {}", id));
    p.transform.id = static_cast<ike::EspTransformId>(id);
    p.transform.key_bits = r.num<std::uint16_t>();
    const auto integ = r.num<std::uint16_t>();
    if (integ > 7 || integ == 3 || integ == 4) r.fail(fmt::format("unknown ESP authentication algorithm {}", integ));
    p.transform.auth = static_cast<ike::AuthAlgorithm>(integ);
    if (const auto pfs = r.num<std::uint16_t>(); pfs != 0) {
      if (!known_group(pfs)) r.fail(fmt::format("unknown PFS group {}", pfs));
      p.pfs = static_cast<ike::DhGroupId>(pfs);
    }
    p.lifetime = r.seconds();
    p.lifetime_kb = r.num<std::uint64_t>();
    const auto mode = r.num<std::uint16_t>();
    if ((mode < 1 || mode > 4) && mode != 61443) r.fail(fmt::format("unknown encapsulation mode {}", mode));
    p.mode = static_cast<ike::EncapsulationMode>(mode);
    c.initiator = r.num<std::uint8_t>() != 0;
    c.expires_at = r.time();
    s.children.push_back(std::move(c));
  }
  if (r.error().empty() && !r.done()) r.fail("trailing bytes");
  if (!r.error().empty()) {
    *error = r.error();
    return std::nullopt;
  }
  return s;
}

}  // namespace espgw::espd

// Sync message codec (see sync_messages.hpp). One small field writer and one field table
// reader serve every message; each message lists its tags once in encode and once in decode.
#include "host/ha/sync_messages.hpp"

#include <algorithm>
#include <array>

namespace espgw::ha {

namespace {

enum class MsgType : std::uint8_t {
  kHello = 1, kBulkBegin = 2, kBulkEnd = 3, kIkeSa = 4, kIpsecSa = 5, kSeqReport = 6, kIpsecDelete = 7, kIkeDelete = 8,
};

constexpr std::size_t kMaxTag = 32;

class FieldWriter {
 public:
  explicit FieldWriter(SecureBuffer& out) : out_(out) {}
  void bytes(std::uint8_t tag, std::span<const std::uint8_t> v) {
    std::uint8_t hdr[3] = {tag, static_cast<std::uint8_t>(v.size() >> 8), static_cast<std::uint8_t>(v.size())};
    out_.append(hdr);
    out_.append(v);
  }
  template <typename T>
  void num(std::uint8_t tag, T v) {
    std::array<std::uint8_t, sizeof(T)> b{};
    for (std::size_t i = 0; i < sizeof(T); ++i) b[i] = static_cast<std::uint8_t>(static_cast<std::uint64_t>(v) >> (8 * (sizeof(T) - 1 - i)));
    bytes(tag, b);
  }

 private:
  SecureBuffer& out_;
};

template <typename T>
void put_be(std::vector<std::uint8_t>& b, T v) {
  for (std::size_t i = 0; i < sizeof(T); ++i) b.push_back(static_cast<std::uint8_t>(static_cast<std::uint64_t>(v) >> (8 * (sizeof(T) - 1 - i))));
}
template <typename T>
T get_be(std::span<const std::uint8_t> b, std::size_t at) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) v = v << 8 | b[at + i];
  return static_cast<T>(v);
}

// All fields of one message, by tag. Offsets are kept for error messages.
class FieldTable {
 public:
  std::optional<SyncDecodeError> parse(std::span<const std::uint8_t> body, std::size_t base) {
    std::size_t off = 0;
    while (off < body.size()) {
      if (body.size() - off < 3) return SyncDecodeError{base + off, "truncated field header"};
      std::uint8_t tag = body[off];
      std::size_t len = std::size_t{body[off + 1]} << 8 | body[off + 2];
      if (body.size() - off - 3 < len) return SyncDecodeError{base + off + 1, "field length runs past the frame"};
      if (tag < kMaxTag) {
        if (fields_[tag]) return SyncDecodeError{base + off, "field " + std::to_string(tag) + " repeated"};
        fields_[tag] = body.subspan(off + 3, len);
        offsets_[tag] = base + off;
      }
      off += 3 + len;  // tags beyond kMaxTag: a newer peer's additions, skipped
    }
    base_ = base;
    return std::nullopt;
  }

  // Each getter records the first problem; decode functions check error() once at the end.
  template <typename T>
  T num(std::uint8_t tag) {
    auto f = field(tag, sizeof(T));
    return f ? get_be<T>(*f, 0) : T{};
  }
  template <typename T>
  T opt_num(std::uint8_t tag, T fallback) {
    return fields_[tag] ? num<T>(tag) : fallback;
  }
  std::span<const std::uint8_t> bytes(std::uint8_t tag, std::size_t max = SIZE_MAX) {
    if (!fields_[tag]) {
      fail(base_, "missing field " + std::to_string(tag));
      return {};
    }
    if (fields_[tag]->size() > max) fail(offsets_[tag], "field " + std::to_string(tag) + " too long");
    return *fields_[tag];
  }
  bool has(std::uint8_t tag) const { return fields_[tag].has_value(); }
  void fail(std::size_t offset, std::string reason) {
    if (!error_) error_ = SyncDecodeError{offset, std::move(reason)};
  }
  std::size_t offset(std::uint8_t tag) const { return fields_[tag] ? offsets_[tag] : base_; }
  const std::optional<SyncDecodeError>& error() const { return error_; }

 private:
  std::optional<std::span<const std::uint8_t>> field(std::uint8_t tag, std::size_t size) {
    if (!fields_[tag]) {
      fail(base_, "missing field " + std::to_string(tag));
      return std::nullopt;
    }
    if (fields_[tag]->size() != size) {
      fail(offsets_[tag], "field " + std::to_string(tag) + " has the wrong length");
      return std::nullopt;
    }
    return fields_[tag];
  }

  std::array<std::optional<std::span<const std::uint8_t>>, kMaxTag> fields_{};
  std::array<std::size_t, kMaxTag> offsets_{};
  std::size_t base_ = 0;
  std::optional<SyncDecodeError> error_;
};

void cookie_from(std::span<const std::uint8_t> b, IkeCookie& c, FieldTable& t, std::uint8_t tag) {
  if (b.size() != c.size()) return t.fail(t.offset(tag), "cookie is not 8 bytes");
  std::copy(b.begin(), b.end(), c.begin());
}

driver::Direction direction_from(std::uint8_t v, FieldTable& t, std::uint8_t tag) {
  if (v > 1) t.fail(t.offset(tag), "unknown direction");
  return static_cast<driver::Direction>(v);
}

struct Encoder {
  FieldWriter& w;
  MsgType operator()(const SyncHello& m) {
    w.num<std::uint16_t>(1, m.version);
    w.num<std::uint8_t>(2, static_cast<std::uint8_t>(m.role));
    w.num<std::uint32_t>(3, m.node_address);
    w.num<std::uint64_t>(4, m.boot_id);
    if (m.hsrp_priority) w.num<std::uint32_t>(5, *m.hsrp_priority);
    if (m.hsrp_address) w.num<std::uint32_t>(6, *m.hsrp_address);
    return MsgType::kHello;
  }
  MsgType operator()(const BulkBegin& m) {
    w.num<std::uint64_t>(1, m.generation);
    return MsgType::kBulkBegin;
  }
  MsgType operator()(const BulkEnd& m) {
    w.num<std::uint64_t>(1, m.generation);
    w.num<std::uint32_t>(2, m.ike_sas);
    w.num<std::uint32_t>(3, m.ipsec_sas);
    return MsgType::kBulkEnd;
  }
  MsgType operator()(const IkeSaRecord& m) {
    w.bytes(1, m.cookie_i);
    w.bytes(2, m.cookie_r);
    w.num<std::uint32_t>(3, m.local_address);
    w.num<std::uint32_t>(4, m.peer_address);
    w.num<std::uint16_t>(5, m.local_port);
    w.num<std::uint16_t>(6, m.peer_port);
    w.num<std::uint8_t>(7, static_cast<std::uint8_t>((m.initiator ? 1 : 0) | (m.nat_t ? 2 : 0)));
    w.num<std::uint16_t>(8, m.encryption);
    w.num<std::uint16_t>(9, m.key_bits);
    w.num<std::uint16_t>(10, m.hash);
    w.num<std::uint16_t>(11, m.dh_group);
    w.num<std::uint16_t>(12, m.auth_method);
    w.bytes(13, m.skeyid_d.view());
    w.bytes(14, m.skeyid_a.view());
    w.bytes(15, m.skeyid_e.view());
    w.bytes(16, m.iv);
    std::vector<std::uint8_t> ids;
    for (std::size_t i = 0; i < std::min(m.message_ids.size(), kSyncMaxMessageIds); ++i) put_be(ids, m.message_ids[i]);
    w.bytes(17, ids);
    w.num<std::uint32_t>(18, m.dpd_seq_out);
    w.num<std::uint32_t>(19, m.dpd_seq_in);
    w.num<std::uint32_t>(20, m.lifetime_remaining_s);
    if (!m.ike_state.empty()) w.bytes(21, m.ike_state.view());
    return MsgType::kIkeSa;
  }
  MsgType operator()(const IpsecSaRecord& m) {
    const driver::SaConfig& c = m.config;
    w.num<std::uint32_t>(1, c.spi);
    w.num<std::uint8_t>(2, static_cast<std::uint8_t>(c.direction));
    w.num<std::uint32_t>(3, c.tunnel_src);
    w.num<std::uint32_t>(4, c.tunnel_dst);
    if (c.udp_encap) {
      std::vector<std::uint8_t> b;
      put_be(b, c.udp_encap->src_port);
      put_be(b, c.udp_encap->dst_port);
      w.bytes(5, b);
    }
    w.num<std::uint8_t>(6, static_cast<std::uint8_t>(c.transform));
    w.bytes(7, c.enc_key.view());
    w.bytes(8, c.auth_key.view());
    w.num<std::uint32_t>(9, c.salt);
    w.num<std::uint32_t>(10, c.replay_window);
    w.num<std::uint8_t>(11, c.esn ? 1 : 0);
    std::vector<std::uint8_t> lt;
    for (auto v : {c.lifetime.soft_bytes, c.lifetime.hard_bytes, c.lifetime.soft_packets, c.lifetime.hard_packets})
      put_be(lt, v);
    w.bytes(12, lt);
    std::vector<std::uint8_t> sel;
    const auto& s = c.selector;
    for (auto v : {s.src_addr, s.src_mask, s.dst_addr, s.dst_mask}) put_be(sel, v);
    sel.push_back(s.protocol);
    for (auto v : {s.src_port_lo, s.src_port_hi, s.dst_port_lo, s.dst_port_hi}) put_be(sel, v);
    w.bytes(13, sel);
    w.num<std::uint8_t>(14, c.ttl);
    w.num<std::uint8_t>(15, static_cast<std::uint8_t>(c.df));
    w.num<std::uint64_t>(16, c.initial_seq);
    w.bytes(17, m.ike_cookie_i);
    w.bytes(18, m.ike_cookie_r);
    w.num<std::uint64_t>(19, m.seq);
    w.num<std::uint32_t>(20, m.lifetime_remaining_s);
    w.bytes(21, std::span(reinterpret_cast<const std::uint8_t*>(m.crypto_map.data()), m.crypto_map.size()));
    w.num<std::uint32_t>(22, m.crypto_map_seq);
    return MsgType::kIpsecSa;
  }
  MsgType operator()(const SeqReport& m) {
    w.num<std::uint32_t>(1, m.spi);
    w.num<std::uint8_t>(2, static_cast<std::uint8_t>(m.direction));
    w.num<std::uint64_t>(3, m.seq);
    return MsgType::kSeqReport;
  }
  MsgType operator()(const IpsecSaDelete& m) {
    w.num<std::uint32_t>(1, m.spi);
    w.num<std::uint8_t>(2, static_cast<std::uint8_t>(m.direction));
    return MsgType::kIpsecDelete;
  }
  MsgType operator()(const IkeSaDelete& m) {
    w.bytes(1, m.cookie_i);
    w.bytes(2, m.cookie_r);
    return MsgType::kIkeDelete;
  }
};

SyncMessage decode_ike_sa(FieldTable& t) {
  IkeSaRecord m;
  cookie_from(t.bytes(1), m.cookie_i, t, 1);
  cookie_from(t.bytes(2), m.cookie_r, t, 2);
  m.local_address = t.num<std::uint32_t>(3);
  m.peer_address = t.num<std::uint32_t>(4);
  m.local_port = t.num<std::uint16_t>(5);
  m.peer_port = t.num<std::uint16_t>(6);
  auto flags = t.num<std::uint8_t>(7);
  m.initiator = flags & 1;
  m.nat_t = flags & 2;
  m.encryption = t.num<std::uint16_t>(8);
  m.key_bits = t.num<std::uint16_t>(9);
  m.hash = t.num<std::uint16_t>(10);
  m.dh_group = t.num<std::uint16_t>(11);
  m.auth_method = t.num<std::uint16_t>(12);
  m.skeyid_d = SecretBytes(t.bytes(13, 64));
  m.skeyid_a = SecretBytes(t.bytes(14, 64));
  m.skeyid_e = SecretBytes(t.bytes(15, 64));
  auto iv = t.bytes(16, 32);
  m.iv.assign(iv.begin(), iv.end());
  auto ids = t.bytes(17, 4 * kSyncMaxMessageIds);
  if (ids.size() % 4 != 0) t.fail(t.offset(17), "message ID list is not a multiple of 4 bytes");
  for (std::size_t i = 0; i + 4 <= ids.size(); i += 4) m.message_ids.push_back(get_be<std::uint32_t>(ids, i));
  m.dpd_seq_out = t.num<std::uint32_t>(18);
  m.dpd_seq_in = t.num<std::uint32_t>(19);
  m.lifetime_remaining_s = t.num<std::uint32_t>(20);
  if (t.has(21)) m.ike_state = SecretBytes(t.bytes(21, kSyncMaxIkeState));
  return m;
}

SyncMessage decode_ipsec_sa(FieldTable& t) {
  IpsecSaRecord m;
  driver::SaConfig& c = m.config;
  c.spi = t.num<std::uint32_t>(1);
  c.direction = direction_from(t.num<std::uint8_t>(2), t, 2);
  c.tunnel_src = t.num<std::uint32_t>(3);
  c.tunnel_dst = t.num<std::uint32_t>(4);
  if (t.has(5)) {
    auto b = t.bytes(5);
    if (b.size() != 4) t.fail(t.offset(5), "UDP encapsulation is not 4 bytes");
    else c.udp_encap = driver::UdpEncap{get_be<std::uint16_t>(b, 0), get_be<std::uint16_t>(b, 2)};
  }
  auto transform = t.num<std::uint8_t>(6);
  if (transform < 1 || transform > 3) t.fail(t.offset(6), "unknown transform");
  c.transform = static_cast<driver::Transform>(transform);
  c.enc_key = SecretBytes(t.bytes(7, 32));
  c.auth_key = SecretBytes(t.bytes(8, 64));
  c.salt = t.num<std::uint32_t>(9);
  c.replay_window = t.num<std::uint32_t>(10);
  c.esn = t.num<std::uint8_t>(11) != 0;
  auto lt = t.bytes(12);
  if (lt.size() != 32) {
    t.fail(t.offset(12), "lifetime is not 32 bytes");
  } else {
    c.lifetime = {get_be<std::uint64_t>(lt, 0), get_be<std::uint64_t>(lt, 8), get_be<std::uint64_t>(lt, 16),
                  get_be<std::uint64_t>(lt, 24)};
  }
  auto sel = t.bytes(13);
  if (sel.size() != 25) {
    t.fail(t.offset(13), "selector is not 25 bytes");
  } else {
    auto& s = c.selector;
    s.src_addr = get_be<std::uint32_t>(sel, 0);
    s.src_mask = get_be<std::uint32_t>(sel, 4);
    s.dst_addr = get_be<std::uint32_t>(sel, 8);
    s.dst_mask = get_be<std::uint32_t>(sel, 12);
    s.protocol = sel[16];
    s.src_port_lo = get_be<std::uint16_t>(sel, 17);
    s.src_port_hi = get_be<std::uint16_t>(sel, 19);
    s.dst_port_lo = get_be<std::uint16_t>(sel, 21);
    s.dst_port_hi = get_be<std::uint16_t>(sel, 23);
  }
  c.ttl = t.num<std::uint8_t>(14);
  auto df = t.num<std::uint8_t>(15);
  if (df > 2) t.fail(t.offset(15), "unknown DF policy");
  c.df = static_cast<driver::DfPolicy>(df);
  c.initial_seq = t.num<std::uint64_t>(16);
  cookie_from(t.bytes(17), m.ike_cookie_i, t, 17);
  cookie_from(t.bytes(18), m.ike_cookie_r, t, 18);
  m.seq = t.num<std::uint64_t>(19);
  m.lifetime_remaining_s = t.num<std::uint32_t>(20);
  auto name = t.bytes(21, 64);
  m.crypto_map.assign(name.begin(), name.end());
  m.crypto_map_seq = t.num<std::uint32_t>(22);
  return m;
}

}  // namespace

void encode_sync_message(const SyncMessage& msg, SecureBuffer& out) {
  std::size_t start = out.size();
  std::uint8_t header[kSyncFrameHeaderBytes] = {};
  out.append(header);
  FieldWriter w(out);
  MsgType type = std::visit(Encoder{w}, msg);
  std::size_t len = out.size() - start - kSyncFrameHeaderBytes;
  auto v = out.mutable_view();
  v[start] = static_cast<std::uint8_t>(type);
  v[start + 1] = static_cast<std::uint8_t>(len >> 16);
  v[start + 2] = static_cast<std::uint8_t>(len >> 8);
  v[start + 3] = static_cast<std::uint8_t>(len);
}

std::optional<std::size_t> sync_frame_length(std::span<const std::uint8_t> h) {
  if (h.size() < kSyncFrameHeaderBytes) return std::nullopt;
  return kSyncFrameHeaderBytes + (std::size_t{h[1]} << 16 | std::size_t{h[2]} << 8 | h[3]);
}

std::variant<SyncMessage, SyncDecodeError> decode_sync_message(std::span<const std::uint8_t> frame) {
  auto len = sync_frame_length(frame);
  if (!len) return SyncDecodeError{0, "frame shorter than its header"};
  if (*len > kSyncMaxFrameBytes) return SyncDecodeError{1, "frame longer than 16 KiB"};
  if (*len != frame.size()) return SyncDecodeError{1, "frame length does not match the bytes given"};
  FieldTable t;
  if (auto err = t.parse(frame.subspan(kSyncFrameHeaderBytes), kSyncFrameHeaderBytes)) return *err;
  SyncMessage msg;
  switch (frame[0]) {
    case static_cast<std::uint8_t>(MsgType::kHello): {
      SyncHello m;
      m.version = t.num<std::uint16_t>(1);
      auto role = t.num<std::uint8_t>(2);
      if (role > 1) t.fail(t.offset(2), "unknown role");
      m.role = static_cast<SyncRole>(role);
      m.node_address = t.num<std::uint32_t>(3);
      m.boot_id = t.num<std::uint64_t>(4);
      if (t.has(5)) m.hsrp_priority = t.num<std::uint32_t>(5);
      if (t.has(6)) m.hsrp_address = t.num<std::uint32_t>(6);
      msg = m;
      break;
    }
    case static_cast<std::uint8_t>(MsgType::kBulkBegin):
      msg = BulkBegin{t.num<std::uint64_t>(1)};
      break;
    case static_cast<std::uint8_t>(MsgType::kBulkEnd):
      msg = BulkEnd{t.num<std::uint64_t>(1), t.num<std::uint32_t>(2), t.num<std::uint32_t>(3)};
      break;
    case static_cast<std::uint8_t>(MsgType::kIkeSa):
      msg = decode_ike_sa(t);
      break;
    case static_cast<std::uint8_t>(MsgType::kIpsecSa):
      msg = decode_ipsec_sa(t);
      break;
    case static_cast<std::uint8_t>(MsgType::kSeqReport): {
      SeqReport m;
      m.spi = t.num<std::uint32_t>(1);
      m.direction = direction_from(t.num<std::uint8_t>(2), t, 2);
      m.seq = t.num<std::uint64_t>(3);
      msg = m;
      break;
    }
    case static_cast<std::uint8_t>(MsgType::kIpsecDelete): {
      IpsecSaDelete m;
      m.spi = t.num<std::uint32_t>(1);
      m.direction = direction_from(t.num<std::uint8_t>(2), t, 2);
      msg = m;
      break;
    }
    case static_cast<std::uint8_t>(MsgType::kIkeDelete): {
      IkeSaDelete m;
      cookie_from(t.bytes(1), m.cookie_i, t, 1);
      cookie_from(t.bytes(2), m.cookie_r, t, 2);
      msg = m;
      break;
    }
    default:
      return SyncDecodeError{0, "unknown message type " + std::to_string(frame[0])};
  }
  if (t.error()) return *t.error();
  return msg;
}

std::string_view sync_message_name(const SyncMessage& msg) {
  static constexpr std::string_view kNames[] = {"hello",    "bulk-begin", "bulk-end",     "ike-sa",
                                                "ipsec-sa", "seq-report", "ipsec-delete", "ike-delete"};
  return kNames[msg.index()];
}

}  // namespace espgw::ha

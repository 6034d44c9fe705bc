// HSRP codec (see hsrp_packet.hpp). Version 1 follows RFC 2281 section 5.1; version 2 and
// the MD5 TLV follow the layout Wireshark's HSRP dissector decodes (no public RFC exists).
#include "host/ha/hsrp_packet.hpp"

#include <algorithm>
#include <stdexcept>

namespace espgw::ha {

namespace {

constexpr std::uint8_t kV1WireStates[] = {0, 1, 2, 4, 8, 16};

void put16(std::vector<std::uint8_t>& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}
void put32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}
std::uint16_t get16(std::span<const std::uint8_t> b, std::size_t at) {
  return static_cast<std::uint16_t>(b[at] << 8 | b[at + 1]);
}
std::uint32_t get32(std::span<const std::uint8_t> b, std::size_t at) {
  return std::uint32_t{b[at]} << 24 | std::uint32_t{b[at + 1]} << 16 | std::uint32_t{b[at + 2]} << 8 | b[at + 3];
}

// Version 1 carries whole seconds; a millisecond timer rounds up so the hold time never
// shrinks on the wire.
std::uint8_t to_wire_seconds(std::chrono::milliseconds t) {
  auto secs = (t.count() + 999) / 1000;
  return static_cast<std::uint8_t>(std::clamp<std::int64_t>(secs, 1, 255));
}

HsrpDecodeError malformed(std::size_t offset, std::string reason) {
  return {HsrpDecodeError::Kind::kMalformed, offset, std::move(reason)};
}
HsrpDecodeError unsupported(std::size_t offset, std::string reason) {
  return {HsrpDecodeError::Kind::kUnsupported, offset, std::move(reason)};
}

void put_md5_tlv(std::vector<std::uint8_t>& out, const HsrpMd5Auth& md5) {
  out.push_back(static_cast<std::uint8_t>(HsrpTlv::kMd5Auth));
  out.push_back(kHsrpMd5AuthLen);
  out.push_back(md5.algorithm);
  out.push_back(0);  // padding
  put16(out, md5.flags);
  put32(out, md5.sender_ip);
  put32(out, md5.key_id);
  out.insert(out.end(), md5.digest.begin(), md5.digest.end());
}

// `at` points at the TLV's value (after type and length).
HsrpMd5Auth get_md5_tlv(std::span<const std::uint8_t> b, std::size_t at) {
  HsrpMd5Auth md5;
  md5.algorithm = b[at];
  md5.flags = get16(b, at + 2);
  md5.sender_ip = get32(b, at + 4);
  md5.key_id = get32(b, at + 8);
  std::copy_n(b.begin() + static_cast<std::ptrdiff_t>(at + 12), kHsrpMd5DigestBytes, md5.digest.begin());
  return md5;
}

HsrpDecodeResult decode_v1(std::span<const std::uint8_t> b) {
  if (b.size() < kHsrpV1HeaderBytes) return malformed(b.size(), "v1 message shorter than 20 bytes");
  HsrpDecoded d;
  HsrpMessage& m = d.message;
  m.version = HsrpVersion::kV1;
  if (b[1] == 3) return unsupported(1, "v1 advertisement (op code 3) is not processed");
  if (b[1] > 2) return malformed(1, "unknown op code " + std::to_string(b[1]));
  m.opcode = static_cast<HsrpOpcode>(b[1]);
  auto state = hsrp_state_from_wire(HsrpVersion::kV1, b[2]);
  if (!state) return malformed(2, "unknown state " + std::to_string(b[2]));
  m.state = *state;
  m.hello_time = std::chrono::seconds(b[3]);
  m.hold_time = std::chrono::seconds(b[4]);
  m.priority = b[5];
  m.group = b[6];
  std::array<std::uint8_t, kHsrpTextAuthBytes> auth{};
  std::copy_n(b.begin() + 8, kHsrpTextAuthBytes, auth.begin());
  m.text_auth = auth;
  m.virtual_ip = get32(b, 16);
  // Trailing TLVs: only MD5 authentication is defined after a v1 header.
  std::size_t off = kHsrpV1HeaderBytes;
  while (off < b.size()) {
    if (b.size() - off < 2) return malformed(off, "truncated TLV header after v1 message");
    std::uint8_t type = b[off], len = b[off + 1];
    if (b.size() - off - 2 < len) return malformed(off + 1, "TLV length runs past the end");
    if (type == static_cast<std::uint8_t>(HsrpTlv::kMd5Auth)) {
      if (len != kHsrpMd5AuthLen) return malformed(off + 1, "MD5 TLV length is not 28");
      if (m.md5) return malformed(off, "second MD5 TLV");
      m.md5 = get_md5_tlv(b, off + 2);
      d.md5_digest_offset = off + 2 + 12;
    }
    off += 2 + len;
  }
  return d;
}

HsrpDecodeResult decode_v2(std::span<const std::uint8_t> b) {
  HsrpDecoded d;
  HsrpMessage& m = d.message;
  m.version = HsrpVersion::kV2;
  bool have_group_state = false;
  std::size_t off = 0;
  while (off < b.size()) {
    if (b.size() - off < 2) return malformed(off, "truncated TLV header");
    std::uint8_t type = b[off], len = b[off + 1];
    std::size_t v = off + 2;
    if (b.size() - v < len) return malformed(off + 1, "TLV length runs past the end");
    switch (type) {
      case static_cast<std::uint8_t>(HsrpTlv::kGroupState): {
        if (have_group_state) return malformed(off, "second Group State TLV");
        if (len != kHsrpV2GroupStateLen) return malformed(off + 1, "Group State TLV length is not 40");
        if (b[v] != 2) return malformed(v, "Group State TLV version is not 2");
        if (b[v + 1] > 2) return malformed(v + 1, "unknown op code " + std::to_string(b[v + 1]));
        m.opcode = static_cast<HsrpOpcode>(b[v + 1]);
        auto state = hsrp_state_from_wire(HsrpVersion::kV2, b[v + 2]);
        if (!state) return malformed(v + 2, "unknown state " + std::to_string(b[v + 2]));
        m.state = *state;
        if (b[v + 3] != kHsrpIpVersion4) return unsupported(v + 3, "IP version " + std::to_string(b[v + 3]));
        m.group = get16(b, v + 4);
        if (m.group > kHsrpV2MaxGroup) return malformed(v + 4, "group above 4095");
        std::copy_n(b.begin() + static_cast<std::ptrdiff_t>(v + 6), 6, m.identifier.begin());
        m.priority = get32(b, v + 12);
        m.hello_time = std::chrono::milliseconds(get32(b, v + 16));
        m.hold_time = std::chrono::milliseconds(get32(b, v + 20));
        m.virtual_ip = get32(b, v + 24);
        have_group_state = true;
        break;
      }
      case static_cast<std::uint8_t>(HsrpTlv::kTextAuth): {
        if (len != kHsrpTextAuthLen) return malformed(off + 1, "Text Authentication TLV length is not 8");
        if (m.text_auth) return malformed(off, "second Text Authentication TLV");
        std::array<std::uint8_t, kHsrpTextAuthBytes> auth{};
        std::copy_n(b.begin() + static_cast<std::ptrdiff_t>(v), kHsrpTextAuthBytes, auth.begin());
        m.text_auth = auth;
        break;
      }
      case static_cast<std::uint8_t>(HsrpTlv::kMd5Auth):
        if (len != kHsrpMd5AuthLen) return malformed(off + 1, "MD5 TLV length is not 28");
        if (m.md5) return malformed(off, "second MD5 TLV");
        m.md5 = get_md5_tlv(b, v);
        d.md5_digest_offset = v + 12;
        break;
      default:
        break;  // Interface State TLV and unknown types: skipped by length
    }
    off = v + len;
  }
  if (!have_group_state) return malformed(0, "no Group State TLV");
  return d;
}

}  // namespace

std::string_view to_string(HsrpState state) {
  switch (state) {
    case HsrpState::kInitial: return "Init";
    case HsrpState::kLearn: return "Learn";
    case HsrpState::kListen: return "Listen";
    case HsrpState::kSpeak: return "Speak";
    case HsrpState::kStandby: return "Standby";
    case HsrpState::kActive: return "Active";
  }
  return "?";
}

std::string_view to_string(HsrpOpcode opcode) {
  switch (opcode) {
    case HsrpOpcode::kHello: return "Hello";
    case HsrpOpcode::kCoup: return "Coup";
    case HsrpOpcode::kResign: return "Resign";
  }
  return "?";
}

std::uint8_t hsrp_wire_state(HsrpVersion version, HsrpState state) {
  auto index = static_cast<std::size_t>(state);
  return version == HsrpVersion::kV1 ? kV1WireStates[index] : static_cast<std::uint8_t>(index + 1);
}

std::optional<HsrpState> hsrp_state_from_wire(HsrpVersion version, std::uint8_t value) {
  for (std::size_t i = 0; i < std::size(kV1WireStates); ++i)
    if (hsrp_wire_state(version, static_cast<HsrpState>(i)) == value) return static_cast<HsrpState>(i);
  return std::nullopt;
}

HsrpDecodeResult decode_hsrp(std::span<const std::uint8_t> bytes) {
  if (bytes.empty()) return malformed(0, "empty message");
  if (bytes[0] == 0) return decode_v1(bytes);
  if (bytes[0] == static_cast<std::uint8_t>(HsrpTlv::kGroupState)) return decode_v2(bytes);
  return malformed(0, "neither HSRP version 1 (octet 0) nor a version 2 Group State TLV");
}

std::vector<std::uint8_t> encode_hsrp(const HsrpMessage& m) {
  std::vector<std::uint8_t> out;
  if (m.version == HsrpVersion::kV1) {
    if (m.group > kHsrpV1MaxGroup) throw std::invalid_argument("HSRP v1 group above 255");
    if (m.priority > kHsrpV1MaxPriority) throw std::invalid_argument("HSRP v1 priority above 255");
    out.reserve(kHsrpV1HeaderBytes + 2 + kHsrpMd5AuthLen);
    out.push_back(0);  // version
    out.push_back(static_cast<std::uint8_t>(m.opcode));
    out.push_back(hsrp_wire_state(HsrpVersion::kV1, m.state));
    out.push_back(to_wire_seconds(m.hello_time));
    out.push_back(to_wire_seconds(m.hold_time));
    out.push_back(static_cast<std::uint8_t>(m.priority));
    out.push_back(static_cast<std::uint8_t>(m.group));
    out.push_back(0);  // reserved
    // With MD5 the text field is zeros, as IOS sends it.
    std::array<std::uint8_t, kHsrpTextAuthBytes> auth{};
    if (m.text_auth) auth = *m.text_auth;
    out.insert(out.end(), auth.begin(), auth.end());
    put32(out, m.virtual_ip);
    if (m.md5) put_md5_tlv(out, *m.md5);
    return out;
  }
  if (m.group > kHsrpV2MaxGroup) throw std::invalid_argument("HSRP v2 group above 4095");
  out.reserve(2 + kHsrpV2GroupStateLen + 2 + kHsrpMd5AuthLen);
  out.push_back(static_cast<std::uint8_t>(HsrpTlv::kGroupState));
  out.push_back(kHsrpV2GroupStateLen);
  out.push_back(2);  // version
  out.push_back(static_cast<std::uint8_t>(m.opcode));
  out.push_back(hsrp_wire_state(HsrpVersion::kV2, m.state));
  out.push_back(kHsrpIpVersion4);
  put16(out, m.group);
  out.insert(out.end(), m.identifier.begin(), m.identifier.end());
  put32(out, m.priority);
  put32(out, static_cast<std::uint32_t>(m.hello_time.count()));
  put32(out, static_cast<std::uint32_t>(m.hold_time.count()));
  put32(out, m.virtual_ip);
  out.insert(out.end(), 12, 0);  // the rest of the 16-byte address slot
  if (m.text_auth) {
    out.push_back(static_cast<std::uint8_t>(HsrpTlv::kTextAuth));
    out.push_back(kHsrpTextAuthLen);
    out.insert(out.end(), m.text_auth->begin(), m.text_auth->end());
  }
  if (m.md5) put_md5_tlv(out, *m.md5);
  return out;
}

std::size_t hsrp_md5_digest_offset(const HsrpMessage& m) {
  std::size_t tlv = m.version == HsrpVersion::kV1
                        ? kHsrpV1HeaderBytes
                        : 2 + kHsrpV2GroupStateLen + (m.text_auth ? 2 + kHsrpTextAuthLen : 0);
  return tlv + 2 + 12;
}

}  // namespace espgw::ha

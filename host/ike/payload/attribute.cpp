// SA attribute codec (RFC 2408 section 3.3).
#include "host/ike/payload/attribute.hpp"

namespace espgw::ike {

namespace {
constexpr std::uint16_t kAfBit = 0x8000;
}

Attribute Attribute::tv(std::uint16_t type, std::uint16_t value) {
  return Attribute{type, true, Bytes{static_cast<std::uint8_t>(value >> 8), static_cast<std::uint8_t>(value)}};
}

Attribute Attribute::tlv_integer(std::uint16_t type, std::uint64_t value, std::size_t width) {
  Attribute a{type, false, Bytes(width, 0)};
  for (std::size_t i = 0; i < width; ++i) a.value[width - 1 - i] = static_cast<std::uint8_t>(value >> (8 * i));
  return a;
}

std::optional<std::uint64_t> Attribute::integer() const {
  if (value.empty() || value.size() > 8) return std::nullopt;
  std::uint64_t v = 0;
  for (std::uint8_t b : value) v = v << 8 | b;
  return v;
}

Decoded<std::vector<Attribute>> decode_attributes(ByteView data, std::size_t base) {
  Reader r(data, base);
  std::vector<Attribute> out;
  while (r.remaining() > 0) {
    std::uint16_t type = 0, lv = 0;
    if (!r.u16(type) || !r.u16(lv)) return r.error("truncated attribute header");
    Attribute a;
    a.type = type & ~kAfBit;
    a.basic = (type & kAfBit) != 0;
    if (a.basic) {
      a.value = {static_cast<std::uint8_t>(lv >> 8), static_cast<std::uint8_t>(lv)};
    } else if (!r.bytes(lv, a.value)) {
      return r.error("attribute length runs past its payload");
    }
    out.push_back(std::move(a));
  }
  return out;
}

void encode_attributes(const std::vector<Attribute>& attrs, Bytes& out) {
  Writer w(out);
  for (const Attribute& a : attrs) {
    if (a.basic) {
      w.u16(static_cast<std::uint16_t>(a.type | kAfBit));
      w.bytes(a.value);  // 2 bytes by construction
    } else {
      w.u16(a.type & ~kAfBit);
      w.u16(static_cast<std::uint16_t>(a.value.size()));
      w.bytes(a.value);
    }
  }
}

const Attribute* find_attribute(const std::vector<Attribute>& attrs, std::uint16_t type) {
  for (const Attribute& a : attrs)
    if (a.type == type) return &a;
  return nullptr;
}

}  // namespace espgw::ike

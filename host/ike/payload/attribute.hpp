// SA data attributes (RFC 2408 section 3.3), in both forms: TV ("basic", AF=1, 16-bit value)
// and TLV (AF=0, variable length). Lifetimes use the 4-byte TLV form IOS sends
// ("life duration (VPI) of 0x0 0x1 0x51 0x80").
//  0                   1                   2                   3
// !A!       Attribute Type        !    AF=0  Attribute Length     !
// !F!                             !    AF=1  Attribute Value      !
// .                   AF=0  Attribute Value                       .
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "host/ike/payload/wire.hpp"

namespace espgw::ike {

struct Attribute {
  std::uint16_t type = 0;  // without the AF bit
  bool basic = true;       // TV form
  Bytes value;             // TV: exactly 2 bytes; TLV: 0..65535 bytes

  static Attribute tv(std::uint16_t type, std::uint16_t value);
  // TLV with a big-endian integer in exactly `width` bytes (IOS uses 4 for lifetimes).
  static Attribute tlv_integer(std::uint16_t type, std::uint64_t value, std::size_t width = 4);
  template <class E>
  static Attribute tv(E type, std::uint16_t value) { return tv(static_cast<std::uint16_t>(type), value); }

  // Value as an unsigned integer (either form); nullopt when longer than 8 bytes or empty.
  std::optional<std::uint64_t> integer() const;

  friend bool operator==(const Attribute&, const Attribute&) = default;
};

// Decodes attributes filling `data` exactly; a partial attribute is an error.
Decoded<std::vector<Attribute>> decode_attributes(ByteView data, std::size_t base);
void encode_attributes(const std::vector<Attribute>& attrs, Bytes& out);

const Attribute* find_attribute(const std::vector<Attribute>& attrs, std::uint16_t type);

}  // namespace espgw::ike

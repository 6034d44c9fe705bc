// Delete payload codec (RFC 2408 section 3.15).
#include "host/ike/payload/delete_payload.hpp"

namespace espgw::ike {

Decoded<DeletePayload> DeletePayload::decode(ByteView body, std::size_t base) {
  Reader r(body, base);
  DeletePayload d;
  std::uint8_t protocol = 0;
  std::uint16_t count = 0;
  if (!r.u32(d.doi) || !r.u8(protocol) || !r.u8(d.spi_size) || !r.u16(count)) return r.error("truncated delete payload");
  if (d.doi != kDoiIpsec) return DecodeError{base, "delete DOI is not IPsec"};
  d.protocol = static_cast<ProtocolId>(protocol);
  if (d.spi_size == 0 || d.spi_size > 16) return DecodeError{base + 5, "delete SPI size out of range"};
  if (count == 0) return DecodeError{base + 6, "delete payload without SPIs"};
  if (r.remaining() != static_cast<std::size_t>(count) * d.spi_size)
    return DecodeError{base + 6, "SPI count times size does not match the payload length"};
  for (std::uint16_t i = 0; i < count; ++i) {
    Bytes spi;
    r.bytes(d.spi_size, spi);
    d.spis.push_back(std::move(spi));
  }
  return d;
}

void DeletePayload::encode_body(Bytes& out) const {
  Writer w(out);
  w.u32(doi);
  w.u8(static_cast<std::uint8_t>(protocol));
  w.u8(spi_size);
  w.u16(static_cast<std::uint16_t>(spis.size()));
  for (const Bytes& s : spis) w.bytes(s);
}

}  // namespace espgw::ike

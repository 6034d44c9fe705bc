// Notification payload codec (RFC 2408 section 3.14).
#include "host/ike/payload/notify_payload.hpp"

namespace espgw::ike {

Decoded<NotifyPayload> NotifyPayload::decode(ByteView body, std::size_t base) {
  Reader r(body, base);
  NotifyPayload n;
  std::uint8_t protocol = 0, spi_size = 0;
  std::uint16_t type = 0;
  if (!r.u32(n.doi) || !r.u8(protocol) || !r.u8(spi_size) || !r.u16(type)) return r.error("truncated notification");
  // DOI 0 is allowed for ISAKMP-level notifies (RFC 2408 section 3.14).
  if (n.doi != kDoiIpsec && n.doi != 0) return DecodeError{base, "notification DOI is not IPsec"};
  n.protocol = static_cast<ProtocolId>(protocol);
  n.type = static_cast<NotifyType>(type);
  if (spi_size > 16) return DecodeError{base + 5, "notification SPI size too large"};
  if (!r.bytes(spi_size, n.spi)) return r.error("notification SPI runs past the payload");
  r.bytes(r.remaining(), n.data);
  return n;
}

void NotifyPayload::encode_body(Bytes& out) const {
  Writer w(out);
  w.u32(doi);
  w.u8(static_cast<std::uint8_t>(protocol));
  w.u8(static_cast<std::uint8_t>(spi.size()));
  w.u16(static_cast<std::uint16_t>(type));
  w.bytes(spi);
  w.bytes(data);
}

}  // namespace espgw::ike

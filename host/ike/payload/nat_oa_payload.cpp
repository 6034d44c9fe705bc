// NAT-OA payload codec (RFC 3947 section 5.2).
#include "host/ike/payload/nat_oa_payload.hpp"

namespace espgw::ike {

Decoded<NatOaPayload> NatOaPayload::decode(ByteView body, std::size_t base) {
  Reader r(body, base);
  NatOaPayload p;
  std::uint8_t type = 0, reserved = 0;
  std::uint16_t reserved2 = 0;
  if (!r.u8(type) || !r.u8(reserved) || !r.u16(reserved2)) return r.error("truncated NAT-OA payload");
  p.id_type = static_cast<IdType>(type);
  std::size_t want = p.id_type == IdType::kIpv4Addr ? 4 : p.id_type == IdType::kIpv6Addr ? 16 : 0;
  if (want == 0) return DecodeError{base, "NAT-OA ID type is neither ID_IPV4_ADDR nor ID_IPV6_ADDR"};
  if (r.remaining() != want) return r.error("NAT-OA address length does not match its type");
  r.bytes(want, p.address);
  return p;
}

void NatOaPayload::encode_body(Bytes& out) const {
  Writer w(out);
  w.u8(static_cast<std::uint8_t>(id_type));
  w.u8(0);
  w.u16(0);
  w.bytes(address);
}

}  // namespace espgw::ike

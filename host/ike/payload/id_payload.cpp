// Identification payload codec (RFC 2408 section 3.8, RFC 2407 section 4.6.2).
#include "host/ike/payload/id_payload.hpp"

namespace espgw::ike {

namespace {
void put32(Bytes& out, std::uint32_t v) { Writer(out).u32(v); }
std::uint32_t get32(const Bytes& b, std::size_t at) {
  if (b.size() < at + 4) return 0;
  return static_cast<std::uint32_t>(b[at]) << 24 | static_cast<std::uint32_t>(b[at + 1]) << 16 |
         static_cast<std::uint32_t>(b[at + 2]) << 8 | b[at + 3];
}
}  // namespace

IdPayload IdPayload::ipv4(std::uint32_t addr, std::uint8_t protocol, std::uint16_t port) {
  IdPayload id{IdType::kIpv4Addr, protocol, port, {}};
  put32(id.data, addr);
  return id;
}

IdPayload IdPayload::ipv4_subnet(std::uint32_t addr, std::uint32_t mask, std::uint8_t protocol,
                                 std::uint16_t port) {
  IdPayload id{IdType::kIpv4AddrSubnet, protocol, port, {}};
  put32(id.data, addr);
  put32(id.data, mask);
  return id;
}

std::uint32_t IdPayload::ipv4_addr() const { return get32(data, 0); }
std::uint32_t IdPayload::ipv4_mask() const {
  return id_type == IdType::kIpv4AddrSubnet ? get32(data, 4) : 0xFFFFFFFFu;
}

Decoded<IdPayload> IdPayload::decode(ByteView body, std::size_t base) {
  Reader r(body, base);
  IdPayload id;
  std::uint8_t type = 0;
  if (!r.u8(type) || !r.u8(id.protocol) || !r.u16(id.port)) return r.error("truncated ID payload");
  id.id_type = static_cast<IdType>(type);
  std::size_t n = r.remaining();
  std::size_t want = 0;
  switch (id.id_type) {
    case IdType::kIpv4Addr: want = 4; break;
    case IdType::kIpv4AddrSubnet:
    case IdType::kIpv4AddrRange: want = 8; break;
    case IdType::kIpv6Addr: want = 16; break;
    case IdType::kIpv6AddrSubnet:
    case IdType::kIpv6AddrRange: want = 32; break;
    case IdType::kFqdn:
    case IdType::kUserFqdn:
    case IdType::kDerAsn1Dn:
    case IdType::kDerAsn1Gn:
    case IdType::kKeyId: want = 0; break;
    default: return DecodeError{base, "unknown identification type"};
  }
  if (want != 0 && n != want) return r.error("identification data length does not match its type");
  if (want == 0 && n == 0) return r.error("empty identification data");
  r.bytes(n, id.data);
  return id;
}

void IdPayload::encode_body(Bytes& out) const {
  Writer w(out);
  w.u8(static_cast<std::uint8_t>(id_type));
  w.u8(protocol);
  w.u16(port);
  w.bytes(data);
}

}  // namespace espgw::ike

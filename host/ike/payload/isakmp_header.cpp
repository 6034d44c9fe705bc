// ISAKMP fixed header codec (RFC 2408 section 3.1).
#include "host/ike/payload/isakmp_header.hpp"

#include <algorithm>

namespace espgw::ike {

Decoded<IsakmpHeader> IsakmpHeader::decode(ByteView datagram) {
  Reader r(datagram, 0);
  IsakmpHeader h;
  ByteView cookie;
  if (datagram.size() < kHeaderSize) return r.error("message shorter than the 28-byte ISAKMP header");
  r.view(kCookieSize, cookie);
  std::copy(cookie.begin(), cookie.end(), h.initiator_cookie.begin());
  r.view(kCookieSize, cookie);
  std::copy(cookie.begin(), cookie.end(), h.responder_cookie.begin());
  std::uint8_t np = 0, ex = 0;
  r.u8(np);
  h.next_payload = static_cast<PayloadType>(np);
  std::size_t version_at = r.offset();
  r.u8(h.version);
  r.u8(ex);
  h.exchange = static_cast<ExchangeType>(ex);
  std::size_t flags_at = r.offset();
  r.u8(h.flags);
  r.u32(h.message_id);
  std::size_t length_at = r.offset();
  r.u32(h.length);
  if (std::all_of(h.initiator_cookie.begin(), h.initiator_cookie.end(), [](std::uint8_t b) { return b == 0; }))
    return DecodeError{0, "initiator cookie is zero"};
  if ((h.version >> 4) != 1) return DecodeError{version_at, "unsupported ISAKMP major version"};
  if ((h.flags & ~kFlagsKnown) != 0) return DecodeError{flags_at, "unknown header flag bits"};
  if (h.length != datagram.size()) return DecodeError{length_at, "header length does not match the datagram size"};
  return h;
}

void IsakmpHeader::encode(Bytes& out) const {
  Writer w(out);
  w.bytes(initiator_cookie);
  w.bytes(responder_cookie);
  w.u8(static_cast<std::uint8_t>(next_payload));
  w.u8(version);
  w.u8(static_cast<std::uint8_t>(exchange));
  w.u8(flags);
  w.u32(message_id);
  w.u32(length);
}

}  // namespace espgw::ike

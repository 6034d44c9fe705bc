// Generic payload header walker and type dispatch (RFC 2408 section 3.2).
#include "host/ike/payload/payload.hpp"

namespace espgw::ike {

namespace {

constexpr std::size_t kMaxPayloads = 64;  // no IKEv1 message needs more; bounds the work per packet

template <class T>
Decoded<Payload> wrap(Decoded<T> d) {
  if (!d) return d.error();
  return Payload{std::move(d.value())};
}

Decoded<Payload> decode_one(std::uint8_t type, ByteView body, std::size_t base) {
  switch (static_cast<PayloadType>(type)) {
    case PayloadType::kSa: return wrap(SaPayload::decode(body, base));
    case PayloadType::kKeyExchange: return wrap(KePayload::decode(body, base));
    case PayloadType::kIdentification: return wrap(IdPayload::decode(body, base));
    case PayloadType::kHash: return wrap(HashPayload::decode(body, base));
    case PayloadType::kNonce: return wrap(NoncePayload::decode(body, base));
    case PayloadType::kNotification: return wrap(NotifyPayload::decode(body, base));
    case PayloadType::kDelete: return wrap(DeletePayload::decode(body, base));
    case PayloadType::kVendorId: return wrap(VendorIdPayload::decode(body, base));
    case PayloadType::kNatD: return wrap(NatDPayload::decode(body, base));
    case PayloadType::kNatOa: return wrap(NatOaPayload::decode(body, base));
    case PayloadType::kProposal:
    case PayloadType::kTransform: return DecodeError{base, "proposal or transform outside an SA payload"};
    case PayloadType::kNone: return DecodeError{base, "payload type 0"};
    case PayloadType::kCertificate:
    case PayloadType::kCertificateRequest:
    case PayloadType::kSignature: break;
  }
  return Payload{UnknownPayload{type, Bytes(body.begin(), body.end())}};
}

}  // namespace

PayloadType payload_type(const Payload& p) {
  if (const auto* u = std::get_if<UnknownPayload>(&p)) return static_cast<PayloadType>(u->type);
  return std::visit(
      [](const auto& v) -> PayloadType {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, UnknownPayload>) return PayloadType::kNone;
        else return T::kType;
      },
      p);
}

const char* payload_name(PayloadType t) {
  switch (t) {
    case PayloadType::kNone: return "NONE";
    case PayloadType::kSa: return "SA";
    case PayloadType::kProposal: return "PROPOSAL";
    case PayloadType::kTransform: return "TRANSFORM";
    case PayloadType::kKeyExchange: return "KE";
    case PayloadType::kIdentification: return "ID";
    case PayloadType::kCertificate: return "CERT";
    case PayloadType::kCertificateRequest: return "CERT_REQ";
    case PayloadType::kHash: return "HASH";
    case PayloadType::kSignature: return "SIG";
    case PayloadType::kNonce: return "NONCE";
    case PayloadType::kNotification: return "NOTIFY";
    case PayloadType::kDelete: return "DELETE";
    case PayloadType::kVendorId: return "VID";
    case PayloadType::kNatD: return "NAT-D";
    case PayloadType::kNatOa: return "NAT-OA";
  }
  return "UNKNOWN";
}

Decoded<std::vector<PayloadEntry>> decode_chain(PayloadType first, ByteView chain, std::size_t base,
                                                bool allow_padding) {
  Reader r(chain, base);
  std::vector<PayloadEntry> out;
  std::uint8_t next = static_cast<std::uint8_t>(first);
  while (next != 0) {
    if (out.size() == kMaxPayloads) return r.error("too many payloads");
    std::size_t start = r.pos();
    std::uint8_t type = next, reserved = 0;
    std::uint16_t length = 0;
    if (!r.u8(next) || !r.u8(reserved) || !r.u16(length)) return r.error("truncated generic payload header");
    if (reserved != 0) return DecodeError{base + start + 1, "reserved byte of generic header is not zero"};
    if (length < kGenericHeaderSize) return DecodeError{base + start + 2, "payload length smaller than its header"};
    ByteView body;
    if (!r.view(length - kGenericHeaderSize, body)) return DecodeError{base + start + 2, "payload length runs past the message"};
    auto p = decode_one(type, body, base + start + kGenericHeaderSize);
    if (!p) return p.error();
    out.push_back(PayloadEntry{std::move(p.value()), start, length});
  }
  if (!allow_padding && r.remaining() != 0) return r.error("bytes after the last payload");
  return out;
}

Bytes encode_chain(const std::vector<Payload>& payloads) {
  Bytes out;
  Writer w(out);
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    std::size_t start = w.size();
    w.u8(i + 1 < payloads.size() ? static_cast<std::uint8_t>(payload_type(payloads[i + 1])) : 0);
    w.u8(0);
    w.u16(0);
    std::visit(
        [&out](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, UnknownPayload>) out.insert(out.end(), v.body.begin(), v.body.end());
          else v.encode_body(out);
        },
        payloads[i]);
    w.patch_u16(start + 2, static_cast<std::uint16_t>(w.size() - start));
  }
  return out;
}

}  // namespace espgw::ike

// One decoded ISAKMP payload of any type IKEv1 uses, and the generic-header chain walker
// (RFC 2408 section 3.2): each payload names the type of the next, and lengths must tile
// the chain exactly.
// ! Next Payload  !   RESERVED    !         Payload Length        !
#pragma once

#include <cstdint>
#include <variant>
#include <vector>

#include "host/ike/payload/delete_payload.hpp"
#include "host/ike/payload/hash_payload.hpp"
#include "host/ike/payload/id_payload.hpp"
#include "host/ike/payload/ke_payload.hpp"
#include "host/ike/payload/nat_d_payload.hpp"
#include "host/ike/payload/nat_oa_payload.hpp"
#include "host/ike/payload/nonce_payload.hpp"
#include "host/ike/payload/notify_payload.hpp"
#include "host/ike/payload/sa_payload.hpp"
#include "host/ike/payload/vendor_id_payload.hpp"

namespace espgw::ike {

// A payload of a type we do not implement (certificates, signatures, private use); kept so
// message_rules can answer it with INVALID-PAYLOAD-TYPE rather than a silent drop.
struct UnknownPayload {
  std::uint8_t type = 0;
  Bytes body;
  friend bool operator==(const UnknownPayload&, const UnknownPayload&) = default;
};

using Payload = std::variant<SaPayload, KePayload, IdPayload, HashPayload, NoncePayload, NotifyPayload,
                             DeletePayload, VendorIdPayload, NatDPayload, NatOaPayload, UnknownPayload>;

PayloadType payload_type(const Payload& p);
const char* payload_name(PayloadType t);

// Where a payload sits in the chain bytes: [offset, offset + length) including its generic header.
struct PayloadEntry {
  Payload payload;
  std::size_t offset = 0;
  std::size_t length = 0;
};

// Walks a chain starting with `first`. `base` is the chain's offset in the message (for errors).
// With `allow_padding`, bytes after the last payload are accepted (decrypted bodies carry
// CBC padding, RFC 2409 Appendix B); otherwise the chain must fill `chain` exactly.
Decoded<std::vector<PayloadEntry>> decode_chain(PayloadType first, ByteView chain, std::size_t base,
                                                bool allow_padding);
// Encodes payloads in order, each pointing at the next. Empty input gives empty output.
Bytes encode_chain(const std::vector<Payload>& payloads);

}  // namespace espgw::ike

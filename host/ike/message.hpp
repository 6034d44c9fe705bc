// An ISAKMP message (RFC 2408 section 3): the fixed header plus either the decoded payload
// chain or, while still encrypted, the ciphertext body. Decoding never throws; encoding
// computes every next-payload and length field.
#pragma once

#include <vector>

#include "host/ike/payload/isakmp_header.hpp"
#include "host/ike/payload/payload.hpp"

namespace espgw::ike {

struct Message {
  IsakmpHeader header;
  std::vector<PayloadEntry> payloads;  // empty until decrypted when header.encrypted()
  Bytes chain;                         // the plaintext payload chain (hash inputs are cut from it)
  Bytes ciphertext;                    // the encrypted body as received

  template <class T>
  const T* find(std::size_t nth = 0) const {
    for (const PayloadEntry& e : payloads)
      if (const T* p = std::get_if<T>(&e.payload)) {
        if (nth == 0) return p;
        --nth;
      }
    return nullptr;
  }
  template <class T>
  std::size_t count() const {
    std::size_t n = 0;
    for (const PayloadEntry& e : payloads) n += std::holds_alternative<T>(e.payload) ? 1 : 0;
    return n;
  }
  // Raw bytes of the nth payload of type T, without its generic header (the "_b" values
  // of RFC 2409, e.g. SAi_b, IDii_b, Ni_b).
  template <class T>
  ByteView body_of(std::size_t nth = 0) const {
    for (const PayloadEntry& e : payloads)
      if (std::holds_alternative<T>(e.payload) && nth-- == 0)
        return ByteView(chain).subspan(e.offset + kGenericHeaderSize, e.length - kGenericHeaderSize);
    return {};
  }
  // Bytes of the chain after the first payload (and before any padding): the input that
  // follows M-ID in Quick Mode and Informational HASH computations (RFC 2409 section 5.5).
  ByteView after_first_payload() const;
};

// Decodes the header and, for a cleartext message, the whole chain (exact fit). For an
// encrypted message only the header is decoded and the body is kept in `ciphertext`.
Decoded<Message> decode_message(ByteView datagram);
// Decodes a decrypted body into `msg` (CBC padding after the last payload is allowed).
Decoded<bool> decode_decrypted(Message& msg, ByteView plaintext);

// Header + body; sets header.length and header.next_payload from the payloads.
Bytes encode_message(IsakmpHeader header, const std::vector<Payload>& payloads);
// Header + an already-encrypted body (E flag set by the caller).
Bytes encode_message_raw(IsakmpHeader header, ByteView body);

}  // namespace espgw::ike

// ISAKMP message codec (RFC 2408 section 3).
#include "host/ike/message.hpp"

namespace espgw::ike {

ByteView Message::after_first_payload() const {
  if (payloads.empty()) return {};
  const PayloadEntry& first = payloads.front();
  const PayloadEntry& last = payloads.back();
  std::size_t from = first.offset + first.length;
  std::size_t to = last.offset + last.length;
  return ByteView(chain).subspan(from, to - from);
}

Decoded<Message> decode_message(ByteView datagram) {
  auto header = IsakmpHeader::decode(datagram);
  if (!header) return header.error();
  Message msg;
  msg.header = header.value();
  ByteView body = datagram.subspan(kHeaderSize);
  if (msg.header.encrypted()) {
    if (body.empty()) return DecodeError{kHeaderSize, "encrypted message without a body"};
    msg.ciphertext.assign(body.begin(), body.end());
    return msg;
  }
  msg.chain.assign(body.begin(), body.end());
  auto chain = decode_chain(msg.header.next_payload, msg.chain, kHeaderSize, false);
  if (!chain) return chain.error();
  msg.payloads = std::move(chain.value());
  return msg;
}

Decoded<bool> decode_decrypted(Message& msg, ByteView plaintext) {
  msg.chain.assign(plaintext.begin(), plaintext.end());
  auto chain = decode_chain(msg.header.next_payload, msg.chain, kHeaderSize, true);
  if (!chain) return chain.error();
  msg.payloads = std::move(chain.value());
  return true;
}

Bytes encode_message(IsakmpHeader header, const std::vector<Payload>& payloads) {
  header.next_payload = payloads.empty() ? PayloadType::kNone : payload_type(payloads.front());
  return encode_message_raw(header, encode_chain(payloads));
}

Bytes encode_message_raw(IsakmpHeader header, ByteView body) {
  header.length = static_cast<std::uint32_t>(kHeaderSize + body.size());
  Bytes out;
  out.reserve(header.length);
  header.encode(out);
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

}  // namespace espgw::ike

// libFuzzer target for the ISAKMP decoder (host/ike/message.cpp and payload/): any bytes
// must decode to a value or an error, never crash; whatever decodes must re-encode to a
// message that decodes to the same payloads, and every message_rules table must accept or
// reject it cleanly.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "host/ike/message.hpp"
#include "host/ike/message_rules.hpp"

using namespace espgw::ike;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView in(data, size);
  auto msg = decode_message(in);
  if (!msg) return 0;
  if (msg->header.encrypted()) {
    // Exercise the decrypted-body path (padding allowed) on the raw body as well.
    Message copy = msg.value();
    if (!decode_decrypted(copy, msg->ciphertext)) return 0;
    msg = std::move(copy);
  }
  for (int k = 0; k <= static_cast<int>(MessageKind::kInformationalClear); ++k)
    (void)check_message(msg.value(), static_cast<MessageKind>(k));
  std::vector<Payload> payloads;
  for (const PayloadEntry& e : msg->payloads) payloads.push_back(e.payload);
  IsakmpHeader h = msg->header;
  h.flags &= static_cast<std::uint8_t>(~kFlagEncryption);
  Bytes again = encode_message(h, payloads);
  auto back = decode_message(again);
  if (!back || back->payloads.size() != payloads.size()) std::abort();
  for (std::size_t i = 0; i < payloads.size(); ++i)
    if (!(back->payloads[i].payload == payloads[i])) std::abort();
  return 0;
}

// libFuzzer target for the ISAKMP decoder (host/ike/message.cpp and payload/): any bytes
// must decode to a value or an error, never crash; whatever decodes must re-encode to a
// message that decodes to the same payloads, and every message_rules table must accept or
// reject it cleanly. The bytes then go to an IkeSaManager as a responder, so Main Mode 1
// handling and IOS-order policy matching see peer-controlled attributes too.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "host/common/scheduler.hpp"
#include "host/ike/ike_sa_manager.hpp"
#include "host/ike/message.hpp"
#include "host/ike/message_rules.hpp"

using namespace espgw::ike;

namespace {

IkeConfig responder_config() {
  IkeConfig c;
  c.local_address = 0x131A748D;
  c.policies = {IsakmpPolicyInput{1, 256, P1Hash::kSha256, DhGroupId::kModp2048, kIsakmpLifetimeDefault},
                IsakmpPolicyInput{2, 128, P1Hash::kSha1, DhGroupId::kEcp256, kIsakmpLifetimeDefault}};
  std::uint8_t key[] = {'c', 'i', 's', 'c', 'o', '1', '2', '3'};
  c.keys.push_back(PreSharedKeyInput{0, 0, espgw::SecretBytes(ByteView(key, sizeof key))});
  c.half_open_total_max = 4;
  return c;
}

void feed_manager(ByteView in) {
  static espgw::ManualScheduler clock;
  static IkeSaManager mgr(responder_config(), clock, IkeCallbacks{[](const Datagram&) {}, [](const auto&) {}, [](auto, auto) {}});
  mgr.receive(Datagram{{0x131A7489, kIkePort}, {0x131A748D, kIkePort}, Bytes(in.begin(), in.end())});
  clock.advance(kHalfOpenTimeout);  // every half-open SA expires: state stays bounded
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView in(data, size);
  feed_manager(in);
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

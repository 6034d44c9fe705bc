// Informational exchange (RFC 2409 section 5.7): one protected message, HASH(1) =
// prf(SKEYID_a, M-ID | N/D), carrying DELETE (ISAKMP or ESP SPIs), INITIAL-CONTACT, DPD and
// error notifies. As a task: build() for the sender, process() for the receiver, which
// verifies the hash and hands the notifies and deletes to the manager.
#pragma once

#include <vector>

#include "host/ike/ike_sa.hpp"
#include "host/ike/task.hpp"

namespace espgw::ike {

class Informational final : public Task {
 public:
  // Sender: the notifies / deletes to protect and send.
  Informational(IkeSa& sa, std::uint32_t message_id, std::vector<Payload> payloads)
      : sa_(sa), message_id_(message_id), payloads_(std::move(payloads)) {}
  // Receiver.
  Informational(IkeSa& sa, std::uint32_t message_id) : sa_(sa), message_id_(message_id) {}

  TaskStatus build(Message& out) override;
  TaskStatus process(const Message& in) override;
  const char* name() const override { return "INFORMATIONAL"; }

  const std::vector<NotifyPayload>& notifies() const { return notifies_; }
  const std::vector<DeletePayload>& deletes() const { return deletes_; }

 private:
  IkeSa& sa_;
  std::uint32_t message_id_;
  std::vector<Payload> payloads_;
  std::vector<NotifyPayload> notifies_;
  std::vector<DeletePayload> deletes_;
};

// DELETE payloads for an ISAKMP SA (SPI = CKY-I | CKY-R) and for ESP inbound SPIs.
DeletePayload delete_isakmp(const IkeSa& sa);
DeletePayload delete_esp(std::uint32_t spi);
// A notify about the ISAKMP SA itself (INITIAL-CONTACT, DPD): SPI = CKY-I | CKY-R.
NotifyPayload isakmp_notify(const IkeSa& sa, NotifyType type, Bytes data = {});

}  // namespace espgw::ike

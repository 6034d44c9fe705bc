// Vendor ID payloads (RFC 2408 section 3.16) as a task riding on Main Mode's first message
// pair: sends the DPD vendor ID (RFC 3706 section 4) and recognises DPD, Cisco Unity,
// XAUTH and the NAT-T IDs (RFC 3947 and the drafts IOS lists) in what the peer sends.
#pragma once

#include <string_view>

#include "host/ike/ike_sa.hpp"
#include "host/ike/task.hpp"

namespace espgw::ike {

// The well-known vendor IDs (MD5 of a string, DPD's with version bytes appended).
enum class KnownVendor { kUnknown, kDpd, kCiscoUnity, kXauth, kNattRfc3947, kNattV2, kNattV2n, kNattV3, kNattV7 };
KnownVendor identify_vendor(ByteView vid);
Bytes vendor_id_bytes(KnownVendor v);
std::string_view vendor_name(KnownVendor v);  // as IOS prints it: "DPD", "NAT-T RFC 3947", "NAT-T v7"

class VendorIdTask final : public Task {
 public:
  VendorIdTask(IkeSa& sa, Role role) : sa_(sa), role_(role) {}
  TaskStatus build(Message& out) override;
  TaskStatus process(const Message& in) override;
  const char* name() const override { return "VENDOR_ID"; }

 private:
  IkeSa& sa_;
  Role role_;
  bool sent_ = false;
};

}  // namespace espgw::ike

// Vendor ID recognition and the DPD announcement (RFC 3706 section 4, RFC 3947 section 3.1).
#include "host/ike/vendor_id.hpp"

#include <array>

#include "host/common/hex.hpp"

namespace espgw::ike {

namespace {
struct Entry {
  KnownVendor vendor;
  std::string_view hex;
  std::string_view name;
  std::size_t compare;  // bytes that must match (Unity/DPD carry version bytes after the prefix)
};
// RFC 3947: MD5("RFC 3947"); drafts: MD5("draft-ietf-ipsec-nat-t-ike-0N"); DPD: RFC 3706.
constexpr std::array kVendors = {
    Entry{KnownVendor::kDpd, "afcad71368a1f1c96b8696fc77570100", "DPD", 16},
    Entry{KnownVendor::kCiscoUnity, "12f5f28c457168a9702d9fe274cc0100", "Unity", 14},
    Entry{KnownVendor::kXauth, "09002689dfd6b712", "XAUTH", 8},
    Entry{KnownVendor::kNattRfc3947, "4a131c81070358455c5728f20e95452f", "NAT-T RFC 3947", 16},
    Entry{KnownVendor::kNattV2n, "90cb80913ebb696e086381b5ec427b1f", "NAT-T v2", 16},
    Entry{KnownVendor::kNattV2, "cd60464335df21f87cfdb2fc68b6a448", "NAT-T v2", 16},
    Entry{KnownVendor::kNattV3, "7d9419a65310ca6f2c179d9215529d56", "NAT-T v3", 16},
    Entry{KnownVendor::kNattV7, "439b59f8ba676c4c7737ae22eab8f582", "NAT-T v7", 16},
};
}  // namespace

KnownVendor identify_vendor(ByteView vid) {
  for (const Entry& e : kVendors) {
    Bytes known = *from_hex(e.hex);
    if (vid.size() >= e.compare && vid.size() <= known.size() + 4 &&
        std::equal(known.begin(), known.begin() + static_cast<std::ptrdiff_t>(e.compare), vid.begin()))
      return e.vendor;
  }
  return KnownVendor::kUnknown;
}

Bytes vendor_id_bytes(KnownVendor v) {
  for (const Entry& e : kVendors)
    if (e.vendor == v) return *from_hex(e.hex);
  return {};
}

std::string_view vendor_name(KnownVendor v) {
  for (const Entry& e : kVendors)
    if (e.vendor == v) return e.name;
  return "unknown";
}

TaskStatus VendorIdTask::build(Message& out) {
  // Vendor IDs go in the first message each side sends (MM1 / MM2).
  if (!sent_) {
    add_payload(out, VendorIdPayload{vendor_id_bytes(KnownVendor::kDpd)});
    sent_ = true;
  }
  return role_ == Role::kResponder ? TaskStatus::kDone : TaskStatus::kNeedMore;
}

TaskStatus VendorIdTask::process(const Message& in) {
  for (const PayloadEntry& e : in.payloads) {
    const auto* vid = std::get_if<VendorIdPayload>(&e.payload);
    if (vid == nullptr) continue;
    sa_.debug(" processing vendor id payload");
    KnownVendor v = identify_vendor(vid->data);
    if (v == KnownVendor::kDpd) sa_.peer_supports_dpd = true;
    if (v == KnownVendor::kUnknown) sa_.debug(" vendor ID is unknown");
    else sa_.debug(" vendor ID is {}", vendor_name(v));
  }
  return role_ == Role::kInitiator ? TaskStatus::kDone : TaskStatus::kNeedMore;
}

}  // namespace espgw::ike

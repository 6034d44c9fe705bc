// The Vendor ID payload (RFC 2408 section 3.16; usually an MD5 hash of a vendor string): opaque data bytes after the generic header.
// ! Next Payload  !   RESERVED    !         Payload Length        !
// ~                       Vendor ID Data                               ~
#pragma once

#include "host/ike/ike_constants.hpp"
#include "host/ike/payload/wire.hpp"

namespace espgw::ike {

struct VendorIdPayload {
  static constexpr PayloadType kType = PayloadType::kVendorId;
  static constexpr std::size_t kMinSize = 1;
  static constexpr std::size_t kMaxSize = 256;
  Bytes data;

  static Decoded<VendorIdPayload> decode(ByteView body, std::size_t base);
  void encode_body(Bytes& out) const { out.insert(out.end(), data.begin(), data.end()); }
  friend bool operator==(const VendorIdPayload&, const VendorIdPayload&) = default;
};

}  // namespace espgw::ike

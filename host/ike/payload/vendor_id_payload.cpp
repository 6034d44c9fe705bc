// Vendor ID payload codec (RFC 2408 section 3.16; usually an MD5 hash of a vendor string).
#include "host/ike/payload/vendor_id_payload.hpp"

namespace espgw::ike {

Decoded<VendorIdPayload> VendorIdPayload::decode(ByteView body, std::size_t base) {
  if (body.size() < kMinSize) return DecodeError{base, "Vendor ID data too short"};
  if (body.size() > kMaxSize) return DecodeError{base, "Vendor ID data too long"};
  return VendorIdPayload{Bytes(body.begin(), body.end())};
}

}  // namespace espgw::ike

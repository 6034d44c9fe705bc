// R-U-THERE / R-U-THERE-ACK encoding (RFC 3706 section 5).
#include "host/ike/dpd.hpp"

#include "host/ike/informational.hpp"

namespace espgw::ike {

NotifyPayload dpd_notify(const IkeSa& sa, NotifyType type, std::uint32_t seq) {
  Bytes data;
  Writer(data).u32(seq);
  return isakmp_notify(sa, type, std::move(data));
}

std::optional<std::uint32_t> dpd_sequence(const IkeSa& sa, const NotifyPayload& n) {
  if (n.type != NotifyType::kDpdRUThere && n.type != NotifyType::kDpdRUThereAck) return std::nullopt;
  if (n.data.size() != 4 || n.spi.size() != 16) return std::nullopt;
  // RFC 3706 section 5.1: the SPI field is CKY-I | CKY-R of the ISAKMP SA.
  if (!std::equal(sa.cky_i.begin(), sa.cky_i.end(), n.spi.begin()) ||
      !std::equal(sa.cky_r.begin(), sa.cky_r.end(), n.spi.begin() + kCookieSize))
    return std::nullopt;
  return static_cast<std::uint32_t>(n.data[0]) << 24 | static_cast<std::uint32_t>(n.data[1]) << 16 |
         static_cast<std::uint32_t>(n.data[2]) << 8 | n.data[3];
}

}  // namespace espgw::ike

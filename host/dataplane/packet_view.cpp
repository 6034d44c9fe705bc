// IPv4 header parsing for the SPD (RFC 791) and the header checksum.
#include "host/dataplane/packet_view.hpp"

#include "host/common/byte_order.hpp"

namespace espgw::dataplane {


std::optional<FiveTuple> parse_five_tuple(std::span<const std::uint8_t> packet) {
  if (packet.size() < 20) return std::nullopt;
  const std::uint8_t* p = packet.data();
  if ((p[0] >> 4) != 4) return std::nullopt;
  const std::size_t ihl = (p[0] & 0x0F) * 4u;
  if (ihl < 20 || ihl > packet.size()) return std::nullopt;
  const std::size_t total = be16(p + 2);
  if (total < ihl || total > packet.size()) return std::nullopt;
  FiveTuple t;
  t.protocol = p[9];
  t.src = be32(p + 12);
  t.dst = be32(p + 16);
  const bool first_fragment = (be16(p + 6) & 0x1FFF) == 0;
  if (first_fragment && (t.protocol == kProtoTcp || t.protocol == kProtoUdp) && total >= ihl + 4) {
    t.src_port = be16(p + ihl);
    t.dst_port = be16(p + ihl + 2);
    t.has_ports = true;
  } else if (first_fragment && t.protocol == kProtoIcmp && total >= ihl + 2) {
    t.icmp_type = p[ihl];
    t.icmp_code = p[ihl + 1];
    t.has_icmp = true;
  }
  return t;
}

std::uint16_t ipv4_checksum(std::span<const std::uint8_t> header) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i + 1 < header.size(); i += 2) sum += be16(header.data() + i);
  if (header.size() % 2) sum += std::uint32_t{header.back()} << 8;
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

}  // namespace espgw::dataplane

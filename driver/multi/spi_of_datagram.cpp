// spi_of_datagram(): where the SPI sits in an outer IPv4 datagram (RFC 791 header length,
// RFC 4303 2.1 for ESP, RFC 3948 2.1 for ESP in UDP).
#include "driver/multi/spi_of_datagram.hpp"

namespace espgw::driver::multi {
namespace {

constexpr std::size_t kIpv4MinHeader = 20;
constexpr std::size_t kUdpHeader = 8;
constexpr std::uint8_t kProtoEsp = 50;
constexpr std::uint8_t kProtoUdp = 17;

std::uint32_t load_be32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}

}  // namespace

std::optional<std::uint32_t> spi_of_datagram(std::span<const std::uint8_t> d) {
  if (d.size() < kIpv4MinHeader || (d[0] >> 4) != 4) return std::nullopt;
  const std::size_t ihl = (d[0] & 0x0Fu) * 4u;
  if (ihl < kIpv4MinHeader) return std::nullopt;
  std::size_t at = ihl;
  if (d[9] == kProtoUdp) {
    // Every UDP port, not only 4500: SaConfig::udp_encap names the ports and the units'
    // own parsers accept any, so routing on 4500 alone would send a valid packet on another
    // port to a unit that does not hold its SA.
    at += kUdpHeader;
  } else if (d[9] != kProtoEsp) {
    return std::nullopt;
  }
  if (d.size() < at + 4) return std::nullopt;
  const std::uint32_t spi = load_be32(d.data() + at);
  if (spi == 0) return std::nullopt;  // RFC 4303 2.1: SPI 0 is never on the wire; in UDP it is the IKE marker
  return spi;
}

}  // namespace espgw::driver::multi

// spi_of_datagram(): the SPI of raw ESP (RFC 4303 2.1) and ESP in UDP (RFC 3948 2.1), and
// nothing for bytes that cannot carry one (IKE's non-ESP marker, truncation, other protocols).
#include "driver/multi/spi_of_datagram.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace espgw::driver::multi::test {
namespace {

std::vector<std::uint8_t> datagram(std::uint8_t protocol, std::size_t size) {
  std::vector<std::uint8_t> d(size, 0);
  d[0] = 0x45;
  d[9] = protocol;
  return d;
}

TEST(SpiOfDatagram, RawEspSpiFollowsTheIpHeaderIncludingOptions) {
  auto d = datagram(50, 40);
  d[20] = 0x01, d[21] = 0x02, d[22] = 0x03, d[23] = 0x04;
  EXPECT_EQ(spi_of_datagram(d), 0x01020304u);
  d[0] = 0x46;  // 24-byte header
  d[24] = 0xAA, d[25] = 0xBB, d[26] = 0xCC, d[27] = 0xDD;
  EXPECT_EQ(spi_of_datagram(d), 0xAABBCCDDu);
}

TEST(SpiOfDatagram, UdpEncapsulatedSpiFollowsTheUdpHeader) {
  auto d = datagram(17, 40);
  d[28] = 0x00, d[29] = 0x00, d[30] = 0x10, d[31] = 0x01;
  EXPECT_EQ(spi_of_datagram(d), 0x1001u);
}

TEST(SpiOfDatagram, NonEspMarkerTruncationAndOtherProtocolsHaveNoSpi) {
  EXPECT_FALSE(spi_of_datagram(datagram(17, 40)));  // four zero bytes: IKE
  EXPECT_FALSE(spi_of_datagram(datagram(50, 23)));
  EXPECT_FALSE(spi_of_datagram(datagram(17, 31)));
  EXPECT_FALSE(spi_of_datagram(datagram(6, 40)));
  auto v6 = datagram(50, 40);
  v6[0] = 0x65;
  v6[20] = 1;
  EXPECT_FALSE(spi_of_datagram(v6));
  auto short_ihl = datagram(50, 40);
  short_ihl[0] = 0x44;
  short_ihl[20] = 1;
  EXPECT_FALSE(spi_of_datagram(short_ihl));
  EXPECT_FALSE(spi_of_datagram({}));
}

}  // namespace
}  // namespace espgw::driver::multi::test

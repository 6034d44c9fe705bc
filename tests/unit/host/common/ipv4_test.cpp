#include "host/common/ipv4.hpp"

#include <gtest/gtest.h>

namespace espgw {

TEST(Ipv4, ParsesAndFormatsTheReferenceAddresses) {
  EXPECT_EQ(parse_ipv4("19.26.116.141"), 0x131A748Du);
  EXPECT_EQ(format_ipv4(0xC0A81419u), "192.168.20.25");
}

TEST(Ipv4, RejectsMalformedText) {
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3", "1.2.3.4 ", "a.b.c.d", "1.2.3.0004"}) {
    EXPECT_FALSE(parse_ipv4(bad).has_value()) << bad;
  }
}

TEST(Ipv4, KnowsNetmasksFromWildcards) {
  EXPECT_EQ(netmask_prefix_length(0xFFFFFFC0u), 26);
  EXPECT_EQ(netmask_prefix_length(0xFFFF00FFu), -1);
  EXPECT_EQ(prefix_to_netmask(23), 0xFFFFFE00u);
  EXPECT_EQ(prefix_to_netmask(0), 0u);
}

}  // namespace espgw

#include "espgw/driver/secret_bytes.hpp"

#include <gtest/gtest.h>

namespace espgw {

TEST(SecretBytes, ParsesHexAndRejectsGarbage) {
  SecretBytes k;
  ASSERT_TRUE(SecretBytes::from_hex("00ff10Ab", &k));
  ASSERT_EQ(k.size(), 4u);
  EXPECT_EQ(k.view()[1], 0xFF);
  EXPECT_EQ(k.view()[3], 0xAB);
  EXPECT_FALSE(SecretBytes::from_hex("abc", &k));
  EXPECT_TRUE(k.empty());
  EXPECT_FALSE(SecretBytes::from_hex("zz", &k));
}

TEST(SecretBytes, MoveLeavesTheSourceEmptyAndEqualityComparesContents) {
  SecretBytes a;
  ASSERT_TRUE(SecretBytes::from_hex("0102", &a));
  SecretBytes copy = a;
  EXPECT_TRUE(copy == a);
  SecretBytes b = std::move(a);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): the contract under test
  EXPECT_TRUE(b == copy);
}

}  // namespace espgw

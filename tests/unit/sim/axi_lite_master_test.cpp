// AxiLiteMaster against the probe DUT: data, byte strobes, one AR per read (side effects),
// error responses, and bounded waits that name the stalled channel.
#include <gtest/gtest.h>

#include "probe_fixture.hpp"

namespace espgw::sim::test {
namespace {

TEST(AxiLiteMaster, ReadsTheProbeIdentity) {
  ProbeBench b;
  EXPECT_EQ(b.master.read32(probe::kId), probe::kIdValue);
}

TEST(AxiLiteMaster, WritesReadBackPerRegister) {
  ProbeBench b;
  b.master.write32(probe::kScratch0, 0x01234567);
  b.master.write32(probe::kScratch1, 0x89ABCDEF);
  EXPECT_EQ(b.master.read32(probe::kScratch0), 0x01234567u);
  EXPECT_EQ(b.master.read32(probe::kScratch1), 0x89ABCDEFu);
}

TEST(AxiLiteMaster, WrittenDataDoesNotStayOnThePins) {
  ProbeBench b;
  b.master.write32(probe::kScratch0, 0x5EC12E7);
  EXPECT_EQ(b.model->s_axi_control_wdata, 0u);
  EXPECT_EQ(b.master.read32(probe::kScratch0), 0x5EC12E7u);
}

TEST(AxiLiteMaster, ByteStrobesWriteOnlyTheirBytes) {
  ProbeBench b;
  b.master.write32(probe::kScratch0, 0x11223344);
  b.master.write32(probe::kScratch0, 0xAABBCCDD, 0b0101);
  EXPECT_EQ(b.master.read32(probe::kScratch0), 0x11BB33DDu);
  b.master.write32(probe::kScratch0, 0xFFFFFFFF, 0);
  EXPECT_EQ(b.master.read32(probe::kScratch0), 0x11BB33DDu);
}

TEST(AxiLiteMaster, EachReadIsExactlyOneBusReadOfASideEffectRegister) {
  ProbeBench b;
  for (std::uint32_t i = 0; i < 5; ++i) EXPECT_EQ(b.master.read32(probe::kPop), i);
}

TEST(AxiLiteMaster, SlaveErrorsRaiseWithOffsetAndResponse) {
  ProbeBench b;
  try {
    b.master.read32(0x400);
    FAIL() << "SLVERR read returned";
  } catch (const AxiResponseError& e) {
    EXPECT_NE(std::string(e.what()).find("read at 0x400 answered SLVERR"), std::string::npos) << e.what();
  }
  EXPECT_THROW(b.master.write32(0x404, 1), AxiResponseError);
  EXPECT_EQ(b.master.read32(probe::kId), probe::kIdValue);  // the bus is usable afterwards
}

TEST(AxiLiteMaster, RefusesOffsetsOutsideTheWordAlignedWindow) {
  ProbeBench b;
  EXPECT_THROW(b.master.read32(0x002), std::out_of_range);
  EXPECT_THROW(b.master.write32(0x1000, 0), std::out_of_range);
}

TEST(AxiLiteMaster, WaitsOutASlowSlave) {
  ProbeBench b;
  b.master.read32(probe::kId);
  const std::uint64_t fast = b.master.last_access_cycles();
  b.master.write32(probe::kStall, 40);
  b.master.read32(probe::kId);  // held off 40 cycles after the previous response
  EXPECT_GE(b.master.last_access_cycles(), fast + 35);
  EXPECT_EQ(b.master.read32(probe::kStall), 40u);
}

TEST(AxiLiteMaster, HungSlaveIsATimeoutNamingTheChannel) {
  ProbeBench b({}, 500);
  b.master.write32(probe::kStall, 1000000);
  try {
    b.master.read32(probe::kId);
    FAIL() << "a stalled read returned";
  } catch (const SimTimeout& e) {
    EXPECT_NE(std::string(e.what()).find("AR (no ARREADY)"), std::string::npos) << e.what();
  }
  const std::uint64_t before = b.clock.cycles();
  EXPECT_THROW(b.master.write32(probe::kScratch0, 1), SimTimeout);
  EXPECT_EQ(b.clock.cycles() - before, 500u);  // bounded by the budget, not by the DUT
}

}  // namespace
}  // namespace espgw::sim::test

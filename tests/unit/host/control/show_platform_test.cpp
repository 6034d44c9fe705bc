// `show platform` names the ESP engine and its SA table size; what a backend cannot know
// (xclbin UUID, kernel clock on cpu) reads "n/a (backend X)", and is null in JSON.
#include "host/control/show_platform.hpp"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace espgw::control {
namespace {

std::string golden(const std::string& name) {
  std::ifstream f(std::string(ESPGW_GOLDEN_DIR) + "/" + name);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

PlatformView cpu_view() {
  PlatformView v;
  v.backend = "cpu";
  v.device = "cpu: intel-ipsec-mb 1.3.0 (avx512)";
  v.provider = "intel-ipsec-mb";
  v.sa_capacity = 4096;
  v.max_replay_window = 1024;
  v.sas_installed = 2;
  return v;
}

TEST(ShowPlatform, CpuBackendMatchesGoldenWithNaForXclbinAndClock) {
  const auto expected = golden("show_platform_cpu.txt");
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(render_platform(cpu_view()), expected);
}

TEST(ShowPlatform, XrtBackendPrintsUuidAndClock) {
  PlatformView v = cpu_view();
  v.backend = "xrt";
  v.device = "xrt: device 0000:65:00.1";
  v.provider = "espgw ESP kernel 1.0 (id 0x45535047)";
  v.xclbin_uuid = "1c2b3a4d-0000-4000-8000-00000000abcd";
  v.kernel_clock_mhz = 300;
  const auto text = render_platform(v);
  EXPECT_NE(text.find("ESP engine        : xrt\n"), std::string::npos);
  EXPECT_NE(text.find("Xclbin UUID       : 1c2b3a4d-0000-4000-8000-00000000abcd\n"), std::string::npos);
  EXPECT_NE(text.find("Kernel clock      : 300 MHz\n"), std::string::npos);
  EXPECT_EQ(text.find("n/a"), std::string::npos);
}

TEST(ShowPlatform, JsonUsesNullForUnknownFields) {
  const auto j = platform_json(cpu_view());
  EXPECT_EQ(j["backend"], "cpu");
  EXPECT_EQ(j["provider"], "intel-ipsec-mb");
  EXPECT_TRUE(j["xclbin_uuid"].is_null());
  EXPECT_TRUE(j["kernel_clock_mhz"].is_null());
  EXPECT_EQ(j["sa_capacity"], 4096);
  EXPECT_EQ(j["sas_installed"], 2);
  EXPECT_EQ(j["max_replay_window"], 1024);
}

}  // namespace
}  // namespace espgw::control

// `show platform` names the ESP engine and its SA table size; what a backend cannot know
// (xclbin UUID, kernel clock on cpu, sim, hls) reads "n/a (backend X)", and is null in
// JSON; on xrt both come from DeviceInfo.
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

// The DeviceInfo an xrt device reports (HwDevice over driver/xrt's transport).
driver::DeviceInfo xrt_info() {
  driver::DeviceInfo i;
  i.backend = "xrt";
  i.device = "xrt: device 0000:65:00.1 (esp.xclbin), kernel esp_top:esp_top_1 (bank 0, RTL, xrt::ip)";
  i.provider = "espgw ESP kernel 1.0 (id 0x45535047)";
  i.sa_capacity = 4096;
  i.max_replay_window = 1024;
  i.xclbin_uuid = "1c2b3a4d-0000-4000-8000-00000000abcd";
  i.kernel_clock_mhz = 300;
  return i;
}

TEST(ShowPlatform, XrtDeviceInfoRendersGoldenWithUuidAndClock) {
  const auto expected = golden("show_platform_xrt.txt");
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(render_platform(platform_view(xrt_info(), 2)), expected);
}

TEST(ShowPlatform, XrtDeviceInfoJsonCarriesUuidAndClock) {
  const auto j = platform_json(platform_view(xrt_info(), 2));
  EXPECT_EQ(j["xclbin_uuid"], "1c2b3a4d-0000-4000-8000-00000000abcd");
  EXPECT_EQ(j["kernel_clock_mhz"], 300);
  EXPECT_EQ(j["sas_installed"], 2);
}

TEST(ShowPlatform, HlsDeviceInfoWithoutXclbinPrintsNa) {
  driver::DeviceInfo i = xrt_info();
  i.backend = "hls";
  i.xclbin_uuid.clear();
  i.kernel_clock_mhz = 0;
  const auto text = render_platform(platform_view(i, 0));
  EXPECT_NE(text.find("Xclbin UUID       : n/a (backend hls)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Kernel clock      : n/a (backend hls)\n"), std::string::npos) << text;
  EXPECT_TRUE(platform_json(platform_view(i, 0))["kernel_clock_mhz"].is_null());
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

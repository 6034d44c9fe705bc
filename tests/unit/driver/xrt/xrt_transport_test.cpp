// driver/xrt without a card (this machine, CI): `--backend xrt` fails with one clear
// std::runtime_error whether or not XILINX_XRT is set, with one or several compute units,
// and `auto` falls back to cpu (N cpu units for --compute-units N).
// XRT reads its environment per call, so each case sets it and restores it; a temporary
// XILINX_XRT root stands in for /opt/xilinx/xrt.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include "espgw/driver/esp_device.hpp"

namespace espgw::driver {
namespace {

// Sets (or unsets) one environment variable for the scope of a test.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value)
      ::setenv(name, value, 1);
    else
      ::unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// An XILINX_XRT root as setup.sh would make it: lib/ holding XRT's shim libraries (Debian
// keeps them in the multiarch directory), so XRT gets as far as looking for a card.
class XrtRoot {
 public:
  XrtRoot() {
    char tmpl[] = "/tmp/espgw-xrt-XXXXXX";
    root_ = ::mkdtemp(tmpl);
    std::filesystem::create_directory(root_ / "lib");
    for (const char* lib : {"libxrt_core.so.2", "libxrt_swemu.so.2", "libxrt_hwemu.so.2"}) {
      const std::filesystem::path real = std::filesystem::path("/usr/lib/x86_64-linux-gnu") / lib;
      if (std::filesystem::exists(real)) std::filesystem::create_symlink(real, root_ / "lib" / lib);
    }
  }
  ~XrtRoot() { std::filesystem::remove_all(root_); }
  std::string path() const { return root_.string(); }

 private:
  std::filesystem::path root_;
};

std::string open_error(const DeviceOptions& o) {
  try {
    make_device(o);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(XrtTransport, WithoutXilinxXrtBackendXrtFailsWithOneClearMessage) {
  ScopedEnv xrt("XILINX_XRT", nullptr);
  ScopedEnv emu("XCL_EMULATION_MODE", nullptr);
  DeviceOptions o;
  o.backend = "xrt";
  const std::string msg = open_error(o);
  EXPECT_NE(msg.find("xrt: no usable Alveo card '0'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("XILINX_XRT not set"), std::string::npos) << msg;
  EXPECT_EQ(msg.find('\n'), std::string::npos) << "one line: " << msg;
}

TEST(XrtTransport, WithXilinxXrtSetButNoCardBackendXrtFailsWithOneClearMessage) {
  XrtRoot root;
  ScopedEnv xrt("XILINX_XRT", root.path().c_str());
  ScopedEnv emu("XCL_EMULATION_MODE", nullptr);
  DeviceOptions o;
  o.backend = "xrt";
  o.device = "0";
  const std::string msg = open_error(o);
  EXPECT_NE(msg.find("xrt: no usable Alveo card '0' (0 Alveo device(s) found"), std::string::npos) << msg;
}

TEST(XrtTransport, EmulationModeIsNotTakenForACard) {
  XrtRoot root;
  ScopedEnv xrt("XILINX_XRT", root.path().c_str());
  ScopedEnv emu("XCL_EMULATION_MODE", "sw_emu");
  DeviceOptions o;
  o.backend = "xrt";
  const std::string msg = open_error(o);
  EXPECT_EQ(msg.rfind("xrt: ", 0), 0u) << msg;
}

TEST(XrtTransport, BdfThatDoesNotExistFailsWithOneClearMessage) {
  XrtRoot root;
  ScopedEnv xrt("XILINX_XRT", root.path().c_str());
  DeviceOptions o;
  o.backend = "xrt";
  o.device = "0000:65:00.1";
  const std::string msg = open_error(o);
  EXPECT_NE(msg.find("xrt: no usable Alveo card '0000:65:00.1'"), std::string::npos) << msg;
}

TEST(XrtTransport, WithAnXclbinGivenTheMissingCardIsStillWhatIsReported) {
  ScopedEnv xrt("XILINX_XRT", nullptr);
  DeviceOptions o;
  o.backend = "xrt";
  o.xclbin = "/nonexistent/esp_top.u250.hw.xclbin";
  const std::string msg = open_error(o);
  EXPECT_EQ(msg.rfind("xrt: no usable Alveo card '0'", 0), 0u) << msg;
  EXPECT_EQ(msg.find("xclbin"), std::string::npos) << "the card is the first thing missing: " << msg;
}

TEST(XrtTransport, AutoFallsBackToCpuWithoutACard) {
  XrtRoot root;
  for (const char* value : {static_cast<const char*>(nullptr), root.path().c_str()}) {
    ScopedEnv xrt("XILINX_XRT", value);
    DeviceOptions o;
    o.backend = "auto";
    auto dev = make_device(o);
    ASSERT_NE(dev, nullptr);
    EXPECT_EQ(dev->info().backend, "cpu");
  }
}

TEST(XrtTransport, ThreeComputeUnitsWithoutACardFailWithTheNoCardLine) {
  XrtRoot root;
  for (const char* value : {static_cast<const char*>(nullptr), root.path().c_str()}) {
    ScopedEnv xrt("XILINX_XRT", value);
    ScopedEnv emu("XCL_EMULATION_MODE", nullptr);
    DeviceOptions o;
    o.backend = "xrt";
    o.xclbin = "/nonexistent/esp_top.u250_gcm3.hw.xclbin";
    o.compute_units = 3;
    const std::string msg = open_error(o);
    EXPECT_EQ(msg.rfind("xrt: no usable Alveo card '0' (", 0), 0u) << msg;
    EXPECT_EQ(msg.find("not built yet"), std::string::npos) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << "one line: " << msg;
  }
}

TEST(XrtTransport, AutoWithThreeComputeUnitsFallsBackToThreeCpuUnits) {
  XrtRoot root;
  for (const char* value : {static_cast<const char*>(nullptr), root.path().c_str()}) {
    ScopedEnv xrt("XILINX_XRT", value);
    DeviceOptions o;
    o.backend = "auto";
    o.compute_units = 3;
    ::testing::internal::CaptureStderr();
    auto dev = make_device(o);
    const std::string log = ::testing::internal::GetCapturedStderr();
    ASSERT_NE(dev, nullptr);
    // The card is probed once for the three units, so the fallback is logged once.
    const std::string line = "espgw: backend auto: no usable Alveo card (";
    EXPECT_EQ(log.rfind(line, 0), 0u) << log;
    EXPECT_EQ(log.find(line, 1), std::string::npos) << log;
    const DeviceInfo info = dev->info();
    EXPECT_EQ(info.backend, "cpux3");
    EXPECT_EQ(info.sa_capacity, 3 * o.sa_capacity);
  }
}

}  // namespace
}  // namespace espgw::driver

// driver/xrt's xclbin inspection and kernel choice, without a card: xclbin files built
// here byte by byte in the axlf layout of XRT's xclbin.h (header, IP_LAYOUT,
// CLOCK_FREQ_TOPOLOGY) and parsed by XRT's own xrt::xclbin, as on a card.
#include "driver/xrt/xclbin_info.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

#include "xrt/xclbin.h"

namespace espgw::driver::xrt {
namespace {

struct Clock {
  std::uint16_t mhz;
  std::uint8_t type;  // CT_DATA, CT_KERNEL, CT_SYSTEM
  const char* name;
};

// An axlf with the given IP_LAYOUT entries (name, IP type) and clocks; uuid bytes 0x00, 0x11, ...
std::vector<char> make_xclbin(const std::vector<std::pair<std::string, IP_TYPE>>& ips, const std::vector<Clock>& clocks) {
  const int sections = clocks.empty() ? 1 : 2;
  const std::size_t head = sizeof(axlf) + (sections - 1) * sizeof(axlf_section_header);
  const std::size_t ip_bytes = sizeof(ip_layout) + (ips.empty() ? 0 : (ips.size() - 1) * sizeof(ip_data));
  const std::size_t clock_bytes = clocks.empty() ? 0 : sizeof(clock_freq_topology) + (clocks.size() - 1) * sizeof(clock_freq);
  std::vector<char> buf(head + ip_bytes + clock_bytes + 64, 0);
  auto* top = reinterpret_cast<axlf*>(buf.data());
  std::memcpy(top->m_magic, "xclbin2", 8);
  top->m_signature_length = -1;
  std::memset(top->reserved, 0xFF, sizeof top->reserved);
  top->m_header.m_versionMajor = 2;
  top->m_header.m_numSections = static_cast<std::uint32_t>(sections);
  top->m_header.m_length = buf.size();
  for (int i = 0; i < 16; ++i) top->m_header.uuid[i] = static_cast<unsigned char>(i * 0x11);

  auto* ipl = reinterpret_cast<ip_layout*>(buf.data() + head);
  ipl->m_count = static_cast<std::int32_t>(ips.size());
  for (std::size_t i = 0; i < ips.size(); ++i) {
    ip_data& d = ipl->m_ip_data[i];
    d.m_type = ips[i].second;
    d.m_base_address = 0x1800000 + 0x10000 * i;
    std::strncpy(reinterpret_cast<char*>(d.m_name), ips[i].first.c_str(), sizeof d.m_name - 1);
  }
  top->m_sections[0].m_sectionKind = IP_LAYOUT;
  top->m_sections[0].m_sectionOffset = head;
  top->m_sections[0].m_sectionSize = ip_bytes;
  if (!clocks.empty()) {
    auto* topo = reinterpret_cast<clock_freq_topology*>(buf.data() + head + ip_bytes);
    topo->m_count = static_cast<std::int16_t>(clocks.size());
    for (std::size_t i = 0; i < clocks.size(); ++i) {
      clock_freq& c = topo->m_clock_freq[i];
      c.m_freq_Mhz = clocks[i].mhz;
      c.m_type = clocks[i].type;
      std::strncpy(c.m_name, clocks[i].name, sizeof c.m_name - 1);
    }
    top->m_sections[1].m_sectionKind = CLOCK_FREQ_TOPOLOGY;
    top->m_sections[1].m_sectionOffset = head + ip_bytes;
    top->m_sections[1].m_sectionSize = clock_bytes;
  }
  return buf;
}

class TempFile {
 public:
  explicit TempFile(const std::vector<char>& bytes) {
    char tmpl[] = "/tmp/espgw-xclbin-XXXXXX";
    const int fd = ::mkstemp(tmpl);
    ::close(fd);
    path_ = tmpl;
    std::ofstream(path_, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  ~TempFile() { std::filesystem::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

const std::vector<Clock> kU250Clocks = {{300, CT_DATA, "DATA_CLK"}, {500, CT_KERNEL, "KERNEL_CLK"}};

TEST(XrtKernelChoice, EspTopIsTheRtlFlavourDrivenThroughXrtIp) {
  const KernelChoice c = choose_kernel({"esp_top:esp_top_1"});
  EXPECT_EQ(c.flavour, KernelFlavour::kRtl);
  EXPECT_EQ(c.name, "esp_top");
}

TEST(XrtKernelChoice, EspKernelIsTheHlsFlavourDrivenThroughXrtKernel) {
  const KernelChoice c = choose_kernel({"esp_kernel:esp_kernel_1"});
  EXPECT_EQ(c.flavour, KernelFlavour::kHls);
  EXPECT_EQ(c.name, "esp_kernel");
}

TEST(XrtKernelChoice, BothKernelsPresentPicksTheRtlOne) {
  EXPECT_EQ(choose_kernel({"esp_kernel:esp_kernel_1", "esp_top:esp_top_1"}).flavour, KernelFlavour::kRtl);
}

TEST(XrtKernelChoice, NeitherKernelFailsNamingWhatTheXclbinHolds) {
  const std::string msg = error_of([] { choose_kernel({"vadd:vadd_1", "esp_top_x:esp_top_x_1"}); });
  EXPECT_NE(msg.find("kernel not found"), std::string::npos) << msg;
  EXPECT_NE(msg.find("vadd:vadd_1, esp_top_x:esp_top_x_1"), std::string::npos) << msg;
  EXPECT_NE(error_of([] { choose_kernel({}); }).find("no kernels"), std::string::npos);
}

TEST(XrtXclbinInfo, RtlXclbinGivesUuidDataClockAndTheRtlKernel) {
  TempFile f(make_xclbin({{"esp_top:esp_top_1", IP_KERNEL}, {"HBM[0]", IP_MEM_DDR4}}, kU250Clocks));
  const XclbinInfo info = inspect_xclbin_file(f.path());
  EXPECT_EQ(info.uuid, "00112233-4455-6677-8899-aabbccddeeff");
  EXPECT_EQ(info.kernel_clock_mhz, 300u);  // ap_clk is the DATA clock, not KERNEL_CLK
  EXPECT_EQ(info.cu_names, std::vector<std::string>{"esp_top:esp_top_1"});
  EXPECT_EQ(info.kernel.flavour, KernelFlavour::kRtl);
}

TEST(XrtXclbinInfo, HlsXclbinPicksTheHlsKernel) {
  TempFile f(make_xclbin({{"esp_kernel:esp_kernel_1", IP_KERNEL}}, kU250Clocks));
  const XclbinInfo info = inspect_xclbin_file(f.path());
  EXPECT_EQ(info.kernel.flavour, KernelFlavour::kHls);
  EXPECT_EQ(info.kernel.name, "esp_kernel");
}

TEST(XrtXclbinInfo, KernelClockFallsBackToKernelClkAndIsZeroWithoutClocks) {
  TempFile only_kernel(make_xclbin({{"esp_top:esp_top_1", IP_KERNEL}}, {{450, CT_KERNEL, "KERNEL_CLK"}}));
  EXPECT_EQ(inspect_xclbin_file(only_kernel.path()).kernel_clock_mhz, 450u);
  TempFile none(make_xclbin({{"esp_top:esp_top_1", IP_KERNEL}}, {}));
  EXPECT_EQ(inspect_xclbin_file(none.path()).kernel_clock_mhz, 0u);
}

TEST(XrtXclbinInfo, ForeignXclbinFailsNamingThePathAndItsKernels) {
  TempFile f(make_xclbin({{"vadd:vadd_1", IP_KERNEL}}, kU250Clocks));
  const std::string msg = error_of([&] { inspect_xclbin_file(f.path()); });
  EXPECT_NE(msg.find("xrt: '" + f.path() + "': kernel not found"), std::string::npos) << msg;
  EXPECT_NE(msg.find("vadd:vadd_1"), std::string::npos) << msg;
}

TEST(XrtXclbinInfo, MissingOrGarbageFileFailsWithOneLine) {
  const std::string missing = error_of([] { inspect_xclbin_file("/nonexistent/esp.xclbin"); });
  EXPECT_EQ(missing.rfind("xrt: cannot read xclbin '/nonexistent/esp.xclbin': ", 0), 0u) << missing;
  TempFile garbage(std::vector<char>(1024, 'x'));
  const std::string bad = error_of([&] { inspect_xclbin_file(garbage.path()); });
  EXPECT_EQ(bad.rfind("xrt: cannot read xclbin '" + garbage.path() + "': ", 0), 0u) << bad;
  EXPECT_EQ(bad.find('\n'), std::string::npos) << bad;
}

}  // namespace
}  // namespace espgw::driver::xrt

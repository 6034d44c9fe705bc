// What driver/xrt needs to know about an xclbin before it talks to a card: its UUID, the
// kernel's clock, and which of espgw's two kernels it carries (the RTL esp_top, driven
// through xrt::ip; the HLS esp_kernel, driven through xrt::kernel command lists), and that
// kernel's compute units with each one's memory bank. Read with XRT's own parser
// (xrt::xclbin), which works without a card, so this is unit-tested here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace xrt {
class xclbin;
}

namespace espgw::driver::xrt {

enum class KernelFlavour {
  kRtl,  // esp_top: user-managed RTL kernel, regmap registers at the CU's own offsets (xrt::ip)
  kHls,  // esp_kernel: HLS kernel, ap_ctrl_hs, one command list per xrt::run
};

inline constexpr const char* kRtlKernelName = "esp_top";
inline constexpr const char* kHlsKernelName = "esp_kernel";

struct KernelChoice {
  KernelFlavour flavour = KernelFlavour::kRtl;
  std::string name;  // the kernel name to open (xrt::ip / xrt::kernel)
};

// Picks the kernel from the xclbin's compute-unit names ("kernel:instance" or "kernel"):
// esp_top if present (the throughput kernel), else esp_kernel. Throws std::runtime_error
// naming what the xclbin does hold when it has neither.
KernelChoice choose_kernel(const std::vector<std::string>& cu_names);

// One compute unit of the chosen kernel (v++ --connectivity.nk=esp_top:3 makes three).
struct ComputeUnit {
  std::string name;      // IP_LAYOUT name, "esp_top:esp_top_2": what xrt::ip opens
  std::string instance;  // "esp_top_2"
  // Memory group (bank index) this CU's AXI4 master (m_axi_gmem) is connected to, from the
  // xclbin's CONNECTIVITY (the link's sp= line); -1 when the xclbin does not say.
  int bank = -1;
  // The name xrt::kernel opens exactly this CU by: "esp_kernel:{esp_kernel_2}".
  std::string kernel_selector() const;
};

struct XclbinInfo {
  std::string uuid;                    // xrt::uuid::to_string(), lower-case with dashes
  std::vector<std::string> cu_names;   // IP_LAYOUT kernel entries of every kernel, as XRT names them
  std::uint32_t kernel_clock_mhz = 0;  // 0 when the xclbin has no clock section
  KernelChoice kernel;
  // The chosen kernel's CUs in IP_LAYOUT order (the order v++ wrote them, fixed for one
  // xclbin file), so compute unit k in espd and in show output is the same CU on every run.
  // Never empty: choose_kernel found at least one.
  std::vector<ComputeUnit> cus;
};

// Reads an xclbin already parsed by XRT. Throws std::runtime_error (choose_kernel's).
XclbinInfo inspect_xclbin(const ::xrt::xclbin& xclbin);
// Reads and parses the file; every failure becomes one std::runtime_error line naming it.
XclbinInfo inspect_xclbin_file(const std::string& path);

// The first `count` CUs of info.cus (compute unit k is cus[k]). Throws std::runtime_error
// naming the count asked for, the count the xclbin has and the CU names when it has fewer.
std::vector<ComputeUnit> select_compute_units(const XclbinInfo& info, std::uint32_t count,
                                              const std::string& xclbin_path);

// How driver/xrt opens one CU: the name it hands XRT and the bank of the CU's DMA buffers.
struct CuOpening {
  ComputeUnit cu;
  std::string xrt_name;  // RTL: xrt::ip's exact IP_LAYOUT name; HLS: xrt::kernel's "kernel:{instance}"
  int bank = -1;         // RTL: the CU's linked bank, else default_bank; HLS: -1 (xrt::kernel::group_id decides)
};

// select_compute_units() and, for each CU, how it is opened (same throws).
std::vector<CuOpening> plan_compute_units(const XclbinInfo& info, std::uint32_t count, const std::string& xclbin_path,
                                          int default_bank);

}  // namespace espgw::driver::xrt

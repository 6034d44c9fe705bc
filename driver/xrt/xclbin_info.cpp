// xclbin inspection (see the header). The kernel clock: a v++-linked kernel's ap_clk is the
// platform's DATA clock (clock index 0, type CT_DATA, e.g. 300 MHz); the CT_KERNEL clock
// (e.g. 500 MHz) only feeds a kernel's optional second clock ap_clk_2, which esp_top and
// esp_kernel do not have. So the DATA clock is reported, the KERNEL clock only as a fallback.
// (XRT programs the card's clocks from this section at load; xrt::device's
// max_clock_frequency_mhz is the platform's ceiling, not the kernel's clock.)
#include "driver/xrt/xclbin_info.hpp"

#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "experimental/xrt_xclbin.h"
#include "xrt/xclbin.h"

namespace espgw::driver::xrt {

KernelChoice choose_kernel(const std::vector<std::string>& cu_names) {
  bool rtl = false, hls = false;
  for (const std::string& cu : cu_names) {
    const std::string kernel = cu.substr(0, cu.find(':'));
    rtl = rtl || kernel == kRtlKernelName;
    hls = hls || kernel == kHlsKernelName;
  }
  if (rtl) return {KernelFlavour::kRtl, kRtlKernelName};
  if (hls) return {KernelFlavour::kHls, kHlsKernelName};
  throw std::runtime_error(fmt::format("kernel not found: the xclbin holds {} but neither {} (RTL, kernels/vitis) nor {} "
                                       "(HLS, hls/vitis)",
                                       cu_names.empty() ? std::string("no kernels") : fmt::format("{}", fmt::join(cu_names, ", ")),
                                       kRtlKernelName, kHlsKernelName));
}

namespace {

std::uint32_t clock_mhz(const ::xrt::xclbin& xclbin) {
  const clock_freq_topology* topo = nullptr;
  try {
    topo = xclbin.get_axlf_section<const clock_freq_topology*>(CLOCK_FREQ_TOPOLOGY);
  } catch (const std::exception&) {  // XRT throws "No such axlf section": the clock is unknown
    return 0;
  }
  if (topo == nullptr || topo->m_count <= 0) return 0;
  std::uint32_t data = 0, kernel = 0;
  for (int i = 0; i < topo->m_count; ++i) {
    const clock_freq& c = topo->m_clock_freq[i];
    if (c.m_type == CT_DATA && data == 0) data = c.m_freq_Mhz;
    if (c.m_type == CT_KERNEL && kernel == 0) kernel = c.m_freq_Mhz;
  }
  return data != 0 ? data : kernel;
}

// The bank of one CU: the first of its arguments connected to a memory. Every pointer
// argument of both espgw kernels is on the one AXI4 master (m_axi_gmem), so they share it.
// XRT joins CONNECTIVITY (per IP_LAYOUT index) with the kernel's argument metadata here.
int cu_bank(const ::xrt::xclbin::ip& ip) {
  try {
    for (const auto& arg : ip.get_args())
      for (const auto& mem : arg.get_mems()) return static_cast<int>(mem.get_index());
  } catch (const std::exception&) {  // no connectivity metadata: the caller's default bank
  }
  return -1;
}

}  // namespace

XclbinInfo inspect_xclbin(const ::xrt::xclbin& xclbin) {
  XclbinInfo info;
  info.uuid = xclbin.get_uuid().to_string();
  for (const auto& ip : xclbin.get_ips()) {
    // IP_LAYOUT also lists memory and debug IPs under other types; a kernel CU is named
    // "kernel:instance".
    const std::string name = ip.get_name();
    if (name.find(':') != std::string::npos) info.cu_names.push_back(name);
  }
  info.kernel_clock_mhz = clock_mhz(xclbin);
  info.kernel = choose_kernel(info.cu_names);
  for (const auto& ip : xclbin.get_ips()) {
    const std::string name = ip.get_name();
    const std::size_t colon = name.find(':');
    if (colon == std::string::npos || name.substr(0, colon) != info.kernel.name) continue;
    info.cus.push_back(ComputeUnit{name, name.substr(colon + 1), cu_bank(ip)});
  }
  return info;
}

std::string ComputeUnit::kernel_selector() const {
  return fmt::format("{}:{{{}}}", name.substr(0, name.find(':')), instance);
}

std::vector<ComputeUnit> select_compute_units(const XclbinInfo& info, std::uint32_t count,
                                              const std::string& xclbin_path) {
  if (count == 0) throw std::runtime_error("xrt: 0 compute units requested; at least 1 is needed");
  if (count <= info.cus.size()) return {info.cus.begin(), info.cus.begin() + count};
  std::vector<std::string> names;
  for (const ComputeUnit& cu : info.cus) names.push_back(cu.name);
  throw std::runtime_error(fmt::format("xrt: {} compute units requested but '{}' has {} {} CU{} ({}); link more "
                                       "with v++ --connectivity.nk={}:{} or ask for fewer",
                                       count, xclbin_path, info.cus.size(), info.kernel.name,
                                       info.cus.size() == 1 ? "" : "s", fmt::join(names, ", "), info.kernel.name,
                                       count));
}

XclbinInfo inspect_xclbin_file(const std::string& path) {
  ::xrt::xclbin xclbin;
  try {
    xclbin = ::xrt::xclbin(path);
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("xrt: cannot read xclbin '{}': {}", path, e.what()));
  }
  try {
    return inspect_xclbin(xclbin);
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("xrt: '{}': {}", path, e.what()));
  }
}

std::vector<CuOpening> plan_compute_units(const XclbinInfo& info, std::uint32_t count, const std::string& xclbin_path,
                                          int default_bank) {
  const bool rtl = info.kernel.flavour == KernelFlavour::kRtl;
  std::vector<CuOpening> plan;
  for (const ComputeUnit& cu : select_compute_units(info, count, xclbin_path)) {
    // xrt::ip finds its IP with xrt::xclbin::get_ip, an exact IP_LAYOUT name match (the bare
    // kernel name matches none); xrt::kernel takes "kernel:{instance}" to open just this CU.
    plan.push_back(CuOpening{cu, rtl ? cu.name : cu.kernel_selector(),
                             rtl ? (cu.bank >= 0 ? cu.bank : default_bank) : -1});
  }
  return plan;
}

}  // namespace espgw::driver::xrt

// XrtTransport: driver/hw's Transport on an Alveo card through XRT's native C++ API:
// xrt::device (by index or BDF) with the xclbin loaded once, then one transport per compute
// unit of whichever espgw kernel the xclbin holds: the RTL esp_top through xrt::ip
// registers, or the HLS esp_kernel through xrt::kernel runs on command lists
// (xrt_flavours.hpp); xrt::bo buffers in the CU's own memory bank, with explicit sync.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "driver/hw/transport.hpp"

namespace espgw::driver::xrt {

struct XrtOpenOptions {
  std::string device;  // "" or "0": index 0; digits: an index; otherwise a BDF (0000:65:00.1)
  std::string xclbin;  // path; required
  int memory_bank = 0; // RTL kernel: memory group for the buffers when the xclbin's
                       // connectivity does not name the bank of a CU's m_axi_gmem
  std::uint32_t compute_units = 1;  // opens CUs 0..n-1 of the kernel, in XclbinInfo::cus order
};

// Opens the card, loads the xclbin once and returns one transport per compute unit
// (element k drives XclbinInfo::cus[k]). Throws std::runtime_error with one line saying
// what is missing (no XRT environment, no card, no xclbin, kernel not in the xclbin, fewer
// CUs than asked for); never lets XRT's own exception types escape.
std::vector<std::unique_ptr<hw::Transport>> open_xrt_transports(const XrtOpenOptions& options);

}  // namespace espgw::driver::xrt

// XrtTransport: driver/hw's Transport on an Alveo card through XRT's native C++ API:
// xrt::device (by index or BDF) with the xclbin loaded, then whichever espgw kernel the
// xclbin holds: the RTL esp_top through xrt::ip registers, or the HLS esp_kernel through
// xrt::kernel runs on command lists (xrt_flavours.hpp); xrt::bo buffers with explicit sync.
#pragma once

#include <memory>
#include <string>

#include "driver/hw/transport.hpp"

namespace espgw::driver::xrt {

struct XrtOpenOptions {
  std::string device;  // "" or "0": index 0; digits: an index; otherwise a BDF (0000:65:00.1)
  std::string xclbin;  // path; required
  int memory_bank = 0; // RTL kernel: memory group for the buffers when the xclbin's
                       // connectivity does not name the bank of m_axi_gmem
};

// Opens the card. Throws std::runtime_error with one line saying what is missing (no XRT
// environment, no card, no xclbin, kernel not in the xclbin); never lets XRT's own
// exception types escape.
std::unique_ptr<hw::Transport> open_xrt_transport(const XrtOpenOptions& options);

}  // namespace espgw::driver::xrt

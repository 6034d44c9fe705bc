// XrtTransport: driver/hw's Transport on an Alveo card through XRT's native C++ API:
// xrt::device (by index or BDF) with the xclbin loaded, xrt::ip for the kernel's AXI4-Lite
// registers (a user-managed RTL kernel), xrt::bo buffers with explicit sync for DMA.
#pragma once

#include <memory>
#include <string>

#include "driver/hw/transport.hpp"

namespace espgw::driver::xrt {

// The kernel's name in the xclbin (kernels/vitis packages esp_top).
inline constexpr const char* kKernelName = "esp_top";

struct XrtOpenOptions {
  std::string device;  // "" or "0": index 0; digits: an index; otherwise a BDF (0000:65:00.1)
  std::string xclbin;  // path; required
  int memory_bank = 0; // memory group the buffers live in (the connectivity config's bank)
};

// Opens the card. Throws std::runtime_error with one line saying what is missing (no XRT
// environment, no card, no xclbin, kernel not in the xclbin); never lets XRT's own
// exception types escape.
std::unique_ptr<hw::Transport> open_xrt_transport(const XrtOpenOptions& options);

}  // namespace espgw::driver::xrt

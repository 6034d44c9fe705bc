// The two ways driver/xrt reaches an espgw kernel on a card, both driver/hw Transports:
// - RTL esp_top (user-managed control): xrt::ip reads and writes the regmap registers
//   directly; DMA buffers are whole xrt::bo's and descriptors carry their device addresses.
// - HLS esp_kernel (ap_ctrl_hs): each batch of register accesses is one xrt::run of the
//   kernel on a command list (hls/batched_transport); DMA buffers are sub-buffers of one
//   arena bo passed as the kernel's gmem argument, so descriptors carry arena offsets.
// Each transport drives exactly one compute unit; all of a card's transports share one
// LoadedXclbin (the device opened and the xclbin loaded once).
// Internal to driver/xrt; open_xrt_transports() picks one by the xclbin's kernel name.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "driver/hw/transport.hpp"
#include "driver/xrt/xclbin_info.hpp"
#include "xrt/xrt_device.h"
#include "xrt/xrt_uuid.h"

namespace espgw::driver::xrt {

// The card with the xclbin loaded: opened once by open_xrt_transports() and shared by the
// transports of all its compute units, so N units cost one load_xclbin, not N.
struct LoadedXclbin {
  ::xrt::device device;
  ::xrt::uuid uuid;
  XclbinInfo xclbin;
  std::string which;  // the --device string ("0", a BDF)
  std::string path;   // the xclbin file
};

struct FlavourOptions {
  CuOpening cu;              // the one CU this transport drives, its XRT name and (RTL) bank
  std::size_t arena_bytes = std::size_t{64} << 20;  // HLS: device memory for rings and packets
};

// describe() of a transport: "xrt: device 0 (esp.xclbin), kernel esp_top:esp_top_2 (bank 1, <how>)".
std::string describe_cu(const LoadedXclbin& card, const ComputeUnit& cu, int bank, const char* how);

std::unique_ptr<hw::Transport> make_ip_transport(std::shared_ptr<const LoadedXclbin> card,
                                                 const FlavourOptions& options);
std::unique_ptr<hw::Transport> make_kernel_transport(std::shared_ptr<const LoadedXclbin> card,
                                                     const FlavourOptions& options);

}  // namespace espgw::driver::xrt

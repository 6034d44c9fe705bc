// The two ways driver/xrt reaches an espgw kernel on a card, both driver/hw Transports:
// - RTL esp_top (user-managed control): xrt::ip reads and writes the regmap registers
//   directly; DMA buffers are whole xrt::bo's and descriptors carry their device addresses.
// - HLS esp_kernel (ap_ctrl_hs): each batch of register accesses is one xrt::run of the
//   kernel on a command list (hls/batched_transport); DMA buffers are sub-buffers of one
//   arena bo passed as the kernel's gmem argument, so descriptors carry arena offsets.
// Internal to driver/xrt; open_xrt_transport() picks one by the xclbin's kernel name.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "driver/hw/transport.hpp"
#include "driver/xrt/xclbin_info.hpp"
#include "xrt/xrt_device.h"

namespace espgw::driver::xrt {

struct FlavourOptions {
  std::string name;          // describe(): "xrt: device ... (path), kernel ..."
  XclbinInfo xclbin;
  int memory_bank = 0;       // RTL: bank for DMA buffers when the xclbin does not name one
                             // (XclbinInfo::gmem_bank); HLS asks xrt::kernel::group_id
  std::size_t arena_bytes = std::size_t{64} << 20;  // HLS: device memory for rings and packets
};

std::unique_ptr<hw::Transport> make_ip_transport(const ::xrt::device& device, const ::xrt::uuid& uuid,
                                                 const FlavourOptions& options);
std::unique_ptr<hw::Transport> make_kernel_transport(const ::xrt::device& device, const ::xrt::uuid& uuid,
                                                     const FlavourOptions& options);

}  // namespace espgw::driver::xrt

// The HLS ESP kernel's top function. Each call is one AXI4-Lite access (read or write at a
// regmap offset) or one run pass over the descriptor ring; see esp_kernel.cpp for why.
#pragma once

#include <cstdint>

#include "hls/kernel_state.hpp"

namespace espgw::hls {

enum class KernelOp : std::uint32_t { kRun = 0, kRead = 1, kWrite = 2 };

#ifndef __SYNTHESIS__
// C-simulation: the on-chip state is the caller's (one KernelState per simulated device).
// Under Vitis the top is extern "C" esp_kernel(op, offset, wdata, rdata, gmem) with the
// state static inside it (esp_kernel.cpp).
void esp_kernel(std::uint32_t op, std::uint32_t offset, std::uint32_t wdata, std::uint32_t* rdata, std::uint8_t* gmem,
                KernelState& st);
#endif

}  // namespace espgw::hls

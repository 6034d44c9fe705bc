// The HLS ESP kernel's top function. One call executes a command list (hls/command_list.hpp):
// register reads and writes at regmap offsets and run passes over the descriptor ring, in
// order, one result word per command; see esp_kernel.cpp for why.
#pragma once

#include <cstdint>

#include "hls/command_list.hpp"
#include "hls/kernel_state.hpp"

namespace espgw::hls {

#ifndef __SYNTHESIS__
// C-simulation: the on-chip state is the caller's (one KernelState per simulated device).
// Under Vitis the top is extern "C" esp_kernel(cmds, ncmds, results, gmem) with the state
// static inside it (esp_kernel.cpp). Commands past kMaxCommands are not executed and get
// no result; an unknown op is skipped with result 0.
void esp_kernel(const std::uint32_t* cmds, std::uint32_t ncmds, std::uint32_t* results, std::uint8_t* gmem,
                KernelState& st);
#endif

}  // namespace espgw::hls

#if defined(__SYNTHESIS__) || defined(ESPGW_HLS_TOP)
// The Vitis top (esp_kernel.cpp), declared for the testbench.
extern "C" void esp_kernel(const std::uint32_t* cmds, std::uint32_t ncmds, std::uint32_t* results,
                           std::uint8_t* gmem);
#endif

// The kernel's AXI4-Lite register file (esp_regs.json "registers"): identity, control,
// the SA staging window and sa_cmd, ring registers and the event FIFO.
#pragma once

#include <cstdint>

#include "hls/kernel_state.hpp"

namespace espgw::hls {

std::uint32_t control_read(KernelState& st, std::uint32_t offset);
void control_write(KernelState& st, std::uint32_t offset, std::uint32_t value);
void control_reset(KernelState& st);

}  // namespace espgw::hls

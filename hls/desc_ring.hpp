// Descriptor fetch and completion write-back: the kernel's two DMA stages. Descriptors
// (32 bytes) and completions (16 bytes) are little-endian words in device memory; ring
// indices are free-running 32-bit counters, slot = index % ring_size (docs/hardware.md).
#pragma once

#include <cstdint>

#include "hls/esp_stream.hpp"
#include "hls/kernel_state.hpp"

namespace espgw::hls {

// Jobs handled per kernel pass; also the depth of the FIFOs between the stages.
inline constexpr std::uint32_t kJobsPerPass = 64;

using JobStream = EspStream<Job, kJobsPerPass>;
using ResultStream = EspStream<JobResult, kJobsPerPass>;

// How many posted descriptors the next pass takes (0 when the engine is disabled or idle).
std::uint32_t ring_jobs_ready(const ControlRegs& regs);

void desc_fetch(const std::uint8_t* gmem, ControlRegs& regs, std::uint32_t n, JobStream& jobs);
// Runs each job through the ESP engine: load the buffer, outbound/inbound, store it back.
void esp_engine(std::uint8_t* gmem, KernelState& st, std::uint32_t n, JobStream& jobs, ResultStream& results);
void cmpl_write(std::uint8_t* gmem, ControlRegs& regs, std::uint32_t n, ResultStream& results);

}  // namespace espgw::hls

// The HLS kernel's command list: one invocation of esp_kernel executes a batch of register
// accesses and run passes, read from device memory, so the host pays one kernel start per
// batch rather than per AXI4-Lite access (docs/hardware.md "The HLS kernel's register
// window"). Shared by the kernel (hls/esp_kernel.cpp) and its hosts (hls/batched_transport).
#pragma once

#include <cstdint>

namespace espgw::hls {

enum class KernelOp : std::uint32_t {
  kRun = 0,    // wdata = most passes to run (1..kMaxRunPasses); result = descriptors moved
  kRead = 1,   // result = the register at offset (event_pop pops, as on the bus)
  kWrite = 2,  // register at offset = wdata; result 0
};

// A command is four little-endian 32-bit words (16 bytes, one beat of a 128-bit AXI bus):
// op, offset, wdata, and a zero word kept for alignment. Each command gets one 32-bit result.
inline constexpr std::uint32_t kCommandWords = 4;
// Commands per invocation: an install_sa (66 writes, 2 more, 64 reads = 132) fits with room.
inline constexpr std::uint32_t kMaxCommands = 512;
// Passes one run command may take: a whole ring of kRingEntriesMax (4096) descriptors at
// kJobsPerPass (64) per pass. The kernel stops early once a pass finds nothing to do.
inline constexpr std::uint32_t kMaxRunPasses = 64;

struct Command {
  KernelOp op = KernelOp::kRead;
  std::uint32_t offset = 0;
  std::uint32_t wdata = 0;
};

inline void encode_command(const Command& c, std::uint32_t* words) {
  words[0] = static_cast<std::uint32_t>(c.op);
  words[1] = c.offset;
  words[2] = c.wdata;
  words[3] = 0;
}

inline Command decode_command(const std::uint32_t* words) {
  Command c;
  c.op = static_cast<KernelOp>(words[0]);
  c.offset = words[1];
  c.wdata = words[2];
  return c;
}

}  // namespace espgw::hls

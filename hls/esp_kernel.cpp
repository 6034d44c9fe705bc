// Top function of the HLS ESP kernel. The regmap fixes register offsets (0x000 id ...),
// which Vitis HLS does not let a design choose for its own s_axilite arguments, so the
// kernel decodes the register window itself. A kernel start costs the host tens of
// microseconds on a card, so each call executes a whole command list (command_list.hpp):
// the host batches an SA install, or a doorbell plus the passes it triggers, into one
// invocation. A run pass moves up to kJobsPerPass descriptors through fetch -> engine ->
// completion under DATAFLOW. The SA table and replay state stay on chip between calls.
#include "hls/esp_kernel.hpp"

#include "hls/control.hpp"
#include "hls/desc_ring.hpp"

namespace espgw::hls {
namespace {

// One pass over the ring: its own function so the DATAFLOW region is the three stages only.
void run_pass(std::uint8_t* gmem, KernelState& st, std::uint32_t n) {
  JobStream jobs;
  ResultStream results;
#pragma HLS DATAFLOW
  desc_fetch(gmem, st.regs, n, jobs);
  esp_engine(gmem, st, n, jobs, results);
  cmpl_write(gmem, st.regs, n, results);
}

std::uint32_t run_passes(std::uint8_t* gmem, KernelState& st, std::uint32_t passes) {
  if (passes == 0) passes = 1;
  if (passes > kMaxRunPasses) passes = kMaxRunPasses;
  std::uint32_t moved = 0;
  for (std::uint32_t p = 0; p < passes; ++p) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = 64
    const std::uint32_t n = ring_jobs_ready(st.regs);
    if (n == 0) break;  // idle: later passes would find nothing either
    run_pass(gmem, st, n);
    moved += n;
  }
  return moved;
}

std::uint32_t execute(const Command& c, std::uint8_t* gmem, KernelState& st) {
  switch (c.op) {
    case KernelOp::kRead: return control_read(st, c.offset);
    case KernelOp::kWrite: control_write(st, c.offset, c.wdata); return 0;
    case KernelOp::kRun: return run_passes(gmem, st, c.wdata);
  }
  return 0;  // unknown op: skipped
}

void esp_kernel_body(const std::uint32_t* cmds, std::uint32_t ncmds, std::uint32_t* results, std::uint8_t* gmem,
                     KernelState& st) {
  const std::uint32_t n = ncmds < kMaxCommands ? ncmds : kMaxCommands;
  for (std::uint32_t i = 0; i < n; ++i) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = 512
    const Command c = decode_command(cmds + std::uint64_t{i} * kCommandWords);
    results[i] = execute(c, gmem, st);
  }
}

}  // namespace

#ifndef __SYNTHESIS__
void esp_kernel(const std::uint32_t* cmds, std::uint32_t ncmds, std::uint32_t* results, std::uint8_t* gmem,
                KernelState& st) {
  esp_kernel_body(cmds, ncmds, results, gmem, st);
}
#endif

}  // namespace espgw::hls

#if defined(__SYNTHESIS__) || defined(ESPGW_HLS_TOP)
// The Vitis kernel: a C-linkage top (v++ -k esp_kernel). The command list, its results and
// the rings and packets all go through the one AXI4 master (bundle gmem), so a card links
// one memory bank; ncmds and the three base addresses are AXI4-Lite arguments. The kernel
// state is static so it lives on chip across invocations. Compiled for synthesis, and with
// ESPGW_HLS_TOP for the Vitis testbench (hls/vitis/esp_kernel_tb.cpp: csim and C/RTL
// co-simulation); espgw's own binaries use the overload above, one state per device.
extern "C" void esp_kernel(const std::uint32_t* cmds, std::uint32_t ncmds, std::uint32_t* results,
                           std::uint8_t* gmem) {
#pragma HLS INTERFACE mode = m_axi port = cmds offset = slave bundle = gmem depth = 2048
#pragma HLS INTERFACE mode = m_axi port = results offset = slave bundle = gmem depth = 512
#pragma HLS INTERFACE mode = m_axi port = gmem offset = slave bundle = gmem max_widen_bitwidth = 512 depth = 1048576
#pragma HLS INTERFACE mode = s_axilite port = cmds bundle = control
#pragma HLS INTERFACE mode = s_axilite port = ncmds bundle = control
#pragma HLS INTERFACE mode = s_axilite port = results bundle = control
#pragma HLS INTERFACE mode = s_axilite port = gmem bundle = control
#pragma HLS INTERFACE mode = s_axilite port = return bundle = control
  static espgw::hls::KernelState st;  // SA table, round keys, replay bitmaps: BRAM/URAM
  espgw::hls::esp_kernel_body(cmds, ncmds, results, gmem, st);
}
#endif

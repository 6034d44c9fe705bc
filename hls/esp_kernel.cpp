// Top function of the HLS ESP kernel. The regmap fixes register offsets (0x000 id ...),
// which Vitis HLS does not let a design choose for its own s_axilite arguments, so the
// kernel decodes the register window itself: every call carries one access (op, offset,
// wdata -> rdata) or a run pass that moves up to kJobsPerPass descriptors through
// fetch -> engine -> completion under DATAFLOW. The SA table and replay state stay on chip.
#include "hls/esp_kernel.hpp"

#include "hls/control.hpp"
#include "hls/desc_ring.hpp"

namespace espgw::hls {
namespace {

void esp_kernel_body(std::uint32_t op, std::uint32_t offset, std::uint32_t wdata, std::uint32_t* rdata,
                     std::uint8_t* gmem, KernelState& st) {
  const auto kind = static_cast<KernelOp>(op);
  if (kind == KernelOp::kRead) {
    *rdata = control_read(st, offset);
    return;
  }
  if (kind == KernelOp::kWrite) {
    control_write(st, offset, wdata);
    *rdata = 0;
    return;
  }
  const std::uint32_t n = ring_jobs_ready(st.regs);
  JobStream jobs;
  ResultStream results;
#pragma HLS DATAFLOW
  desc_fetch(gmem, st.regs, n, jobs);
  esp_engine(gmem, st, n, jobs, results);
  cmpl_write(gmem, st.regs, n, results);
  *rdata = n;
}

}  // namespace

#ifndef __SYNTHESIS__
void esp_kernel(std::uint32_t op, std::uint32_t offset, std::uint32_t wdata, std::uint32_t* rdata, std::uint8_t* gmem,
                KernelState& st) {
  esp_kernel_body(op, offset, wdata, rdata, gmem, st);
}
#endif

}  // namespace espgw::hls

#ifdef __SYNTHESIS__
// The Vitis kernel: a C-linkage top (v++ -k esp_kernel), AXI4 master for rings and packets,
// AXI4-Lite for the access arguments, the kernel state static so it lives on chip.
extern "C" void esp_kernel(std::uint32_t op, std::uint32_t offset, std::uint32_t wdata, std::uint32_t* rdata,
                           std::uint8_t* gmem) {
#pragma HLS INTERFACE mode = m_axi port = gmem offset = slave bundle = gmem max_widen_bitwidth = 512
#pragma HLS INTERFACE mode = s_axilite port = op bundle = control
#pragma HLS INTERFACE mode = s_axilite port = offset bundle = control
#pragma HLS INTERFACE mode = s_axilite port = wdata bundle = control
#pragma HLS INTERFACE mode = s_axilite port = rdata bundle = control
#pragma HLS INTERFACE mode = s_axilite port = return bundle = control
  static espgw::hls::KernelState st;  // SA table, round keys, replay bitmaps: BRAM/URAM
  espgw::hls::esp_kernel_body(op, offset, wdata, rdata, gmem, st);
}
#endif

// Inbound ESP tunnel-mode decapsulation (RFC 4303 section 3.4) of the packet in st.pkt:
// outer IPv4 (+ UDP 4500, RFC 3948), SPI lookup, replay check, ICV verify, decrypt,
// padding and next-header checks, window update, inner IPv4 and selector checks.
#pragma once

#include "hls/kernel_state.hpp"

namespace espgw::hls {

// What the prepare step learned about a packet it let through.
struct InboundView {
  std::uint32_t sa;       // slot found by SPI
  std::uint32_t esp_off;  // ESP header, from the outer IPv4 header
  std::uint32_t esp_len;  // ESP header through ICV
  std::uint64_t seq;      // inferred 64-bit sequence number, past the replay pre-check
};

// Inbound jobs run in two steps, as a pipeline does (and as the CPU backend's bursts do):
// prepare, for every inbound job of a pass before any is finalized, checks the outer
// headers, finds the SA, checks lengths and makes the replay pre-check against the window
// as the pass found it; false means *result is final. finalize, in job order, verifies
// the ICV, moves the window (checking again), then the trailer, inner header, selectors
// and lifetime.
bool esp_inbound_prepare(KernelState& st, const Job& job, InboundView& view, JobResult& result);
JobResult esp_inbound_finalize(KernelState& st, const Job& job, const InboundView& view);

}  // namespace espgw::hls

// Inbound ESP tunnel-mode decapsulation (RFC 4303 section 3.4) of the packet in st.pkt:
// outer IPv4 (+ UDP 4500, RFC 3948), SPI lookup, replay check, ICV verify, decrypt,
// padding and next-header checks, window update, inner IPv4 and selector checks.
#pragma once

#include "hls/kernel_state.hpp"

namespace espgw::hls {

JobResult esp_inbound(KernelState& st, const Job& job);

}  // namespace espgw::hls

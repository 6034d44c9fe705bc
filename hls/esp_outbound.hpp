// Outbound ESP tunnel-mode encapsulation (RFC 4303 sections 2-3.3) of the packet in
// st.pkt: sequence number, IV, padding, trailer, encryption, ICV, outer IPv4 (+ UDP,
// RFC 3948) from the SA record, in place around the inner packet.
#pragma once

#include "hls/kernel_state.hpp"

namespace espgw::hls {

JobResult esp_outbound(KernelState& st, const Job& job);

}  // namespace espgw::hls

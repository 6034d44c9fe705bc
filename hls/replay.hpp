// Anti-replay (RFC 4303 section 3.4.3 and Appendix A): ESN inference of the high 32 bits,
// the check before ICV verification, and the window update after it.
#pragma once

#include <cstdint>

#include "hls/kernel_state.hpp"

namespace espgw::hls {

// RFC 4303 A2.2: the full 64-bit sequence number for a received low half, given the top
// of the window T and window size W. Without ESN the result is seq_lo. kSeqNone (which
// replay_check refuses) when the number would lie below the first one.
inline constexpr std::uint64_t kSeqNone = 0;
std::uint64_t replay_infer_seq(std::uint64_t top, std::uint32_t window, bool esn, std::uint32_t seq_lo);

// True if seq is acceptable: right of the top, or inside the window and not yet seen.
bool replay_check(const ReplayBits& bits, std::uint64_t top, std::uint32_t window, std::uint64_t seq);

// Records seq as seen, advancing the top when seq is right of it; returns the new top.
std::uint64_t replay_update(ReplayBits& bits, std::uint64_t top, std::uint32_t window, std::uint64_t seq);

}  // namespace espgw::hls

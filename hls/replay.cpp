// The replay window as a ring of kReplayWindowMax bits (RFC 4303 A2.1): bit (seq mod N)
// records seq; moving the top from T to T' clears the bits of T+1..T' (at most N of them).
#include "hls/replay.hpp"

namespace espgw::hls {
namespace {

constexpr std::uint32_t kBits = rm::kReplayWindowMax;

bool bit_get(const ReplayBits& b, std::uint64_t seq) {
  const std::uint32_t i = static_cast<std::uint32_t>(seq % kBits);
  return (b.w[i / 32] >> (i % 32)) & 1;
}
void bit_set(ReplayBits& b, std::uint64_t seq, bool v) {
  const std::uint32_t i = static_cast<std::uint32_t>(seq % kBits);
  if (v)
    b.w[i / 32] |= 1u << (i % 32);
  else
    b.w[i / 32] &= ~(1u << (i % 32));
}

}  // namespace

std::uint64_t replay_infer_seq(std::uint64_t top, std::uint32_t window, bool esn, std::uint32_t seq_lo) {
  if (!esn) return seq_lo;
  const std::uint32_t tl = static_cast<std::uint32_t>(top);
  const std::uint32_t th = static_cast<std::uint32_t>(top >> 32);
  // Inference needs a window even when the check is disabled: the RFC's default, 64.
  const std::uint32_t w = window == 0 ? rm::kReplayWindowDefault : window;
  const std::uint32_t bl = tl - w + 1;  // bottom of the window, modulo 2^32
  std::uint32_t sh;
  if (tl >= w - 1) {  // case A: the window lies within one sequence-number subspace
    sh = seq_lo >= bl ? th : th + 1;
  } else {  // case B: the window spans two subspaces
    if (seq_lo >= bl && th == 0) return kSeqNone;  // would be below sequence number 1
    sh = seq_lo >= bl ? th - 1 : th;
  }
  return (std::uint64_t{sh} << 32) | seq_lo;
}

bool replay_check(const ReplayBits& bits, std::uint64_t top, std::uint32_t window, std::uint64_t seq) {
  if (seq == 0) return false;  // never sent: the first packet carries 1 (RFC 4303 3.3.3)
  if (window == 0) return true;  // anti-replay disabled on this SA
  if (seq > top) return true;
  if (top - seq >= window) return false;  // left of the window
  return !bit_get(bits, seq);
}

std::uint64_t replay_update(ReplayBits& bits, std::uint64_t top, std::uint32_t window, std::uint64_t seq) {
  if (seq > top) {
    const std::uint64_t advance = seq - top;
    const std::uint64_t clear = advance < kBits ? advance : kBits;
    for (std::uint64_t i = 1; i <= clear; ++i) bit_set(bits, top + i, false);
    bit_set(bits, seq, true);
    return seq;
  }
  if (window != 0) bit_set(bits, seq, true);
  return top;
}

}  // namespace espgw::hls

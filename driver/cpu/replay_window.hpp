// ReplayWindow: the inbound anti-replay window of one SA (RFC 4303 section 3.4.3), kept as an
// RFC 6479 ring of 64-bit words so sliding forward clears whole words instead of shifting,
// with ESN high-bit inference per RFC 4303 Appendix A. check() runs before ICV verification,
// update() only after it succeeds. Single writer (the data path); top() may be read anywhere.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

namespace espgw::driver::cpu {

class ReplayWindow {
 public:
  // size: packets in the window, 0 disables the check (the top is still tracked for ESN).
  // initial_top: the highest sequence number already received (non-zero when an SA moves
  // between devices); numbers at or below it are refused until newer ones arrive.
  ReplayWindow(std::uint32_t size, bool esn, std::uint64_t initial_top = 0);

  // RFC 4303 Appendix A2.1: the full 64-bit sequence number a received low half belongs to.
  // Without ESN it is seq_lo itself. Returns false when it can only lie below sequence
  // space 0 (a replay of something never sent).
  bool infer(std::uint32_t seq_lo, std::uint64_t* seq) const;

  // True when seq may be new: not 0, not left of the window, not already seen.
  bool check(std::uint64_t seq) const;
  // Marks seq as received and slides the window; false (nothing changed) if it is a
  // duplicate or too old by now (another packet of the same burst got there first).
  bool update(std::uint64_t seq);

  std::uint64_t top() const { return top_.load(std::memory_order_relaxed); }
  std::uint32_t size() const { return size_; }

 private:
  std::uint64_t word(std::uint64_t seq) const { return (seq >> 6) & word_mask_; }

  std::uint32_t size_;
  bool esn_;
  std::uint64_t word_mask_;                 // words in the ring - 1 (a power of two)
  std::unique_ptr<std::uint64_t[]> bits_;   // one bit per sequence number, ring-indexed
  std::atomic<std::uint64_t> top_{0};       // highest authenticated sequence number
};

}  // namespace espgw::driver::cpu

// Anti-replay window (RFC 4303 3.4.3, Appendix A) as an RFC 6479 bitmap ring.
#include "replay_window.hpp"

#include <bit>

namespace espgw::driver::cpu {

namespace {
// Inference needs some window even when the check is disabled; use the RFC default.
constexpr std::uint32_t kInferenceWindowWhenDisabled = 64;
}  // namespace

ReplayWindow::ReplayWindow(std::uint32_t size, bool esn, std::uint64_t initial_top)
    : size_(size), esn_(esn), top_(initial_top) {
  // One word more than the window needs, so the word holding top never overlaps the
  // oldest word still inside the window (RFC 6479 section 2).
  const std::uint64_t words = std::bit_ceil<std::uint64_t>(size / 64 + 2);
  word_mask_ = words - 1;
  bits_ = std::make_unique<std::uint64_t[]>(words);  // zeroed
  // Whatever lay inside the window before the move counts as seen: never accept it twice.
  if (initial_top != 0) {
    for (std::uint64_t i = 0; i < words; ++i) bits_[i] = ~std::uint64_t{0};
    // ...but not the numbers above the top in its own word: those are still to come. Other
    // words are cleared by update() before they are reused for newer numbers.
    const unsigned above = static_cast<unsigned>(initial_top & 63) + 1;
    if (above < 64) bits_[word(initial_top)] = (std::uint64_t{1} << above) - 1;
  }
}

bool ReplayWindow::infer(std::uint32_t seq_lo, std::uint64_t* seq) const {
  if (!esn_) {
    *seq = seq_lo;
    return true;
  }
  const std::uint64_t t = top();
  const auto tl = static_cast<std::uint32_t>(t);
  const auto th = static_cast<std::uint32_t>(t >> 32);
  const std::uint32_t w = size_ ? size_ : kInferenceWindowWhenDisabled;
  std::uint32_t seq_hi;
  const std::uint32_t bottom = tl - w + 1;  // modulo 2^32, as Appendix A computes it
  if (tl >= w - 1) {
    // Case A: the window lies within one sequence subspace.
    seq_hi = seq_lo >= bottom ? th : th + 1;
  } else {
    // Case B: the window spans two subspaces; a low half above `bottom` is from the lower one.
    if (seq_lo >= bottom) {
      if (th == 0) return false;
      seq_hi = th - 1;
    } else {
      seq_hi = th;
    }
  }
  *seq = (static_cast<std::uint64_t>(seq_hi) << 32) | seq_lo;
  return true;
}

bool ReplayWindow::check(std::uint64_t seq) const {
  if (seq == 0) return false;  // never sent (RFC 4303 3.3.3: the first packet is 1)
  if (size_ == 0) return true;
  const std::uint64_t t = top();
  if (seq > t) return true;
  if (t - seq >= size_) return false;
  return (bits_[word(seq)] & (std::uint64_t{1} << (seq & 63))) == 0;
}

bool ReplayWindow::update(std::uint64_t seq) {
  if (!check(seq)) return false;
  const std::uint64_t t = top();
  if (seq > t) {
    if (size_ != 0) {
      // Clear the words the window slides over: those after top's word up to seq's.
      const std::uint64_t from = (t >> 6) + 1;
      const std::uint64_t to = seq >> 6;
      const std::uint64_t n = to >= from ? to - from + 1 : 0;
      if (n > word_mask_) {
        for (std::uint64_t i = 0; i <= word_mask_; ++i) bits_[i] = 0;
      } else {
        for (std::uint64_t i = 0; i < n; ++i) bits_[(from + i) & word_mask_] = 0;
      }
    }
    top_.store(seq, std::memory_order_relaxed);
  }
  if (size_ != 0) bits_[word(seq)] |= std::uint64_t{1} << (seq & 63);
  return true;
}

}  // namespace espgw::driver::cpu

// EspStream: the FIFO that joins the kernel's pipeline stages. Under Vitis HLS
// (__SYNTHESIS__) it is hls::stream, so DATAFLOW infers real FIFOs; compiled by g++ for
// C-simulation it is a fixed ring of Depth entries (no heap), with the same read/write/empty.
#pragma once

#include <cstdint>

#ifdef __SYNTHESIS__
#include <hls_stream.h>
namespace espgw::hls {
template <typename T, unsigned Depth>
using EspStream = ::hls::stream<T, Depth>;
}  // namespace espgw::hls
#else
namespace espgw::hls {

template <typename T, unsigned Depth>
class EspStream {
  static_assert(Depth > 0 && (Depth & (Depth - 1)) == 0, "depth must be a power of two");

 public:
  bool empty() const { return count_ == 0; }
  bool full() const { return count_ == Depth; }
  // In C-simulation a write to a full FIFO would deadlock the hardware; the stages below
  // size their loops so it cannot happen, and a write beyond Depth is dropped, not UB.
  void write(const T& v) {
    if (full()) return;
    items_[(head_ + count_) & (Depth - 1)] = v;
    ++count_;
  }
  T read() {
    T v = items_[head_];
    head_ = (head_ + 1) & (Depth - 1);
    --count_;
    return v;
  }

 private:
  T items_[Depth]{};
  std::uint32_t head_ = 0;
  std::uint32_t count_ = 0;
};

}  // namespace espgw::hls
#endif

// Stand-in for Vitis HLS's <hls_stream.h>, so the kernel's __SYNTHESIS__ path (the extern "C"
// top and hls::stream FIFOs) is compiled by g++ in CI (hls_synthesis_path_compiles). Only
// the interface the kernel uses: hls::stream<T, DEPTH> with read, write, empty, full.
#pragma once

#include <deque>

namespace hls {

template <typename T, int DEPTH = 0>
class stream {
 public:
  bool empty() const { return q_.empty(); }
  bool full() const { return DEPTH > 0 && static_cast<int>(q_.size()) >= DEPTH; }
  void write(const T& v) { q_.push_back(v); }
  T read() {
    T v = q_.front();
    q_.pop_front();
    return v;
  }

 private:
  std::deque<T> q_;
};

}  // namespace hls

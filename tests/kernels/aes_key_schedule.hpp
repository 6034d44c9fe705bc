// Drives the Verilated esp_aes_key_expand: one AES key in, round keys 0..Nr out, as the SA
// install path does; the cipher benches feed these round keys to the pipes.
#pragma once

#include "Vesp_aes_key_expand.h"
#include "kernel_bench.hpp"

#include <array>
#include <stdexcept>

namespace espgw::kernels::bench {

struct RoundKeys {
  bool aes256 = false;
  std::array<Bytes, 15> keys{};  // AES-128 leaves keys 11..14 zero
  int cycles = 0;                // clocks from start to done
};

inline RoundKeys expand_key(Vesp_aes_key_expand& m, const Bytes& key) {
  if (key.size() != 16 && key.size() != 32) throw std::invalid_argument("AES key must be 16 or 32 bytes");
  RoundKeys out;
  out.aes256 = key.size() == 32;
  for (auto& k : out.keys) k.assign(16, 0);
  m.aes256_i = out.aes256;
  put_be(m.key_i, 0, 256, key);
  m.start_i = 1;
  tick(m);
  m.start_i = 0;
  const int nr = out.aes256 ? 14 : 10;
  for (int cycle = 1; cycle <= 32; ++cycle) {
    m.eval();
    if (m.rk_valid_o) {
      out.keys.at(m.rk_idx_o) = get_be(m.rk_o, 0, 128);
      if (m.done_o) {
        if (m.rk_idx_o != nr) throw std::runtime_error("key expansion ended at the wrong round key");
        out.cycles = cycle;
        tick(m);
        return out;
      }
    }
    tick(m);
  }
  throw std::runtime_error("key expansion never finished");
}

template <typename Wide>
void put_round_keys(Wide& wide, const RoundKeys& rk) {
  for (std::size_t r = 0; r < rk.keys.size(); ++r) put_be(wide, 128 * r, 128, rk.keys[r]);
}

}  // namespace espgw::kernels::bench

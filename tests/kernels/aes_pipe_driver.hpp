// Drives a Verilated AES pipe (esp_aes_enc_pipe or esp_aes_dec_pipe, same ports): one job
// per clock, bubbles where a job is not valid, and records each result with the clock it
// appeared on, so benches can assert latency and throughput as well as bytes.
#pragma once

#include "aes_key_schedule.hpp"
#include "kernel_bench.hpp"

#include <vector>

namespace espgw::kernels::bench {

constexpr int kAesPipeLatency = 15;  // esp_aes_pkg::PipeLatency

struct AesJob {
  bool valid = false;
  std::uint16_t tag = 0;
  const RoundKeys* keys = nullptr;
  Bytes block;
};

struct AesResult {
  long cycle = 0;  // clocks since the first job was presented, that clock counting as 1
  std::uint16_t tag = 0;
  Bytes block;
};

template <typename Pipe>
std::vector<AesResult> run_aes_pipe(Pipe& pipe, const std::vector<AesJob>& jobs) {
  std::vector<AesResult> out;
  long cycle = 0;
  auto sample = [&] {
    if (pipe.valid_o) out.push_back({cycle, pipe.tag_o, get_be(pipe.block_o, 0, 128)});
  };
  for (const AesJob& job : jobs) {
    pipe.valid_i = job.valid;
    pipe.tag_i = job.tag;
    if (job.valid) {
      pipe.aes256_i = job.keys->aes256;
      put_round_keys(pipe.round_keys_i, *job.keys);
      put_be(pipe.block_i, 0, 128, job.block);
    }
    tick(pipe);
    ++cycle;
    sample();
  }
  pipe.valid_i = 0;
  for (int i = 0; i < 2 * kAesPipeLatency; ++i) {
    tick(pipe);
    ++cycle;
    sample();
  }
  return out;
}

}  // namespace espgw::kernels::bench

// BatchedTransport: driver/hw's Transport for the HLS kernel, whatever runs it (the
// C-simulation here, xrt::kernel on a card in driver/xrt). Register writes are queued as
// commands (command_list.hpp) and go to the kernel with the next read, wait or flush, in one
// invocation; read32_many adds all its reads to that same invocation. An SA install is one
// invocation, a burst two (doorbell + run passes, then the completion index).
#pragma once

#include <cstdint>
#include <mutex>
#include <vector>

#include "driver/hw/transport.hpp"
#include "hls/command_list.hpp"

namespace espgw::hls {

class BatchedTransport : public driver::hw::Transport {
 public:
  std::uint32_t read32(std::uint32_t offset) override;
  void write32(std::uint32_t offset, std::uint32_t value) override;
  void read32_many(const std::uint32_t* offsets, std::uint32_t* values, std::size_t count) override;
  void flush() override;
  // Each step is one invocation of [queued writes, run up to kMaxRunPasses passes], then
  // ready(). Stops early when a run moved nothing: the kernel is idle until the host acts.
  bool wait_until(const std::function<bool()>& ready, std::chrono::milliseconds budget) override;

  // Kernel invocations so far, and commands they carried (tests, docs/hardware.md figures).
  std::uint64_t invocations() const;
  std::uint64_t commands() const;

 protected:
  BatchedTransport();
  // Runs the kernel once on `count` commands (kCommandWords words each, count <=
  // kMaxCommands) and fills results[0..count). Throws std::runtime_error on failure.
  virtual void invoke(const std::uint32_t* words, std::uint32_t count, std::uint32_t* results) = 0;
  // Derived destructors call this first: queued writes (a soft reset) must reach the kernel
  // while the derived part still exists.
  void flush_noexcept() noexcept;

 private:
  std::size_t append(KernelOp op, std::uint32_t offset, std::uint32_t wdata);  // caller holds mu_
  void run_locked();  // invokes the queued commands; their results are left in results_

  mutable std::mutex mu_;  // the kernel is one piece of hardware: one command list at a time
  std::vector<std::uint32_t> words_;
  std::vector<std::uint32_t> results_;
  std::uint64_t invocations_ = 0;
  std::uint64_t commands_ = 0;
};

}  // namespace espgw::hls

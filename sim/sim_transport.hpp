// SimTransport: a Verilated kernel as driver/hw's Transport. Register accesses are AXI4-Lite
// transactions on s_axi_control, DMA buffers live in an AXI4 memory model on m_axi_gmem, and
// waiting clocks the model. One model, one lock: a Verilated model is not reentrant.
// make_sim_device (sim_device.cpp) puts kernels/rtl/esp_top.sv behind it (`--backend sim`).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "driver/hw/transport.hpp"
#include "sim/axi_memory.hpp"

namespace espgw::sim {

class SimModel;

struct SimOptions {
  AxiMemoryTiming memory_timing{};
  std::uint64_t memory_limit = 1ull << 30;           // simulated device memory, as the csim transport's
  // One AXI4-Lite access; longer is a hung kernel. esp_top holds B of sa_cmd until a running
  // pass ends (64 large CBC jobs: millions of clocks), hence 2^24.
  std::uint64_t register_timeout_cycles = 1u << 24;
  std::uint32_t wait_chunk_cycles = 64;              // clocks between ready() checks in wait_until
  // wait_until goes past its (wall-clock) budget while the kernel is busy; it is stuck only
  // after a budget-long window with no AXI beat that also lasted at least this many clocks.
  std::uint64_t stuck_cycles = 1u << 20;
  unsigned reset_cycles = 16;                        // ap_rst_n held low at construction
  // Run by the destructor while the model still clocks: the kernel's own zeroize sequence.
  std::function<void(driver::hw::Transport&)> on_close;
};

class SimTransport final : public driver::hw::Transport {
 public:
  // Takes the model out of reset (ap_rst_n low for reset_cycles edges).
  SimTransport(std::unique_ptr<SimModel> model, SimOptions options = {});
  ~SimTransport() override;

  std::string describe() const override;
  std::uint32_t read32(std::uint32_t offset) override;
  void write32(std::uint32_t offset, std::uint32_t value) override;
  // One lock for the whole run (an SA record read-back is 64 reads), so another thread's
  // access cannot land between them; on the bus it is still one AR per register.
  void read32_many(const std::uint32_t* offsets, std::uint32_t* values, std::size_t count) override;
  std::unique_ptr<driver::hw::DmaBuffer> allocate(std::size_t bytes) override;
  bool wait_until(const std::function<bool()>& ready, std::chrono::milliseconds budget) override;

  // Rising edges of ap_clk since construction (reset included): the benchmark's clock.
  std::uint64_t cycles() const;
  AxiMemoryStats memory_stats() const;
  void set_memory_timing(const AxiMemoryTiming& timing);

  struct Core;  // the model, its clock, the bus agents and the lock (shared with the buffers)

 private:
  std::shared_ptr<Core> core_;
  SimOptions options_;
};

}  // namespace espgw::sim

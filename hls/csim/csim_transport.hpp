// CsimTransport: the HLS kernel compiled natively, as driver/hw's Transport. Device memory
// is a byte array the kernel's m_axi port indexes; each register access is one call of
// the kernel's top function, and waiting runs kernel passes over the descriptor ring.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "driver/hw/transport.hpp"
#include "hls/kernel_state.hpp"

namespace espgw::hls::csim {

class CsimTransport final : public driver::hw::Transport {
 public:
  CsimTransport();
  ~CsimTransport() override;

  std::string describe() const override { return "hls: C-simulation of hls/esp_kernel.cpp"; }
  std::uint32_t read32(std::uint32_t offset) override;
  void write32(std::uint32_t offset, std::uint32_t value) override;
  std::unique_ptr<driver::hw::DmaBuffer> allocate(std::size_t bytes) override;
  bool wait_until(const std::function<bool()>& ready, std::chrono::milliseconds budget) override;

  // Device memory, as the kernel's m_axi port sees it (DmaBuffer syncs copy to and from it).
  std::uint8_t* device_memory(std::uint64_t address) { return memory_.data() + address; }

 private:
  std::uint32_t call(std::uint32_t op, std::uint32_t offset, std::uint32_t wdata);

  std::mutex mu_;  // the kernel is one piece of hardware: one access at a time
  std::unique_ptr<KernelState> state_;
  std::vector<std::uint8_t> memory_;
};

}  // namespace espgw::hls::csim

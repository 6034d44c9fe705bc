// CsimTransport: the HLS kernel compiled natively, as driver/hw's Transport. Device memory
// is a byte array the kernel's m_axi port indexes; register accesses are batched into
// command lists (BatchedTransport), each list one call of the kernel's top function, as
// each would be one xrt::run of the kernel on a card.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "hls/batched_transport.hpp"
#include "hls/kernel_state.hpp"

namespace espgw::hls::csim {

class CsimTransport final : public BatchedTransport {
 public:
  CsimTransport();
  ~CsimTransport() override;

  std::string describe() const override { return "hls: C-simulation of hls/esp_kernel.cpp"; }
  std::unique_ptr<driver::hw::DmaBuffer> allocate(std::size_t bytes) override;

  // Device memory, as the kernel's m_axi port sees it (DmaBuffer syncs copy to and from it).
  std::uint8_t* device_memory(std::uint64_t address) { return memory_.data() + address; }

 protected:
  void invoke(const std::uint32_t* words, std::uint32_t count, std::uint32_t* results) override;

 private:
  std::mutex memory_mu_;  // allocate() grows memory_
  std::unique_ptr<KernelState> state_;
  std::vector<std::uint8_t> memory_;
};

}  // namespace espgw::hls::csim

// C-simulation transport. DMA buffers keep a host copy apart from device memory, so a
// missing sync in driver/hw shows up here as it would on a card; each command list is one
// call of the kernel's top function.
#include "hls/csim/csim_transport.hpp"

#include <cstring>
#include <stdexcept>

#include "hls/esp_kernel.hpp"

namespace espgw::hls::csim {
namespace {

constexpr std::uint64_t kBase = 0x1000;  // device address 0 is never handed out
constexpr std::uint64_t kAlign = 0x1000;
constexpr std::uint64_t kMemoryLimit = 1ull << 30;

class CsimBuffer final : public driver::hw::DmaBuffer {
 public:
  CsimBuffer(CsimTransport& t, std::uint64_t address, std::size_t size) : t_(t), address_(address), host_(size, 0) {}
  std::uint8_t* host() override { return host_.data(); }
  std::uint64_t device_address() const override { return address_; }
  std::size_t size() const override { return host_.size(); }
  void sync_to_device(std::size_t offset, std::size_t length) override {
    check(offset, length);
    std::memcpy(t_.device_memory(address_ + offset), host_.data() + offset, length);
  }
  void sync_from_device(std::size_t offset, std::size_t length) override {
    check(offset, length);
    std::memcpy(host_.data() + offset, t_.device_memory(address_ + offset), length);
  }

 private:
  void check(std::size_t offset, std::size_t length) const {
    if (offset > host_.size() || length > host_.size() - offset) throw std::out_of_range("DMA sync outside the buffer");
  }
  CsimTransport& t_;
  std::uint64_t address_;
  std::vector<std::uint8_t> host_;
};

}  // namespace

CsimTransport::CsimTransport() : state_(std::make_unique<KernelState>()), memory_(kBase, 0) {
  // Power-on: the kernel's registers and tables come up cleared, as after ap_rst_n.
  std::memset(state_.get(), 0, sizeof(KernelState));
}

CsimTransport::~CsimTransport() {
  flush_noexcept();  // a queued soft reset still runs, as it would on the bus
  // The simulated SA table held round keys: clear it like the card's reset would.
  std::memset(state_.get(), 0, sizeof(KernelState));
}

void CsimTransport::invoke(const std::uint32_t* words, std::uint32_t count, std::uint32_t* results) {
  std::lock_guard lock(memory_mu_);
  esp_kernel(words, count, results, memory_.data(), *state_);
}

std::unique_ptr<driver::hw::DmaBuffer> CsimTransport::allocate(std::size_t bytes) {
  std::lock_guard lock(memory_mu_);
  const std::uint64_t address = (memory_.size() + kAlign - 1) / kAlign * kAlign;
  if (address + bytes > kMemoryLimit) throw std::runtime_error("hls: simulated device memory exhausted");
  memory_.resize(address + bytes, 0);
  return std::make_unique<CsimBuffer>(*this, address, bytes);
}

}  // namespace espgw::hls::csim

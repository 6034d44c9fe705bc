// The RTL kernel esp_top through xrt::ip: the regmap's AXI4-Lite registers read and written
// one by one (each a PCIe MMIO access of about a microsecond, so no batching is needed),
// DMA through whole xrt::bo's in the CU's own memory bank with explicit sync, completions by
// bounded polling. One IpTransport is one CU, opened by its IP_LAYOUT name.
#include <chrono>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "driver/xrt/xrt_flavours.hpp"
#include "experimental/xrt_ip.h"
#include "xrt/xrt_bo.h"

namespace espgw::driver::xrt {
namespace {

class IpBuffer final : public hw::DmaBuffer {
 public:
  IpBuffer(const ::xrt::device& device, std::size_t bytes, int bank)
      : bo_(device, bytes, ::xrt::bo::flags::normal, static_cast<::xrt::memory_group>(bank)),
        host_(static_cast<std::uint8_t*>(bo_.map())),
        size_(bytes) {}
  std::uint8_t* host() override { return host_; }
  std::uint64_t device_address() const override { return bo_.address(); }
  std::size_t size() const override { return size_; }
  void sync_to_device(std::size_t offset, std::size_t length) override {
    bo_.sync(XCL_BO_SYNC_BO_TO_DEVICE, length, offset);
  }
  void sync_from_device(std::size_t offset, std::size_t length) override {
    bo_.sync(XCL_BO_SYNC_BO_FROM_DEVICE, length, offset);
  }

 private:
  ::xrt::bo bo_;
  std::uint8_t* host_;
  std::size_t size_;
};

class IpTransport final : public hw::Transport {
 public:
  IpTransport(std::shared_ptr<const LoadedXclbin> card, ::xrt::ip ip, int bank, const ComputeUnit& cu)
      : card_(std::move(card)), ip_(std::move(ip)), bank_(bank), name_(describe_cu(*card_, cu, bank_, "RTL, xrt::ip")) {}
  std::string describe() const override { return name_; }
  std::uint32_t read32(std::uint32_t offset) override { return ip_.read_register(offset); }
  void write32(std::uint32_t offset, std::uint32_t value) override { ip_.write_register(offset, value); }
  std::unique_ptr<hw::DmaBuffer> allocate(std::size_t bytes) override {
    try {
      return std::make_unique<IpBuffer>(card_->device, bytes, bank_);
    } catch (const std::exception& e) {
      throw std::runtime_error(fmt::format("{}: cannot allocate {} bytes in memory bank {}: {}", name_, bytes, bank_,
                                           e.what()));
    }
  }
  bool wait_until(const std::function<bool()>& ready, std::chrono::milliseconds budget) override {
    // A burst completes in microseconds: spin on the register a little, then back off to
    // 20 us sleeps so a stalled card does not eat a core for the whole budget. (The RTL's
    // interrupt, ctrl bit 2 via xrt::ip::create_interrupt_notify, is not used: polling
    // one register over PCIe is cheaper than an interrupt round trip at this latency.)
    const auto deadline = std::chrono::steady_clock::now() + budget;
    for (int spins = 0; !ready(); ++spins) {
      if (std::chrono::steady_clock::now() > deadline) return ready();
      if (spins >= 64) std::this_thread::sleep_for(std::chrono::microseconds(20));
    }
    return true;
  }
  std::string xclbin_uuid() const override { return card_->xclbin.uuid; }
  std::uint32_t kernel_clock_mhz() const override { return card_->xclbin.kernel_clock_mhz; }

 private:
  std::shared_ptr<const LoadedXclbin> card_;  // keeps the device open while any CU is
  ::xrt::ip ip_;
  int bank_;
  std::string name_;
};

}  // namespace

std::unique_ptr<hw::Transport> make_ip_transport(std::shared_ptr<const LoadedXclbin> card,
                                                 const FlavourOptions& options) {
  // "esp_top:esp_top_2": xrt::ip opens the IP_LAYOUT entry of exactly that name
  // (plan_compute_units); the buffers go to the CU's own bank.
  ::xrt::ip ip(card->device, card->uuid, options.cu.xrt_name);
  return std::make_unique<IpTransport>(std::move(card), std::move(ip), options.cu.bank, options.cu.cu);
}

}  // namespace espgw::driver::xrt

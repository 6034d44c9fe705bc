// XRT transport. Everything XRT throws during enumeration and open is caught and turned
// into one actionable line; on this kind of machine (no card) that is the whole story:
// without XILINX_XRT XRT throws "XILINX_XRT not set", with it "Could not open device with
// index '0'". XCL_EMULATION_MODE is not consulted: emulation is not a card.
#include "driver/xrt/xrt_transport.hpp"

#include <cctype>
#include <chrono>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "experimental/xrt_ip.h"
#include "experimental/xrt_system.h"
#include "xrt/xrt_bo.h"
#include "xrt/xrt_device.h"

namespace espgw::driver::xrt {
namespace {

class XrtBuffer final : public hw::DmaBuffer {
 public:
  XrtBuffer(const ::xrt::device& device, std::size_t bytes, int bank)
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

class XrtTransport final : public hw::Transport {
 public:
  XrtTransport(::xrt::device device, ::xrt::ip ip, std::string name, int bank)
      : device_(std::move(device)), ip_(std::move(ip)), name_(std::move(name)), bank_(bank) {}
  std::string describe() const override { return name_; }
  std::uint32_t read32(std::uint32_t offset) override { return ip_.read_register(offset); }
  void write32(std::uint32_t offset, std::uint32_t value) override { ip_.write_register(offset, value); }
  std::unique_ptr<hw::DmaBuffer> allocate(std::size_t bytes) override {
    try {
      return std::make_unique<XrtBuffer>(device_, bytes, bank_);
    } catch (const std::exception& e) {
      throw std::runtime_error(fmt::format("{}: cannot allocate {} bytes in memory bank {}: {}", name_, bytes, bank_, e.what()));
    }
  }
  bool wait_until(const std::function<bool()>& ready, std::chrono::milliseconds budget) override {
    // Polling: a completion takes microseconds on the card; the interrupt path (ctrl bit2)
    // is not needed for correctness.
    const auto deadline = std::chrono::steady_clock::now() + budget;
    while (!ready()) {
      if (std::chrono::steady_clock::now() > deadline) return ready();
      std::this_thread::sleep_for(std::chrono::microseconds(20));
    }
    return true;
  }

 private:
  ::xrt::device device_;
  ::xrt::ip ip_;
  std::string name_;
  int bank_;
};

bool all_digits(const std::string& s) {
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

}  // namespace

std::unique_ptr<hw::Transport> open_xrt_transport(const XrtOpenOptions& options) {
  const std::string which = options.device.empty() ? "0" : options.device;
  ::xrt::device device;
  try {
    if (all_digits(which)) {
      const unsigned index = static_cast<unsigned>(std::stoul(which));
      const unsigned count = ::xrt::system::enumerate_devices();
      if (index >= count)
        throw std::runtime_error(fmt::format("{} Alveo device(s) found, index {} requested", count, index));
      device = ::xrt::device(index);
    } else {
      device = ::xrt::device(which);
    }
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format(
        "xrt: no usable Alveo card '{}' ({}); install XRT and the card's platform, source "
        "/opt/xilinx/xrt/setup.sh, check `xbutil examine`, or use --backend cpu|sim|hls",
        which, e.what()));
  }
  if (options.xclbin.empty()) throw std::runtime_error("xrt: no xclbin given; build one (docs/alveo.md) and pass its path");
  try {
    const ::xrt::uuid uuid = device.load_xclbin(options.xclbin);
    ::xrt::ip ip(device, uuid, kKernelName);
    return std::make_unique<XrtTransport>(std::move(device), std::move(ip),
                                          fmt::format("xrt: device {} ({}) xclbin {}", which, options.xclbin, uuid.to_string()),
                                          options.memory_bank);
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("xrt: cannot load '{}' with kernel {} on device {}: {}", options.xclbin,
                                         kKernelName, which, e.what()));
  }
}

}  // namespace espgw::driver::xrt

// Transport: what driver/hw needs from whatever carries its register accesses and DMA
// (DESIGN.md "driver/hw"): the Verilator harness (sim/), the HLS C-simulation (hls/csim)
// and an Alveo card through XRT (driver/xrt). Transports stay thin: no register offset,
// ring index or SA-record packing lives in one; driver/hw owns all of that.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace espgw::driver::hw {

// A buffer both the host and the kernel's AXI4 master can reach (an xrt::bo on a card, a
// slice of the simulated memory in simulation). The host writes through host(), then
// sync_to_device(); the kernel's writes become visible after sync_from_device().
class DmaBuffer {
 public:
  virtual ~DmaBuffer() = default;
  virtual std::uint8_t* host() = 0;
  virtual std::uint64_t device_address() const = 0;
  virtual std::size_t size() const = 0;
  virtual void sync_to_device(std::size_t offset, std::size_t length) = 0;
  virtual void sync_from_device(std::size_t offset, std::size_t length) = 0;
};

class Transport {
 public:
  virtual ~Transport() = default;

  // One line for DeviceInfo::device, e.g. "hls: C-simulation" or "xrt: 0000:65:00.1".
  virtual std::string describe() const = 0;

  // AXI4-Lite accesses at byte offsets of the kernel's control port. Reads may have side
  // effects (event_pop), exactly as on the bus. HwDevice calls these from its control
  // thread and its data-path thread at once (never the same register sequence); a
  // transport whose bus or model is not reentrant serializes single accesses itself.
  virtual std::uint32_t read32(std::uint32_t offset) = 0;
  virtual void write32(std::uint32_t offset, std::uint32_t value) = 0;

  // Device-reachable memory; throws std::runtime_error when none is left.
  virtual std::unique_ptr<DmaBuffer> allocate(std::size_t bytes) = 0;

  // Lets the device run until ready() holds or the budget is spent; returns ready().
  // Simulated transports advance their model between checks (clock cycles, kernel passes);
  // a card polls (or waits for its interrupt). ready() reads registers through this transport.
  virtual bool wait_until(const std::function<bool()>& ready, std::chrono::milliseconds budget) = 0;
};

}  // namespace espgw::driver::hw

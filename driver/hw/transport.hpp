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

  // Optional, with defaults so a transport overrides only what it has.
  // Reads several registers in order, as that many read32s; a transport that pays per bus
  // transaction (one kernel invocation per batch, hls/xrt) does them in one.
  virtual void read32_many(const std::uint32_t* offsets, std::uint32_t* values, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) values[i] = read32(offsets[i]);
  }
  // Makes every write32 so far take effect now. A transport that batches writes until the
  // next read or wait (hls) runs them here; HwDevice calls it where nothing else follows
  // (remove_sa zeroizing a slot, close).
  virtual void flush() {}
  // The loaded xclbin's UUID and the kernel's clock, for DeviceInfo; empty/0 when the
  // transport has no xclbin (sim, hls C-simulation).
  virtual std::string xclbin_uuid() const { return {}; }
  virtual std::uint32_t kernel_clock_mhz() const { return 0; }
};

}  // namespace espgw::driver::hw

// EventRing: the device's fixed-capacity event FIFO (soft/hard lifetime, seq overflow), the
// CPU twin of the card's event FIFO. Single producer (process()), single consumer
// (poll_events(), serialised by the device); lock-free and allocation-free after
// construction. When full, new events are dropped and counted rather than blocking traffic.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "espgw/driver/esp_device.hpp"

namespace espgw::driver::cpu {

class EventRing {
 public:
  explicit EventRing(std::uint32_t capacity_pow2)
      : mask_(capacity_pow2 - 1), slots_(std::make_unique<SaEvent[]>(capacity_pow2)) {}

  // Producer side.
  bool push(const SaEvent& e) {
    const std::uint64_t head = head_.load(std::memory_order_relaxed);
    if (head - tail_.load(std::memory_order_acquire) > mask_) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    slots_[head & mask_] = e;
    head_.store(head + 1, std::memory_order_release);
    return true;
  }

  // Consumer side.
  std::size_t pop(std::span<SaEvent> out) {
    std::uint64_t tail = tail_.load(std::memory_order_relaxed);
    const std::uint64_t head = head_.load(std::memory_order_acquire);
    std::size_t n = 0;
    while (n < out.size() && tail != head) out[n++] = slots_[tail++ & mask_];
    tail_.store(tail, std::memory_order_release);
    return n;
  }

  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  const std::uint64_t mask_;
  std::unique_ptr<SaEvent[]> slots_;
  std::atomic<std::uint64_t> head_{0};
  std::atomic<std::uint64_t> tail_{0};
  std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace espgw::driver::cpu

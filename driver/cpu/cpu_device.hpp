// CpuDevice: the EspDevice of the CPU backend (DESIGN.md "The device interface"), the
// reference every other backend is compared with. process() runs a burst in three phases:
// framing prepares every job, the crypto provider runs all of them at once, framing
// finalizes. No lock and no allocation on that path; install/remove publish and unpublish
// SA slots atomically and reclaim memory only once process() has passed a quiescent point.
#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "cpu_sa.hpp"
#include "crypto_provider.hpp"
#include "event_ring.hpp"
#include "espgw/driver/esp_device.hpp"
#include "esp_framing.hpp"
#include "spi_table.hpp"

namespace espgw::driver::cpu {

class CpuDevice final : public EspDevice {
 public:
  // Jobs per provider burst: enough to fill every multi-buffer lane (16 on AVX-512) twice.
  static constexpr std::size_t kBurst = 64;

  CpuDevice(std::unique_ptr<CryptoProvider> provider, std::uint32_t sa_capacity);
  ~CpuDevice() override;

  DeviceInfo info() const override;
  InstallResult install_sa(const SaConfig& config) override;
  Status remove_sa(SaHandle handle) override;
  std::optional<SaState> read_sa(SaHandle handle) const override;
  std::vector<SaHandle> list_sas() const override;
  void process(std::span<PacketJob> jobs) override;
  std::size_t poll_events(std::span<SaEvent> out) override;
  DeviceCounters device_counters() const override;

  const CryptoProvider& provider() const { return *provider_; }

 private:
  static Status validate(const SaConfig& c);
  void process_burst(std::span<PacketJob> jobs);
  // Blocks until no process() call that might have seen an unpublished pointer still runs.
  void wait_quiescent() const;

  std::unique_ptr<CryptoProvider> provider_;
  const std::uint32_t capacity_;

  // Data path view: slot -> SA, SPI -> slot. Written by the control side only.
  std::unique_ptr<std::atomic<CpuSa*>[]> slots_;
  std::atomic<SpiTable*> spi_table_{nullptr};
  // Odd while process() runs; remove_sa waits for it to move past an odd value.
  std::atomic<std::uint64_t> epoch_{0};

  // Control side: ownership, serialised by control_mutex_.
  mutable std::mutex control_mutex_;
  std::vector<std::unique_ptr<CpuSa>> owned_;
  std::unique_ptr<SpiTable> spi_owned_;
  std::mutex events_mutex_;
  EventRing events_;

  // Device counters (single writer: process()).
  Counter bad_spi_, malformed_, bad_sa_;

  // Per-burst scratch, reused by every process() call (one caller at a time).
  std::array<CryptoOp, kBurst> out_ops_;
  std::array<CryptoOp, kBurst> in_ops_;
  std::array<std::uint32_t, kBurst> out_index_{};
  std::array<std::uint32_t, kBurst> in_index_{};
  std::array<CpuSa*, kBurst> out_sa_{};
  std::array<CpuSa*, kBurst> in_sa_{};
  std::array<EspView, kBurst> in_view_{};
};

}  // namespace espgw::driver::cpu

// MultiDevice: N ESP engines (compute units, e.g. the three GCM-only esp_top kernels of the
// 100 Gb/s configuration in docs/hardware-rtl.md) behind one EspDevice. Each unit keeps its
// own SA table; this class places SAs, routes packets by handle (outbound) or SPI (inbound,
// RFC 4303 2.1) and runs the units' bursts concurrently. docs/hardware.md "Several compute units".
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>
#include <vector>

#include "espgw/driver/esp_device.hpp"

namespace espgw::driver::multi {

class UnitWorker;

class MultiDevice final : public EspDevice {
 public:
  // Throws std::invalid_argument when units is empty, holds a null device, or the units
  // report different sa_capacity (handles are unit * capacity + local handle).
  explicit MultiDevice(std::vector<std::unique_ptr<EspDevice>> units);
  ~MultiDevice() override;
  MultiDevice(const MultiDevice&) = delete;
  MultiDevice& operator=(const MultiDevice&) = delete;

  DeviceInfo info() const override;
  InstallResult install_sa(const SaConfig& config) override;
  Status remove_sa(SaHandle handle) override;
  std::optional<SaState> read_sa(SaHandle handle) const override;
  std::vector<SaHandle> list_sas() const override;
  void process(std::span<PacketJob> jobs) override;
  std::size_t poll_events(std::span<SaEvent> out) override;
  DeviceCounters device_counters() const override;

  std::size_t unit_count() const { return units_.size(); }
  // The unit itself, for tests and diagnostics (its handles are local ones).
  EspDevice& unit(std::size_t index) { return *units_.at(index); }

 private:
  struct Local {
    std::size_t unit;
    SaHandle handle;
  };
  std::optional<Local> split(SaHandle global) const;
  SaHandle join(std::size_t unit, SaHandle local) const {
    return local == kNoSa ? kNoSa : static_cast<SaHandle>(unit * per_unit_ + local);
  }
  std::size_t unit_of_inbound(const PacketJob& job) const;  // needs spi_mutex_ held (shared)

  std::vector<std::unique_ptr<EspDevice>> units_;
  std::uint32_t per_unit_ = 0;

  // Control path (install/remove): serialized, never taken by process().
  std::mutex control_mutex_;
  std::vector<std::uint32_t> installed_;                   // SAs per unit
  std::unordered_map<SaHandle, std::uint32_t> inbound_spi_;  // global handle -> SPI, inbound SAs

  // SPI -> unit for inbound SAs. process() holds it shared once per call; writers hold it
  // only for one map update, never across a unit's install.
  mutable std::shared_mutex spi_mutex_;
  std::unordered_map<std::uint32_t, std::size_t> spi_unit_;

  // process() scratch (one caller at a time): each unit's jobs and where they came from.
  std::vector<std::vector<PacketJob>> unit_jobs_;
  std::vector<std::vector<std::size_t>> unit_index_;
  std::vector<std::unique_ptr<UnitWorker>> workers_;  // [0] unused: the caller runs one unit itself

  std::atomic<std::size_t> poll_start_{0};  // poll_events rotates its first unit
};

}  // namespace espgw::driver::multi

// HwDevice: the one register-level EspDevice (DESIGN.md "driver/hw"). It checks the
// kernel's identity, programs SAs through the staging window and sa_cmd, posts packet
// descriptors on the ring, rings the doorbell, reads completions, reads counters back
// from the SA record and pops events, all through a Transport.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "driver/hw/sa_record.hpp"
#include "driver/hw/transport.hpp"
#include "espgw/driver/esp_device.hpp"

namespace espgw::driver::hw {

struct HwOptions {
  std::string backend = "hw";          // reported in DeviceInfo ("sim", "hls", "xrt")
  std::uint32_t ring_entries = 256;    // power of two, <= kRingEntriesMax
  std::uint32_t sa_capacity = regmap::kSaCapacity;  // slots this driver uses (<= the card's)
  std::chrono::milliseconds completion_budget{10000};  // a card that stalls longer is broken
};

class HwDevice final : public EspDevice {
 public:
  // Opens the device: throws std::runtime_error naming both values when the ID or major
  // version does not match the driver's regmap, then resets and enables the kernel.
  HwDevice(std::unique_ptr<Transport> transport, HwOptions options);
  ~HwDevice() override;

  DeviceInfo info() const override;
  // kUnsupportedTransform, without touching the card, for a transform the kernel's
  // features register does not list (a GCM-only build); transform_error() says why.
  InstallResult install_sa(const SaConfig& config) override;
  Status remove_sa(SaHandle handle) override;
  std::optional<SaState> read_sa(SaHandle handle) const override;
  std::vector<SaHandle> list_sas() const override;
  void process(std::span<PacketJob> jobs) override;
  std::size_t poll_events(std::span<SaEvent> out) override;
  DeviceCounters device_counters() const override;

  // The kernel's features register as read at open (regmap::feature bits).
  std::uint32_t features() const { return features_; }
  // Why install_sa refuses this transform on this kernel, or "" when the kernel runs it.
  std::string transform_error(Transform transform) const;

 private:
  struct Slot {
    bool used = false;
    std::uint32_t spi = 0;
    Direction direction = Direction::kOutbound;
    bool esn = false;
    std::uint32_t head_bytes = 0;  // outbound: outer IPv4 (+ UDP) + ESP header + IV
  };
  struct Window {  // a job as its descriptor describes it
    std::uint32_t base = 0;      // buffer offset the card's copy starts at
    std::uint32_t offset = 0;    // packet offset within the window
    std::uint32_t length = 0;
    std::uint32_t capacity = 0;  // bytes copied to and from the card
  };

  void open_checks();
  void program_rings();
  SaRecord read_record(std::uint32_t index) const;  // caller holds ctl_mu_
  void process_chunk(std::span<PacketJob> jobs);
  Window window_for(const PacketJob& job) const;
  std::uint64_t full_seq(std::uint32_t index, std::uint32_t seq_lo);

  HwOptions options_;
  std::unique_ptr<Transport> transport_;
  std::unique_ptr<DmaBuffer> desc_ring_;
  std::unique_ptr<DmaBuffer> cmpl_ring_;
  std::unique_ptr<DmaBuffer> packets_;  // ring_entries slots of kPacketSlotBytes
  std::uint32_t card_capacity_ = 0;
  std::uint32_t max_window_ = 0;
  std::uint32_t features_ = 0;
  std::uint32_t desc_tail_ = 0;  // free-running, as the kernel's indices

  // Two locks, so that the data path never waits behind a control register sequence: an
  // install holds ctl_mu_ across ~140 register accesses, and a thread that installs, reads
  // and removes SAs in a loop re-takes it within microseconds of letting it go, which
  // starved process() of it on a loaded host (the "concurrent read_sa hang").
  mutable std::mutex ctl_mu_;    // one staging-window/sa_cmd/event sequence at a time
  mutable std::mutex slots_mu_;  // slots_, held for a look-up or an update only, never across I/O
  std::vector<Slot> slots_;      // written under both locks, read under either
  std::mutex ring_mu_;  // the rings and packets_: one process() at a time
  mutable std::mutex counters_mu_;
  DeviceCounters counters_;
};

// The DMA slot each descriptor's buffer is copied into: the descriptor's 16-bit capacity.
inline constexpr std::uint32_t kPacketSlotBytes = 65536;

}  // namespace espgw::driver::hw

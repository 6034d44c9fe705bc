// EspDevice: the one interface between the host and an ESP engine (DESIGN.md "The device
// interface"). Four implementations sit behind make_device(): cpu (the reference), and the
// register-level driver in driver/hw over the sim (Verilator), hls (C-simulation) and xrt
// (Alveo) transports. The device owns sequence numbers, replay windows, lifetimes and
// counters, as inline hardware does; the host reads them back.
//
// Threading contract (that of a hardware queue): process() is called by one thread at a
// time per device; install_sa/remove_sa/read_sa/poll_events may run on another thread at
// the same time and never stall process() on the other SAs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "espgw/driver/sa_config.hpp"

namespace espgw::driver {

using SaHandle = std::uint32_t;
inline constexpr SaHandle kNoSa = 0xFFFFFFFFu;

// Bytes an outbound packet may grow by: outer IPv4 (20) + UDP (8) + ESP header (8) +
// IV (16) + padding (up to 15) + pad length and next header (2) + ICV (16) = 85, rounded up.
inline constexpr std::uint32_t kMaxEspOverhead = 96;
// Headroom in front of a cleartext packet so outbound encapsulation runs in place:
// outer IPv4 + UDP + ESP header + IV.
inline constexpr std::uint32_t kOutboundHeadroom = 20 + 8 + 8 + 16;

// One packet, processed in place. The packet occupies buffer[offset, offset + length).
// Outbound: the caller names the SA; the device writes the outer IPv4 (and UDP) header,
// the ESP header and IV into the headroom in front of the packet and the trailer and ICV
// after it, then updates offset/length to the ESP packet (a full outer IPv4 datagram).
// Inbound: the buffer holds the outer IPv4 datagram (with UDP header when encapsulated);
// the device finds the SA by SPI and, on success, leaves offset/length on the inner packet.
// On any failure the packet bytes are unspecified and status says why.
struct PacketJob {
  // in
  Direction direction = Direction::kOutbound;
  SaHandle sa = kNoSa;  // outbound: the SA to use; inbound: out, the SA that matched
  std::uint8_t* buffer = nullptr;
  std::uint32_t capacity = 0;
  std::uint32_t offset = 0;
  std::uint32_t length = 0;
  // out
  Status status = Status::kOk;
  std::uint64_t seq = 0;  // the sequence number used (outbound) or accepted (inbound)

  std::span<const std::uint8_t> packet() const { return {buffer + offset, length}; }
};

struct SaEvent {
  SaEventKind kind = SaEventKind::kSoftLifetime;
  SaHandle sa = kNoSa;
  std::uint32_t spi = 0;
};

struct InstallResult {
  Status status = Status::kOk;  // kOk, kInvalidConfig, kTableFull, kSpiInUse or kUnsupportedTransform
  SaHandle handle = kNoSa;
};

struct DeviceInfo {
  std::string backend;      // "cpu", "sim", "hls", "xrt"
  std::string device;       // e.g. "cpu: intel-ipsec-mb 1.3 (avx512)" or a card's BDF
  std::string provider;     // crypto provider or kernel identity
  std::uint32_t sa_capacity = 0;
  std::uint32_t max_replay_window = 0;
  std::string xclbin_uuid;             // xrt: the loaded xclbin's UUID; empty on other backends
  std::uint32_t kernel_clock_mhz = 0;  // xrt: the kernel's clock from the xclbin; 0 = unknown
};

class EspDevice {
 public:
  virtual ~EspDevice() = default;

  virtual DeviceInfo info() const = 0;

  // Validates and installs an SA; keys are copied into the device. Never blocks process().
  virtual InstallResult install_sa(const SaConfig& config) = 0;
  // Removes the SA and zeroizes its key material. kBadSa if there is none at the handle.
  virtual Status remove_sa(SaHandle handle) = 0;
  // The SA as the device holds it (never keys); nullopt if the slot is empty.
  virtual std::optional<SaState> read_sa(SaHandle handle) const = 0;
  // Handles of every installed SA, in slot order.
  virtual std::vector<SaHandle> list_sas() const = 0;

  // Processes a burst. Every job gets a status; drops are counted on the SA they belong to
  // (or, for kBadSpi/kMalformed before an SA is known, on the device's own counters).
  virtual void process(std::span<PacketJob> jobs) = 0;

  // Drains up to out.size() pending events; returns how many were written.
  virtual std::size_t poll_events(std::span<SaEvent> out) = 0;

  // Drops not attributable to any SA (unknown SPI, packets too short to carry one).
  struct DeviceCounters {
    std::uint64_t bad_spi = 0;
    std::uint64_t malformed = 0;
    std::uint64_t bad_sa = 0;
  };
  virtual DeviceCounters device_counters() const = 0;
};

// Which backend to open. "auto" = xrt when a card is present, else cpu.
struct DeviceOptions {
  std::string backend = "cpu";   // cpu | sim | hls | xrt | auto
  std::string provider = "auto"; // cpu backend: auto | ipsec-mb | openssl
  std::string device;            // xrt: index or BDF; sim/hls: unused
  std::string xclbin;            // xrt: path to the xclbin
  std::uint32_t sa_capacity = regmap::kSaCapacity;  // per compute unit
  std::uint32_t compute_units = 1;  // > 1: that many units of `backend` behind one device (1..16)
};

// Opens a device; throws std::runtime_error with one clear line when the backend is
// unknown, not built in, or cannot open (e.g. no card).
std::unique_ptr<EspDevice> make_device(const DeviceOptions& options);

// The backend names compiled into this build, for --help and errors.
std::vector<std::string> available_backends();

}  // namespace espgw::driver

// The register-level driver. Programming sequences (docs/hardware.md): open = read id and
// version, soft reset, program both rings, enable; install = stage 64 words, sa_index,
// sa_cmd=1; read = sa_cmd=2 then read the window; process = fill descriptors, write
// desc_tail, wait for cmpl_tail, read completions in order.
#include "driver/hw/hw_device.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace espgw::driver::hw {
namespace {

namespace reg = regmap::reg;
namespace dw = regmap::descriptor_word;
namespace cw = regmap::completion_word;

constexpr std::uint32_t kCtrlEnable = 1u << 0;
constexpr std::uint32_t kCtrlSoftReset = 1u << 1;
constexpr std::uint32_t kSaCmdWrite = 1, kSaCmdRead = 2, kSaCmdInvalidate = 3;
constexpr std::uint32_t kNoSlot = 0xFFFF;
constexpr std::uint32_t kCmplSeqValid = 1u << 16;      // completion status_sa bit 16
constexpr std::uint32_t kCmplSeqHiWritten = 1u << 17;  // bit 17: descriptor seq_hi_wb is valid
constexpr std::uint32_t kMaxField = 0xFFFF;  // offset, length and capacity are 16-bit fields

void put_le32(std::uint8_t* p, std::uint32_t v) {
  p[0] = static_cast<std::uint8_t>(v);
  p[1] = static_cast<std::uint8_t>(v >> 8);
  p[2] = static_cast<std::uint8_t>(v >> 16);
  p[3] = static_cast<std::uint8_t>(v >> 24);
}
std::uint32_t get_le32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16) | (std::uint32_t{p[3]} << 24);
}

}  // namespace

HwDevice::HwDevice(std::unique_ptr<Transport> transport, HwOptions options)
    : options_(std::move(options)), transport_(std::move(transport)) {
  if (!transport_) throw std::runtime_error(options_.backend + ": no transport");
  if (options_.sa_capacity == 0) throw std::runtime_error(options_.backend + " backend: sa_capacity must be at least 1");
  const std::uint32_t n = options_.ring_entries;
  if (n == 0 || (n & (n - 1)) != 0 || n > regmap::kRingEntriesMax)
    throw std::runtime_error(fmt::format("{}: ring size {} is not a power of two <= {}", options_.backend, n,
                                         regmap::kRingEntriesMax));
  open_checks();
  slots_.resize(std::min(options_.sa_capacity, card_capacity_));
  desc_ring_ = transport_->allocate(std::size_t{n} * dw::kBytes);
  cmpl_ring_ = transport_->allocate(std::size_t{n} * cw::kBytes);
  packets_ = transport_->allocate(std::size_t{n} * kPacketSlotBytes);
  program_rings();
}

HwDevice::~HwDevice() {
  // Disable and reset: the kernel zeroizes every SA slot (keys and round keys) on reset.
  try {
    transport_->write32(reg::kCtrl, kCtrlSoftReset);
    transport_->flush();
  } catch (const std::exception&) {  // a vanished card has nothing left to zeroize
  }
}

void HwDevice::open_checks() {
  const std::uint32_t id = transport_->read32(reg::kId);
  if (id != regmap::kDeviceId)
    throw std::runtime_error(fmt::format("{}: ID register reads {:#010x}, expected {:#010x} ('ESPG'): not an espgw ESP kernel",
                                         transport_->describe(), id, regmap::kDeviceId));
  const std::uint32_t version = transport_->read32(reg::kVersion);
  const std::uint32_t major = version >> 16, minor = version & 0xFFFF;
  if (major != regmap::kVersionMajor || minor < regmap::kVersionMinor)
    throw std::runtime_error(fmt::format("{}: kernel version {}.{} does not match driver version {}.{}; rebuild the xclbin",
                                         transport_->describe(), major, minor, regmap::kVersionMajor,
                                         regmap::kVersionMinor));
  const std::uint32_t caps = transport_->read32(reg::kCaps);
  card_capacity_ = caps & 0xFFFF;
  max_window_ = caps >> 16;
  if (card_capacity_ == 0) card_capacity_ = 0x10000;  // 16-bit field: 0 reads as 65536
  // Which transforms this kernel build runs (a GCM-only build has no CBC or HMAC engines).
  // A kernel without the register reads 0 there: such kernels never left this repository,
  // so 0 means what it says, no transform, and every install is refused with that reason.
  features_ = transport_->read32(reg::kFeatures);
}

std::string HwDevice::transform_error(Transform transform) const {
  const std::uint32_t bit = regmap::feature_bit(transform);
  if (bit != 0 && (features_ & bit) != 0) return {};
  if ((features_ & regmap::feature::kAll) == 0)
    return fmt::format("{}: the kernel reports no transforms (features register {:#x}); it cannot run {}",
                       transport_->describe(), features_, regmap::to_string(transform));
  std::string has;
  for (const Transform t : {Transform::kAesGcm16, Transform::kAesCbcHmacSha256, Transform::kAesCbcHmacSha1}) {
    if (features_ & regmap::feature_bit(t)) has += fmt::format("{}{}", has.empty() ? "" : ", ", regmap::to_string(t));
  }
  return fmt::format("{}: this kernel build runs {} only (features register {:#x}), not {}", transport_->describe(), has,
                     features_, regmap::to_string(transform));
}

void HwDevice::program_rings() {
  transport_->write32(reg::kCtrl, kCtrlSoftReset);
  const std::uint64_t d = desc_ring_->device_address(), c = cmpl_ring_->device_address();
  transport_->write32(reg::kDescRingLo, static_cast<std::uint32_t>(d));
  transport_->write32(reg::kDescRingHi, static_cast<std::uint32_t>(d >> 32));
  transport_->write32(reg::kCmplRingLo, static_cast<std::uint32_t>(c));
  transport_->write32(reg::kCmplRingHi, static_cast<std::uint32_t>(c >> 32));
  transport_->write32(reg::kRingSize, options_.ring_entries);
  transport_->write32(reg::kCtrl, kCtrlEnable);
  if (transport_->read32(reg::kRingSize) != options_.ring_entries)
    throw std::runtime_error(fmt::format("{}: kernel refused a ring of {} entries", transport_->describe(),
                                         options_.ring_entries));
  desc_tail_ = 0;
}

DeviceInfo HwDevice::info() const {
  DeviceInfo i;
  i.backend = options_.backend;
  i.device = transport_->describe();
  i.provider = fmt::format("espgw ESP kernel {}.{} (id {:#010x})", regmap::kVersionMajor, regmap::kVersionMinor,
                           regmap::kDeviceId);
  i.sa_capacity = static_cast<std::uint32_t>(slots_.size());
  i.max_replay_window = max_window_;
  i.xclbin_uuid = transport_->xclbin_uuid();
  i.kernel_clock_mhz = transport_->kernel_clock_mhz();
  return i;
}

InstallResult HwDevice::install_sa(const SaConfig& config) {
  const Status valid = validate_sa(config, max_window_);
  if (valid != Status::kOk) return {valid, kNoSa};
  if (!transform_error(config.transform).empty()) return {Status::kUnsupportedTransform, kNoSa};
  std::lock_guard lock(ctl_mu_);  // installs and removes are serialized: free_slot stays free
  std::uint32_t free_slot = kNoSa;
  for (std::uint32_t i = 0; i < slots_.size(); ++i) {
    const Slot& s = slots_[i];
    if (!s.used) {
      if (free_slot == kNoSa) free_slot = i;
    } else if (config.direction == Direction::kInbound && s.direction == Direction::kInbound && s.spi == config.spi) {
      return {Status::kSpiInUse, kNoSa};
    }
  }
  if (free_slot == kNoSa) return {Status::kTableFull, kNoSa};
  SaRecord record = pack_sa(config);
  for (std::uint32_t i = 0; i < record.size(); ++i) transport_->write32(reg::kSaStage + 4 * i, record[i]);
  zeroize_record(record);
  transport_->write32(reg::kSaIndex, free_slot);
  transport_->write32(reg::kSaCmd, kSaCmdWrite);
  // The kernel leaves a record it cannot run invalid; read the flags back to know.
  const SaRecord back = read_record(free_slot);
  if (!(back[regmap::sa_word::kFlags] & regmap::sa_flag::kValid)) return {Status::kInvalidConfig, kNoSa};
  const bool gcm = config.transform == Transform::kAesGcm16;
  const std::uint32_t head = 20 + (config.udp_encap ? 8 : 0) + 8 + (gcm ? 8 : 16);  // IPv4, UDP, ESP, IV
  std::lock_guard slots_lock(slots_mu_);
  slots_[free_slot] = Slot{true, config.spi, config.direction, config.esn, head};
  return {Status::kOk, free_slot};
}

Status HwDevice::remove_sa(SaHandle handle) {
  std::lock_guard lock(ctl_mu_);
  if (handle >= slots_.size() || !slots_[handle].used) return Status::kBadSa;
  transport_->write32(reg::kSaIndex, handle);
  transport_->write32(reg::kSaCmd, kSaCmdInvalidate);
  transport_->flush();  // the slot's keys are zeroized now, not at the next access
  std::lock_guard slots_lock(slots_mu_);
  slots_[handle] = Slot{};
  return Status::kOk;
}

SaRecord HwDevice::read_record(std::uint32_t index) const {
  transport_->write32(reg::kSaIndex, index);
  transport_->write32(reg::kSaCmd, kSaCmdRead);
  SaRecord r{};
  SaRecord offsets{};
  for (std::uint32_t i = 0; i < offsets.size(); ++i) offsets[i] = reg::kSaStage + 4 * i;
  transport_->read32_many(offsets.data(), r.data(), r.size());
  return r;
}

std::optional<SaState> HwDevice::read_sa(SaHandle handle) const {
  std::lock_guard lock(ctl_mu_);
  if (handle >= slots_.size() || !slots_[handle].used) return std::nullopt;
  return unpack_sa(read_record(handle));
}

std::vector<SaHandle> HwDevice::list_sas() const {
  std::lock_guard lock(slots_mu_);
  std::vector<SaHandle> out;
  for (std::uint32_t i = 0; i < slots_.size(); ++i)
    if (slots_[i].used) out.push_back(i);
  return out;
}

std::size_t HwDevice::poll_events(std::span<SaEvent> out) {
  std::lock_guard lock(ctl_mu_);
  std::size_t n = 0;
  std::uint32_t pending = transport_->read32(reg::kEventCount);
  while (n < out.size() && pending-- > 0) {
    const std::uint32_t v = transport_->read32(reg::kEventPop);
    const std::uint32_t index = v & 0xFFFF;
    SaEvent e;
    e.kind = static_cast<SaEventKind>(v >> 24);
    e.sa = index;
    e.spi = index < slots_.size() ? slots_[index].spi : 0;
    out[n++] = e;
  }
  return n;
}

EspDevice::DeviceCounters HwDevice::device_counters() const {
  std::lock_guard lock(counters_mu_);
  return counters_;
}

// The part of a job's buffer the card is given, in the descriptor's 16-bit fields. The
// window starts where the result can start (outbound: the SA's header length before the
// packet, inbound: the packet), so offsets stay small whatever the buffer's size; a
// capacity of 0xFFFF means "65535 or more" (esp_regs.json descriptor). The statuses are the
// CPU backend's for every job, including ones whose fields do not fit: an inconsistent job
// becomes an empty window past its capacity (malformed), an outbound packet longer than
// 65535 bytes a zero-length one (malformed: it cannot be one IPv4 datagram).
HwDevice::Window HwDevice::window_for(const PacketJob& job) const {
  Window w;
  if (job.offset > job.capacity || job.length > job.capacity - job.offset) {
    w.offset = 1;  // > capacity 0: the kernel answers malformed after its SA checks
    return w;
  }
  std::uint32_t room = 0;
  if (job.direction == Direction::kOutbound) {
    std::lock_guard lock(slots_mu_);
    if (job.sa < slots_.size() && slots_[job.sa].used) room = std::min(job.offset, slots_[job.sa].head_bytes);
  }
  w.base = job.offset - room;
  w.offset = room;
  w.capacity = std::min<std::uint32_t>(job.capacity - w.base, kMaxField);
  if (job.direction == Direction::kOutbound)
    w.length = job.length <= kMaxField ? job.length : 0;
  else
    w.length = std::min<std::uint32_t>(job.length, kMaxField);  // an IPv4 datagram is <= 65535
  return w;
}

void HwDevice::process(std::span<PacketJob> jobs) {
  std::lock_guard lock(ring_mu_);
  for (std::size_t start = 0; start < jobs.size(); start += options_.ring_entries)
    process_chunk(jobs.subspan(start, std::min<std::size_t>(options_.ring_entries, jobs.size() - start)));
}

// The completion carries the low 32 bits of the sequence number; with ESN the high half
// is the one that puts it at or just below the SA's sequence state after the batch
// (outbound: last sent; inbound: window top), which no accepted packet can exceed.
std::uint64_t HwDevice::full_seq(std::uint32_t index, std::uint32_t seq_lo) {
  // Only for a kernel without the seq_hi write-back (docs/hardware.md): the one place the
  // data path takes ctl_mu_, since it reads the record through the staging window.
  std::lock_guard lock(ctl_mu_);
  if (index >= slots_.size() || !slots_[index].esn) return seq_lo;
  const SaRecord r = read_record(index);
  const std::uint64_t top = (std::uint64_t{r[regmap::sa_word::kSeqHi]} << 32) | r[regmap::sa_word::kSeqLo];
  std::uint64_t s = (top & ~0xFFFFFFFFull) | seq_lo;
  if (s > top) s -= 0x100000000ull;
  return s;
}

void HwDevice::process_chunk(std::span<PacketJob> jobs) {
  std::uint8_t* desc = desc_ring_->host();
  std::uint8_t* slots = packets_->host();
  const std::uint32_t n = options_.ring_entries;
  std::vector<bool> posted(jobs.size(), false);
  std::vector<Window> windows(jobs.size());
  const std::uint32_t first = desc_tail_;
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    PacketJob& job = jobs[j];
    const std::uint32_t slot = desc_tail_ % n;  // descriptor slot == packet slot
    if (job.buffer == nullptr || (job.direction != Direction::kOutbound && job.direction != Direction::kInbound)) {
      job.status = Status::kMalformed;  // nothing the card could be given
      std::lock_guard lock(counters_mu_);
      ++counters_.malformed;
      continue;
    }
    const Window w = window_for(job);
    windows[j] = w;
    std::memcpy(slots + std::size_t{slot} * kPacketSlotBytes, job.buffer + w.base, w.capacity);
    packets_->sync_to_device(std::size_t{slot} * kPacketSlotBytes, w.capacity);
    const std::uint64_t addr = packets_->device_address() + std::uint64_t{slot} * kPacketSlotBytes;
    std::uint8_t* d = desc + std::size_t{slot} * dw::kBytes;
    std::memset(d, 0, dw::kBytes);
    put_le32(d + 4 * dw::kBufAddrLo, static_cast<std::uint32_t>(addr));
    put_le32(d + 4 * dw::kBufAddrHi, static_cast<std::uint32_t>(addr >> 32));
    put_le32(d + 4 * dw::kInOffsetLen, (w.offset << 16) | w.length);
    put_le32(d + 4 * dw::kCapacityFlags, (w.capacity << 16) | (job.direction == Direction::kInbound ? 1u : 0u));
    put_le32(d + 4 * dw::kSaIndex, job.direction == Direction::kInbound ? 0 : job.sa);
    put_le32(d + 4 * dw::kCookie, static_cast<std::uint32_t>(j));
    posted[j] = true;
    ++desc_tail_;
  }
  const std::uint32_t count = desc_tail_ - first;
  if (count == 0) return;
  desc_ring_->sync_to_device(0, std::size_t{n} * dw::kBytes);
  transport_->write32(reg::kDescTail, desc_tail_);
  const std::uint32_t target = desc_tail_;
  if (!transport_->wait_until([&] { return transport_->read32(reg::kCmplTail) == target; }, options_.completion_budget))
    throw std::runtime_error(fmt::format("{}: kernel completed {} of {} descriptors within {} ms; the device is stuck",
                                         transport_->describe(), transport_->read32(reg::kCmplTail) - first, count,
                                         options_.completion_budget.count()));
  cmpl_ring_->sync_from_device(0, std::size_t{n} * cw::kBytes);
  desc_ring_->sync_from_device(0, std::size_t{n} * dw::kBytes);  // seq_hi write-backs
  const std::uint8_t* cmpl = cmpl_ring_->host();
  for (std::uint32_t k = 0; k < count; ++k) {
    const std::uint32_t slot = (first + k) % n;
    const std::uint8_t* c = cmpl + std::size_t{slot} * cw::kBytes;
    const std::uint32_t cookie = get_le32(c + 4 * cw::kCookie);
    if (cookie >= jobs.size() || !posted[cookie])
      throw std::runtime_error(fmt::format("{}: completion {} carries unknown cookie {}", transport_->describe(), k, cookie));
    PacketJob& job = jobs[cookie];
    const std::uint32_t status_sa = get_le32(c + 4 * cw::kStatusSa);
    const std::uint32_t out = get_le32(c + 4 * cw::kOutOffsetLen);
    const std::uint32_t sa = status_sa & 0xFFFF;
    if ((status_sa >> 24) > static_cast<std::uint32_t>(Status::kSpiInUse))
      throw std::runtime_error(fmt::format("{}: completion {} carries unknown status {}; the kernel is not the one "
                                           "this driver was built for", transport_->describe(), k, status_sa >> 24));
    job.status = static_cast<Status>(status_sa >> 24);
    if (job.direction == Direction::kInbound) job.sa = sa == kNoSlot ? kNoSa : sa;
    // Descriptor slot of this job: the kernel completes in order, so it equals `slot`.
    const Window& w = windows[cookie];
    packets_->sync_from_device(std::size_t{slot} * kPacketSlotBytes, w.capacity);
    std::memcpy(job.buffer + w.base, slots + std::size_t{slot} * kPacketSlotBytes, w.capacity);
    const std::uint32_t seq_lo = get_le32(c + 4 * cw::kSeqLo);
    auto seq64 = [&] {
      if (status_sa & kCmplSeqHiWritten)
        return (std::uint64_t{get_le32(desc_ring_->host() + std::size_t{slot} * dw::kBytes + 4 * dw::kSeqHiWb)} << 32) | seq_lo;
      return full_seq(sa, seq_lo);  // a kernel without the write-back: infer it
    };
    if (job.status == Status::kOk) {
      job.offset = w.base + (out >> 16);
      job.length = out & 0xFFFF;
      job.seq = seq64();
    } else {
      // A failed job keeps its seq, unless it failed after taking one (CPU backend's rule).
      if (status_sa & kCmplSeqValid) job.seq = seq64();
      std::lock_guard lock(counters_mu_);
      if (job.status == Status::kBadSpi) ++counters_.bad_spi;
      if (job.status == Status::kBadSa) ++counters_.bad_sa;
      if (job.status == Status::kMalformed && sa == kNoSlot) ++counters_.malformed;
    }
  }
}

}  // namespace espgw::driver::hw

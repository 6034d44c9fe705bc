// AXI4 slave memory model. Rules it holds the DUT to (IHI 0022): a burst never crosses a
// 4 KB boundary (A3.4.1), WLAST marks exactly the last beat (A3.2.2), only INCR bursts of at
// most 16-byte beats (what the kernel contract uses). Its own side keeps VALID asserted until
// the handshake and data stable meanwhile, whatever the stall knob says (A3.2.1).
#include "sim/axi_memory.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace espgw::sim {
namespace {
constexpr std::uint8_t kRespOkay = 0, kRespDecErr = 3;
constexpr std::uint8_t kBurstIncr = 1;
constexpr unsigned kBusBytes = 16;  // 128-bit data bus
constexpr std::uint64_t kBoundary = 4096;
}  // namespace

AxiMemory::AxiMemory(SimClock& clock, AxiMemoryPorts ports, std::uint64_t limit_bytes, AxiMemoryTiming timing)
    : p_(ports), limit_(limit_bytes), timing_(timing), rng_(timing.seed), bytes_(kBase, 0) {
  *p_.arready = *p_.awready = *p_.wready = 0;
  *p_.rvalid = *p_.bvalid = *p_.rlast = 0;
  *p_.rresp = *p_.bresp = *p_.rid = *p_.bid = 0;
  std::fill(p_.rdata, p_.rdata + 4, 0u);
  clock.attach(*this);
}

std::uint64_t AxiMemory::allocate(std::size_t bytes) {
  const std::uint64_t rounded = std::max<std::uint64_t>(kPage, (bytes + kPage - 1) / kPage * kPage);
  if (next_ + rounded > limit_)
    throw std::runtime_error(fmt::format("sim: simulated device memory exhausted ({} bytes asked, {} of {} in use)",
                                         bytes, next_, limit_));
  const std::uint64_t address = next_;
  next_ += rounded;
  bytes_.resize(next_, 0);
  live_[address] = rounded;
  return address;
}

void AxiMemory::release(std::uint64_t address) {
  auto it = live_.find(address);
  if (it == live_.end()) return;
  std::memset(bytes_.data() + it->first, 0, it->second);
  live_.erase(it);
}

bool AxiMemory::inside_allocation(std::uint64_t address, std::uint64_t length) const {
  auto it = live_.upper_bound(address);
  if (it == live_.begin()) return false;
  --it;
  return address >= it->first && length <= it->second && address - it->first <= it->second - length;
}

void AxiMemory::write(std::uint64_t address, const std::uint8_t* data, std::size_t length) {
  if (!inside_allocation(address, length))
    throw std::out_of_range(fmt::format("sim: host write of {} bytes at {:#x} outside every allocation", length, address));
  std::memcpy(bytes_.data() + address, data, length);
}

void AxiMemory::read(std::uint64_t address, std::uint8_t* out, std::size_t length) const {
  if (!inside_allocation(address, length))
    throw std::out_of_range(fmt::format("sim: host read of {} bytes at {:#x} outside every allocation", length, address));
  std::memcpy(out, bytes_.data() + address, length);
}

void AxiMemory::set_timing(const AxiMemoryTiming& timing) {
  timing_ = timing;
  rng_ = timing.seed;
}

bool AxiMemory::stall() {
  if (timing_.stall_percent == 0) return false;
  rng_ = rng_ * 6364136223846793005ull + 1442695040888963407ull;  // Knuth's MMIX LCG
  const bool held = (rng_ >> 33) % 100 < timing_.stall_percent;
  stats_.stalls += held;
  return held;
}

AxiMemory::Burst AxiMemory::accept(const Handshake& h, const char* channel) {
  if (h.burst != kBurstIncr)
    throw AxiProtocolError(fmt::format("axi memory: {} burst type {} at {:#x}; the kernel contract uses INCR (1) only",
                                       channel, h.burst, h.address));
  if ((1u << h.size) > kBusBytes)
    throw AxiProtocolError(fmt::format("axi memory: {} size {} ({} bytes per beat) is wider than the 16-byte bus",
                                       channel, h.size, 1u << h.size));
  Burst b;
  b.address = h.address;
  b.beats = unsigned{h.len} + 1;
  b.size_log = h.size;
  b.id = h.id;
  const std::uint64_t step = 1ull << h.size;
  const std::uint64_t start = h.address & ~(step - 1);
  const std::uint64_t end = start + b.beats * step;  // one past the last byte of the last beat
  if (start / kBoundary != (end - 1) / kBoundary)
    throw AxiProtocolError(fmt::format("axi memory: {} burst at {:#x} of {} x {} bytes crosses a 4 KB boundary", channel,
                                       h.address, b.beats, step));
  b.decoded = inside_allocation(start, end - start);
  if (!b.decoded) ++stats_.decode_errors;
  return b;
}

std::uint64_t AxiMemory::beat_address(const Burst& b) const {
  if (b.done == 0) return b.address;
  const std::uint64_t step = 1ull << b.size_log;
  return (b.address & ~(step - 1)) + b.done * step;
}

void AxiMemory::sample() {
  ar_fire_ = *p_.arvalid && *p_.arready;
  aw_fire_ = *p_.awvalid && *p_.awready;
  w_fire_ = *p_.wvalid && *p_.wready;
  r_fire_ = *p_.rvalid && *p_.rready;
  b_fire_ = *p_.bvalid && *p_.bready;
  if (ar_fire_) ar_ = {*p_.araddr, *p_.arlen, *p_.arsize, *p_.arburst, *p_.arid};
  if (aw_fire_) aw_ = {*p_.awaddr, *p_.awlen, *p_.awsize, *p_.awburst, *p_.awid};
  if (w_fire_) {
    std::memcpy(wdata_, p_.wdata, sizeof wdata_);
    wstrb_ = *p_.wstrb;
    wlast_ = *p_.wlast != 0;
  }
}

void AxiMemory::drive_read_beat() {
  const Burst& b = reads_.front();
  const std::uint64_t lane0 = beat_address(b) & ~std::uint64_t{kBusBytes - 1};
  std::uint8_t beat[kBusBytes] = {};
  if (b.decoded) std::memcpy(beat, bytes_.data() + lane0, kBusBytes);
  for (unsigned i = 0; i < 4; ++i)  // byte lane k is bits 8k+7..8k: little-endian words
    p_.rdata[i] = std::uint32_t{beat[4 * i]} | std::uint32_t{beat[4 * i + 1]} << 8 |
                  std::uint32_t{beat[4 * i + 2]} << 16 | std::uint32_t{beat[4 * i + 3]} << 24;
  *p_.rresp = b.decoded ? kRespOkay : kRespDecErr;
  *p_.rlast = b.done + 1 == b.beats;
  *p_.rid = b.id;
  *p_.rvalid = 1;
}

void AxiMemory::update() {
  ++now_;
  // --- responses the edge completed ---
  if (r_fire_) {
    ++stats_.read_beats;
    if (++reads_.front().done == reads_.front().beats) reads_.pop_front();
    *p_.rvalid = 0;
  }
  if (b_fire_) {
    answers_.pop_front();
    *p_.bvalid = 0;
  }
  // --- write data: always for the oldest accepted AW (AXI4 has no write interleaving) ---
  if (w_fire_) {
    Burst& b = writes_.front();
    const bool last = b.done + 1 == b.beats;
    if (wlast_ != last)
      throw AxiProtocolError(fmt::format("axi memory: W beat {} of {} for the burst at {:#x} has WLAST={}", b.done + 1,
                                         b.beats, b.address, wlast_ ? 1 : 0));
    if (b.decoded) {
      const std::uint64_t lane0 = beat_address(b) & ~std::uint64_t{kBusBytes - 1};
      for (unsigned k = 0; k < kBusBytes; ++k)
        if (wstrb_ & (1u << k)) bytes_[lane0 + k] = static_cast<std::uint8_t>(wdata_[k / 4] >> (8 * (k % 4)));
    }
    ++stats_.write_beats;
    if (++b.done == b.beats) {
      b.ready_at = now_ + timing_.write_latency;
      answers_.push_back(b);
      writes_.pop_front();
    }
  }
  // --- new requests ---
  if (aw_fire_) {
    writes_.push_back(accept(aw_, "AW"));
    ++stats_.write_bursts;
  }
  if (ar_fire_) {
    Burst b = accept(ar_, "AR");
    b.ready_at = now_ + timing_.read_latency;
    reads_.push_back(b);
    ++stats_.read_bursts;
  }
  stats_.max_reads_in_flight = std::max<std::uint64_t>(stats_.max_reads_in_flight, reads_.size());
  stats_.max_writes_in_flight = std::max<std::uint64_t>(stats_.max_writes_in_flight, writes_.size() + answers_.size());
  ar_fire_ = r_fire_ = aw_fire_ = w_fire_ = b_fire_ = false;

  // --- drive the next cycle; a VALID already up stays up with its data unchanged ---
  *p_.arready = reads_.size() < timing_.max_outstanding && !stall();
  *p_.awready = writes_.size() + answers_.size() < timing_.max_outstanding && !stall();
  *p_.wready = !writes_.empty() && !stall();
  if (!*p_.rvalid && !reads_.empty() && now_ >= reads_.front().ready_at && !stall()) drive_read_beat();
  if (!*p_.bvalid && !answers_.empty() && now_ >= answers_.front().ready_at && !stall()) {
    *p_.bresp = answers_.front().decoded ? kRespOkay : kRespDecErr;
    *p_.bid = answers_.front().id;
    *p_.bvalid = 1;
  }
}

}  // namespace espgw::sim

// AxiMemory: the device memory behind a Verilated kernel's m_axi_gmem port, as an AXI4 slave
// (AMBA AXI4, IHI 0022): INCR bursts of up to 256 beats, byte strobes, several outstanding
// bursts per direction answered in order, and knobs for deterministic latency and
// backpressure. It also hands out device addresses with the C-simulation transport's rules:
// 4 KB aligned, address 0 never used, a bounded total.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <stdexcept>
#include <vector>

#include "sim/axi_ports.hpp"
#include "sim/sim_clock.hpp"

namespace espgw::sim {

// The DUT broke the AXI protocol (a 4 KB crossing, a wrong WLAST, an unsupported burst):
// an RTL bug, reported at the handshake where it happened.
class AxiProtocolError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

struct AxiMemoryTiming {
  unsigned read_latency = 0;     // cycles from an AR handshake to its first R beat
  unsigned write_latency = 0;    // cycles from a burst's last W beat to its B response
  unsigned max_outstanding = 4;  // bursts accepted per direction before AWREADY/ARREADY drop
  unsigned stall_percent = 0;    // per cycle and channel: chance READY, or a new VALID, is held off
  std::uint64_t seed = 1;        // of that stall sequence, so a failing run repeats exactly
};

struct AxiMemoryStats {
  std::uint64_t read_bursts = 0, write_bursts = 0;
  std::uint64_t read_beats = 0, write_beats = 0;
  std::uint64_t decode_errors = 0;        // bursts outside every allocation (answered DECERR)
  std::uint64_t max_reads_in_flight = 0;  // most read bursts accepted and not yet finished
  std::uint64_t max_writes_in_flight = 0;
  std::uint64_t stalls = 0;  // READY or VALID held off by the stall knob
};

class AxiMemory final : public ClockedAgent {
 public:
  static constexpr std::uint64_t kBase = 0x1000;  // device address 0 is never handed out
  static constexpr std::uint64_t kPage = 0x1000;  // allocations are 4 KB aligned

  AxiMemory(SimClock& clock, AxiMemoryPorts ports, std::uint64_t limit_bytes, AxiMemoryTiming timing = {});

  // Device memory for a buffer; throws std::runtime_error when the limit would be passed.
  std::uint64_t allocate(std::size_t bytes);
  // The range becomes unreachable (DECERR) and is zeroed; addresses are not reused.
  void release(std::uint64_t address);

  // Host-side copies (DMA syncs, tests); the range must lie inside one allocation.
  void write(std::uint64_t address, const std::uint8_t* data, std::size_t length);
  void read(std::uint64_t address, std::uint8_t* out, std::size_t length) const;

  void set_timing(const AxiMemoryTiming& timing);
  const AxiMemoryStats& stats() const { return stats_; }

  void sample() override;
  void update() override;

 private:
  struct Burst {
    std::uint64_t address = 0;  // of the first beat (may be unaligned)
    unsigned beats = 0;
    unsigned size_log = 4;      // bytes per beat = 1 << size_log
    std::uint8_t id = 0;
    bool decoded = true;        // inside one allocation; false answers DECERR
    std::uint64_t ready_at = 0; // cycle its response (first R beat, or B) may start
    unsigned done = 0;          // beats transferred
  };
  struct Handshake {
    std::uint64_t address;
    std::uint8_t len, size, burst, id;
  };

  Burst accept(const Handshake& h, const char* channel);
  bool inside_allocation(std::uint64_t address, std::uint64_t length) const;
  std::uint64_t beat_address(const Burst& b) const;
  bool stall();
  void drive_read_beat();

  AxiMemoryPorts p_;
  std::uint64_t limit_;
  AxiMemoryTiming timing_;
  std::uint64_t rng_;
  std::uint64_t now_ = 0;

  std::vector<std::uint8_t> bytes_;              // flat: index = device address
  std::uint64_t next_ = kBase;                   // bump allocator
  std::map<std::uint64_t, std::uint64_t> live_;  // allocation base -> length rounded to 4 KB

  std::deque<Burst> reads_;    // accepted AR bursts, answered in order
  std::deque<Burst> writes_;   // accepted AW bursts waiting for their W beats
  std::deque<Burst> answers_;  // finished write bursts waiting for B

  // What the coming edge takes (latched in sample()).
  bool ar_fire_ = false, r_fire_ = false, aw_fire_ = false, w_fire_ = false, b_fire_ = false;
  Handshake ar_{}, aw_{};
  std::uint32_t wdata_[4] = {};
  std::uint16_t wstrb_ = 0;
  bool wlast_ = false;

  AxiMemoryStats stats_;
};

}  // namespace espgw::sim

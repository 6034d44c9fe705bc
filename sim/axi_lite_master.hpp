// AxiLiteMaster: single 32-bit reads and writes on a Verilated kernel's s_axi_control port
// (AMBA AXI4-Lite, IHI 0022 B1), clocked through SimClock. One access at a time, exactly one
// AR handshake per read (reads may have side effects, like event_pop). Every wait is bounded:
// a DUT that never answers raises SimTimeout naming the channel, it does not hang the host.
#pragma once

#include <cstdint>
#include <stdexcept>

#include "sim/axi_ports.hpp"
#include "sim/sim_clock.hpp"

namespace espgw::sim {

// The DUT did not complete a handshake within the budget (a hardware hang, not a drop).
class SimTimeout : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The DUT answered SLVERR or DECERR.
class AxiResponseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class AxiLiteMaster final : public ClockedAgent {
 public:
  // The master attaches itself to clock; max_wait bounds each access in cycles.
  AxiLiteMaster(SimClock& clock, AxiLitePorts ports, std::uint64_t max_wait_cycles);

  std::uint32_t read32(std::uint32_t offset);
  void write32(std::uint32_t offset, std::uint32_t value, std::uint8_t strobes = 0xF);

  // Cycles the last access took, from VALID to the response handshake.
  std::uint64_t last_access_cycles() const { return last_cycles_; }

  void sample() override;
  void update() override;

 private:
  void check_offset(std::uint32_t offset) const;
  void run(const char* what, std::uint32_t offset);
  const char* pending_channel() const;

  SimClock& clock_;
  AxiLitePorts p_;
  std::uint64_t max_wait_;
  std::uint64_t last_cycles_ = 0;
  // Outstanding parts of the current access, and what the coming edge will complete.
  bool aw_ = false, w_ = false, b_ = false, ar_ = false, r_ = false;
  bool aw_fire_ = false, w_fire_ = false, b_fire_ = false, ar_fire_ = false, r_fire_ = false;
  std::uint8_t resp_ = 0;
  std::uint32_t rdata_ = 0;
};

}  // namespace espgw::sim

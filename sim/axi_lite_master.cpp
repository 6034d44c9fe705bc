// AXI4-Lite master over SimClock. VALID is raised before any READY is looked at and held
// until its handshake (IHI 0022 A3.2.1); BREADY/RREADY rise on the cycle after the request's
// handshakes, so master and DUT always agree on which response was taken.
#include "sim/axi_lite_master.hpp"

#include <fmt/format.h>

namespace espgw::sim {
namespace {
constexpr std::uint32_t kAddressSpace = 0x1000;  // 12 address bits
const char* resp_name(std::uint8_t r) { return r == 2 ? "SLVERR" : r == 3 ? "DECERR" : "EXOKAY"; }
}  // namespace

AxiLiteMaster::AxiLiteMaster(SimClock& clock, AxiLitePorts ports, std::uint64_t max_wait_cycles)
    : clock_(clock), p_(ports), max_wait_(max_wait_cycles) {
  *p_.awvalid = 0;
  *p_.wvalid = 0;
  *p_.bready = 0;
  *p_.arvalid = 0;
  *p_.rready = 0;
  clock_.attach(*this);
}

void AxiLiteMaster::check_offset(std::uint32_t offset) const {
  if (offset % 4 != 0 || offset >= kAddressSpace)
    throw std::out_of_range(fmt::format("axi-lite: offset {:#x} is not a word inside the 4 KB control window", offset));
}

std::uint32_t AxiLiteMaster::read32(std::uint32_t offset) {
  check_offset(offset);
  *p_.araddr = static_cast<std::uint16_t>(offset);
  *p_.arvalid = 1;
  ar_ = r_ = true;
  resp_ = 0;
  run("read", offset);
  return rdata_;
}

void AxiLiteMaster::write32(std::uint32_t offset, std::uint32_t value, std::uint8_t strobes) {
  check_offset(offset);
  *p_.awaddr = static_cast<std::uint16_t>(offset);
  *p_.awvalid = 1;
  *p_.wdata = value;
  *p_.wstrb = strobes & 0xF;
  *p_.wvalid = 1;
  aw_ = w_ = b_ = true;
  resp_ = 0;
  run("write", offset);
}

const char* AxiLiteMaster::pending_channel() const {
  if (aw_) return "AW (no AWREADY)";
  if (w_) return "W (no WREADY)";
  if (b_) return "B (no BVALID)";
  if (ar_) return "AR (no ARREADY)";
  return "R (no RVALID)";
}

void AxiLiteMaster::run(const char* what, std::uint32_t offset) {
  const std::uint64_t start = clock_.cycles();
  while (aw_ || w_ || b_ || ar_ || r_) {
    if (clock_.cycles() - start >= max_wait_) {
      const char* channel = pending_channel();
      // Leave the bus idle so a later access (after a reset) starts clean.
      *p_.awvalid = *p_.wvalid = *p_.bready = *p_.arvalid = *p_.rready = 0;
      aw_ = w_ = b_ = ar_ = r_ = false;
      throw SimTimeout(fmt::format("axi-lite: {} at {:#05x} stalled on channel {} for {} cycles", what, offset,
                                   channel, max_wait_));
    }
    clock_.step();
  }
  last_cycles_ = clock_.cycles() - start;
  if (resp_ != 0)
    throw AxiResponseError(fmt::format("axi-lite: {} at {:#05x} answered {}", what, offset, resp_name(resp_)));
}

void AxiLiteMaster::sample() {
  aw_fire_ = aw_ && *p_.awvalid && *p_.awready;
  w_fire_ = w_ && *p_.wvalid && *p_.wready;
  ar_fire_ = ar_ && *p_.arvalid && *p_.arready;
  b_fire_ = b_ && *p_.bvalid && *p_.bready;
  r_fire_ = r_ && *p_.rvalid && *p_.rready;
  if (b_fire_) resp_ = *p_.bresp;
  if (r_fire_) {
    resp_ = *p_.rresp;
    rdata_ = *p_.rdata;
  }
}

void AxiLiteMaster::update() {
  if (aw_fire_) aw_ = false, *p_.awvalid = 0;
  if (w_fire_) {
    // The staging window carries key words: nothing of them stays on the pins afterwards.
    w_ = false;
    *p_.wvalid = 0;
    *p_.wdata = 0;
  }
  if (ar_fire_) ar_ = false, *p_.arvalid = 0;
  if (b_fire_) b_ = false, *p_.bready = 0;
  if (r_fire_) r_ = false, *p_.rready = 0;
  // A response can only follow its request (A3.3.1): ready for it once the request is taken.
  if (b_ && !aw_ && !w_) *p_.bready = 1;
  if (r_ && !ar_) *p_.rready = 1;
  aw_fire_ = w_fire_ = b_fire_ = ar_fire_ = r_fire_ = false;
}

}  // namespace espgw::sim

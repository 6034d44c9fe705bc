// Register decode for the control port. Reads of event_pop pop the event FIFO; sa_cmd
// writes run the SA table operation at once; ctrl bit1 resets the whole kernel state.
#include "hls/control.hpp"

#include "hls/sa_table.hpp"

namespace espgw::hls {
namespace {
namespace reg = rm::reg;
constexpr std::uint32_t kCtrlEnable = 1u << 0;
constexpr std::uint32_t kCtrlSoftReset = 1u << 1;
constexpr std::uint32_t kCtrlIrqEnable = 1u << 2;
constexpr std::uint32_t kSaCmdWrite = 1, kSaCmdRead = 2, kSaCmdInvalidate = 3;
}  // namespace

void control_reset(KernelState& st) {
  ControlRegs& r = st.regs;
  r.ctrl = r.sa_index = r.desc_ring_lo = r.desc_ring_hi = r.cmpl_ring_lo = r.cmpl_ring_hi = 0;
  r.ring_size = r.desc_tail = r.desc_head = r.cmpl_tail = 0;
  for (std::uint32_t i = 0; i < rm::kSaRecordWords; ++i) r.stage[i] = 0;
  sa_table_reset(st);
  st.events.head = st.events.count = st.events.dropped = 0;
}

std::uint32_t control_read(KernelState& st, std::uint32_t offset) {
  const ControlRegs& r = st.regs;
  if (offset >= reg::kSaStage && offset < reg::kSaStage + 4 * reg::kSaStageCount)
    return r.stage[(offset - reg::kSaStage) / 4];
  switch (offset) {
    case reg::kId: return rm::kDeviceId;
    case reg::kVersion: return rm::kVersion;
    case reg::kCaps: return (rm::kReplayWindowMax << 16) | (rm::kSaCapacity & 0xFFFF);
    case reg::kFeatures: return rm::feature::kAll;  // the HLS kernel runs every transform
    case reg::kCtrl: return r.ctrl;
    case reg::kStatus: return (r.desc_head == r.desc_tail ? 1u : 0u) | (st.events.count ? 2u : 0u);
    case reg::kSaIndex: return r.sa_index;
    case reg::kDescRingLo: return r.desc_ring_lo;
    case reg::kDescRingHi: return r.desc_ring_hi;
    case reg::kCmplRingLo: return r.cmpl_ring_lo;
    case reg::kCmplRingHi: return r.cmpl_ring_hi;
    case reg::kRingSize: return r.ring_size;
    case reg::kDescTail: return r.desc_tail;
    case reg::kDescHead: return r.desc_head;
    case reg::kCmplTail: return r.cmpl_tail;
    case reg::kEventCount: return st.events.count;
    case reg::kEventPop: return event_pop(st.events);
    default: return 0;  // unmapped: reads as zero, like the RTL's decoder
  }
}

void control_write(KernelState& st, std::uint32_t offset, std::uint32_t value) {
  ControlRegs& r = st.regs;
  if (offset >= reg::kSaStage && offset < reg::kSaStage + 4 * reg::kSaStageCount) {
    r.stage[(offset - reg::kSaStage) / 4] = value;
    return;
  }
  switch (offset) {
    case reg::kCtrl:
      if (value & kCtrlSoftReset) control_reset(st);
      r.ctrl = value & (kCtrlEnable | kCtrlIrqEnable);
      return;
    case reg::kSaIndex: r.sa_index = value; return;
    case reg::kSaCmd:
      if (value == kSaCmdWrite) sa_table_write(st, r.sa_index);
      if (value == kSaCmdRead) sa_table_read(st, r.sa_index);
      if (value == kSaCmdInvalidate) sa_table_invalidate(st, r.sa_index);
      return;
    case reg::kDescRingLo: r.desc_ring_lo = value; return;
    case reg::kDescRingHi: r.desc_ring_hi = value; return;
    case reg::kCmplRingLo: r.cmpl_ring_lo = value; return;
    case reg::kCmplRingHi: r.cmpl_ring_hi = value; return;
    case reg::kRingSize:
      // Power of two up to kRingEntriesMax; a new ring restarts both indices.
      r.ring_size = (value != 0 && value <= rm::kRingEntriesMax && (value & (value - 1)) == 0) ? value : 0;
      r.desc_head = r.desc_tail = r.cmpl_tail = 0;
      return;
    case reg::kDescTail: r.desc_tail = value; return;
    default: return;  // read-only or unmapped: ignored
  }
}

}  // namespace espgw::hls

// The descriptor ring and completion ring stages (formats: esp_regs.json "descriptor" and
// "completion"), and the engine stage between them that moves each packet buffer from
// device memory into the on-chip buffer and back.
#include "hls/desc_ring.hpp"

#include "hls/esp_inbound.hpp"
#include "hls/esp_outbound.hpp"

namespace espgw::hls {
namespace {

namespace dw = rm::descriptor_word;
namespace cw = rm::completion_word;

std::uint32_t load_le32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16) | (std::uint32_t{p[3]} << 24);
}
void store_le32(std::uint8_t* p, std::uint32_t v) {
  p[0] = static_cast<std::uint8_t>(v);
  p[1] = static_cast<std::uint8_t>(v >> 8);
  p[2] = static_cast<std::uint8_t>(v >> 16);
  p[3] = static_cast<std::uint8_t>(v >> 24);
}
constexpr std::uint32_t kSeqValid = 1u << 16;      // completion status_sa bit 16
constexpr std::uint32_t kSeqHiWritten = 1u << 17;  // bit 17: descriptor seq_hi_wb holds the high half

std::uint64_t addr64(std::uint32_t lo, std::uint32_t hi) { return (std::uint64_t{hi} << 32) | lo; }

}  // namespace

std::uint32_t ring_jobs_ready(const ControlRegs& regs) {
  if (!(regs.ctrl & 1u) || regs.ring_size == 0) return 0;
  const std::uint32_t posted = regs.desc_tail - regs.desc_head;
  const std::uint32_t limit = posted < regs.ring_size ? posted : regs.ring_size;
  return limit < kJobsPerPass ? limit : kJobsPerPass;
}

void desc_fetch(const std::uint8_t* gmem, ControlRegs& regs, std::uint32_t n, JobStream& jobs) {
  const std::uint64_t ring = addr64(regs.desc_ring_lo, regs.desc_ring_hi);
  for (std::uint32_t i = 0; i < n; ++i) {
#pragma HLS PIPELINE II = 1
    const std::uint8_t* d = gmem + ring + std::uint64_t{(regs.desc_head % regs.ring_size)} * dw::kBytes;
    Job job;
    job.buf_addr = addr64(load_le32(d + 4 * dw::kBufAddrLo), load_le32(d + 4 * dw::kBufAddrHi));
    const std::uint32_t off_len = load_le32(d + 4 * dw::kInOffsetLen);
    const std::uint32_t cap_flags = load_le32(d + 4 * dw::kCapacityFlags);
    job.offset = off_len >> 16;
    job.length = off_len & 0xFFFF;
    job.capacity = cap_flags >> 16;
    job.inbound = cap_flags & 1u;
    job.sa_index = load_le32(d + 4 * dw::kSaIndex);
    job.cookie = load_le32(d + 4 * dw::kCookie);
    jobs.write(job);
    ++regs.desc_head;
  }
}

// Loads a job's buffer from device memory into the on-chip packet buffer, and back.
void load_packet(const std::uint8_t* gmem, KernelState& st, const Job& job) {
  const std::uint8_t* buf = gmem + job.buf_addr;
  for (std::uint32_t b = 0; b < job.capacity; ++b) {
#pragma HLS PIPELINE II = 1
    st.pkt[b] = buf[b];
  }
}
void store_packet(std::uint8_t* gmem, const KernelState& st, const Job& job) {
  std::uint8_t* buf = gmem + job.buf_addr;
  for (std::uint32_t b = 0; b < job.capacity; ++b) {
#pragma HLS PIPELINE II = 1
    buf[b] = st.pkt[b];
  }
}

void esp_engine(std::uint8_t* gmem, KernelState& st, std::uint32_t n, JobStream& jobs, ResultStream& results) {
  // The pass is the pipeline's depth: every inbound job's replay pre-check sees the window
  // as the pass found it, and the windows move in the finalize step after the ICVs, in job
  // order (docs/hardware.md "Batches"). Outbound jobs complete in the first step.
  Job pass[kJobsPerPass];
  InboundView views[kJobsPerPass];
  JobResult out[kJobsPerPass];
  bool pending[kJobsPerPass];
  for (std::uint32_t i = 0; i < n; ++i) {
    pass[i] = jobs.read();
    const Job& job = pass[i];
    // An inconsistent descriptor (offset + length > capacity) is judged by the stages
    // below, as malformed, after the SA check, exactly as the CPU backend orders it.
    load_packet(gmem, st, job);
    pending[i] = false;
    if (job.inbound) {
      pending[i] = esp_inbound_prepare(st, job, views[i], out[i]);
    } else {
      out[i] = esp_outbound(st, job);
      store_packet(gmem, st, job);
    }
  }
  for (std::uint32_t i = 0; i < n; ++i) {
    if (pending[i]) {
      load_packet(gmem, st, pass[i]);
      out[i] = esp_inbound_finalize(st, pass[i], views[i]);
      store_packet(gmem, st, pass[i]);
    }
    results.write(out[i]);
  }
}

void cmpl_write(std::uint8_t* gmem, ControlRegs& regs, std::uint32_t n, ResultStream& results) {
  const std::uint64_t ring = addr64(regs.cmpl_ring_lo, regs.cmpl_ring_hi);
  const std::uint64_t desc_ring = addr64(regs.desc_ring_lo, regs.desc_ring_hi);
  for (std::uint32_t i = 0; i < n; ++i) {
#pragma HLS PIPELINE II = 1
    const JobResult r = results.read();
    const std::uint32_t slot = regs.cmpl_tail % regs.ring_size;  // completion k answers descriptor k
    std::uint8_t* c = gmem + ring + std::uint64_t{slot} * cw::kBytes;
    const bool has_seq = r.seq_valid != 0;
    // The ESN high half goes back into the descriptor (written before the completion, so a
    // host that sees the completion sees it too).
    if (has_seq) store_le32(gmem + desc_ring + std::uint64_t{slot} * dw::kBytes + 4 * dw::kSeqHiWb,
                            static_cast<std::uint32_t>(r.seq >> 32));
    store_le32(c + 4 * cw::kStatusSa, (r.status << 24) | (has_seq && r.status != 0 ? kSeqValid : 0u) |
                                          (has_seq ? kSeqHiWritten : 0u) | (r.sa_index & 0xFFFF));
    store_le32(c + 4 * cw::kOutOffsetLen, (r.offset << 16) | (r.length & 0xFFFF));
    store_le32(c + 4 * cw::kCookie, r.cookie);
    store_le32(c + 4 * cw::kSeqLo, static_cast<std::uint32_t>(r.seq));
    ++regs.cmpl_tail;
  }
}

}  // namespace espgw::hls

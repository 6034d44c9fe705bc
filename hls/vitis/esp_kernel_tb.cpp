// Testbench of the HLS kernel's Vitis top for vitis_hls csim_design and cosim_design (C/RTL
// co-simulation): drives extern "C" esp_kernel(cmds, ncmds, results, gmem) with the command
// lists driver/hw sends (identity, ring setup, SA install and read-back, an outbound burst,
// then the same packets back inbound) and requires every result word and every byte of
// device memory to equal the C model's (espgw::hls::esp_kernel with its own state) for the
// same lists; under cosim the top is the synthesized RTL, so this checks RTL == C. It also
// checks outcomes (identity, statuses, decrypted == original), and ctest builds and runs it
// natively (hls_vitis_testbench_passes). Needs -DESPGW_HLS_TOP. Exit 0 on success.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "hls/esp_kernel.hpp"

namespace {

namespace rm = ::esp_hls_regmap;
namespace reg = rm::reg;
namespace hk = espgw::hls;

constexpr std::size_t kMemBytes = 1u << 20;  // the top's gmem depth pragma
constexpr std::uint32_t kRing = 16;
constexpr std::uint32_t kDescRing = 0x1000, kCmplRing = 0x2000, kPackets = 0x4000, kSlotBytes = 2048;
constexpr std::uint32_t kHeadroom = 64;
constexpr std::uint32_t kJobs = 4;
constexpr std::uint32_t kSpi = 0x00C0FFEE;

struct Bench {
  std::vector<std::uint8_t> dut_mem = std::vector<std::uint8_t>(kMemBytes, 0);
  std::vector<std::uint8_t> model_mem = std::vector<std::uint8_t>(kMemBytes, 0);
  std::unique_ptr<hk::KernelState> model = std::make_unique<hk::KernelState>();
  int failures = 0;

  Bench() { std::memset(model.get(), 0, sizeof(hk::KernelState)); }

  // Runs one list on both and compares; returns the DUT's results.
  std::vector<std::uint32_t> run(const std::vector<hk::Command>& list, const char* what) {
    std::vector<std::uint32_t> words(list.size() * hk::kCommandWords);
    for (std::size_t i = 0; i < list.size(); ++i) hk::encode_command(list[i], words.data() + i * hk::kCommandWords);
    std::vector<std::uint32_t> dut(list.size(), 0), ref(list.size(), 0);
    const auto n = static_cast<std::uint32_t>(list.size());
    esp_kernel(words.data(), n, dut.data(), dut_mem.data());
    hk::esp_kernel(words.data(), n, ref.data(), model_mem.data(), *model);
    for (std::size_t i = 0; i < list.size(); ++i)
      if (dut[i] != ref[i]) fail(what, "result", i, dut[i], ref[i]);
    for (std::size_t i = 0; i < kMemBytes; ++i)
      if (dut_mem[i] != model_mem[i]) {
        fail(what, "gmem byte", i, dut_mem[i], model_mem[i]);
        break;
      }
    return dut;
  }
  void fail(const char* what, const char* item, std::size_t i, std::uint32_t got, std::uint32_t want) {
    std::printf("FAIL %s: %s %zu is 0x%08x, expected 0x%08x\n", what, item, i, got, want);
    ++failures;
  }
  void expect(bool ok, const char* what) {
    if (!ok) {
      std::printf("FAIL %s\n", what);
      ++failures;
    }
  }
  // Host writes to device memory land in both copies.
  void put32(std::uint32_t addr, std::uint32_t v) {
    for (auto* m : {&dut_mem, &model_mem})
      for (int b = 0; b < 4; ++b) (*m)[addr + b] = static_cast<std::uint8_t>(v >> (8 * b));
  }
  void put(std::uint32_t addr, const std::vector<std::uint8_t>& bytes) {
    std::memcpy(dut_mem.data() + addr, bytes.data(), bytes.size());
    std::memcpy(model_mem.data() + addr, bytes.data(), bytes.size());
  }
  std::uint32_t get32(std::uint32_t addr) const {
    return std::uint32_t{dut_mem[addr]} | std::uint32_t{dut_mem[addr + 1]} << 8 | std::uint32_t{dut_mem[addr + 2]} << 16 |
           std::uint32_t{dut_mem[addr + 3]} << 24;
  }
};

hk::Command rd(std::uint32_t off) { return {hk::KernelOp::kRead, off, 0}; }
hk::Command wr(std::uint32_t off, std::uint32_t v) { return {hk::KernelOp::kWrite, off, v}; }
hk::Command run_all() { return {hk::KernelOp::kRun, 0, hk::kMaxRunPasses}; }

// AES-128-GCM SA at `slot`, staged, written and read back (as driver/hw's install_sa).
std::vector<hk::Command> install(std::uint32_t slot, bool inbound) {
  std::uint32_t rec[rm::kSaRecordWords] = {};
  namespace w = rm::sa_word;
  rec[w::kFlags] = rm::sa_flag::kValid | (inbound ? rm::sa_flag::kInbound : 0) |
                   (static_cast<std::uint32_t>(rm::Transform::kAesGcm16) << rm::sa_flag::kTransformShift) |
                   (64u << rm::sa_flag::kTtlShift);
  rec[w::kSpi] = kSpi;
  rec[w::kTunnelSrc] = 0x0A000001;
  rec[w::kTunnelDst] = 0x0A000002;
  rec[w::kSalt] = 0x01020304;
  rec[w::kReplayWindow] = 64;
  for (std::uint32_t i = 0; i < 4; ++i) rec[w::kEncKey + i] = 0x00112233u + 0x44444444u * i;
  std::vector<hk::Command> l;
  for (std::uint32_t i = 0; i < rm::kSaRecordWords; ++i) l.push_back(wr(reg::kSaStage + 4 * i, rec[i]));
  l.push_back(wr(reg::kSaIndex, slot));
  l.push_back(wr(reg::kSaCmd, 1));
  l.push_back(wr(reg::kSaIndex, slot));
  l.push_back(wr(reg::kSaCmd, 2));
  for (std::uint32_t i = 0; i < rm::kSaRecordWords; ++i) l.push_back(rd(reg::kSaStage + 4 * i));
  return l;
}

std::vector<std::uint8_t> inner_packet(std::uint32_t n) {
  std::vector<std::uint8_t> p(20 + 16 + 13 * n, static_cast<std::uint8_t>(0xA0 + n));
  p[0] = 0x45;
  p[1] = 0;
  p[2] = static_cast<std::uint8_t>(p.size() >> 8);
  p[3] = static_cast<std::uint8_t>(p.size());
  p[4] = p[5] = p[6] = p[7] = 0;
  p[8] = 64;
  p[9] = 17;
  p[10] = p[11] = 0;
  const std::uint8_t addrs[8] = {192, 168, 1, 10, 192, 168, 2, 20};
  std::memcpy(&p[12], addrs, 8);
  std::uint32_t sum = 0;
  for (int i = 0; i < 20; i += 2) sum += (p[i] << 8) | p[i + 1];
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  p[10] = static_cast<std::uint8_t>(~sum >> 8);
  p[11] = static_cast<std::uint8_t>(~sum);
  return p;
}

void post(Bench& b, std::uint32_t index, std::uint32_t offset, std::uint32_t length, bool inbound, std::uint32_t sa) {
  const std::uint32_t d = kDescRing + (index % kRing) * rm::descriptor_word::kBytes;
  namespace dw = rm::descriptor_word;
  b.put32(d + 4 * dw::kBufAddrLo, kPackets + (index % kRing) * kSlotBytes);
  b.put32(d + 4 * dw::kBufAddrHi, 0);
  b.put32(d + 4 * dw::kInOffsetLen, offset << 16 | length);
  b.put32(d + 4 * dw::kCapacityFlags, kSlotBytes << 16 | (inbound ? 1u : 0u));
  b.put32(d + 4 * dw::kSaIndex, sa);
  b.put32(d + 4 * dw::kCookie, index);
  b.put32(d + 4 * dw::kSeqHiWb, 0);
  b.put32(d + 4 * dw::kReserved2, 0);
}

}  // namespace

int main() {
  Bench b;
  namespace cw = rm::completion_word;
  const auto id = b.run({rd(reg::kId), rd(reg::kVersion), rd(reg::kCaps), rd(reg::kFeatures)}, "identity");
  b.expect(id[0] == rm::kDeviceId && id[1] == rm::kVersion, "identity registers");
  b.expect(id[3] == rm::feature::kAll, "features register lists every transform");

  const auto rings = b.run({wr(reg::kCtrl, 2), wr(reg::kDescRingLo, kDescRing), wr(reg::kDescRingHi, 0),
                            wr(reg::kCmplRingLo, kCmplRing), wr(reg::kCmplRingHi, 0), wr(reg::kRingSize, kRing),
                            wr(reg::kCtrl, 1), rd(reg::kRingSize)},
                           "rings");
  b.expect(rings.back() == kRing, "ring size accepted");

  const auto out_sa = b.run(install(0, false), "install outbound");
  const auto in_sa = b.run(install(1, true), "install inbound");
  b.expect((out_sa[68 + rm::sa_word::kFlags] & rm::sa_flag::kValid) && (in_sa[68 + rm::sa_word::kFlags] & rm::sa_flag::kValid),
           "both SAs valid after install");
  b.expect(out_sa[68 + rm::sa_word::kEncKey] == 0, "key words read back as zero");

  // Outbound burst: kJobs packets, doorbell + run in one list, then the completion index.
  std::vector<std::vector<std::uint8_t>> inner;
  for (std::uint32_t j = 0; j < kJobs; ++j) {
    inner.push_back(inner_packet(j));
    b.put(kPackets + j * kSlotBytes + kHeadroom, inner[j]);
    post(b, j, kHeadroom, static_cast<std::uint32_t>(inner[j].size()), false, 0);
  }
  const auto moved = b.run({wr(reg::kDescTail, kJobs), run_all()}, "outbound burst");
  b.expect(moved[1] == kJobs, "run moved every outbound descriptor");
  b.expect(b.run({rd(reg::kCmplTail)}, "outbound poll")[0] == kJobs, "cmpl_tail after outbound");

  // The wire packets back in, each moved to its own inbound slot at offset 0.
  for (std::uint32_t j = 0; j < kJobs; ++j) {
    const std::uint32_t c = kCmplRing + j * cw::kBytes;
    const std::uint32_t status = b.get32(c + 4 * cw::kStatusSa) >> 24;
    const std::uint32_t out = b.get32(c + 4 * cw::kOutOffsetLen);
    b.expect(status == 0, "outbound status ok");
    b.expect(b.get32(c + 4 * cw::kSeqLo) == j + 1, "outbound sequence numbers 1..n");
    b.expect((out & 0xFFFF) == 20 + 8 + 8 + ((inner[j].size() + 2 + 3) / 4 * 4) + 16, "ESP length");
    const std::uint32_t src = kPackets + j * kSlotBytes + (out >> 16);
    std::vector<std::uint8_t> wire(b.dut_mem.begin() + src, b.dut_mem.begin() + src + (out & 0xFFFF));
    const std::uint32_t k = kJobs + j;
    b.put(kPackets + (k % kRing) * kSlotBytes, wire);
    post(b, k, 0, static_cast<std::uint32_t>(wire.size()), true, 0);
  }
  const auto back = b.run({wr(reg::kDescTail, 2 * kJobs), run_all(), rd(reg::kCmplTail)}, "inbound burst");
  b.expect(back[1] == kJobs && back[2] == 2 * kJobs, "inbound burst completed");
  for (std::uint32_t j = 0; j < kJobs; ++j) {
    const std::uint32_t k = kJobs + j;
    const std::uint32_t c = kCmplRing + (k % kRing) * cw::kBytes;
    const std::uint32_t status_sa = b.get32(c + 4 * cw::kStatusSa);
    const std::uint32_t out = b.get32(c + 4 * cw::kOutOffsetLen);
    b.expect(status_sa >> 24 == 0 && (status_sa & 0xFFFF) == 1, "inbound status ok on SA 1");
    const std::uint32_t src = kPackets + (k % kRing) * kSlotBytes + (out >> 16);
    b.expect((out & 0xFFFF) == inner[j].size() &&
                 std::memcmp(b.dut_mem.data() + src, inner[j].data(), inner[j].size()) == 0,
             "decrypted packet equals the original");
  }
  if (b.failures != 0) {
    std::printf("esp_kernel_tb: %d failure(s)\n", b.failures);
    return 1;
  }
  std::printf("esp_kernel_tb: PASS (%u packets out and back, every result and gmem byte equal to the C model)\n", kJobs);
  return 0;
}

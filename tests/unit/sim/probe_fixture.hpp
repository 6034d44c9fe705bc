// The probe DUT (sim/test/axi_probe.sv) on the harness: model, clock, memory, AXI-Lite
// master, wired as SimTransport wires esp_top, plus the probe's register offsets.
#pragma once

#include <memory>

#include "Vaxi_probe.h"
#include "sim/axi_lite_master.hpp"
#include "sim/axi_memory.hpp"
#include "sim/sim_clock.hpp"
#include "verilated.h"

namespace espgw::sim::test {

namespace probe {
constexpr std::uint32_t kId = 0x00, kScratch0 = 0x04, kScratch1 = 0x08, kPop = 0x0C;
constexpr std::uint32_t kSrcLo = 0x10, kSrcHi = 0x14, kDstLo = 0x18, kDstHi = 0x1C, kLen = 0x20;
constexpr std::uint32_t kGo = 0x24, kFillWord = 0x28, kFillStrobes = 0x2C, kStatus = 0x30, kStall = 0x34;
constexpr std::uint32_t kGoCopy = 1, kGoFill = 2;
constexpr std::uint32_t kBusy = 1, kDone = 2, kReadError = 4, kWriteError = 8;
constexpr std::uint32_t kIdValue = 0x50524F42;  // 'PROB'
}  // namespace probe

struct ProbeBench {
  explicit ProbeBench(AxiMemoryTiming timing = {}, std::uint64_t max_wait = 10000)
      : context(std::make_unique<VerilatedContext>()),
        model(std::make_unique<Vaxi_probe>(context.get(), "probe")),
        clock([this](bool level) {
          Verilated::threadContextp(context.get());  // see sim/sim_model.hpp
          model->ap_clk = level;
          model->eval();
        }),
        memory(clock, bind_axi_memory(*model), 64ull << 20, timing),
        master(clock, bind_axi_lite(*model), max_wait) {
    model->ap_rst_n = 0;
    clock.step(4);
    model->ap_rst_n = 1;
    clock.step(1);
  }
  ~ProbeBench() {
    Verilated::threadContextp(context.get());
    model->final();
    model.reset();
  }

  // Starts a DMA of len bytes and clocks until the probe is idle; returns its status.
  std::uint32_t dma(std::uint32_t go, std::uint64_t src, std::uint64_t dst, std::uint32_t len) {
    master.write32(probe::kSrcLo, static_cast<std::uint32_t>(src));
    master.write32(probe::kSrcHi, static_cast<std::uint32_t>(src >> 32));
    master.write32(probe::kDstLo, static_cast<std::uint32_t>(dst));
    master.write32(probe::kDstHi, static_cast<std::uint32_t>(dst >> 32));
    master.write32(probe::kLen, len);
    master.write32(probe::kGo, go);
    std::uint32_t status = 0;
    for (int i = 0; i < 100000; ++i) {
      status = master.read32(probe::kStatus);
      if ((status & probe::kBusy) == 0) return status;
    }
    return status;
  }

  std::unique_ptr<VerilatedContext> context;
  std::unique_ptr<Vaxi_probe> model;
  SimClock clock;
  AxiMemory memory;
  AxiLiteMaster master;
};

}  // namespace espgw::sim::test

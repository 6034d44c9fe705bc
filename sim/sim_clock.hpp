// SimClock: the cycle loop every harness agent shares. One step() is one ap_clk period: the
// model settles with the clock low, every agent samples which handshakes fire on the coming
// rising edge (VALID && READY, AMBA AXI A3.2.1), the edge is evaluated, then every agent
// moves its state and drives its next inputs. Agents never see a half-evaluated model.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace espgw::sim {

class ClockedAgent {
 public:
  virtual ~ClockedAgent() = default;
  // Called with the clock low and the model settled: latch what the edge will take.
  virtual void sample() = 0;
  // Called after the rising edge: advance, then drive the inputs for the next cycle.
  virtual void update() = 0;
};

class SimClock {
 public:
  // eval(level) sets ap_clk to level and evaluates the model.
  explicit SimClock(std::function<void(bool)> eval) : eval_(std::move(eval)) {}

  void attach(ClockedAgent& agent) { agents_.push_back(&agent); }

  void step(std::uint64_t cycles = 1) {
    for (std::uint64_t i = 0; i < cycles; ++i) {
      eval_(false);
      for (auto* a : agents_) a->sample();
      eval_(true);
      ++cycles_;
      for (auto* a : agents_) a->update();
    }
  }

  // Rising edges since construction (the benchmark's clock count).
  std::uint64_t cycles() const { return cycles_; }

 private:
  std::function<void(bool)> eval_;
  std::vector<ClockedAgent*> agents_;
  std::uint64_t cycles_ = 0;
};

}  // namespace espgw::sim

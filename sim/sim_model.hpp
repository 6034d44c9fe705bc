// SimModel: what SimTransport needs from a Verilated kernel — its two AXI ports, its reset
// and its clock — so the transport is written once for esp_top (the `sim` backend) and for
// the harness's probe DUT (tests). VerilatedModel<V> adapts any model with Vitis port names.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include "sim/axi_ports.hpp"
#include "verilated.h"

namespace espgw::sim {

class SimModel {
 public:
  virtual ~SimModel() = default;
  virtual std::string describe() const = 0;
  virtual AxiLitePorts axi_lite() = 0;
  virtual AxiMemoryPorts axi_memory() = 0;
  virtual void set_reset(bool asserted) = 0;  // drives ap_rst_n (active low)
  // Sets ap_clk and evaluates; throws once the RTL stopped ($finish, $stop, an assertion).
  virtual void eval(bool clock_level) = 0;
  virtual void finish() = 0;  // runs final blocks; the model is not clocked afterwards
};

// Verilator's run time finds "the current context" through a thread-local pointer
// (Verilated::threadContextp: scope registration, $display, $stop, assertions), which a new
// context sets on its own thread and nothing ever clears. With several models alive, or a
// model driven from a thread other than the one that made it (HwDevice's control and data
// threads), that pointer names another model's context or a freed one, and a model's
// destructor then locks a mutex in freed memory. So every entry point names its own context.
template <class V>
class VerilatedModel final : public SimModel {
 public:
  explicit VerilatedModel(std::string description)
      : description_(std::move(description)), context_(std::make_unique<VerilatedContext>()) {
    Verilated::threadContextp(context_.get());
    model_ = std::make_unique<V>(context_.get(), "top");
  }
  ~VerilatedModel() override {
    Verilated::threadContextp(context_.get());
    model_.reset();
  }

  std::string describe() const override { return description_; }
  AxiLitePorts axi_lite() override { return bind_axi_lite(*model_); }
  AxiMemoryPorts axi_memory() override { return bind_axi_memory(*model_); }
  void set_reset(bool asserted) override { model_->ap_rst_n = asserted ? 0 : 1; }
  void eval(bool clock_level) override {
    Verilated::threadContextp(context_.get());
    model_->ap_clk = clock_level ? 1 : 0;
    model_->eval();
    if (context_->gotFinish()) throw std::runtime_error(description_ + ": the RTL stopped ($finish, $stop or an assertion)");
  }
  void finish() override {
    Verilated::threadContextp(context_.get());
    model_->final();
  }
  V& model() { return *model_; }

 private:
  std::string description_;
  std::unique_ptr<VerilatedContext> context_;  // one per model: models never share state
  std::unique_ptr<V> model_;
};

}  // namespace espgw::sim

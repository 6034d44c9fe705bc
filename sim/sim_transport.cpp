// The Verilator transport. DMA buffers keep a host copy apart from the memory model, as the
// C-simulation transport's do, so a missing sync in driver/hw shows up here as on a card.
// Buffers share the core, so one that outlives the transport still syncs safely.
#include "sim/sim_transport.hpp"

#include <mutex>
#include <stdexcept>
#include <vector>

#include "sim/axi_lite_master.hpp"
#include "sim/fair_mutex.hpp"
#include "sim/sim_clock.hpp"
#include "sim/sim_model.hpp"

namespace espgw::sim {

struct SimTransport::Core {
  Core(std::unique_ptr<SimModel> m, const SimOptions& o)
      : model(std::move(m)),
        clock([this](bool level) { model->eval(level); }),
        memory(clock, model->axi_memory(), o.memory_limit, o.memory_timing),
        master(clock, model->axi_lite(), o.register_timeout_cycles) {}

  FairMutex mu;  // every touch of the model or the memory model; FIFO, so no caller starves
  std::unique_ptr<SimModel> model;
  SimClock clock;
  AxiMemory memory;
  AxiLiteMaster master;
};

namespace {

class SimBuffer final : public driver::hw::DmaBuffer {
 public:
  SimBuffer(std::shared_ptr<SimTransport::Core> core, std::uint64_t address, std::size_t size)
      : core_(std::move(core)), address_(address), host_(size, 0) {}
  ~SimBuffer() override {
    std::lock_guard lock(core_->mu);
    core_->memory.release(address_);
  }
  std::uint8_t* host() override { return host_.data(); }
  std::uint64_t device_address() const override { return address_; }
  std::size_t size() const override { return host_.size(); }
  void sync_to_device(std::size_t offset, std::size_t length) override {
    check(offset, length);
    std::lock_guard lock(core_->mu);
    core_->memory.write(address_ + offset, host_.data() + offset, length);
  }
  void sync_from_device(std::size_t offset, std::size_t length) override {
    check(offset, length);
    std::lock_guard lock(core_->mu);
    core_->memory.read(address_ + offset, host_.data() + offset, length);
  }

 private:
  void check(std::size_t offset, std::size_t length) const {
    if (offset > host_.size() || length > host_.size() - offset) throw std::out_of_range("DMA sync outside the buffer");
  }
  std::shared_ptr<SimTransport::Core> core_;
  std::uint64_t address_;
  std::vector<std::uint8_t> host_;
};

}  // namespace

SimTransport::SimTransport(std::unique_ptr<SimModel> model, SimOptions options) : options_(std::move(options)) {
  if (!model) throw std::invalid_argument("sim: no model");
  if (options_.wait_chunk_cycles == 0) throw std::invalid_argument("sim: wait_chunk_cycles must be at least 1");
  core_ = std::make_shared<Core>(std::move(model), options_);
  // Power-on: ap_rst_n is synchronous and active low; hold it over several edges.
  std::lock_guard lock(core_->mu);
  core_->model->set_reset(true);
  core_->clock.step(options_.reset_cycles);
  core_->model->set_reset(false);
  core_->clock.step(1);
}

SimTransport::~SimTransport() {
  try {
    if (options_.on_close) options_.on_close(*this);
    std::lock_guard lock(core_->mu);
    core_->model->finish();
  } catch (const std::exception&) {  // a hung or stopped model has nothing more to clear
  }
}

std::string SimTransport::describe() const { return core_->model->describe(); }

std::uint32_t SimTransport::read32(std::uint32_t offset) {
  std::lock_guard lock(core_->mu);
  return core_->master.read32(offset);
}

void SimTransport::read32_many(const std::uint32_t* offsets, std::uint32_t* values, std::size_t count) {
  std::lock_guard lock(core_->mu);
  for (std::size_t i = 0; i < count; ++i) values[i] = core_->master.read32(offsets[i]);
}

void SimTransport::write32(std::uint32_t offset, std::uint32_t value) {
  std::lock_guard lock(core_->mu);
  core_->master.write32(offset, value);
}

std::unique_ptr<driver::hw::DmaBuffer> SimTransport::allocate(std::size_t bytes) {
  std::lock_guard lock(core_->mu);
  const std::uint64_t address = core_->memory.allocate(bytes);
  return std::make_unique<SimBuffer>(core_, address, bytes);
}

bool SimTransport::wait_until(const std::function<bool()>& ready, std::chrono::milliseconds budget) {
  // The budget is wall time, a card's notion; a simulation on a loaded host can run a
  // hundred times slower than usual and still be working. So when the budget runs out the
  // wait goes on as long as the kernel is visibly busy: it moved AXI beats during the last
  // window, or the window was shorter than stuck_cycles (a long CBC packet computes for tens
  // of thousands of clocks without touching memory). A kernel that does neither is stuck;
  // kLivelockFactor budgets bound a kernel that keeps moving bytes but never finishes.
  constexpr int kLivelockFactor = 30;
  const auto start = std::chrono::steady_clock::now();
  auto window_end = start + budget;
  const auto ceiling = start + budget * kLivelockFactor;
  auto activity = [&] {
    std::lock_guard lock(core_->mu);
    const AxiMemoryStats& s = core_->memory.stats();
    return std::pair{s.read_beats + s.write_beats, core_->clock.cycles()};
  };
  auto [beats0, cycles0] = activity();
  while (!ready()) {
    const auto now = std::chrono::steady_clock::now();
    if (now > window_end) {
      const auto [beats, cycles] = activity();
      const bool busy = beats != beats0 || cycles - cycles0 < options_.stuck_cycles;
      if (!busy || now > ceiling) return ready();
      window_end = now + budget;
      beats0 = beats;
      cycles0 = cycles;
    }
    std::lock_guard lock(core_->mu);  // ready() takes the lock itself, so only around the clocking
    core_->clock.step(options_.wait_chunk_cycles);
  }
  return true;
}

std::uint64_t SimTransport::cycles() const {
  std::lock_guard lock(core_->mu);
  return core_->clock.cycles();
}

AxiMemoryStats SimTransport::memory_stats() const {
  std::lock_guard lock(core_->mu);
  return core_->memory.stats();
}

void SimTransport::set_memory_timing(const AxiMemoryTiming& timing) {
  std::lock_guard lock(core_->mu);
  core_->memory.set_timing(timing);
}

}  // namespace espgw::sim

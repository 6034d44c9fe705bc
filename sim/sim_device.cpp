// make_sim_device(): driver/hw over the Verilated RTL kernel kernels/rtl/esp_top.sv
// (`--backend sim`). The only place that names the generated model class.
#include <memory>

#include "Vesp_top.h"
#include "driver/backends.hpp"
#include "driver/hw/hw_device.hpp"
#include "sim/sim_model.hpp"
#include "sim/sim_transport.hpp"

namespace espgw::driver {
namespace {

// The kernel held round keys and HMAC states: ctrl bit 1 (soft reset, docs/hardware.md)
// clears every slot, and the model is clocked until the bit self-clears, so nothing is left
// in its arrays when the model is freed.
void zeroize_kernel(hw::Transport& t) {
  constexpr std::uint32_t kSoftReset = 1u << 1;
  t.write32(regmap::reg::kCtrl, kSoftReset);
  t.wait_until([&] { return (t.read32(regmap::reg::kCtrl) & kSoftReset) == 0; }, std::chrono::seconds(1));
}

}  // namespace

std::unique_ptr<EspDevice> make_sim_device(const DeviceOptions& options) {
  sim::SimOptions so;
  so.on_close = zeroize_kernel;
  auto model = std::make_unique<sim::VerilatedModel<Vesp_top>>("sim: Verilator model of kernels/rtl/esp_top.sv");
  hw::HwOptions o;
  o.backend = "sim";
  o.sa_capacity = options.sa_capacity;
  return std::make_unique<hw::HwDevice>(std::make_unique<sim::SimTransport>(std::move(model), std::move(so)), o);
}

}  // namespace espgw::driver

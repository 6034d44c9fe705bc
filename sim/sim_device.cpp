// make_sim_device(): driver/hw over the Verilated RTL kernel (`--backend sim`).
#include <memory>

#include "driver/backends.hpp"
#include "driver/hw/hw_device.hpp"
#include "sim/sim_transport.hpp"

namespace espgw::driver {

std::unique_ptr<EspDevice> make_sim_device(const DeviceOptions& options) {
  hw::HwOptions o;
  o.backend = "sim";
  o.sa_capacity = options.sa_capacity;
  return std::make_unique<hw::HwDevice>(std::make_unique<sim::SimTransport>(), o);
}

}  // namespace espgw::driver

// make_hls_device(): driver/hw over the HLS kernel's C-simulation (`--backend hls`).
#include <memory>

#include "driver/backends.hpp"
#include "driver/hw/hw_device.hpp"
#include "hls/csim/csim_transport.hpp"

namespace espgw::driver {

std::unique_ptr<EspDevice> make_hls_device(const DeviceOptions& options) {
  hw::HwOptions o;
  o.backend = "hls";
  o.sa_capacity = options.sa_capacity;
  return std::make_unique<hw::HwDevice>(std::make_unique<hls::csim::CsimTransport>(), o);
}

}  // namespace espgw::driver

// make_xrt_devices(): driver/hw over an Alveo card (`--backend xrt`),
// one HwDevice per compute unit of the xclbin's kernel, the card opened and the xclbin
// loaded once for all of them. Throws std::runtime_error with one clear line when no card
// can be opened; `auto` then falls back.
#include <memory>
#include <vector>

#include "driver/backends.hpp"
#include "driver/hw/hw_device.hpp"
#include "driver/xrt/xrt_transport.hpp"

namespace espgw::driver {

std::vector<std::unique_ptr<EspDevice>> make_xrt_devices(const DeviceOptions& options) {
  xrt::XrtOpenOptions o;
  o.device = options.device;
  o.xclbin = options.xclbin;
  o.compute_units = options.compute_units;
  hw::HwOptions h;
  h.backend = "xrt";
  h.sa_capacity = options.sa_capacity;
  std::vector<std::unique_ptr<EspDevice>> units;
  for (auto& transport : xrt::open_xrt_transports(o)) units.push_back(std::make_unique<hw::HwDevice>(std::move(transport), h));
  return units;
}

}  // namespace espgw::driver

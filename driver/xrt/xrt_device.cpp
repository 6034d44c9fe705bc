// make_xrt_device(): driver/hw over an Alveo card (`--backend xrt`). Throws
// std::runtime_error with one clear line when no card can be opened; `auto` then falls back.
#include <memory>

#include "driver/backends.hpp"
#include "driver/hw/hw_device.hpp"
#include "driver/xrt/xrt_transport.hpp"

namespace espgw::driver {

std::unique_ptr<EspDevice> make_xrt_device(const DeviceOptions& options) {
  xrt::XrtOpenOptions o;
  o.device = options.device;
  o.xclbin = options.xclbin;
  hw::HwOptions h;
  h.backend = "xrt";
  h.sa_capacity = options.sa_capacity;
  return std::make_unique<hw::HwDevice>(xrt::open_xrt_transport(o), h);
}

}  // namespace espgw::driver

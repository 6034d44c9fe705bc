// The constructors make_device() dispatches to; each lives in its backend's directory and
// exists only when that backend is built (ESPGW_HAVE_<BACKEND>).
#pragma once

#include <memory>
#include <vector>

#include "espgw/driver/esp_device.hpp"

namespace espgw::driver {
std::unique_ptr<EspDevice> make_cpu_device(const DeviceOptions& options);
std::unique_ptr<EspDevice> make_sim_device(const DeviceOptions& options);
std::unique_ptr<EspDevice> make_hls_device(const DeviceOptions& options);
// options.compute_units units, one per CU of the xclbin's kernel, the xclbin loaded once.
std::vector<std::unique_ptr<EspDevice>> make_xrt_devices(const DeviceOptions& options);
}  // namespace espgw::driver

// make_device(): picks the backend named on the command line. "auto" tries the card first
// and falls back to the CPU backend with one log line naming why.
#include <cstdio>
#include <stdexcept>

#include "backends.hpp"

namespace espgw::driver {

std::vector<std::string> available_backends() {
  std::vector<std::string> names;
#ifdef ESPGW_HAVE_CPU
  names.emplace_back("cpu");
#endif
#ifdef ESPGW_HAVE_SIM
  names.emplace_back("sim");
#endif
#ifdef ESPGW_HAVE_HLS
  names.emplace_back("hls");
#endif
#ifdef ESPGW_HAVE_XRT
  names.emplace_back("xrt");
#endif
  names.emplace_back("auto");
  return names;
}

std::unique_ptr<EspDevice> make_device(const DeviceOptions& options) {
  const std::string& b = options.backend;
#ifdef ESPGW_HAVE_CPU
  if (b == "cpu") return make_cpu_device(options);
#endif
#ifdef ESPGW_HAVE_SIM
  if (b == "sim") return make_sim_device(options);
#endif
#ifdef ESPGW_HAVE_HLS
  if (b == "hls") return make_hls_device(options);
#endif
#ifdef ESPGW_HAVE_XRT
  if (b == "xrt") return make_xrt_device(options);
#endif
  if (b == "auto") {
#ifdef ESPGW_HAVE_XRT
    try {
      return make_xrt_device(options);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "espgw: backend auto: no usable Alveo card (%s); using cpu\n", e.what());
    }
#endif
#ifdef ESPGW_HAVE_CPU
    DeviceOptions cpu = options;
    cpu.backend = "cpu";
    return make_cpu_device(cpu);
#endif
  }
  std::string known;
  for (const auto& n : available_backends()) known += (known.empty() ? "" : ", ") + n;
  throw std::runtime_error("unknown or unavailable backend '" + b + "' (this build has: " + known + ")");
}

}  // namespace espgw::driver

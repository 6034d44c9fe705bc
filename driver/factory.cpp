// make_device(): picks the backend named on the command line. "auto" tries the card first
// and falls back to the CPU backend with one log line naming why. compute_units > 1 opens
// that many units of the backend behind one driver::multi::MultiDevice; on xrt those are
// that many compute units of one card's xclbin (driver/xrt), the xclbin loaded once.
#include <cstdio>
#include <stdexcept>
#include <string>

#include "backends.hpp"
#include "driver/multi/multi_device.hpp"

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

namespace {

constexpr std::uint32_t kMaxComputeUnits = 16;

// One engine of a backend that opens unit by unit (xrt and auto are resolved by make_device).
std::unique_ptr<EspDevice> make_one(const DeviceOptions& options) {
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
  std::string known;
  for (const auto& n : available_backends()) known += (known.empty() ? "" : ", ") + n;
  throw std::runtime_error("unknown or unavailable backend '" + b + "' (this build has: " + known + ")");
}

std::unique_ptr<EspDevice> one_or_multi(std::vector<std::unique_ptr<EspDevice>> units) {
  if (units.size() == 1) return std::move(units.front());
  return std::make_unique<multi::MultiDevice>(std::move(units));
}

}  // namespace

std::unique_ptr<EspDevice> make_device(const DeviceOptions& options) {
  const std::uint32_t n = options.compute_units;
  if (n == 0 || n > kMaxComputeUnits) {
    throw std::runtime_error("compute units must be 1.." + std::to_string(kMaxComputeUnits) + ", not " +
                             std::to_string(n));
  }
  DeviceOptions each = options;
#ifdef ESPGW_HAVE_XRT
  // xrt: the first n CUs of the xclbin's kernel, each its own unit (and SA table). auto
  // probes the card once for all n units and falls back to cpu with one log line.
  if (options.backend == "xrt") return one_or_multi(make_xrt_devices(options));
  if (options.backend == "auto") {
    try {
      return one_or_multi(make_xrt_devices(options));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "espgw: backend auto: no usable Alveo card (%s); using cpu\n", e.what());
    }
  }
#endif
#ifdef ESPGW_HAVE_CPU
  if (each.backend == "auto") each.backend = "cpu";
#endif
  std::vector<std::unique_ptr<EspDevice>> units;
  units.reserve(n);
  for (std::uint32_t u = 0; u < n; ++u) units.push_back(make_one(each));
  return one_or_multi(std::move(units));
}

}  // namespace espgw::driver

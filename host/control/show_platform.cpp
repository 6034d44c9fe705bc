// Text and JSON layout of `show platform` (see the header).
#include "host/control/show_platform.hpp"

#include <fmt/format.h>

namespace espgw::control {

namespace {
std::string or_na(const std::string& value, const std::string& backend) {
  return value.empty() ? fmt::format("n/a (backend {})", backend) : value;
}
}  // namespace

PlatformView platform_view(const driver::DeviceInfo& info, std::uint32_t sas_installed) {
  PlatformView v;
  v.backend = info.backend;
  v.device = info.device;
  v.provider = info.provider;
  v.xclbin_uuid = info.xclbin_uuid;
  v.kernel_clock_mhz = info.kernel_clock_mhz;
  v.sa_capacity = info.sa_capacity;
  v.max_replay_window = info.max_replay_window;
  v.sas_installed = sas_installed;
  return v;
}

std::string render_platform(const PlatformView& v) {
  std::string out;
  out += fmt::format("ESP engine        : {}\n", v.backend);
  out += fmt::format("Device            : {}\n", or_na(v.device, v.backend));
  out += fmt::format("Provider          : {}\n", or_na(v.provider, v.backend));
  out += fmt::format("Xclbin UUID       : {}\n", or_na(v.xclbin_uuid, v.backend));
  out += fmt::format("Kernel clock      : {}\n",
                     v.kernel_clock_mhz ? fmt::format("{} MHz", v.kernel_clock_mhz)
                                        : fmt::format("n/a (backend {})", v.backend));
  out += fmt::format("SA capacity       : {} SAs\n", v.sa_capacity);
  out += fmt::format("SAs installed     : {} of {}\n", v.sas_installed, v.sa_capacity);
  out += fmt::format("Max replay window : {} packets\n", v.max_replay_window);
  return out;
}

nlohmann::json platform_json(const PlatformView& v) {
  auto opt = [](const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); };
  return {{"backend", v.backend},
          {"device", opt(v.device)},
          {"provider", opt(v.provider)},
          {"xclbin_uuid", opt(v.xclbin_uuid)},
          {"kernel_clock_mhz", v.kernel_clock_mhz ? nlohmann::json(v.kernel_clock_mhz) : nlohmann::json(nullptr)},
          {"sa_capacity", v.sa_capacity},
          {"sas_installed", v.sas_installed},
          {"max_replay_window", v.max_replay_window}};
}

}  // namespace espgw::control

// `show platform`: which ESP engine espd runs on (EspDevice::info()) and how full its SA
// table is. Not an IOS command (IOS's own `show platform` describes line cards); the layout
// follows IOS's "Name : value" blocks. Fields a backend cannot know print "n/a (backend X)".
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "espgw/driver/esp_device.hpp"

namespace espgw::control {

struct PlatformView {
  std::string backend;   // DeviceInfo::backend: cpu | sim | hls | xrt
  std::string device;    // DeviceInfo::device
  std::string provider;  // DeviceInfo::provider: crypto library or kernel identity
  std::string xclbin_uuid;             // DeviceInfo::xclbin_uuid; empty when the backend has no xclbin
  std::uint32_t kernel_clock_mhz = 0;  // DeviceInfo::kernel_clock_mhz; 0 when unknown
  std::uint32_t sa_capacity = 0;
  std::uint32_t max_replay_window = 0;
  std::uint32_t sas_installed = 0;     // EspDevice::list_sas().size()
};

// The view of a device as EspDevice::info() describes it, with sas_installed SAs in its table.
PlatformView platform_view(const driver::DeviceInfo& info, std::uint32_t sas_installed);

std::string render_platform(const PlatformView& view);
// Unknown fields are JSON null, not "n/a", so scripts need not parse prose.
nlohmann::json platform_json(const PlatformView& view);

}  // namespace espgw::control

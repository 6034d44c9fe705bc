// The backends the ESP conformance suite runs on, and the one parameterized fixture every
// conformance file adds TEST_Ps to. Backends that make_device() cannot open in this build
// are not instantiated (and are named on stderr), so a missing backend is never a pass.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "espgw/driver/esp_device.hpp"

namespace espgw::conformance {

struct BackendParam {
  std::string backend;
  std::string provider;
  std::string name() const;  // "cpu_openssl": a valid gtest name
};
inline void PrintTo(const BackendParam& b, std::ostream* os) { *os << b.backend << "/" << b.provider; }

// Every backend/provider the suite knows about (THE list: add a backend here).
const std::vector<BackendParam>& known_backends();
// The subset make_device() opens in this build; prints which were instantiated and why the
// others were not.
const std::vector<BackendParam>& instantiated_backends();

std::unique_ptr<driver::EspDevice> open_device(const BackendParam& param);

class EspConformance : public ::testing::TestWithParam<BackendParam> {
 protected:
  void SetUp() override { device_ = open_device(GetParam()); }
  driver::EspDevice& dev() { return *device_; }
  std::unique_ptr<driver::EspDevice> device_;
};

}  // namespace espgw::conformance

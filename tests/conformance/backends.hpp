// The backends the ESP conformance suite runs on, and the one parameterized fixture every
// conformance file adds TEST_Ps to. Backends that make_device() cannot open in this build
// are not instantiated (and are named on stderr), so a missing backend is never a pass.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <ostream>
#include <cstdint>
#include <string>
#include <vector>

#include "espgw/driver/esp_device.hpp"

namespace espgw::conformance {

struct BackendParam {
  std::string backend;
  std::string provider;
  // > 1: that many devices of the backend behind one driver::multi::MultiDevice (the
  // several-kernel configuration, docs/hardware.md "Several compute units").
  std::uint32_t compute_units = 1;
  std::string name() const;            // "cpu_openssl", "cpu_openssl_x3": a valid gtest name
  std::string reported_backend() const;  // what info().backend says: "cpu", "cpux3"
};
inline void PrintTo(const BackendParam& b, std::ostream* os) {
  *os << b.backend << "/" << b.provider;
  if (b.compute_units > 1) *os << " x" << b.compute_units;
}

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

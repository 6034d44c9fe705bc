// The backend list of the ESP conformance suite and its one instantiation. A backend joins
// the suite by appending one line to known_backends(); it runs wherever make_device() opens it.
#include "backends.hpp"

#include <cctype>
#include <cstdio>
#include <stdexcept>

namespace espgw::conformance {

std::string BackendParam::name() const {
  std::string n = backend + "_" + provider;
  if (compute_units > 1) n += "_x" + std::to_string(compute_units);
  for (auto& c : n)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return n;
}

std::string BackendParam::reported_backend() const {
  return compute_units > 1 ? backend + "x" + std::to_string(compute_units) : backend;
}

const std::vector<BackendParam>& known_backends() {
  static const std::vector<BackendParam> kBackends = {
      {"cpu", "openssl"},
      {"cpu", "ipsec-mb"},
      {"sim", "auto"},  // the RTL kernel under Verilator, when built
      {"hls", "auto"},  // the HLS kernel in C-simulation, when built
      {"xrt", "auto"},  // an Alveo card, when one is present
      // Several kernels as one device: SAs spread over the units, inbound routed by SPI.
      {"cpu", "openssl", 3},
      {"sim", "auto", 2},
  };
  return kBackends;
}

std::unique_ptr<driver::EspDevice> open_device(const BackendParam& param) {
  driver::DeviceOptions options;
  options.backend = param.backend;
  options.provider = param.provider;
  options.compute_units = param.compute_units;
  return driver::make_device(options);
}

namespace {
std::string label(const BackendParam& b) {
  return b.backend + "/" + b.provider + (b.compute_units > 1 ? " x" + std::to_string(b.compute_units) : "");
}
}  // namespace

const std::vector<BackendParam>& instantiated_backends() {
  static const std::vector<BackendParam> kPresent = [] {
    std::vector<BackendParam> present;
    std::string line = "conformance: instantiated";
    std::string skipped;
    for (const auto& b : known_backends()) {
      try {
        auto dev = open_device(b);
        if (!dev) throw std::runtime_error("make_device returned null");
        present.push_back(b);
        line += " " + label(b);
      } catch (const std::exception& e) {
        skipped += "\nconformance: not instantiated " + label(b) + ": " + e.what();
      }
    }
    if (present.empty()) line += " (none)";
    std::fprintf(stderr, "%s%s\n", line.c_str(), skipped.c_str());
    return present;
  }();
  return kPresent;
}

INSTANTIATE_TEST_SUITE_P(Backends, EspConformance, ::testing::ValuesIn(instantiated_backends()),
                         [](const ::testing::TestParamInfo<BackendParam>& info) { return info.param.name(); });
// With no backend built, the suite has no instances; that is reported above, not an error.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(EspConformance);

}  // namespace espgw::conformance

// The IkeManager espd runs until host/ike provides one: ipsec-isakmp crypto maps load, show
// their proxy pairs, count "#pkts no sa (send)", and log once per entry that nothing will
// negotiate their SAs. The integrator replaces it with host/ike's implementation (see
// docs/architecture.md "IKE seam").
#pragma once

#include <set>
#include <string>
#include <utility>

#include <spdlog/spdlog.h>

#include "host/common/ipv4.hpp"
#include "host/dataplane/ike_interface.hpp"

namespace espgw::espd {

class IkeUnavailable final : public dataplane::IkeManager {
 public:
  void start(dataplane::SaInstaller&) override {}
  void apply_config(std::shared_ptr<const config::Config>) override {}
  void acquire(const dataplane::AcquireRequest& r) override {
    if (warned_.insert({r.map_tag, r.seq}).second)
      spdlog::warn("crypto map {} {} (ipsec-isakmp): traffic for peer {} needs IKE, which this build lacks; dropped",
                   r.map_tag, r.seq, format_ipv4(r.peer));
  }
  void on_natt_message(std::uint32_t, std::uint16_t, std::uint32_t, std::span<const std::uint8_t>) override {}
  void on_sa_event(const driver::SaEvent&) override {}
  void on_cleared(std::optional<std::uint32_t>) override {}
  void stop() override {}

 private:
  std::set<std::pair<std::string, int>> warned_;
};

}  // namespace espgw::espd

// Bit-exactness across backends: for the same SA configurations and packets, every
// instantiated backend writes the same bytes and returns the same statuses as the first one
// (STYLE.md: status codes from the regmap, so backends compare with ==).
#include <gtest/gtest.h>

#include "backends.hpp"
#include "esp_reference.hpp"
#include "esp_test_util.hpp"

namespace espgw::conformance {
namespace {

struct Transcript {
  std::vector<std::string> outbound;  // hex of each output, or "status:<name>"
  std::vector<std::string> inbound;
};

std::string show(const Result& r) {
  return r.status == Status::kOk ? hex(r.bytes) + "@" + std::to_string(r.seq) : "status:" + status_name(r.status);
}

Transcript run(const BackendParam& b) {
  auto dev = open_device(b);
  Transcript t;
  auto variants = all_variants();
  for (std::size_t i = 0; i < variants.size(); ++i) {
    const auto& v = variants[i];
    const std::uint32_t spi = 0x3000 + static_cast<std::uint32_t>(i);
    SaConfig out_cfg = make_sa(v, Direction::kOutbound, spi);
    if (v.esn) out_cfg.initial_seq = 0xFFFFFFF0u;
    SaConfig in_cfg = make_sa(v, Direction::kInbound, spi);
    SaHandle out = install(*dev, out_cfg);
    SaHandle in = install(*dev, in_cfg);
    auto inners = inner_mix(18, static_cast<std::uint16_t>(i));
    for (const auto& r : encap(*dev, out, inners)) t.outbound.push_back(show(r));
    // Inbound: good packets, a duplicate, a flipped ICV byte and a bad padding, in one burst.
    std::vector<Bytes> wire;
    for (std::size_t k = 0; k < 6; ++k) wire.push_back(reference_encap(in_cfg, inners[k], k + 1));
    wire.push_back(wire[2]);
    Bytes flipped = reference_encap(in_cfg, inners[6], 7);
    flipped.back() ^= 0x01;
    wire.push_back(flipped);
    EspCraft bad_pad;
    bad_pad.padding = Bytes{1, 2, 3, 9};
    wire.push_back(reference_encap(in_cfg, make_icmp(kLocalLan | 1, kPeerLan | 2, 58, 1), 8, bad_pad));
    for (const auto& r : decap(*dev, wire)) t.inbound.push_back(show(r));
    auto c = counters(*dev, in);
    t.inbound.push_back("counters " + std::to_string(c.packets) + " " + std::to_string(c.bytes) + " " +
                        std::to_string(c.auth_fails) + " " + std::to_string(c.replay_fails) + " " +
                        std::to_string(c.pad_fails));
    (void)out;
  }
  return t;
}

TEST(EspCrossBackend, EveryBackendWritesTheFirstBackendsBytesAndStatuses) {
  const auto& backends = instantiated_backends();
  if (backends.size() < 2) GTEST_SKIP() << "fewer than two backends in this build";
  const Transcript first = run(backends.front());
  for (std::size_t b = 1; b < backends.size(); ++b) {
    SCOPED_TRACE(backends[b].name() + " vs " + backends.front().name());
    const Transcript other = run(backends[b]);
    ASSERT_EQ(other.outbound.size(), first.outbound.size());
    ASSERT_EQ(other.inbound.size(), first.inbound.size());
    for (std::size_t k = 0; k < first.outbound.size(); ++k)
      EXPECT_EQ(other.outbound[k], first.outbound[k]) << "outbound #" << k << " (variant " << k / 18 << ")";
    for (std::size_t k = 0; k < first.inbound.size(); ++k) EXPECT_EQ(other.inbound[k], first.inbound[k]) << "inbound #" << k;
  }
}

}  // namespace
}  // namespace espgw::conformance

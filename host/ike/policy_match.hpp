// IOS-style proposal handling: the SA payloads espgw offers (phase 1 from `crypto isakmp
// policy`, phase 2 from a crypto map's transform sets) and the responder's matching, which
// checks each offered transform against the local policies by priority and logs it the way
// IOS does ("Checking ISAKMP transform 1 against priority 1 policy", "atts are acceptable").
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "host/ike/ike_sa.hpp"
#include "host/ike/payload/sa_payload.hpp"

namespace espgw::ike {

using LogLine = std::function<void(const std::string&)>;

// Lifetimes go out as TV when they fit 16 bits, else as the 4-byte TLV IOS sends.
Attribute lifetime_attribute(std::uint16_t type, std::uint64_t value);

// --- phase 1 ---
SaPayload phase1_offer(const std::vector<IsakmpPolicyInput>& policies);
struct Phase1Match {
  std::uint8_t proposal_number = 1;
  Transform transform;  // echoed back in MM2
  Phase1Proposal chosen;
};
std::optional<Phase1Match> match_phase1(const SaPayload& offered, const std::vector<IsakmpPolicyInput>& policies,
                                        const LogLine& log);
// The initiator's check of MM2: the one returned transform must be one it offered.
std::optional<Phase1Proposal> accept_phase1_reply(const SaPayload& reply, const std::vector<IsakmpPolicyInput>& policies);

// --- phase 2 ---
struct Phase2Proposal {
  EspTransformInput transform;
  std::optional<DhGroupId> pfs;
  std::chrono::seconds lifetime{0};
  std::uint64_t lifetime_kb = 0;
  EncapsulationMode mode = EncapsulationMode::kTunnel;
};
SaPayload phase2_offer(const CryptoMapInput& map, std::uint32_t spi, EncapsulationMode mode);
struct Phase2Match {
  std::uint8_t proposal_number = 1;
  std::uint32_t peer_spi = 0;
  Transform transform;  // as offered, echoed back in QM2
  Phase2Proposal chosen;
  bool responder_lifetime = false;  // our lifetime is shorter: send RESPONDER-LIFETIME
};
// `mode` is what NAT-T detection expects (1 tunnel, 3 UDP tunnel).
std::optional<Phase2Match> match_phase2(const SaPayload& offered, const CryptoMapInput& map,
                                        EncapsulationMode mode, const LogLine& log);
// Parses a single-transform reply (QM2) into the values it fixes.
std::optional<Phase2Match> parse_phase2_reply(const SaPayload& reply, const CryptoMapInput& map);

}  // namespace espgw::ike

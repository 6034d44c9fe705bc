// Phase1Snapshot: everything a standby needs to carry on an established ISAKMP SA (RFC 2409)
// that another gateway negotiated (issue 7, HA): identity, the negotiated transform, the
// RFC 2409 keys (SecretBytes, zeroized), the last phase-1 CBC block from which every
// phase-2 / informational IV derives (Appendix B), message IDs in use, DPD (RFC 3706) and
// NAT-T (RFC 3947) state, and the IPsec SAs it owns (SPIs only: KEYMAT stays in the device).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "espgw/driver/secret_bytes.hpp"
#include "host/ike/ike_sa.hpp"
#include "host/ike/policy_match.hpp"

namespace espgw::ike {

enum class Phase1Auth : std::uint16_t { kPreSharedKey = 1 };  // the only method espgw speaks

// An IPsec SA pair the ISAKMP SA negotiated: enough to honour a DELETE naming it, rekey it
// on time and delete it at its hard lifetime. Its keys are the device's (SaConfig), not here.
struct ChildSnapshot {
  std::uint32_t inbound_spi = 0;
  std::uint32_t outbound_spi = 0;
  std::string map_name{};  // the crypto-map entry it serves (name + seq identify it)
  int map_seq = 0;
  Phase2Proposal proposal{};
  bool initiator = false;  // we started its Quick Mode: we rekey it on time
  std::chrono::system_clock::time_point expires_at{};  // hard seconds lifetime (wall clock)
};

struct Phase1Snapshot {
  // Identity. Endpoints are as the SA uses them now (after a NAT-T float: port 4500).
  Endpoint local, peer;
  Cookie cky_i{}, cky_r{};
  Role role = Role::kInitiator;
  P1State state = P1State::kP1Complete;  // snapshots are of established SAs only
  std::uint32_t conn_id = 0;              // the `show crypto isakmp sa` conn-id

  // Negotiated attributes.
  Phase1Proposal proposal;  // cipher key bits (AES-CBC), hash/PRF, DH group, lifetime
  Phase1Auth auth = Phase1Auth::kPreSharedKey;

  // RFC 2409 keys. skeyid_e is kept for completeness; enc_key (Ka) is what encrypts.
  SecretBytes skeyid_d{}, skeyid_a{}, skeyid_e{}, enc_key{};
  // The last phase-1 CBC block: the seed of every phase-2 and informational IV.
  Bytes p1_iv{};

  // Message IDs used so far (a replayed or reused one is refused, RFC 2408 section 3.1).
  std::vector<std::uint32_t> message_ids{};

  // DPD (RFC 3706): our last sent sequence number, and whether the peer said it speaks DPD.
  std::uint32_t dpd_seq = 0;
  bool peer_supports_dpd = false;

  NattState natt{};

  // Wall-clock expiry of the phase-1 lifetime (system_clock, so it means the same on the
  // standby), and when this snapshot was taken.
  std::chrono::system_clock::time_point expires_at{};
  std::chrono::system_clock::time_point taken_at{};

  std::vector<ChildSnapshot> children{};
};

// Why the phase-1 observer was called.
enum class Phase1Event {
  kEstablished,   // a new ISAKMP SA (first one, or a re-establishment before expiry)
  kStateChanged,  // message IDs / DPD sequence / children changed on an established SA
  kDeleted,       // the SA is gone (expired, replaced, DELETE received, DPD, clear)
};

}  // namespace espgw::ike

// The byte form of host/ike's Phase1Snapshot (an established ISAKMP SA, RFC 2409, with its
// keys, IV, message IDs, DPD and NAT-T state and child SPIs), carried opaquely in
// ha::IkeSaRecord::ike_state from the active to the standby over the TLS sync channel.
// Versioned, big-endian, length-checked; built in a zeroizing buffer (it holds SKEYID_*).
#pragma once

#include <optional>
#include <span>
#include <string>

#include "espgw/driver/secret_bytes.hpp"
#include "host/ike/phase1_snapshot.hpp"

namespace espgw::espd {

SecretBytes encode_phase1(const ike::Phase1Snapshot& snapshot);
// nullopt and *error (what and where) for truncated, oversized or unknown-version input.
std::optional<ike::Phase1Snapshot> decode_phase1(std::span<const std::uint8_t> bytes, std::string* error);

}  // namespace espgw::espd

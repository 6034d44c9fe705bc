// Stateful-failover replication messages (the records IOS's SSO channel carries, in espgw's
// own compact binary form): IKE SA and IPsec SA records with their keys, sequence-number and
// replay-window reports, deletes, and the bulk-resync brackets sent after every (re)connect.
// Framing: type (1 octet), length (3 octets, big-endian), then TLV fields (tag 1 octet,
// length 2 octets, value). Unknown tags are skipped; the decoder never throws on peer bytes.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "espgw/driver/sa_config.hpp"
#include "espgw/driver/secret_bytes.hpp"
#include "host/ha/secure_buffer.hpp"

namespace espgw::ha {

inline constexpr std::uint16_t kSyncProtocolVersion = 1;
inline constexpr std::size_t kSyncFrameHeaderBytes = 4;
inline constexpr std::size_t kSyncMaxFrameBytes = 16 * 1024;  // far above any record; bounds a peer's claim
inline constexpr std::size_t kSyncMaxMessageIds = 64;
inline constexpr std::size_t kSyncMaxIkeState = 8192;  // IkeSaRecord::ike_state, bytes

using IkeCookie = std::array<std::uint8_t, 8>;

enum class SyncRole : std::uint8_t { kStandby = 0, kActive = 1 };

// First message each way after the TLS handshake.
struct SyncHello {
  std::uint16_t version = kSyncProtocolVersion;
  SyncRole role = SyncRole::kStandby;
  std::uint32_t node_address = 0;
  std::uint64_t boot_id = 0;  // changes when the daemon restarts: the peer's replica is stale
  // The sender's HSRP standing in the group the scheme follows (current priority, after
  // track decrements, and its address on that interface), so both ends can run RFC 2281's
  // comparison when the Hellos are lost but this channel is not (split brain, docs/ha.md).
  // Optional fields: absent from a peer that does not send them (no arbitration then).
  std::optional<std::uint32_t> hsrp_priority;
  std::optional<std::uint32_t> hsrp_address;
};

// A full resync: the standby drops its replica at BulkBegin and marks it complete at BulkEnd.
struct BulkBegin {
  std::uint64_t generation = 0;
};
struct BulkEnd {
  std::uint64_t generation = 0;
  std::uint32_t ike_sas = 0, ipsec_sas = 0;  // what was sent in between, checked by the receiver
};

// An IKEv1 (phase 1) SA, as the standby needs it to carry on Quick Mode, DPD and deletes
// without a new Main Mode (RFC 2409 section 5: SKEYID_d/a/e, the phase-1 IV chain).
struct IkeSaRecord {
  IkeCookie cookie_i{}, cookie_r{};
  std::uint32_t local_address = 0, peer_address = 0;
  std::uint16_t local_port = 500, peer_port = 500;
  bool initiator = false;
  bool nat_t = false;
  std::uint16_t encryption = 0, key_bits = 0, hash = 0, dh_group = 0, auth_method = 0;  // RFC 2409 App. A values
  SecretBytes skeyid_d, skeyid_a, skeyid_e;
  std::vector<std::uint8_t> iv;             // last phase-1 CBC block (RFC 2409 Appendix B)
  std::vector<std::uint32_t> message_ids;   // recent Quick Mode / informational IDs, against replays
  std::uint32_t dpd_seq_out = 0, dpd_seq_in = 0;  // RFC 3706 R-U-THERE sequence numbers
  std::uint32_t lifetime_remaining_s = 0;
  // The IKE implementation's own complete snapshot of the SA (keys included), opaque here:
  // espd fills it from host/ike's Phase1Snapshot so the standby can adopt the SA as it was.
  // Empty from a peer that does not send it (optional field).
  SecretBytes ike_state;
};

// An IPsec SA: the device's SaConfig (keys in SecretBytes), its IKE parent and live state.
struct IpsecSaRecord {
  driver::SaConfig config;
  IkeCookie ike_cookie_i{}, ike_cookie_r{};
  // Outbound: the last sequence number reported; inbound: the replay window's top.
  std::uint64_t seq = 0;
  std::uint32_t lifetime_remaining_s = 0;
  std::string crypto_map;
  std::uint32_t crypto_map_seq = 0;
};

// Every N outbound packets the sequence number, every M inbound packets the replay top
// (`crypto map NAME redundancy replay-interval inbound M outbound N`).
struct SeqReport {
  std::uint32_t spi = 0;
  driver::Direction direction = driver::Direction::kOutbound;
  std::uint64_t seq = 0;
};

struct IpsecSaDelete {
  std::uint32_t spi = 0;
  driver::Direction direction = driver::Direction::kOutbound;
};
struct IkeSaDelete {
  IkeCookie cookie_i{}, cookie_r{};
};

using SyncMessage =
    std::variant<SyncHello, BulkBegin, BulkEnd, IkeSaRecord, IpsecSaRecord, SeqReport, IpsecSaDelete, IkeSaDelete>;

struct SyncDecodeError {
  std::size_t offset = 0;
  std::string reason;
};

// Appends one frame for msg to out (keys included: out zeroizes itself).
void encode_sync_message(const SyncMessage& msg, SecureBuffer& out);

// Frame length from a header (nullopt when fewer than 4 bytes are given).
std::optional<std::size_t> sync_frame_length(std::span<const std::uint8_t> header);

// Decodes exactly one whole frame (header included).
std::variant<SyncMessage, SyncDecodeError> decode_sync_message(std::span<const std::uint8_t> frame);

std::string_view sync_message_name(const SyncMessage& msg);

}  // namespace espgw::ha

// SaConfig: everything a device needs to run one ESP SA in tunnel mode (RFC 4303), as the
// control plane (manual keys or IKE Quick Mode) hands it to EspDevice::install_sa.
// Addresses and ports are in host byte order.
#pragma once

#include <cstdint>
#include <optional>

#include "espgw/driver/secret_bytes.hpp"
#include "espgw/regmap/esp_regmap.hpp"

namespace espgw::driver {

using Status = regmap::Status;
using Direction = regmap::Direction;
using Transform = regmap::Transform;
using DfPolicy = regmap::DfPolicy;
using SaEventKind = regmap::Event;

// RFC 3948 UDP encapsulation: ESP inside UDP (NAT-T, usually 4500 <-> 4500).
struct UdpEncap {
  std::uint16_t src_port = 4500;
  std::uint16_t dst_port = 4500;
  friend bool operator==(const UdpEncap&, const UdpEncap&) = default;
};

// One IOS proxy identity pair: addr/mask/prot/port for each side, inner header view.
// For an inbound SA, src is the remote protected side and dst the local one.
struct TrafficSelector {
  std::uint32_t src_addr = 0, src_mask = 0;
  std::uint32_t dst_addr = 0, dst_mask = 0;
  std::uint8_t protocol = 0;  // 0 = any
  std::uint16_t src_port_lo = 0, src_port_hi = 0xFFFF;
  std::uint16_t dst_port_lo = 0, dst_port_hi = 0xFFFF;
  friend bool operator==(const TrafficSelector&, const TrafficSelector&) = default;
};

// 0 means "no limit". Soft limits raise SaEventKind::kSoftLifetime once; hard limits stop the SA.
struct Lifetime {
  std::uint64_t soft_bytes = 0, hard_bytes = 0;
  std::uint64_t soft_packets = 0, hard_packets = 0;
  friend bool operator==(const Lifetime&, const Lifetime&) = default;
};

struct SaConfig {
  std::uint32_t spi = 0;
  Direction direction = Direction::kOutbound;
  std::uint32_t tunnel_src = 0;  // outer IPv4 source (ours for outbound)
  std::uint32_t tunnel_dst = 0;  // outer IPv4 destination (ours for inbound)
  std::optional<UdpEncap> udp_encap;
  Transform transform = Transform::kAesGcm16;
  SecretBytes enc_key;   // 16 or 32 bytes (AES-128/256)
  SecretBytes auth_key;  // HMAC key: 32 bytes for SHA-256, 20 for SHA-1; empty for GCM
  std::uint32_t salt = 0;  // GCM nonce salt (RFC 4106 section 4), from KEYMAT's last 4 bytes
  std::uint32_t replay_window = regmap::kReplayWindowDefault;  // inbound; 0 disables, max kReplayWindowMax
  bool esn = false;  // 64-bit extended sequence numbers (RFC 4304)
  Lifetime lifetime;
  TrafficSelector selector;  // inbound: the decapsulated packet must match it
  std::uint8_t ttl = 64;     // outer TTL
  DfPolicy df = DfPolicy::kCopy;
  // Outbound: the last sequence number already used (the next packet gets +1). Non-zero
  // only when an SA moves between devices (stateful HA), so no sequence number or GCM IV
  // is ever reused under one key.
  std::uint64_t initial_seq = 0;
};

// What the device reports about an SA: the configuration without keys, plus the live state.
struct SaCounters {
  std::uint64_t packets = 0;  // IOS #pkts encaps/encrypt/digest (outbound) or decaps/decrypt/verify
  std::uint64_t bytes = 0;    // inner bytes
  std::uint64_t auth_fails = 0;
  std::uint64_t replay_fails = 0;
  std::uint64_t pad_fails = 0;     // bad padding or next header
  std::uint64_t policy_fails = 0;  // selector mismatch
  std::uint64_t other_drops = 0;   // seq overflow, lifetime, too big, malformed
  // IOS "#send errors" (outbound) / "#recv errors" (inbound): every drop on this SA.
  std::uint64_t errors() const { return auth_fails + replay_fails + pad_fails + policy_fails + other_drops; }
  friend bool operator==(const SaCounters&, const SaCounters&) = default;
};

struct SaState {
  std::uint32_t spi = 0;
  Direction direction = Direction::kOutbound;
  Transform transform = Transform::kAesGcm16;
  std::uint32_t key_bits = 0;
  std::uint32_t tunnel_src = 0, tunnel_dst = 0;
  std::optional<UdpEncap> udp_encap;
  bool esn = false;
  std::uint32_t replay_window = 0;
  std::uint64_t seq = 0;  // outbound: last sequence number sent; inbound: replay window top
  Lifetime lifetime;
  TrafficSelector selector;
  SaCounters counters;
  bool soft_expired = false;  // the soft-lifetime event has fired
  bool hard_expired = false;  // the SA no longer passes traffic
};

}  // namespace espgw::driver

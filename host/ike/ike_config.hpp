// The narrow input host/ike needs from the IOS configuration: ISAKMP policies, pre-shared
// keys, crypto-map entries (peer, proxy identities, transform sets, PFS, lifetimes), DPD
// and NAT-T settings. The daemon maps espgw::config::Config onto it; IKE never parses IOS.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "espgw/driver/secret_bytes.hpp"
#include "host/ike/ike_constants.hpp"

namespace espgw::ike {

// `crypto isakmp policy N`: AES-CBC only (IOS's des/3des are refused at mapping time).
struct IsakmpPolicyInput {
  int priority = 1;
  std::uint16_t key_bits = 256;  // 128, 192, 256
  P1Hash hash = P1Hash::kSha256;
  DhGroupId group = DhGroupId::kModp2048;
  std::chrono::seconds lifetime = kIsakmpLifetimeDefault;
};

// `crypto isakmp key KEY address A [MASK]`.
struct PreSharedKeyInput {
  std::uint32_t address = 0;
  std::uint32_t mask = 0xFFFFFFFF;
  SecretBytes key;
};

// One transform set: `esp-aes N esp-sha256-hmac`, `esp-aes N esp-sha-hmac`, `esp-gcm N`.
struct EspTransformInput {
  std::string name;
  EspTransformId id = EspTransformId::kEspAes;
  std::uint16_t key_bits = 256;
  AuthAlgorithm auth = AuthAlgorithm::kHmacSha256;  // kNone for GCM
};

// An IOS proxy identity: address/mask, protocol (0 any) and port (0 any).
struct ProxyId {
  std::uint32_t addr = 0;
  std::uint32_t mask = 0xFFFFFFFF;
  std::uint8_t protocol = 0;
  std::uint16_t port = 0;
  friend bool operator==(const ProxyId&, const ProxyId&) = default;
};

// One `crypto map NAME SEQ ipsec-isakmp` entry, reduced to one permit line of its ACL.
struct CryptoMapInput {
  std::string map_name;
  int seq = 10;
  std::uint32_t peer = 0;
  ProxyId local;   // the ACL's source (our protected side)
  ProxyId remote;  // the ACL's destination
  std::vector<EspTransformInput> transforms;  // preference order
  std::optional<DhGroupId> pfs;
  std::chrono::seconds lifetime = kIpsecLifetimeDefault;
  std::uint64_t lifetime_kb = kIpsecLifetimeKbDefault;
};

struct KeepaliveInput {
  std::chrono::seconds interval{10};
  std::chrono::seconds retry{2};
  bool periodic = false;
};

struct IkeConfig {
  std::uint32_t local_address = 0;
  std::vector<IsakmpPolicyInput> policies;  // sorted by priority
  std::vector<PreSharedKeyInput> keys;
  std::vector<CryptoMapInput> crypto_maps;
  std::optional<KeepaliveInput> keepalive;
  bool aggressive_mode_disabled = false;  // responder: refuse AM1 (and count it)
  // Initiator: start phase 1 with Aggressive Mode instead of Main Mode (a test/config
  // option; IOS initiates AM only for special peer configs). No NAT-D in AM.
  bool initiate_aggressive = false;
  // Phase 1 re-established by us: IOS moves the IPsec SAs to the new ISAKMP SA as they are
  // (false). Some peers (strongSwan 5.9 as IKEv1 responder) delete their IPsec SAs with the
  // old ISAKMP SA instead; with true, every moved pair is rekeyed by Quick Mode on the new SA
  // (make-before-break) and the old ISAKMP SA is deleted only after those Quick Modes.
  bool rekey_ipsec_on_phase1_rekey = false;
  bool force_udp_encap = false;  // encapsulate even without NAT (strongSwan's encap = yes)
  // `crypto isakmp nat keepalive S`: one 0xFF byte every S seconds to each peer whose IKE SA
  // uses UDP 4500 (RFC 3948 section 2.3); 0 = none.
  std::chrono::seconds nat_keepalive{0};
  bool debug_isakmp = false;     // `debug crypto isakmp`
  std::uint32_t replay_window = 64;
  std::size_t half_open_per_peer_max = kHalfOpenPerPeerMax;
  std::size_t half_open_total_max = kHalfOpenTotalMax;

  // The most specific key for a peer (longest mask), or nullptr.
  const PreSharedKeyInput* find_key(std::uint32_t peer) const {
    const PreSharedKeyInput* best = nullptr;
    for (const PreSharedKeyInput& k : keys)
      if (((peer ^ k.address) & k.mask) == 0 && (best == nullptr || k.mask > best->mask)) best = &k;
    return best;
  }
};

}  // namespace espgw::ike

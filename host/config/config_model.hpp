// The IOS configuration as an immutable value model: what parse_ios_config() returns, what
// render_running_config() prints, and what espd diffs on SIGHUP. Pure data, no I/O. Values
// are host byte order IPv4 addresses; defaults are IOS's (Cisco IOS Security Configuration
// Guide: ISAKMP 86400 s, IPsec 3600 s / 4,608,000 kB, replay window 64, HSRP 3 s / 10 s).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "espgw/driver/secret_bytes.hpp"

namespace espgw::config {

// Where an element came from (1-based line and column, columns counted in characters).
// Provenance, not value: two configs that differ only in where a command sits are equal,
// so a reload that merely moves lines changes nothing and a rendered config re-parses to
// an equal model. That is why operator== is always true here.
struct SourceLoc {
  int line = 0;
  int column = 0;
  friend bool operator==(const SourceLoc&, const SourceLoc&) { return true; }
};

// A name that refers to another element (ACL, transform set, standby group, map), with the
// position of the name itself so validate() can point at the offending token.
struct NamedRef {
  std::string name;
  SourceLoc loc;
  friend bool operator==(const NamedRef&, const NamedRef&) = default;
};

// ---------------------------------------------------------------- ISAKMP (phase 1)

enum class IsakmpEncryption { kDes, kTripleDes, kAes };  // IOS default: des
enum class IsakmpHash { kMd5, kSha, kSha256, kSha384, kSha512 };  // IOS default: sha
enum class IsakmpAuth { kPreShare, kRsaSig, kRsaEncr };  // IOS default: rsa-sig

// `crypto isakmp policy N` and its sub-mode.
struct IsakmpPolicy {
  int priority = 0;  // 1..10000, lower is tried first
  IsakmpEncryption encryption = IsakmpEncryption::kDes;
  int key_bits = 0;  // aes: 128 (IOS default when `encr aes` has no size), 192, 256; 0 for des/3des
  IsakmpHash hash = IsakmpHash::kSha;
  IsakmpAuth authentication = IsakmpAuth::kRsaSig;
  // False when the policy has no `authentication` line, so rsa-sig is IOS's default rather
  // than the operator's choice (the reference's HA configs); the parser warns about it.
  bool authentication_explicit = false;
  int dh_group = 1;  // IOS default group 1
  std::chrono::seconds lifetime{86400};
  SourceLoc loc;
  friend bool operator==(const IsakmpPolicy&, const IsakmpPolicy&) = default;
};

// `crypto isakmp key KEY address A [MASK] [no-xauth]`. The key is the string's bytes.
struct IsakmpKey {
  SecretBytes key;
  std::uint32_t address = 0;
  std::uint32_t mask = 0xFFFFFFFF;  // a host unless a mask is given
  bool no_xauth = false;
  SourceLoc loc;
  friend bool operator==(const IsakmpKey&, const IsakmpKey&) = default;
};

enum class KeepaliveMode { kOnDemand, kPeriodic };  // IOS default: on-demand

// `crypto isakmp keepalive SECONDS [RETRY] [periodic|on-demand]` (DPD, RFC 3706).
struct IsakmpKeepalive {
  std::chrono::seconds interval{10};  // 10..3600
  std::chrono::seconds retry{2};      // 2..60, IOS default 2
  KeepaliveMode mode = KeepaliveMode::kOnDemand;
  SourceLoc loc;
  friend bool operator==(const IsakmpKeepalive&, const IsakmpKeepalive&) = default;
};

// ---------------------------------------------------------------- IPsec (phase 2)

enum class EspCipher { kAesCbc, kAesGcm };            // esp-aes N, esp-gcm N
enum class EspIntegrity { kNone, kSha1, kSha256 };   // (none), esp-sha-hmac, esp-sha256-hmac
enum class EspMode { kTunnel, kTransport };           // IOS default: tunnel

// `crypto ipsec transform-set NAME esp-... [esp-...-hmac]` and its `mode` sub-command.
struct TransformSet {
  std::string name;
  EspCipher cipher = EspCipher::kAesCbc;
  int key_bits = 128;  // esp-aes: 128 (default) | 192 | 256; esp-gcm: 128 (default) | 256
  EspIntegrity integrity = EspIntegrity::kNone;  // always kNone with esp-gcm
  EspMode mode = EspMode::kTunnel;
  SourceLoc loc;
  friend bool operator==(const TransformSet&, const TransformSet&) = default;
};

enum class CryptoMapType { kIpsecIsakmp, kIpsecManual };

// `set session-key inbound|outbound esp SPI cipher HEX [authenticator HEX]` (ipsec-manual).
struct ManualSessionKey {
  std::uint32_t spi = 0;  // 256..4294967295 as IOS requires
  SecretBytes cipher_key;
  SecretBytes authenticator_key;  // empty without `authenticator`
  SourceLoc loc;
  friend bool operator==(const ManualSessionKey&, const ManualSessionKey&) = default;
};

struct Peer {
  std::uint32_t address = 0;
  SourceLoc loc;
  friend bool operator==(const Peer&, const Peer&) = default;
};

// One `crypto map NAME SEQ ipsec-isakmp|ipsec-manual` entry and its sub-mode.
struct CryptoMapEntry {
  std::string name;
  int seq = 0;  // 1..65535
  CryptoMapType type = CryptoMapType::kIpsecIsakmp;
  std::vector<Peer> peers;              // `set peer`, in order (ipsec-manual allows one)
  std::vector<NamedRef> transform_sets;  // `set transform-set A [B ...]`, in preference order
  std::optional<int> pfs_group;          // `set pfs groupN`; nullopt = no PFS
  std::optional<NamedRef> match_address;  // ACL name or number as written
  bool reverse_route = false;
  std::optional<std::chrono::seconds> lifetime_seconds;  // `set security-association lifetime`
  std::optional<std::uint64_t> lifetime_kilobytes;
  std::optional<ManualSessionKey> inbound_esp;   // ipsec-manual only
  std::optional<ManualSessionKey> outbound_esp;  // ipsec-manual only
  SourceLoc loc;
  friend bool operator==(const CryptoMapEntry&, const CryptoMapEntry&) = default;
};

// `crypto map NAME redundancy replay-interval inbound M outbound N` (stateful HA: how often
// the active reports the inbound replay window and the outbound sequence number). Only
// present when configured; the defaults below are espgw's, not taken from IOS.
struct CryptoMapReplayInterval {
  std::string map_name;
  std::uint32_t inbound_packets = 1000;
  std::uint32_t outbound_packets = 1000;
  SourceLoc loc;
  friend bool operator==(const CryptoMapReplayInterval&, const CryptoMapReplayInterval&) = default;
};

// ---------------------------------------------------------------- access lists

enum class AclAction { kPermit, kDeny };
enum class PortOp { kAny, kEq, kNeq, kLt, kGt, kRange };

// host A = {A, 0}; any = {0, 0xFFFFFFFF}; A W = {A, W} (wildcard: 1 bits are "don't care").
struct AclAddress {
  std::uint32_t address = 0;
  std::uint32_t wildcard = 0xFFFFFFFF;
  bool matches(std::uint32_t a) const { return ((a ^ address) & ~wildcard) == 0; }
  friend bool operator==(const AclAddress&, const AclAddress&) = default;
};

struct PortMatch {
  PortOp op = PortOp::kAny;
  std::uint16_t low = 0;   // eq/neq/lt/gt value, or range start
  std::uint16_t high = 0;  // range end
  friend bool operator==(const PortMatch&, const PortMatch&) = default;
};

inline constexpr int kAclProtocolIp = -1;  // `ip`: every protocol

struct AclEntry {
  AclAction action = AclAction::kPermit;
  int protocol = kAclProtocolIp;  // kAclProtocolIp, or 0..255 (icmp 1, tcp 6, udp 17, ...)
  AclAddress source;
  PortMatch source_port;  // tcp/udp only
  AclAddress destination;
  PortMatch destination_port;  // tcp/udp only
  std::optional<int> icmp_type;  // icmp only
  std::optional<int> icmp_code;
  bool established = false;  // tcp only
  bool log = false;
  SourceLoc loc;
  friend bool operator==(const AclEntry&, const AclEntry&) = default;
};

// Numbered (`access-list 100..199|2000..2699 ...`) or named (`ip access-list extended NAME`)
// extended ACL. Crypto maps refer to either by `name` (the number as text when numbered).
struct AccessList {
  std::string name;
  bool numbered = false;
  std::vector<AclEntry> entries;  // first match wins; an implicit deny ends the list
  SourceLoc loc;
  friend bool operator==(const AccessList&, const AccessList&) = default;
};

// ---------------------------------------------------------------- interfaces, HSRP, tracks

enum class StandbyAuthKind { kText, kMd5 };

// `standby N authentication [text] STRING` or `standby N authentication md5 key-string S`.
// Without the command HSRP v1 sends the text "cisco" (RFC 2281 section 5.1).
struct StandbyAuthentication {
  StandbyAuthKind kind = StandbyAuthKind::kText;
  SecretBytes key;
  friend bool operator==(const StandbyAuthentication&, const StandbyAuthentication&) = default;
};

// `standby N track OBJECT [decrement D]`: lower the priority by D while OBJECT is down.
struct StandbyTrack {
  int object = 0;
  int decrement = 10;  // IOS default
  SourceLoc loc;
  friend bool operator==(const StandbyTrack&, const StandbyTrack&) = default;
};

// One HSRP group on an interface (RFC 2281; version 2 from `standby version 2`).
struct StandbyGroup {
  int group = 0;  // `standby ip A` without a number is group 0
  std::optional<std::uint32_t> virtual_ip;
  int priority = 100;
  bool preempt = false;
  std::chrono::seconds preempt_delay_minimum{0};  // `preempt delay [minimum] S`
  std::optional<std::string> name;                // `standby N name NAME` (redundancy refers to it)
  std::vector<StandbyTrack> tracks;
  std::chrono::milliseconds hello{3000};  // `timers [msec] H [msec] D`
  std::chrono::milliseconds hold{10000};
  std::optional<StandbyAuthentication> authentication;
  SourceLoc loc;  // the group's first `standby N ...` line
  friend bool operator==(const StandbyGroup&, const StandbyGroup&) = default;
};

// `crypto map NAME [redundancy GROUP [stateful]]` on an interface.
struct InterfaceCryptoMap {
  NamedRef map;
  std::optional<NamedRef> redundancy;  // HSRP group name: use its virtual IP (stateless HA)
  bool stateful = false;               // replicate SA state to the standby (stateful HA)
  friend bool operator==(const InterfaceCryptoMap&, const InterfaceCryptoMap&) = default;
};

struct InterfaceAddress {
  std::uint32_t address = 0;
  std::uint32_t mask = 0;
  friend bool operator==(const InterfaceAddress&, const InterfaceAddress&) = default;
};

struct Interface {
  std::string name;  // IOS's full name, abbreviations expanded: "GigabitEthernet0/0"
  std::optional<std::string> description;
  std::optional<InterfaceAddress> address;
  std::vector<InterfaceAddress> secondary_addresses;
  int standby_version = 1;  // `standby version 1|2`
  bool standby_use_bia = false;  // `standby use-bia`: groups use the interface's MAC, no virtual MAC
  std::vector<StandbyGroup> standby;
  std::optional<InterfaceCryptoMap> crypto_map;
  bool shutdown = false;
  SourceLoc loc;
  friend bool operator==(const Interface&, const Interface&) = default;
};

enum class TrackKind { kLineProtocol, kIpRouting };

// `track N interface NAME line-protocol|ip routing`.
struct Track {
  int object = 0;  // 1..1000
  std::string interface;  // full name, as Interface::name
  TrackKind kind = TrackKind::kLineProtocol;
  SourceLoc loc;
  friend bool operator==(const Track&, const Track&) = default;
};

// ---------------------------------------------------------------- HA channel (SSO)

// `ipc zone default` / `association N` / `protocol sctp` / local-* and remote-* settings:
// the channel stateful failover replicates SA state over (espgw carries it over TCP+TLS).
struct IpcAssociation {
  int id = 1;
  bool shutdown = true;  // IOS creates associations shut down; `no shutdown` enables
  std::string protocol = "sctp";
  std::optional<std::uint16_t> local_port;
  std::vector<std::uint32_t> local_ips;  // `local-ip A [B]`
  std::optional<std::uint16_t> remote_port;
  std::vector<std::uint32_t> remote_ips;
  std::chrono::milliseconds retransmit_timeout_min{300};  // `retransmit-timeout MIN MAX`
  std::chrono::milliseconds retransmit_timeout_max{10000};
  int path_retransmit = 10;   // `path-retransmit N`
  int assoc_retransmit = 10;  // `assoc-retransmit N`
  SourceLoc loc;
  friend bool operator==(const IpcAssociation&, const IpcAssociation&) = default;
};

struct IpcZone {
  std::vector<IpcAssociation> associations;
  SourceLoc loc;
  friend bool operator==(const IpcZone&, const IpcZone&) = default;
};

// `redundancy inter-device` / `scheme standby NAME`: which HSRP group drives SSO roles.
struct RedundancyInterDevice {
  std::optional<NamedRef> scheme_standby;
  SourceLoc loc;
  friend bool operator==(const RedundancyInterDevice&, const RedundancyInterDevice&) = default;
};

// ---------------------------------------------------------------- what was set aside

// A platform command that means nothing on a host (duplex, speed, ip accounting ...),
// accepted and listed, never acted upon.
struct IgnoredCommand {
  std::string text;  // the command as normalized (single spaces, ASCII punctuation)
  std::string mode;  // "global", "interface GigabitEthernet0/0", ...
  SourceLoc loc;
  friend bool operator==(const IgnoredCommand&, const IgnoredCommand&) = default;
};

enum class Severity { kWarning, kError };

// One finding: file:line:column: severity: message. `loc` is real data here (not a value).
struct Diagnostic {
  Severity severity = Severity::kWarning;
  std::string file;
  SourceLoc loc;
  std::string message;
  std::string to_string() const;  // "r1.cfg:12:2: warning: ..."
};

// Provenance of a parsed config: the ignored commands and the warnings parsing raised.
// Like SourceLoc, it never makes two configs unequal.
struct ConfigNotes {
  std::string file;
  std::vector<IgnoredCommand> ignored;
  std::vector<Diagnostic> warnings;
  friend bool operator==(const ConfigNotes&, const ConfigNotes&) { return true; }
};

// ---------------------------------------------------------------- the whole config

struct Config {
  std::optional<std::string> hostname;

  std::vector<IsakmpPolicy> isakmp_policies;  // sorted by priority
  std::vector<IsakmpKey> isakmp_keys;         // in configuration order
  std::optional<IsakmpKeepalive> isakmp_keepalive;
  bool isakmp_aggressive_mode_disabled = false;
  std::optional<std::chrono::seconds> isakmp_nat_keepalive;

  std::vector<TransformSet> transform_sets;
  std::chrono::seconds ipsec_sa_lifetime_seconds{3600};
  std::uint64_t ipsec_sa_lifetime_kilobytes = 4608000;
  std::uint32_t ipsec_replay_window_size = 64;  // `crypto ipsec security-association replay window-size N`

  std::vector<CryptoMapEntry> crypto_maps;  // sorted by (name, seq)
  std::vector<CryptoMapReplayInterval> crypto_map_replay_intervals;
  std::vector<AccessList> access_lists;  // in configuration order
  std::vector<Interface> interfaces;     // in configuration order
  std::vector<Track> tracks;             // sorted by object number
  std::optional<IpcZone> ipc_zone;
  std::optional<RedundancyInterDevice> redundancy_inter_device;

  bool debug_crypto_isakmp = false;  // `debug crypto isakmp` pasted with the config
  bool debug_crypto_ipsec = false;

  ConfigNotes notes;

  // Look-ups used by validate() and by the daemon; nullptr when absent.
  const TransformSet* find_transform_set(std::string_view name) const;
  const AccessList* find_access_list(std::string_view name) const;
  const Interface* find_interface(std::string_view full_name) const;
  const Track* find_track(int object) const;
  // The entries of one crypto map, ordered by sequence number.
  std::vector<const CryptoMapEntry*> find_crypto_map(std::string_view name) const;
  // The key IOS would use for a peer: the most specific (longest mask) matching entry.
  const IsakmpKey* find_isakmp_key(std::uint32_t peer) const;
  // The interface and group carrying `standby N name NAME`, or nullptr.
  const StandbyGroup* find_standby_group(std::string_view name, const Interface** on = nullptr) const;
  const CryptoMapReplayInterval* find_replay_interval(std::string_view map_name) const;
  // The interface a crypto map is applied to (IOS allows one per map here), or nullptr.
  const Interface* find_interface_with_crypto_map(std::string_view map_name) const;
  // IOS semantics in one place: the per-map `set security-association lifetime` when
  // given, else the global `crypto ipsec security-association lifetime`.
  std::chrono::seconds effective_lifetime_seconds(const CryptoMapEntry& entry) const;
  std::uint64_t effective_lifetime_kilobytes(const CryptoMapEntry& entry) const;
  // The address IKE and ESP use on an interface carrying a crypto map: the HSRP virtual
  // IP when `crypto map NAME redundancy GROUP` names a group with one (stateless and
  // stateful HA), else the interface's primary address; nullopt when neither exists.
  std::optional<std::uint32_t> crypto_local_address(const Interface& itf) const;

  friend bool operator==(const Config&, const Config&) = default;
};

}  // namespace espgw::config

// What the show commands display, as plain values: the gateway fills these from its crypto
// map state and the device's read_sa(); renderers turn them into IOS text or JSON. Keeping
// renderers on plain values makes every layout testable against the reference's output.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace espgw::control {

// IOS "(addr/mask/prot/port)".
struct IdentView {
  std::uint32_t addr = 0, mask = 0;
  std::uint32_t protocol = 0, port = 0;
};

// One ESP SA under "inbound esp sas:" / "outbound esp sas:".
struct SaView {
  std::uint32_t spi = 0;
  std::string transform;  // IOS spelling: "esp-256-aes esp-sha256-hmac"
  bool udp_encap = false; // in use settings ={Tunnel UDP-Encaps, }
  std::uint32_t conn_id = 0;
  std::string flow_prefix = "SW";  // "SW" on the CPU backend, "HW" on a card
  std::string crypto_map;
  // Remaining lifetime; nullopt when the SA has none (manually keyed SAs never expire).
  std::optional<std::uint64_t> remaining_kb;
  std::optional<std::uint64_t> remaining_sec;
  std::uint32_t iv_bytes = 16;
  bool replay_detection = true;
  std::string status = "ACTIVE";
};

// The counters of one proxy pair (sums over its SAs plus host-side drops).
struct PairCountersView {
  std::uint64_t encaps = 0, encrypt = 0, digest = 0;
  std::uint64_t decaps = 0, decrypt = 0, verify = 0;
  std::uint64_t send_errors = 0, recv_errors = 0;
  // detail only
  std::uint64_t no_sa_send = 0, invalid_sa_rcv = 0;
  std::uint64_t encaps_failed_send = 0, decaps_failed_rcv = 0;
  std::uint64_t invalid_prot_rcv = 0, verify_failed = 0;
  std::uint64_t invalid_identity_rcv = 0, invalid_len_rcv = 0;
  std::uint64_t replay_rollover_send = 0, replay_rollover_rcv = 0;
  std::uint64_t replay_failed_rcv = 0;
  std::uint64_t internal_err_send = 0, internal_err_rcv = 0;
};

struct PairView {
  IdentView local, remote;
  std::uint32_t peer = 0;
  std::uint16_t peer_port = 500;
  PairCountersView counters;
  std::uint32_t local_endpt = 0, remote_endpt = 0;
  std::uint32_t path_mtu = 1500, ip_mtu = 1500;
  std::string ip_mtu_idb;
  std::uint32_t current_outbound_spi = 0;
  std::optional<int> pfs_group;  // shown only when an SA is up, as IOS does
  std::vector<SaView> inbound, outbound;
};

// One interface with a crypto map applied (IOS prints one block per interface).
struct InterfaceSaView {
  std::string interface;
  std::string map_tag;
  std::uint32_t local_addr = 0;
  std::vector<PairView> pairs;
};

struct IpsecSaView {
  std::vector<InterfaceSaView> interfaces;
};

// `show crypto sa-table`: one row per device slot, as read_sa() returns it (never keys).
struct SaTableRow {
  std::uint32_t index = 0;
  std::uint32_t spi = 0;
  bool inbound = false;
  std::string transform;  // regmap spelling: "aes-cbc-hmac-sha256"
  std::uint32_t key_bits = 0;
  std::uint32_t tunnel_src = 0, tunnel_dst = 0;
  bool udp_encap = false;
  std::uint16_t udp_src_port = 0, udp_dst_port = 0;
  bool esn = false;
  std::uint32_t replay_window = 0;
  std::uint64_t seq = 0;  // outbound: last sent; inbound: replay window top
  std::uint64_t packets = 0, bytes = 0;
  std::uint64_t auth_fails = 0, replay_fails = 0, pad_fails = 0, policy_fails = 0, other_drops = 0;
  std::uint64_t soft_bytes = 0, hard_bytes = 0, soft_packets = 0, hard_packets = 0;
  bool soft_expired = false, hard_expired = false;
};

struct SaTableView {
  std::string backend;  // DeviceInfo::backend / device
  std::string device;
  std::uint32_t capacity = 0;
  std::uint64_t bad_spi = 0, malformed = 0, bad_sa = 0;  // device-level drops
  std::vector<SaTableRow> rows;
};

}  // namespace espgw::control

// One ISAKMP (phase-1) SA: cookies, endpoints, negotiated algorithms, DH and nonces, the
// RFC 2409 keys, CBC IV state (phase 1 chained, phase 2 per message ID), NAT-T and DPD
// facts, and the IOS state names its debug log prints ("IKE_R_MM1", "QM_IDLE").
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <spdlog/spdlog.h>

#include "host/ike/dh_group.hpp"
#include "host/ike/ike_cipher.hpp"
#include "host/ike/ike_config.hpp"
#include "host/ike/phase1.hpp"

namespace espgw::ike {

enum class Role { kInitiator, kResponder };

enum class P1State {
  kReady,
  kIMm1, kIMm2, kIMm3, kIMm4, kIMm5, kIMm6,
  kRMm1, kRMm2, kRMm3, kRMm4, kRMm5, kRMm6,
  kIAm1, kIAm2, kRAm1, kRAm2,  // Aggressive Mode
  kP1Complete,
  kDestSa,
};
const char* p1_state_name(P1State s);  // IOS debug name: "IKE_R_MM1"
const char* p1_show_state(P1State s);  // `show crypto isakmp sa`: "MM_NO_STATE", "QM_IDLE"

struct Endpoint {
  std::uint32_t addr = 0;
  std::uint16_t port = kIkePort;
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

// The phase-1 transform both sides agreed on.
struct Phase1Proposal {
  std::uint16_t key_bits = 256;
  P1Hash hash = P1Hash::kSha256;
  DhGroupId group = DhGroupId::kModp2048;
  std::chrono::seconds lifetime = kIsakmpLifetimeDefault;
};

struct NattState {
  bool peer_rfc3947 = false;  // peer sent the RFC 3947 vendor ID
  bool local_behind_nat = false;
  bool peer_behind_nat = false;
  bool forced = false;
  bool floated = false;  // moved to UDP 4500
  bool nat_detected() const { return local_behind_nat || peer_behind_nat || forced; }
};

class IkeSa {
 public:
  IkeSa(const IkeConfig& config, Role role, Endpoint local, Endpoint peer);

  // Logs "ISAKMP:(id):<text>" at debug level while `debug crypto isakmp` is on.
  template <class... Args>
  void debug(fmt::format_string<Args...> f, Args&&... args) const {
    if (config_.debug_isakmp) spdlog::debug("ISAKMP:({}):{}", log_id(), fmt::format(f, std::forward<Args>(args)...));
  }
  void set_state(P1State next);  // logs "Old State = X  New State = Y"
  std::uint32_t log_id() const { return keys ? conn_id : 0; }  // IOS prints (0) until keys exist

  const IkeConfig& config() const { return config_; }

  Phase1Inputs phase1_inputs() const;
  // Derives SKEYID.. and the cipher once both KE and both nonces are known.
  bool derive_keys();

  // Phase-1 messages (MM5/MM6) chain one IV; phase-2 and informational exchanges start from
  // hash(last phase-1 block | M-ID) and chain per message ID (RFC 2409 Appendix B).
  Bytes& iv_for(std::uint32_t message_id);
  void forget_iv(std::uint32_t message_id) { p2_iv_.erase(message_id); }

  // Identity and role
  std::uint32_t conn_id = 0;
  Role role;
  P1State state = P1State::kReady;
  Cookie cky_i{}, cky_r{};
  Endpoint local, peer;
  SecretBytes psk;

  // Negotiation
  std::optional<Phase1Proposal> proposal;
  std::optional<Prf> prf;
  std::unique_ptr<DiffieHellman> dh;
  Bytes g_xi, g_xr, ni_b, nr_b, sai_b;
  SecretBytes g_xy;
  std::optional<Phase1Keys> keys;
  std::optional<IkeCipher> cipher;
  Bytes p1_iv;  // current phase-1 IV, then the last phase-1 CBC block
  bool established = false;

  NattState natt;
  bool peer_supports_dpd = false;
  bool send_initial_contact = false;
  bool received_initial_contact = false;
  std::uint32_t dpd_seq = 0;

 private:
  const IkeConfig& config_;
  std::map<std::uint32_t, Bytes> p2_iv_;
};

}  // namespace espgw::ike

// Quick Mode (RFC 2409 section 5.5) as a task, both roles: HASH(1)/(2)/(3), SA with one
// proposal per transform set, nonces, optional PFS KE, proxy identities (IDci/IDcr with
// protocol and port), the RESPONDER-LIFETIME notify (RFC 2407 section 4.6.3.1), SPI
// allocation and KEYMAT. The inbound SA is installed before the message that lets the peer
// send on it, the outbound one only once the peer can receive.
#pragma once

#include <functional>

#include "espgw/driver/sa_config.hpp"
#include "host/ike/ike_sa.hpp"
#include "host/ike/policy_match.hpp"
#include "host/ike/task.hpp"

namespace espgw::ike {

enum class QmState { kReady, kIQm1, kSpiStarve, kRQm2, kPhase2Complete };
const char* qm_state_name(QmState s);  // "IKE_QM_READY", "IKE_QM_I_QM1", ...

// What a finished Quick Mode leaves behind: the SA pair and where it came from.
struct ChildSa {
  std::uint32_t inbound_spi = 0;
  std::uint32_t outbound_spi = 0;
  std::string map_name;
  int map_seq = 0;
  Phase2Proposal proposal;
  const CryptoMapInput* map = nullptr;  // the entry it serves (lives in the manager's IkeConfig)
  bool initiator = false;               // we started the Quick Mode: we rekey it on time
};

struct QuickModeHooks {
  std::function<std::uint32_t()> allocate_spi;              // a fresh inbound SPI
  std::function<void(const driver::SaConfig&)> install_sa;  // inbound first, then outbound
};

// Builds the device's view of one direction of a negotiated SA.
driver::SaConfig make_sa_config(const IkeSa& sa, const CryptoMapInput& map, const Phase2Proposal& p,
                                driver::Direction dir, std::uint32_t spi, const SecretBytes& keymat,
                                std::uint32_t replay_window);

class QuickMode final : public Task {
 public:
  // `map` is the crypto-map entry that triggered it (initiator) or nullptr (responder, which
  // finds its entry from the proxy identities).
  QuickMode(IkeSa& sa, Role role, std::uint32_t message_id, const CryptoMapInput* map, QuickModeHooks hooks);
  TaskStatus build(Message& out) override { return role_ == Role::kInitiator ? build_i(out) : build_r(out); }
  TaskStatus process(const Message& in) override { return role_ == Role::kInitiator ? process_i(in) : process_r(in); }
  const char* name() const override { return "QUICK_MODE"; }

  std::uint32_t message_id() const { return message_id_; }
  bool role_is_initiator() const { return role_ == Role::kInitiator; }
  const std::optional<ChildSa>& child() const { return child_; }

 private:
  enum class Step { kQm1, kQm2, kQm3, kDone };
  TaskStatus build_i(Message& out);
  TaskStatus process_i(const Message& in);
  TaskStatus build_r(Message& out);
  TaskStatus process_r(const Message& in);

  void set_state(QmState next);
  TaskStatus fail(NotifyType notify, const std::string& why);
  bool derive_and_install(bool outbound_too);
  void install_outbound();
  IdPayload id_of(const ProxyId& p) const;

  IkeSa& sa_;
  Role role_;
  std::uint32_t message_id_;
  const CryptoMapInput* map_;
  QuickModeHooks hooks_;
  Step step_ = Step::kQm1;
  QmState state_ = QmState::kReady;

  std::optional<Phase2Match> match_;
  std::uint32_t own_spi_ = 0;
  Bytes ni_b_, nr_b_;
  std::unique_ptr<DiffieHellman> dh_;
  Bytes peer_ke_;
  SecretBytes g_qm_xy_;
  SecretBytes out_keymat_;
  std::optional<ChildSa> child_;
};

}  // namespace espgw::ike

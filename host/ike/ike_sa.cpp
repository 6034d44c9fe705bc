// ISAKMP SA state, IOS state names and key derivation glue (RFC 2409 section 5).
#include "host/ike/ike_sa.hpp"

#include "host/common/ipv4.hpp"

namespace espgw::ike {

const char* p1_state_name(P1State s) {
  switch (s) {
    case P1State::kReady: return "IKE_READY";
    case P1State::kIMm1: return "IKE_I_MM1";
    case P1State::kIMm2: return "IKE_I_MM2";
    case P1State::kIMm3: return "IKE_I_MM3";
    case P1State::kIMm4: return "IKE_I_MM4";
    case P1State::kIMm5: return "IKE_I_MM5";
    case P1State::kIMm6: return "IKE_I_MM6";
    case P1State::kRMm1: return "IKE_R_MM1";
    case P1State::kRMm2: return "IKE_R_MM2";
    case P1State::kRMm3: return "IKE_R_MM3";
    case P1State::kRMm4: return "IKE_R_MM4";
    case P1State::kRMm5: return "IKE_R_MM5";
    case P1State::kRMm6: return "IKE_R_MM6";
    case P1State::kIAm1: return "IKE_I_AM1";
    case P1State::kIAm2: return "IKE_I_AM2";
    case P1State::kRAm1: return "IKE_R_AM1";
    case P1State::kRAm2: return "IKE_R_AM2";
    case P1State::kP1Complete: return "IKE_P1_COMPLETE";
    case P1State::kDestSa: return "IKE_DEST_SA";
  }
  return "?";
}

const char* p1_show_state(P1State s) {
  switch (s) {
    case P1State::kReady:
    case P1State::kIMm1:
    case P1State::kRMm1: return "MM_NO_STATE";
    case P1State::kIMm2:
    case P1State::kIMm3:
    case P1State::kRMm2:
    case P1State::kRMm3: return "MM_SA_SETUP";
    case P1State::kIMm4:
    case P1State::kIMm5:
    case P1State::kRMm4:
    case P1State::kRMm5: return "MM_KEY_EXCH";
    case P1State::kIMm6:
    case P1State::kRMm6:
    case P1State::kP1Complete: return "QM_IDLE";
    case P1State::kIAm1:
    case P1State::kRAm1: return "AG_NO_STATE";
    case P1State::kIAm2:
    case P1State::kRAm2: return "AG_INIT_EXCH";
    case P1State::kDestSa: return "MM_NO_STATE";
  }
  return "?";
}

IkeSa::IkeSa(const IkeConfig& config, Role r, Endpoint l, Endpoint p) : role(r), local(l), peer(p), config_(config) {}

void IkeSa::set_state(P1State next) {
  debug("Old State = {}  New State = {}", p1_state_name(state), p1_state_name(next));
  state = next;
}

Phase1Inputs IkeSa::phase1_inputs() const {
  Phase1Inputs in;
  in.psk = psk.view();
  in.ni_b = ni_b;
  in.nr_b = nr_b;
  in.g_xi = g_xi;
  in.g_xr = g_xr;
  in.g_xy = g_xy.view();
  in.cky_i = cky_i;
  in.cky_r = cky_r;
  in.enc_key_size = proposal ? proposal->key_bits / 8 : 32;
  return in;
}

bool IkeSa::derive_keys() {
  if (!prf || g_xy.empty()) return false;
  keys = derive_phase1_psk(*prf, phase1_inputs());
  if (!keys) return false;
  cipher = IkeCipher::create(keys->enc_key);
  if (!cipher) return false;
  p1_iv = keys->iv;
  return true;
}

Bytes& IkeSa::iv_for(std::uint32_t message_id) {
  auto it = p2_iv_.find(message_id);
  if (it == p2_iv_.end()) it = p2_iv_.emplace(message_id, phase2_iv(*prf, p1_iv, message_id)).first;
  return it->second;
}

}  // namespace espgw::ike

// `show crypto isakmp sa` in the layout of the reference's R1 output (dst, src, state,
// conn-id, status, then the empty IPv6 table), and its --json form. Plain rows in, so the
// control library needs nothing from host/ike.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace espgw::control {

struct IsakmpSaRow {
  std::uint32_t dst = 0, src = 0;  // IOS: dst is the ISAKMP responder, src the initiator
  std::string state;               // QM_IDLE, MM_NO_STATE, MM_SA_SETUP, MM_KEY_EXCH
  std::uint32_t conn_id = 0;
  bool active = false;
};

std::string render_crypto_isakmp_sa(const std::vector<IsakmpSaRow>& rows);
nlohmann::json crypto_isakmp_sa_json(const std::vector<IsakmpSaRow>& rows);

// DIR/ikev1_decryption_table (Wireshark's IKEv1 UAT), mode 0600 like DIR/esp_sa. Returns
// an empty string or why it failed.
std::string write_ikev1_decryption_table(const std::string& dir, const std::string& table);

}  // namespace espgw::control

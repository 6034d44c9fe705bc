// Picks the crypto provider: "auto" = intel-ipsec-mb when this build has it and the CPU has
// an AES-NI code path, else OpenSSL; naming one that cannot run is an error, not a fallback.
#include <stdexcept>

#include "crypto_provider.hpp"

namespace espgw::driver::cpu {

#ifndef ESPGW_HAVE_IPSEC_MB
std::unique_ptr<CryptoProvider> make_ipsec_mb_provider(std::string* why) {
  if (why) *why = "this build has no intel-ipsec-mb (libipsec-mb-dev missing or not x86-64)";
  return nullptr;
}
#endif

std::unique_ptr<CryptoProvider> make_provider(const std::string& name) {
  if (name == "openssl") return make_openssl_provider();
  std::string why;
  if (name == "ipsec-mb" || name == "auto") {
    auto p = make_ipsec_mb_provider(&why);
    if (p) return p;
    if (name == "auto") return make_openssl_provider();
    throw std::runtime_error("cpu backend: provider ipsec-mb unavailable: " + why);
  }
  throw std::runtime_error("cpu backend: unknown crypto provider '" + name + "' (auto, ipsec-mb, openssl)");
}

}  // namespace espgw::driver::cpu

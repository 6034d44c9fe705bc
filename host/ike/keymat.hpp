// Quick Mode key material and hashes (RFC 2409 section 5.5): KEYMAT with and without PFS,
// its expansion, the split into ESP encryption/integrity keys (for AES-GCM the last 4 bytes
// are the salt, RFC 4106 section 8.1), and HASH(1)/(2)/(3), also used by Informational.
#pragma once

#include <optional>

#include "host/ike/prf.hpp"

namespace espgw::ike {

// HASH(1) = prf(SKEYID_a, M-ID | <payloads after HASH>)  (Quick Mode 1 and Informational)
Bytes qm_hash1(const Prf& prf, const SecretBytes& skeyid_a, std::uint32_t message_id, ByteView rest);
// HASH(2) = prf(SKEYID_a, M-ID | Ni_b | <payloads after HASH>)
Bytes qm_hash2(const Prf& prf, const SecretBytes& skeyid_a, std::uint32_t message_id, ByteView ni_b, ByteView rest);
// HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b)
Bytes qm_hash3(const Prf& prf, const SecretBytes& skeyid_a, std::uint32_t message_id, ByteView ni_b, ByteView nr_b);

// KEYMAT = K1 | K2 | ... truncated to `size`, where
//   K1     = prf(SKEYID_d, [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b)
//   K(n+1) = prf(SKEYID_d, Kn | [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b)
// `spi` is the SPI of the SA the keys are for (the receiver's choice); g_qm_xy is empty
// without PFS.
SecretBytes keymat(const Prf& prf, const SecretBytes& skeyid_d, ByteView g_qm_xy, ProtocolId protocol,
                   std::uint32_t spi, ByteView ni_b, ByteView nr_b, std::size_t size);

struct EspKeys {
  SecretBytes enc_key;
  SecretBytes auth_key;  // empty for GCM
  std::uint32_t salt = 0;  // GCM only
};

// Encryption key first, then the integrity key (or the GCM salt), as strongSwan and IOS cut it.
EspKeys split_keymat(const SecretBytes& km, std::size_t enc_key_size, std::size_t auth_key_size, bool gcm);
// How many KEYMAT bytes a transform needs.
inline std::size_t keymat_size(std::size_t enc_key_size, std::size_t auth_key_size, bool gcm) {
  return enc_key_size + (gcm ? kGcmSaltSize : auth_key_size);
}

}  // namespace espgw::ike

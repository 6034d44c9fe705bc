// KEYMAT and Quick Mode hashes (RFC 2409 section 5.5).
#include "host/ike/keymat.hpp"

#include <openssl/crypto.h>

namespace espgw::ike {

namespace {
Bytes be32(std::uint32_t v) {
  Bytes b;
  Writer(b).u32(v);
  return b;
}
Bytes to_bytes(const SecretBytes& s) { return Bytes(s.view().begin(), s.view().end()); }
}  // namespace

Bytes qm_hash1(const Prf& prf, const SecretBytes& skeyid_a, std::uint32_t message_id, ByteView rest) {
  return to_bytes(prf.prf(skeyid_a.view(), {be32(message_id), rest}));
}

Bytes qm_hash2(const Prf& prf, const SecretBytes& skeyid_a, std::uint32_t message_id, ByteView ni_b, ByteView rest) {
  return to_bytes(prf.prf(skeyid_a.view(), {be32(message_id), ni_b, rest}));
}

Bytes qm_hash3(const Prf& prf, const SecretBytes& skeyid_a, std::uint32_t message_id, ByteView ni_b, ByteView nr_b) {
  const std::uint8_t zero = 0;
  return to_bytes(prf.prf(skeyid_a.view(), {ByteView(&zero, 1), be32(message_id), ni_b, nr_b}));
}

SecretBytes keymat(const Prf& prf, const SecretBytes& skeyid_d, ByteView g_qm_xy, ProtocolId protocol,
                   std::uint32_t spi, ByteView ni_b, ByteView nr_b, std::size_t size) {
  const std::uint8_t proto = static_cast<std::uint8_t>(protocol);
  Bytes spi_b = be32(spi);
  Bytes material;
  SecretBytes k = prf.prf(skeyid_d.view(), {g_qm_xy, ByteView(&proto, 1), spi_b, ni_b, nr_b});
  while (!k.empty()) {
    material.insert(material.end(), k.view().begin(), k.view().end());
    if (material.size() >= size) break;
    k = prf.prf(skeyid_d.view(), {k.view(), g_qm_xy, ByteView(&proto, 1), spi_b, ni_b, nr_b});
  }
  SecretBytes out;
  if (material.size() >= size) out = SecretBytes(ByteView(material).first(size));
  OPENSSL_cleanse(material.data(), material.size());
  return out;
}

EspKeys split_keymat(const SecretBytes& km, std::size_t enc_key_size, std::size_t auth_key_size, bool gcm) {
  EspKeys keys;
  ByteView v = km.view();
  if (v.size() < keymat_size(enc_key_size, auth_key_size, gcm)) return keys;
  keys.enc_key = SecretBytes(v.first(enc_key_size));
  if (gcm) {
    ByteView s = v.subspan(enc_key_size, kGcmSaltSize);
    keys.salt = static_cast<std::uint32_t>(s[0]) << 24 | static_cast<std::uint32_t>(s[1]) << 16 |
                static_cast<std::uint32_t>(s[2]) << 8 | s[3];
  } else {
    keys.auth_key = SecretBytes(v.subspan(enc_key_size, auth_key_size));
  }
  return keys;
}

}  // namespace espgw::ike

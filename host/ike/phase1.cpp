// Phase-1 key derivation and authentication hashes (RFC 2409 section 5, Appendix B).
#include "host/ike/phase1.hpp"

#include <openssl/crypto.h>

namespace espgw::ike {

namespace {
Bytes to_bytes(const SecretBytes& s) { return Bytes(s.view().begin(), s.view().end()); }
}  // namespace

std::optional<Phase1Keys> derive_phase1_psk(const Prf& prf, const Phase1Inputs& in) {
  Phase1Keys k;
  const std::uint8_t zero = 0, one = 1, two = 2;
  k.skeyid = prf.prf(in.psk, {in.ni_b, in.nr_b});
  k.skeyid_d = prf.prf(k.skeyid.view(), {in.g_xy, in.cky_i, in.cky_r, ByteView(&zero, 1)});
  k.skeyid_a = prf.prf(k.skeyid.view(), {k.skeyid_d.view(), in.g_xy, in.cky_i, in.cky_r, ByteView(&one, 1)});
  k.skeyid_e = prf.prf(k.skeyid.view(), {k.skeyid_a.view(), in.g_xy, in.cky_i, in.cky_r, ByteView(&two, 1)});
  if (k.skeyid.empty() || k.skeyid_d.empty() || k.skeyid_a.empty() || k.skeyid_e.empty()) return std::nullopt;
  k.enc_key = expand_encryption_key(prf, k.skeyid_e, in.enc_key_size);
  Bytes iv = prf.digest({in.g_xi, in.g_xr});
  if (k.enc_key.size() != in.enc_key_size || iv.size() < in.block_size) return std::nullopt;
  iv.resize(in.block_size);
  k.iv = std::move(iv);
  return k;
}

SecretBytes expand_encryption_key(const Prf& prf, const SecretBytes& skeyid_e, std::size_t size) {
  SecretBytes out;
  if (skeyid_e.size() >= size) {
    out = SecretBytes(skeyid_e.view().first(size));
    return out;
  }
  Bytes material;
  const std::uint8_t zero = 0;
  SecretBytes k = prf.prf(skeyid_e.view(), {ByteView(&zero, 1)});
  while (!k.empty()) {
    material.insert(material.end(), k.view().begin(), k.view().end());
    if (material.size() >= size) break;
    k = prf.prf(skeyid_e.view(), {k.view()});
  }
  if (material.size() >= size) out = SecretBytes(ByteView(material).first(size));
  OPENSSL_cleanse(material.data(), material.size());
  return out;
}

Bytes hash_i(const Prf& prf, const SecretBytes& skeyid, const Phase1Inputs& in, ByteView sai_b, ByteView idii_b) {
  return to_bytes(prf.prf(skeyid.view(), {in.g_xi, in.g_xr, in.cky_i, in.cky_r, sai_b, idii_b}));
}

Bytes hash_r(const Prf& prf, const SecretBytes& skeyid, const Phase1Inputs& in, ByteView sai_b, ByteView idir_b) {
  return to_bytes(prf.prf(skeyid.view(), {in.g_xr, in.g_xi, in.cky_r, in.cky_i, sai_b, idir_b}));
}

Bytes phase2_iv(const Prf& prf, ByteView last_phase1_block, std::uint32_t message_id, std::size_t block_size) {
  Bytes mid;
  Writer(mid).u32(message_id);
  Bytes iv = prf.digest({last_phase1_block, mid});
  if (iv.size() >= block_size) iv.resize(block_size);
  return iv;
}

bool hash_equal(ByteView a, ByteView b) {
  return a.size() == b.size() && !a.empty() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace espgw::ike

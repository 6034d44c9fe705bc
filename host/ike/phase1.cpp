// Phase-1 key derivation and authentication hashes (RFC 2409 section 5, Appendix B), and
// the steps Main Mode and Aggressive Mode share: the responder's first-message checks, the
// SA reply, our identity, the peer's hash check.
#include "host/ike/phase1.hpp"

#include <openssl/crypto.h>

#include "host/common/ipv4.hpp"
#include "host/ike/ike_random.hpp"
#include "host/ike/message.hpp"
#include "host/ike/policy_match.hpp"
#include "host/ike/task.hpp"

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

std::optional<Phase1Match> responder_accept_offer(IkeSa& sa, const Message& first, NotifyType* refusal) {
  sa.debug(" processing SA payload. message ID = 0");
  const PreSharedKeyInput* key = sa.config().find_key(sa.peer.addr);
  if (key == nullptr) {
    spdlog::info("ISAKMP:({}):No pre-shared key with {}!", sa.log_id(), format_ipv4(sa.peer.addr));
    *refusal = NotifyType::kAuthenticationFailed;
    return std::nullopt;
  }
  sa.debug("found peer pre-shared key matching {}", format_ipv4(sa.peer.addr));
  sa.psk = key->key;
  auto match = match_phase1(*first.find<SaPayload>(), sa.config().policies,
                            [&sa](const std::string& l) { sa.debug("{}", l); });
  if (!match) {
    spdlog::info("ISAKMP:({}): phase 1 SA policy not acceptable! (local {} remote {})", sa.log_id(),
                 format_ipv4(sa.local.addr), format_ipv4(sa.peer.addr));
    *refusal = NotifyType::kNoProposalChosen;
    return std::nullopt;
  }
  ByteView sai = first.body_of<SaPayload>();
  sa.sai_b.assign(sai.begin(), sai.end());
  sa.proposal = match->chosen;
  sa.prf = Prf::create(match->chosen.hash);
  return match;
}

SaPayload responder_reply_sa(const Phase1Match& match) {
  return SaPayload{kDoiIpsec,
                   kSituationIdentityOnly,
                   {Proposal{match.proposal_number, ProtocolId::kIsakmp, {}, {match.transform}}}};
}

IdPayload phase1_own_id(const IkeSa& sa) {
  // The reference's debug: "protocol : 17 port : 500".
  return IdPayload::ipv4(sa.local.addr, 17, kIkePort);
}

bool verify_peer_hash(const IkeSa& sa, ByteView peer_id_b, ByteView hash) {
  const bool initiator = sa.role == Role::kInitiator;
  sa.debug(" processing ID payload. message ID = 0");
  sa.debug(" processing HASH payload. message ID = 0");
  const Phase1Inputs in = sa.phase1_inputs();
  Bytes want = initiator ? hash_r(*sa.prf, sa.keys->skeyid, in, sa.sai_b, peer_id_b)
                         : hash_i(*sa.prf, sa.keys->skeyid, in, sa.sai_b, peer_id_b);
  if (!hash_equal(want, hash)) {
    spdlog::warn("ISAKMP:({}): {} from {} does not verify: probable pre-shared key mismatch", sa.log_id(),
                 initiator ? "HASH_R" : "HASH_I", format_ipv4(sa.peer.addr));
    return false;
  }
  sa.debug("SA authentication status:\n\tauthenticated");
  sa.debug("SA has been authenticated with {}", format_ipv4(sa.peer.addr));
  return true;
}

bool add_own_ke_nonce(IkeSa& sa, Message& out, DhGroupId group) {
  sa.dh = DiffieHellman::create(group);
  if (!sa.dh) return false;
  const bool initiator = sa.role == Role::kInitiator;
  Bytes nonce = random_bytes(kNonceSize);
  (initiator ? sa.g_xi : sa.g_xr) = sa.dh->public_value();
  (initiator ? sa.ni_b : sa.nr_b) = nonce;
  add_payload(out, KePayload{sa.dh->public_value()});
  add_payload(out, NoncePayload{std::move(nonce)});
  return true;
}

bool complete_key_exchange(IkeSa& sa) {
  const Bytes& peer_public = sa.role == Role::kInitiator ? sa.g_xr : sa.g_xi;
  auto secret = sa.dh->shared_secret(peer_public);
  if (!secret) {
    spdlog::info("ISAKMP:({}): invalid KE value from {}", sa.log_id(), format_ipv4(sa.peer.addr));
    return false;
  }
  sa.g_xy = std::move(*secret);
  return sa.derive_keys();
}

void add_initial_contact(const IkeSa& sa, Message& out) {
  if (!sa.send_initial_contact) return;
  Bytes spi(sa.cky_i.begin(), sa.cky_i.end());
  spi.insert(spi.end(), sa.cky_r.begin(), sa.cky_r.end());
  add_payload(out, NotifyPayload{kDoiIpsec, ProtocolId::kIsakmp, NotifyType::kInitialContact, spi, {}});
}

}  // namespace espgw::ike

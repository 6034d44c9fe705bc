// What Main Mode and Aggressive Mode share (RFC 2409 section 5 and Appendix B): SKEYID for
// pre-shared keys, SKEYID_d/a/e, the encryption key Ka (expanded when SKEYID_e is short),
// the initial IV, HASH_I / HASH_R, and the phase-2 IV derivation.
#pragma once

#include <optional>

#include "host/ike/dh_group.hpp"
#include "host/ike/payload/isakmp_header.hpp"
#include "host/ike/prf.hpp"

namespace espgw::ike {

struct Phase1Inputs {
  ByteView psk;
  ByteView ni_b, nr_b;  // nonce payload bodies
  ByteView g_xi, g_xr;  // KE payload bodies (initiator, responder)
  ByteView g_xy;        // DH shared secret
  Cookie cky_i{}, cky_r{};
  std::size_t enc_key_size = 32;  // AES key bytes (16, 24, 32)
  std::size_t block_size = kAesBlockSize;
};

struct Phase1Keys {
  SecretBytes skeyid, skeyid_d, skeyid_a, skeyid_e;
  SecretBytes enc_key;  // Ka: the AES key for phase-1 and phase-2 message encryption
  Bytes iv;             // hash(g^xi | g^xr) truncated to the block size
};

// RFC 2409 section 5:
//   SKEYID   = prf(pre-shared-key, Ni_b | Nr_b)
//   SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0)
//   SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1)
//   SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2)
// nullopt when the PRF fails (OpenSSL error).
std::optional<Phase1Keys> derive_phase1_psk(const Prf& prf, const Phase1Inputs& in);

// RFC 2409 Appendix B: Ka = first `size` bytes of K1 | K2 | ..., K1 = prf(SKEYID_e, 0),
// K(n+1) = prf(SKEYID_e, Kn); SKEYID_e itself when it is long enough.
SecretBytes expand_encryption_key(const Prf& prf, const SecretBytes& skeyid_e, std::size_t size);

// HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b)
Bytes hash_i(const Prf& prf, const SecretBytes& skeyid, const Phase1Inputs& in, ByteView sai_b, ByteView idii_b);
// HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b)
Bytes hash_r(const Prf& prf, const SecretBytes& skeyid, const Phase1Inputs& in, ByteView sai_b, ByteView idir_b);

// RFC 2409 Appendix B: the first IV of a phase-2 or informational exchange is
// hash(last phase-1 CBC output block | M-ID) truncated to the block size.
Bytes phase2_iv(const Prf& prf, ByteView last_phase1_block, std::uint32_t message_id,
                std::size_t block_size = kAesBlockSize);

// Constant-time comparison for received hashes.
bool hash_equal(ByteView a, ByteView b);

// ---- What Main Mode and Aggressive Mode share as exchanges (phase1.cpp) ----
class IkeSa;
struct Message;
struct IdPayload;
struct SaPayload;
struct Phase1Match;

// The body of a payload as it goes on the wire (the input of SAi_b, IDii_b, IDir_b).
template <class P>
Bytes payload_body(const P& payload) {
  Bytes b;
  payload.encode_body(b);
  return b;
}

// Responder, first message (MM1 or AM1): the pre-shared key for the peer's address and the
// offered SA matched against the local policies the IOS way (each line logged while
// debugging). On success `sa` holds psk, sai_b, proposal and prf, and the match (with the
// transform to echo) is returned; otherwise one info line and *refusal says what to answer
// (AUTHENTICATION-FAILED without a key, NO-PROPOSAL-CHOSEN without an acceptable transform).
std::optional<Phase1Match> responder_accept_offer(IkeSa& sa, const Message& first, NotifyType* refusal);
// MM2's / AM2's SA payload: the accepted transform in a proposal with the initiator's number.
SaPayload responder_reply_sa(const Phase1Match& match);
// Our identity as IOS sends it: ID_IPV4_ADDR, protocol 17, port 500.
IdPayload phase1_own_id(const IkeSa& sa);
// The peer's authentication hash over its ID payload body: HASH_R when we initiated,
// HASH_I when we respond. On a mismatch, the one "probable pre-shared key mismatch" warning.
bool verify_peer_hash(const IkeSa& sa, ByteView peer_id_b, ByteView hash);
// A fresh DH key pair of `group` (sa.dh) and nonce: KE and NONCE added to `out` and kept as
// g^xi / Ni_b when we initiate, g^xr / Nr_b when we respond. False when the group cannot be
// created (answer INVALID-KEY-INFORMATION).
bool add_own_ke_nonce(IkeSa& sa, Message& out, DhGroupId group);
// Once both KE values are in: g^xy from the peer's public value, then SKEYID and its
// derivatives. False answers INVALID-KEY-INFORMATION (one info line when the group rejects
// the peer's value).
bool complete_key_exchange(IkeSa& sa);
// INITIAL-CONTACT (RFC 2407 section 4.6.3.3) with both cookies as its SPI, in the message that
// carries our HASH, when this is the first SA with the peer.
void add_initial_contact(const IkeSa& sa, Message& out);

}  // namespace espgw::ike

// SyncTlsContext (see sync_tls.hpp). The PSK becomes the resumption master key of a synthetic
// TLS 1.3 session, which is how OpenSSL takes external PSKs.
#include "host/ha/sync_tls.hpp"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <stdexcept>

namespace espgw::ha {

namespace {
constexpr unsigned char kAes256GcmSha384[] = {0x13, 0x02};  // RFC 8446 B.4
constexpr std::size_t kMinPskBytes = 16;

// Our own ex_data slot: Asio keeps its verify callback in the context's app_data and deletes
// whatever it finds there.
int context_index() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

SyncTlsContext* owner(SSL* ssl) {
  return static_cast<SyncTlsContext*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), context_index()));
}

std::string openssl_error(const char* what) {
  char buf[256];
  ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
  return std::string(what) + ": " + buf;
}
}  // namespace

SyncTlsContext::SyncTlsContext(const SyncTlsConfig& config, Role role)
    : ctx_(role == Role::kServer ? boost::asio::ssl::context::tls_server : boost::asio::ssl::context::tls_client),
      identity_(config.psk_identity),
      psk_(config.psk) {
  SSL_CTX* ctx = ctx_.native_handle();
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) != 1 ||
      SSL_CTX_set_ciphersuites(ctx, "TLS_AES_256_GCM_SHA384") != 1)
    throw std::runtime_error(openssl_error("HA sync: OpenSSL refuses TLS 1.3 with AES-256-GCM"));
  SSL_CTX_set_num_tickets(ctx, 0);  // no resumption tickets: every connection authenticates afresh
  SSL_CTX_set_ex_data(ctx, context_index(), this);
  if (!psk_.empty()) {
    if (psk_.size() < kMinPskBytes) throw std::runtime_error("HA sync: the pre-shared key needs at least 16 bytes");
    if (identity_.empty()) throw std::runtime_error("HA sync: empty PSK identity");
    if (role == Role::kClient) SSL_CTX_set_psk_use_session_callback(ctx, &SyncTlsContext::use_psk_session);
    else SSL_CTX_set_psk_find_session_callback(ctx, &SyncTlsContext::find_psk_session);
    return;
  }
  if (config.cert_file.empty() || config.key_file.empty() || config.ca_file.empty())
    throw std::runtime_error("HA sync: give a pre-shared key, or a certificate, its key and the peer's CA");
  if (SSL_CTX_use_certificate_chain_file(ctx, config.cert_file.c_str()) != 1)
    throw std::runtime_error(openssl_error(("HA sync: cannot load certificate " + config.cert_file).c_str()));
  if (SSL_CTX_use_PrivateKey_file(ctx, config.key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1)
    throw std::runtime_error(openssl_error(("HA sync: cannot load private key " + config.key_file).c_str()));
  if (SSL_CTX_load_verify_locations(ctx, config.ca_file.c_str(), nullptr) != 1)
    throw std::runtime_error(openssl_error(("HA sync: cannot load CA " + config.ca_file).c_str()));
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
}

SSL_SESSION* SyncTlsContext::make_session(SSL* ssl) const {
  const SSL_CIPHER* cipher = SSL_CIPHER_find(ssl, kAes256GcmSha384);
  if (cipher == nullptr) return nullptr;
  SSL_SESSION* session = SSL_SESSION_new();
  if (session == nullptr) return nullptr;
  if (SSL_SESSION_set1_master_key(session, psk_.view().data(), psk_.size()) != 1 ||
      SSL_SESSION_set_cipher(session, cipher) != 1 ||
      SSL_SESSION_set_protocol_version(session, TLS1_3_VERSION) != 1) {
    SSL_SESSION_free(session);
    return nullptr;
  }
  return session;
}

int SyncTlsContext::use_psk_session(SSL* ssl, const EVP_MD* md, const unsigned char** id, std::size_t* id_len,
                                    SSL_SESSION** session) {
  auto* self = owner(ssl);
  *session = nullptr;
  const SSL_CIPHER* cipher = SSL_CIPHER_find(ssl, kAes256GcmSha384);
  // After a HelloRetryRequest OpenSSL asks again with the negotiated hash: ours must match.
  if (cipher == nullptr || (md != nullptr && md != SSL_CIPHER_get_handshake_digest(cipher))) return 1;
  *session = self->make_session(ssl);
  if (*session == nullptr) return 0;
  *id = reinterpret_cast<const unsigned char*>(self->identity_.data());
  *id_len = self->identity_.size();
  return 1;
}

int SyncTlsContext::find_psk_session(SSL* ssl, const unsigned char* identity, std::size_t identity_len,
                                     SSL_SESSION** session) {
  auto* self = owner(ssl);
  *session = nullptr;
  // An unknown identity gets no session; with no certificate the handshake then fails. A
  // known identity with the wrong key fails the binder check (RFC 8446 4.2.11.2).
  if (identity_len != self->identity_.size() ||
      CRYPTO_memcmp(identity, self->identity_.data(), identity_len) != 0)
    return 1;
  *session = self->make_session(ssl);
  return *session != nullptr ? 1 : 0;
}

}  // namespace espgw::ha

// TLS 1.3 for the stateful-failover channel (OpenSSL 3): an external pre-shared key (RFC 8446
// section 4.2.11, psk_dhe_ke so each connection still gets fresh (EC)DHE keys) through
// SSL_CTX_set_psk_use_session_callback / SSL_CTX_set_psk_find_session_callback, or mutual
// certificates. Only TLS_AES_256_GCM_SHA384; nothing older than TLS 1.3 is offered.
#pragma once

#include <boost/asio/ssl/context.hpp>

#include <string>

#include "espgw/driver/secret_bytes.hpp"

namespace espgw::ha {

struct SyncTlsConfig {
  // PSK mode when psk is set (at least 16 bytes).
  std::string psk_identity = "espgw-ha";
  SecretBytes psk;
  // Certificate mode otherwise: our chain and key, and the CA that signed the peer's.
  std::string cert_file, key_file, ca_file;
};

// Owns the OpenSSL context; must outlive every connection made from it (the PSK callbacks
// read the key through it). Throws std::runtime_error with one clear line on a bad config.
class SyncTlsContext {
 public:
  enum class Role { kClient, kServer };
  SyncTlsContext(const SyncTlsConfig& config, Role role);
  SyncTlsContext(const SyncTlsContext&) = delete;
  SyncTlsContext& operator=(const SyncTlsContext&) = delete;

  boost::asio::ssl::context& native() { return ctx_; }
  bool uses_psk() const { return !psk_.empty(); }

 private:
  static int use_psk_session(SSL* ssl, const EVP_MD* md, const unsigned char** id, std::size_t* id_len,
                             SSL_SESSION** session);
  static int find_psk_session(SSL* ssl, const unsigned char* identity, std::size_t identity_len,
                              SSL_SESSION** session);
  SSL_SESSION* make_session(SSL* ssl) const;

  boost::asio::ssl::context ctx_;
  std::string identity_;
  SecretBytes psk_;
};

}  // namespace espgw::ha

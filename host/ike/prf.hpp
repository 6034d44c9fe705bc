// The negotiated IKEv1 hash and pseudo-random function (RFC 2409 section 4: the PRF is the
// HMAC version of the negotiated hash), SHA1/256/384/512 through OpenSSL.
#pragma once

#include <initializer_list>
#include <optional>

#include "espgw/driver/secret_bytes.hpp"
#include "host/ike/ike_constants.hpp"
#include "host/ike/payload/wire.hpp"

namespace espgw::ike {

class Prf {
 public:
  // nullopt for MD5 and unknown values: we do not negotiate them.
  static std::optional<Prf> create(P1Hash hash);
  P1Hash hash() const { return hash_; }
  std::size_t size() const;  // output bytes: 20, 32, 48, 64
  const char* name() const;  // "SHA", "SHA256", ... as IOS prints it

  // prf(key, data_1 | data_2 | ...) = HMAC-hash(key, concatenation).
  SecretBytes prf(ByteView key, std::initializer_list<ByteView> data) const;
  // hash(data_1 | data_2 | ...), the plain digest (IV derivation, NAT-D).
  Bytes digest(std::initializer_list<ByteView> data) const;

 private:
  explicit Prf(P1Hash hash) : hash_(hash) {}
  P1Hash hash_;
};

}  // namespace espgw::ike

// Random values for IKEv1 (RFC 2408 section 2.5.3 cookies, RFC 2409 nonces, SPIs and
// message IDs), all from OpenSSL's CSPRNG. One copy for every exchange and the manager.
#pragma once

#include <algorithm>
#include <openssl/rand.h>

#include "host/ike/payload/isakmp_header.hpp"

namespace espgw::ike {

// `n` random bytes; empty when the CSPRNG fails (callers treat that as a failed build).
inline Bytes random_bytes(std::size_t n) {
  Bytes b(n);
  if (RAND_bytes(b.data(), static_cast<int>(n)) != 1) b.clear();
  return b;
}

template <class T>
T random_value() {
  T v{};
  RAND_bytes(reinterpret_cast<std::uint8_t*>(&v), sizeof v);
  return v;
}

inline bool is_zero(const Cookie& c) {
  return std::all_of(c.begin(), c.end(), [](std::uint8_t b) { return b == 0; });
}

// A cookie is never all zero: zero means "no responder cookie yet".
inline Cookie random_cookie() {
  Cookie c{};
  do RAND_bytes(c.data(), static_cast<int>(c.size()));
  while (is_zero(c));
  return c;
}

}  // namespace espgw::ike

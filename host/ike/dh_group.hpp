// Diffie-Hellman for IKEv1 through OpenSSL 3 (no hand-rolled arithmetic): MODP groups
// 2/5 (RFC 2409/3526, only when configured) and 14/15/16 (RFC 3526), ECP groups 19/20
// (RFC 5903, whose KE payload is x || y without the 0x04 prefix).
#pragma once

#include <memory>
#include <optional>

#include "espgw/driver/secret_bytes.hpp"
#include "host/ike/ike_constants.hpp"
#include "host/ike/payload/wire.hpp"

struct evp_pkey_st;

namespace espgw::ike {

bool dh_group_supported(DhGroupId group);
bool dh_group_is_weak(DhGroupId group);  // 2 and 5: IOS warns, so do we
std::size_t dh_public_size(DhGroupId group);  // KE payload length: prime bytes, or 2 * field bytes
const char* dh_group_name(DhGroupId group);   // "MODP 2048", "ECP 256", ...

class DiffieHellman {
 public:
  // A fresh private value for `group`; nullptr when the group is unsupported or OpenSSL fails.
  static std::unique_ptr<DiffieHellman> create(DhGroupId group);
  ~DiffieHellman();
  DiffieHellman(const DiffieHellman&) = delete;
  DiffieHellman& operator=(const DiffieHellman&) = delete;

  DhGroupId group() const { return group_; }
  // g^x padded to the prime's length (MODP) or x || y (ECP): the KE payload data.
  const Bytes& public_value() const { return public_; }
  // g^xy: padded to the prime's length (MODP), the x coordinate (ECP, RFC 5903 section 7).
  // nullopt when the peer's value has the wrong length or is not a valid group element
  // (1 < y < p-1 for MODP, on the curve for ECP).
  std::optional<SecretBytes> shared_secret(ByteView peer_public) const;

 private:
  DiffieHellman(DhGroupId group, evp_pkey_st* key, Bytes pub) : group_(group), key_(key), public_(std::move(pub)) {}
  DhGroupId group_;
  evp_pkey_st* key_;
  Bytes public_;
};

}  // namespace espgw::ike

// IKEv1 message encryption (RFC 2409 Appendix B, RFC 3602): AES-CBC over the payload chain,
// zero-padded to the block size, the IV chained from the last ciphertext block of the
// previous message of the same exchange. OpenSSL EVP with its own padding off.
#pragma once

#include <optional>

#include "espgw/driver/secret_bytes.hpp"
#include "host/ike/ike_constants.hpp"
#include "host/ike/payload/wire.hpp"

namespace espgw::ike {

class IkeCipher {
 public:
  // AES-128/192/256-CBC; nullopt for any other key length.
  static std::optional<IkeCipher> create(const SecretBytes& key);
  std::size_t block_size() const { return kAesBlockSize; }

  // Encrypts `plaintext` padded with zeros to a block multiple; `iv` becomes the last
  // ciphertext block (the next message's IV). Empty output on an OpenSSL failure.
  Bytes encrypt(ByteView plaintext, Bytes& iv) const;
  // nullopt when the ciphertext is empty or not a block multiple, or the IV has the wrong
  // size. On success `iv` becomes the last ciphertext block.
  std::optional<Bytes> decrypt(ByteView ciphertext, Bytes& iv) const;

 private:
  explicit IkeCipher(const SecretBytes& key) : key_(key) {}
  SecretBytes key_;
};

}  // namespace espgw::ike

// SHA-256 (FIPS 180-4) compression and HMAC-SHA-256 (RFC 2104) as the kernel runs them.
// HMAC starts from the inner/outer states H(K xor ipad), H(K xor opad) stored in the SA
// record at install, so a packet costs two compressions fewer (RFC 2104 section 4).
#pragma once

#include <cstdint>

namespace espgw::hls {

void sha256_compress(std::uint32_t state[8], const std::uint8_t block[64]);

// Streams a message that continues after one already-absorbed 64-byte block (the
// ipad or opad block), as HMAC needs.
struct Sha256Stream {
  std::uint32_t state[8];
  std::uint8_t pending[64];
  std::uint32_t pending_len;
  std::uint64_t total_len;  // bytes, including the absorbed key block
};
void sha256_resume(Sha256Stream& s, const std::uint32_t midstate[8]);
void sha256_update(Sha256Stream& s, const std::uint8_t* data, std::uint32_t len);
void sha256_final(Sha256Stream& s, std::uint8_t digest[32]);

// HMAC-SHA-256 finish: outer hash of the inner digest, from the stored opad state.
void hmac_sha256_outer(const std::uint32_t outer_state[8], const std::uint8_t inner_digest[32],
                       std::uint8_t mac[32]);

}  // namespace espgw::hls

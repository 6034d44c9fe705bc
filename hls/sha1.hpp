// SHA-1 (FIPS 180-4 section 6.1) compression and HMAC-SHA1 (RFC 2104) for the
// HMAC-SHA1-96 transform (RFC 2404); like SHA-256, it resumes from ipad/opad states.
#pragma once

#include <cstdint>

namespace espgw::hls {

void sha1_compress(std::uint32_t state[5], const std::uint8_t block[64]);

struct Sha1Stream {
  std::uint32_t state[5];
  std::uint8_t pending[64];
  std::uint32_t pending_len;
  std::uint64_t total_len;
};
void sha1_resume(Sha1Stream& s, const std::uint32_t midstate[5]);
void sha1_update(Sha1Stream& s, const std::uint8_t* data, std::uint32_t len);
void sha1_final(Sha1Stream& s, std::uint8_t digest[20]);
void hmac_sha1_outer(const std::uint32_t outer_state[5], const std::uint8_t inner_digest[20], std::uint8_t mac[20]);

}  // namespace espgw::hls

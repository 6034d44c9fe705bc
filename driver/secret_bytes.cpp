// SecretBytes: zeroization and hex parsing for key material (see secret_bytes.hpp).
#include "espgw/driver/secret_bytes.hpp"

#include <openssl/crypto.h>

namespace espgw {

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

void SecretBytes::clear() {
  if (!bytes_.empty()) OPENSSL_cleanse(bytes_.data(), bytes_.size());
  bytes_.clear();
}

bool SecretBytes::from_hex(std::string_view hex, SecretBytes* out) {
  out->clear();
  if (hex.size() % 2 != 0) return false;
  out->bytes_.resize(hex.size() / 2);
  for (std::size_t i = 0; i < out->bytes_.size(); ++i) {
    int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      out->clear();
      return false;
    }
    out->bytes_[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return true;
}

bool operator==(const SecretBytes& a, const SecretBytes& b) {
  return a.size() == b.size() && (a.empty() || CRYPTO_memcmp(a.bytes_.data(), b.bytes_.data(), a.size()) == 0);
}

}  // namespace espgw

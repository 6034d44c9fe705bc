// SecretBytes: key material that zeroizes itself (OPENSSL_cleanse) when destroyed or
// cleared, and has no formatter or stream operator, so a key cannot reach a log line by
// accident (STYLE.md "Secrets").
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace espgw {

class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::span<const std::uint8_t> bytes) : bytes_(bytes.begin(), bytes.end()) {}
  SecretBytes(const SecretBytes& other) = default;
  SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) { other.clear(); }
  SecretBytes& operator=(const SecretBytes& other) {
    if (this != &other) {
      clear();
      bytes_ = other.bytes_;
    }
    return *this;
  }
  SecretBytes& operator=(SecretBytes&& other) noexcept {
    if (this != &other) {
      clear();
      bytes_ = std::move(other.bytes_);
      other.clear();
    }
    return *this;
  }
  ~SecretBytes() { clear(); }

  // Parses hex (as in `set session-key ... cipher HEX`); returns false on odd length or a
  // non-hex digit and leaves *out empty.
  static bool from_hex(std::string_view hex, SecretBytes* out);

  std::size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }
  std::span<const std::uint8_t> view() const { return bytes_; }
  std::span<std::uint8_t> mutable_view() { return bytes_; }
  void resize(std::size_t n) { clear(); bytes_.assign(n, 0); }

  // Zeroizes, then releases.
  void clear();

  // Equality in constant time (CRYPTO_memcmp); used by config diffing, never by the data path.
  friend bool operator==(const SecretBytes& a, const SecretBytes& b);

 private:
  std::vector<std::uint8_t> bytes_;
};

}  // namespace espgw

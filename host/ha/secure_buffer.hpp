// SecureBuffer: a growable byte buffer for sync-channel frames that carry SA keys. It
// zeroizes (OPENSSL_cleanse) on destruction, on clear() and whenever growth moves it, so
// no key bytes linger in freed heap memory (STYLE.md "Secrets").
#pragma once

#include <openssl/crypto.h>

#include <cstdint>
#include <span>
#include <vector>

namespace espgw::ha {

class SecureBuffer {
 public:
  SecureBuffer() = default;
  SecureBuffer(const SecureBuffer&) = delete;
  SecureBuffer& operator=(const SecureBuffer&) = delete;
  SecureBuffer(SecureBuffer&& o) noexcept : bytes_(std::move(o.bytes_)) { o.bytes_.clear(); }
  SecureBuffer& operator=(SecureBuffer&& o) noexcept {
    if (this != &o) {
      clear();
      bytes_ = std::move(o.bytes_);
      o.bytes_.clear();
    }
    return *this;
  }
  ~SecureBuffer() { clear(); }

  void append(std::span<const std::uint8_t> data) {
    if (bytes_.size() + data.size() > bytes_.capacity()) grow(bytes_.size() + data.size());
    bytes_.insert(bytes_.end(), data.begin(), data.end());
  }
  void push_back(std::uint8_t b) { append(std::span(&b, 1)); }
  void clear() {
    if (bytes_.capacity() != 0) OPENSSL_cleanse(bytes_.data(), bytes_.capacity());
    bytes_.clear();
  }
  std::span<const std::uint8_t> view() const { return bytes_; }
  std::span<std::uint8_t> mutable_view() { return bytes_; }
  std::size_t size() const { return bytes_.size(); }
  const std::uint8_t* data() const { return bytes_.data(); }

 private:
  void grow(std::size_t need) {
    std::vector<std::uint8_t> bigger;
    bigger.reserve(std::max<std::size_t>(need, 2 * bytes_.capacity() + 256));
    bigger.assign(bytes_.begin(), bytes_.end());
    clear();
    bytes_ = std::move(bigger);
  }
  std::vector<std::uint8_t> bytes_;
};

}  // namespace espgw::ha

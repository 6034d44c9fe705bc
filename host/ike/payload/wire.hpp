// Byte-level helpers shared by every ISAKMP payload codec: a bounds-checked reader that never
// throws, a big-endian writer, and the decode result type {value | error{offset, reason}}
// (STYLE.md: decoders never throw on peer bytes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace espgw::ike {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

// Where (offset from the start of the ISAKMP message) and why a decode failed.
struct DecodeError {
  std::size_t offset = 0;
  std::string reason;
};

template <class T>
class Decoded {
 public:
  Decoded(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Decoded(DecodeError error) : v_(std::move(error)) {}  // NOLINT
  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<T>(v_); }
  const T& value() const { return std::get<T>(v_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  const DecodeError& error() const { return std::get<DecodeError>(v_); }

 private:
  std::variant<T, DecodeError> v_;
};

// Reads big-endian fields from a span; every read checks the remaining length first.
// `base` is the offset of the span inside the whole message, so errors point at real bytes.
class Reader {
 public:
  Reader(ByteView data, std::size_t base) : data_(data), base_(base) {}
  std::size_t remaining() const { return data_.size() - pos_; }
  std::size_t offset() const { return base_ + pos_; }  // absolute
  std::size_t pos() const { return pos_; }
  bool u8(std::uint8_t& v) {
    if (remaining() < 1) return false;
    v = data_[pos_++];
    return true;
  }
  bool u16(std::uint16_t& v) {
    if (remaining() < 2) return false;
    v = static_cast<std::uint16_t>(data_[pos_] << 8 | data_[pos_ + 1]);
    pos_ += 2;
    return true;
  }
  bool u32(std::uint32_t& v) {
    if (remaining() < 4) return false;
    v = static_cast<std::uint32_t>(data_[pos_]) << 24 | static_cast<std::uint32_t>(data_[pos_ + 1]) << 16 |
        static_cast<std::uint32_t>(data_[pos_ + 2]) << 8 | data_[pos_ + 3];
    pos_ += 4;
    return true;
  }
  bool bytes(std::size_t n, Bytes& out) {
    if (remaining() < n) return false;
    out.assign(data_.begin() + static_cast<std::ptrdiff_t>(pos_), data_.begin() + static_cast<std::ptrdiff_t>(pos_ + n));
    pos_ += n;
    return true;
  }
  bool view(std::size_t n, ByteView& out) {
    if (remaining() < n) return false;
    out = data_.subspan(pos_, n);
    pos_ += n;
    return true;
  }
  ByteView rest() const { return data_.subspan(pos_); }
  DecodeError error(std::string reason) const { return DecodeError{offset(), std::move(reason)}; }

 private:
  ByteView data_;
  std::size_t base_;
  std::size_t pos_ = 0;
};

class Writer {
 public:
  explicit Writer(Bytes& out) : out_(out) {}
  void u8(std::uint8_t v) { out_.push_back(v); }
  void u16(std::uint16_t v) {
    out_.push_back(static_cast<std::uint8_t>(v >> 8));
    out_.push_back(static_cast<std::uint8_t>(v));
  }
  void u32(std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) out_.push_back(static_cast<std::uint8_t>(v >> s));
  }
  void bytes(ByteView b) { out_.insert(out_.end(), b.begin(), b.end()); }
  std::size_t size() const { return out_.size(); }
  // Patches a 16-bit length written earlier at `at`.
  void patch_u16(std::size_t at, std::uint16_t v) {
    out_[at] = static_cast<std::uint8_t>(v >> 8);
    out_[at + 1] = static_cast<std::uint8_t>(v);
  }

 private:
  Bytes& out_;
};

}  // namespace espgw::ike

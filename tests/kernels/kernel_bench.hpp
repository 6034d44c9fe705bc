// Shared helpers for the Verilator + GoogleTest benches of kernels/rtl: clocking a Verilated
// model, moving big-endian byte strings in and out of wide ports (FIPS-197 byte 0 sits in
// the top bits), and OpenSSL reference computations the RTL is checked against.
#pragma once

#include <verilated.h>

#include <openssl/evp.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace espgw::kernels::bench {

using Bytes = std::vector<std::uint8_t>;

// A field of a packed struct port (Verilator's VlWide or plain word array, bit 0 = bit 0 of
// word 0), `width` <= 64 bits from `lsb`.
template <typename Wide>
void set_bits(Wide& w, unsigned lsb, unsigned width, std::uint64_t v) {
  for (unsigned i = 0; i < width; ++i) {
    const unsigned b = lsb + i;
    const std::uint32_t bit = static_cast<std::uint32_t>((v >> i) & 1);
    w[b / 32] = (w[b / 32] & ~(1u << (b % 32))) | (bit << (b % 32));
  }
}

template <typename Wide>
std::uint64_t get_bits(const Wide& w, unsigned lsb, unsigned width) {
  std::uint64_t v = 0;
  for (unsigned i = 0; i < width; ++i) {
    const unsigned b = lsb + i;
    v |= static_cast<std::uint64_t>((w[b / 32] >> (b % 32)) & 1) << i;
  }
  return v;
}

inline Bytes from_hex(std::string_view hex) {
  Bytes out;
  if (hex.size() % 2 != 0) {
    throw std::invalid_argument("odd-length hex string");
  }
  auto nibble = [](char c) -> std::uint8_t {
    if (c >= '0' && c <= '9') return static_cast<std::uint8_t>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<std::uint8_t>(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') return static_cast<std::uint8_t>(c - 'A' + 10);
    throw std::invalid_argument("bad hex digit");
  };
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
  }
  return out;
}

// Lower-case hex, so that failed comparisons print readably.
inline std::string to_hex(std::span<const std::uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

inline Bytes random_bytes(std::mt19937_64& rng, std::size_t n) {
  Bytes out(n);
  for (auto& b : out) b = static_cast<std::uint8_t>(rng());
  return out;
}

// Writes `bytes` into the field of `width_bits` at bit `lsb` of a Verilator wide signal
// (32-bit words, word 0 = bits 31:0), byte 0 in the field's most significant byte.
template <typename Wide>
void put_be(Wide& wide, std::size_t lsb, std::size_t width_bits, std::span<const std::uint8_t> bytes) {
  if (bytes.size() * 8 > width_bits) throw std::invalid_argument("field too narrow");
  for (std::size_t j = 0; j < width_bits / 8; ++j) {
    const std::uint8_t v = j < bytes.size() ? bytes[j] : 0;
    const std::size_t bit = lsb + width_bits - 8 * (j + 1);
    auto& word = wide[bit / 32];
    const unsigned shift = bit % 32;
    word = (word & ~(0xffu << shift)) | (static_cast<std::uint32_t>(v) << shift);
  }
}

template <typename Wide>
Bytes get_be(const Wide& wide, std::size_t lsb, std::size_t width_bits) {
  Bytes out(width_bits / 8);
  for (std::size_t j = 0; j < out.size(); ++j) {
    const std::size_t bit = lsb + width_bits - 8 * (j + 1);
    out[j] = static_cast<std::uint8_t>(wide[bit / 32] >> (bit % 32));
  }
  return out;
}

// One clock: falling then rising edge, so inputs set before tick() are sampled at the edge
// and registered outputs read after tick() show the new cycle.
template <typename Model>
void tick(Model& m) {
  m.clk_i = 0;
  m.eval();
  m.clk_i = 1;
  m.eval();
}

template <typename Model>
void reset(Model& m, int cycles = 4) {
  m.rst_ni = 0;
  for (int i = 0; i < cycles; ++i) tick(m);
  m.rst_ni = 1;
}

inline const EVP_CIPHER* aes_ecb(std::size_t key_bytes) {
  return key_bytes == 32 ? EVP_aes_256_ecb() : EVP_aes_128_ecb();
}

inline const EVP_CIPHER* aes_cbc(std::size_t key_bytes) {
  return key_bytes == 32 ? EVP_aes_256_cbc() : EVP_aes_128_cbc();
}

// AES over whole blocks via OpenSSL EVP, no padding (ECB, or CBC when an IV is given): the
// independent reference for the cipher pipes.
inline Bytes openssl_aes(const Bytes& key, const Bytes& iv, const Bytes& in, bool encrypt) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  if (ctx == nullptr) throw std::runtime_error("EVP_CIPHER_CTX_new");
  Bytes out(in.size() + 16);
  int n1 = 0, n2 = 0;
  const EVP_CIPHER* cipher = iv.empty() ? aes_ecb(key.size()) : aes_cbc(key.size());
  bool ok = EVP_CipherInit_ex(ctx, cipher, nullptr, key.data(), iv.empty() ? nullptr : iv.data(),
                              encrypt ? 1 : 0) == 1 &&
            EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
            EVP_CipherUpdate(ctx, out.data(), &n1, in.data(), static_cast<int>(in.size())) == 1 &&
            EVP_CipherFinal_ex(ctx, out.data() + n1, &n2) == 1;
  EVP_CIPHER_CTX_free(ctx);
  if (!ok) throw std::runtime_error("OpenSSL AES failed");
  out.resize(static_cast<std::size_t>(n1 + n2));
  return out;
}

inline Bytes openssl_aes_ecb(const Bytes& key, const Bytes& in, bool encrypt) {
  return openssl_aes(key, {}, in, encrypt);
}

}  // namespace espgw::kernels::bench

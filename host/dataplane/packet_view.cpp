// IPv4 header parsing for the SPD (RFC 791) and the header checksum.
#include "host/dataplane/packet_view.hpp"

#include "host/common/byte_order.hpp"

#include <bit>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace espgw::dataplane {

namespace {
std::uint16_t fold64(std::uint64_t s) {
  while (s >> 16) s = (s & 0xFFFF) + (s >> 16);
  return static_cast<std::uint16_t>(s);
}
}  // namespace

std::optional<FiveTuple> parse_five_tuple(std::span<const std::uint8_t> packet) {
  if (packet.size() < 20) return std::nullopt;
  const std::uint8_t* p = packet.data();
  if ((p[0] >> 4) != 4) return std::nullopt;
  const std::size_t ihl = (p[0] & 0x0F) * 4u;
  if (ihl < 20 || ihl > packet.size()) return std::nullopt;
  const std::size_t total = be16(p + 2);
  if (total < ihl || total > packet.size()) return std::nullopt;
  FiveTuple t;
  t.protocol = p[9];
  t.src = be32(p + 12);
  t.dst = be32(p + 16);
  const bool first_fragment = (be16(p + 6) & 0x1FFF) == 0;
  if (first_fragment && (t.protocol == kProtoTcp || t.protocol == kProtoUdp) && total >= ihl + 4) {
    t.src_port = be16(p + ihl);
    t.dst_port = be16(p + ihl + 2);
    t.has_ports = true;
  } else if (first_fragment && t.protocol == kProtoIcmp && total >= ihl + 2) {
    t.icmp_type = p[ihl];
    t.icmp_code = p[ihl + 1];
    t.has_icmp = true;
  }
  return t;
}

std::uint16_t ipv4_checksum(std::span<const std::uint8_t> header) {
  return static_cast<std::uint16_t>(~ones_sum(header));
}

namespace {
#if defined(__x86_64__)
// 32 bytes per step: the 32-bit halves of each 64-bit lane go into 64-bit accumulators (no
// carries to handle below 2^32 steps). Checksums of every forwarded TCP segment (computed on
// segmentation, verified before coalescing) otherwise cost as much CPU as AES-GCM does.
__attribute__((target("avx2"))) std::uint64_t sum32_avx2(const std::uint8_t*& p, std::size_t& n) {
  const __m256i low = _mm256_set1_epi64x(0xFFFFFFFF);
  __m256i a = _mm256_setzero_si256(), b = _mm256_setzero_si256();
  for (; n >= 32; n -= 32, p += 32) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    a = _mm256_add_epi64(a, _mm256_and_si256(v, low));
    b = _mm256_add_epi64(b, _mm256_srli_epi64(v, 32));
  }
  a = _mm256_add_epi64(a, b);
  alignas(32) std::uint64_t lanes[4];
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), a);
  return lanes[0] + lanes[1] + lanes[2] + lanes[3];
}
// The same sum, storing every 32 bytes to dst as they are added.
// The pointers are copied into locals: the stores through dst could alias the references,
// which would keep them in memory for the whole loop.
__attribute__((target("avx2"))) std::uint64_t copy_sum32_avx2(std::uint8_t*& dst_ref, const std::uint8_t*& src_ref,
                                                              std::size_t& n_ref) {
  const __m256i low = _mm256_set1_epi64x(0xFFFFFFFF);
  __m256i a = _mm256_setzero_si256(), b = _mm256_setzero_si256();
  std::uint8_t* dst = dst_ref;
  const std::uint8_t* p = src_ref;
  std::size_t n = n_ref;
  for (; n >= 32; n -= 32, p += 32, dst += 32) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst), v);
    a = _mm256_add_epi64(a, _mm256_and_si256(v, low));
    b = _mm256_add_epi64(b, _mm256_srli_epi64(v, 32));
  }
  dst_ref = dst, src_ref = p, n_ref = n;
  a = _mm256_add_epi64(a, b);
  alignas(32) std::uint64_t lanes[4];
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), a);
  return lanes[0] + lanes[1] + lanes[2] + lanes[3];
}
// 64 bytes per step where AVX-512 is there (ipsec-mb runs 512-bit code on such CPUs anyway).
// GCC 12's own AVX-512 intrinsics trip its uninitialized-value warnings (_mm512_undefined_*).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
__attribute__((target("avx512f"))) std::uint64_t sum64_avx512(const std::uint8_t*& p_ref, std::size_t& n_ref) {
  const __m512i low = _mm512_set1_epi64(0xFFFFFFFF);
  __m512i a = _mm512_setzero_si512(), b = _mm512_setzero_si512();
  const std::uint8_t* p = p_ref;
  std::size_t n = n_ref;
  for (; n >= 64; n -= 64, p += 64) {
    const __m512i v = _mm512_loadu_si512(p);
    a = _mm512_add_epi64(a, _mm512_and_si512(v, low));
    b = _mm512_add_epi64(b, _mm512_srli_epi64(v, 32));
  }
  p_ref = p, n_ref = n;
  return _mm512_reduce_add_epi64(_mm512_add_epi64(a, b));
}
__attribute__((target("avx512f"))) std::uint64_t copy_sum64_avx512(std::uint8_t*& dst_ref, const std::uint8_t*& src_ref,
                                                                   std::size_t& n_ref) {
  const __m512i low = _mm512_set1_epi64(0xFFFFFFFF);
  __m512i a = _mm512_setzero_si512(), b = _mm512_setzero_si512();
  std::uint8_t* dst = dst_ref;
  const std::uint8_t* p = src_ref;
  std::size_t n = n_ref;
  for (; n >= 64; n -= 64, p += 64, dst += 64) {
    const __m512i v = _mm512_loadu_si512(p);
    _mm512_storeu_si512(dst, v);
    a = _mm512_add_epi64(a, _mm512_and_si512(v, low));
    b = _mm512_add_epi64(b, _mm512_srli_epi64(v, 32));
  }
  dst_ref = dst, src_ref = p, n_ref = n;
  return _mm512_reduce_add_epi64(_mm512_add_epi64(a, b));
}
#pragma GCC diagnostic pop
const bool kHaveAvx2 = __builtin_cpu_supports("avx2");
const bool kHaveAvx512 = __builtin_cpu_supports("avx512f");
#endif

// The last n < 8 bytes as memcpy would place them in a zeroed uint64_t, from fixed-size
// loads: a variable-length memcpy into a stack word followed by an 8-byte load of it stalls
// on store forwarding (it showed as a hot spot in every odd-length sum).
std::uint64_t load_tail(const std::uint8_t* p, std::size_t n) {
  if constexpr (std::endian::native != std::endian::little) {
    std::uint64_t w = 0;
    std::memcpy(&w, p, n);
    return w;
  }
  std::uint64_t w = 0;
  unsigned shift = 0;
  if (n & 4) {
    std::uint32_t x;
    std::memcpy(&x, p, 4);
    w = x, p += 4, shift = 32;
  }
  if (n & 2) {
    std::uint16_t x;
    std::memcpy(&x, p, 2);
    w |= std::uint64_t{x} << shift, p += 2, shift += 16;
  }
  if (n & 1) w |= std::uint64_t{*p} << shift;
  return w;
}

// Folds a sum of native-order 32-bit words into the big-endian 16-bit sum, plus `initial`.
std::uint16_t finish_sum(std::uint64_t acc, std::uint32_t initial) {
  std::uint16_t s = fold64(acc);
  if constexpr (std::endian::native == std::endian::little) s = static_cast<std::uint16_t>((s >> 8) | (s << 8));
  return fold64(std::uint64_t{s} + initial);
}

}  // namespace

std::uint16_t ones_sum(std::span<const std::uint8_t> bytes, std::uint32_t initial) {
  // Summing native-order (little-endian) words and swapping the folded result gives the
  // big-endian sum (RFC 1071 section 2(B), byte-order independence).
  // 32-bit words into four independent 64-bit accumulators: no carry handling (2^32 words
  // cannot overflow them) and no dependency chain between the adds.
  std::uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  const std::uint8_t* p = bytes.data();
  std::size_t n = bytes.size();
#if defined(__x86_64__)
  if (kHaveAvx512 && n >= 128) a0 = sum64_avx512(p, n);
  if (kHaveAvx2 && n >= 64) a1 = sum32_avx2(p, n);
#endif
  for (; n >= 16; n -= 16, p += 16) {
    std::uint32_t w[4];
    std::memcpy(w, p, 16);
    a0 += w[0], a1 += w[1], a2 += w[2], a3 += w[3];
  }
  std::uint64_t acc = a0 + a1 + a2 + a3;
  for (; n >= 8; n -= 8, p += 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    acc += (w & 0xFFFFFFFF) + (w >> 32);
  }
  if (n) {
    const std::uint64_t w = load_tail(p, n);
    acc += (w & 0xFFFFFFFF) + (w >> 32);
  }
  return finish_sum(acc, initial);
}

std::uint16_t copy_ones_sum(std::uint8_t* dst, const std::uint8_t* src, std::size_t n, std::uint32_t initial) {
  std::uint64_t acc = 0;
#if defined(__x86_64__)
  if (kHaveAvx512 && n >= 128) acc = copy_sum64_avx512(dst, src, n);
  if (kHaveAvx2 && n >= 64) acc += copy_sum32_avx2(dst, src, n);
#endif
  for (; n >= 8; n -= 8, src += 8, dst += 8) {
    std::uint64_t w;
    std::memcpy(&w, src, 8);
    std::memcpy(dst, &w, 8);
    acc += (w & 0xFFFFFFFF) + (w >> 32);
  }
  if (n) {
    const std::uint64_t w = load_tail(src, n);
    for (std::size_t i = 0; i < n; ++i) dst[i] = src[i];
    acc += (w & 0xFFFFFFFF) + (w >> 32);
  }
  return finish_sum(acc, initial);
}

}  // namespace espgw::dataplane

// Bench for esp_sha256, esp_sha1 and esp_hmac (kernels/rtl) with both compression cores: each
// core against FIPS 180-4 examples and OpenSSL of random messages; HMAC from inner/outer
// states precomputed by the same core (as at SA install) against RFC 4231 (SHA-256), RFC 2202
// (SHA-1) and OpenSSL HMAC, at every length around the padding boundaries, with exact clock
// counts, and with a stalling block source.
#include "Vesp_hmac_sha1.h"
#include "Vesp_hmac_sha256.h"
#include "Vesp_sha1.h"
#include "Vesp_sha256.h"
#include "kernel_bench.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <gtest/gtest.h>

#include <algorithm>

namespace espgw::kernels::bench {
namespace {

Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }

struct HmacVector {
  Bytes key, data;
  std::string mac;
};

// esp_hmac with DigestBits = 256 on esp_sha256 (ESP's HMAC-SHA256-128, RFC 4868).
struct Sha256Traits {
  using Core = Vesp_sha256;
  using Hmac = Vesp_hmac_sha256;
  static constexpr std::size_t kBits = 256;
  static constexpr int kCompressClocks = 65;  // start -> done; the next start shares done
  static const EVP_MD* md() { return EVP_sha256(); }
  // FIPS 180-4 5.3.3: H(0).
  static Bytes iv() { return from_hex("6a09e667bb67ae853c6ef372a54ff53a510e527f9b05688c1f83d9ab5be0cd19"); }
  static constexpr const char* kAbc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  static constexpr const char* kTwoBlock = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
  // RFC 4231 4.2-4.5, 4.7, 4.8; 4.6 (truncation) separately.
  static std::vector<HmacVector> vectors() {
    return {
        {Bytes(20, 0x0b), text("Hi There"),
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
        {text("Jefe"), text("what do ya want for nothing?"),
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
        {Bytes(20, 0xaa), Bytes(50, 0xdd),
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
        {from_hex("0102030405060708090a0b0c0d0e0f10111213141516171819"), Bytes(50, 0xcd),
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
        {Bytes(131, 0xaa), text("Test Using Larger Than Block-Size Key - Hash Key First"),
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
        {Bytes(131, 0xaa),
         text("This is a test using a larger than block-size key and a larger than block-size "
              "data. The key needs to be hashed before being used by the HMAC algorithm."),
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
    };
  }
  // RFC 4231 4.6: truncated to 128 bits, ESP's ICV.
  static HmacVector truncated() {
    return {Bytes(20, 0x0c), text("Test With Truncation"), "a3b6167473100ee06e0c796c2955552b"};
  }
};

// esp_hmac with DigestBits = 160 on esp_sha1 (ESP's HMAC-SHA1-96, RFC 2404).
struct Sha1Traits {
  using Core = Vesp_sha1;
  using Hmac = Vesp_hmac_sha1;
  static constexpr std::size_t kBits = 160;
  static constexpr int kCompressClocks = 81;
  static const EVP_MD* md() { return EVP_sha1(); }
  // FIPS 180-4 5.3.1: H(0).
  static Bytes iv() { return from_hex("67452301efcdab8998badcfe10325476c3d2e1f0"); }
  static constexpr const char* kAbc = "a9993e364706816aba3e25717850c26c9cd0d89d";
  static constexpr const char* kTwoBlock = "84983e441c3bd26ebaae4aa1f95129e5e54670f1";
  // RFC 2202 section 3, test cases 1-4, 6, 7; 5 (truncation) separately.
  static std::vector<HmacVector> vectors() {
    return {
        {Bytes(20, 0x0b), text("Hi There"), "b617318655057264e28bc0b6fb378c8ef146be00"},
        {text("Jefe"), text("what do ya want for nothing?"),
         "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"},
        {Bytes(20, 0xaa), Bytes(50, 0xdd), "125d7342b9ac11cd91a39af48aa17b4f63f175d3"},
        {from_hex("0102030405060708090a0b0c0d0e0f10111213141516171819"), Bytes(50, 0xcd),
         "4c9007f4026250c6bc8414f9bf50c86c2d7235da"},
        {Bytes(80, 0xaa), text("Test Using Larger Than Block-Size Key - Hash Key First"),
         "aa4ae5e15272d00e95705637ce8a3b55ed402112"},
        {Bytes(80, 0xaa),
         text("Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data"),
         "e8e99d0f45237d786d6bbaa7965c7808bbff1a91"},
    };
  }
  // RFC 2202 test case 5, truncated to 96 bits as ESP's ICV (RFC 2404).
  static HmacVector truncated() {
    return {Bytes(20, 0x0c), text("Test With Truncation"), "4c1a03424b55e07fe7f27be1"};
  }
};

template <typename T>
Bytes openssl_hash(const Bytes& msg) {
  Bytes out(T::kBits / 8);
  unsigned int n = 0;
  if (EVP_Digest(msg.data(), msg.size(), out.data(), &n, T::md(), nullptr) != 1) {
    throw std::runtime_error("OpenSSL digest failed");
  }
  return out;
}

template <typename T>
Bytes openssl_hmac(const Bytes& key, const Bytes& msg) {
  Bytes out(T::kBits / 8);
  unsigned int n = 0;
  if (HMAC(T::md(), key.data(), static_cast<int>(key.size()), msg.data(), msg.size(), out.data(), &n) == nullptr) {
    throw std::runtime_error("OpenSSL HMAC failed");
  }
  return out;
}

template <typename T>
class HmacBench : public ::testing::Test {
 protected:
  static constexpr std::size_t kBits = T::kBits;
  static constexpr int kClocks = T::kCompressClocks;

  HmacBench() {
    reset(core_);
    reset(hmac_);
  }

  // One compression through the core; returns the new chaining value.
  Bytes compress(const Bytes& state, const Bytes& block, int* clocks = nullptr) {
    put_be(core_.state_i, 0, kBits, state);
    put_be(core_.block_i, 0, 512, block);
    core_.start_i = 1;
    tick(core_);
    core_.start_i = 0;
    for (int cycle = 1; cycle <= 200; ++cycle) {
      tick(core_);
      if (core_.done_o) {
        if (clocks != nullptr) *clocks = cycle + 1;  // the clock that sampled start counts
        return get_be(core_.state_o, 0, kBits);
      }
    }
    throw std::runtime_error("compression core never finished");
  }

  // The plain hash through the RTL core: FIPS 180-4 5.1.1 padding here (the same for SHA-1
  // and SHA-256), compressions there.
  Bytes hash(const Bytes& msg) {
    Bytes padded = msg;
    padded.push_back(0x80);
    while (padded.size() % 64 != 56) padded.push_back(0);
    const std::uint64_t bits = msg.size() * 8;
    for (int i = 7; i >= 0; --i) padded.push_back(static_cast<std::uint8_t>(bits >> (8 * i)));
    Bytes state = T::iv();
    for (std::size_t off = 0; off < padded.size(); off += 64) {
      state = compress(state, Bytes(padded.begin() + off, padded.begin() + off + 64));
    }
    return state;
  }

  struct HmacStates {
    Bytes inner, outer;
  };

  // SA install (RFC 2104 / FIPS 198-1 steps 1-3): K0 = key, or H(key) when longer than a
  // block (the host hashes it), zero-padded; then one compression of K0 ^ ipad and of
  // K0 ^ opad from H(0), through the RTL core.
  HmacStates install(const Bytes& key) {
    Bytes k0 = key.size() > 64 ? openssl_hash<T>(key) : key;
    k0.resize(64, 0);
    Bytes ipad = k0, opad = k0;
    for (auto& b : ipad) b ^= 0x36;
    for (auto& b : opad) b ^= 0x5c;
    return {compress(T::iv(), ipad), compress(T::iv(), opad)};
  }

  // One HMAC through esp_hmac; stall_every > 0 withholds a block every that many clocks.
  // Returns the MAC; *clocks = clocks from the one sampling start_i (included) until
  // mac_valid_o shows.
  Bytes hmac(const HmacStates& st, const Bytes& msg, int stall_every = 0, long* clocks = nullptr) {
    put_be(hmac_.inner_state_i, 0, kBits, st.inner);
    put_be(hmac_.outer_state_i, 0, kBits, st.outer);
    hmac_.msg_len_i = static_cast<std::uint32_t>(msg.size());
    hmac_.start_i = 1;
    hmac_.block_valid_i = 0;
    tick(hmac_);
    hmac_.start_i = 0;
    std::size_t offset = 0;
    for (long cycle = 1; cycle < 100000; ++cycle) {
      if (hmac_.mac_valid_o) {
        EXPECT_EQ(offset, (msg.size() + 63) / 64 * 64) << "every block consumed exactly once";
        if (clocks != nullptr) *clocks = cycle;
        Bytes mac = get_be(hmac_.mac_o, 0, kBits);
        tick(hmac_);
        EXPECT_EQ(to_hex(get_be(hmac_.mac_o, 0, kBits)), to_hex(mac)) << "mac_o holds";
        EXPECT_FALSE(hmac_.busy_o) << "idle once the MAC is out";
        return mac;
      }
      const bool stall = stall_every > 0 && cycle % stall_every == 0;
      hmac_.block_valid_i = !stall && offset < msg.size();
      if (hmac_.block_valid_i) {
        Bytes block(msg.begin() + offset, msg.begin() + std::min(offset + 64, msg.size()));
        block.resize(64, 0xa5);  // junk past the end: the RTL must ignore it
        put_be(hmac_.block_i, 0, 512, block);
      }
      hmac_.eval();
      const bool taken = hmac_.block_valid_i && hmac_.block_ready_o;
      tick(hmac_);
      if (taken) offset += 64;
    }
    throw std::runtime_error("esp_hmac never finished");
  }

  typename T::Core core_;
  typename T::Hmac hmac_;
};

using Hashes = ::testing::Types<Sha256Traits, Sha1Traits>;
class HashName {
 public:
  template <typename T>
  static std::string GetName(int) {
    return T::kBits == 256 ? "Sha256" : "Sha1";
  }
};
TYPED_TEST_SUITE(HmacBench, Hashes, HashName);

TYPED_TEST(HmacBench, CompressesFips180ExamplesInTheCoresClockCount) {
  int clocks = 0;
  Bytes abc = from_hex("616263");
  abc.push_back(0x80);
  abc.resize(63, 0);
  abc.push_back(0x18);
  EXPECT_EQ(to_hex(this->compress(TypeParam::iv(), abc, &clocks)), TypeParam::kAbc);
  EXPECT_EQ(clocks, TypeParam::kCompressClocks);
  EXPECT_EQ(to_hex(this->hash(text("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))),
            TypeParam::kTwoBlock);
}

TYPED_TEST(HmacBench, RandomMessagesHashAsOpenSsl) {
  std::mt19937_64 rng(0x5eed0500 + TypeParam::kBits);
  for (int i = 0; i < 60; ++i) {
    const Bytes msg = random_bytes(rng, rng() % 300);
    ASSERT_EQ(to_hex(this->hash(msg)), to_hex(openssl_hash<TypeParam>(msg))) << "length " << msg.size();
  }
}

TYPED_TEST(HmacBench, HmacMatchesRfcTestCases) {
  for (const HmacVector& c : TypeParam::vectors()) {
    ASSERT_EQ(to_hex(openssl_hmac<TypeParam>(c.key, c.data)), c.mac) << "vector transcription";
    EXPECT_EQ(to_hex(this->hmac(this->install(c.key), c.data)), c.mac);
  }
  const HmacVector t = TypeParam::truncated();
  EXPECT_EQ(to_hex(this->hmac(this->install(t.key), t.data)).substr(0, t.mac.size()), t.mac);
}

TYPED_TEST(HmacBench, HmacOfEveryLengthAroundPaddingBoundariesMatchesOpenSslInExactClocks) {
  std::mt19937_64 rng(0x5eed0501 + TypeParam::kBits);
  const Bytes key = random_bytes(rng, 32);
  const auto st = this->install(key);
  const long c = TypeParam::kCompressClocks;
  for (std::size_t len = 0; len <= 200; ++len) {
    const Bytes msg = random_bytes(rng, len);
    long clocks = 0;
    ASSERT_EQ(to_hex(this->hmac(st, msg, 0, &clocks)), to_hex(openssl_hmac<TypeParam>(key, msg)))
        << "length " << len;
    // ceil((len + 9) / 64) inner compressions and one outer compression back to back (each
    // next one starts on the done clock of the one before), two fewer than HMAC without
    // precomputed states, and one clock from the request to the first block.
    const long inner = static_cast<long>((len + 9 + 63) / 64);
    ASSERT_EQ(clocks, c * inner + c + 1) << "length " << len;
  }
}

TYPED_TEST(HmacBench, HmacOfRandomPacketsWithStallingSourceMatchesOpenSsl) {
  std::mt19937_64 rng(0x5eed0502 + TypeParam::kBits);
  for (int i = 0; i < 40; ++i) {
    const Bytes key = random_bytes(rng, 1 + rng() % 100);
    const Bytes msg = random_bytes(rng, rng() % 1500);
    const int stall = i % 4 == 0 ? 0 : 2 + static_cast<int>(rng() % 5);
    EXPECT_EQ(to_hex(this->hmac(this->install(key), msg, stall)), to_hex(openssl_hmac<TypeParam>(key, msg)))
        << "length " << msg.size() << ", stall every " << stall;
  }
}

}  // namespace
}  // namespace espgw::kernels::bench

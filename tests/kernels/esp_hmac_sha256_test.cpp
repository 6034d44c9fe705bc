// Bench for esp_sha256 and esp_hmac_sha256 (kernels/rtl): the compression function against
// FIPS 180-4 examples and OpenSSL SHA-256 of random messages; HMAC-SHA256 from inner/outer
// states precomputed by the same core (as at SA install) against RFC 4231 and OpenSSL HMAC,
// at every length around the padding boundaries and with a stalling block source.
#include "Vesp_hmac_sha256.h"
#include "Vesp_sha256.h"
#include "kernel_bench.hpp"

#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <gtest/gtest.h>

#include <algorithm>

namespace espgw::kernels::bench {
namespace {

// FIPS 180-4 5.3.3: the initial hash value H(0).
const Bytes kSha256Iv = from_hex("6a09e667bb67ae853c6ef372a54ff53a510e527f9b05688c1f83d9ab5be0cd19");
constexpr int kCompressClocks = 66;  // start -> done; the next start may share the done clock

Bytes openssl_sha256(const Bytes& msg) {
  Bytes out(32);
  SHA256(msg.data(), msg.size(), out.data());
  return out;
}

Bytes openssl_hmac(const Bytes& key, const Bytes& msg) {
  Bytes out(32);
  unsigned int n = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), msg.data(), msg.size(), out.data(), &n) == nullptr) {
    throw std::runtime_error("OpenSSL HMAC failed");
  }
  return out;
}

class Sha256 : public ::testing::Test {
 protected:
  Sha256() {
    reset(sha_);
    reset(hmac_);
  }

  // One compression through esp_sha256; returns the new chaining value.
  Bytes compress(const Bytes& state, const Bytes& block, int* clocks = nullptr) {
    put_be(sha_.state_i, 0, 256, state);
    put_be(sha_.block_i, 0, 512, block);
    sha_.start_i = 1;
    tick(sha_);
    sha_.start_i = 0;
    for (int cycle = 1; cycle <= 100; ++cycle) {
      tick(sha_);
      if (sha_.done_o) {
        if (clocks != nullptr) *clocks = cycle + 1;  // the clock that sampled start counts
        return get_be(sha_.state_o, 0, 256);
      }
    }
    throw std::runtime_error("esp_sha256 never finished");
  }

  // Plain SHA-256 through the RTL core: FIPS 180-4 5.1.1 padding here, compressions there.
  Bytes sha256(const Bytes& msg) {
    Bytes padded = msg;
    padded.push_back(0x80);
    while (padded.size() % 64 != 56) padded.push_back(0);
    const std::uint64_t bits = msg.size() * 8;
    for (int i = 7; i >= 0; --i) padded.push_back(static_cast<std::uint8_t>(bits >> (8 * i)));
    Bytes state = kSha256Iv;
    for (std::size_t off = 0; off < padded.size(); off += 64) {
      state = compress(state, Bytes(padded.begin() + off, padded.begin() + off + 64));
    }
    return state;
  }

  struct HmacStates {
    Bytes inner, outer;
  };

  // SA install (RFC 2104 / FIPS 198-1 steps 1-3): K0 = key, or SHA-256(key) when longer
  // than a block (the host hashes it), zero-padded; then one compression of K0 ^ ipad and of
  // K0 ^ opad from H(0), through the RTL core.
  HmacStates install(const Bytes& key) {
    Bytes k0 = key.size() > 64 ? openssl_sha256(key) : key;
    k0.resize(64, 0);
    Bytes ipad = k0, opad = k0;
    for (auto& b : ipad) b ^= 0x36;
    for (auto& b : opad) b ^= 0x5c;
    return {compress(kSha256Iv, ipad), compress(kSha256Iv, opad)};
  }

  // One HMAC through esp_hmac_sha256; stall_every > 0 withholds a block every that many
  // clocks. Returns the MAC; *clocks = clocks from the one sampling start_i (included) until
  // mac_valid_o shows.
  Bytes hmac(const HmacStates& st, const Bytes& msg, int stall_every = 0, long* clocks = nullptr) {
    put_be(hmac_.inner_state_i, 0, 256, st.inner);
    put_be(hmac_.outer_state_i, 0, 256, st.outer);
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
        Bytes mac = get_be(hmac_.mac_o, 0, 256);
        tick(hmac_);
        EXPECT_EQ(to_hex(get_be(hmac_.mac_o, 0, 256)), to_hex(mac)) << "mac_o holds";
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
    throw std::runtime_error("esp_hmac_sha256 never finished");
  }

  Vesp_sha256 sha_;
  Vesp_hmac_sha256 hmac_;
};

TEST_F(Sha256, CompressesFips180ExamplesIn66Clocks) {
  int clocks = 0;
  Bytes abc = from_hex("616263");
  abc.push_back(0x80);
  abc.resize(63, 0);
  abc.push_back(0x18);
  EXPECT_EQ(to_hex(compress(kSha256Iv, abc, &clocks)),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(clocks, kCompressClocks);
  const std::string two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  EXPECT_EQ(to_hex(sha256(Bytes(two.begin(), two.end()))),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST_F(Sha256, RandomMessagesMatchOpenSsl) {
  std::mt19937_64 rng(0x5eed0500);
  for (int i = 0; i < 60; ++i) {
    const Bytes msg = random_bytes(rng, rng() % 300);
    ASSERT_EQ(to_hex(sha256(msg)), to_hex(openssl_sha256(msg))) << "length " << msg.size();
  }
}

TEST_F(Sha256, HmacMatchesRfc4231TestCases) {
  struct Case {
    Bytes key, data;
    std::string mac;
  };
  auto text = [](std::string_view s) { return Bytes(s.begin(), s.end()); };
  const std::vector<Case> cases = {
      {Bytes(20, 0x0b), text("Hi There"),
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},  // 4.2
      {text("Jefe"), text("what do ya want for nothing?"),
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},  // 4.3
      {Bytes(20, 0xaa), Bytes(50, 0xdd),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},  // 4.4
      {from_hex("0102030405060708090a0b0c0d0e0f10111213141516171819"), Bytes(50, 0xcd),
       "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},  // 4.5
      {Bytes(131, 0xaa), text("Test Using Larger Than Block-Size Key - Hash Key First"),
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},  // 4.7
      {Bytes(131, 0xaa),
       text("This is a test using a larger than block-size key and a larger than block-size "
            "data. The key needs to be hashed before being used by the HMAC algorithm."),
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},  // 4.8
  };
  for (const Case& c : cases) {
    ASSERT_EQ(to_hex(openssl_hmac(c.key, c.data)), c.mac) << "vector transcription";
    EXPECT_EQ(to_hex(hmac(install(c.key), c.data)), c.mac);
  }
  // 4.6: output truncated to 128 bits, as ESP's HMAC-SHA256-128 ICV (RFC 4868).
  EXPECT_EQ(to_hex(hmac(install(Bytes(20, 0x0c)), text("Test With Truncation"))).substr(0, 32),
            "a3b6167473100ee06e0c796c2955552b");
}

TEST_F(Sha256, HmacOfEveryLengthAroundPaddingBoundariesMatchesOpenSsl) {
  std::mt19937_64 rng(0x5eed0501);
  const Bytes key = random_bytes(rng, 32);
  const HmacStates st = install(key);
  for (std::size_t len = 0; len <= 200; ++len) {
    const Bytes msg = random_bytes(rng, len);
    long clocks = 0;
    ASSERT_EQ(to_hex(hmac(st, msg, 0, &clocks)), to_hex(openssl_hmac(key, msg))) << "length " << len;
    // ceil((len + 9) / 64) inner compressions (each 66 clocks plus one to fetch the next
    // block) and one outer compression: two fewer than HMAC without precomputed states.
    const long inner = static_cast<long>((len + 9 + 63) / 64);
    ASSERT_EQ(clocks, (kCompressClocks + 1) * inner + kCompressClocks) << "length " << len;
  }
}

TEST_F(Sha256, HmacOfRandomPacketsWithStallingSourceMatchesOpenSsl) {
  std::mt19937_64 rng(0x5eed0502);
  for (int i = 0; i < 40; ++i) {
    const Bytes key = random_bytes(rng, 1 + rng() % 100);
    const Bytes msg = random_bytes(rng, rng() % 1500);
    const int stall = i % 4 == 0 ? 0 : 2 + static_cast<int>(rng() % 5);
    EXPECT_EQ(to_hex(hmac(install(key), msg, stall)), to_hex(openssl_hmac(key, msg)))
        << "length " << msg.size() << ", stall every " << stall;
  }
}

}  // namespace
}  // namespace espgw::kernels::bench

// Bench for esp_aes_dec_pipe (kernels/rtl): FIPS-197 Appendix C and SP 800-38A F.1/F.2
// decryption vectors, random keys and blocks against OpenSSL EVP at one block per clock,
// and CBC inbound (P_i = D(C_i) ^ C_{i-1}) of OpenSSL-made ciphertexts, back to back.
#include "Vesp_aes_dec_pipe.h"
#include "aes_pipe_driver.hpp"
#include "kernel_bench.hpp"

#include <gtest/gtest.h>

namespace espgw::kernels::bench {
namespace {

constexpr int kLatency = kAesPipeLatency;

class AesDecPipe : public ::testing::Test {
 protected:
  AesDecPipe() {
    reset(expand_);
    reset(pipe_);
  }

  RoundKeys keys(const Bytes& key) { return expand_key(expand_, key); }

  std::vector<AesResult> run(const std::vector<AesJob>& jobs) { return run_aes_pipe(pipe_, jobs); }

  // Decrypts whole blocks of one key back to back; checks the one-per-clock timing.
  Bytes decrypt(const Bytes& key, const Bytes& ct) {
    const RoundKeys rk = keys(key);
    std::vector<AesJob> jobs;
    for (std::size_t i = 0; i < ct.size() / 16; ++i) {
      jobs.push_back({true, static_cast<std::uint16_t>(i), &rk, Bytes(ct.begin() + 16 * i, ct.begin() + 16 * (i + 1))});
    }
    const auto out = run(jobs);
    EXPECT_EQ(out.size(), jobs.size());
    Bytes pt;
    for (std::size_t i = 0; i < out.size(); ++i) {
      EXPECT_EQ(out[i].cycle, static_cast<long>(kLatency + i));
      EXPECT_EQ(out[i].tag, i);
      pt.insert(pt.end(), out[i].block.begin(), out[i].block.end());
    }
    return pt;
  }

  Vesp_aes_key_expand expand_;
  Vesp_aes_dec_pipe pipe_;
};

TEST_F(AesDecPipe, DecryptsFips197AppendixCVectors) {
  EXPECT_EQ(to_hex(decrypt(from_hex("000102030405060708090a0b0c0d0e0f"),
                           from_hex("69c4e0d86a7b0430d8cdb78070b4c55a"))),
            "00112233445566778899aabbccddeeff");  // C.1 inverse cipher
  EXPECT_EQ(to_hex(decrypt(from_hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"),
                           from_hex("8ea2b7ca516745bfeafc49904b496089"))),
            "00112233445566778899aabbccddeeff");  // C.3 inverse cipher
}

TEST_F(AesDecPipe, DecryptsSp80038aEcbVectors) {
  // SP 800-38A F.1.2 (ECB-AES128.Decrypt) and F.1.6 (ECB-AES256.Decrypt).
  const std::string pt =
      "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
      "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
  EXPECT_EQ(to_hex(decrypt(from_hex("2b7e151628aed2a6abf7158809cf4f3c"),
                           from_hex("3ad77bb40d7a3660a89ecaf32466ef97f5d3d58503b9699de785895a96fdbaaf"
                                    "43b1cd7f598ece23881b00e3ed0306887b0c785e27e8ad3f8223207104725dd4"))),
            pt);
  EXPECT_EQ(to_hex(decrypt(from_hex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4"),
                           from_hex("f3eed1bdb5d2a03c064b5a7e3db181f8591ccb10d410ed26dc5ba74a31362870"
                                    "b6ed21b99ca6f4f9f153e7b1beafed1d23304b7a39f9f3ff067d8d8f9e24ecc7"))),
            pt);
}

TEST_F(AesDecPipe, DecryptsSp80038aCbcVectorsAsCbcInbound) {
  // SP 800-38A F.2.2 (CBC-AES128.Decrypt): the pipe yields D(C_i); XOR with C_{i-1} (the IV
  // for i = 0) gives the plaintext, so CBC inbound needs no feedback through the cipher.
  const Bytes key = from_hex("2b7e151628aed2a6abf7158809cf4f3c");
  const Bytes iv = from_hex("000102030405060708090a0b0c0d0e0f");
  const Bytes ct = from_hex(
      "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"
      "73bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7");
  Bytes chained = decrypt(key, ct);
  for (std::size_t i = 0; i < chained.size(); ++i) chained[i] ^= i < 16 ? iv[i] : ct[i - 16];
  EXPECT_EQ(to_hex(chained),
            "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
            "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710");
}

TEST_F(AesDecPipe, RandomKeysBackToBackMatchOpenSslAtOneBlockPerClock) {
  std::mt19937_64 rng(0x5eed0101);
  constexpr int kBlocks = 4000;
  std::vector<RoundKeys> rks;
  std::vector<Bytes> expected;
  std::vector<AesJob> jobs;
  rks.reserve(kBlocks);
  for (int i = 0; i < kBlocks; ++i) {
    const Bytes key = random_bytes(rng, rng() % 2 ? 32 : 16);
    const Bytes block = random_bytes(rng, 16);
    rks.push_back(keys(key));
    expected.push_back(openssl_aes_ecb(key, block, false));
    jobs.push_back({true, static_cast<std::uint16_t>(i), &rks.back(), block});
  }
  const auto out = run(jobs);
  ASSERT_EQ(out.size(), static_cast<std::size_t>(kBlocks));
  EXPECT_EQ(out.back().cycle, kBlocks + kLatency - 1);  // throughput: one block per clock
  for (int i = 0; i < kBlocks; ++i) {
    ASSERT_EQ(out[i].tag, static_cast<std::uint16_t>(i));
    ASSERT_EQ(out[i].cycle, kLatency + i);
    ASSERT_EQ(to_hex(out[i].block), to_hex(expected[i])) << "block " << i;
  }
}

TEST_F(AesDecPipe, RandomCbcPacketsInterleavedMatchOpenSsl) {
  // Packets of random length and key, CBC-encrypted by OpenSSL, decrypted through the pipe
  // with packets' blocks interleaved round-robin, as several inbound SAs would be.
  std::mt19937_64 rng(0x5eed0102);
  constexpr int kPackets = 64;
  struct Packet {
    Bytes key, iv, pt, ct;
    RoundKeys rk;
  };
  std::vector<Packet> packets(kPackets);
  for (auto& p : packets) {
    p.key = random_bytes(rng, rng() % 2 ? 32 : 16);
    p.iv = random_bytes(rng, 16);
    p.pt = random_bytes(rng, 16 * (1 + rng() % 90));
    p.ct = openssl_aes(p.key, p.iv, p.pt, true);
    p.rk = keys(p.key);
  }
  std::vector<AesJob> jobs;
  std::vector<std::pair<int, std::size_t>> origin;  // tag -> (packet, block)
  for (std::size_t b = 0;; ++b) {
    bool any = false;
    for (int p = 0; p < kPackets; ++p) {
      const Packet& pk = packets[p];
      if (16 * b >= pk.ct.size()) continue;
      any = true;
      origin.emplace_back(p, b);
      jobs.push_back({true, static_cast<std::uint16_t>(origin.size() - 1), &pk.rk,
                      Bytes(pk.ct.begin() + 16 * b, pk.ct.begin() + 16 * (b + 1))});
    }
    if (!any) break;
  }
  const auto out = run(jobs);
  ASSERT_EQ(out.size(), jobs.size());
  std::vector<Bytes> plain(kPackets);
  for (auto& pl : plain) pl.clear();
  for (int p = 0; p < kPackets; ++p) plain[p].resize(packets[p].ct.size());
  for (const AesResult& r : out) {
    const auto [p, b] = origin.at(r.tag);
    const Packet& pk = packets[p];
    for (std::size_t i = 0; i < 16; ++i) {
      plain[p][16 * b + i] = r.block[i] ^ (b == 0 ? pk.iv[i] : pk.ct[16 * (b - 1) + i]);
    }
  }
  for (int p = 0; p < kPackets; ++p) {
    EXPECT_EQ(to_hex(plain[p]), to_hex(packets[p].pt)) << "packet " << p;
  }
  EXPECT_EQ(out.back().cycle, static_cast<long>(jobs.size()) + kLatency - 1);
}

}  // namespace
}  // namespace espgw::kernels::bench

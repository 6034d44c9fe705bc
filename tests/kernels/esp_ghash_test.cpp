// Bench for esp_gf128_mul and esp_ghash (kernels/rtl) at 2, 4 and 8 lanes: AES-GCM built
// from the RTL alone (key expansion, H = E(0), H powers by the GHASH core, CTR keystream and
// E(J0) by esp_aes_enc_pipe, GHASH by esp_ghash), checked against the GCM specification's
// test cases and OpenSSL EVP aes-128/256-gcm, at one GHASH block per clock.
#include "Vesp_aes_enc_pipe.h"
#include "Vesp_ghash_l2.h"
#include "Vesp_ghash_l4.h"
#include "Vesp_ghash_l8.h"
#include "aes_pipe_driver.hpp"
#include "kernel_bench.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace espgw::kernels::bench {
namespace {

struct GcmResult {
  Bytes ct, tag;
};

GcmResult openssl_gcm(const Bytes& key, const Bytes& iv, const Bytes& aad, const Bytes& pt) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  if (ctx == nullptr) throw std::runtime_error("EVP_CIPHER_CTX_new");
  GcmResult r;
  r.ct.resize(pt.size() + 16);
  r.tag.resize(16);
  int n = 0, fin = 0;
  const EVP_CIPHER* cipher = key.size() == 32 ? EVP_aes_256_gcm() : EVP_aes_128_gcm();
  bool ok = EVP_EncryptInit_ex(ctx, cipher, nullptr, nullptr, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(iv.size()), nullptr) == 1 &&
            EVP_EncryptInit_ex(ctx, nullptr, nullptr, key.data(), iv.data()) == 1 &&
            (aad.empty() || EVP_EncryptUpdate(ctx, nullptr, &n, aad.data(), static_cast<int>(aad.size())) == 1) &&
            EVP_EncryptUpdate(ctx, r.ct.data(), &n, pt.data(), static_cast<int>(pt.size())) == 1 &&
            EVP_EncryptFinal_ex(ctx, r.ct.data() + n, &fin) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, r.tag.data()) == 1;
  EVP_CIPHER_CTX_free(ctx);
  if (!ok) throw std::runtime_error("OpenSSL AES-GCM failed");
  r.ct.resize(static_cast<std::size_t>(n + fin));
  return r;
}

struct GhashMessage {
  std::vector<Bytes> blocks;
  const std::vector<Bytes>* hpow = nullptr;  // H^1..H^Lanes
  std::uint16_t tag = 0;
};

struct GhashDigest {
  long cycle = 0;
  std::uint16_t tag = 0;
  Bytes digest;
};

struct GcmKey {
  RoundKeys rk;
  Bytes h;
  std::vector<Bytes> hpow;
};

template <typename Model, int L>
struct Variant {
  using Ghash = Model;
  static constexpr int kLanes = L;
};

template <typename V>
class Ghash : public ::testing::Test {
 protected:
  static constexpr int kLanes = V::kLanes;
  static constexpr int kLatency = kLanes + 2;  // last block in -> digest out

  Ghash() {
    reset(expand_);
    reset(aes_);
    reset(ghash_);
  }

  // Messages back to back (bubble_every > 0 inserts a bubble after every that many blocks).
  std::vector<GhashDigest> run_ghash(const std::vector<GhashMessage>& msgs, int bubble_every = 0,
                                     std::vector<long>* last_block_cycle = nullptr) {
    std::vector<GhashDigest> out;
    long cycle = 0;
    int sent = 0;
    auto step = [&] {
      tick(ghash_);
      ++cycle;
      if (ghash_.valid_o) out.push_back({cycle, ghash_.tag_o, get_be(ghash_.ghash_o, 0, 128)});
    };
    for (const GhashMessage& m : msgs) {
      for (int k = 0; k < kLanes; ++k) put_be(ghash_.h_pow_i, 128 * k, 128, m.hpow->at(k));
      const int n = static_cast<int>(m.blocks.size());
      for (int i = 0; i < n; ++i) {
        ghash_.valid_i = 1;
        ghash_.first_i = i == 0;
        ghash_.left_i = static_cast<std::uint8_t>(std::min(n - 1 - i, kLanes - 1));
        ghash_.tag_i = m.tag;
        put_be(ghash_.block_i, 0, 128, m.blocks[i]);
        step();
        if (i == n - 1 && last_block_cycle != nullptr) last_block_cycle->push_back(cycle);
        if (bubble_every > 0 && ++sent % bubble_every == 0) {
          ghash_.valid_i = 0;
          step();
        }
      }
    }
    ghash_.valid_i = 0;
    for (int i = 0; i < 2 * kLatency; ++i) step();
    return out;
  }

  Bytes aes_block(const RoundKeys& rk, const Bytes& block) {
    const auto out = run_aes_pipe(aes_, {AesJob{true, 0, &rk, block}});
    return out.at(0).block;
  }

  // SA install: round keys, H = E_K(0^128), and H^2..H^Lanes by the GHASH core itself
  // (a one-block message X with power table {H} yields X * H).
  GcmKey install(const Bytes& key) {
    GcmKey k;
    k.rk = expand_key(expand_, key);
    k.h = aes_block(k.rk, Bytes(16, 0));
    std::vector<Bytes> only_h(kLanes, Bytes(16, 0));
    only_h[0] = k.h;
    k.hpow.push_back(k.h);
    for (int p = 2; p <= kLanes; ++p) {
      const auto d = run_ghash({GhashMessage{{k.hpow.back()}, &only_h, 0}});
      k.hpow.push_back(d.at(0).digest);
    }
    return k;
  }

  // GCM encryption (SP 800-38D 7.1, 96-bit IV) of many messages, every step in the RTL but
  // the XOR of keystream and plaintext. GHASH runs all messages back to back.
  std::vector<GcmResult> gcm(const std::vector<const GcmKey*>& keys, const std::vector<Bytes>& ivs,
                             const std::vector<Bytes>& aads, const std::vector<Bytes>& pts,
                             int bubble_every = 0) {
    const std::size_t n = keys.size();
    // CTR: J0 = IV || 0^31 || 1 for the tag, inc32(J0), ... for the data, all in one stream.
    std::vector<AesJob> jobs;
    std::vector<std::vector<std::size_t>> job_of(n);
    for (std::size_t m = 0; m < n; ++m) {
      const std::size_t blocks = (pts[m].size() + 15) / 16;
      for (std::uint32_t c = 1; c <= blocks + 1; ++c) {
        Bytes ctr = ivs[m];
        ctr.push_back(static_cast<std::uint8_t>(c >> 24));
        ctr.push_back(static_cast<std::uint8_t>(c >> 16));
        ctr.push_back(static_cast<std::uint8_t>(c >> 8));
        ctr.push_back(static_cast<std::uint8_t>(c));
        job_of[m].push_back(jobs.size());
        jobs.push_back({true, static_cast<std::uint16_t>(jobs.size()), &keys[m]->rk, ctr});
      }
    }
    const auto ks = run_aes_pipe(aes_, jobs);
    EXPECT_EQ(ks.size(), jobs.size());

    std::vector<GcmResult> results(n);
    std::vector<GhashMessage> msgs(n);
    for (std::size_t m = 0; m < n; ++m) {
      Bytes& ct = results[m].ct;
      ct = pts[m];
      for (std::size_t i = 0; i < ct.size(); ++i) ct[i] ^= ks.at(job_of[m][1 + i / 16]).block[i % 16];
      auto add_padded = [&](const Bytes& data) {
        for (std::size_t off = 0; off < data.size(); off += 16) {
          Bytes b(data.begin() + off, data.begin() + std::min(off + 16, data.size()));
          b.resize(16, 0);
          msgs[m].blocks.push_back(b);
        }
      };
      add_padded(aads[m]);
      add_padded(ct);
      Bytes len(16, 0);
      const std::uint64_t abits = aads[m].size() * 8, cbits = ct.size() * 8;
      for (int i = 0; i < 8; ++i) {
        len[7 - i] = static_cast<std::uint8_t>(abits >> (8 * i));
        len[15 - i] = static_cast<std::uint8_t>(cbits >> (8 * i));
      }
      msgs[m].blocks.push_back(len);
      msgs[m].hpow = &keys[m]->hpow;
      msgs[m].tag = static_cast<std::uint16_t>(m);
    }
    std::vector<long> last_cycle;
    const auto digests = run_ghash(msgs, bubble_every, &last_cycle);
    EXPECT_EQ(digests.size(), n);
    for (std::size_t m = 0; m < std::min(n, digests.size()); ++m) {
      EXPECT_EQ(digests[m].tag, m);
      EXPECT_EQ(digests[m].cycle, last_cycle[m] + kLatency - 1) << "message " << m;
      Bytes& tag = results[m].tag;
      tag = ks.at(job_of[m][0]).block;  // E_K(J0)
      for (int i = 0; i < 16; ++i) tag[i] ^= digests[m].digest[i];
    }
    return results;
  }

  Vesp_aes_key_expand expand_;
  Vesp_aes_enc_pipe aes_;
  typename V::Ghash ghash_;
};

using Variants = ::testing::Types<Variant<Vesp_ghash_l2, 2>, Variant<Vesp_ghash_l4, 4>,
                                  Variant<Vesp_ghash_l8, 8>>;
TYPED_TEST_SUITE(Ghash, Variants);

TYPED_TEST(Ghash, MatchesGcmSpecificationTestCases) {
  // McGrew & Viega, "The Galois/Counter Mode of Operation", test cases 2, 4, 14 and 16.
  const Bytes zero16(16, 0), zero12(12, 0);
  const Bytes k4 = from_hex("feffe9928665731c6d6a8f9467308308");
  const Bytes k16 = from_hex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308");
  const Bytes iv = from_hex("cafebabefacedbaddecaf888");
  const Bytes aad = from_hex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
  const Bytes pt = from_hex(
      "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
      "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
  const GcmKey tc2 = this->install(zero16);
  const GcmKey tc14 = this->install(Bytes(32, 0));
  const GcmKey tc4 = this->install(k4);
  const GcmKey tc16 = this->install(k16);
  EXPECT_EQ(to_hex(tc2.h), "66e94bd4ef8a2c3b884cfa59ca342b2e");
  EXPECT_EQ(to_hex(tc14.h), "dc95c078a2408989ad48a21492842087");

  const auto r = this->gcm({&tc2, &tc14, &tc4, &tc16}, {zero12, zero12, iv, iv}, {{}, {}, aad, aad},
                           {zero16, zero16, pt, pt});
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(to_hex(r[0].ct), "0388dace60b6a392f328c2b971b2fe78");
  EXPECT_EQ(to_hex(r[0].tag), "ab6e47d42cec13bdf53a67b21257bddf");
  EXPECT_EQ(to_hex(r[1].ct), "cea7403d4d606b6e074ec5d3baf39d18");
  EXPECT_EQ(to_hex(r[1].tag), "d0d1c8a799996bf0265b98b5d48ab919");
  EXPECT_EQ(to_hex(r[2].tag), "5bc94fbc3221a5db94fae95ae7121a47");
  EXPECT_EQ(to_hex(r[3].tag), "76fc6ece0f4e1768cddf8853bb2d551b");
  EXPECT_EQ(to_hex(r[2].ct), to_hex(openssl_gcm(k4, iv, aad, pt).ct));
  EXPECT_EQ(to_hex(r[3].ct), to_hex(openssl_gcm(k16, iv, aad, pt).ct));
}

TYPED_TEST(Ghash, RandomMessagesOfManySasMatchOpenSslBackToBack) {
  // ESP-like traffic: AAD of 8 or 12 bytes (SPI || seq, with ESN), random payload lengths up
  // to 1500 bytes, 1 to 3 blocks of exotic sizes included; SAs change from message to message.
  std::mt19937_64 rng(0x5eed0200 + TypeParam::kLanes);
  constexpr int kSas = 6, kMessages = 60;
  std::vector<Bytes> sa_keys;
  std::vector<GcmKey> sas;
  for (int s = 0; s < kSas; ++s) {
    sa_keys.push_back(random_bytes(rng, s % 2 ? 32 : 16));
    sas.push_back(this->install(sa_keys.back()));
  }
  std::vector<const GcmKey*> keys;
  std::vector<Bytes> ivs, aads, pts;
  std::vector<int> which;
  for (int m = 0; m < kMessages; ++m) {
    which.push_back(static_cast<int>(rng() % kSas));
    keys.push_back(&sas[which.back()]);
    ivs.push_back(random_bytes(rng, 12));
    aads.push_back(random_bytes(rng, m % 7 == 0 ? rng() % 40 : (rng() % 2 ? 8 : 12)));
    pts.push_back(random_bytes(rng, m % 5 == 0 ? rng() % 40 : rng() % 1501));
  }
  const auto r = this->gcm(keys, ivs, aads, pts);
  ASSERT_EQ(r.size(), static_cast<std::size_t>(kMessages));
  for (int m = 0; m < kMessages; ++m) {
    const GcmResult ref = openssl_gcm(sa_keys[which[m]], ivs[m], aads[m], pts[m]);
    EXPECT_EQ(to_hex(r[m].ct), to_hex(ref.ct)) << "message " << m;
    EXPECT_EQ(to_hex(r[m].tag), to_hex(ref.tag)) << "message " << m;
  }
}

TYPED_TEST(Ghash, BubblesBetweenBlocksDoNotChangeTags) {
  std::mt19937_64 rng(0x5eed0300 + TypeParam::kLanes);
  const Bytes key = random_bytes(rng, 32);
  const GcmKey sa = this->install(key);
  for (int every : {1, 2, 3, 5}) {
    std::vector<Bytes> ivs, aads, pts;
    for (int m = 0; m < 8; ++m) {
      ivs.push_back(random_bytes(rng, 12));
      aads.push_back(random_bytes(rng, 8));
      pts.push_back(random_bytes(rng, rng() % 300));
    }
    const auto r = this->gcm(std::vector<const GcmKey*>(8, &sa), ivs, aads, pts, every);
    ASSERT_EQ(r.size(), 8u);
    for (int m = 0; m < 8; ++m) {
      EXPECT_EQ(to_hex(r[m].tag), to_hex(openssl_gcm(key, ivs[m], aads[m], pts[m]).tag))
          << "bubble every " << every << ", message " << m;
    }
  }
}

TYPED_TEST(Ghash, ConsumesOneBlockPerClockAcrossMessages) {
  // 200 one-to-three-block messages back to back: every input clock carries a block, and
  // each digest leaves exactly Lanes + 2 clocks after its message's last block.
  std::mt19937_64 rng(0x5eed0400 + TypeParam::kLanes);
  const GcmKey sa = this->install(random_bytes(rng, 16));
  std::vector<GhashMessage> msgs;
  long blocks = 0;
  for (int m = 0; m < 200; ++m) {
    GhashMessage msg;
    const int n = 1 + static_cast<int>(rng() % 3);
    for (int i = 0; i < n; ++i) msg.blocks.push_back(random_bytes(rng, 16));
    msg.hpow = &sa.hpow;
    msg.tag = static_cast<std::uint16_t>(m);
    blocks += n;
    msgs.push_back(std::move(msg));
  }
  std::vector<long> last_cycle;
  const auto d = this->run_ghash(msgs, 0, &last_cycle);
  ASSERT_EQ(d.size(), msgs.size());
  EXPECT_EQ(last_cycle.back(), blocks);
  for (std::size_t m = 0; m < d.size(); ++m) {
    ASSERT_EQ(d[m].tag, m);
    ASSERT_EQ(d[m].cycle, last_cycle[m] + TestFixture::kLatency - 1);
  }
}

}  // namespace
}  // namespace espgw::kernels::bench

// The crypto providers on their own: NIST GCM test vectors (McGrew & Viega, "The GCM mode
// of operation", test cases 1-4 for AES-128 and 13-16 for AES-256; the 96-bit-IV cases ESP
// can use), RFC 4231 HMAC-SHA-256 cases truncated to 128 bits (RFC 4868 2.6), RFC 2202
// HMAC-SHA1 cases truncated to 96 bits (RFC 2404), and ipsec-mb vs OpenSSL byte for byte.
#include <gtest/gtest.h>
#include <openssl/rand.h>

#include <cstring>

#include "crypto_provider.hpp"
#include "host/common/hex.hpp"

namespace espgw::driver::cpu {
namespace {

std::vector<std::uint8_t> hex(std::string_view h) { return *espgw::from_hex(h); }

std::unique_ptr<CryptoProvider> provider_or_null(const std::string& name) {
  try {
    return make_provider(name);
  } catch (const std::exception&) {
    return nullptr;
  }
}

class Provider : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    p_ = provider_or_null(GetParam());
    if (!p_) GTEST_SKIP() << GetParam() << " unavailable";
  }
  std::unique_ptr<CryptoProvider> p_;
};

struct GcmVector {
  const char *key, *iv, *pt, *aad, *ct, *tag;
};
// GCM spec test cases 1-4 (AES-128) and 13-16 (AES-256).
const GcmVector kGcm[] = {
    {"00000000000000000000000000000000", "000000000000000000000000", "", "", "", "58e2fccefa7e3061367f1d57a4e7455a"},
    {"00000000000000000000000000000000", "000000000000000000000000", "00000000000000000000000000000000", "",
     "0388dace60b6a392f328c2b971b2fe78", "ab6e47d42cec13bdf53a67b21257bddf"},
    {"feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255",
     "",
     "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
     "4d5c2af327cd64a62cf35abd2ba6fab4"},
    {"feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
     "feedfacedeadbeeffeedfacedeadbeefabaddad2",
     "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
     "5bc94fbc3221a5db94fae95ae7121a47"},
    {"0000000000000000000000000000000000000000000000000000000000000000", "000000000000000000000000", "", "", "",
     "530f8afbc74536b9a963b4f1c4cb738b"},
    {"0000000000000000000000000000000000000000000000000000000000000000", "000000000000000000000000",
     "00000000000000000000000000000000", "", "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919"},
    {"feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255",
     "",
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
     "b094dac5d93471bdec1a502270e3cc6c"},
    {"feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
     "feedfacedeadbeeffeedfacedeadbeefabaddad2",
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
     "76fc6ece0f4e1768cddf8853bb2d551b"},
};

TEST_P(Provider, GcmEncryptMatchesNistVectorsAndDecryptVerifiesThem) {
  for (const GcmVector& v : kGcm) {
    const auto key = hex(v.key), iv = hex(v.iv), pt = hex(v.pt), aad = hex(v.aad), ct = hex(v.ct), tag = hex(v.tag);
    auto enc = p_->make_sa(Transform::kAesGcm16, key, {}, 0, Direction::kOutbound);
    auto dec = p_->make_sa(Transform::kAesGcm16, key, {}, 0, Direction::kInbound);
    ASSERT_TRUE(enc && dec);
    std::vector<std::uint8_t> buf = pt;
    buf.resize(pt.size() + 1);  // never a null base
    CryptoOp op;
    op.sa = enc.get();
    op.base = buf.data();
    op.cipher_len = static_cast<std::uint32_t>(pt.size());
    std::memcpy(op.nonce, iv.data(), std::min(iv.size(), sizeof op.nonce));
    op.aad = aad.data();
    op.aad_len = static_cast<std::uint32_t>(aad.size());
    p_->encrypt_burst({&op, 1});
    ASSERT_TRUE(op.ok);
    EXPECT_EQ(std::vector<std::uint8_t>(buf.begin(), buf.begin() + pt.size()), ct) << v.key;
    EXPECT_EQ(std::vector<std::uint8_t>(op.icv, op.icv + 16), tag) << v.key;

    for (bool corrupt : {false, true}) {
      std::vector<std::uint8_t> b2 = ct;
      b2.resize(ct.size() + 1);
      CryptoOp d;
      d.sa = dec.get();
      d.base = b2.data();
      d.cipher_len = static_cast<std::uint32_t>(ct.size());
      std::memcpy(d.nonce, iv.data(), std::min(iv.size(), sizeof d.nonce));
      d.aad = aad.data();
      d.aad_len = static_cast<std::uint32_t>(aad.size());
      std::memcpy(d.icv, tag.data(), std::min(tag.size(), sizeof d.icv));
      if (corrupt) d.icv[15] ^= 1;
      p_->decrypt_burst({&d, 1});
      EXPECT_EQ(d.ok, !corrupt) << v.key;
      if (!corrupt) {
        EXPECT_EQ(std::vector<std::uint8_t>(b2.begin(), b2.begin() + pt.size()), pt);
      }
    }
  }
}

struct HmacVector {
  Transform transform;
  const char *key, *data, *mac;  // mac already truncated
};
const HmacVector kHmac[] = {
    // RFC 4231 test cases 1-4, HMAC-SHA-256 truncated to 128 bits.
    {Transform::kAesCbcHmacSha256, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
     "b0344c61d8db38535ca8afceaf0bf12b"},
    {Transform::kAesCbcHmacSha256, "4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
     "5bdcc146bf60754e6a042426089575c7"},
    {Transform::kAesCbcHmacSha256, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
     "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd",
     "773ea91e36800e46854db8ebd09181a7"},
    {Transform::kAesCbcHmacSha256, "0102030405060708090a0b0c0d0e0f10111213141516171819",
     "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
     "82558a389a443c0ea4cc819899f2083a"},
    // RFC 2202 test cases 1-4, HMAC-SHA1 truncated to 96 bits.
    {Transform::kAesCbcHmacSha1, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
     "b617318655057264e28bc0b6"},
    {Transform::kAesCbcHmacSha1, "4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
     "effcdf6ae5eb2fa2d27416d5"},
    {Transform::kAesCbcHmacSha1, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
     "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd",
     "125d7342b9ac11cd91a39af4"},
    {Transform::kAesCbcHmacSha1, "0102030405060708090a0b0c0d0e0f10111213141516171819",
     "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
     "4c9007f4026250c6bc8414f9"},
};

TEST_P(Provider, HmacMatchesRfc4231AndRfc2202TruncatedVectors) {
  const std::vector<std::uint8_t> aes_key(16, 0x42);
  for (const HmacVector& v : kHmac) {
    const auto key = hex(v.key), data = hex(v.data), mac = hex(v.mac);
    auto sa = p_->make_sa(v.transform, aes_key, key, 0, Direction::kOutbound);
    ASSERT_TRUE(sa);
    // One cipher block in front of the MACed bytes, outside the MAC region, so the
    // encrypt-then-MAC job MACs exactly the vector's data.
    std::vector<std::uint8_t> buf(16 + data.size(), 0);
    std::memcpy(buf.data() + 16, data.data(), data.size());
    std::uint8_t iv[16];
    CryptoOp op;
    op.sa = sa.get();
    op.base = buf.data();
    op.cipher_len = 16;
    op.auth_offset = 16;
    op.auth_len = static_cast<std::uint32_t>(data.size());
    op.iv = iv;
    p_->encrypt_burst({&op, 1});
    ASSERT_TRUE(op.ok);
    EXPECT_EQ(std::vector<std::uint8_t>(op.icv, op.icv + mac.size()), mac) << v.key;
  }
}

TEST_P(Provider, RefusesKeysOfTheWrongSize) {
  const std::vector<std::uint8_t> k24(24, 1), a32(32, 2), a65(65, 3);
  EXPECT_EQ(p_->make_sa(Transform::kAesGcm16, k24, {}, 0, Direction::kOutbound), nullptr);
  EXPECT_EQ(p_->make_sa(Transform::kAesCbcHmacSha256, k24, a32, 0, Direction::kOutbound), nullptr);
  EXPECT_EQ(p_->make_sa(Transform::kAesCbcHmacSha256, std::vector<std::uint8_t>(16, 1), a65, 0, Direction::kOutbound),
            nullptr);
}

INSTANTIATE_TEST_SUITE_P(Each, Provider, ::testing::Values("openssl", "ipsec-mb"),
                         [](const auto& info) { return info.param == "openssl" ? std::string("OpenSsl") : std::string("IpsecMb"); });

// ipsec-mb and OpenSSL must agree bit for bit on random keys, lengths and bursts, for every
// transform; and each must decrypt what the other encrypted.
TEST(ProviderCrossCheck, IpsecMbAndOpenSslProduceIdenticalBytesForEveryTransform) {
  auto a = provider_or_null("ipsec-mb");
  auto b = provider_or_null("openssl");
  if (!a || !b) GTEST_SKIP() << "ipsec-mb unavailable";
  const Transform transforms[] = {Transform::kAesGcm16, Transform::kAesCbcHmacSha256, Transform::kAesCbcHmacSha1};
  for (Transform t : transforms) {
    for (std::uint32_t key_len : {16u, 32u}) {
      for (int round = 0; round < 4; ++round) {
        std::vector<std::uint8_t> key(key_len), auth(t == Transform::kAesCbcHmacSha1 ? 20 : 32);
        RAND_bytes(key.data(), static_cast<int>(key.size()));
        RAND_bytes(auth.data(), static_cast<int>(auth.size()));
        const bool gcm = t == Transform::kAesGcm16;
        auto sa_a = a->make_sa(t, key, gcm ? std::span<const std::uint8_t>{} : auth, 0, Direction::kOutbound);
        auto sa_b = b->make_sa(t, key, gcm ? std::span<const std::uint8_t>{} : auth, 0, Direction::kOutbound);
        auto in_a = a->make_sa(t, key, gcm ? std::span<const std::uint8_t>{} : auth, 0, Direction::kInbound);
        auto in_b = b->make_sa(t, key, gcm ? std::span<const std::uint8_t>{} : auth, 0, Direction::kInbound);
        constexpr int kN = 40;  // more than one lane-full, a mix of lengths
        std::vector<std::vector<std::uint8_t>> bufs_a(kN), bufs_b(kN);
        std::vector<CryptoOp> ops_a(kN), ops_b(kN);
        std::vector<std::vector<std::uint8_t>> plain(kN);
        for (int i = 0; i < kN; ++i) {
          std::uint16_t r;
          RAND_bytes(reinterpret_cast<std::uint8_t*>(&r), 2);
          const std::uint32_t blocks = 1 + r % 100;
          const std::uint32_t len = gcm ? 4 * (1 + r % 400) : 16 * blocks;
          bufs_a[i].resize(8 + 16 + len + 4);
          RAND_bytes(bufs_a[i].data(), static_cast<int>(bufs_a[i].size()));
          bufs_b[i] = bufs_a[i];
          plain[i] = bufs_a[i];
          for (auto* pair : {&ops_a, &ops_b}) {
            CryptoOp& op = (*pair)[i];
            auto& buf = pair == &ops_a ? bufs_a[i] : bufs_b[i];
            op.sa = pair == &ops_a ? sa_a.get() : sa_b.get();
            op.base = buf.data();
            op.cipher_offset = gcm ? 16 : 24;
            op.cipher_len = len;
            op.auth_offset = 0;
            op.auth_len = 24 + len + (i % 2 ? 4 : 0);  // half with an ESN-style tail
            op.iv = buf.data() + 8;
            for (int k = 0; k < 16; ++k) op.iv_seed[k] = static_cast<std::uint8_t>(i * 7 + k);
            for (int k = 0; k < 12; ++k) op.nonce[k] = static_cast<std::uint8_t>(i + k);
            op.aad = buf.data();
            op.aad_len = i % 2 ? 12 : 8;
          }
        }
        a->encrypt_burst(ops_a);
        b->encrypt_burst(ops_b);
        for (int i = 0; i < kN; ++i) {
          ASSERT_TRUE(ops_a[i].ok && ops_b[i].ok);
          ASSERT_EQ(bufs_a[i], bufs_b[i]) << "transform " << static_cast<int>(t) << " op " << i;
          ASSERT_EQ(0, std::memcmp(ops_a[i].icv, ops_b[i].icv, ops_a[i].sa->icv_len()));
        }
        // Cross decrypt: each provider verifies the ICV the other computed and recovers
        // the original plaintext.
        for (int i = 0; i < kN; ++i) {
          ops_a[i].sa = in_a.get();
          ops_b[i].sa = in_b.get();
          CryptoOp tmp = ops_a[i];
          std::memcpy(ops_a[i].icv, ops_b[i].icv, sizeof tmp.icv);
          std::memcpy(ops_b[i].icv, tmp.icv, sizeof tmp.icv);
        }
        a->decrypt_burst(ops_a);
        b->decrypt_burst(ops_b);
        for (int i = 0; i < kN; ++i) {
          ASSERT_TRUE(ops_a[i].ok) << i;
          ASSERT_TRUE(ops_b[i].ok) << i;
          const std::uint32_t from = ops_a[i].cipher_offset, to = from + ops_a[i].cipher_len;
          ASSERT_TRUE(std::equal(bufs_a[i].begin() + from, bufs_a[i].begin() + to, plain[i].begin() + from));
          ASSERT_TRUE(std::equal(bufs_b[i].begin() + from, bufs_b[i].begin() + to, plain[i].begin() + from));
        }
      }
    }
  }
}

}  // namespace
}  // namespace espgw::driver::cpu

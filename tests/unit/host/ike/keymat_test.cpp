// Tests host/ike/keymat.cpp: KEYMAT (with and without PFS, with expansion), the ESP key
// split and the Quick Mode hashes, each recomputed here with OpenSSL's HMAC() directly
// (RFC 2409 section 5.5).
#include "host/ike/keymat.hpp"

#include <gtest/gtest.h>
#include <openssl/hmac.h>

namespace espgw::ike {
namespace {

Bytes cat(std::initializer_list<ByteView> parts) {
  Bytes out;
  for (ByteView p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
Bytes hmac256(ByteView key, ByteView data) {
  Bytes out(32);
  unsigned len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), data.data(), data.size(), out.data(), &len);
  return out;
}
Bytes view(const SecretBytes& s) { return Bytes(s.view().begin(), s.view().end()); }
Bytes filled(std::size_t n, std::uint8_t v) { return Bytes(n, v); }

const Bytes kNi = filled(32, 0x11), kNr = filled(32, 0x22), kGxy = filled(256, 0x33);
const SecretBytes kSkeyidD(filled(32, 0x44)), kSkeyidA(filled(32, 0x55));

TEST(Keymat, WithPfsExpandsToSixtyFourBytesForAes256Sha256) {
  auto prf = Prf::create(P1Hash::kSha256);
  const std::uint32_t spi = 0xC0FFEE01;
  Bytes seed = cat({kGxy, Bytes{3}, Bytes{0xC0, 0xFF, 0xEE, 0x01}, kNi, kNr});
  Bytes k1 = hmac256(kSkeyidD.view(), seed);
  Bytes k2 = hmac256(kSkeyidD.view(), cat({k1, seed}));
  SecretBytes km = keymat(*prf, kSkeyidD, kGxy, ProtocolId::kIpsecEsp, spi, kNi, kNr, 64);
  EXPECT_EQ(view(km), cat({k1, k2}));
  EspKeys keys = split_keymat(km, 32, 32, false);
  EXPECT_EQ(view(keys.enc_key), k1);
  EXPECT_EQ(view(keys.auth_key), k2);
}

TEST(Keymat, WithoutPfsOmitsTheSharedSecret) {
  auto prf = Prf::create(P1Hash::kSha256);
  Bytes seed = cat({Bytes{3}, Bytes{0, 0, 0x10, 0}, kNi, kNr});
  SecretBytes km = keymat(*prf, kSkeyidD, {}, ProtocolId::kIpsecEsp, 0x1000, kNi, kNr, 20);
  Bytes want = hmac256(kSkeyidD.view(), seed);
  want.resize(20);
  EXPECT_EQ(view(km), want);
}

TEST(Keymat, GcmTakesSaltFromTheLastFourBytes) {
  auto prf = Prf::create(P1Hash::kSha256);
  SecretBytes km = keymat(*prf, kSkeyidD, kGxy, ProtocolId::kIpsecEsp, 7, kNi, kNr, keymat_size(32, 0, true));
  ASSERT_EQ(km.size(), 36u);
  EspKeys keys = split_keymat(km, 32, 0, true);
  Bytes all = view(km);
  EXPECT_EQ(view(keys.enc_key), Bytes(all.begin(), all.begin() + 32));
  EXPECT_TRUE(keys.auth_key.empty());
  EXPECT_EQ(keys.salt, static_cast<std::uint32_t>(all[32]) << 24 | static_cast<std::uint32_t>(all[33]) << 16 |
                           static_cast<std::uint32_t>(all[34]) << 8 | all[35]);
}

TEST(Keymat, DifferentSpisGiveDifferentKeys) {
  auto prf = Prf::create(P1Hash::kSha256);
  EXPECT_NE(keymat(*prf, kSkeyidD, {}, ProtocolId::kIpsecEsp, 1, kNi, kNr, 32),
            keymat(*prf, kSkeyidD, {}, ProtocolId::kIpsecEsp, 2, kNi, kNr, 32));
}

TEST(QuickModeHash, HashesMatchIndependentHmac) {
  auto prf = Prf::create(P1Hash::kSha256);
  Bytes mid = {0xAB, 0xCD, 0xEF, 0x01};
  Bytes rest = filled(100, 0x77);
  EXPECT_EQ(qm_hash1(*prf, kSkeyidA, 0xABCDEF01, rest), hmac256(kSkeyidA.view(), cat({mid, rest})));
  EXPECT_EQ(qm_hash2(*prf, kSkeyidA, 0xABCDEF01, kNi, rest), hmac256(kSkeyidA.view(), cat({mid, kNi, rest})));
  EXPECT_EQ(qm_hash3(*prf, kSkeyidA, 0xABCDEF01, kNi, kNr), hmac256(kSkeyidA.view(), cat({Bytes{0}, mid, kNi, kNr})));
}

}  // namespace
}  // namespace espgw::ike

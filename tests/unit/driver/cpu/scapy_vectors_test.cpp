// Inbound known answers from an independent ESP implementation: packets encrypted by scapy
// 2.5.0 (Debian python3-scapy, scapy.layers.ipsec.SecurityAssociation; generator below), which
// every provider must decapsulate to the same inner datagram. Keys: AES key 01 02 .. 20,
// HMAC key 40 41 .. (32 or 20 bytes), GCM salt a1b2c3d4, SPI 0x1234. scapy 2.5.0 writes a
// NAT-T UDP length of 8; the generator patched it to the real length (bytes 24-25).
// scapy leaves the ESN high bits out of the HMAC ICV (RFC 4304 puts them in), so the only
// ESN vector is GCM, where scapy does include them in the AAD.
//
//   inner = IP(src='10.0.0.1', dst='10.1.0.1') / UDP(sport=1234, dport=80) / Raw(b'hello from scapy')
//   sa = SecurityAssociation(ESP, spi=0x1234, crypt_algo='AES-GCM' | 'AES-CBC', crypt_key=...,
//          auth_algo='SHA2-256-128' | 'HMAC-SHA1-96', auth_key=..., esn_en=..., esn=3,
//          tunnel_header=IP(src='198.51.100.2', dst='192.0.2.1'))   [+ nat_t_header=UDP(4500, 4500)]
//   sa.encrypt(inner, seq_num=N)
#include <gtest/gtest.h>

#include "esp_test_util.hpp"
#include "host/common/hex.hpp"

namespace espgw::driver::cpu::test {
namespace {

struct ScapyVector {
  const char* name;
  Transform transform;
  bool esn;
  std::uint64_t seq_lo;
  const char* packet;
};

const ScapyVector kVectors[] = {
    {"Gcm256", Transform::kAesGcm16, false, 7,
     "450000640001000040328e30c6336402c00002010000123400000007cc3f5e22246622373cde1dbaa6b0f65053284df2"
     "49d61be1a9711edba346842aaaefcb3d13bbe2028b201275c75284ba1fef38b0fe5c30068d7d4bc70ffebc3c441a6d58"
     "a0c98875"},
    {"Gcm256Esn", Transform::kAesGcm16, true, 42,
     "450000640001000040328e30c6336402c0000201000012340000002ac57e9a726e97a30fd45a688671f18986a80836ec"
     "47955d770a90272c561e7d43218f14ab20a5585667fc6a76e30445a99a1959a395d404fae70c7e2766465adc2d35af72"
     "e5f9b10c"},
    {"Cbc256Sha256NatT", Transform::kAesCbcHmacSha256, false, 9,
     "450000740001000040118e41c6336402c0000201119411940060000000001234000000093fd7bbe371ac967e7d1da819"
     "dad7602fd4fb49c383f087d52dc0bb6db007dbfcdd50a212d2b6d9503d5534775337cf75ef1cc4fcfa1e55cdb510aca8"
     "90d689403644484c7dc9141577e4043e3aa44068"},
    {"Cbc256Sha1", Transform::kAesCbcHmacSha1, false, 11,
     "450000680001000040328e2cc6336402c0000201000012340000000b6463476a005fcf3b66d147e826e5234310b98fe4"
     "4930da533a8b641facef55795aa95939ec0e22e8e80bae27c2ec27562f56d27855340d9462046228e9dd1ac83000f88d"
     "5c52a2850bd18185"},
};

constexpr const char* kInner = "4500002c00010000401166be0a0000010a01000104d200500018d87968656c6c6f2066726f6d207363617079";

class ScapyKnownAnswer : public ::testing::TestWithParam<std::string> {};

TEST_P(ScapyKnownAnswer, EveryScapyPacketDecapsulatesToTheSameInnerDatagram) {
  DeviceOptions o;
  o.provider = GetParam();
  std::unique_ptr<EspDevice> dev;
  try {
    dev = make_device(o);
  } catch (const std::exception& e) {
    GTEST_SKIP() << e.what();
  }
  std::vector<std::uint8_t> key(32);
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(i + 1);
  for (const ScapyVector& v : kVectors) {
    SaConfig c;
    c.spi = 0x1234;
    c.direction = Direction::kInbound;
    c.transform = v.transform;
    c.enc_key = SecretBytes(key);
    std::vector<std::uint8_t> auth(auth_key_len(v.transform));
    for (std::size_t i = 0; i < auth.size(); ++i) auth[i] = static_cast<std::uint8_t>(0x40 + i);
    c.auth_key = SecretBytes(auth);
    c.salt = 0xA1B2C3D4;
    c.esn = v.esn;
    c.initial_seq = v.esn ? (std::uint64_t{3} << 32 | 0x20) : 0;  // the window already in subspace 3
    const auto r = dev->install_sa(c);
    ASSERT_EQ(r.status, Status::kOk) << v.name;
    Packet p = inbound_packet(*espgw::from_hex(v.packet));
    dev->process({&p.job, 1});
    EXPECT_EQ(p.job.status, Status::kOk) << v.name;
    EXPECT_EQ(p.job.seq, v.esn ? (std::uint64_t{3} << 32 | v.seq_lo) : v.seq_lo) << v.name;
    EXPECT_EQ(p.bytes(), *espgw::from_hex(kInner)) << v.name;
    ASSERT_EQ(dev->remove_sa(r.handle), Status::kOk);
  }
}

INSTANTIATE_TEST_SUITE_P(Each, ScapyKnownAnswer, ::testing::ValuesIn(providers_in_build()),
                         [](const auto& info) { return info.param == "openssl" ? std::string("OpenSsl") : std::string("IpsecMb"); });

}  // namespace
}  // namespace espgw::driver::cpu::test

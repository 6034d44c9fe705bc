// Tests host/ha/hsrp_packet and hsrp_auth: round trips, byte-exact agreement with scapy's
// HSRP layer (v1) and with version 2 bytes packed by hand from the TLV layout, tshark's
// dissector reading our bytes, John the Ripper's HSRP MD5 vectors, and malformed input.
#include "host/ha/hsrp_packet.hpp"

#include <gtest/gtest.h>

#include <random>

#include "host/common/hex.hpp"
#include "host/common/ipv4.hpp"
#include "host/ha/hsrp_auth.hpp"
#include "tool_runner.hpp"

namespace espgw::ha {
namespace {

using namespace std::chrono_literals;
using test::run_python;

HsrpMessage reference_v1_hello() {
  HsrpMessage m;
  m.version = HsrpVersion::kV1;
  m.opcode = HsrpOpcode::kHello;
  m.state = HsrpState::kActive;
  m.group = 199;
  m.priority = 105;
  m.hello_time = 3s;
  m.hold_time = 10s;
  m.virtual_ip = *parse_ipv4("19.26.116.141");
  m.text_auth = kHsrpDefaultAuth;
  return m;
}

HsrpMessage reference_v2_hello() {
  HsrpMessage m;
  m.version = HsrpVersion::kV2;
  m.opcode = HsrpOpcode::kHello;
  m.state = HsrpState::kStandby;
  m.group = 4000;
  m.priority = 150;
  m.hello_time = 300ms;
  m.hold_time = 900ms;
  m.virtual_ip = *parse_ipv4("19.26.116.141");
  m.identifier = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
  m.text_auth = HsrpAuthConfig::text_string("VPNHA").text;
  return m;
}

HsrpDecoded expect_decoded(const HsrpDecodeResult& r) {
  if (auto* err = std::get_if<HsrpDecodeError>(&r)) {
    ADD_FAILURE() << "offset " << err->offset << ": " << err->reason;
    return {};
  }
  return std::get<HsrpDecoded>(r);
}

bool have_scapy() { return test::have_executable(test::kSystemPython); }

TEST(HsrpPacket, V1HelloIsByteIdenticalToScapy) {
  if (!have_scapy()) GTEST_SKIP() << "/usr/bin/python3 (scapy) not installed";
  int status = 0;
  std::string out = run_python(R"(
from scapy.layers.hsrp import HSRP
p = HSRP(version=0, opcode=0, state=16, hellotime=3, holdtime=10, priority=105, group=199,
         auth=b"cisco\x00\x00\x00", virtualIP="19.26.116.141")
print(bytes(p).hex())
)", &status);
  ASSERT_EQ(status, 0) << out;
  EXPECT_EQ(to_hex(encode_hsrp(reference_v1_hello())), test::trim(out));
}

TEST(HsrpPacket, V1DecodesScapyCoupAndResign) {
  if (!have_scapy()) GTEST_SKIP() << "/usr/bin/python3 (scapy) not installed";
  int status = 0;
  std::string out = run_python(R"(
from scapy.layers.hsrp import HSRP
print(bytes(HSRP(opcode=1, state=8, hellotime=1, holdtime=4, priority=200, group=7, auth=b"secret12", virtualIP="10.1.2.3")).hex())
print(bytes(HSRP(opcode=2, state=16, hellotime=3, holdtime=10, priority=90, group=255, virtualIP="10.9.9.9")).hex())
)", &status);
  ASSERT_EQ(status, 0) << out;
  auto nl = out.find('\n');
  auto coup = *from_hex(out.substr(0, nl));
  auto resign = *from_hex(test::trim(out.substr(nl + 1)));

  HsrpMessage c = expect_decoded(decode_hsrp(coup)).message;
  EXPECT_EQ(c.opcode, HsrpOpcode::kCoup);
  EXPECT_EQ(c.state, HsrpState::kStandby);
  EXPECT_EQ(c.hello_time, 1s);
  EXPECT_EQ(c.hold_time, 4s);
  EXPECT_EQ(c.priority, 200u);
  EXPECT_EQ(c.group, 7);
  EXPECT_EQ(c.virtual_ip, *parse_ipv4("10.1.2.3"));
  EXPECT_EQ(*c.text_auth, HsrpAuthConfig::text_string("secret12").text);

  HsrpMessage r = expect_decoded(decode_hsrp(resign)).message;
  EXPECT_EQ(r.opcode, HsrpOpcode::kResign);
  EXPECT_EQ(r.state, HsrpState::kActive);
  EXPECT_EQ(r.group, 255);
  EXPECT_EQ(*r.text_auth, kHsrpDefaultAuth);  // scapy's default is IOS's: "cisco"
}

TEST(HsrpPacket, V2HelloMatchesBytesPackedFromTheTlvLayout) {
  if (!have_scapy()) GTEST_SKIP() << "/usr/bin/python3 not installed";
  int status = 0;
  // Group State TLV: type 1, len 40: version 2, opcode, state (v2 numbering: standby = 5),
  // IP version 4, group(2), identifier(6), priority(4), hello ms(4), hold ms(4), address(16).
  std::string out = run_python(R"(
import struct, socket
gs = struct.pack("!BBBBBBH6sIII", 1, 40, 2, 0, 5, 4, 4000, bytes.fromhex("525400123456"), 150, 300, 900)
gs += socket.inet_aton("19.26.116.141") + bytes(12)
ta = struct.pack("!BB8s", 3, 8, b"VPNHA")
print((gs + ta).hex())
)", &status);
  ASSERT_EQ(status, 0) << out;
  EXPECT_EQ(to_hex(encode_hsrp(reference_v2_hello())), test::trim(out));
}

// tshark's HSRP dissector reads our version 2 bytes (wrapped by scapy into a pcap).
TEST(HsrpPacket, V2HelloFieldsAsTsharkDissectsThem) {
  if (!have_scapy() || !test::have_executable("/usr/bin/tshark")) GTEST_SKIP() << "scapy or tshark missing";
  HsrpMessage m = reference_v2_hello();
  auto md5cfg = HsrpAuthConfig::md5_key_string("s3cr3t", 7);
  std::string text_hex = to_hex(encode_hsrp(m));
  std::string md5_hex = to_hex(encode_hsrp_authenticated(m, md5cfg, *parse_ipv4("19.26.116.139")));
  int status = 0;
  std::string out = run_python(R"(
import subprocess, tempfile, os
from scapy.all import Ether, IP, UDP, Raw, wrpcap
d = tempfile.mkdtemp()
f = os.path.join(d, "hsrp2.pcap")
pkts = [Ether()/IP(src="19.26.116.139", dst="224.0.0.102", ttl=1)/UDP(sport=1985, dport=1985)/Raw(bytes.fromhex(h))
        for h in [")" + text_hex + R"(", ")" + md5_hex + R"("]]
wrpcap(f, pkts)
r = subprocess.run(["tshark", "-r", f, "-T", "fields", "-E", "separator=|",
    "-e", "hsrp2.version", "-e", "hsrp2.opcode", "-e", "hsrp2.state", "-e", "hsrp2.ipversion",
    "-e", "hsrp2.group", "-e", "hsrp2.identifier", "-e", "hsrp2.priority", "-e", "hsrp2.hellotime",
    "-e", "hsrp2.holdtime", "-e", "hsrp2.virt_ip", "-e", "hsrp2.auth_data", "-e", "hsrp2.md5_key_id",
    "-e", "hsrp.md5_ip_address"], capture_output=True, text=True)
print(r.stdout, end="")
os.remove(f); os.rmdir(d)
)", &status);
  ASSERT_EQ(status, 0) << out;
  auto nl = out.find('\n');
  EXPECT_EQ(out.substr(0, nl), "2|0|5|4|4000|52:54:00:12:34:56|150|300|900|19.26.116.141|VPNHA||");
  EXPECT_EQ(test::trim(out.substr(nl + 1)), "2|0|5|4|4000|52:54:00:12:34:56|150|300|900|19.26.116.141||7|19.26.116.139");
}

TEST(HsrpPacket, V1Md5MessageFieldsAsTsharkDissectsThem) {
  if (!have_scapy() || !test::have_executable("/usr/bin/tshark")) GTEST_SKIP() << "scapy or tshark missing";
  auto bytes = encode_hsrp_authenticated(reference_v1_hello(), HsrpAuthConfig::md5_key_string("k", 3),
                                         *parse_ipv4("19.26.116.139"));
  ASSERT_EQ(bytes.size(), 50u);  // 20 + the 30-byte MD5 TLV, the length tshark looks for
  int status = 0;
  std::string out = run_python(R"(
import subprocess, tempfile, os
from scapy.all import Ether, IP, UDP, Raw, wrpcap
d = tempfile.mkdtemp(); f = os.path.join(d, "hsrp1.pcap")
wrpcap(f, [Ether()/IP(src="19.26.116.139", dst="224.0.0.2", ttl=1)/UDP(sport=1985, dport=1985)/Raw(bytes.fromhex(")" +
                                   to_hex(bytes) + R"("))])
r = subprocess.run(["tshark", "-r", f, "-T", "fields", "-E", "separator=|", "-e", "hsrp.version", "-e", "hsrp.opcode",
    "-e", "hsrp.state", "-e", "hsrp.hellotime", "-e", "hsrp.holdtime", "-e", "hsrp.priority", "-e", "hsrp.group",
    "-e", "hsrp.virt_ip", "-e", "hsrp2.md5_algorithm", "-e", "hsrp2.md5_key_id", "-e", "hsrp.md5_ip_address"],
    capture_output=True, text=True)
print(r.stdout, end="")
os.remove(f); os.rmdir(d)
)", &status);
  ASSERT_EQ(status, 0) << out;
  EXPECT_EQ(test::trim(out), "0|0|16|3|10|105|199|19.26.116.141|1|3|19.26.116.139");
}

// Vectors from John the Ripper's HSRP MD5 format (src/hsrp_fmt_plug.c), captured from IOS:
// the payload with its digest zeroed, the digest, and the key-string.
struct JohnVector {
  const char* zeroed;
  const char* digest;
  const char* key;
};
constexpr JohnVector kJohnVectors[] = {
    {"000004030a64010000000000000000000a000064041c010000000a0000140000000000000000000000000000000000000000",
     "52e1db09d18d695b8fefb3730ff8d9d6", "password12345"},
    {"000004030a5a01000000000000000000ac102801041c01000000ac1028140000000000000000000000000000000000000000",
     "f15dfa631a0679e0801f8e6b0c0c17ac", "openwall"},
    {"000010030a64010000000000000000000a000064041c010000000a0000140000000000000000000000000000000000000000",
     "f02fc41b1b516e2d1261d8800d39ccea", "openwall12345"},
};

TEST(HsrpAuth, KeyedMd5MatchesIosCapturedDigests) {
  for (const auto& v : kJohnVectors) {
    auto zeroed = *from_hex(v.zeroed);
    std::string key = v.key;
    auto digest = hsrp_keyed_md5(std::span(reinterpret_cast<const std::uint8_t*>(key.data()), key.size()), zeroed);
    EXPECT_EQ(to_hex(digest), v.digest) << v.key;
  }
}

TEST(HsrpAuth, EncoderReproducesIosCapturedMd5Hello) {
  // The first vector decoded: Speak, hello 3 s, hold 10 s, priority 100, group 1,
  // VIP 10.0.0.100, MD5 from 10.0.0.20 with key id 0.
  HsrpMessage m;
  m.state = HsrpState::kSpeak;
  m.priority = 100;
  m.group = 1;
  m.virtual_ip = *parse_ipv4("10.0.0.100");
  auto bytes = encode_hsrp_authenticated(m, HsrpAuthConfig::md5_key_string("password12345"), *parse_ipv4("10.0.0.20"));
  auto expected = *from_hex(kJohnVectors[0].zeroed);
  auto digest = *from_hex(kJohnVectors[0].digest);
  std::copy(digest.begin(), digest.end(), expected.end() - 16);
  EXPECT_EQ(to_hex(bytes), to_hex(expected));

  HsrpDecoded d = expect_decoded(decode_hsrp(bytes));
  EXPECT_EQ(check_hsrp_auth(bytes, d, HsrpAuthConfig::md5_key_string("password12345"), *parse_ipv4("10.0.0.20")),
            HsrpAuthVerdict::kOk);
  EXPECT_EQ(check_hsrp_auth(bytes, d, HsrpAuthConfig::md5_key_string("password12346"), *parse_ipv4("10.0.0.20")),
            HsrpAuthVerdict::kMismatch);
  EXPECT_EQ(check_hsrp_auth(bytes, d, HsrpAuthConfig::md5_key_string("password12345"), *parse_ipv4("10.0.0.99")),
            HsrpAuthVerdict::kSourceMismatch);
  EXPECT_EQ(check_hsrp_auth(bytes, d, HsrpAuthConfig{}, *parse_ipv4("10.0.0.20")), HsrpAuthVerdict::kMismatch)
      << "zeroed text field is not \"cisco\"";
}

TEST(HsrpAuth, V2Md5DigestMatchesPythonHashlib) {
  if (!have_scapy()) GTEST_SKIP() << "/usr/bin/python3 not installed";
  auto bytes = encode_hsrp_authenticated(reference_v2_hello(), HsrpAuthConfig::md5_key_string("VPN-HA-key", 1),
                                         *parse_ipv4("19.26.116.139"));
  ASSERT_EQ(bytes.size(), 72u);
  int status = 0;
  std::string out = run_python(R"(
import hashlib, struct
pkt = bytearray.fromhex(")" + to_hex(bytes) + R"(")
pkt[56:72] = bytes(16)
key = b"VPN-HA-key"
fill = b"\x80" + bytes((55 - len(key)) % 64) + struct.pack("<Q", len(key) * 8)
print(hashlib.md5(key + fill + bytes(pkt) + key).hexdigest())
)", &status);
  ASSERT_EQ(status, 0) << out;
  EXPECT_EQ(to_hex(std::span(bytes).subspan(56)), test::trim(out));
}

TEST(HsrpPacket, RoundTripsEveryVersionAndAuthentication) {
  for (auto m : {reference_v1_hello(), reference_v2_hello()}) {
    for (auto op : {HsrpOpcode::kHello, HsrpOpcode::kCoup, HsrpOpcode::kResign}) {
      for (auto st : {HsrpState::kInitial, HsrpState::kLearn, HsrpState::kListen, HsrpState::kSpeak,
                      HsrpState::kStandby, HsrpState::kActive}) {
        m.opcode = op;
        m.state = st;
        EXPECT_EQ(expect_decoded(decode_hsrp(encode_hsrp(m))).message, m);
      }
    }
    auto cfg = HsrpAuthConfig::md5_key_string("k3y", 9);
    auto bytes = encode_hsrp_authenticated(m, cfg, 0x0A000001);
    HsrpDecoded d = expect_decoded(decode_hsrp(bytes));
    EXPECT_EQ(d.md5_digest_offset, hsrp_md5_digest_offset(d.message));
    EXPECT_EQ(check_hsrp_auth(bytes, d, cfg, 0x0A000001), HsrpAuthVerdict::kOk);
    bytes[15] ^= 1;  // any changed bit breaks the digest (v1: text field, v2: priority)
    EXPECT_EQ(check_hsrp_auth(bytes, expect_decoded(decode_hsrp(bytes)), cfg, 0x0A000001), HsrpAuthVerdict::kMismatch);
  }
}

TEST(HsrpPacket, V1MillisecondTimersRoundUpToWholeSeconds) {
  HsrpMessage m = reference_v1_hello();
  m.hello_time = 250ms;
  m.hold_time = 1100ms;
  auto bytes = encode_hsrp(m);
  EXPECT_EQ(bytes[3], 1);
  EXPECT_EQ(bytes[4], 2);
}

TEST(HsrpPacket, EncoderRefusesValuesVersion1CannotCarry) {
  HsrpMessage m = reference_v1_hello();
  m.group = 256;
  EXPECT_THROW(encode_hsrp(m), std::invalid_argument);
  m.group = 1;
  m.priority = 256;
  EXPECT_THROW(encode_hsrp(m), std::invalid_argument);
}

HsrpDecodeError expect_error(const HsrpDecodeResult& r) {
  if (!std::holds_alternative<HsrpDecodeError>(r)) ADD_FAILURE() << "decoded what should be an error";
  return std::holds_alternative<HsrpDecodeError>(r) ? std::get<HsrpDecodeError>(r) : HsrpDecodeError{};
}

TEST(HsrpPacket, MalformedInputIsAnErrorWithItsOffset) {
  auto v1 = encode_hsrp(reference_v1_hello());
  auto bad_state = v1;
  bad_state[2] = 3;
  EXPECT_EQ(expect_error(decode_hsrp(bad_state)).offset, 2u);
  auto bad_op = v1;
  bad_op[1] = 9;
  EXPECT_EQ(expect_error(decode_hsrp(bad_op)).offset, 1u);
  auto advert = v1;
  advert[1] = 3;
  EXPECT_EQ(expect_error(decode_hsrp(advert)).kind, HsrpDecodeError::Kind::kUnsupported);

  auto v2 = encode_hsrp(reference_v2_hello());
  auto bad_len = v2;
  bad_len[43] = 200;  // the Text Authentication TLV claims 200 bytes
  auto e = expect_error(decode_hsrp(bad_len));
  EXPECT_EQ(e.offset, 43u);
  EXPECT_EQ(e.reason, "TLV length runs past the end");
  auto ipv6 = v2;
  ipv6[5] = 6;
  EXPECT_EQ(expect_error(decode_hsrp(ipv6)).kind, HsrpDecodeError::Kind::kUnsupported);
  auto big_group = v2;
  big_group[6] = 0x10;  // group 0x10A0 > 4095
  EXPECT_EQ(expect_error(decode_hsrp(big_group)).offset, 6u);
  EXPECT_EQ(expect_error(decode_hsrp(std::vector<std::uint8_t>{})).offset, 0u);
}

TEST(HsrpPacket, EveryTruncationOfAValidMessageIsAnErrorNotACrash) {
  for (const auto& full : {encode_hsrp(reference_v1_hello()), encode_hsrp(reference_v2_hello()),
                           encode_hsrp_authenticated(reference_v2_hello(), HsrpAuthConfig::md5_key_string("x"), 1),
                           encode_hsrp_authenticated(reference_v1_hello(), HsrpAuthConfig::md5_key_string("x"), 1)}) {
    for (std::size_t n = 0; n < full.size(); ++n) {
      std::span<const std::uint8_t> cut(full.data(), n);
      auto r = decode_hsrp(cut);
      // A v2 message cut exactly after its Group State TLV is still a valid (unauthenticated) message.
      // Likewise a v1 message cut after its 20-byte header.
      if (n == 2 + kHsrpV2GroupStateLen && full[0] == 1) continue;
      if (n == kHsrpV1HeaderBytes && full[0] == 0) continue;
      EXPECT_TRUE(std::holds_alternative<HsrpDecodeError>(r)) << "length " << n << " of " << full.size();
    }
  }
}

TEST(HsrpPacket, RandomBytesNeverThrow) {
  std::mt19937 rng(2281);
  std::vector<std::uint8_t> buf;
  for (int i = 0; i < 200000; ++i) {
    buf.resize(rng() % 80);
    for (auto& b : buf) b = static_cast<std::uint8_t>(rng());
    if (!buf.empty()) buf[0] = static_cast<std::uint8_t>(rng() % 2);  // steer toward v1/v2 paths
    if (buf.size() > 1 && buf[0] == 1 && rng() % 2) buf[1] = kHsrpV2GroupStateLen;
    EXPECT_NO_THROW(decode_hsrp(buf));
  }
}

TEST(HsrpPacket, VirtualMacFollowsVersionAndGroup) {
  EXPECT_EQ(hsrp_virtual_mac(HsrpVersion::kV1, 199), (MacAddress{0x00, 0x00, 0x0c, 0x07, 0xac, 0xc7}));
  EXPECT_EQ(hsrp_virtual_mac(HsrpVersion::kV2, 4000), (MacAddress{0x00, 0x00, 0x0c, 0x9f, 0xff, 0xa0}));
}

}  // namespace
}  // namespace espgw::ha

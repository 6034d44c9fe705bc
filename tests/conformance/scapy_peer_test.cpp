// scapy's ESP (scapy.layers.ipsec, tunnel mode) as an independent peer, both directions, for
// every transform x ESN x UDP encapsulation: scapy decrypts what the backend encrypts (and
// rebuilds it byte for byte), the backend decrypts what scapy encrypts with scapy's random IVs.
// One python process per direction batch (tests/conformance/scapy_esp.py).
#include <gtest/gtest.h>

#include "backends.hpp"
#include "esp_test_util.hpp"
#include "peer_tools.hpp"

namespace espgw::conformance {
namespace {

constexpr std::size_t kPacketsPerVariant = 8;

nlohmann::json sa_json(const SaConfig& c) {
  nlohmann::json j;
  j["spi"] = c.spi;
  j["transform"] = std::string(regmap::to_string(c.transform));
  j["enc_key"] = hex_of(c.enc_key);
  j["auth_key"] = hex_of(c.auth_key);
  j["salt"] = c.salt;
  j["esn"] = c.esn;
  j["udp"] = c.udp_encap ? nlohmann::json::array({c.udp_encap->src_port, c.udp_encap->dst_port}) : nlohmann::json();
  j["tunnel_src"] = dotted(c.tunnel_src);
  j["tunnel_dst"] = dotted(c.tunnel_dst);
  j["ttl"] = c.ttl;
  return j;
}

TEST_P(EspConformance, ScapyDecryptsWhatWeEncryptAndRebuildsTheSameBytes) {
  auto variants = all_variants();
  nlohmann::json request;
  std::vector<std::vector<Bytes>> inners_per_variant;
  std::vector<std::vector<Bytes>> wire_per_variant;
  for (std::size_t i = 0; i < variants.size(); ++i) {
    const auto& v = variants[i];
    SaConfig cfg = make_sa(v, Direction::kOutbound, 0x4000 + static_cast<std::uint32_t>(i));
    if (v.esn) cfg.initial_seq = 0xFFFFFFFCu;  // cross the 2^32 boundary (RFC 4304)
    SaHandle out = install(dev(), cfg);
    ASSERT_NE(out, driver::kNoSa) << v.name();
    auto inners = inner_mix(kPacketsPerVariant, static_cast<std::uint16_t>(i * 5));
    auto enc = encap(dev(), out, inners);
    nlohmann::json job{{"op", "decrypt"}, {"sa", sa_json(cfg)}, {"packets", nlohmann::json::array()}};
    std::vector<Bytes> wire;
    for (const auto& r : enc) {
      ASSERT_EQ(r.status, Status::kOk) << v.name();
      job["packets"].push_back({{"seq", r.seq}, {"hex", hex(r.bytes)}});
      wire.push_back(r.bytes);
    }
    request["jobs"].push_back(job);
    inners_per_variant.push_back(inners);
    wire_per_variant.push_back(wire);
  }
  // Negative controls: scapy must refuse a flipped ciphertext byte and a wrong ESN high half.
  nlohmann::json control = request["jobs"][0];
  Bytes flipped = wire_per_variant[0][0];
  flipped[flipped.size() - 20] ^= 0x40;
  control["packets"] = nlohmann::json::array({{{"seq", 1}, {"hex", hex(flipped)}}});
  request["jobs"].push_back(control);
  nlohmann::json esn_control = request["jobs"][2];  // aes128-cbc-sha256/esn
  esn_control["packets"][0]["seq"] = esn_control["packets"][0]["seq"].get<std::uint64_t>() + (1ull << 32);
  request["jobs"].push_back(esn_control);

  nlohmann::json reply = run_python_json(ESPGW_SCAPY_ESP_PY, request);
  ASSERT_TRUE(reply.is_object());
  ASSERT_EQ(reply["jobs"].size(), variants.size() + 2);
  for (std::size_t i = 0; i < variants.size(); ++i) {
    SCOPED_TRACE(variants[i].name());
    const auto& results = reply["jobs"][i]["results"];
    ASSERT_EQ(results.size(), kPacketsPerVariant);
    for (std::size_t k = 0; k < kPacketsPerVariant; ++k) {
      const auto& r = results[k];
      ASSERT_TRUE(r["ok"].get<bool>()) << "packet " << k << ": " << r["error"].get<std::string>();
      EXPECT_EQ(r["inner"].get<std::string>(), hex(inners_per_variant[i][k])) << "packet " << k;
      EXPECT_TRUE(r["padding_ok"].get<bool>()) << "packet " << k;
      EXPECT_EQ(r["next_header"].get<int>(), 4) << "packet " << k;
      EXPECT_EQ(r["rebuilt"].get<std::string>(), hex(wire_per_variant[i][k])) << "packet " << k;
    }
  }
  EXPECT_FALSE(reply["jobs"][variants.size()]["results"][0]["ok"].get<bool>()) << "scapy accepted a flipped byte";
  EXPECT_FALSE(reply["jobs"][variants.size() + 1]["results"][0]["ok"].get<bool>()) << "scapy ignored ESN seq_hi";
}

TEST_P(EspConformance, WeDecryptWhatScapyEncryptsWithItsRandomIvs) {
  auto variants = all_variants();
  nlohmann::json request;
  std::vector<SaHandle> handles;
  std::vector<std::vector<Bytes>> inners_per_variant;
  for (std::size_t i = 0; i < variants.size(); ++i) {
    const auto& v = variants[i];
    SaConfig cfg = make_sa(v, Direction::kInbound, 0x4100 + static_cast<std::uint32_t>(i));
    SaHandle in = install(dev(), cfg);
    ASSERT_NE(in, driver::kNoSa) << v.name();
    handles.push_back(in);
    auto inners = inner_mix(kPacketsPerVariant, static_cast<std::uint16_t>(i * 3 + 1));
    nlohmann::json job{{"op", "encrypt"}, {"sa", sa_json(cfg)}, {"packets", nlohmann::json::array()}};
    for (std::size_t k = 0; k < inners.size(); ++k) job["packets"].push_back({{"seq", k + 1}, {"hex", hex(inners[k])}});
    request["jobs"].push_back(job);
    inners_per_variant.push_back(inners);
  }
  nlohmann::json reply = run_python_json(ESPGW_SCAPY_ESP_PY, request);
  ASSERT_TRUE(reply.is_object());
  ASSERT_EQ(reply["jobs"].size(), variants.size());
  std::uint64_t expected_bytes = 0;
  for (std::size_t i = 0; i < variants.size(); ++i) {
    SCOPED_TRACE(variants[i].name());
    std::vector<Bytes> wire;
    for (const auto& r : reply["jobs"][i]["results"]) {
      ASSERT_TRUE(r["ok"].get<bool>()) << r["error"].get<std::string>();
      wire.push_back(unhex(r["hex"].get<std::string>()));
    }
    auto dec = decap(dev(), wire);
    expected_bytes = 0;
    for (std::size_t k = 0; k < dec.size(); ++k) {
      ASSERT_EQ(dec[k].status, Status::kOk) << "packet " << k;
      EXPECT_EQ(dec[k].sa, handles[i]);
      EXPECT_EQ(dec[k].seq, k + 1);
      EXPECT_EQ(hex(dec[k].bytes), hex(inners_per_variant[i][k])) << "packet " << k;
      expected_bytes += inners_per_variant[i][k].size();
    }
    SaCounters c = counters(dev(), handles[i]);
    EXPECT_EQ(c.packets, kPacketsPerVariant);
    EXPECT_EQ(c.bytes, expected_bytes);
    EXPECT_EQ(c.errors(), 0u);
  }
}

}  // namespace
}  // namespace espgw::conformance

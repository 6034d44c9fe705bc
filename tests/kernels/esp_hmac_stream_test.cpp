// Bench for esp_hmac_stream (kernels/rtl): the ESP ICV of a byte range of the local packet
// buffer, HMAC-SHA256-128 (RFC 4868) or HMAC-SHA1-96 (RFC 2404), with the ESN high half
// appended (RFC 4303 2.2.1), against OpenSSL HMAC over the same bytes; every ESN position
// relative to the 64-byte blocks, unaligned buffer addresses, and the exact clock count.
#include "Vesp_hmac_stream.h"
#include "Vesp_sha1.h"
#include "Vesp_sha256.h"
#include "kernel_bench.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <gtest/gtest.h>

#include <algorithm>

namespace espgw::kernels::bench {
namespace {

constexpr std::size_t kBufBytes = std::size_t{1} << 17;  // esp_kernel_pkg::BufAddrBits

// esp_kernel_pkg::hmac_req_t, packed, first member in the top bits:
// start[68] sha1[67] addr[66:50] len[49:33] esn[32] seq_hi[31:0].
// esp_kernel_pkg::buf_req_t: rd_en[179] rd_addr[178:162] (the write fields are unused here).
struct Request {
  bool sha1 = false;
  std::uint32_t addr = 0, len = 0;
  bool esn = false;
  std::uint32_t seq_hi = 0;
};

class HmacStream : public ::testing::Test {
 protected:
  HmacStream() : mem_(kBufBytes) {
    reset(sha256_);
    reset(sha1_);
    reset(stream_);
  }

  // H(K0 ^ pad) from H(0) through the RTL compression core, as the SA install stores it.
  Bytes pad_state(bool sha1, const Bytes& key, std::uint8_t pad) {
    Bytes k0 = key;
    k0.resize(64, 0);
    for (auto& b : k0) b ^= pad;
    auto run = [&](auto& core, std::size_t bits, const Bytes& iv) {
      put_be(core.state_i, 0, bits, iv);
      put_be(core.block_i, 0, 512, k0);
      core.start_i = 1;
      tick(core);
      core.start_i = 0;
      for (int i = 0; i < 200 && !core.done_o; ++i) tick(core);
      if (!core.done_o) throw std::runtime_error("compression core never finished");
      return get_be(core.state_o, 0, bits);
    };
    if (sha1) return run(sha1_, 160, from_hex("67452301efcdab8998badcfe10325476c3d2e1f0"));
    return run(sha256_, 256, from_hex("6a09e667bb67ae853c6ef372a54ff53a510e527f9b05688c1f83d9ab5be0cd19"));
  }

  // The ICV the RFCs define: HMAC over the buffer bytes, then seq_hi big-endian with ESN,
  // truncated to 128 (SHA-256) or 96 (SHA-1) bits, by OpenSSL.
  Bytes expected_icv(const Bytes& key, const Request& r) {
    Bytes msg;
    for (std::uint32_t i = 0; i < r.len; ++i) msg.push_back(mem_[(r.addr + i) % kBufBytes]);
    if (r.esn) {
      for (int s = 24; s >= 0; s -= 8) msg.push_back(static_cast<std::uint8_t>(r.seq_hi >> s));
    }
    Bytes mac(32);
    unsigned n = 0;
    if (HMAC(r.sha1 ? EVP_sha1() : EVP_sha256(), key.data(), static_cast<int>(key.size()),
             msg.data(), msg.size(), mac.data(), &n) == nullptr) {
      throw std::runtime_error("OpenSSL HMAC failed");
    }
    mac.resize(r.sha1 ? 12 : 16);
    mac.resize(16, 0);  // icv_o: SHA-1's 96 bits, then zero
    return mac;
  }

  // Runs one request against the buffer model (a read returns the 16 bytes at any byte
  // address one clock later, as esp_pkt_buf). Returns icv_o; *clocks from the clock that
  // samples start (included) to the one showing done_o.
  Bytes run(const Bytes& key, const Request& r, long* clocks) {
    const Bytes inner = pad_state(r.sha1, key, 0x36), outer = pad_state(r.sha1, key, 0x5c);
    Bytes in256 = inner, out256 = outer;
    in256.resize(32, 0);  // SHA-1 states are the first five words of the 256-bit fields
    out256.resize(32, 0);
    put_be(stream_.inner_i, 0, 256, in256);
    put_be(stream_.outer_i, 0, 256, out256);
    set_bits(stream_.req_i, 68, 1, 1);
    set_bits(stream_.req_i, 67, 1, r.sha1);
    set_bits(stream_.req_i, 50, 17, r.addr);
    set_bits(stream_.req_i, 33, 17, r.len);
    set_bits(stream_.req_i, 32, 1, r.esn);
    set_bits(stream_.req_i, 0, 32, r.seq_hi);
    EXPECT_FALSE(stream_.busy_o);
    for (long cycle = 1; cycle < 200000; ++cycle) {
      stream_.eval();
      const bool rd = get_bits(stream_.buf_o, 179, 1) != 0;
      const auto addr = static_cast<std::uint32_t>(get_bits(stream_.buf_o, 162, 17));
      tick(stream_);
      set_bits(stream_.req_i, 68, 1, 0);
      // Garbage on the data port unless a read was issued last clock.
      Bytes data(16, 0x5a);
      if (rd) {
        for (std::uint32_t i = 0; i < 16; ++i) data[i] = mem_[(addr + i) % kBufBytes];
      }
      put_be(stream_.buf_rd_data_i, 0, 128, data);
      if (stream_.done_o) {
        *clocks = cycle;
        Bytes icv = get_be(stream_.icv_o, 0, 128);
        tick(stream_);
        EXPECT_FALSE(stream_.done_o) << "done_o lasts one clock";
        EXPECT_FALSE(stream_.busy_o);
        return icv;
      }
    }
    throw std::runtime_error("esp_hmac_stream never finished");
  }

  Vesp_sha256 sha256_;
  Vesp_sha1 sha1_;
  Vesp_hmac_stream stream_;
  Bytes mem_;
};

TEST_F(HmacStream, IcvOfEveryEsnPositionAndLengthMatchesOpenSsl) {
  std::mt19937_64 rng(0x5eed0600);
  for (auto& b : mem_) b = static_cast<std::uint8_t>(rng());
  for (int sha1 = 0; sha1 <= 1; ++sha1) {
    const Bytes key = random_bytes(rng, sha1 ? 20 : 32);
    // From 8: an ESP ICV covers at least the ESP header (SPI and sequence number).
    for (std::uint32_t len = 8; len <= 200; ++len) {
      for (int esn = 0; esn <= 1; ++esn) {
        Request r{sha1 != 0, static_cast<std::uint32_t>(rng() % kBufBytes), len, esn != 0,
                  static_cast<std::uint32_t>(rng())};
        long clocks = 0;
        ASSERT_EQ(to_hex(run(key, r, &clocks)), to_hex(expected_icv(key, r)))
            << (sha1 ? "SHA-1" : "SHA-256") << " len " << len << " esn " << esn << " addr " << r.addr;
        // (c + 1) per inner compression (the next block is read while the core runs), the
        // outer compression c, and 7 clocks of block reads and hand-over: measured on the
        // RTL before the ESN placement was rewritten (all 772 cases), so it must not move.
        const long c = sha1 ? 82 : 66;
        const long inner = (len + (esn ? 4 : 0) + 9 + 63) / 64;
        ASSERT_EQ(clocks, (c + 1) * inner + c + 7) << "len " << len << " esn " << esn;
      }
    }
  }
}

}  // namespace
}  // namespace espgw::kernels::bench

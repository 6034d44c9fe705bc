// Bench for esp_hmac_stream (kernels/rtl): the ESP ICV of a byte range of the local packet
// buffer, HMAC-SHA256-128 (RFC 4868) or HMAC-SHA1-96 (RFC 2404), with the ESN high half
// appended (RFC 4303 2.2.1), against OpenSSL HMAC over the same bytes; every ESN position
// relative to the 64-byte blocks, unaligned buffer addresses, and the exact clock count;
// and the streaming case (outbound CBC): the final bytes (avail_i) rising in steps behind a
// cipher, reads held back until their bytes are final and on clocks the port is not granted.
#include "Vesp_hmac_stream.h"
#include "Vesp_sha1.h"
#include "Vesp_sha256.h"
#include "kernel_bench.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>

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

// The streaming schedule: message bytes final at a clock (avail_i), and whether the buffer
// port takes the stream's read on it (rd_gnt_i). The default: all final, always granted.
struct Schedule {
  std::function<std::uint32_t(long)> avail = [](long) { return 0xFFFFFFFFu; };
  std::function<bool(long)> grant = [](long) { return true; };
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
  // With a schedule, bytes not yet final read as garbage (a cipher has not written them), a
  // read on a clock without the grant returns nothing, and *early counts the reads issued
  // before their bytes were final (must stay 0).
  Bytes run(const Bytes& key, const Request& r, long* clocks, const Schedule& sched = {},
            long* early = nullptr) {
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
    std::uint32_t reads = 0;  // reads the port took since the request
    for (long cycle = 1; cycle < 200000; ++cycle) {
      const std::uint32_t avail = sched.avail(cycle);
      const bool grant = sched.grant(cycle);
      stream_.avail_i = avail;
      stream_.rd_gnt_i = grant;
      stream_.eval();
      const bool rd = get_bits(stream_.buf_o, 179, 1) != 0 && grant;
      const auto addr = static_cast<std::uint32_t>(get_bits(stream_.buf_o, 162, 17));
      tick(stream_);
      if (rd) ++reads;
      // rd_bytes_o: the message bytes read so far, in order (an inbound CBC decryption
      // overwrites in place below it).
      if (stream_.busy_o) {
        EXPECT_EQ(stream_.rd_bytes_o, 16 * reads) << "clock " << cycle;
        if (stream_.rd_bytes_o != 16 * reads) throw std::runtime_error("rd_bytes_o off");
      }
      set_bits(stream_.req_i, 68, 1, 0);
      // Garbage on the data port unless a read was issued last clock; garbage for the
      // bytes of the message not yet final.
      Bytes data(16, 0x5a);
      if (rd) {
        const std::uint32_t off = (addr - r.addr) % kBufBytes;  // message offset
        for (std::uint32_t i = 0; i < 16; ++i) {
          const bool is_final = off + i < avail || avail >= r.len;
          data[i] = is_final ? mem_[(addr + i) % kBufBytes] : 0xa5;
          if (!is_final && off + i < r.len && early != nullptr) ++*early;
        }
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
        // The compressions back to back, c each (the next block is read while the core
        // runs and starts on its done clock), inner ones and the outer one, and 8 clocks of
        // the first block's reads and hand-over (all 772 cases).
        const long c = sha1 ? 81 : 65;
        const long inner = (len + (esn ? 4 : 0) + 9 + 63) / 64;
        ASSERT_EQ(clocks, c * inner + c + 8) << "len " << len << " esn " << esn;
      }
    }
  }
}

// Outbound CBC: the MAC starts with the cipher. ESP header and IV (24 bytes) are final at
// once, then a 16-byte ciphertext block every 17 clocks; the cipher takes the port on one
// clock of each 17 (and, second schedule, on random clocks). The ICV still matches OpenSSL,
// no read runs ahead of the final bytes, and once the ciphertext is final the MAC ends
// within its own compression time of the last block.
TEST_F(HmacStream, StreamingBehindTheCipherReadsOnlyFinalBytesAndMatchesOpenSsl) {
  std::mt19937_64 rng(0x5eed0700);
  for (auto& b : mem_) b = static_cast<std::uint8_t>(rng());
  for (int sha1 = 0; sha1 <= 1; ++sha1) {
    const Bytes key = random_bytes(rng, sha1 ? 20 : 32);
    for (std::uint32_t ct : {16u, 48u, 80u, 400u, 1424u}) {
      for (int esn = 0; esn <= 1; ++esn) {
        for (int random_grant = 0; random_grant <= 1; ++random_grant) {
          const std::uint32_t len = 24 + ct;
          Request r{sha1 != 0, static_cast<std::uint32_t>(rng() % kBufBytes), len, esn != 0,
                    static_cast<std::uint32_t>(rng())};
          const long blocks = ct / 16, step = 17;
          Schedule sched;
          // Block k is final from clock step * (k + 1); all of it (all ones) after the last.
          sched.avail = [=](long cycle) {
            const long done = std::min(blocks, cycle / step);
            return done == blocks ? 0xFFFFFFFFu : static_cast<std::uint32_t>(24 + 16 * done);
          };
          auto grants = std::make_shared<std::vector<bool>>();
          for (int i = 0; i < 200000; ++i) grants->push_back(rng() % 4 != 0);
          sched.grant = [=](long cycle) {
            return random_grant ? (*grants)[static_cast<std::size_t>(cycle)] : cycle % step != 3;
          };
          long clocks = 0, early = 0;
          ASSERT_EQ(to_hex(run(key, r, &clocks, sched, &early)), to_hex(expected_icv(key, r)))
              << (sha1 ? "SHA-1" : "SHA-256") << " ct " << ct << " esn " << esn
              << " random grant " << random_grant;
          EXPECT_EQ(early, 0) << "bytes read before they were final, ct " << ct;
          // The MAC trails the cipher: with the regular grant it ends within the last
          // blocks' compressions (the block before the last waits for its ciphertext, the
          // last, the outer one) of the cipher's end, or within one compression of its own
          // time unthrottled (the exact count of the first test), which is the floor.
          if (!random_grant) {
            const long c = sha1 ? 81 : 65;
            const long inner = (len + (esn ? 4 : 0) + 9 + 63) / 64;
            const long alone = c * inner + c + 8;
            EXPECT_LE(clocks, std::max(step * blocks + 3 * c, alone + c) + 16) << "ct " << ct;
            EXPECT_GE(clocks, std::max(step * blocks, alone)) << "ct " << ct;
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace espgw::kernels::bench

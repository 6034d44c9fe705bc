// Bench for esp_crypt (kernels/rtl): its two GCM message slots (a second message issued into
// the free slot while the first one still retires (AES-GCM, SP 800-38D / RFC 4106 with
// salt || IV || 1 as J0), decryption behind decryption and behind an ICV-writing
// encryption, each done_o naming its slot, each slot's tag and written count, the round keys
// taken on the request's clock, the install's ECB and H^2 requests), and its CBC encryption
// chains interleaved in the one AES pipe (different keys, lengths, addresses and start
// clocks, ECB requests among them), against OpenSSL's AES-GCM / AES-CBC / AES-ECB over the
// same bytes.
#include "Vesp_aes_key_expand.h"
#include "Vesp_crypt.h"
#include "aes_key_schedule.hpp"
#include "kernel_bench.hpp"

#include <openssl/evp.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <iostream>
#include <memory>
#include <optional>

namespace espgw::kernels::bench {
namespace {

constexpr std::size_t kBufBytes = std::size_t{1} << 17;  // esp_kernel_pkg::BufAddrBits
constexpr unsigned kGcmEnc = 0, kGcmDec = 1, kCbcEnc = 2, kEcb = 4;  // esp_kernel_pkg::crypt_mode_e
constexpr unsigned kChains = 3;  // esp_crypt's CbcChains (the bench builds its default)

// esp_kernel_pkg::crypt_req_t, packed, first member in the top bits: start[312]
// mode[311:309] iv[308:181] aad[180:53] aad12[52] addr[51:35] len[34:18] icv_wr[17]
// base[16:0]. buf_req_t: rd_en[179] rd_addr[178:162] wr_en[161] wr_addr[160:144]
// wr_data[143:16] wr_mask[15:0] (bit 15 = byte 0).

// A byte string into a field at any bit position (put_be needs byte-aligned fields; the
// request's iv and aad are not), byte 0 in the field's top bits.
template <typename Wide>
void put_field(Wide& w, unsigned lsb, const Bytes& bytes) {
  const unsigned width = static_cast<unsigned>(8 * bytes.size());
  for (std::size_t j = 0; j < bytes.size(); ++j) {
    set_bits(w, lsb + width - 8 * static_cast<unsigned>(j + 1), 8, bytes[j]);
  }
}

struct Message {
  unsigned mode = kGcmDec;
  std::uint32_t addr = 0, len = 0;
  bool icv_wr = false;
  bool esn = false;
  Bytes salt_iv;     // 12 bytes: salt || ESP IV
  Bytes aad;         // 8 or 12 bytes
  Bytes plaintext;   // what the ciphertext decrypts to
  Bytes ciphertext;  // OpenSSL's
  Bytes tag;         // OpenSSL's
};

// OpenSSL AES-GCM encryption with a 96-bit IV (J0 = IV || 1) and a 16-byte tag.
void openssl_gcm(const Bytes& key, Message& m) {
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                      EVP_CIPHER_CTX_free);
  const EVP_CIPHER* c = key.size() == 32 ? EVP_aes_256_gcm() : EVP_aes_128_gcm();
  int n = 0;
  m.ciphertext.assign(m.plaintext.size() + 16, 0);
  m.tag.assign(16, 0);
  if (EVP_EncryptInit_ex(ctx.get(), c, nullptr, key.data(), m.salt_iv.data()) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &n, m.aad.data(), static_cast<int>(m.aad.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), m.ciphertext.data(), &n, m.plaintext.data(),
                        static_cast<int>(m.plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), m.ciphertext.data() + n, &n) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, m.tag.data()) != 1) {
    throw std::runtime_error("OpenSSL AES-GCM failed");
  }
  m.ciphertext.resize(m.plaintext.size());
}

// X * Y in GF(2^128), GCM's bit order (SP 800-38D 6.3, Algorithm 1): the SA's H^2, which
// esp_core computes once at install and hands esp_crypt with each request.
Bytes gf128_mul(const Bytes& x, const Bytes& y) {
  Bytes z(16, 0), v = y;
  for (unsigned i = 0; i < 128; ++i) {
    if ((x[i / 8] >> (7 - i % 8)) & 1) {
      for (unsigned b = 0; b < 16; ++b) z[b] ^= v[b];
    }
    const bool lsb = (v[15] & 1) != 0;
    for (unsigned b = 15; b > 0; --b) v[b] = static_cast<std::uint8_t>((v[b] >> 1) | (v[b - 1] << 7));
    v[0] >>= 1;
    if (lsb) v[0] ^= 0xe1;
  }
  return z;
}

// The local packet buffer esp_crypt works in, as both fixtures model it: byte-addressed,
// wrapping at kBufBytes; a read is answered on the next clock, a write lands as masked.
class BufferModel {
 public:
  BufferModel() : mem_(kBufBytes, 0) {}

  void put(std::uint32_t addr, const Bytes& bytes) {
    for (std::size_t i = 0; i < bytes.size(); ++i) mem_.at(addr + i) = bytes[i];
  }

  Bytes read16(std::uint32_t addr) const {
    Bytes data(16);
    for (std::uint32_t i = 0; i < 16; ++i) data[i] = mem_[(addr + i) % kBufBytes];
    return data;
  }

  // A buf_req_t-shaped request (wr_en at bit 161, address at 144, data at 16, mask at 0).
  template <typename Wide>
  void write(const Wide& req) {
    if (get_bits(req, 161, 1) == 0) return;
    const auto addr = static_cast<std::uint32_t>(get_bits(req, 144, 17));
    const auto mask = static_cast<unsigned>(get_bits(req, 0, 16));
    const Bytes data = get_be(req, 16, 128);
    for (unsigned i = 0; i < 16; ++i) {
      if ((mask >> (15 - i)) & 1) mem_[(addr + i) % kBufBytes] = data[i];
    }
  }

  Bytes range(std::uint32_t addr, std::uint32_t len) const {
    return Bytes(mem_.begin() + addr, mem_.begin() + addr + len);
  }

 private:
  Bytes mem_;
};

struct Done {
  long cycle;
  unsigned slot;
};

class CryptSlots : public ::testing::Test {
 protected:
  CryptSlots() : rng_(20261128) {
    reset(expand_);
    reset(crypt_);
  }

  void set_key(const Bytes& key) {
    key_ = key;
    const RoundKeys rk = expand_key(expand_, key);
    put_round_keys(crypt_.round_keys_i, rk);
    crypt_.aes256_i = rk.aes256;
    h_ = openssl_aes_ecb(key, Bytes(16, 0), true);  // H = E_K(0)
    put_be(crypt_.h_i, 0, 128, h_);
    put_be(crypt_.h2_i, 0, 128, gf128_mul(h_, h_));
  }

  Message make(unsigned mode, std::uint32_t addr, std::uint32_t len, bool esn) {
    Message m;
    m.mode = mode;
    m.addr = addr;
    m.len = len;
    m.icv_wr = mode == kGcmEnc;
    m.esn = esn;
    m.salt_iv = random_bytes(rng_, 12);
    m.aad = random_bytes(rng_, esn ? 12 : 8);
    m.plaintext = random_bytes(rng_, len);
    openssl_gcm(key_, m);
    const Bytes& in = mode == kGcmEnc ? m.plaintext : m.ciphertext;
    buf_.put(addr, in);
    return m;
  }

  void put_request(const Message& m) {
    Bytes j0 = m.salt_iv;
    j0.insert(j0.end(), {0, 0, 0, 1});
    Bytes aad = m.aad;
    aad.resize(16, 0);
    set_bits(crypt_.req_i, 312, 1, 1);
    set_bits(crypt_.req_i, 309, 3, m.mode);
    put_field(crypt_.req_i, 181, j0);
    put_field(crypt_.req_i, 53, aad);
    set_bits(crypt_.req_i, 52, 1, m.esn);
    set_bits(crypt_.req_i, 35, 17, m.addr);
    set_bits(crypt_.req_i, 18, 17, m.len);
    set_bits(crypt_.req_i, 17, 1, m.icv_wr);
    set_bits(crypt_.req_i, 0, 17, m.addr);  // base: written counts from the range's start
  }

  // Issues `first` from idle and `second` on the first clock esp_crypt takes it (ready_gcm_o
  // while `first` runs), then runs until both are done. A read returns the 16 bytes at any
  // byte address one clock later and sees the memory before that clock's writes, as
  // esp_pkt_buf. Records each message's slot, the clock the second was taken, each done.
  void run_pair(const Message& first, const Message& second) {
    ASSERT_FALSE(crypt_.busy_o);
    dones_.clear();
    second_taken_ = -1;
    bool second_issued = false;
    for (long cycle = 0; cycle < 20000; ++cycle) {
      if (cycle == 0) {
        put_request(first);
      } else if (!second_issued) {
        put_request(second);
      } else {
        set_bits(crypt_.req_i, 312, 1, 0);
      }
      crypt_.eval();
      if (cycle == 0) {
        slot_first_ = crypt_.slot_o;
      } else if (!second_issued && crypt_.ready_gcm_o) {
        EXPECT_TRUE(crypt_.busy_o) << "the second message must overlap the first";
        slot_second_ = crypt_.slot_o;
        second_issued = true;
        second_taken_ = cycle;
      }
      const bool rd = get_bits(crypt_.buf_o, 179, 1) != 0;
      const auto rd_addr = static_cast<std::uint32_t>(get_bits(crypt_.buf_o, 162, 17));
      Bytes data(16, 0x5a);  // garbage unless a read was issued
      if (rd) {
        data = buf_.read16(rd_addr);
      }
      buf_.write(crypt_.buf_o);
      buf_.write(crypt_.icv_o);
      tick(crypt_);
      // esp_core may replace its keys from the clock after a request (the next job's SA).
      if (cycle == 0 && !next_key_.empty()) set_key(next_key_);
      put_be(crypt_.buf_rd_data_i, 0, 128, data);
      crypt_.eval();
      if (crypt_.done_o) {
        dones_.push_back({cycle, crypt_.done_slot_o});
        tags_[crypt_.done_slot_o] = get_be(crypt_.slot_tag_o, 128 * crypt_.done_slot_o, 128);
        written_[crypt_.done_slot_o] = static_cast<std::uint32_t>(crypt_.slot_written_o >> (32 * crypt_.done_slot_o));
      }
      if (second_issued && dones_.size() == 2) {
        for (int i = 0; i < 12; ++i) tick(crypt_);  // the tags stay until the slot is reused
        EXPECT_FALSE(crypt_.busy_o);
        return;
      }
    }
    FAIL() << "esp_crypt never finished both messages";
  }

  // One ECB request from idle (icv_wr: the H^2 request, H * H for H = h_i); its result.
  Bytes run_ecb(const Bytes& block, bool square) {
    EXPECT_FALSE(crypt_.busy_o);
    set_bits(crypt_.req_i, 312, 1, 1);
    set_bits(crypt_.req_i, 309, 3, kEcb);
    put_field(crypt_.req_i, 181, block);
    set_bits(crypt_.req_i, 17, 1, square);
    for (int cycle = 0; cycle < 100; ++cycle) {
      tick(crypt_);
      set_bits(crypt_.req_i, 312, 1, 0);
      crypt_.eval();
      if (crypt_.done_o) return get_be(crypt_.result_o, 0, 128);
    }
    ADD_FAILURE() << "no done_o for the ECB request";
    return {};
  }

  // Both messages' bytes, tags and done order against OpenSSL.
  void check_pair(const Message& first, const Message& second) {
    ASSERT_EQ(dones_.size(), 2u);
    EXPECT_NE(slot_first_, slot_second_);
    EXPECT_EQ(dones_[0].slot, slot_first_) << "tags retire in request order";
    EXPECT_EQ(dones_[1].slot, slot_second_);
    EXPECT_LT(second_taken_, dones_[0].cycle) << "the second request did not overlap the first's tail";
    for (const auto* m : {&first, &second}) {
      const unsigned slot = m == &first ? slot_first_ : slot_second_;
      EXPECT_EQ(to_hex(tags_[slot]), to_hex(m->tag));
      // The slot keeps its tag after done (the framer's checks may read it later).
      EXPECT_EQ(to_hex(get_be(crypt_.slot_tag_o, 128 * slot, 128)), to_hex(m->tag));
      if (m->mode == kGcmDec) {
        EXPECT_EQ(to_hex(buf_.range(m->addr, m->len)), to_hex(m->plaintext));
        EXPECT_EQ(written_[slot], m->addr + m->len);
      } else {
        EXPECT_EQ(to_hex(buf_.range(m->addr, m->len)), to_hex(m->ciphertext));
        EXPECT_EQ(to_hex(buf_.range(m->addr + m->len, 16)), to_hex(m->tag)) << "ICV behind the ciphertext";
        EXPECT_EQ(written_[slot], m->addr + m->len + 16);
      }
    }
  }

  Vesp_aes_key_expand expand_;
  Vesp_crypt crypt_;
  BufferModel buf_;
  Bytes key_;
  Bytes next_key_;  // run_pair: the key inputs after the first request's clock
  Bytes h_;
  std::mt19937_64 rng_;
  std::vector<Done> dones_;
  Bytes tags_[2];
  std::uint32_t written_[2] = {0, 0};
  unsigned slot_first_ = 0, slot_second_ = 0;
  long second_taken_ = -1;
};

TEST_F(CryptSlots, DecryptionBehindDecryptionRetiresBothInOrderWithOwnTags) {
  set_key(random_bytes(rng_, 16));
  const Message a = make(kGcmDec, 0x1000, 1420, false);
  const Message b = make(kGcmDec, 0x9003, 700, true);  // unaligned, ESN AAD
  run_pair(a, b);
  check_pair(a, b);
  // And again from the other slot, AES-256, short messages.
  set_key(random_bytes(rng_, 32));
  const Message c = make(kGcmDec, 0x12000, 64, false);
  const Message d = make(kGcmDec, 0x4000, 33, false);
  run_pair(c, d);
  check_pair(c, d);
}

TEST_F(CryptSlots, DecryptionBehindIcvWritingEncryptionKeepsBothApart) {
  set_key(random_bytes(rng_, 16));
  const Message a = make(kGcmEnc, 0x2040, 1000, false);
  const Message b = make(kGcmDec, 0xa000, 1420, true);
  run_pair(a, b);
  check_pair(a, b);
}

TEST_F(CryptSlots, EncryptionBehindDecryptionWritesItsIcv) {
  set_key(random_bytes(rng_, 32));
  const Message a = make(kGcmDec, 0x3000, 512, false);
  const Message b = make(kGcmEnc, 0xb010, 200, false);
  run_pair(a, b);
  check_pair(a, b);
}

TEST_F(CryptSlots, EachMessageKeepsTheKeysOfItsRequestClock) {
  // Two SAs: the key inputs change to the second SA's on the clock after the first request
  // (esp_core reads the next job's secrets then), so the first message's remaining blocks
  // run on the keys latched with its request, the second's on its own.
  const Bytes k1 = random_bytes(rng_, 16), k2 = random_bytes(rng_, 32);
  set_key(k1);
  const Message a = make(kGcmEnc, 0x1000, 1420, false);
  set_key(k2);
  const Message b = make(kGcmEnc, 0x9000, 1420, true);
  set_key(k1);
  next_key_ = k2;
  run_pair(a, b);
  check_pair(a, b);
}

TEST_F(CryptSlots, InstallRequestsReturnHAndHSquared) {
  for (const std::size_t key_len : {16u, 32u}) {
    set_key(random_bytes(rng_, key_len));
    const Bytes block = random_bytes(rng_, 16);
    EXPECT_EQ(to_hex(run_ecb(block, false)), to_hex(openssl_aes_ecb(key_, block, true)));
    EXPECT_EQ(to_hex(run_ecb(Bytes(16, 0), false)), to_hex(h_)) << "H = E_K(0)";
    EXPECT_EQ(to_hex(run_ecb(Bytes(16, 0), true)), to_hex(gf128_mul(h_, h_))) << "H^2";
  }
}

// ---------------------------------------------------------------------------------------
// CBC encryption chains
// ---------------------------------------------------------------------------------------

struct ChainJob {
  Bytes key, iv, plaintext, expected;  // expected: OpenSSL's AES-CBC, no padding
  RoundKeys rk;
  std::uint32_t addr = 0, len = 0;
  long due = 0;    // the first clock it may be requested
  long taken = -1, done = -1;
  unsigned chain = 0;
};

struct EcbProbe {
  Bytes key, block;
  RoundKeys rk;
  long due = 0;
  long taken = -1;
  Bytes result;
};

class CryptChains : public ::testing::Test {
 protected:
  CryptChains() : rng_(20261128) {
    reset(expand_);
    reset(crypt_);
    junk_ = expand_key(expand_, random_bytes(rng_, 32));
  }

  ChainJob make(std::uint32_t addr, std::uint32_t len, std::size_t key_len, long due) {
    ChainJob j;
    j.key = random_bytes(rng_, key_len);
    j.rk = expand_key(expand_, j.key);
    j.iv = random_bytes(rng_, 16);
    j.addr = addr;
    j.len = len;
    j.due = due;
    j.plaintext = random_bytes(rng_, len);
    j.expected = openssl_aes(j.key, j.iv, j.plaintext, true);
    buf_.put(addr, j.plaintext);
    return j;
  }

  EcbProbe make_ecb(std::size_t key_len, long due) {
    EcbProbe e;
    e.key = random_bytes(rng_, key_len);
    e.rk = expand_key(expand_, e.key);
    e.block = random_bytes(rng_, 16);
    e.due = due;
    return e;
  }

  void put_keys(const RoundKeys& rk) {
    put_round_keys(crypt_.round_keys_i, rk);
    crypt_.aes256_i = rk.aes256;
  }

  void put_request(unsigned mode, const Bytes& iv, std::uint32_t addr, std::uint32_t len) {
    for (unsigned lsb = 0; lsb < 313; lsb += 64) set_bits(crypt_.req_i, lsb, std::min(64u, 313 - lsb), 0);
    set_bits(crypt_.req_i, 312, 1, 1);
    set_bits(crypt_.req_i, 309, 3, mode);
    put_field(crypt_.req_i, 181, iv);
    set_bits(crypt_.req_i, 35, 17, addr);
    set_bits(crypt_.req_i, 18, 17, len);
  }

  static int one_hot_index(unsigned v) {
    if (v == 0 || (v & (v - 1)) != 0) return -1;
    int i = 0;
    while (((v >> i) & 1) == 0) ++i;
    return i;
  }

  // Requests the jobs in order (each from its due clock, once a chain is free) and the ECB
  // probes in order (each from its due clock while esp_crypt takes one), with junk on the key
  // inputs on every other clock; a read returns the 16 bytes at any byte address one clock
  // later and sees the memory before that clock's writes, as esp_pkt_buf. Checks every
  // access against its chain's range and progress, and each chain's written count after
  // every clock: monotone, never ahead of the bytes its writes carried.
  void run(std::vector<ChainJob>& jobs, std::vector<EcbProbe>& ecbs) {
    ASSERT_FALSE(crypt_.busy_o);
    std::size_t next = 0, next_ecb = 0, ecb_done = 0, jobs_done = 0;
    std::array<int, kChains> job_on{};
    std::array<std::uint32_t, kChains> bytes{}, count{};
    job_on.fill(-1);
    long ecb_wait = -1;  // the probe whose done_o is due
    for (long cycle = 0; cycle < 200000; ++cycle) {
      set_bits(crypt_.req_i, 312, 1, 0);
      crypt_.eval();
      bool cbc = false, ecb = false;
      if (next < jobs.size() && jobs[next].due <= cycle && crypt_.ready_cbc_o) {
        put_request(kCbcEnc, jobs[next].iv, jobs[next].addr, jobs[next].len);
        put_keys(jobs[next].rk);
        cbc = true;
      } else if (ecb_wait < 0 && next_ecb < ecbs.size() && ecbs[next_ecb].due <= cycle &&
                 crypt_.ready_ecb_o) {
        put_request(kEcb, ecbs[next_ecb].block, 0, 0);
        put_keys(ecbs[next_ecb].rk);
        ecb = true;
      } else {
        put_keys(junk_);  // a request's keys are latched on its clock only
      }
      crypt_.eval();
      if (cbc) {
        const unsigned chain = crypt_.chain_o;
        const int c = one_hot_index(chain);
        EXPECT_GE(c, 0) << "chain_o must be one-hot";
        if (c < 0) return;
        EXPECT_EQ(crypt_.chain_busy_o & chain, 0u) << "a busy chain taken";
        job_on[c] = static_cast<int>(next);
        bytes[c] = count[c] = 0;
        jobs[next].taken = cycle;
        jobs[next].chain = static_cast<unsigned>(c);
        ++next;
      }
      if (ecb) {
        ecbs[next_ecb].taken = cycle;
        ecb_wait = static_cast<long>(next_ecb++);
      }

      const bool rd = get_bits(crypt_.buf_o, 179, 1) != 0;
      const auto rd_addr = static_cast<std::uint32_t>(get_bits(crypt_.buf_o, 162, 17));
      Bytes data(16, 0x5a);  // garbage unless a read was issued
      if (rd) {
        const int c = one_hot_index(crypt_.buf_rd_chain_o);
        EXPECT_GE(c, 0) << "a read names one chain";
        if (c < 0 || job_on[c] < 0) {
          ADD_FAILURE() << "read by an idle chain at clock " << cycle;
          return;
        }
        const ChainJob& j = jobs[job_on[c]];
        EXPECT_EQ((rd_addr - j.addr) % 16, 0u);
        EXPECT_TRUE(rd_addr >= j.addr && rd_addr + 16 <= j.addr + j.len) << "read outside the chain's range";
        data = buf_.read16(rd_addr);
      } else {
        EXPECT_EQ(crypt_.buf_rd_chain_o, 0u);
      }
      if (get_bits(crypt_.buf_o, 161, 1) != 0) {
        const int c = one_hot_index(crypt_.buf_wr_chain_o);
        EXPECT_GE(c, 0) << "a write names one chain";
        if (c < 0 || job_on[c] < 0) {
          ADD_FAILURE() << "write by an idle chain at clock " << cycle;
          return;
        }
        const ChainJob& j = jobs[job_on[c]];
        EXPECT_EQ(get_bits(crypt_.buf_o, 144, 17), j.addr + bytes[c]) << "chain " << c << " writes in order";
        EXPECT_EQ(get_bits(crypt_.buf_o, 0, 16), 0xFFFFu);
        EXPECT_LT(bytes[c], j.len);
        buf_.write(crypt_.buf_o);
        bytes[c] += 16;
      } else {
        EXPECT_EQ(crypt_.buf_wr_chain_o, 0u);
      }
      EXPECT_EQ(get_bits(crypt_.icv_o, 161, 1), 0u);
      tick(crypt_);
      put_be(crypt_.buf_rd_data_i, 0, 128, data);
      crypt_.eval();

      for (unsigned c = 0; c < kChains; ++c) {
        if (job_on[c] < 0) continue;
        const auto n = static_cast<std::uint32_t>(get_bits(crypt_.chain_written_o, 32 * c, 32));
        EXPECT_GE(n, count[c]) << "chain " << c << "'s written count went back";
        EXPECT_LE(n, bytes[c]) << "chain " << c << "'s written count ahead of its writes";
        count[c] = n;
        if ((crypt_.chain_done_o >> c) & 1) {
          ChainJob& j = jobs[job_on[c]];
          j.done = cycle;
          EXPECT_EQ(n, j.len);
          EXPECT_EQ((crypt_.chain_busy_o >> c) & 1, 0u);
          EXPECT_EQ(to_hex(buf_.range(j.addr, j.len)), to_hex(j.expected))
              << "job at 0x" << std::hex << j.addr << std::dec << " (" << j.len << " B, AES-"
              << 8 * j.key.size() << ") on chain " << c;
          job_on[c] = -1;
          ++jobs_done;
        }
      }
      if (crypt_.done_o) {
        EXPECT_GE(ecb_wait, 0) << "done_o without an ECB request";
        if (ecb_wait >= 0) {
          ecbs[ecb_wait].result = get_be(crypt_.result_o, 0, 128);
          ecb_wait = -1;
          ++ecb_done;
        }
      }
      if (jobs_done == jobs.size() && ecb_done == ecbs.size()) {
        for (int i = 0; i < 3; ++i) tick(crypt_);
        crypt_.eval();
        EXPECT_FALSE(crypt_.busy_o);
        for (const EcbProbe& e : ecbs) {
          EXPECT_EQ(to_hex(e.result), to_hex(openssl_aes_ecb(e.key, e.block, true))) << "ECB taken at " << e.taken;
        }
        return;
      }
    }
    FAIL() << "esp_crypt never finished the chains (" << jobs_done << " of " << jobs.size()
           << " jobs, " << ecb_done << " of " << ecbs.size() << " ECB blocks)";
  }

  // Clocks from the first request to the last done.
  static long span(const std::vector<ChainJob>& jobs) {
    long first = jobs.front().taken, last = 0;
    for (const ChainJob& j : jobs) {
      first = std::min(first, j.taken);
      last = std::max(last, j.done);
    }
    return last - first;
  }

  Vesp_aes_key_expand expand_;
  Vesp_crypt crypt_;
  BufferModel buf_;
  std::mt19937_64 rng_;
  RoundKeys junk_;
};

TEST_F(CryptChains, OneChainMatchesOpenSsl) {
  std::vector<EcbProbe> none;
  for (const std::uint32_t len : {16u, 32u, 1424u}) {
    for (const std::size_t key_len : {16u, 32u}) {
      std::vector<ChainJob> jobs{make(0x3007, len, key_len, 0)};
      run(jobs, none);
      // One block per pipe latency (15), plus the first read and the done.
      EXPECT_LE(jobs[0].done - jobs[0].taken, 15 * static_cast<long>(len / 16) + 4);
    }
  }
}

TEST_F(CryptChains, ParallelChainsTakeAboutOneChainsClocks) {
  std::vector<EcbProbe> none;
  std::vector<ChainJob> one{make(0x1000, 1424, 16, 0)};
  run(one, none);
  const long alone = span(one);
  std::vector<ChainJob> jobs{make(0x2003, 1424, 16, 0), make(0x9a0b, 1424, 32, 0),
                             make(0x15005, 1424, 16, 0)};
  run(jobs, none);
  const long together = span(jobs);
  EXPECT_NE(jobs[0].chain, jobs[1].chain);
  EXPECT_NE(jobs[1].chain, jobs[2].chain);
  EXPECT_NE(jobs[0].chain, jobs[2].chain);
  EXPECT_LE(10 * together, 12 * alone) << kChains << " chains: " << together << " clocks, one: " << alone;
  std::cout << "[ chains   ] 1424 B: one chain " << alone << " clocks, " << kChains << " chains "
            << together << " clocks\n";
}

TEST_F(CryptChains, LowerChainTakesACollidingSlotTheOtherWaits) {
  // Job 0 (one block, chain 0) ends early; job 1 (chain 1) runs on; job 2 takes chain 0 so
  // its first block wants the pipe on the clock job 1's ciphertext comes out (job 1 taken
  // on clock 1: its blocks come out on clocks 18 + 15k; job 2 taken on 46: read on 47,
  // fed on 48). Job 3 (chain 2) wants the slot of chain 0's and 1's refeeds as well.
  std::vector<EcbProbe> none;
  std::vector<ChainJob> jobs{make(0x0100, 16, 16, 0), make(0x4005, 800, 32, 1),
                             make(0x8009, 640, 16, 46), make(0xc00f, 480, 32, 47)};
  run(jobs, none);
  EXPECT_EQ(jobs[2].chain, jobs[0].chain);
  EXPECT_NE(jobs[1].chain, jobs[2].chain);
}

TEST_F(CryptChains, StaggeredChainsOfMixedKeysLengthsAndAddressesWithEcbAmongThem) {
  std::uniform_int_distribution<std::uint32_t> blocks(1, 89), off(0, 200), gap(0, 60);
  std::uniform_int_distribution<int> coin(0, 1);
  std::vector<ChainJob> jobs;
  long due = 0;
  for (std::uint32_t i = 0; i < 24; ++i) {
    // Areas 0x1400 apart: each job's range (at most 1424 B + 200 of offset) in its own.
    const std::uint32_t addr = (i % 24) * 0x1400 + off(rng_);
    jobs.push_back(make(addr, 16 * blocks(rng_), coin(rng_) ? 32 : 16, due));
    due += gap(rng_);
  }
  std::vector<EcbProbe> ecbs;
  for (long t : {3L, 17L, 40L, 41L, 200L, 333L, 700L, 1200L}) ecbs.push_back(make_ecb(coin(rng_) ? 32 : 16, t));
  run(jobs, ecbs);
  for (const ChainJob& j : jobs) EXPECT_GE(j.done, 0);
}

TEST_F(CryptChains, EcbBesideAndAfterChainsUsesItsOwnKeys) {
  // An ECB request beside a running chain (its block waits for a slot the chain does not
  // take), then one from idle: each with its own request's keys, not a chain's.
  std::vector<EcbProbe> ecbs{make_ecb(16, 0)};
  std::vector<ChainJob> jobs{make(0x500, 160, 32, 0)};
  run(jobs, ecbs);
  std::vector<ChainJob> none;
  std::vector<EcbProbe> after{make_ecb(32, 0)};
  run(none, after);
}

}  // namespace
}  // namespace espgw::kernels::bench

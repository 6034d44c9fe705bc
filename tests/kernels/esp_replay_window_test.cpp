// Bench for esp_replay_window (kernels/rtl) at 64- and 128-bit windows: every verdict, the
// inferred ESN sequence number and the window's top are checked against the CPU backend's
// ReplayWindow (driver/cpu, RFC 4303 3.4.3 and Appendix A as an RFC 6479 ring), over random
// traffic of four SAs interleaved one packet per clock, ESN wrap at 2^32, and SAs installed
// with a top already set.
#include "Vesp_replay_window_w128.h"
#include "Vesp_replay_window_w64.h"
#include "kernel_bench.hpp"
#include "replay_window.hpp"

#include <gtest/gtest.h>

#include <type_traits>

namespace espgw::kernels::bench {
namespace {

using espgw::driver::cpu::ReplayWindow;

// One SA as the SA table would hold it for the RTL, next to the CPU reference.
struct Sa {
  std::uint32_t size = 64;
  bool esn = false;
  std::uint64_t top = 0;
  std::vector<std::uint32_t> bitmap;  // 32-bit words, word 0 = bits 31:0
  std::unique_ptr<ReplayWindow> cpu;
  std::uint64_t next = 1;             // the sender's next sequence number
};

// A bitmap port is a 64-bit integer at 64 bits and a VlWide above.
template <typename Port>
void put_words(Port& port, const std::vector<std::uint32_t>& words) {
  if constexpr (std::is_integral_v<Port>) {
    port = static_cast<Port>(words.at(0)) | static_cast<Port>(words.at(1)) << 32;
  } else {
    for (std::size_t w = 0; w < words.size(); ++w) port[w] = words[w];
  }
}

template <typename Port>
void get_words(const Port& port, std::vector<std::uint32_t>& words) {
  if constexpr (std::is_integral_v<Port>) {
    words.at(0) = static_cast<std::uint32_t>(port);
    words.at(1) = static_cast<std::uint32_t>(port >> 32);
  } else {
    for (std::size_t w = 0; w < words.size(); ++w) words[w] = port[w];
  }
}

template <typename Model, int W>
struct Variant {
  using Rtl = Model;
  static constexpr int kWindowBits = W;
};

template <typename V>
class ReplayWindowBench : public ::testing::Test {
 protected:
  static constexpr int kWords = V::kWindowBits / 32;

  ReplayWindowBench() { reset(rtl_); }

  Sa make_sa(std::uint32_t size, bool esn, std::uint64_t initial_top = 0) {
    Sa sa;
    sa.size = size;
    sa.esn = esn;
    sa.top = initial_top;
    // An SA moved with a top already set: everything inside its window counts as seen.
    sa.bitmap.assign(kWords, initial_top != 0 ? 0xffffffffu : 0u);
    sa.cpu = std::make_unique<ReplayWindow>(size, esn, initial_top);
    sa.next = initial_top + 1;
    return sa;
  }

  // The packet's sequence number: mostly the next one, sometimes a jump ahead, an old or
  // duplicate one, a far-behind one, or 0.
  static std::uint64_t pick(std::mt19937_64& rng, Sa& sa) {
    const std::uint64_t span = sa.size ? sa.size : 64;
    switch (rng() % 10) {
      case 0: sa.next += rng() % (3 * span); return sa.next++;
      case 1:
      case 2: return sa.next - 1 - std::min<std::uint64_t>(sa.next - 1, rng() % (span + 8));
      case 3: return sa.next > 2 * span ? sa.next - 2 * span - rng() % 1000 : 0;
      default: return sa.next++;
    }
  }

  // Drives packets of several SAs round-robin, one per clock; an SA's state is written back
  // on the clock its result appears (when fresh and the ICV "verified"), before its next turn.
  // With ESN the ICV covers the high half, so a packet whose high half was inferred wrongly
  // (a far-old low half taken for the next subspace) fails it; so does 1 packet in 10.
  // min_refused: the share of replay verdicts the traffic must produce (1/n of packets).
  void run(std::vector<Sa>& sas, int packets, std::uint64_t seed, int min_refused = 20) {
    std::mt19937_64 rng(seed);
    struct InFlight {
      std::size_t sa;
      std::uint64_t seq;
      bool icv_ok;
    };
    std::vector<InFlight> pending;
    int checked = 0, accepted = 0, refused = 0;
    for (int p = 0; p < packets; ++p) {
      {
        const std::size_t i = static_cast<std::size_t>(p) % sas.size();
        Sa& sa = sas[i];
        const std::uint64_t seq = pick(rng, sa);
        rtl_.valid_i = 1;
        rtl_.tag_i = static_cast<std::uint16_t>(i);
        rtl_.esn_i = sa.esn;
        rtl_.seq_lo_i = static_cast<std::uint32_t>(seq);
        rtl_.size_i = sa.size;
        rtl_.top_i = sa.top;
        put_words(rtl_.bitmap_i, sa.bitmap);
        pending.push_back({i, seq, rng() % 10 != 0});
      }
      // The result is registered on the clock edge that takes the packet in.
      tick(rtl_);
      ASSERT_TRUE(rtl_.valid_o) << "packet " << p;
      const InFlight f = pending.at(static_cast<std::size_t>(p));
      Sa& sa = sas[f.sa];
      ASSERT_EQ(rtl_.tag_o, f.sa);
      std::uint64_t expected_seq = 0;
      const bool inferred = sa.cpu->infer(static_cast<std::uint32_t>(f.seq), &expected_seq);
      const bool fresh = inferred && sa.cpu->check(expected_seq);
      ASSERT_EQ(static_cast<bool>(rtl_.fresh_o), fresh)
          << "packet " << p << " seq " << f.seq << " top " << sa.top << " size " << sa.size;
      if (inferred) {
        ASSERT_EQ(rtl_.seq_o, expected_seq) << "packet " << p;
      }
      if (fresh && f.icv_ok && expected_seq == f.seq) {
        ASSERT_TRUE(sa.cpu->update(expected_seq));
        sa.top = rtl_.top_o;
        get_words(rtl_.bitmap_o, sa.bitmap);
        ASSERT_EQ(sa.top, sa.cpu->top());
      }
      ++checked;
      (fresh ? accepted : refused)++;
    }
    EXPECT_EQ(checked, packets);
    // The traffic mix exercises both verdicts in earnest.
    EXPECT_GT(accepted, packets / 2);
    if (min_refused > 0) {
      EXPECT_GT(refused, packets / min_refused);
    }
  }

  typename V::Rtl rtl_;
};

using Variants = ::testing::Types<Variant<Vesp_replay_window_w64, 64>, Variant<Vesp_replay_window_w128, 128>>;
TYPED_TEST_SUITE(ReplayWindowBench, Variants);

TYPED_TEST(ReplayWindowBench, VerdictsMatchCpuBackendForFourInterleavedSas) {
  constexpr std::uint32_t kMax = TypeParam::kWindowBits;
  std::vector<Sa> sas;
  sas.push_back(this->make_sa(kMax, false));
  sas.push_back(this->make_sa(32, false));
  sas.push_back(this->make_sa(1, true));
  sas.push_back(this->make_sa(kMax - 7, true));
  this->run(sas, 20000, 0x5eed0600 + kMax);
}

TYPED_TEST(ReplayWindowBench, CheckOffStillTracksTopAndRefusesZero) {
  std::vector<Sa> sas;
  sas.push_back(this->make_sa(0, false));
  sas.push_back(this->make_sa(0, true));
  this->run(sas, 4000, 0x5eed0601, 0);  // only sequence number 0 is ever refused
}

TYPED_TEST(ReplayWindowBench, EsnInferenceAcrossTheTwoToThe32Boundary) {
  // Tops just below 2^32 and just above it, so windows straddle the subspace boundary
  // (Appendix A2.1 case B) and new packets' low halves wrap to 0 (case A, seq_hi + 1).
  std::vector<Sa> sas;
  sas.push_back(this->make_sa(TypeParam::kWindowBits, true, 0xffffffffull - 300));
  sas.push_back(this->make_sa(64, true, 0x100000000ull + 5));
  sas.push_back(this->make_sa(32, true, 0x2ffffffc0ull));
  // With ESN a low half left of the window is taken for the next subspace (A2.1) and fails
  // the ICV instead of the replay check, so fewer replay verdicts: at least 1 in 50.
  this->run(sas, 6000, 0x5eed0602, 50);
}

TYPED_TEST(ReplayWindowBench, SaInstalledWithTopRefusesEverythingUpToIt) {
  std::vector<Sa> sas;
  sas.push_back(this->make_sa(TypeParam::kWindowBits, false, 1000));
  sas.push_back(this->make_sa(40, true, 77));
  this->run(sas, 4000, 0x5eed0603);
}

}  // namespace
}  // namespace espgw::kernels::bench

// "No allocation on the per-packet path", checked rather than asserted: this binary routes
// every OpenSSL allocation (CRYPTO_set_mem_functions, installed before OpenSSL's first
// allocation) and every C++ operator new through counters, then runs encap and decap bursts
// of every transform on every provider and requires zero allocations inside process().
#include <openssl/crypto.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "esp_test_util.hpp"
#include "reference_esp.hpp"

namespace {

std::atomic<bool> g_counting{false};
std::atomic<long> g_allocations{0};

void note() {
  if (g_counting.load(std::memory_order_relaxed)) g_allocations.fetch_add(1, std::memory_order_relaxed);
}
void* counted_malloc(std::size_t n, const char*, int) {
  note();
  return std::malloc(n);
}
void* counted_realloc(void* p, std::size_t n, const char*, int) {
  note();
  return std::realloc(p, n);
}
void counted_free(void* p, const char*, int) { std::free(p); }

// Runs before main() and before any OpenSSL call, as CRYPTO_set_mem_functions requires.
__attribute__((constructor)) void install_openssl_hooks() {
  CRYPTO_set_mem_functions(counted_malloc, counted_realloc, counted_free);
}

}  // namespace

// Replacement global allocation functions pair malloc with free by design; GCC cannot see
// that the replaced operator new is malloc underneath.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t n) {
  note();
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace espgw::driver::cpu::test {
namespace {

TEST(NoAllocation, OpenSslAllocationsAreRoutedThroughTheCounter) {
  g_counting = true;
  const long before = g_allocations.load();
  void* p = OPENSSL_malloc(16);
  g_counting = false;
  OPENSSL_free(p);
  EXPECT_EQ(g_allocations.load() - before, 1);  // the hooks are live, so zero below means zero
}

TEST(NoAllocation, ProcessAllocatesNothingForAnyTransformOrProvider) {
  for (const std::string& provider : providers_in_build()) {
    DeviceOptions o;
    o.provider = provider;
    o.sa_capacity = 8;
    std::unique_ptr<EspDevice> dev;
    try {
      dev = make_device(o);
    } catch (const std::exception&) {
      continue;  // ipsec-mb not usable on this CPU
    }
    for (const auto& tc : all_transforms()) {
      SaConfig out = make_config(tc.transform, tc.enc_key_len, Direction::kOutbound, 0x3000, true);
      const SaHandle ho = dev->install_sa(out).handle;
      const SaHandle hi = dev->install_sa(inbound_twin(out)).handle;
      std::vector<Packet> pkts;
      for (std::uint32_t k = 0; k < 40; ++k) pkts.push_back(outbound_packet(ho, make_inner(40 + 37 * k)));
      std::vector<PacketJob> jobs;
      for (auto& p : pkts) jobs.push_back(p.job);
      // Twice each way: the first burst may warm lazily-initialised library state.
      for (int round = 0; round < 2; ++round) {
        for (std::size_t k = 0; k < jobs.size(); ++k) jobs[k] = pkts[k].job;
        std::vector<std::vector<std::uint8_t>> keep;
        for (auto& p : pkts) keep.push_back(p.buf);
        g_counting = true;
        const long before = g_allocations.load();
        dev->process(jobs);
        const long encap_allocs = g_allocations.load() - before;
        for (auto& j : jobs) j.direction = Direction::kInbound;
        const long mid = g_allocations.load();
        dev->process(jobs);
        const long decap_allocs = g_allocations.load() - mid;
        g_counting = false;
        for (auto& j : jobs) ASSERT_EQ(j.status, Status::kOk) << provider << " " << tc.name;
        if (round == 1) {
          EXPECT_EQ(encap_allocs, 0) << provider << " " << tc.name;
          EXPECT_EQ(decap_allocs, 0) << provider << " " << tc.name;
        }
        for (std::size_t k = 0; k < pkts.size(); ++k) pkts[k].buf = keep[k];
      }
      dev->remove_sa(ho);
      dev->remove_sa(hi);
    }
  }
}

}  // namespace
}  // namespace espgw::driver::cpu::test

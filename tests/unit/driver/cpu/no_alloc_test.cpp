// Allocator-level checks of the CPU backend, checked rather than asserted: this binary routes
// every OpenSSL allocation (CRYPTO_set_mem_functions, installed before OpenSSL's first
// allocation) and every C++ operator new/delete through hooks, then
// - runs encap and decap bursts of every transform on every provider and requires zero
//   allocations inside process() ("no allocation on the per-packet path");
// - scans every block freed while remove_sa() runs for the SA's key bytes and requires none
//   (keys zeroized on remove: SecretBytes, expanded schedules, OpenSSL contexts).
#include <malloc.h>
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

// Key scanning: while g_scanning, every freed block is searched for these byte strings.
std::atomic<bool> g_scanning{false};
std::vector<std::uint8_t>* g_secrets[2] = {nullptr, nullptr};
std::atomic<long> g_secret_hits{0};

void note() {
  if (g_counting.load(std::memory_order_relaxed)) g_allocations.fetch_add(1, std::memory_order_relaxed);
}

void scan_before_free(void* p) {
  if (p == nullptr || !g_scanning.load(std::memory_order_relaxed)) return;
  const std::size_t n = malloc_usable_size(p);
  for (const auto* secret : g_secrets) {
    if (secret && !secret->empty() && memmem(p, n, secret->data(), secret->size()) != nullptr) {
      g_secret_hits.fetch_add(1, std::memory_order_relaxed);
    }
  }
}
void* counted_malloc(std::size_t n, const char*, int) {
  note();
  return std::malloc(n);
}
void* counted_realloc(void* p, std::size_t n, const char*, int) {
  note();
  return std::realloc(p, n);
}
void counted_free(void* p, const char*, int) {
  scan_before_free(p);
  std::free(p);
}

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
void operator delete(void* p) noexcept {
  scan_before_free(p);
  std::free(p);
}
void operator delete[](void* p) noexcept { operator delete(p); }
void operator delete(void* p, std::size_t) noexcept { operator delete(p); }
void operator delete[](void* p, std::size_t) noexcept { operator delete(p); }
void* operator new(std::size_t n, std::align_val_t a) {
  note();
  if (void* p = std::aligned_alloc(static_cast<std::size_t>(a), (n + static_cast<std::size_t>(a) - 1) &
                                                                    ~(static_cast<std::size_t>(a) - 1))) {
    return p;
  }
  throw std::bad_alloc();
}
void operator delete(void* p, std::align_val_t) noexcept { operator delete(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { operator delete(p); }
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

TEST(KeyZeroization, ScannerFindsAKeyLeftInAFreedBlock) {
  std::vector<std::uint8_t> key = random_bytes(32);
  g_secrets[0] = &key;
  g_secret_hits = 0;
  g_scanning = true;
  { auto leaked = std::make_unique<std::vector<std::uint8_t>>(key); }  // freed without cleansing
  g_scanning = false;
  g_secrets[0] = nullptr;
  EXPECT_GE(g_secret_hits.load(), 1);
}

TEST(KeyZeroization, RemoveSaLeavesNoKeyBytesInFreedMemory) {
  for (const std::string& provider : providers_in_build()) {
    DeviceOptions o;
    o.provider = provider;
    o.sa_capacity = 8;
    std::unique_ptr<EspDevice> dev;
    try {
      dev = make_device(o);
    } catch (const std::exception&) {
      continue;
    }
    for (const auto& tc : all_transforms()) {
      SaConfig out = make_config(tc.transform, tc.enc_key_len, Direction::kOutbound, 0x3000);
      std::vector<std::uint8_t> enc(out.enc_key.view().begin(), out.enc_key.view().end());
      std::vector<std::uint8_t> auth(out.auth_key.view().begin(), out.auth_key.view().end());
      const SaHandle ho = dev->install_sa(out).handle;
      const SaHandle hi = dev->install_sa(inbound_twin(out)).handle;
      Packet p = outbound_packet(ho, make_inner(300));
      dev->process({&p.job, 1});
      p.job.direction = Direction::kInbound;
      dev->process({&p.job, 1});
      ASSERT_EQ(p.job.status, Status::kOk);
      g_secrets[0] = &enc;
      g_secrets[1] = &auth;
      g_secret_hits = 0;
      g_scanning = true;
      EXPECT_EQ(dev->remove_sa(ho), Status::kOk);
      EXPECT_EQ(dev->remove_sa(hi), Status::kOk);
      g_scanning = false;
      g_secrets[0] = g_secrets[1] = nullptr;
      EXPECT_EQ(g_secret_hits.load(), 0) << provider << " " << tc.name;
    }
  }
}

}  // namespace
}  // namespace espgw::driver::cpu::test

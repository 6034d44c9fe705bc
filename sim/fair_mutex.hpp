// FairMutex: a FIFO (ticket) lock for the model's lock in SimTransport. Every register
// access, DMA sync and wait_until chunk takes that lock for microseconds and takes it again
// at once; with std::mutex the thread that just let go nearly always wins again, so a second
// thread (HwDevice's control thread installing and reading SAs while the data path waits for
// completions, or the other way round) starved for seconds on a loaded host. Here the lock
// goes to waiters in arrival order, so both threads' accesses interleave.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace espgw::sim {

class FairMutex {
 public:
  void lock() {
    std::unique_lock l(mu_);
    const std::uint64_t ticket = next_++;
    turn_.wait(l, [&] { return serving_ == ticket; });
  }
  void unlock() {
    {
      std::lock_guard l(mu_);
      ++serving_;
    }
    turn_.notify_all();
  }
  // Threads holding or waiting for the lock (for tests: a waiter has queued once this grows).
  std::uint64_t queued() {
    std::lock_guard l(mu_);
    return next_ - serving_;
  }

 private:
  std::mutex mu_;
  std::condition_variable turn_;
  std::uint64_t next_ = 0;     // the ticket the next lock() draws
  std::uint64_t serving_ = 0;  // the ticket that holds the lock
};

}  // namespace espgw::sim

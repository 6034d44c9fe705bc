// UnitWorker: one persistent thread that runs one compute unit's process() when MultiDevice
// hands it a burst, so the units of a burst work concurrently without a thread per burst.
// Started at construction, stopped and joined in the destructor.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <span>
#include <thread>
#include <utility>

#include "espgw/driver/esp_device.hpp"

namespace espgw::driver::multi {

class UnitWorker {
 public:
  explicit UnitWorker(EspDevice& unit) : unit_(unit), thread_([this] { run(); }) {}
  ~UnitWorker() {
    stop_.store(true, std::memory_order_seq_cst);
    {
      std::lock_guard lock(mutex_);  // pairs with the worker's check before it sleeps
      cv_.notify_all();
    }
    thread_.join();
  }
  UnitWorker(const UnitWorker&) = delete;
  UnitWorker& operator=(const UnitWorker&) = delete;

  // Hands over a burst; the jobs must stay alive until wait() returns.
  void start(std::span<PacketJob> jobs) {
    jobs_ = jobs;
    posted_.fetch_add(1, std::memory_order_seq_cst);
    std::lock_guard lock(mutex_);  // pairs with the worker's check before it sleeps
    if (worker_sleeping_) cv_.notify_all();
  }

  // Blocks until the burst is done; rethrows what the unit's process() threw.
  void wait() {
    const std::uint64_t target = posted_.load(std::memory_order_relaxed);
    if (!spin_until([&] { return finished_.load(std::memory_order_acquire) == target; })) {
      std::unique_lock lock(mutex_);
      ++callers_waiting_;
      cv_.wait(lock, [&] { return finished_.load(std::memory_order_acquire) == target; });
      --callers_waiting_;
    }
    if (error_) {
      std::exception_ptr e = std::exchange(error_, nullptr);
      std::rethrow_exception(e);
    }
  }

 private:
  // A futex wake-up costs tens of microseconds, as long as a whole burst on a fast unit, so
  // both sides first poll for a short while (yielding the core to others) before sleeping.
  static constexpr std::chrono::microseconds kSpin{50};
  template <class Pred>
  static bool spin_until(Pred done) {
    const auto until = std::chrono::steady_clock::now() + kSpin;
    while (!done()) {
      if (std::chrono::steady_clock::now() > until) return false;
      std::this_thread::yield();
    }
    return true;
  }

  void run() {
    std::uint64_t seen = 0;
    for (;;) {
      if (!spin_until([&] { return posted_.load(std::memory_order_acquire) != seen || stop_.load(); })) {
        std::unique_lock lock(mutex_);
        worker_sleeping_ = true;
        cv_.wait(lock, [&] { return posted_.load(std::memory_order_acquire) != seen || stop_.load(); });
        worker_sleeping_ = false;
      }
      if (stop_.load()) return;
      seen = posted_.load(std::memory_order_acquire);
      try {
        unit_.process(jobs_);
      } catch (...) {
        error_ = std::current_exception();  // read by wait() after finished_ says so
      }
      finished_.store(seen, std::memory_order_release);
      std::lock_guard lock(mutex_);
      if (callers_waiting_ > 0) cv_.notify_all();
    }
  }

  EspDevice& unit_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::span<PacketJob> jobs_;  // written by start() before posted_, read by the worker after it
  std::exception_ptr error_;   // written by the worker before finished_, read by wait() after it
  std::atomic<std::uint64_t> posted_{0};
  std::atomic<std::uint64_t> finished_{0};
  bool worker_sleeping_ = false;
  int callers_waiting_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;  // last: starts after every member above exists
};

}  // namespace espgw::driver::multi

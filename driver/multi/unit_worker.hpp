// UnitWorker: one persistent thread that runs one compute unit's process() when MultiDevice
// hands it a burst, so the units of a burst work concurrently without a thread per burst.
// Started at construction, stopped and joined in the destructor.
#pragma once

#include <condition_variable>
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
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  UnitWorker(const UnitWorker&) = delete;
  UnitWorker& operator=(const UnitWorker&) = delete;

  // Hands over a burst; the jobs must stay alive until wait() returns.
  void start(std::span<PacketJob> jobs) {
    {
      std::lock_guard lock(mutex_);
      jobs_ = jobs;
      busy_ = true;
    }
    cv_.notify_all();
  }

  // Blocks until the burst is done; rethrows what the unit's process() threw.
  void wait() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [this] { return !busy_; });
    if (error_) {
      std::exception_ptr e = std::exchange(error_, nullptr);
      std::rethrow_exception(e);
    }
  }

 private:
  void run() {
    std::unique_lock lock(mutex_);
    for (;;) {
      cv_.wait(lock, [this] { return busy_ || stop_; });
      if (stop_) return;
      const std::span<PacketJob> jobs = jobs_;
      lock.unlock();
      std::exception_ptr error;
      try {
        unit_.process(jobs);
      } catch (...) {
        error = std::current_exception();
      }
      lock.lock();
      error_ = error;
      busy_ = false;
      cv_.notify_all();
    }
  }

  EspDevice& unit_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::span<PacketJob> jobs_;
  bool busy_ = false;
  bool stop_ = false;
  std::exception_ptr error_;
  std::thread thread_;  // last: starts after every member above exists
};

}  // namespace espgw::driver::multi

// Command batching for the HLS kernel (see the header). Writes only queue; anything that
// needs an answer from the kernel (a read, a run, an explicit flush) sends the queue first,
// so the kernel sees every access in program order, exactly as single accesses would be.
#include "hls/batched_transport.hpp"

#include <stdexcept>

namespace espgw::hls {

BatchedTransport::BatchedTransport() {
  words_.reserve(std::size_t{kMaxCommands} * kCommandWords);
  results_.resize(kMaxCommands);
}

std::size_t BatchedTransport::append(KernelOp op, std::uint32_t offset, std::uint32_t wdata) {
  if (words_.size() / kCommandWords == kMaxCommands) run_locked();
  const std::size_t index = words_.size() / kCommandWords;
  words_.resize(words_.size() + kCommandWords);
  encode_command(Command{op, offset, wdata}, words_.data() + index * kCommandWords);
  return index;
}

void BatchedTransport::run_locked() {
  const auto count = static_cast<std::uint32_t>(words_.size() / kCommandWords);
  if (count == 0) return;
  ++invocations_;
  commands_ += count;
  try {
    invoke(words_.data(), count, results_.data());
  } catch (...) {
    words_.clear();  // a failed list is not replayed with the next one
    throw;
  }
  words_.clear();
}

std::uint32_t BatchedTransport::read32(std::uint32_t offset) {
  std::lock_guard lock(mu_);
  const std::size_t i = append(KernelOp::kRead, offset, 0);
  run_locked();
  return results_[i];
}

void BatchedTransport::write32(std::uint32_t offset, std::uint32_t value) {
  std::lock_guard lock(mu_);
  append(KernelOp::kWrite, offset, value);
}

void BatchedTransport::read32_many(const std::uint32_t* offsets, std::uint32_t* values, std::size_t count) {
  std::lock_guard lock(mu_);
  std::size_t done = 0;
  while (done < count) {
    // Fill the list up to its limit; the queued writes ahead of the reads go in the same run.
    std::size_t first = 0, taken = 0;
    do {
      const std::size_t i = append(KernelOp::kRead, offsets[done + taken], 0);
      if (taken == 0) first = i;
      ++taken;
    } while (done + taken < count && words_.size() / kCommandWords < kMaxCommands);
    run_locked();
    for (std::size_t k = 0; k < taken; ++k) values[done + k] = results_[first + k];
    done += taken;
  }
}

void BatchedTransport::flush() {
  std::lock_guard lock(mu_);
  run_locked();
}

void BatchedTransport::flush_noexcept() noexcept {
  try {
    flush();
  } catch (const std::exception&) {  // a vanished device has nothing left to reset
  }
}

bool BatchedTransport::wait_until(const std::function<bool()>& ready, std::chrono::milliseconds budget) {
  const auto deadline = std::chrono::steady_clock::now() + budget;
  for (;;) {
    std::uint32_t moved = 0;
    {
      std::lock_guard lock(mu_);
      const std::size_t i = append(KernelOp::kRun, 0, kMaxRunPasses);
      run_locked();
      moved = results_[i];
    }
    if (ready()) return true;
    if (moved == 0 || std::chrono::steady_clock::now() > deadline) return false;
  }
}

std::uint64_t BatchedTransport::invocations() const {
  std::lock_guard lock(mu_);
  return invocations_;
}

std::uint64_t BatchedTransport::commands() const {
  std::lock_guard lock(mu_);
  return commands_;
}

}  // namespace espgw::hls

// The HLS kernel esp_kernel through xrt::kernel: hls::BatchedTransport queues register
// accesses into command lists (hls/command_list.hpp) and each list is one xrt::run with
// arguments (cmds, ncmds, results, gmem). All DMA buffers are sub-buffers of one arena bo
// given as gmem, and their device addresses are offsets into it, because the kernel
// indexes gmem + address (as the C-simulation indexes its memory array). One KernelTransport
// is one CU, opened as "esp_kernel:{esp_kernel_2}" so XRT never schedules its runs on another
// CU (each CU keeps its own SA table).
#include <chrono>
#include <mutex>
#include <stdexcept>

#include <fmt/format.h>

#include "driver/xrt/xrt_flavours.hpp"
#include "hls/batched_transport.hpp"
#include "xrt/xrt_bo.h"
#include "xrt/xrt_kernel.h"

namespace espgw::driver::xrt {
namespace {

// Kernel argument indices of extern "C" esp_kernel(cmds, ncmds, results, gmem).
constexpr int kArgCmds = 0, kArgNcmds = 1, kArgResults = 2, kArgGmem = 3;
constexpr std::size_t kArenaAlign = 4096;
// One command list takes microseconds; a run still going after this is a hung kernel.
constexpr std::chrono::milliseconds kRunBudget{5000};

class ArenaBuffer final : public hw::DmaBuffer {
 public:
  ArenaBuffer(const ::xrt::bo& arena, std::size_t offset, std::size_t bytes)
      : bo_(arena, bytes, offset), host_(static_cast<std::uint8_t*>(bo_.map())), offset_(offset), size_(bytes) {}
  std::uint8_t* host() override { return host_; }
  std::uint64_t device_address() const override { return offset_; }  // the kernel adds gmem's base
  std::size_t size() const override { return size_; }
  void sync_to_device(std::size_t offset, std::size_t length) override {
    bo_.sync(XCL_BO_SYNC_BO_TO_DEVICE, length, offset);
  }
  void sync_from_device(std::size_t offset, std::size_t length) override {
    bo_.sync(XCL_BO_SYNC_BO_FROM_DEVICE, length, offset);
  }

 private:
  ::xrt::bo bo_;
  std::uint8_t* host_;
  std::size_t offset_;
  std::size_t size_;
};

class KernelTransport final : public hls::BatchedTransport {
 public:
  KernelTransport(std::shared_ptr<const LoadedXclbin> card, FlavourOptions options)
      : card_(std::move(card)),
        device_(card_->device),
        kernel_(device_, card_->uuid, options.cu.xrt_name),
        options_(std::move(options)),
        name_(describe_cu(*card_, options_.cu.cu, kernel_.group_id(kArgGmem), "HLS, xrt::kernel command lists")) {
    const auto group = [&](int arg) { return static_cast<::xrt::memory_group>(kernel_.group_id(arg)); };
    cmds_ = ::xrt::bo(device_, std::size_t{hls::kMaxCommands} * hls::kCommandWords * 4, ::xrt::bo::flags::normal,
                      group(kArgCmds));
    results_ = ::xrt::bo(device_, std::size_t{hls::kMaxCommands} * 4, ::xrt::bo::flags::normal, group(kArgResults));
    arena_ = ::xrt::bo(device_, options_.arena_bytes, ::xrt::bo::flags::normal, group(kArgGmem));
    run_ = ::xrt::run(kernel_);
    run_.set_arg(kArgCmds, cmds_);
    run_.set_arg(kArgResults, results_);
    run_.set_arg(kArgGmem, arena_);
  }
  ~KernelTransport() override { flush_noexcept(); }

  std::string describe() const override { return name_; }
  std::string xclbin_uuid() const override { return card_->xclbin.uuid; }
  std::uint32_t kernel_clock_mhz() const override { return card_->xclbin.kernel_clock_mhz; }

  std::unique_ptr<hw::DmaBuffer> allocate(std::size_t bytes) override {
    std::lock_guard lock(arena_mu_);
    // Offset 0 is never handed out: a zero address in a descriptor is a driver bug.
    const std::size_t offset = (next_ + kArenaAlign - 1) / kArenaAlign * kArenaAlign;
    if (offset + bytes > options_.arena_bytes)
      throw std::runtime_error(fmt::format("{}: device memory arena of {} bytes exhausted ({} more requested)",
                                           name_, options_.arena_bytes, bytes));
    auto buffer = std::make_unique<ArenaBuffer>(arena_, offset, bytes);
    next_ = offset + bytes;
    return buffer;
  }

 protected:
  void invoke(const std::uint32_t* words, std::uint32_t count, std::uint32_t* results) override {
    const std::size_t cmd_bytes = std::size_t{count} * hls::kCommandWords * 4;
    cmds_.write(words, cmd_bytes, 0);
    cmds_.sync(XCL_BO_SYNC_BO_TO_DEVICE, cmd_bytes, 0);
    run_.set_arg(kArgNcmds, count);
    run_.start();
    const ert_cmd_state state = run_.wait(kRunBudget);
    if (state != ERT_CMD_STATE_COMPLETED)
      throw std::runtime_error(fmt::format("{}: esp_kernel run of {} commands ended in state {} (4 = completed) "
                                           "within {} ms; the kernel is hung or the xclbin is not espgw's",
                                           name_, count, static_cast<int>(state), kRunBudget.count()));
    results_.sync(XCL_BO_SYNC_BO_FROM_DEVICE, std::size_t{count} * 4, 0);
    results_.read(results, std::size_t{count} * 4, 0);
  }

 private:
  std::shared_ptr<const LoadedXclbin> card_;  // keeps the device open while any CU is
  ::xrt::device device_;
  ::xrt::kernel kernel_;
  FlavourOptions options_;
  std::string name_;
  ::xrt::bo cmds_, results_, arena_;
  ::xrt::run run_;
  std::mutex arena_mu_;
  std::size_t next_ = 1;
};

}  // namespace

std::unique_ptr<hw::Transport> make_kernel_transport(std::shared_ptr<const LoadedXclbin> card,
                                                     const FlavourOptions& options) {
  return std::make_unique<KernelTransport>(std::move(card), options);
}

}  // namespace espgw::driver::xrt

// Burst loops of the data path (see forwarder.hpp).
#include "host/dataplane/forwarder.hpp"

#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "host/dataplane/tun_gro.hpp"
#include "host/dataplane/tun_offload.hpp"

namespace espgw::dataplane {

namespace {
constexpr int kPollTimeoutMs = 500;  // only a safety net: stop() wakes workers via eventfd
constexpr std::int64_t kAcquireIntervalMs = 1000;
// An odd number of cache lines (29 x 64 bytes) between job buffers: consecutive buffers'
// starts land in distinct cache sets.
constexpr std::size_t kBufferStagger = 29 * 64;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

// One worker's preallocated buffers: a job array per direction, each job owning one buffer.
struct Forwarder::Worker {
  std::unique_ptr<std::uint8_t[]> storage;
  std::vector<driver::PacketJob> out_jobs, in_jobs;
  std::vector<const ProxyPair*> out_pairs;
  std::vector<driver::PacketJob*> tx;
  std::vector<const ProxyPair*> tx_pairs;
  std::unique_ptr<bool[]> tx_failed;
  std::unique_ptr<std::uint8_t[]> scratch;  // one TUN read with offload: up to 64 KB
  TcpCoalescer coalescer;                    // inbound TUN writes with offload (GRO)

  Worker(unsigned burst, std::uint32_t bytes, Tun& tun)
      : coalescer([&tun](std::span<const iovec> iov) { return tun.write_iov(0, iov); }) {
    // One block, buffers kBufferStagger apart beyond their size: with a power-of-two stride
    // (16 KB) every buffer's first bytes (where the packets are) fall into the same few cache
    // sets, and a burst of 2 x 64 packets evicts itself from L1/L2 between the TUN read,
    // encryption and send.
    const std::size_t stride = (std::size_t{bytes} + 63) / 64 * 64 + kBufferStagger;
    storage.reset(new std::uint8_t[stride * 2 * burst + 64]);
    std::uint8_t* next = storage.get();
    auto make = [&](std::vector<driver::PacketJob>& jobs) {
      jobs.resize(burst);
      for (auto& j : jobs) {
        j.buffer = next;
        j.capacity = bytes;
        next += stride;
      }
    };
    make(out_jobs);
    make(in_jobs);
    out_pairs.resize(burst);
    tx.resize(burst);
    tx_pairs.resize(burst);
    tx_failed.reset(new bool[burst]);
    scratch.reset(new std::uint8_t[kMaxGsoPacketBytes]);
  }
};

Forwarder::Forwarder(driver::EspDevice& device, Tun& tun, EspSocket& esp, const SpdHandle& spd, Options options)
    : device_(device), tun_(tun), esp_(esp), spd_(spd), options_(options) {
  if (options_.burst == 0 || options_.burst > 256) options_.burst = 64;
  if (options_.threads == 0) options_.threads = 1;
  if (options_.threads > tun_.queues()) options_.threads = tun_.queues();
  stop_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stop_fd_ < 0) throw std::runtime_error("forwarder: eventfd failed");
}

Forwarder::~Forwarder() {
  stop();
  ::close(stop_fd_);
}

void Forwarder::start() {
  if (running_.exchange(true)) return;
  for (unsigned i = 0; i < options_.threads; ++i) threads_.emplace_back([this, i] { run(i); });
}

void Forwarder::stop() {
  if (!running_.exchange(false)) return;
  std::uint64_t one = 1;
  [[maybe_unused]] auto w = ::write(stop_fd_, &one, sizeof one);
  for (auto& t : threads_) t.join();
  threads_.clear();
}

void Forwarder::process(std::vector<driver::PacketJob>& jobs, std::size_t n) {
  std::lock_guard lock(process_mutex_);
  device_.process(std::span(jobs.data(), n));
}

void Forwarder::run(unsigned index) {
  if (options_.rt_priority > 0) {
    sched_param p{};
    p.sched_priority = options_.rt_priority;
    if (int err = ::pthread_setschedparam(::pthread_self(), SCHED_FIFO, &p); err != 0)
      spdlog::warn("forwarder {}: SCHED_FIFO priority {} refused ({}); running with normal priority", index,
                   options_.rt_priority, std::strerror(err));
  }
  Worker w(options_.burst, options_.buffer_bytes, tun_);
  pollfd fds[4] = {{tun_.fd(index), POLLIN, 0}, {esp_.raw_fd(), POLLIN, 0}, {esp_.udp_fd(), POLLIN, 0},
                   {stop_fd_, POLLIN, 0}};
  while (running_.load(std::memory_order_relaxed)) {
    // Datagrams of a UDP GRO message that did not fit the last burst are still waiting.
    const bool pending = esp_.udp_pending();
    int r = ::poll(fds, 4, pending ? 0 : kPollTimeoutMs);
    if (r < 0 || (r == 0 && !pending)) continue;
    if (fds[3].revents) break;
    if (fds[0].revents & POLLIN) outbound_burst(w, index);
    if (fds[1].revents & POLLIN) inbound_burst(w, false);
    if ((fds[2].revents & POLLIN) || pending) inbound_burst(w, true);
  }
}

// Queues one cleartext packet (already at job n's headroom offset) for encapsulation, or
// counts why it cannot go. Returns whether the job slot was used.
bool Forwarder::classify_outbound(Worker& w, std::size_t n, std::uint32_t length, const Spd& spd) {
  auto& j = w.out_jobs[n];
  auto tuple = parse_five_tuple({j.buffer + driver::kOutboundHeadroom, length});
  if (!tuple) {
    counters_.tun_rx_not_ipv4.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  const SpdDecision d = spd.lookup(*tuple);
  if (d.kind == SpdDecision::Kind::kBypass) {
    // Only traffic routed into the TUN arrives here: cleartext that no crypto map
    // protects has nowhere to go and is dropped rather than leaked (docs/architecture.md).
    counters_.bypass_drops.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  if (d.pair->outbound_sa == driver::kNoSa) {
    counters_.no_sa_drops.fetch_add(1, std::memory_order_relaxed);
    d.pair->counters->no_sa_send.fetch_add(1, std::memory_order_relaxed);
    if (!d.entry->manual && acquire_) {
      const std::int64_t t = now_ms();
      std::int64_t last = d.pair->counters->last_acquire_ms.load(std::memory_order_relaxed);
      if (t - last >= kAcquireIntervalMs && d.pair->counters->last_acquire_ms.compare_exchange_strong(last, t))
        acquire_(*d.entry, *d.pair, *tuple);
    }
    return false;
  }
  j.direction = driver::Direction::kOutbound;
  j.sa = d.pair->outbound_sa;
  j.offset = driver::kOutboundHeadroom;
  j.length = length;
  j.status = driver::Status::kOk;
  w.out_pairs[n] = d.pair;
  return true;
}

void Forwarder::outbound_burst(Worker& w, unsigned queue) {
  const auto spd = spd_.load();  // one snapshot per burst
  const std::uint32_t room = options_.buffer_bytes - driver::kOutboundHeadroom - driver::kMaxEspOverhead;
  // With TUN offload a read may yield a TCP super-packet; its segments are cut straight into
  // the job buffers (one copy per byte), and the burst is flushed whenever the jobs are full.
  struct Sink final : SegmentSink {
    Forwarder& f;
    Worker& w;
    const Spd& spd;
    std::uint32_t room;
    std::size_t n = 0;
    Sink(Forwarder& fw, Worker& wk, const Spd& s, std::uint32_t r) : f(fw), w(wk), spd(s), room(r) {}
    std::uint8_t* place(std::size_t bytes) override {
      if (n == f.options_.burst) {
        f.encapsulate_and_send(w, n);
        n = 0;
      }
      if (bytes > room) {
        f.counters_.encaps_failed.fetch_add(1, std::memory_order_relaxed);
        return nullptr;
      }
      return w.out_jobs[n].buffer + driver::kOutboundHeadroom;
    }
    void commit(std::span<const std::uint8_t> segment) override {
      if (f.classify_outbound(w, n, static_cast<std::uint32_t>(segment.size()), spd)) ++n;
    }
  } sink(*this, w, *spd, room);
  for (unsigned reads = 0; reads < options_.burst; ++reads) {
    if (!tun_.offload()) {
      if (sink.n == options_.burst) break;
      auto& j = w.out_jobs[sink.n];
      long got = tun_.read(queue, {j.buffer + driver::kOutboundHeadroom, room});
      if (got <= 0) break;
      counters_.tun_rx.fetch_add(1, std::memory_order_relaxed);
      if (classify_outbound(w, sink.n, static_cast<std::uint32_t>(got), *spd)) ++sink.n;
      continue;
    }
    long got = tun_.read(queue, {w.scratch.get(), kMaxGsoPacketBytes});
    if (got <= static_cast<long>(kVnetHdrBytes)) break;
    counters_.tun_rx.fetch_add(1, std::memory_order_relaxed);
    const VnetHeader h = parse_vnet_header({w.scratch.get(), kVnetHdrBytes});
    std::span<std::uint8_t> packet(w.scratch.get() + kVnetHdrBytes, static_cast<std::size_t>(got) - kVnetHdrBytes);
    if (h.gso_type == 1 /* VIRTIO_NET_HDR_GSO_TCPV4 */) {
      if (segment_tcp4(packet, h.gso_size, sink) == 0)
        counters_.tun_rx_not_ipv4.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    if (h.gso_type != 0) {  // not offered (TSO6/UFO): never expected
      counters_.tun_rx_not_ipv4.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    if ((h.flags & 1 /* NEEDS_CSUM */) && !complete_checksum(packet, h.csum_start, h.csum_offset)) {
      counters_.tun_rx_not_ipv4.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    if (std::uint8_t* dst = sink.place(packet.size())) {
      std::memcpy(dst, packet.data(), packet.size());
      sink.commit({dst, packet.size()});
    }
  }
  if (sink.n) encapsulate_and_send(w, sink.n);
}

void Forwarder::encapsulate_and_send(Worker& w, std::size_t n) {
  process(w.out_jobs, n);
  std::size_t ntx = 0;
  for (std::size_t i = 0; i < n; ++i) {
    auto& j = w.out_jobs[i];
    if (j.status != driver::Status::kOk) {
      counters_.encaps_failed.fetch_add(1, std::memory_order_relaxed);
      w.out_pairs[i]->counters->encaps_failed.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    w.tx[ntx] = &j;
    w.tx_pairs[ntx] = w.out_pairs[i];
    ++ntx;
  }
  if (ntx == 0) return;
  const unsigned refused = esp_.send(std::span(w.tx.data(), ntx), std::span(w.tx_failed.get(), ntx));
  counters_.esp_tx.fetch_add(ntx - refused, std::memory_order_relaxed);
  if (refused) {
    counters_.send_errors.fetch_add(refused, std::memory_order_relaxed);
    for (std::size_t i = 0; i < ntx; ++i)
      if (w.tx_failed[i]) w.tx_pairs[i]->counters->send_errors.fetch_add(1, std::memory_order_relaxed);
  }
}

void Forwarder::inbound_burst(Worker& w, bool udp) {
  std::span<driver::PacketJob> jobs(w.in_jobs.data(), options_.burst);
  const unsigned n = udp ? esp_.recv_udp(jobs) : esp_.recv_raw(jobs);
  if (n == 0) return;
  counters_.esp_rx.fetch_add(n, std::memory_order_relaxed);
  process(w.in_jobs, n);
  unsigned delivered = 0;
  for (unsigned i = 0; i < n; ++i) {
    auto& j = w.in_jobs[i];
    if (j.status != driver::Status::kOk) {
      // Counted on the SA (auth, replay, pad, policy) or on the device (bad SPI) already.
      counters_.decaps_failed.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    if (tun_.offload()) {
      // One flow's consecutive TCP segments leave as one GSO super-packet: the kernel then
      // forwards one skb instead of dozens (tun_gro.hpp).
      w.coalescer.add({j.buffer + j.offset, j.length});
      ++delivered;
      continue;
    }
    if (tun_.write(0, j.packet()) < 0)
      counters_.tun_tx_errors.fetch_add(1, std::memory_order_relaxed);
    else
      counters_.tun_tx.fetch_add(1, std::memory_order_relaxed);
  }
  if (delivered) {
    const unsigned failed = w.coalescer.flush();
    counters_.tun_tx.fetch_add(delivered - failed, std::memory_order_relaxed);
    if (failed) counters_.tun_tx_errors.fetch_add(failed, std::memory_order_relaxed);
  }
}

}  // namespace espgw::dataplane

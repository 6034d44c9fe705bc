// The data path: worker threads moving packets in bursts between the TUN device and the ESP
// sockets through EspDevice::process (DESIGN.md "Data flow"). Never runs on the control loop.
// Outbound: TUN read -> SPD lookup -> encapsulate -> sendmmsg. Inbound: recvmmsg -> decap
// (the device checks SPI, replay, ICV, padding and selectors) -> TUN write. Buffers are
// preallocated with kOutboundHeadroom in front so encapsulation runs in place. Every drop is
// counted: on the SA by the device, on the proxy pair or on the forwarder here.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "espgw/driver/esp_device.hpp"
#include "host/dataplane/esp_socket.hpp"
#include "host/dataplane/spd.hpp"
#include "host/dataplane/tun.hpp"

namespace espgw::dataplane {

struct ForwarderCounters {
  std::atomic<std::uint64_t> tun_rx{0};
  std::atomic<std::uint64_t> tun_rx_not_ipv4{0};  // non-IPv4 or malformed cleartext
  std::atomic<std::uint64_t> bypass_drops{0};     // routed into the TUN but no map protects it
  std::atomic<std::uint64_t> no_sa_drops{0};      // protected, SA not (yet) there
  std::atomic<std::uint64_t> encaps_failed{0};
  std::atomic<std::uint64_t> esp_tx{0};
  std::atomic<std::uint64_t> send_errors{0};
  std::atomic<std::uint64_t> esp_rx{0};
  std::atomic<std::uint64_t> decaps_failed{0};    // any inbound status but ok
  std::atomic<std::uint64_t> tun_tx{0};
  std::atomic<std::uint64_t> tun_tx_errors{0};
};

class Forwarder {
 public:
  struct Options {
    unsigned burst = 64;
    std::uint32_t buffer_bytes = 16384;  // per packet, headroom included
    unsigned threads = 1;                // one TUN queue each; process() is serialized
    // SCHED_FIFO priority of the workers (0: normal scheduling). On a busy host the
    // forwarder's wake-up latency, not its CPU time, limits throughput (docs/performance.md);
    // the workers block in poll() when idle, so a real-time priority does not spin.
    int rt_priority = 0;
  };
  // Called on a worker thread when a packet matches an ipsec-isakmp pair without an SA,
  // at most once a second per pair; must only hand off (post to the control loop).
  using AcquireHook = std::function<void(const SpdMapEntry&, const ProxyPair&, const FiveTuple&)>;

  Forwarder(driver::EspDevice& device, Tun& tun, EspSocket& esp, const SpdHandle& spd, Options options);
  ~Forwarder();
  Forwarder(const Forwarder&) = delete;
  Forwarder& operator=(const Forwarder&) = delete;

  void set_acquire_hook(AcquireHook hook) { acquire_ = std::move(hook); }
  void start();
  void stop();  // joins the workers; safe to call twice

  const ForwarderCounters& counters() const { return counters_; }

 private:
  struct Worker;
  void run(unsigned index);
  void outbound_burst(Worker& w, unsigned queue);
  bool classify_outbound(Worker& w, std::size_t n, std::uint32_t length, const Spd& spd);
  void encapsulate_and_send(Worker& w, std::size_t n);
  void inbound_burst(Worker& w, bool udp);
  void process(std::vector<driver::PacketJob>& jobs, std::size_t n);

  driver::EspDevice& device_;
  Tun& tun_;
  EspSocket& esp_;
  const SpdHandle& spd_;
  Options options_;
  AcquireHook acquire_;
  ForwarderCounters counters_;
  std::mutex process_mutex_;  // EspDevice::process: one thread at a time
  int stop_fd_ = -1;          // eventfd that wakes every worker on stop()
  std::atomic<bool> running_{false};
  std::vector<std::thread> threads_;
};

}  // namespace espgw::dataplane

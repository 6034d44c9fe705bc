// espd's life cycle: load and check the config, open the device, TUN, ESP sockets and the
// control socket, start the forwarder, then run the Boost.Asio control loop until SIGTERM
// (remove routes and SAs, zeroize keys) with SIGHUP re-reading the config.
#pragma once

#include <string>

namespace espgw::espd {

struct DaemonOptions {
  std::string config_path;
  std::string ifmap;
  std::string backend = "cpu";
  std::string device;  // xrt: card index (e.g. "0") or BDF; empty = the first card
  std::string xclbin;  // xrt: path of the xclbin espd loads at open
  unsigned compute_units = 1;  // ESP engines behind one device (driver::multi::MultiDevice when > 1)
  std::string control_path = "/run/espd.sock";
  std::string tun_name = "espgw0";
  std::string esp_encap = "raw";  // manual SAs: raw (IP protocol 50) or udp (RFC 3948, port 4500)
  unsigned threads = 1;
  unsigned burst = 64;
  bool tun_offload = true;
  int rt_priority = 0;      // SCHED_FIFO priority of the forwarder threads, 0 = normal  // IFF_VNET_HDR with TSO4/CSUM: the kernel hands over TCP super-packets
  std::string ha_sync_key_file;  // TLS 1.3 PSK of the stateful-failover channel (hex or raw)
  bool check_config = false;
  bool strict = false;
};

// Returns the process exit code.
int run_daemon(const DaemonOptions& options);

}  // namespace espgw::espd

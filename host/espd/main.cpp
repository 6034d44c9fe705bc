// espd: the espgw daemon (docs/cli.md). Thin: options in, run_daemon() out.
#include <CLI/CLI.hpp>

#include "host/common/logging.hpp"
#include "host/espd/daemon.hpp"

int main(int argc, char** argv) {
  espgw::espd::DaemonOptions o;
  std::string log_level = "info";
  CLI::App app{"espd: IPsec gateway daemon (IOS crypto-map configuration, ESP on cpu/sim/hls/xrt)"};
  app.add_option("--config", o.config_path, "IOS configuration file")->required();
  app.add_option("--ifmap", o.ifmap, "IOS to Linux interface names: GigabitEthernet0/0=wan0,...");
  app.add_option("--backend", o.backend, "ESP engine: cpu|sim|hls|xrt|auto")->check(CLI::IsMember({"cpu", "sim", "hls", "xrt", "auto"}));
  app.add_option("--device", o.device, "xrt: Alveo card index (0, 1, ...) or PCIe BDF (0000:65:00.1); default: first card");
  app.add_option("--xclbin", o.xclbin, "xrt: path of the xclbin with the esp_top (RTL) or esp_kernel (HLS) kernel (docs/alveo.md)");
  app.add_option("--compute-units", o.compute_units,
                 "ESP engines of the backend behind one device, SAs spread over them (docs/hardware.md)")
      ->check(CLI::Range(1, 16));
  app.add_option("--control", o.control_path, "control socket path (mode 0600)");
  app.add_option("--tun", o.tun_name, "name of the cleartext TUN device");
  app.add_option("--esp-encap", o.esp_encap, "ipsec-manual SAs carry ESP raw (IP protocol 50) or in UDP 4500 (RFC 3948)")
      ->check(CLI::IsMember({"raw", "udp"}));
  app.add_option("--threads", o.threads, "forwarder threads (one TUN queue each)")->check(CLI::Range(1, 16));
  app.add_option("--burst", o.burst, "packets per burst")->check(CLI::Range(1, 256));
  std::string offload = "on";
  app.add_option("--tun-offload", offload, "TUN TSO4/checksum offload (segmentation done by espd): on|off")
      ->check(CLI::IsMember({"on", "off"}));
  app.add_option("--rt-priority", o.rt_priority, "SCHED_FIFO priority of the forwarder threads (0 = normal)")
      ->check(CLI::Range(0, 99));
  app.add_option("--ha-sync-key-file", o.ha_sync_key_file,
                 "stateful HA: file with the TLS 1.3 pre-shared key both routers share (hex digits or raw bytes, "
                 ">= 16 bytes); required by `crypto map NAME redundancy GROUP stateful`");
  app.add_flag("--check-config", o.check_config, "validate the configuration, print a summary, exit 0 or 1");
  app.add_flag("--strict", o.strict, "unknown commands are errors, not warnings");
  app.add_option("--log-level", log_level, "trace|debug|info|warn|error|off");
  CLI11_PARSE(app, argc, argv);
  o.tun_offload = offload == "on";
  espgw::setup_logging("espd", log_level);
  return espgw::espd::run_daemon(o);
}

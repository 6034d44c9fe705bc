// sim_cycles: clocks per packet of the RTL kernel (kernels/rtl/esp_top.sv) under Verilator,
// driven by the real driver (driver/hw HwDevice over sim/SimTransport), so every figure
// includes descriptor fetch, DMA, crypto, completions and the register traffic of a burst.
// Reports clocks/packet, bytes/clock and Gb/s at the design clock (300 MHz by default) for
// AES-GCM and AES-CBC+HMAC-SHA256, 64/512/1420-byte packets, one SA or many interleaved, both
// directions; and Verilator's own speed. Usage: sim_cycles [--packets N] [--sas N] [--mhz F]
// [--only gcm-128] [--sizes 64 1420] [--read-latency C --write-latency C --stall P] (the
// simulated memory's timing, sim/axi_memory.hpp: ideal by default).
#include <chrono>
#include <cstdio>
#include <ctime>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "Vesp_top.h"
#include "driver/hw/hw_device.hpp"
#include "sim/sim_model.hpp"
#include "sim/sim_transport.hpp"

namespace {

using namespace espgw;
using driver::Direction;
using driver::PacketJob;
using driver::SaConfig;
using driver::Status;
using driver::Transform;
using Bytes = std::vector<std::uint8_t>;

constexpr std::uint32_t kHeadroom = 64;  // in front of each packet: outer headers, ESP header, IV
constexpr std::uint32_t kTailroom = 64;  // behind it: padding, trailer, ICV

struct Case {
  const char* name;
  Transform transform;
  std::size_t key_bytes;
};

SaConfig sa(const Case& c, Direction d, std::uint32_t spi) {
  SaConfig s;
  s.spi = spi;
  s.direction = d;
  s.transform = c.transform;
  s.tunnel_src = 0xC6336401;
  s.tunnel_dst = 0xC6336402;
  s.enc_key = SecretBytes(Bytes(c.key_bytes, static_cast<std::uint8_t>(spi)));
  if (c.transform == Transform::kAesCbcHmacSha256) s.auth_key = SecretBytes(Bytes(32, 0x5A));
  s.salt = 0x0BADCAFE;
  s.replay_window = 1024;
  return s;
}

Bytes inner(std::size_t length, std::uint32_t n) {
  Bytes p(length);
  for (std::size_t i = 0; i < length; ++i) p[i] = static_cast<std::uint8_t>(i * 31 + n);
  p[0] = 0x45;
  p[1] = 0;
  p[2] = static_cast<std::uint8_t>(length >> 8);
  p[3] = static_cast<std::uint8_t>(length);
  p[6] = p[7] = 0;  // not a fragment
  p[8] = 64;
  p[9] = 17;
  return p;
}

struct Buffers {
  std::vector<Bytes> bufs;
  std::vector<PacketJob> jobs;
};

Buffers jobs_for(const std::vector<Bytes>& packets, Direction d, const std::vector<driver::SaHandle>& sas) {
  Buffers b;
  b.bufs.reserve(packets.size());
  for (std::size_t i = 0; i < packets.size(); ++i) {
    Bytes buf(kHeadroom + packets[i].size() + kTailroom, 0);
    std::memcpy(buf.data() + kHeadroom, packets[i].data(), packets[i].size());
    b.bufs.push_back(std::move(buf));
    PacketJob j;
    j.direction = d;
    j.sa = d == Direction::kOutbound ? sas[i % sas.size()] : driver::kNoSa;
    j.buffer = b.bufs.back().data();
    j.capacity = static_cast<std::uint32_t>(b.bufs.back().size());
    j.offset = kHeadroom;
    j.length = static_cast<std::uint32_t>(packets[i].size());
    b.jobs.push_back(j);
  }
  return b;
}

struct Figures {
  double clocks_per_packet = 0, bytes_per_clock = 0, cycles_per_second = 0;
};

// Runs the jobs through dev in process() calls of `burst`; returns clocks and wall time.
Figures measure(driver::hw::HwDevice& dev, sim::SimTransport& t, Buffers& b, std::size_t bytes, std::size_t burst) {
  const std::uint64_t c0 = t.cycles();
  const std::clock_t cpu0 = std::clock();
  for (std::size_t i = 0; i < b.jobs.size(); i += burst) {
    const std::size_t n = std::min(burst, b.jobs.size() - i);
    dev.process(std::span(b.jobs).subspan(i, n));
  }
  // Process CPU time, not wall time: the figure stays meaningful on a shared, loaded host.
  const double cpu = static_cast<double>(std::clock() - cpu0) / CLOCKS_PER_SEC;
  const double clocks = static_cast<double>(t.cycles() - c0);
  for (const auto& j : b.jobs)
    if (j.status != Status::kOk)
      throw std::runtime_error(fmt::format("a job failed with status {}", static_cast<int>(j.status)));
  Figures f;
  f.clocks_per_packet = clocks / static_cast<double>(b.jobs.size());
  f.bytes_per_clock = static_cast<double>(bytes) / clocks;
  f.cycles_per_second = cpu > 0 ? clocks / cpu : 0;
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"sim_cycles: clocks per packet of the Verilated RTL ESP kernel"};
  std::size_t packets = 512, many = 64, burst = 256;
  double mhz = 300;
  std::string only;
  std::vector<std::size_t> sizes = {64, 512, 1420};
  app.add_option("--packets", packets, "packets per case (default 512)");
  app.add_option("--sas", many, "SAs interleaved round-robin in the many-SA cases (default 64)");
  app.add_option("--burst", burst, "jobs per process() call (default 256, the driver's posting unit)");
  app.add_option("--mhz", mhz, "design clock for the Gb/s column (default 300)");
  app.add_option("--only", only, "run only the transforms whose name contains this (e.g. gcm-128)");
  app.add_option("--sizes", sizes, "inner packet sizes in bytes (default 64 512 1420)");
  sim::SimOptions so;
  app.add_option("--read-latency", so.memory_timing.read_latency,
                 "memory: clocks from AR to the first R beat (default 0)");
  app.add_option("--write-latency", so.memory_timing.write_latency,
                 "memory: clocks from the last W beat to B (default 0)");
  app.add_option("--stall", so.memory_timing.stall_percent,
                 "memory: percent of clocks READY/VALID is held off per channel (default 0)");
  CLI11_PARSE(app, argc, argv);

  const Case cases[] = {{"aes-gcm-128", Transform::kAesGcm16, 16},
                        {"aes-gcm-256", Transform::kAesGcm16, 32},
                        {"aes-cbc-128+hmac-sha256", Transform::kAesCbcHmacSha256, 16},
                        {"aes-cbc-256+hmac-sha256", Transform::kAesCbcHmacSha256, 32}};

  std::printf("| transform | bytes | SAs | direction | clocks/packet | bytes/clock | Gb/s @ %.0f MHz | sim kcycles/CPU-s |\n",
              mhz);
  std::printf("|---|---|---|---|---|---|---|---|\n");
  double cps_sum = 0;
  int rows = 0;
  for (const Case& c : cases) {
    if (!only.empty() && std::string(c.name).find(only) == std::string::npos) continue;
    for (std::size_t size : sizes) {
      if (size < 28 || size > 65000) {
        std::fprintf(stderr, "sim_cycles: sizes must lie in 28..65000 bytes\n");
        return 2;
      }
      for (std::size_t sa_count : {std::size_t{1}, many}) {
        auto owned = std::make_unique<sim::SimTransport>(
            std::make_unique<sim::VerilatedModel<Vesp_top>>("sim: Verilator model of kernels/rtl/esp_top.sv"), so);
        sim::SimTransport& t = *owned;
        driver::hw::HwOptions o;
        o.backend = "sim";
        driver::hw::HwDevice dev(std::move(owned), o);
        std::vector<driver::SaHandle> out_sas;
        for (std::size_t k = 0; k < sa_count; ++k) {
          const auto spi = static_cast<std::uint32_t>(0x1000 + k);
          const auto r_out = dev.install_sa(sa(c, Direction::kOutbound, spi));
          const auto r_in = dev.install_sa(sa(c, Direction::kInbound, spi));
          if (r_out.status != Status::kOk || r_in.status != Status::kOk) {
            std::fprintf(stderr, "sim_cycles: install failed for %s\n", c.name);
            return 1;
          }
          out_sas.push_back(r_out.handle);
        }
        std::vector<Bytes> plain;
        for (std::size_t i = 0; i < packets; ++i) plain.push_back(inner(size, static_cast<std::uint32_t>(i)));
        Buffers enc = jobs_for(plain, Direction::kOutbound, out_sas);
        const Figures fo = measure(dev, t, enc, size * packets, burst);
        std::vector<Bytes> wire;
        for (const auto& j : enc.jobs) wire.emplace_back(j.buffer + j.offset, j.buffer + j.offset + j.length);
        Buffers dec = jobs_for(wire, Direction::kInbound, out_sas);
        const Figures fi = measure(dev, t, dec, size * packets, burst);
        for (std::size_t i = 0; i < packets; ++i)
          if (dec.jobs[i].length != size || std::memcmp(dec.jobs[i].buffer + dec.jobs[i].offset, plain[i].data(), size) != 0) {
            std::fprintf(stderr, "sim_cycles: %s packet %zu does not decrypt back\n", c.name, i);
            return 1;
          }
        for (const auto& [dir, f] : {std::pair{"out", fo}, std::pair{"in", fi}}) {
          std::printf("| %s | %zu | %zu | %s | %.1f | %.2f | %.2f | %.0f |\n", c.name, size, sa_count, dir,
                      f.clocks_per_packet, f.bytes_per_clock, f.bytes_per_clock * 8 * mhz / 1000, f.cycles_per_second / 1000);
          cps_sum += f.cycles_per_second;
          ++rows;
        }
        std::fflush(stdout);
      }
    }
  }
  if (rows > 0) std::printf("\nVerilator speed: %.0f kcycles per CPU-second on average over %d runs\n", cps_sum / rows / 1000, rows);
  return 0;
}

// MultiDevice: SA placement over the units, handle translation, SPI routing of inbound
// datagrams (RFC 4303 2.1 / RFC 3948) and the concurrent burst. Drop accounting stays in
// the units: a packet no unit can claim goes to unit 0 and is counted there, once.
#include "driver/multi/multi_device.hpp"

#include <algorithm>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

#include "driver/multi/spi_of_datagram.hpp"
#include "driver/multi/unit_worker.hpp"

namespace espgw::driver::multi {

MultiDevice::MultiDevice(std::vector<std::unique_ptr<EspDevice>> units) : units_(std::move(units)) {
  if (units_.empty()) throw std::invalid_argument("multi device: no compute units");
  for (std::size_t u = 0; u < units_.size(); ++u) {
    if (!units_[u]) throw std::invalid_argument("multi device: compute unit " + std::to_string(u) + " is null");
  }
  per_unit_ = units_[0]->info().sa_capacity;
  if (per_unit_ == 0) throw std::invalid_argument("multi device: compute unit 0 reports sa_capacity 0");
  for (std::size_t u = 1; u < units_.size(); ++u) {
    const std::uint32_t c = units_[u]->info().sa_capacity;
    if (c != per_unit_) {
      throw std::invalid_argument("multi device: compute unit " + std::to_string(u) + " has " + std::to_string(c) +
                                  " SA slots, unit 0 has " + std::to_string(per_unit_) +
                                  "; every unit must have the same sa_capacity");
    }
  }
  // kNoSa must stay outside every global handle.
  if (std::uint64_t{per_unit_} * units_.size() >= kNoSa) {
    throw std::invalid_argument("multi device: sa_capacity x units does not fit a 32-bit handle");
  }
  // Units may arrive with SAs installed (e.g. a device handed over): count and route them.
  installed_.assign(units_.size(), 0);
  for (std::size_t u = 0; u < units_.size(); ++u) {
    for (SaHandle h : units_[u]->list_sas()) {
      ++installed_[u];
      const auto s = units_[u]->read_sa(h);
      if (!s || s->direction != Direction::kInbound) continue;
      if (!spi_unit_.emplace(s->spi, u).second) {
        throw std::invalid_argument("multi device: inbound SPI " + std::to_string(s->spi) +
                                    " is installed on more than one compute unit");
      }
      inbound_spi_[join(u, h)] = s->spi;
    }
  }
  unit_jobs_.resize(units_.size());
  unit_index_.resize(units_.size());
  workers_.resize(units_.size());
  for (std::size_t u = 1; u < units_.size(); ++u) workers_[u] = std::make_unique<UnitWorker>(*units_[u]);
}

MultiDevice::~MultiDevice() {
  workers_.clear();  // join the threads before the units they drive go away
}

std::optional<MultiDevice::Local> MultiDevice::split(SaHandle global) const {
  if (global == kNoSa || global >= per_unit_ * units_.size()) return std::nullopt;
  return Local{global / per_unit_, global % per_unit_};
}

DeviceInfo MultiDevice::info() const {
  DeviceInfo i = units_[0]->info();
  const std::string n = std::to_string(units_.size());
  i.backend += "x" + n;
  std::string listing = n + " compute units:";
  for (std::size_t u = 0; u < units_.size(); ++u) {
    const DeviceInfo ui = u == 0 ? units_[0]->info() : units_[u]->info();
    listing += " [" + std::to_string(u) + "] " + ui.device + (u + 1 < units_.size() ? ";" : "");
    i.max_replay_window = std::min(i.max_replay_window, ui.max_replay_window);
  }
  i.device = listing;
  i.sa_capacity = static_cast<std::uint32_t>(per_unit_ * units_.size());
  return i;
}

InstallResult MultiDevice::install_sa(const SaConfig& config) {
  std::lock_guard lock(control_mutex_);
  const bool inbound = config.direction == Direction::kInbound;
  if (inbound) {
    // Inbound packets carry only the SPI, so it must name one SA across every unit.
    std::shared_lock spis(spi_mutex_);
    if (spi_unit_.contains(config.spi)) return {Status::kSpiInUse, kNoSa};
  }
  // Placement: the unit with the fewest SAs, ties to the lowest index. One SA's packets
  // always run on one unit (its sequence numbers and replay window live there), so load
  // spreads only by spreading SAs; counting SAs is the one measure known at install time.
  std::vector<std::size_t> order(units_.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [this](std::size_t a, std::size_t b) { return installed_[a] < installed_[b]; });
  for (std::size_t u : order) {
    const InstallResult r = units_[u]->install_sa(config);
    if (r.status == Status::kTableFull) continue;  // try the next unit; full only when all are
    if (r.status != Status::kOk) return {r.status, kNoSa};  // invalid/unsupported: same answer on every unit
    ++installed_[u];
    const SaHandle global = join(u, r.handle);
    if (inbound) {
      inbound_spi_[global] = config.spi;
      std::unique_lock spis(spi_mutex_);
      spi_unit_[config.spi] = u;
    }
    return {Status::kOk, global};
  }
  return {Status::kTableFull, kNoSa};
}

Status MultiDevice::remove_sa(SaHandle handle) {
  const auto at = split(handle);
  if (!at) return Status::kBadSa;
  std::lock_guard lock(control_mutex_);
  const Status s = units_[at->unit]->remove_sa(at->handle);
  if (s != Status::kOk) return s;
  --installed_[at->unit];
  if (auto it = inbound_spi_.find(handle); it != inbound_spi_.end()) {
    {
      std::unique_lock spis(spi_mutex_);
      spi_unit_.erase(it->second);
    }
    inbound_spi_.erase(it);
  }
  return Status::kOk;
}

std::optional<SaState> MultiDevice::read_sa(SaHandle handle) const {
  const auto at = split(handle);
  if (!at) return std::nullopt;
  return units_[at->unit]->read_sa(at->handle);
}

std::vector<SaHandle> MultiDevice::list_sas() const {
  std::vector<SaHandle> all;
  for (std::size_t u = 0; u < units_.size(); ++u) {
    for (SaHandle h : units_[u]->list_sas()) all.push_back(join(u, h));
  }
  return all;  // units in order, each in slot order: ascending global handles
}

std::size_t MultiDevice::unit_of_inbound(const PacketJob& job) const {
  // A datagram no unit can claim (no SPI, unknown SPI, bad bounds) goes to unit 0, which
  // drops and counts it (kMalformed / kBadSpi) exactly as a single device would.
  if (job.buffer == nullptr || job.offset > job.capacity || job.length > job.capacity - job.offset) return 0;
  const auto spi = spi_of_datagram({job.buffer + job.offset, job.length});
  if (!spi) return 0;
  const auto it = spi_unit_.find(*spi);
  return it == spi_unit_.end() ? 0 : it->second;
}

void MultiDevice::process(std::span<PacketJob> jobs) {
  for (std::size_t u = 0; u < units_.size(); ++u) {
    unit_jobs_[u].clear();
    unit_index_[u].clear();
  }
  {
    std::shared_lock spis(spi_mutex_);
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      PacketJob local = jobs[i];
      std::size_t u = 0;
      if (local.direction == Direction::kInbound) {
        u = unit_of_inbound(local);
      } else if (const auto at = split(local.sa)) {
        u = at->unit;
        local.sa = at->handle;
      } else {
        local.sa = kNoSa;  // unit 0 answers kBadSa and counts it, as one device would
      }
      unit_jobs_[u].push_back(local);
      unit_index_[u].push_back(i);
    }
  }

  // The lowest busy unit runs on this thread; the others on their workers. A burst for one
  // unit therefore never touches a thread.
  std::size_t inline_unit = units_.size();
  for (std::size_t u = 0; u < units_.size(); ++u) {
    if (unit_jobs_[u].empty()) continue;
    if (inline_unit == units_.size()) {
      inline_unit = u;
    } else {
      workers_[u]->start(unit_jobs_[u]);
    }
  }
  std::exception_ptr error;
  if (inline_unit < units_.size()) {
    try {
      units_[inline_unit]->process(unit_jobs_[inline_unit]);
    } catch (...) {
      error = std::current_exception();
    }
  }
  for (std::size_t u = inline_unit + 1; u < units_.size(); ++u) {
    if (unit_jobs_[u].empty()) continue;
    try {
      workers_[u]->wait();  // every started worker is waited for, even after an error
    } catch (...) {
      if (!error) error = std::current_exception();
    }
  }
  if (error) std::rethrow_exception(error);

  for (std::size_t u = 0; u < units_.size(); ++u) {
    for (std::size_t k = 0; k < unit_jobs_[u].size(); ++k) {
      const PacketJob& local = unit_jobs_[u][k];
      PacketJob& job = jobs[unit_index_[u][k]];
      job.status = local.status;
      job.offset = local.offset;
      job.length = local.length;
      job.seq = local.seq;
      if (job.direction == Direction::kInbound) job.sa = join(u, local.sa);
    }
  }
}

std::size_t MultiDevice::poll_events(std::span<SaEvent> out) {
  // The first unit drained rotates so a small `out` cannot starve the last units.
  const std::size_t first = poll_start_.fetch_add(1, std::memory_order_relaxed) % units_.size();
  std::size_t n = 0;
  for (std::size_t k = 0; k < units_.size() && n < out.size(); ++k) {
    const std::size_t u = (first + k) % units_.size();
    const std::size_t got = units_[u]->poll_events(out.subspan(n));
    for (std::size_t e = n; e < n + got; ++e) out[e].sa = join(u, out[e].sa);
    n += got;
  }
  return n;
}

EspDevice::DeviceCounters MultiDevice::device_counters() const {
  DeviceCounters sum;
  for (const auto& unit : units_) {
    const DeviceCounters c = unit->device_counters();
    sum.bad_spi += c.bad_spi;
    sum.malformed += c.malformed;
    sum.bad_sa += c.bad_sa;
  }
  return sum;
}

}  // namespace espgw::driver::multi

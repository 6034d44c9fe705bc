// MultiDevice over scripted units (no crypto): each unit stamps the jobs it ran, so the tests
// see which unit got which job, in which order, and that a unit's exception reaches the
// caller only after every unit of the burst has finished.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "driver/multi/multi_device.hpp"

namespace espgw::driver::multi::test {
namespace {

// A unit with `capacity` slots; process() marks outbound jobs with the unit id in seq's
// high bits and a per-unit running count in the low bits, and can be told to throw.
class ScriptedUnit final : public EspDevice {
 public:
  ScriptedUnit(std::uint32_t id, std::uint32_t capacity) : id_(id), slots_(capacity) {}
  DeviceInfo info() const override {
    DeviceInfo i;
    i.backend = "fake";
    i.device = "fake unit " + std::to_string(id_);
    i.sa_capacity = static_cast<std::uint32_t>(slots_.size());
    i.max_replay_window = 64;
    return i;
  }
  InstallResult install_sa(const SaConfig& c) override {
    std::lock_guard lock(mutex_);
    for (std::uint32_t i = 0; i < slots_.size(); ++i) {
      if (!slots_[i]) {
        slots_[i] = c.spi;
        return {Status::kOk, i};
      }
    }
    return {Status::kTableFull, kNoSa};
  }
  Status remove_sa(SaHandle h) override {
    std::lock_guard lock(mutex_);
    if (h >= slots_.size() || !slots_[h]) return Status::kBadSa;
    slots_[h] = 0;
    return Status::kOk;
  }
  std::optional<SaState> read_sa(SaHandle h) const override {
    std::lock_guard lock(mutex_);
    if (h >= slots_.size() || !slots_[h]) return std::nullopt;
    SaState s;
    s.spi = slots_[h];
    return s;
  }
  std::vector<SaHandle> list_sas() const override {
    std::lock_guard lock(mutex_);
    std::vector<SaHandle> v;
    for (std::uint32_t i = 0; i < slots_.size(); ++i)
      if (slots_[i]) v.push_back(i);
    return v;
  }
  void process(std::span<PacketJob> jobs) override {
    for (auto& j : jobs) {
      j.status = Status::kOk;
      j.seq = std::uint64_t{id_} << 32 | ++ran_;
    }
    if (throw_next_.exchange(false)) throw std::runtime_error("unit " + std::to_string(id_) + " failed");
  }
  std::size_t poll_events(std::span<SaEvent>) override { return 0; }
  DeviceCounters device_counters() const override { return {}; }

  std::atomic<bool> throw_next_{false};

 private:
  std::uint32_t id_;
  mutable std::mutex mutex_;
  std::vector<std::uint32_t> slots_;
  std::uint64_t ran_ = 0;
};

struct Fixture {
  std::vector<ScriptedUnit*> units;
  std::unique_ptr<MultiDevice> dev;
  explicit Fixture(std::uint32_t n, std::uint32_t capacity = 4) {
    std::vector<std::unique_ptr<EspDevice>> v;
    for (std::uint32_t u = 0; u < n; ++u) {
      auto p = std::make_unique<ScriptedUnit>(u, capacity);
      units.push_back(p.get());
      v.push_back(std::move(p));
    }
    dev = std::make_unique<MultiDevice>(std::move(v));
  }
  SaHandle add(std::uint32_t spi) {
    SaConfig c;
    c.spi = spi;
    return dev->install_sa(c).handle;
  }
};

TEST(MultiDeviceScripted, EachUnitRunsItsOwnJobsInBurstOrder) {
  Fixture f(3);
  const SaHandle a = f.add(0x101), b = f.add(0x102), c = f.add(0x103);  // units 0, 1, 2
  std::vector<PacketJob> jobs(9);
  const SaHandle order[] = {c, a, b, c, c, a, b, a, c};
  for (std::size_t i = 0; i < jobs.size(); ++i) jobs[i].sa = order[i];
  f.dev->process(jobs);
  std::map<std::uint64_t, std::uint64_t> last;  // unit -> last count seen
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    ASSERT_EQ(jobs[i].status, Status::kOk);
    const std::uint64_t unit = jobs[i].seq >> 32, n = jobs[i].seq & 0xFFFFFFFF;
    EXPECT_EQ(unit, order[i] / 4) << i;
    EXPECT_EQ(n, last[unit] + 1) << i;  // in order within the unit
    last[unit] = n;
    EXPECT_EQ(jobs[i].sa, order[i]);  // outbound handles stay global
  }
}

TEST(MultiDeviceScripted, AUnitsExceptionReachesTheCallerAndTheDeviceStaysUsable) {
  Fixture f(3);
  const SaHandle a = f.add(0x201), b = f.add(0x202), c = f.add(0x203);
  std::vector<PacketJob> jobs(3);
  jobs[0].sa = a;
  jobs[1].sa = b;
  jobs[2].sa = c;
  f.units[2]->throw_next_ = true;
  EXPECT_THROW(f.dev->process(jobs), std::runtime_error);
  f.units[0]->throw_next_ = true;  // the unit run on the caller's thread
  EXPECT_THROW(f.dev->process(jobs), std::runtime_error);
  f.dev->process(jobs);
  for (const auto& j : jobs) EXPECT_EQ(j.status, Status::kOk);
  EXPECT_EQ(jobs[2].seq & 0xFFFFFFFF, 3u);  // unit 2 ran all three bursts
}

TEST(MultiDeviceScripted, ManyBurstsWithControlTrafficAndTeardownAreClean) {
  for (int round = 0; round < 3; ++round) {
    Fixture f(4, 8);
    std::vector<SaHandle> sas;
    for (std::uint32_t u = 0; u < 4; ++u) sas.push_back(f.add(0x300 + u));
    std::atomic<bool> stop{false};
    std::thread control([&] {
      for (std::uint32_t n = 0; n < 500 && !stop; ++n) {
        SaConfig c;
        c.spi = 0x1000 + n;
        c.direction = Direction::kInbound;
        const auto r = f.dev->install_sa(c);
        if (r.status == Status::kOk) {
          EXPECT_EQ(f.dev->remove_sa(r.handle), Status::kOk);
        }
      }
    });
    std::vector<PacketJob> jobs(16);
    for (int b = 0; b < 2000; ++b) {
      for (std::size_t i = 0; i < jobs.size(); ++i) jobs[i].sa = sas[(i + b) % sas.size()];
      f.dev->process(jobs);
      for (const auto& j : jobs) ASSERT_EQ(j.status, Status::kOk);
    }
    stop = true;
    control.join();
  }
}

}  // namespace
}  // namespace espgw::driver::multi::test

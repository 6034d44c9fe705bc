// SyncReplica (see sync_replica.hpp).
#include "host/ha/sync_replica.hpp"

#include <algorithm>
#include <cstdint>
#include <type_traits>

namespace espgw::ha {

void SyncReplica::apply(const SyncMessage& msg, std::chrono::steady_clock::time_point now) {
  ++counters_.messages;
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, SyncHello>) {
          // Roles and boot ids are the channel's business.
        } else if constexpr (std::is_same_v<T, BulkBegin>) {
          if (staging_) ++counters_.bulks_abandoned;
          staging_.emplace();
          staging_generation_ = m.generation;
        } else if constexpr (std::is_same_v<T, BulkEnd>) {
          if (!staging_ || staging_generation_ != m.generation) {
            ++counters_.unexpected;
            return;
          }
          if (staging_->ike.size() != m.ike_sas || staging_->ipsec.size() != m.ipsec_sas) {
            ++counters_.bulks_abandoned;  // something went missing: keep the old replica
            staging_.reset();
            return;
          }
          live_db_ = std::move(*staging_);
          staging_.reset();
          in_sync_ = true;
          ++counters_.bulks_completed;
        } else if constexpr (std::is_same_v<T, IkeSaRecord>) {
          target().ike.insert_or_assign(IkeKey{m.cookie_i, m.cookie_r}, m);
        } else if constexpr (std::is_same_v<T, IpsecSaRecord>) {
          target().ipsec.insert_or_assign(IpsecKey{m.config.spi, m.config.direction}, m);
          target().received_at.insert_or_assign(IpsecKey{m.config.spi, m.config.direction}, now);
        } else if constexpr (std::is_same_v<T, SeqReport>) {
          auto& db = target();
          auto it = db.ipsec.find(IpsecKey{m.spi, m.direction});
          if (it == db.ipsec.end() || m.seq < it->second.seq) {
            ++counters_.stale_reports;
            return;
          }
          it->second.seq = m.seq;
          ++counters_.seq_reports;
        } else if constexpr (std::is_same_v<T, IpsecSaDelete>) {
          target().ipsec.erase(IpsecKey{m.spi, m.direction});
          target().received_at.erase(IpsecKey{m.spi, m.direction});
        } else if constexpr (std::is_same_v<T, IkeSaDelete>) {
          target().ike.erase(IkeKey{m.cookie_i, m.cookie_r});
        }
      },
      msg);
}

void SyncReplica::connection_lost() {
  if (staging_) ++counters_.bulks_abandoned;
  staging_.reset();
  in_sync_ = false;
}

namespace {
std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }
}  // namespace

std::vector<IpsecSaRecord> SyncReplica::takeover_ipsec_records(bool peer_may_be_sending,
                                                                std::chrono::steady_clock::time_point now) const {
  unbounded_ = 0;
  std::vector<IpsecSaRecord> out;
  out.reserve(live_db_.ipsec.size());
  for (const auto& [key, rec] : live_db_.ipsec) {
    IpsecSaRecord r = rec;
    if (auto at = live_db_.received_at.find(key); at != live_db_.received_at.end())
      r.lifetime_remaining_s = lifetime_left(rec.lifetime_remaining_s, now - at->second);
    driver::SaConfig& c = r.config;
    if (c.direction == driver::Direction::kOutbound) {
      // The active may have sent up to N - 1 packets past its last report, plus what it sent
      // while that report was in flight: skip N + margin so none is ever sent twice.
      // Saturating: a report near 2^64 (a peer's claim, or a huge margin) must not wrap round
      // to numbers, and GCM IVs, already used; UINT64_MAX leaves the SA no number to send,
      // so it overflows at once and is rekeyed (found by tests/fuzz/fuzz_ha_sync).
      std::uint64_t last = std::max(rec.seq, rec.config.initial_seq);
      std::uint64_t skip = interval_.outbound_packets + std::min(margin_, UINT64_MAX - interval_.outbound_packets);
      c.initial_seq = last > UINT64_MAX - skip ? UINT64_MAX : last + skip;
      if (peer_may_be_sending) {
        // The old active may still be sending (nobody heard it stop): start above the last
        // number its device will ever give this SA before the hard lifetime ends it.
        const auto& lt = rec.config.lifetime;
        std::uint64_t most = 0;
        if (lt.hard_packets) most = lt.hard_packets;
        if (lt.hard_bytes) {
          const std::uint64_t by_bytes = lt.hard_bytes / kMinInnerPacketBytes + 1;
          most = most ? std::min(most, by_bytes) : by_bytes;
        }
        if (most == 0) ++unbounded_;
        else c.initial_seq = std::max(c.initial_seq, saturating_add(rec.config.initial_seq, most));
      }
    } else {
      c.initial_seq = rec.seq;
    }
    r.seq = c.initial_seq;
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<driver::SaConfig> SyncReplica::takeover_ipsec(bool peer_may_be_sending,
                                                         std::chrono::steady_clock::time_point now) const {
  std::vector<driver::SaConfig> out;
  for (auto& r : takeover_ipsec_records(peer_may_be_sending, now)) out.push_back(std::move(r.config));
  return out;
}

std::vector<IkeSaRecord> SyncReplica::takeover_ike() const {
  std::vector<IkeSaRecord> out;
  for (const auto& [key, rec] : live_db_.ike) out.push_back(rec);
  return out;
}

std::optional<std::uint64_t> SyncReplica::reported_seq(std::uint32_t spi, driver::Direction direction) const {
  auto it = live_db_.ipsec.find(IpsecKey{spi, direction});
  if (it == live_db_.ipsec.end()) return std::nullopt;
  return it->second.seq;
}

}  // namespace espgw::ha

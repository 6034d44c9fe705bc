// SyncPublisher (see sync_publisher.hpp).
#include "host/ha/sync_publisher.hpp"

namespace espgw::ha {

SyncMessage SyncPublisher::ike_sa_up(IkeSaRecord record) {
  ++counters_.ike_records;
  auto key = std::pair(record.cookie_i, record.cookie_r);
  ike_.insert_or_assign(key, record);
  return record;
}

std::optional<SyncMessage> SyncPublisher::ike_sa_down(const IkeCookie& cookie_i, const IkeCookie& cookie_r) {
  if (ike_.erase(std::pair(cookie_i, cookie_r)) == 0) return std::nullopt;
  ++counters_.deletes;
  return IkeSaDelete{cookie_i, cookie_r};
}

// What is left of a time lifetime given `elapsed` ago; 0 stays 0 (none), an expired one is
// 1 s so it ends (and rekeys) at once instead of becoming "no lifetime".
std::uint32_t lifetime_left(std::uint32_t given_s, std::chrono::steady_clock::duration elapsed) {
  if (given_s == 0) return 0;
  const auto gone = std::chrono::duration_cast<std::chrono::seconds>(elapsed).count();
  if (gone <= 0) return given_s;
  return gone >= given_s ? 1 : static_cast<std::uint32_t>(given_s - gone);
}

SyncMessage SyncPublisher::ipsec_sa_up(IpsecSaRecord record, std::chrono::steady_clock::time_point now) {
  ++counters_.ipsec_records;
  if (record.config.direction == driver::Direction::kOutbound)
    record.seq = std::max(record.seq, record.config.initial_seq);
  const IpsecKey key{record.config.spi, record.config.direction};
  published_at_.insert_or_assign(key, now);
  ipsec_.insert_or_assign(key, record);
  return record;
}

std::optional<SyncMessage> SyncPublisher::ipsec_sa_down(std::uint32_t spi, driver::Direction direction) {
  published_at_.erase(IpsecKey{spi, direction});
  if (ipsec_.erase(IpsecKey{spi, direction}) == 0) return std::nullopt;
  ++counters_.deletes;
  return IpsecSaDelete{spi, direction};
}

std::optional<SyncMessage> SyncPublisher::outbound_raised(std::uint32_t spi, std::uint64_t initial_seq) {
  auto it = ipsec_.find(IpsecKey{spi, driver::Direction::kOutbound});
  if (it == ipsec_.end()) return std::nullopt;
  it->second.config.initial_seq = std::max(it->second.config.initial_seq, initial_seq);
  it->second.seq = std::max(it->second.seq, initial_seq);
  ++counters_.ipsec_records;
  return it->second;
}

std::optional<SyncMessage> SyncPublisher::sa_progress(std::uint32_t spi, driver::Direction direction,
                                                      std::uint64_t seq) {
  auto it = ipsec_.find(IpsecKey{spi, direction});
  if (it == ipsec_.end() || seq <= it->second.seq) return std::nullopt;
  std::uint64_t every = direction == driver::Direction::kOutbound ? interval_.outbound_packets
                                                                  : interval_.inbound_packets;
  if (seq - it->second.seq < std::max<std::uint64_t>(every, 1)) return std::nullopt;
  it->second.seq = seq;
  ++(direction == driver::Direction::kOutbound ? counters_.seq_reports : counters_.replay_reports);
  return SeqReport{spi, direction, seq};
}

std::vector<SyncMessage> SyncPublisher::bulk(std::uint64_t generation, std::chrono::steady_clock::time_point now) {
  std::vector<SyncMessage> out;
  out.reserve(ike_.size() + ipsec_.size() + 2);
  out.emplace_back(BulkBegin{generation});
  for (const auto& [key, rec] : ike_) out.emplace_back(rec);
  for (const auto& [key, rec] : ipsec_) {
    IpsecSaRecord aged = rec;
    aged.lifetime_remaining_s = lifetime_left(rec.lifetime_remaining_s, now - published_at_.at(key));
    out.emplace_back(std::move(aged));
  }
  out.emplace_back(BulkEnd{generation, static_cast<std::uint32_t>(ike_.size()),
                           static_cast<std::uint32_t>(ipsec_.size())});
  ++counters_.bulks;
  return out;
}

}  // namespace espgw::ha

// The kernel's SA table: install (key expansion, GHASH subkey), read-back into the staging
// window (keys never leave), invalidate with zeroization, inbound SPI lookup, and the
// per-SA counters and lifetimes (soft -> event once, hard -> event and the SA stops).
#pragma once

#include <cstdint>

#include "hls/kernel_state.hpp"

namespace espgw::hls {

void sa_table_write(KernelState& st, std::uint32_t index);
void sa_table_read(KernelState& st, std::uint32_t index);
void sa_table_invalidate(KernelState& st, std::uint32_t index);
void sa_table_reset(KernelState& st);

// Inbound SA with this SPI, or kNoSlot.
std::uint32_t sa_table_lookup_spi(const KernelState& st, std::uint32_t spi);

bool sa_valid(const SaSlot& sa);
bool sa_inbound(const SaSlot& sa);
bool sa_esn(const SaSlot& sa);
bool sa_udp(const SaSlot& sa);
rm::Transform sa_transform(const SaSlot& sa);
std::uint64_t sa_seq(const SaSlot& sa);
void sa_set_seq(SaSlot& sa, std::uint64_t seq);
bool sa_hard_expired(const SaSlot& sa);

std::uint64_t sa_counter(const SaSlot& sa, rm::Counter c);
void sa_count(SaSlot& sa, rm::Counter c, std::uint64_t n);

// A packet is about to pass: refuses it (false) when it would exceed a hard lifetime;
// otherwise counts it and raises the soft and hard events when a limit is reached.
bool sa_account_packet(KernelState& st, std::uint32_t index, std::uint32_t inner_bytes);
// The sequence space is exhausted: marks the SA and raises the event once.
void sa_mark_seq_exhausted(KernelState& st, std::uint32_t index);

void event_push(EventFifo& f, rm::Event kind, std::uint32_t index);
std::uint32_t event_pop(EventFifo& f);

}  // namespace espgw::hls

#!/usr/bin/env bash
# Runs the IKEv1 tunnel-setup benchmark (bench/ike_bench.cpp) briefly (about 15 s) and prints
# its summary: tunnels/s (Main Mode + Quick Mode PFS group 14) vs the MODP 2048 DH limit, and
# the ratio; then `openssl speed ffdh2048` as an independent figure for one bare derive.
# Usage: bench/run_ike_bench.sh [build-dir]   (default: build/; configured and built if needed)
# Extra Google Benchmark flags go in IKE_BENCH_ARGS, e.g. IKE_BENCH_ARGS=--benchmark_filter=dh
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build}
bin=$build/bench/ike_bench

if [[ ! -x $bin ]]; then
  [[ -f $build/CMakeCache.txt ]] || cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build" --target ike_bench -j2 >/dev/null
fi
[[ -x $bin ]] || { echo "run_ike_bench: $bin not built (is libbenchmark-dev installed?)" >&2; exit 1; }

log=$(mktemp /tmp/ike_bench.XXXXXX.log)
trap 'rm -f "$log"' EXIT
echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cpus; $(openssl version); $(date -u +%FT%TZ)"
# Two repetitions of about 0.5 s each per row; the summary keeps the fastest CPU time of each.
# shellcheck disable=SC2086
if ! timeout 60 "$bin" --benchmark_min_time=0.5 --benchmark_repetitions=2 ${IKE_BENCH_ARGS:-} >"$log" 2>&1; then
  cat "$log" >&2
  exit 1
fi
sed -n '/^IKE tunnel setup/,$p' "$log"
echo
echo "independent check, openssl speed (one derive in RFC 7919 ffdhe2048, no keygen):"
timeout 20 openssl speed -seconds 2 ffdh2048 2>/dev/null | tail -1

#!/usr/bin/env bash
# Runs the ESP engine benchmark (bench/esp_bench.cpp) briefly, well under a minute, and
# prints its summary table: encap/decap vs raw crypto Gb/s per provider, transform and size.
# Usage: bench/run_esp_bench.sh [build-dir]   (default: build/; configured and built if needed)
# Extra Google Benchmark flags go in ESP_BENCH_ARGS, e.g. ESP_BENCH_ARGS=--benchmark_filter=gcm
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build}
bin=$build/bench/esp_bench

if [[ ! -x $bin ]]; then
  [[ -f $build/CMakeCache.txt ]] || cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build" --target esp_bench -j2 >/dev/null
fi
[[ -x $bin ]] || { echo "run_esp_bench: $bin not built (is libbenchmark-dev installed?)" >&2; exit 1; }

log=$(mktemp /tmp/esp_bench.XXXXXX.log)
trap 'rm -f "$log"' EXIT
echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cpus; $(date -u +%FT%TZ)"
# Short runs, two repetitions each; the summary keeps the fastest CPU time of each row.
# shellcheck disable=SC2086
if ! timeout 90 "$bin" --benchmark_min_time=0.05 --benchmark_repetitions=2 ${ESP_BENCH_ARGS:-} >"$log" 2>&1; then
  cat "$log" >&2
  exit 1
fi
sed -n '/^ESP engine/,$p' "$log"

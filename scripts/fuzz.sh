#!/usr/bin/env bash
# Builds the libFuzzer targets with clang 14 in build-fuzz/ and runs each for its budget
# (seconds): ESP inbound 60, ISAKMP 60, IOS config 30, HSRP 20, HA sync 10, phase-1 snapshot
# 10. A crash fails the script; the reproducer is left in build-fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${ESPGW_FUZZ_BUILD_DIR:-$ROOT/build-fuzz}
declare -A BUDGET=([fuzz_esp_inbound]=60 [fuzz_isakmp]=60 [fuzz_ios_config]=30 [fuzz_hsrp]=20 [fuzz_ha_sync]=10
  [fuzz_phase1_snapshot]=10)

CC=clang CXX=clang++ cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DESPGW_FUZZ=ON -DESPGW_WITH_VERILATOR=OFF -DESPGW_BUILD_BENCH=OFF >/dev/null
mkdir -p "$BUILD/artifacts"
for target in "${!BUDGET[@]}"; do
  # A target exists only once its decoder does (tests/fuzz/CMakeLists.txt).
  # grep without -q reads all of its input: -q would exit early, ninja would die of SIGPIPE
  # and pipefail would then report a present target as missing.
  if ! cmake --build "$BUILD" --target help | grep "^$target:" >/dev/null; then
    echo "fuzz: $target not defined in this tree, skipped"
    continue
  fi
  cmake --build "$BUILD" -j "${ESPGW_JOBS:-$(nproc)}" --target "$target"
  corpus="$BUILD/corpus/$target"
  mkdir -p "$corpus"
  seeds=tests/fuzz/corpus/$target
  [ -d "$seeds" ] || seeds=""
  echo "fuzz: $target for ${BUDGET[$target]} s"
  "$BUILD/tests/fuzz/$target" -max_total_time="${BUDGET[$target]}" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$BUILD/artifacts/" -print_final_stats=1 "$corpus" $seeds 2>&1 | tail -n 12
done

#!/usr/bin/env bash
# The README's test command and CI's entry point: setup, configure, build, ctest, then the
# fuzzers for their fixed budgets. Ends with ctest's summary. Stays well under 20 minutes on
# 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${ESPGW_BUILD_DIR:-$ROOT/build}
JOBS=${ESPGW_JOBS:-$(nproc)}

bash scripts/setup.sh

cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$BUILD" -j "$JOBS"

# Fuzzers run first and briefly; their findings fail the run like a test would.
if [ -x scripts/fuzz.sh ] && [ "${ESPGW_SKIP_FUZZ:-0}" != 1 ]; then
  bash scripts/fuzz.sh
fi

cd "$BUILD"
ctest --output-on-failure -j "$JOBS" --timeout 900

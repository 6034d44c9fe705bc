#!/usr/bin/env bash
# Configures and builds espgw into build/ (used by demo.sh; test.sh does the same plus tests).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${ESPGW_BUILD_DIR:-$PWD/build}
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" -j "${ESPGW_JOBS:-$(nproc)}"

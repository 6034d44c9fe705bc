#!/usr/bin/env bash
# Installs every Debian package espgw needs to build, test, benchmark and demo.
# Idempotent: when everything is present it only checks and returns (no apt-get update).
set -euo pipefail

PACKAGES=(
  # build
  build-essential cmake ninja-build pkg-config python3
  # libraries (DESIGN.md "Dependencies")
  libssl-dev libipsec-mb-dev libboost-dev libspdlog-dev libfmt-dev nlohmann-json3-dev
  libcli11-dev libmnl-dev libgtest-dev libgmock-dev libbenchmark-dev libxrt-dev
  # RTL simulation
  verilator
  # fuzzing and sanitizers (clang 14 with libFuzzer)
  clang libclang-rt-14-dev
  # independent ESP/IKE implementations and network test tools
  python3-scapy python3-cryptography tshark tcpdump iproute2 iputils-ping iperf3 ike-scan
  strongswan-charon strongswan-swanctl libcharon-extra-plugins libstrongswan-standard-plugins
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

# Yosys 0.55 for scripts/synth.sh: the @yowasp/yosys WebAssembly build (Debian's 0.23 reads
# too little SystemVerilog), pinned, in build-yosys/ of the checkout; needs Node.js >= 18.
# Skipped when present or when npm is missing (synthesis is optional; say so and go on).
YOSYS_WASM_VERSION=0.55.944
yosys_dir="$(cd "$(dirname "$0")/.." && pwd)/build-yosys"
if [ -f "$yosys_dir/node_modules/@yowasp/yosys/package.json" ]; then
  :
elif command -v npm >/dev/null 2>&1; then
  echo "setup: installing @yowasp/yosys@$YOSYS_WASM_VERSION into $yosys_dir"
  npm install --silent --no-audit --no-fund --prefix "$yosys_dir" "@yowasp/yosys@$YOSYS_WASM_VERSION" ||
    echo "setup: @yowasp/yosys install failed; scripts/synth.sh will not run" >&2
else
  echo "setup: npm not found; scripts/synth.sh (Yosys via Node.js) will not run" >&2
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=()
[ "$(id -u)" -eq 0 ] || SUDO=(sudo -E)
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
# strongSwan's charon is started per test in a namespace; the packaged service must not run.
if command -v systemctl >/dev/null 2>&1; then
  "${SUDO[@]}" systemctl disable --now strongswan-starter.service >/dev/null 2>&1 || true
fi
echo "setup: done"

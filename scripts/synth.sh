#!/usr/bin/env bash
# Synthesizes the RTL kernel's crypto blocks for AMD UltraScale+ with Yosys 0.55
# (`synth_xilinx -family xcup`, run as WebAssembly through scripts/yosys/run_yosys.mjs) and
# prints their LUT/FF/CARRY/BRAM/DSP counts as a Markdown table (docs/hardware-rtl.md).
# Usage: scripts/synth.sh [out-dir] [block...]   (default out-dir: build-synth; all blocks)
# Needs Node.js and `npm install --prefix build-yosys @yowasp/yosys` (scripts/setup.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(realpath -m "${1:-$root/build-synth}")
shift || true
rtl=$root/kernels/rtl

aes=(esp_aes_pkg.sv esp_aes_sbox.sv esp_aes_round.sv)
# block name -> "top|parameters (name=value,...)|files"
declare -A blocks=(
  [aes_enc_pipe]="esp_aes_enc_pipe||${aes[*]} esp_aes_enc_pipe.sv"
  [aes_dec_pipe]="esp_aes_dec_pipe||${aes[*]} esp_aes_dec_pipe.sv"
  [aes_key_expand]="esp_aes_key_expand||esp_aes_pkg.sv esp_aes_sbox.sv esp_aes_key_expand.sv"
  [ghash_l4]="esp_ghash|Lanes=4|esp_gf128_mul.sv esp_ghash.sv"
  [ghash_l8]="esp_ghash|Lanes=8|esp_gf128_mul.sv esp_ghash.sv"
  [sha256]="esp_sha256||esp_sha256.sv"
  [hmac_sha256]="esp_hmac_sha256||esp_sha256.sv esp_hmac_sha256.sv"
  [replay_window]="esp_replay_window|WindowBits=64|esp_replay_window.sv"
)
order=(aes_enc_pipe aes_dec_pipe aes_key_expand ghash_l4 ghash_l8 sha256 hmac_sha256 replay_window)
[ $# -gt 0 ] && order=("$@")

command -v node >/dev/null || { echo "synth: node (Node.js) is required" >&2; exit 1; }
mkdir -p "$out"
stats=()
for name in "${order[@]}"; do
  spec=${blocks[$name]:-}
  [ -n "$spec" ] || { echo "synth: unknown block $name (known: ${!blocks[*]})" >&2; exit 2; }
  IFS='|' read -r top params files <<<"$spec"
  chparam=""
  for p in ${params//,/ }; do chparam+=" -chparam ${p%%=*} ${p#*=}"; done
  paths=()
  reads=""
  for f in $files; do paths+=("$rtl/$f"); reads+=" rtl/$f"; done
  # The blocks are not chip tops: no I/O buffers or clock buffers, hierarchy flattened so
  # constants (spent round keys, unused operand chunks) propagate across module bounds.
  cmds="read_verilog -sv$reads; hierarchy -top $top$chparam; \
synth_xilinx -family xcup -top $top -flatten -noiopad -noclkbuf; \
tee -q -o out/stat.json stat -json; tee -q -o out/stat.txt stat"
  start=$(date +%s)
  echo "synth: $name ($top${params:+ $params}) ..." >&2
  node "$root/scripts/yosys/run_yosys.mjs" --out-dir "$out/$name" -p "$cmds" "${paths[@]}"
  echo "synth: $name done in $(( $(date +%s) - start )) s" >&2
  stats+=("$name=$out/$name/stat.json")
done
python3 "$root/scripts/yosys/summarize.py" "${stats[@]}" | tee "$out/summary.md"

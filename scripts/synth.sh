#!/usr/bin/env bash
# Synthesizes the RTL kernel (esp_top, whole) and its crypto blocks for AMD UltraScale+ with
# Yosys 0.55 (`synth_xilinx -family xcup`, run as WebAssembly through scripts/yosys/run_yosys.mjs)
# and prints LUT/FF/CARRY/BRAM/URAM/DSP counts as Markdown tables (docs/hardware-rtl.md).
# Usage: scripts/synth.sh [out-dir] [block...]   (default out-dir: build-synth; blocks: all)
# Needs Node.js and `npm install --prefix build-yosys @yowasp/yosys` (scripts/setup.sh).
# Environment: ESPGW_SYNTH_REV=<git rev> synthesizes that commit's kernels/ and regmap instead
# of the work tree; ESPGW_SYNTH_TIMEOUT (s, per block, default 3600); ESPGW_SYNTH_NICE (10).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(realpath -m "${1:-$root/build-synth}")
shift || true
timeout_s=${ESPGW_SYNTH_TIMEOUT:-3600}
nice_n=${ESPGW_SYNTH_NICE:-10}

command -v node >/dev/null || { echo "synth: node (Node.js) is required" >&2; exit 1; }
mkdir -p "$out"
src=$root
if [ -n "${ESPGW_SYNTH_REV:-}" ]; then
  src=$out/src
  rm -rf "$src" && mkdir -p "$src"
  git -C "$root" archive "$ESPGW_SYNTH_REV" kernels/rtl driver/regmap | tar -x -C "$src"
  echo "synth: sources of $(git -C "$root" rev-parse --short "$ESPGW_SYNTH_REV")" >&2
fi
rtl=$src/kernels/rtl
# The kernel's register package is generated from the regmap, as the CMake build does.
regpkg=$out/gen/esp_reg_pkg.sv
mkdir -p "$out/gen"
python3 "$src/driver/regmap/gen_regmap.py" "$src/driver/regmap/esp_regs.json" --sv "$regpkg"

aes=(esp_aes_pkg.sv esp_aes_sbox.sv esp_aes_round.sv)
# esp_top's sources in kernels/CMakeLists.txt's order: ESPGW_RTL_PACKAGES, REGMAP_SV,
# ESPGW_RTL_KERNEL_PACKAGES, ESPGW_RTL_TOP_SOURCES (@regpkg is the generated package).
kernel=(esp_aes_pkg.sv @regpkg esp_kernel_pkg.sv
  esp_aes_sbox.sv esp_aes_round.sv esp_aes_key_expand.sv esp_aes_enc_pipe.sv esp_aes_dec_pipe.sv
  esp_sha256.sv esp_hmac_sha256.sv esp_sha1.sv esp_hmac_sha1.sv
  esp_gf128_mul.sv esp_ghash.sv
  esp_pkt_buf.sv esp_dma.sv esp_spi_index.sv esp_sa_table.sv esp_crypt.sv esp_hmac_stream.sv
  esp_outbound.sv esp_inbound.sv esp_core.sv esp_top.sv)
# block name -> "top|parameters (name=value,...)|flow|files"
# flow flat: flattened, so constants (spent round keys, unused operand chunks) propagate
# across module bounds; fine for small blocks. flow hier: each distinct module (per parameter
# set) synthesized once and counted per instance (`stat -top`); the only flow in which the
# AES pipes and the kernel finish (flattening 14 AES rounds into one netlist for ABC did not
# finish in over 15 CPU-minutes). hier maps memories to URAM (-uram) where they fit best.
declare -A blocks=(
  [kernel]="esp_top||hier|${kernel[*]}"
  [kernel_sa256]="esp_top|SA_CAPACITY=256|hier|${kernel[*]}"
  [aes_enc_pipe]="esp_aes_enc_pipe||hier|${aes[*]} esp_aes_enc_pipe.sv"
  [aes_dec_pipe]="esp_aes_dec_pipe||hier|${aes[*]} esp_aes_dec_pipe.sv"
  [aes_key_expand]="esp_aes_key_expand||flat|esp_aes_pkg.sv esp_aes_sbox.sv esp_aes_key_expand.sv"
  [ghash_l2]="esp_ghash|Lanes=2|flat|esp_gf128_mul.sv esp_ghash.sv"
  [ghash_l4]="esp_ghash|Lanes=4|flat|esp_gf128_mul.sv esp_ghash.sv"
  [sha256]="esp_sha256||flat|esp_sha256.sv"
  [hmac_sha256]="esp_hmac_sha256||flat|esp_sha256.sv esp_hmac_sha256.sv"
  [replay_window]="esp_replay_window|WindowBits=64|flat|esp_replay_window.sv"
)
order=(kernel aes_enc_pipe aes_dec_pipe aes_key_expand ghash_l2 sha256 hmac_sha256 replay_window)
[ $# -gt 0 ] && order=("$@")

stats=()
trees=()
for name in "${order[@]}"; do
  spec=${blocks[$name]:-}
  [ -n "$spec" ] || { echo "synth: unknown block $name (known: ${!blocks[*]})" >&2; exit 2; }
  IFS='|' read -r top params flow files <<<"$spec"
  chparam=""
  for p in ${params//,/ }; do chparam+=" -chparam ${p%%=*} ${p#*=}"; done
  paths=()
  reads=""
  for f in $files; do
    [ "$f" = @regpkg ] && f=$regpkg || f=$rtl/$f
    paths+=("$f")
    reads+=" rtl/$(basename "$f")"
  done
  # The blocks are not chip tops: no I/O buffers or clock buffers.
  if [ "$flow" = flat ]; then
    synth="synth_xilinx -family xcup -top $top -flatten -noiopad -noclkbuf"
  else
    synth="synth_xilinx -family xcup -top $top -uram -noiopad -noclkbuf"
  fi
  cmds="read_verilog -sv$reads; hierarchy -check -top $top$chparam; $synth; \
tee -q -o out/stat.json stat -json -top $top; tee -q -o out/stat.txt stat -top $top"
  mkdir -p "$out/$name"
  start=$(date +%s)
  echo "synth: $name ($top${params:+ $params}, $flow) ..." >&2
  rc=0
  nice -n "$nice_n" timeout "$timeout_s" node "$root/scripts/yosys/run_yosys.mjs" --verbose \
    --out-dir "$out/$name" -p "$cmds" "${paths[@]}" >"$out/$name/yosys.log" || rc=$?
  secs=$(( $(date +%s) - start ))
  if [ "$rc" -ne 0 ]; then
    [ "$rc" -eq 124 ] && why="did not finish in $timeout_s s" || why="failed (exit $rc)"
    echo "synth: $name $why; log: $out/$name/yosys.log" >&2
    exit 1
  fi
  echo "synth: $name done in $secs s" >&2
  stats+=("$name=$out/$name/stat.json")
  [ "$flow" = hier ] && trees+=("$name=$out/$name/stat.json")
done
{
  python3 "$root/scripts/yosys/summarize.py" "${stats[@]}"
  for t in "${trees[@]}"; do
    echo
    python3 "$root/scripts/yosys/summarize.py" --tree "$t"
  done
} | tee "$out/summary.md"

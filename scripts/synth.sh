#!/usr/bin/env bash
# Synthesizes the RTL kernel (esp_top, whole) and its crypto blocks for AMD UltraScale+ with
# Yosys 0.55 (`synth_xilinx -family xcup`, run as WebAssembly through scripts/yosys/run_yosys.mjs)
# and prints LUT/FF/CARRY/BRAM/URAM/DSP counts as Markdown tables (docs/hardware-rtl.md).
# Usage: scripts/synth.sh [out-dir] [block...]   (default out-dir: build-synth; blocks: all)
# Needs Node.js and `npm install --prefix build-yosys @yowasp/yosys` (scripts/setup.sh).
# Environment: ESPGW_SYNTH_REV=<git rev> synthesizes that commit's kernels/ and regmap instead
# of the work tree, with ESPGW_SYNTH_OVERLAY="path..." (from the repository root) taken from the
# work tree over it; ESPGW_SYNTH_TIMEOUT (s, per block, default 3600); ESPGW_SYNTH_NICE (10).
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
  # Work-tree files over the commit's (paths from the repository root): one's own edits
  # measured while others' files in the shared work tree are mid-edit.
  for f in ${ESPGW_SYNTH_OVERLAY:-}; do
    cp "$root/$f" "$src/$f"
    echo "synth: $f from the work tree" >&2
  done
fi
rtl=$src/kernels/rtl
# The kernel's register package is generated from the regmap, as the CMake build does.
regpkg=$out/gen/esp_reg_pkg.sv
mkdir -p "$out/gen"
python3 "$src/driver/regmap/gen_regmap.py" "$src/driver/regmap/esp_regs.json" --sv "$regpkg"

aes=(esp_aes_pkg.sv esp_aes_sbox.sv esp_aes_round.sv esp_aes_sub_bytes_rom.sv)
# esp_top's sources in kernels/CMakeLists.txt's order: ESPGW_RTL_PACKAGES, REGMAP_SV,
# ESPGW_RTL_KERNEL_PACKAGES, ESPGW_RTL_TOP_SOURCES (@regpkg is the generated package).
kernel=(esp_aes_pkg.sv @regpkg esp_kernel_pkg.sv
  esp_aes_sbox.sv esp_aes_round.sv esp_aes_sub_bytes_rom.sv esp_aes_key_expand.sv esp_aes_enc_pipe.sv esp_aes_dec_pipe.sv
  esp_sha256.sv esp_sha1.sv esp_hmac.sv
  esp_gf128_mul.sv esp_ghash.sv
  esp_pkt_buf.sv esp_dma_rd.sv esp_dma_wr.sv esp_spi_index.sv esp_sa_table.sv esp_crypt.sv
  esp_hmac_stream.sv esp_outbound.sv esp_inbound.sv esp_core.sv esp_top.sv)
# block name -> "top|parameters (name=value,...)|flow|files|blackboxed files"
# flow flat: flattened, so constants (spent round keys, unused operand chunks) propagate
# across module bounds; fine for small blocks. flow hier: each distinct module (per parameter
# set) synthesized once and counted per instance (`stat -top`); flattening 14 AES rounds into
# one netlist for ABC did not finish in over 15 CPU-minutes, hierarchically a pipe takes 2.
# hier maps memories to URAM (-uram) where they fit best. Blackboxed files (read -lib) are
# modules synthesized by another block: kernel_split runs the kernel as the k_* parts below,
# one Yosys process each (bounded one by one, ESPGW_SYNTH_JOBS at a time), and sums them.
core_children=(esp_pkt_buf.sv esp_dma_rd.sv esp_dma_wr.sv esp_spi_index.sv esp_sa_table.sv esp_crypt.sv
  esp_hmac_stream.sv esp_aes_key_expand.sv esp_outbound.sv esp_inbound.sv)
pkgs="esp_aes_pkg.sv @regpkg esp_kernel_pkg.sv"
declare -A blocks=(
  [kernel]="esp_top||hier|${kernel[*]}|"
  [kernel_sa256]="esp_top|SA_CAPACITY=256|hier|${kernel[*]}|"
  [k_top]="esp_top||hier|$pkgs esp_top.sv|esp_core.sv"
  [k_top_gcm]="esp_top|EnableCbc=0|hier|$pkgs esp_top.sv|esp_core.sv"
  [k_core]="esp_core|SaCapacity=4096|hier|$pkgs esp_core.sv|${core_children[*]}"
  [k_core_gcm]="esp_core|SaCapacity=4096,EnableCbc=0|hier|$pkgs esp_core.sv|${core_children[*]}"
  [k_inbound]="esp_inbound||hier|$pkgs esp_inbound.sv|"
  [k_outbound]="esp_outbound||hier|$pkgs esp_outbound.sv|"
  [k_crypt]="esp_crypt||hier|$pkgs esp_aes_sbox.sv esp_aes_round.sv esp_aes_sub_bytes_rom.sv esp_aes_enc_pipe.sv esp_aes_dec_pipe.sv esp_gf128_mul.sv esp_ghash.sv esp_crypt.sv|"
  [k_crypt_gcm]="esp_crypt|EnableCbc=0|hier|$pkgs esp_aes_sbox.sv esp_aes_round.sv esp_aes_sub_bytes_rom.sv esp_aes_enc_pipe.sv esp_aes_dec_pipe.sv esp_gf128_mul.sv esp_ghash.sv esp_crypt.sv|"
  [k_hmac_stream]="esp_hmac_stream||hier|$pkgs esp_sha256.sv esp_sha1.sv esp_hmac.sv esp_hmac_stream.sv|"
  [k_hmac_stream_gcm]="esp_hmac_stream|EnableCbc=0|hier|$pkgs esp_sha256.sv esp_sha1.sv esp_hmac.sv esp_hmac_stream.sv|"
  [k_sa_table]="esp_sa_table|SaCapacity=4096|hier|$pkgs esp_sa_table.sv|"
  [k_spi_index]="esp_spi_index|SaCapacity=4096|hier|esp_spi_index.sv|"
  [k_pkt_buf]="esp_pkt_buf|AddrBits=16|hier|$pkgs esp_pkt_buf.sv|"
  [k_pkt_desc]="esp_pkt_buf|AddrBits=12|hier|$pkgs esp_pkt_buf.sv|"
  [k_dma_rd]="esp_dma_rd||hier|$pkgs esp_dma_rd.sv|"
  [k_dma_wr]="esp_dma_wr||hier|$pkgs esp_dma_wr.sv|"
  [k_key_expand]="esp_aes_key_expand||hier|esp_aes_pkg.sv esp_aes_sbox.sv esp_aes_key_expand.sv|"
  [aes_enc_pipe]="esp_aes_enc_pipe||hier|${aes[*]} esp_aes_enc_pipe.sv|"
  [aes_dec_pipe]="esp_aes_dec_pipe||hier|${aes[*]} esp_aes_dec_pipe.sv|"
  [aes_key_expand]="esp_aes_key_expand||flat|esp_aes_pkg.sv esp_aes_sbox.sv esp_aes_key_expand.sv|"
  [ghash_l2]="esp_ghash|Lanes=2|flat|esp_gf128_mul.sv esp_ghash.sv|"
  [ghash_l4]="esp_ghash|Lanes=4|flat|esp_gf128_mul.sv esp_ghash.sv|"
  [gf128_mul_s2]="esp_gf128_mul|Stages=2|flat|esp_gf128_mul.sv|"
  [ghash_l2_hier]="esp_ghash|Lanes=2|hier|esp_gf128_mul.sv esp_ghash.sv|"
  [sha256]="esp_sha256||flat|esp_sha256.sv|"
  [hmac_sha256]="esp_hmac|DigestBits=256|flat|esp_sha256.sv esp_sha1.sv esp_hmac.sv|"
  [hmac_sha1]="esp_hmac|DigestBits=160|flat|esp_sha256.sv esp_sha1.sv esp_hmac.sv|"
  [sha1]="esp_sha1||flat|esp_sha1.sv|"
  [replay_window]="esp_replay_window|WindowBits=64|flat|esp_replay_window.sv|"
)
# Largest first, so parallel jobs finish together.
kernel_parts=(k_inbound k_outbound k_core k_crypt k_hmac_stream k_top k_sa_table k_spi_index
  k_pkt_buf k_pkt_desc k_dma_rd k_dma_wr k_key_expand)
# kernel_gcm_split: the GCM-only kernel (EnableCbc = 0: no CBC decryption pipe, no CBC
# encryption states, no HMAC engines), the parts that take the parameter synthesized with it.
kernel_gcm_parts=(k_inbound k_outbound k_core_gcm k_crypt_gcm k_hmac_stream_gcm k_top_gcm k_sa_table
  k_spi_index k_pkt_buf k_pkt_desc k_dma_rd k_dma_wr k_key_expand)
core_gcm=1
if ! grep -q 'parameter bit *EnableCbc' "$rtl/esp_core.sv"; then
  # An esp_core without the switch instantiates the full engines: its plain part stands in.
  kernel_gcm_parts=("${kernel_gcm_parts[@]/k_core_gcm/k_core}")
  core_gcm=0
fi
order=(kernel_split aes_enc_pipe aes_dec_pipe aes_key_expand ghash_l2 sha256 hmac_sha256 sha1 hmac_sha1
  replay_window)
[ $# -gt 0 ] && order=("$@")
jobs=${ESPGW_SYNTH_JOBS:-1}

# Runs one block in $out/<name>; writes $out/<name>/rc (0, 124 = timed out, else failed).
run_block() {
  local name=$1 spec top params flow files libs chparam="" reads="" libreads="" f synth
  spec=${blocks[$name]}
  IFS='|' read -r top params flow files libs <<<"$spec"
  for p in ${params//,/ }; do chparam+=" -chparam ${p%%=*} ${p#*=}"; done
  local paths=()
  for f in $files $libs; do
    [ "$f" = @regpkg ] && f=$regpkg || f=$rtl/$f
    paths+=("$f")
  done
  for f in $files; do [ "$f" = @regpkg ] && f=$regpkg; reads+=" rtl/$(basename "$f")"; done
  for f in $libs; do libreads+=" rtl/$f"; done
  [ -n "$libreads" ] && libreads="; read_verilog -sv -lib$libreads"
  # The blocks are not chip tops: no I/O buffers or clock buffers.
  if [ "$flow" = flat ]; then
    synth="synth_xilinx -family xcup -top $top -flatten -noiopad -noclkbuf"
  else
    # The replay rings (2^17 x 128 bits at 4096 SAs) are forced to URAM: Yosys 0.55's
    # memory_libmap otherwise picks LUTRAM for them and then fails in lutrams_xc5v_map.v
    # ("invalid OPTION_ABITS/WIDTH combination"). Vivado honours the same attribute.
    synth="setattr -set ram_style \"ultra\" *esp_sa_table*/m:rp_mem; \
synth_xilinx -family xcup -top $top -uram -noiopad -noclkbuf"
  fi
  local cmds="read_verilog -sv$reads$libreads; hierarchy -check -top $top$chparam; $synth; \
tee -q -o out/stat.json stat -json -top $top; tee -q -o out/stat.txt stat -top $top"
  mkdir -p "$out/$name"
  rm -f "$out/$name/stat.json" "$out/$name/rc"
  local start rc=0
  start=$(date +%s)
  echo "synth: $name ($top${params:+ $params}, $flow) ..." >&2
  nice -n "$nice_n" timeout "$timeout_s" node "$root/scripts/yosys/run_yosys.mjs" --verbose \
    --out-dir "$out/$name" -p "$cmds" "${paths[@]}" >"$out/$name/yosys.log" 2>&1 || rc=$?
  local secs=$(( $(date +%s) - start ))
  echo "$secs" >"$out/$name/seconds"
  echo "$rc" >"$out/$name/rc"
  if [ "$rc" -eq 0 ]; then
    echo "synth: $name done in $secs s" >&2
  elif [ "$rc" -eq 124 ]; then
    echo "synth: $name did not finish in $timeout_s s; log: $out/$name/yosys.log" >&2
  else
    echo "synth: $name failed (exit $rc) after $secs s; log: $out/$name/yosys.log" >&2
  fi
}

# Expand kernel_split and kernel_gcm_split into their parts (a part shared by both runs
# once); check every name first.
names=()
splits=()
add_name() { [[ " ${names[*]} " == *" $1 "* ]] || names+=("$1"); }
for name in "${order[@]}"; do
  if [ "$name" = kernel_split ]; then
    splits+=(kernel_split)
    for p in "${kernel_parts[@]}"; do add_name "$p"; done
    continue
  fi
  if [ "$name" = kernel_gcm_split ]; then
    [ $core_gcm = 1 ] || echo "synth: esp_core has no EnableCbc parameter here; kernel_gcm_split uses k_core" >&2
    splits+=(kernel_gcm_split)
    for p in "${kernel_gcm_parts[@]}"; do add_name "$p"; done
    continue
  fi
  [ -n "${blocks[$name]:-}" ] || { echo "synth: unknown block $name (known: kernel_split kernel_gcm_split ${!blocks[*]})" >&2; exit 2; }
  add_name "$name"
done
for name in "${names[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  run_block "$name" &
done
wait

status=0
stats=()
trees=()
for name in "${names[@]}"; do
  if [ "$(cat "$out/$name/rc")" != 0 ]; then status=1; continue; fi
  case "$name" in
    k_*) ;;
    *) stats+=("$name=$out/$name/stat.json") ;;
  esac
  if [[ ${blocks[$name]} == *"|hier|"* && $name != k_* ]]; then
    trees+=("$name=$out/$name/stat.json")
  fi
done
# A kernel from its parts: a part's blackboxed submodules are other parts' tops. A single
# k_* part asked for by name is shown as a tree of its own.
split_trees=()
for split in "${splits[@]}"; do
  if [ "$split" = kernel_split ]; then plist=("${kernel_parts[@]}"); else plist=("${kernel_gcm_parts[@]}"); fi
  parts=()
  for p in "${plist[@]}"; do [ "$(cat "$out/$p/rc")" = 0 ] && parts+=("$out/$p/stat.json"); done
  [ ${#parts[@]} -gt 0 ] && split_trees+=("$split=$(IFS=,; echo "${parts[*]}")")
done
for name in "${names[@]}"; do
  in_split=0
  for split in "${splits[@]}"; do
    if [ "$split" = kernel_split ]; then plist=" ${kernel_parts[*]} "; else plist=" ${kernel_gcm_parts[*]} "; fi
    [[ $plist == *" $name "* ]] && in_split=1
  done
  if [[ $name == k_* && $in_split == 0 && "$(cat "$out/$name/rc")" == 0 ]]; then
    split_trees+=("$name=$out/$name/stat.json")
  fi
done
trees=("${split_trees[@]}" "${trees[@]}")
{
  if [ ${#stats[@]} -gt 0 ]; then python3 "$root/scripts/yosys/summarize.py" "${stats[@]}"; fi
  for t in "${trees[@]}"; do
    echo
    python3 "$root/scripts/yosys/summarize.py" --tree "$t"
  done
} | tee "$out/summary.md"
exit $status

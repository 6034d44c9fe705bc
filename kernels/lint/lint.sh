#!/usr/bin/env bash
# Lints every RTL module with `verilator --lint-only -Wall`, each as its own top, so a module
# no top instantiates yet is still checked. Waivers live in waivers.vlt, each with its reason.
# Usage: kernels/lint/lint.sh [path-to-verilator] [esp_reg_pkg.sv]
# The register package is generated (driver/regmap/gen_regmap.py, CMake's REGMAP_SV); without
# it the script generates one into a temporary directory.
set -euo pipefail
verilator=${1:-verilator}
here=$(cd "$(dirname "$0")" && pwd)
rtl=$here/../rtl
reg_pkg=${2:-}
if [[ -z $reg_pkg ]]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  reg_pkg=$tmp/esp_reg_pkg.sv
  python3 "$here/../../driver/regmap/gen_regmap.py" "$here/../../driver/regmap/esp_regs.json" --sv "$reg_pkg"
fi
# Packages in dependency order: esp_kernel_pkg refers to esp_reg_pkg.
packages=("$rtl/esp_aes_pkg.sv" "$reg_pkg" "$rtl/esp_kernel_pkg.sv")
status=0
for file in "$rtl"/*.sv; do
  top=$(basename "$file" .sv)
  [[ $top == *_pkg ]] && continue
  if ! "$verilator" --lint-only -Wall "$here/waivers.vlt" -y "$rtl" "${packages[@]}" "$file" \
      --top-module "$top"; then
    echo "lint: $top FAILED" >&2
    status=1
  fi
  # A module with the GCM-only build switch is linted in that configuration too.
  if grep -q 'parameter bit *EnableCbc' "$file" &&
      ! "$verilator" --lint-only -Wall "$here/waivers.vlt" -y "$rtl" "${packages[@]}" "$file" \
      --top-module "$top" -GEnableCbc=0; then
    echo "lint: $top with EnableCbc=0 FAILED" >&2
    status=1
  fi
done
[ $status -eq 0 ] && echo "lint: all modules clean"
exit $status

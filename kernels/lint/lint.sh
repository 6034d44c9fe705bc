#!/usr/bin/env bash
# Lints every RTL module with `verilator --lint-only -Wall`, each as its own top, so a module
# no top instantiates yet is still checked. Waivers live in waivers.vlt, each with its reason.
# Usage: kernels/lint/lint.sh [path-to-verilator]
set -euo pipefail
verilator=${1:-verilator}
here=$(cd "$(dirname "$0")" && pwd)
rtl=$here/../rtl
mapfile -t packages < <(ls "$rtl"/*_pkg.sv)
status=0
for file in "$rtl"/*.sv; do
  top=$(basename "$file" .sv)
  [[ $top == *_pkg ]] && continue
  if ! "$verilator" --lint-only -Wall "$here/waivers.vlt" -y "$rtl" "${packages[@]}" "$file" \
      --top-module "$top"; then
    echo "lint: $top FAILED" >&2
    status=1
  fi
done
[ $status -eq 0 ] && echo "lint: all modules clean"
exit $status

#!/usr/bin/env bash
# Regenerates the checked-in C and Zig bindings of the guest SDKs from wit/ (every world that
# exports something, i.e. every applet world). `guest-sdks/regen.sh --check` only verifies them
# (the generator's tests do the same check).
set -euo pipefail
cd "$(dirname "$0")/.."
check=()
[[ "${1:-}" == "--check" ]] && check=(--check)
cargo build -q -p embwit-gen --bin embwit
embwit="${CARGO_TARGET_DIR:-target}/debug/embwit"
worlds=(applet-base applet-manager blinky business-logic inference-stage isp-algorithm isp-stage normalize-stage vision-app)
for world in "${worlds[@]}"; do
  "$embwit" gen --lang c --world "$world" --out guest-sdks/c/bindings "${check[@]}"
  "$embwit" gen --lang zig --world "$world" --out guest-sdks/zig/src "${check[@]}"
done

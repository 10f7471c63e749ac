#!/usr/bin/env bash
# Code layout moves both interpreters' times (a handler straddling a fetch block, two indirect
# jumps sharing a predictor entry), so one binary's ratio is partly luck. This builds the
# benchmark four times, with functions aligned as the compiler likes and at 16, 32 and 64
# bytes (`-C llvm-args=-align-all-functions=N`, applied to embwit, wasmi and the native
# kernels alike), runs each build RUNS times (default 3) and prints every geomean
# embwit/wasmi and, over all runs, the median and the worst.
#
# Usage: runtime/bench/layouts.sh [RUNS]   (from the repository root; one target dir per layout
# under ${LAYOUT_TARGET_BASE:-target/layouts})
set -euo pipefail
runs=${1:-3}
base=${LAYOUT_TARGET_BASE:-target/layouts}
all=()
for align in default 4 5 6; do
  flags=""
  [ "$align" = default ] || flags="-C llvm-args=-align-all-functions=$align"
  dir="$base/$align"
  RUSTFLAGS="$flags" CARGO_TARGET_DIR="$dir" cargo build -q -p embwit-bench --release
  line=""
  for _ in $(seq "$runs"); do
    g=$("$dir/release/embwit-bench" | awk '/^geomean embwit\/wasmi/ { print $3 }')
    line="$line $g"
    all+=("$g")
  done
  label=$([ "$align" = default ] && echo "default layout" || echo "aligned to $((1 << align)) B")
  printf '%-16s geomean embwit/wasmi:%s\n' "$label" "$line"
done
printf '%s\n' "${all[@]}" | sort -n | awk '{ v[NR] = $1 } END {
  m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
  printf "over %d runs: median %.3f, worst %.3f, best %.3f\n", NR, m, v[NR], v[1]
}'

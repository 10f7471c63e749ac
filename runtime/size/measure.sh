#!/usr/bin/env bash
# Builds the size probe (a no_std firmware embedding embwit's interpreter) at opt-level z for
# both MCU targets and prints its .text/.rodata/.data/.bss sizes (and, for thumbv7em, the code
# size per component).
# usage: runtime/size/measure.sh [--max-text BYTES]   (the budget applies to thumbv7em)
# Honours CARGO_TARGET_DIR (the probe builds into its own subdirectory of it).
set -euo pipefail
cd "$(dirname "$0")"
budget=()
if [[ "${1:-}" == "--max-text" ]]; then budget=(--max-text "$2"); fi
target_dir="${CARGO_TARGET_DIR:-$PWD/../../target}/size-probe"
status=0
for target in thumbv7em-none-eabihf riscv32imc-unknown-none-elf; do
  cargo build --quiet --release --target "$target" --target-dir "$target_dir"
  elf="$target_dir/$target/release/embwit-size-probe"
  if [[ "$target" == thumbv7em-none-eabihf ]]; then
    python3 elf_size.py "$elf" --label "$target" --components "${budget[@]}" || status=1
  else
    python3 elf_size.py "$elf" --label "$target"
  fi
done
exit "$status"

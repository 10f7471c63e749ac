#!/usr/bin/env bash
# The whole embwit test suite, on a fresh machine: installs what it needs, then runs every check.
# Usage: scripts/test.sh   (honours CARGO_TARGET_DIR)
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

# Every `cargo test` goes through `run_tests`, so the closing line can count them all.
TEST_LOG=$(mktemp)
trap 'rm -f "$TEST_LOG"' EXIT
run_tests() { cargo test "$@" 2>&1 | tee -a "$TEST_LOG"; }

step "toolchain: wasm and MCU targets (RUSTUP_AUTO_INSTALL=0 here, so install them explicitly)"
rustup target add wasm32-unknown-unknown wasm32-wasip1 thumbv7em-none-eabihf riscv32imc-unknown-none-elf

step "toolchains: clang-19 + lld-19 (apt) and Zig 0.17.1 (PyPI) for the C and Zig guest tests"
if ! command -v clang-19 >/dev/null || ! command -v wasm-ld-19 >/dev/null; then
  sudo_=""; [ "$(id -u)" -eq 0 ] || sudo_="sudo"
  $sudo_ apt-get update && DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y clang-19 lld-19
fi
if [ "$(.venv/bin/python -m ziglang version 2>/dev/null)" != "0.17.1" ]; then
  python3 -m venv .venv && .venv/bin/pip install -q 'ziglang==0.17.1'
fi
export ZIG_GLOBAL_CACHE_DIR="${ZIG_GLOBAL_CACHE_DIR:-$PWD/.zig-cache}"
# The C/Zig binding tests skip (loudly) without these toolchains; here a missing one fails.
export EMBWIT_REQUIRE_TOOLCHAINS=1

step "format"
cargo fmt --all -- --check

step "lint"
cargo clippy --workspace --all-targets -- -D warnings
# The interpreter's second dispatch backend (the `match` loop; see runtime/src/exec/mod.rs).
cargo clippy -p embwit-runtime --features dispatch-loop --all-targets -- -D warnings

step "no_std builds of the runtime for MCU targets"
for target in thumbv7em-none-eabihf riscv32imc-unknown-none-elf; do
  cargo build -p embwit-runtime --no-default-features --target "$target"
done

step "no_std build of bindgen! host glue for an MCU target (the blinky example's board + glue)"
cargo build -p embwit-example-blinky --no-default-features --lib --target thumbv7em-none-eabihf

step "size: a no_std firmware embedding the interpreter (load+validate+translate+run), opt-level z"
# Prints .text/.rodata/.data/.bss for both MCU targets; fails if thumbv7em .text exceeds 64 KiB.
runtime/size/measure.sh --max-text 65536

step "tests"
run_tests --workspace

step "tests: the interpreter's match-loop dispatch backend (the workspace run above uses the threaded one)"
run_tests -p embwit-runtime --features dispatch-loop

step "tests: the interpreter as size builds make it (opt-level s: cfg embwit_lean, no speed-only fused forms)"
lean=(-p embwit-runtime --config 'profile.dev.package.embwit-runtime.opt-level="s"')
run_tests "${lean[@]}" --lib -- lean_builds result_register
run_tests "${lean[@]}" --test spec --test fusion --test bit_fusion --test tail_calls --test peephole \
  --test indexed_stores

# The closing line: every Rust test that ran, summed over all `cargo test` runs above.
awk '/^test result:/ { p += $4; f += $6 } END { printf "\nembwit: %d passed, %d failed\n", p, f }' "$TEST_LOG"

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

step "format"
cargo fmt --all -- --check

step "lint"
cargo clippy --workspace --all-targets -- -D warnings

step "no_std builds of the runtime for MCU targets"
for target in thumbv7em-none-eabihf riscv32imc-unknown-none-elf; do
  cargo build -p embwit-runtime --no-default-features --target "$target"
done

step "tests"
run_tests --workspace

# The closing line: every Rust test that ran, summed over all `cargo test` runs above.
awk '/^test result:/ { p += $4; f += $6 } END { printf "\nembwit: %d passed, %d failed\n", p, f }' "$TEST_LOG"

#!/usr/bin/env bash
# Builds the Rust blinky applet: target/wasm32-unknown-unknown/release/embwit_example_blinky_rust.wasm
# (a core module carrying its `component-type` section). Usage: examples/blinky/rust/build.sh
set -euo pipefail
cd "$(dirname "$0")"
cargo build --release --target wasm32-unknown-unknown
echo "$(pwd)/target/wasm32-unknown-unknown/release/embwit_example_blinky_rust.wasm"

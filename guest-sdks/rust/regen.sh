#!/usr/bin/env bash
# Regenerates the checked-in bindings of every embwit:applet world (src/worlds/*.rs).
# Add a `pub mod` line to src/lib.rs when a world is added.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build -q -p embwit-gen --bin embwit
embwit="${CARGO_TARGET_DIR:-target}/debug/embwit"
rm -f guest-sdks/rust/src/worlds/*.rs
"$embwit" worlds | grep '^embwit:applet/' | while read -r world; do
  "$embwit" gen --lang rust --world "$world" --out guest-sdks/rust/src/worlds
done

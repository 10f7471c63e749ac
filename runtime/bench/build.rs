//! Builds the workload guest (`guest/`, its own workspace) for wasm32-unknown-unknown in release
//! mode into `OUT_DIR/guest-target`, and copies the module to `OUT_DIR/workloads.wasm`.
use std::path::PathBuf;
use std::process::Command;

fn main() {
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap());
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").unwrap());
    let guest = manifest_dir.join("guest");
    for path in ["guest/Cargo.toml", "guest/lib.rs", "kernels.rs"] {
        println!("cargo:rerun-if-changed={path}");
    }

    let target_dir = out_dir.join("guest-target");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args([
        "build",
        "--release",
        "--target",
        "wasm32-unknown-unknown",
        "--manifest-path",
    ])
    .arg(guest.join("Cargo.toml"))
    .arg("--target-dir")
    .arg(&target_dir);
    // The outer build's settings must not leak into the nested one (flags for the host target,
    // the clippy wrapper, a jobserver the nested cargo does not own).
    for var in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_BUILD_RUSTFLAGS",
        "RUSTC_WRAPPER",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_BUILD_TARGET",
        "CARGO_TARGET_DIR",
        "CARGO_MAKEFLAGS",
        "MAKEFLAGS",
        "MFLAGS",
    ] {
        cmd.env_remove(var);
    }
    let status = cmd
        .status()
        .expect("failed to run cargo for the wasm guest");
    assert!(
        status.success(),
        "building the wasm guest failed (is the wasm32-unknown-unknown target installed?)"
    );
    let wasm = target_dir.join("wasm32-unknown-unknown/release/embwit_bench_guest.wasm");
    std::fs::copy(&wasm, out_dir.join("workloads.wasm")).expect("copy the guest module");
}

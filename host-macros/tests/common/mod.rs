//! Shared by the host-glue tests: the round-trip host and guest builds (the guests are their
//! own workspaces, built for wasm32-unknown-unknown).

#![allow(dead_code)]

pub mod host;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

static BUILD: Mutex<()> = Mutex::new(());

/// Builds the guest crate in `tests/guests/<name>` and returns its `.wasm` bytes.
pub fn guest(name: &str) -> Vec<u8> {
    let _lock = BUILD.lock().unwrap_or_else(|e| e.into_inner());
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/guests")
        .join(name);
    let target = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("guests");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--release", "--target", "wasm32-unknown-unknown"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .status()
        .expect("run cargo for the guest");
    assert!(status.success(), "building guest {name} failed");
    let file = format!("{}.wasm", name_of(&dir).replace('-', "_"));
    let path = target.join("wasm32-unknown-unknown/release").join(file);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn name_of(dir: &Path) -> String {
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).expect("guest Cargo.toml");
    manifest
        .lines()
        .find_map(|l| l.strip_prefix("name = "))
        .map(|n| n.trim_matches('"').to_string())
        .expect("package name")
}

//! Shared by the host-glue tests: the round-trip host and guest builds (the guests are their
//! own workspaces, built for wasm32-unknown-unknown).

#![allow(dead_code)]

pub mod host;
pub mod values;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

static BUILD: Mutex<()> = Mutex::new(());

/// Builds the guest crate in `tests/guests/<name>` and returns its `.wasm` bytes.
///
/// The `embwit` guest is built from a copy whose `bindings/src/roundtrip.rs` is generated right
/// now by `embwit_gen` (`--lang rust`), so it always exercises the current generator.
pub fn guest(name: &str) -> Vec<u8> {
    let _lock = BUILD.lock().unwrap_or_else(|e| e.into_inner());
    let mut dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/guests")
        .join(name);
    let target = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("guests");
    if name == "embwit" {
        let copy = target.join("src-embwit");
        copy_dir(&dir, &copy);
        let generated = copy.join("bindings/src/roundtrip.rs");
        let fresh = rust_bindings();
        if std::fs::read_to_string(&generated).ok().as_deref() != Some(fresh.as_str()) {
            std::fs::write(&generated, fresh).expect("write the generated bindings");
        }
        dir = copy;
    }
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

/// `embwit gen --lang rust` output for the round-trip world.
pub fn rust_bindings() -> String {
    use embwit_gen::codegen::{Lang, generate};
    use embwit_gen::load::{find_world, load_dir};
    let wit = Path::new(env!("CARGO_MANIFEST_DIR")).join("../generator/tests/wit/roundtrip");
    let loaded = load_dir(&wit).unwrap_or_else(|e| panic!("{e}"));
    let world = find_world(&loaded.resolve, "roundtrip").unwrap_or_else(|e| panic!("{e}"));
    let files = generate(&loaded.resolve, world, Lang::Rust).unwrap_or_else(|e| panic!("{e:#}"));
    files
        .get("roundtrip.rs")
        .expect("roundtrip.rs generated")
        .to_string()
}

/// Copies a guest's sources (not `target/`), only rewriting files whose contents changed so
/// cargo's fingerprints stay valid.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create the guest copy");
    for entry in std::fs::read_dir(from).expect("read the guest dir") {
        let entry = entry.expect("dir entry");
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if entry.file_name() == "target" {
            continue;
        }
        if src.is_dir() {
            copy_dir(&src, &dst);
        } else {
            let data = std::fs::read(&src).expect("read a guest file");
            if std::fs::read(&dst).ok().as_deref() != Some(&data[..]) {
                std::fs::write(&dst, data).expect("write a guest file");
            }
        }
    }
}

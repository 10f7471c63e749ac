//! The Rust guest bindings of every corpus world compile for wasm32 (`cargo check`), keywords
//! and cross-package `use`s included. (The worlds of `wit/` compile as part of the guest SDK in
//! `guest_sdk.rs`; `wasmtime_compat.rs` also runs two corpus worlds.)

mod toolchains;

use std::path::{Path, PathBuf};

use embwit_gen::codegen::{self, Lang};
use embwit_gen::load::load_dir;

#[test]
fn corpus_rust_bindings_check_for_wasm32() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let krate = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("rust-corpus-check");
    let src = krate.join("src");
    let _ = std::fs::remove_dir_all(&src);
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        krate.join("Cargo.toml"),
        "[package]\nname = \"corpus-check\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[workspace]\n\n[lib]\npath = \"src/lib.rs\"\n",
    )
    .unwrap();
    let mut lib = String::from("#![no_std]\nextern crate alloc;\n");
    let mut count = 0;
    let mut cases: Vec<PathBuf> = std::fs::read_dir(root.join("tests/wit/corpus"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    for case in cases {
        let loaded = load_dir(&case).unwrap();
        for pkg in &loaded.packages {
            for world in loaded.resolve.packages[*pkg].worlds.values() {
                let files = codegen::generate(&loaded.resolve, *world, Lang::Rust).unwrap();
                for (path, contents) in files.iter() {
                    std::fs::write(src.join(path), contents).unwrap();
                    let module = path.trim_end_matches(".rs");
                    lib.push_str(&format!("pub mod {module};\n"));
                    count += 1;
                }
            }
        }
    }
    assert!(count >= 4, "only {count} corpus worlds");
    std::fs::write(src.join("lib.rs"), lib).unwrap();
    let mut cmd = toolchains::nested_cargo();
    cmd.args([
        "check",
        "--quiet",
        "--target",
        "wasm32-unknown-unknown",
        "--manifest-path",
    ])
    .arg(krate.join("Cargo.toml"))
    .arg("--target-dir")
    .arg(krate.join("target"))
    .env("RUSTFLAGS", "-D warnings");
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "generated bindings do not compile:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

//! The Rust guest SDK (`guest-sdks/rust`) carries generated bindings for every world of the
//! `embwit:applet` package. These tests run `embwit gen --check` against them so they never go
//! stale, check the SDK lists every world, and build the Rust blinky applet for wasm32 and turn
//! it into a component of world `blinky` with `wit-component`.

mod toolchains;

use std::path::{Path, PathBuf};
use std::process::Command;

use embwit_gen::load::{load_dir, qualified_world_name};
use wit_parser::IndexMap;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn sdk_worlds_dir() -> PathBuf {
    repo().join("guest-sdks/rust/src/worlds")
}

/// Qualified names of the worlds the SDK must carry: every world of `embwit:applet`.
fn applet_worlds() -> Vec<(String, String)> {
    let loaded = load_dir(&repo().join("wit")).expect("wit/ loads");
    let resolve = &loaded.resolve;
    let mut out: Vec<(String, String)> = resolve
        .worlds
        .iter()
        .filter(|(_, w)| {
            w.package.is_some_and(|p| {
                let n = &resolve.packages[p].name;
                n.namespace == "embwit" && n.name == "applet"
            })
        })
        .map(|(id, w)| (qualified_world_name(resolve, id), w.name.replace('-', "_")))
        .collect();
    out.sort();
    out
}

#[test]
fn sdk_bindings_are_up_to_date() {
    let worlds = applet_worlds();
    assert!(
        worlds.len() >= 2,
        "expected the applet worlds, found {worlds:?}"
    );
    let mut stale = Vec::new();
    for (world, _) in &worlds {
        let out = Command::new(env!("CARGO_BIN_EXE_embwit"))
            .args(["gen", "--lang", "rust", "--world", world, "--wit"])
            .arg(repo().join("wit"))
            .arg("--out")
            .arg(sdk_worlds_dir())
            .arg("--check")
            .output()
            .expect("run embwit");
        match out.status.code() {
            Some(0) => {}
            Some(1) => stale.push(String::from_utf8_lossy(&out.stdout).into_owned()),
            code => panic!(
                "embwit gen --check {world} exited {code:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            ),
        }
    }
    assert!(
        stale.is_empty(),
        "guest-sdks/rust bindings are stale; run guest-sdks/rust/regen.sh\n{}",
        stale.join("\n")
    );
}

#[test]
fn sdk_lists_exactly_the_applet_worlds() {
    let lib = std::fs::read_to_string(repo().join("guest-sdks/rust/src/lib.rs")).unwrap();
    let mut files: Vec<String> = std::fs::read_dir(sdk_worlds_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut expected: Vec<String> = applet_worlds()
        .into_iter()
        .map(|(_, m)| format!("{m}.rs"))
        .collect();
    expected.sort();
    assert_eq!(
        files, expected,
        "guest-sdks/rust/src/worlds holds other worlds than wit/"
    );
    for (_, module) in applet_worlds() {
        assert!(
            lib.contains(&format!("pub mod {module};")),
            "guest-sdks/rust/src/lib.rs does not declare `pub mod {module};`"
        );
    }
}

/// Builds a wasm32 crate in its own target directory and returns the `.wasm` path.
pub fn build_wasm(manifest: &Path, name: &str) -> PathBuf {
    let target_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("embwit-guests");
    let mut cmd = toolchains::nested_cargo();
    cmd.args([
        "build",
        "--quiet",
        "--release",
        "--target",
        "wasm32-unknown-unknown",
    ])
    .arg("--manifest-path")
    .arg(manifest)
    .arg("--target-dir")
    .arg(&target_dir);
    let status = cmd.status().expect("run cargo");
    assert!(
        status.success(),
        "building {} for wasm32 failed",
        manifest.display()
    );
    target_dir.join(format!("wasm32-unknown-unknown/release/{name}.wasm"))
}

#[test]
fn rust_blinky_becomes_a_blinky_component() {
    let wasm = build_wasm(
        &repo().join("examples/blinky/rust/Cargo.toml"),
        "embwit_example_blinky_rust",
    );
    let module = std::fs::read(&wasm).unwrap();
    let component = wit_component::ComponentEncoder::default()
        .validate(true)
        .module(&module)
        .expect("the module carries a component-type section wit-component reads")
        .encode()
        .expect("wit-component makes a valid component of the module");
    // The component's world is `blinky`: decode it and compare its imports and exports.
    let wit_component::DecodedWasm::Component(resolve, world) =
        wit_component::decode(&component).expect("decode the component")
    else {
        panic!("wit-component produced a WIT package, not a component")
    };
    let resolve = &resolve;
    let world = &resolve.worlds[world];
    let names = |items: &IndexMap<wit_parser::WorldKey, wit_parser::WorldItem>| {
        let mut v: Vec<String> = items.keys().map(|k| resolve.name_world_key(k)).collect();
        v.sort();
        v
    };
    let exports = names(&world.exports);
    assert_eq!(
        exports,
        [
            "embwit:applet/lifecycle@0.1.0",
            "embwit:applet/reactor@0.1.0"
        ]
    );
    let imports = names(&world.imports);
    for used in [
        "embwit:gpio/pins@0.1.0",
        "embwit:applet/events@0.1.0",
        "embwit:platform/logging@0.1.0",
    ] {
        assert!(
            imports.iter().any(|i| i == used),
            "{used} missing from {imports:?}"
        );
    }
}

/// The SDK's own unit tests (its allocator) on the host.
#[test]
fn sdk_unit_tests_pass() {
    let target_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("embwit-guest-sdk");
    let mut cmd = toolchains::nested_cargo();
    cmd.args(["test", "--quiet", "--lib", "--manifest-path"])
        .arg(repo().join("guest-sdks/rust/Cargo.toml"))
        .arg("--target-dir")
        .arg(&target_dir);
    let out = cmd.output().expect("run cargo");
    assert!(
        out.status.success(),
        "guest-sdks/rust unit tests failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

//! C and Zig guest bindings: for every world in `wit/` and in the generator's WIT corpus, the
//! generated C compiles with `-std=c11 -Wall -Wextra -Werror -pedantic` for wasm32 (clang-19 and
//! `zig cc`) and the generated Zig compiles for wasm32-freestanding (pinned Zig), and C and Zig
//! applets made into components with `wit-component` validate as components of their world.
//!
//! A missing toolchain skips with a loud message, unless `EMBWIT_REQUIRE_TOOLCHAINS=1` (set by
//! `scripts/test.sh`), which turns it into a failure.

mod toolchains;

use std::path::{Path, PathBuf};

use embwit_gen::codegen::{Backend, Files};
use toolchains::{Toolchains, repo_root, scratch_dir};
use wit_parser::{Resolve, WorldId};

/// Every world under `wit/` and under the corpus directory, loaded per tree.
fn all_worlds() -> Vec<(String, Resolve, Vec<WorldId>)> {
    let root = repo_root();
    let mut trees = vec![root.join("wit")];
    let corpus = root.join("generator/tests/wit/corpus");
    if let Ok(entries) = std::fs::read_dir(&corpus) {
        let mut dirs: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        trees.extend(dirs);
    }
    trees
        .into_iter()
        .map(|dir| {
            let loaded = embwit_gen::load::load_dir(&dir)
                .unwrap_or_else(|e| panic!("loading {}: {e}", dir.display()));
            let worlds = loaded
                .packages
                .iter()
                .flat_map(|p| {
                    loaded.resolve.packages[*p]
                        .worlds
                        .values()
                        .copied()
                        .collect::<Vec<_>>()
                })
                .collect();
            let label = dir
                .strip_prefix(&root)
                .unwrap_or(&dir)
                .display()
                .to_string();
            (label, loaded.resolve, worlds)
        })
        .collect()
}

fn write_files(files: &Files, dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    for (path, contents) in files.iter() {
        std::fs::write(dir.join(path), contents).unwrap();
    }
}

#[test]
fn generated_c_compiles_for_every_world() {
    let tc = Toolchains::detect();
    let compilers = tc.c_compilers("generated_c_compiles_for_every_world");
    let mut count = 0;
    for (label, resolve, worlds) in all_worlds() {
        for world in worlds {
            let name = &resolve.worlds[world].name;
            let mut files = Files::default();
            embwit_gen::codegen::c::C
                .generate(&resolve, world, &mut files)
                .unwrap_or_else(|e| panic!("{label} world {name}: {e:#}"));
            let dir = scratch_dir(&format!("c/{}/{name}", label.replace('/', "_")));
            write_files(&files, &dir);
            for cc in &compilers {
                for (path, _) in files.iter().filter(|(p, _)| p.ends_with(".c")) {
                    cc.compile_object(&dir.join(path), &dir);
                }
                count += 1;
            }
        }
    }
    eprintln!("compiled {count} (world, compiler) pairs");
}

#[test]
fn generated_zig_compiles_for_every_world() {
    let tc = Toolchains::detect();
    let Some(zig) = tc.zig("generated_zig_compiles_for_every_world") else {
        return;
    };
    let mut count = 0;
    for (label, resolve, worlds) in all_worlds() {
        for world in worlds {
            let name = &resolve.worlds[world].name;
            let mut files = Files::default();
            embwit_gen::codegen::zig::Zig
                .generate(&resolve, world, &mut files)
                .unwrap_or_else(|e| panic!("{label} world {name}: {e:#}"));
            let dir = scratch_dir(&format!("zig/{}/{name}", label.replace('/', "_")));
            write_files(&files, &dir);
            let file = files.iter().next().unwrap().0.to_string();
            let stub = embwit_gen::codegen::zig::stub(&resolve, world, &file).unwrap();
            std::fs::write(dir.join("stub_root.zig"), stub).unwrap();
            let mut cmd = zig.command(&[
                "build-exe",
                "stub_root.zig",
                "-target",
                "wasm32-freestanding",
                "-fno-entry",
                "-rdynamic",
                "-O",
                "ReleaseSafe",
                "-femit-bin=stub.wasm",
            ]);
            cmd.current_dir(&dir);
            toolchains::run(cmd, &format!("zig build-exe for {label} world {name}"));
            count += 1;
        }
    }
    eprintln!("compiled {count} Zig worlds");
}

/// Turns a core module into a component with `wit-component` (validated), and checks with
/// `wit_component::targets` that the component conforms to `world`. Returns the component size.
fn check_component(label: &str, module: &[u8], resolve: &Resolve, world: WorldId) -> usize {
    let component = wit_component::ComponentEncoder::default()
        .module(module)
        .unwrap_or_else(|e| panic!("{label}: wit-component rejects the module: {e:#}"))
        .validate(true)
        .encode()
        .unwrap_or_else(|e| panic!("{label}: wit-component cannot encode: {e:#}"));
    wit_component::targets(resolve, world, &component, false)
        .unwrap_or_else(|e| panic!("{label}: component does not target its world: {e:#}"));
    component.len()
}

fn blinky_world() -> (Resolve, WorldId) {
    let loaded = embwit_gen::load::load_dir(&repo_root().join("wit")).unwrap();
    let world = embwit_gen::load::find_world(&loaded.resolve, "blinky").unwrap();
    (loaded.resolve, world)
}

#[test]
fn c_blinky_is_a_valid_blinky_component() {
    let tc = Toolchains::detect();
    let (resolve, world) = blinky_world();
    for cc in tc.c_compilers("c_blinky_is_a_valid_blinky_component") {
        let dir = scratch_dir(&format!("blinky-c-{}", cc.name().replace(' ', "-")));
        let module = toolchains::build_c_blinky(&cc, &dir);
        let size = check_component(
            &format!("C blinky ({})", cc.name()),
            &module,
            &resolve,
            world,
        );
        eprintln!(
            "C blinky with {}: core module {} B, component {size} B",
            cc.name(),
            module.len()
        );
    }
}

#[test]
fn zig_blinky_is_a_valid_blinky_component() {
    let tc = Toolchains::detect();
    let Some(zig) = tc.zig("zig_blinky_is_a_valid_blinky_component") else {
        return;
    };
    let (resolve, world) = blinky_world();
    let dir = scratch_dir("blinky-zig");
    let module = toolchains::build_zig_blinky(&zig, &dir);
    let size = check_component("Zig blinky", &module, &resolve, world);
    eprintln!(
        "Zig blinky: core module {} B, component {size} B",
        module.len()
    );
}

/// The worlds the SDKs ship: every world of `wit/` that exports something (the applet worlds),
/// which must also be the list in guest-sdks/zig/build.zig.
#[test]
fn guest_sdk_bindings_are_fresh() {
    let root = repo_root();
    let loaded = embwit_gen::load::load_dir(&root.join("wit")).unwrap();
    let resolve = &loaded.resolve;
    let build_zig = std::fs::read_to_string(root.join("guest-sdks/zig/build.zig")).unwrap();
    let regen = std::fs::read_to_string(root.join("guest-sdks/regen.sh")).unwrap();
    let mut stale = Vec::new();
    let mut shipped = 0;
    for pkg in &loaded.packages {
        for (name, world) in &resolve.packages[*pkg].worlds {
            if resolve.worlds[*world].exports.is_empty() {
                continue;
            }
            shipped += 1;
            let snake = name.replace('-', "_");
            assert!(
                build_zig.contains(&format!("\"{snake}\"")),
                "guest-sdks/zig/build.zig does not list world `{snake}`"
            );
            assert!(
                regen
                    .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
                    .any(|w| w == name),
                "guest-sdks/regen.sh does not list world `{name}`"
            );
            for (lang, dir) in [
                (embwit_gen::codegen::Lang::C, "guest-sdks/c/bindings"),
                (embwit_gen::codegen::Lang::Zig, "guest-sdks/zig/src"),
            ] {
                let files = embwit_gen::codegen::generate(resolve, *world, lang)
                    .unwrap_or_else(|e| panic!("{lang} {name}: {e:#}"));
                stale.extend(
                    files
                        .differences(&root.join(dir))
                        .into_iter()
                        .map(|f| format!("{dir}/{f}")),
                );
            }
        }
    }
    assert!(shipped > 0, "no applet world found in wit/");
    assert!(
        stale.is_empty(),
        "stale generated SDK files (run guest-sdks/regen.sh): {stale:?}"
    );
}

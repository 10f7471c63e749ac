//! Snapshots of the generated code, for every registered backend, for every world in `wit/` and
//! in the generator's WIT corpus (`tests/wit/corpus/*`). Re-bless with
//! `INSTA_UPDATE=always cargo test -p embwit-gen --test codegen_snapshots`.
//!
//! Also checks that generation is deterministic and that WIT the sync ABI plan does not cover
//! is refused with a clear error (exit 2 from `embwit gen`), never a panic.

use std::path::{Path, PathBuf};
use std::process::Command;

use embwit_gen::codegen::{self, Lang};
use embwit_gen::load::{load_dir, qualified_world_name};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// `(source label, WIT directory)`: `wit/` and each corpus case.
fn sources() -> Vec<(String, PathBuf)> {
    let mut out = vec![("wit".to_string(), root().join("../wit"))];
    let corpus = root().join("tests/wit/corpus");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .expect("tests/wit/corpus exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        out.push((format!("corpus-{name}"), case));
    }
    out
}

/// Snapshots every file `lang` generates for every world; returns how many worlds it generated.
fn snapshot_lang(lang: Lang) -> usize {
    if !codegen::available_langs().contains(&lang) {
        eprintln!("no `{lang}` backend registered yet; nothing to snapshot");
        return 0;
    }
    let mut worlds = 0;
    for (label, dir) in sources() {
        let loaded = load_dir(&dir).unwrap_or_else(|e| panic!("{label}: {e}"));
        let resolve = &loaded.resolve;
        let mut ids: Vec<_> = loaded
            .packages
            .iter()
            .flat_map(|p| resolve.packages[*p].worlds.values().copied())
            .collect();
        ids.sort_by_key(|w| qualified_world_name(resolve, *w));
        for world in ids {
            let name = &resolve.worlds[world].name;
            let files = match codegen::generate(resolve, world, lang) {
                Ok(files) => files,
                // A backend that refuses a world must say why; the refusal is snapshotted too,
                // so lifting a limitation shows up as a snapshot change.
                Err(e) => {
                    insta::assert_snapshot!(
                        format!("{lang}__{label}__{name}__error"),
                        format!("{e:#}")
                    );
                    continue;
                }
            };
            assert!(!files.is_empty(), "{lang} {label} {name}: no files");
            let again = codegen::generate(resolve, world, lang).unwrap();
            assert_eq!(
                files, again,
                "{lang} {label} {name}: output is not deterministic"
            );
            for (path, contents) in files.iter() {
                insta::assert_snapshot!(format!("{lang}__{label}__{name}__{path}"), contents);
            }
            worlds += 1;
        }
    }
    worlds
}

#[test]
fn rust_guest_snapshots() {
    // The Rust guest backend covers every world, corpus included.
    let worlds = snapshot_lang(Lang::Rust);
    assert!(worlds >= 14, "only {worlds} worlds generated");
}

#[test]
fn host_glue_snapshots() {
    snapshot_lang(Lang::Host);
}

#[test]
fn c_snapshots() {
    snapshot_lang(Lang::C);
}

#[test]
fn zig_snapshots() {
    snapshot_lang(Lang::Zig);
}

/// Writes `wit` as a one-file package in a fresh directory.
fn package(wit: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.wit"), wit).unwrap();
    dir
}

fn gen_exit(dir: &Path, world: &str, lang: &str) -> (Option<i32>, String) {
    let out = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_embwit"))
        .args(["gen", "--lang", lang, "--world", world, "--wit"])
        .arg(dir)
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn unsupported_wit_is_refused_with_a_clear_error() {
    let cases = [
        ("interface i { f: async func(); }", "async"),
        (
            "interface i { f: func() -> future<u32>; }",
            "future or stream",
        ),
        (
            "interface i { f: func(s: stream<u8>); }",
            "future or stream",
        ),
        (
            "interface i { flags many { a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, d0, d1, d2 } f: func(x: many); }",
            "more than 32 flags",
        ),
    ];
    for (body, expected) in cases {
        let wit = format!("package t:t;\n{body}\nworld w {{ import i; }}\n");
        let dir = package(&wit);
        for lang in Lang::ALL {
            let (code, err) = gen_exit(dir.path(), "w", lang.name());
            assert_eq!(
                code,
                Some(2),
                "{lang} `{body}`: exit {code:?}, stderr: {err}"
            );
            assert!(
                err.contains(expected),
                "{lang} `{body}`: stderr lacks `{expected}`: {err}"
            );
        }
    }
}

#[test]
fn gen_check_reports_stale_files_and_bad_input() {
    let dir = package(
        "package t:t;\ninterface i { f: func(x: u32) -> string; }\nworld w { import i; }\n",
    );
    let out = tempfile::tempdir().unwrap();
    let run = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_embwit"))
            .args(["gen", "--lang", "rust", "--world", "w", "--wit"])
            .arg(dir.path())
            .arg("--out")
            .arg(out.path())
            .args(extra)
            .output()
            .unwrap()
    };
    // Nothing written yet: stale.
    let o = run(&["--check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("w.rs"));
    assert_eq!(run(&[]).status.code(), Some(0));
    assert_eq!(run(&["--check"]).status.code(), Some(0));
    // A hand edit makes it stale again.
    let file = out.path().join("w.rs");
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("// edited\n");
    std::fs::write(&file, text).unwrap();
    let o = run(&["--check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("differs"));
    // Unknown world, unknown language, broken WIT: exit 2.
    let (code, err) = gen_exit(dir.path(), "nope", "rust");
    assert_eq!(code, Some(2), "{err}");
    let (code, _) = gen_exit(dir.path(), "w", "cobol");
    assert_eq!(code, Some(2));
    let broken = package("package t:t;\ninterface i { f: func(x: u32 }\n");
    let (code, err) = gen_exit(broken.path(), "w", "rust");
    assert_eq!(code, Some(2));
    assert!(err.contains("p.wit:2"), "no file:line in {err}");
}

//! `embwit run`: a real Rust wasm32-wasip1 program (built here from `wasi-hello/`) prints,
//! sees its arguments and exits with its exit code; `--invoke` calls plain exports; `--fuel`
//! stops runaway guests; traps and bad modules give distinct exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

mod toolchains;

fn tmp() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
}

/// Builds the wasip1 program once per test run.
fn hello_wasm() -> &'static Path {
    static WASM: OnceLock<PathBuf> = OnceLock::new();
    WASM.get_or_init(|| {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/wasi-hello/Cargo.toml");
        let target_dir = tmp().join("wasi-hello-target");
        let mut cmd = toolchains::nested_cargo();
        cmd.args([
            "build",
            "--quiet",
            "--release",
            "--target",
            "wasm32-wasip1",
            "--manifest-path",
        ])
        .arg(&manifest)
        .arg("--target-dir")
        .arg(&target_dir);
        let status = cmd.status().expect("run cargo");
        assert!(
            status.success(),
            "building tests/wasi-hello for wasm32-wasip1 failed"
        );
        target_dir.join("wasm32-wasip1/release/wasi-hello.wasm")
    })
}

fn embwit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_embwit"))
        .args(args)
        .output()
        .expect("run embwit")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Writes the module `wat` to a file named `name` and returns its path.
fn wat_file(name: &str, wat: &str) -> String {
    let path = tmp().join(name);
    std::fs::write(&path, wat::parse_str(wat).unwrap()).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn a_wasip1_program_prints_and_exits_with_its_code() {
    let wasm = hello_wasm().to_str().unwrap();
    let out = embwit(&[
        "run",
        "--env",
        "GREETING=hi=there",
        wasm,
        "7",
        "ab",
        "--flag",
    ]);
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(7),
        "stdout: {stdout}\nstderr: {}",
        text(&out.stderr)
    );
    assert!(stdout.contains("hello from wasip1\n"), "{stdout}");
    assert!(
        stdout.contains(r#"args: ["7", "ab", "--flag"]"#),
        "{stdout}"
    );
    assert!(
        stdout.contains("HOME set: false"),
        "the host environment is not leaked: {stdout}"
    );
    assert!(
        stdout.contains("clock ok: true, elapsed ok: true"),
        "{stdout}"
    );
    assert!(stdout.contains(r#"GREETING=Some("hi=there")"#), "{stdout}");
    assert!(
        text(&out.stderr).contains("to stderr: 3 distinct lengths"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn returning_from_main_exits_zero_and_other_codes_propagate() {
    let wasm = hello_wasm().to_str().unwrap();
    assert_eq!(embwit(&["run", wasm, "return"]).status.code(), Some(0));
    assert_eq!(embwit(&["run", wasm]).status.code(), Some(0));
    let out = embwit(&["run", wasm, "return"]);
    assert!(
        text(&out.stdout).contains("GREETING=None"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(embwit(&["run", "--env", "=x", wasm]).status.code(), Some(2));
    assert_eq!(embwit(&["run", wasm, "42"]).status.code(), Some(42));
}

#[test]
fn a_rust_panic_in_the_guest_is_a_trap() {
    let wasm = hello_wasm().to_str().unwrap();
    let out = embwit(&["run", wasm, "panic"]);
    assert_eq!(out.status.code(), Some(134));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("asked to panic"),
        "the guest's panic message is shown: {stderr}"
    );
    assert!(stderr.contains("trapped"), "{stderr}");
}

#[test]
fn invoke_calls_an_export_and_prints_its_results() {
    let file = wat_file(
        "invoke.wasm",
        r#"(module
             (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
             (func (export "pair") (param i64 f64) (result i64 f64)
               (i64.mul (local.get 0) (i64.const 2)) (f64.mul (local.get 1) (f64.const 0.5))))"#,
    );
    let out = embwit(&["run", "--invoke", "add", &file, "2", "-5"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "-3\n");
    let out = embwit(&["run", "--invoke", "pair", &file, "21", "3"]);
    assert_eq!(text(&out.stdout), "42\n1.5\n");
    let out = embwit(&["run", "--invoke", "add", &file, "4294967295", "1"]);
    assert_eq!(text(&out.stdout), "0\n", "unsigned spelling of an i32");

    for bad in [
        &["run", "--invoke", "add", &file, "1"][..],
        &["run", "--invoke", "add", &file, "x", "1"],
    ] {
        let out = embwit(bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", text(&out.stderr));
    }
    let out = embwit(&["run", "--invoke", "nope", &file]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("nope"));
    let out = embwit(&["run", &file]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "no _start: {}",
        text(&out.stderr)
    );
}

#[test]
fn invoke_initialises_a_reactor_first_and_exports_may_exit() {
    let file = wat_file(
        "reactor.wasm",
        r#"(module
             (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
             (memory (export "memory") 1)
             (global $ready (mut i32) (i32.const 0))
             (func (export "_initialize") (global.set $ready (i32.const 41)))
             (func (export "ready") (result i32) (i32.add (global.get $ready) (i32.const 1)))
             (func (export "quit") (param i32) (call $exit (local.get 0))))"#,
    );
    let out = embwit(&["run", "--invoke", "ready", &file]);
    assert_eq!(text(&out.stdout), "42\n", "{}", text(&out.stderr));
    let out = embwit(&["run", "--invoke", "quit", &file, "9"]);
    assert_eq!(out.status.code(), Some(9), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "");
}

#[test]
fn fuel_stops_an_endless_loop_and_traps_exit_134() {
    let file = wat_file(
        "spin.wasm",
        r#"(module
             (func (export "_start") (loop (br 0)))
             (func (export "boom") (result i32) (i32.div_u (i32.const 1) (i32.const 0))))"#,
    );
    let out = embwit(&["run", "--fuel", "10000", &file]);
    assert_eq!(out.status.code(), Some(134));
    assert!(text(&out.stderr).contains("fuel"), "{}", text(&out.stderr));
    let out = embwit(&["run", "--invoke", "boom", &file]);
    assert_eq!(out.status.code(), Some(134));
    assert!(
        text(&out.stderr).contains("divide by zero"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn malformed_and_missing_files_are_errors() {
    let path = tmp().join("garbage.wasm");
    std::fs::write(&path, b"\0asm\x01\0\0\0\x01\xff").unwrap();
    let out = embwit(&["run", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("garbage.wasm"),
        "{}",
        text(&out.stderr)
    );
    let out = embwit(&["run", "/nonexistent/x.wasm"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn zig_and_c_wasi_programs_run() {
    const TEST: &str = "zig_and_c_wasi_programs_run";
    let Some(zig) = toolchains::Zig::detect() else {
        toolchains::missing(TEST, "zig 0.17.1 (pip install ziglang==0.17.1 into .venv)");
        return;
    };
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/wasi-programs");
    let out = tmp().join("wasi-programs");
    std::fs::create_dir_all(&out).unwrap();
    let (zig_wasm, c_wasm) = (out.join("hello_zig.wasm"), out.join("hello_c.wasm"));
    let emit = format!("-femit-bin={}", zig_wasm.display());
    let zig_src = src.join("hello.zig");
    let args = [
        "build-exe",
        zig_src.to_str().unwrap(),
        "-target",
        "wasm32-wasi",
        "-O",
    ];
    let mut cmd = zig.command(&args);
    cmd.args(["ReleaseSmall", &emit]);
    toolchains::run(cmd, "zig build-exe hello.zig");
    // `zig cc` builds wasi-libc, whose start-up code probes preopened directories
    // (`fd_prestat_get`), so this also exercises the EBADF answers of the unsupported calls.
    let mut cmd = zig.command(&["cc", "--target=wasm32-wasi", "-Os", "-o"]);
    cmd.arg(&c_wasm).arg(src.join("hello.c"));
    toolchains::run(cmd, "zig cc hello.c");

    let out = embwit(&["run", zig_wasm.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(5), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "hello from zig 42\n");

    let out = embwit(&[
        "run",
        "--env",
        "GREETING=hey",
        c_wasm.to_str().unwrap(),
        "3",
        "x y",
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "hello from C\narg 1: 3\narg 2: x y\nGREETING=hey\nclock ok: 1\n"
    );
    assert_eq!(text(&out.stderr), "to stderr\n");
}

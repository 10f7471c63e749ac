//! Finding and driving the wasm32 C and Zig toolchains for the C/Zig binding tests.
//!
//! clang: `clang-19` on PATH (Debian `clang-19 lld-19`), or `$EMBWIT_CLANG`.
//! Zig: `$EMBWIT_ZIG`, else `<repo>/.venv/bin/python -m ziglang` (PyPI `ziglang==0.17.1`), else
//! `zig` on PATH. `ZIG_GLOBAL_CACHE_DIR` defaults to `<repo>/.zig-cache`.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The `cargo` running the tests, for a nested build: without the outer build's flags, target
/// and target directory, which would leak into a wasm32 build or deadlock on the build lock.
pub fn nested_cargo() -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    for var in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_BUILD_TARGET",
        "CARGO_TARGET_DIR",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// The repository root: the nearest ancestor of this crate holding `wit/` and `generator/`.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .find(|d| d.join("wit").is_dir() && d.join("generator").is_dir())
        .expect("inside the embwit repository")
        .to_path_buf()
}

/// Builds examples/blinky/c with `cc` (the same sources and flags as its Makefile) into `dir`;
/// returns the core module.
pub fn build_c_blinky(cc: &CCompiler, dir: &Path) -> Vec<u8> {
    let root = repo_root();
    let out = dir.join("blinky.wasm");
    cc.link(
        &[
            root.join("examples/blinky/c/blinky.c"),
            root.join("guest-sdks/c/bindings/blinky.c"),
        ],
        &[
            root.join("guest-sdks/c/include"),
            root.join("guest-sdks/c/bindings"),
        ],
        &out,
    );
    std::fs::read(&out).unwrap()
}

/// Builds examples/blinky/zig with `zig build` (its own build.zig) into `dir`; returns the core
/// module.
pub fn build_zig_blinky(zig: &Zig, dir: &Path) -> Vec<u8> {
    let mut cmd = zig.command(&["build", "--prefix"]);
    cmd.arg(dir.join("out"))
        .arg("--cache-dir")
        .arg(dir.join("cache"))
        .current_dir(repo_root().join("examples/blinky/zig"));
    run(cmd, "zig build of examples/blinky/zig");
    std::fs::read(dir.join("out/bin/blinky.wasm")).unwrap()
}

/// A fresh scratch directory under cargo's per-test temporary directory.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("c_zig")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// True when a missing toolchain must fail the test instead of skipping it.
pub fn required() -> bool {
    std::env::var("EMBWIT_REQUIRE_TOOLCHAINS").is_ok_and(|v| v == "1")
}

/// Reports a missing toolchain: a failure under `EMBWIT_REQUIRE_TOOLCHAINS=1`, else a loud skip.
pub fn missing(test: &str, what: &str) {
    if required() {
        panic!("{test}: {what} is missing and EMBWIT_REQUIRE_TOOLCHAINS=1");
    }
    eprintln!(
        "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
         !!! SKIPPED PART OF {test}: {what} not found.\n\
         !!! scripts/test.sh installs it; set EMBWIT_REQUIRE_TOOLCHAINS=1 to fail instead.\n\
         !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
    );
}

/// Runs `cmd`, panicking with its output when it fails.
pub fn run(mut cmd: Command, what: &str) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run {cmd:?}: {e}"));
    if !out.status.success() {
        panic!(
            "{what} failed ({}):\n{cmd:?}\n--- stdout\n{}\n--- stderr\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

fn works(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// How to start the Zig compiler: program plus leading arguments.
#[derive(Clone, Debug)]
pub struct Zig {
    program: String,
    prefix: Vec<String>,
}

impl Zig {
    pub fn detect() -> Option<Zig> {
        let cache = repo_root().join(".zig-cache");
        if std::env::var_os("ZIG_GLOBAL_CACHE_DIR").is_none() {
            // SAFETY-free: tests in this binary only read this variable through child processes.
            unsafe_free_set_cache(&cache);
        }
        let candidates: Vec<(String, Vec<String>)> = [
            std::env::var("EMBWIT_ZIG").ok().map(|z| (z, vec![])),
            Some((
                repo_root().join(".venv/bin/python").display().to_string(),
                vec!["-m".into(), "ziglang".into()],
            )),
            Some(("zig".into(), vec![])),
        ]
        .into_iter()
        .flatten()
        .collect();
        for (program, prefix) in candidates {
            let mut args: Vec<&str> = prefix.iter().map(String::as_str).collect();
            args.push("version");
            if works(&program, &args) {
                return Some(Zig { program, prefix });
            }
        }
        None
    }

    /// A `zig` command with `args` first.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.program);
        cmd.args(&self.prefix).args(args);
        cmd.env("ZIG_GLOBAL_CACHE_DIR", zig_cache());
        cmd
    }
}

fn zig_cache() -> PathBuf {
    std::env::var_os("ZIG_GLOBAL_CACHE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join(".zig-cache"))
}

fn unsafe_free_set_cache(_cache: &Path) {
    // The cache directory is passed to each child process explicitly (see `Zig::command`).
}

/// A C compiler for wasm32.
#[derive(Clone, Debug)]
pub enum CCompiler {
    Clang(String),
    ZigCc(Zig),
}

/// Warnings and language flags every generated C file must pass.
pub const STRICT: &[&str] = &["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic"];

impl CCompiler {
    pub fn name(&self) -> &'static str {
        match self {
            CCompiler::Clang(_) => "clang-19",
            CCompiler::ZigCc(_) => "zig cc",
        }
    }

    fn command(&self) -> Command {
        match self {
            CCompiler::Clang(p) => {
                let mut cmd = Command::new(p);
                // clang 19 enables neither bulk memory nor non-trapping float-to-int by default;
                // without bulk memory, copies become calls to a libc `memcpy`.
                cmd.args([
                    "--target=wasm32-unknown-unknown",
                    "-mbulk-memory",
                    "-mnontrapping-fptoint",
                ]);
                cmd
            }
            CCompiler::ZigCc(z) => z.command(&["cc", "--target=wasm32-freestanding"]),
        }
    }

    /// Compiles `src` to an object file in `out_dir` with the strict flags.
    pub fn compile_object(&self, src: &Path, out_dir: &Path) {
        let obj = out_dir.join(format!(
            "{}.{}.o",
            src.file_stem().unwrap().to_string_lossy(),
            if matches!(self, CCompiler::Clang(_)) {
                "clang"
            } else {
                "zigcc"
            }
        ));
        let mut cmd = self.command();
        cmd.args(STRICT)
            .args(["-O2", "-c", "-o"])
            .arg(&obj)
            .arg(src);
        run(cmd, &format!("{} compiling {}", self.name(), src.display()));
    }

    /// Compiles and links `sources` into a freestanding reactor module at `out`.
    pub fn link(&self, sources: &[PathBuf], includes: &[PathBuf], out: &Path) {
        self.link_with(sources, includes, out, &[]);
    }

    /// [`CCompiler::link`] with `extra` compiler flags.
    pub fn link_with(&self, sources: &[PathBuf], includes: &[PathBuf], out: &Path, extra: &[&str]) {
        let mut cmd = self.command();
        cmd.args(STRICT)
            .args(extra)
            .args(["-Os", "-nostdlib", "-Wl,--no-entry", "-o"])
            .arg(out);
        for inc in includes {
            cmd.arg("-I").arg(inc);
        }
        cmd.args(sources);
        run(cmd, &format!("{} linking {}", self.name(), out.display()));
    }
}

/// The toolchains found on this machine.
pub struct Toolchains {
    pub clang: Option<String>,
    pub zig: Option<Zig>,
}

impl Toolchains {
    pub fn detect() -> Toolchains {
        let clang = std::env::var("EMBWIT_CLANG")
            .ok()
            .or_else(|| Some("clang-19".to_string()))
            .filter(|c| works(c, &["--version"]));
        Toolchains {
            clang,
            zig: Zig::detect(),
        }
    }

    /// The C compilers present; reports the missing ones.
    pub fn c_compilers(&self, test: &str) -> Vec<CCompiler> {
        let mut out = Vec::new();
        match &self.clang {
            Some(c) => out.push(CCompiler::Clang(c.clone())),
            None => missing(test, "clang-19 (apt-get install clang-19 lld-19)"),
        }
        match &self.zig {
            Some(z) => out.push(CCompiler::ZigCc(z.clone())),
            None => missing(test, "zig 0.17.1 (pip install ziglang==0.17.1 into .venv)"),
        }
        out
    }

    /// The Zig compiler, or `None` after reporting it missing.
    pub fn zig(&self, test: &str) -> Option<Zig> {
        if self.zig.is_none() {
            missing(test, "zig 0.17.1 (pip install ziglang==0.17.1 into .venv)");
        }
        self.zig.clone()
    }
}

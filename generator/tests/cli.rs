//! The `embwit` binary end to end: exit codes and error messages for good and broken WIT.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn embwit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_embwit"))
        .args(args)
        .output()
        .expect("run embwit")
}

fn repo_wit() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../wit")
}

/// Writes `files` (path, contents) under a fresh temporary directory.
fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (path, contents) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }
    dir
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs `embwit check` on a broken tree and returns stderr after asserting exit code 2.
fn check_fails(files: &[(&str, &str)]) -> String {
    let dir = tree(files);
    let out = embwit(&["check", dir.path().to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(
        out.status.code(),
        Some(2),
        "expected exit 2, stderr:\n{err}"
    );
    err
}

#[test]
fn bundled_packages_check_clean() {
    let out = embwit(&["check", repo_wit().to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("all valid"), "{stdout}");
}

#[test]
fn syntax_error_names_file_line_and_source() {
    let err = check_fails(&[(
        "pkg/a.wit",
        "package test:a@0.1.0;\n\ninterface i {\n    f: func(x: u32;\n}\n",
    )]);
    assert!(err.contains("a.wit:4:"), "{err}");
    assert!(
        err.contains("f: func(x: u32;"),
        "source line missing: {err}"
    );
}

#[test]
fn unknown_type_names_file_and_line() {
    let err = check_fails(&[(
        "pkg/a.wit",
        "package test:a@0.1.0;\n\ninterface i {\n    f: func() -> no-such-type;\n}\n",
    )]);
    assert!(err.contains("no-such-type"), "{err}");
    assert!(err.contains("a.wit:4:"), "{err}");
}

#[test]
fn missing_package_names_file_and_line() {
    let err = check_fails(&[(
        "pkg/a.wit",
        "package test:a@0.1.0;\n\ninterface i {\n    use test:missing/j@0.1.0.{t};\n}\n",
    )]);
    assert!(err.contains("test:missing"), "{err}");
    assert!(err.contains("a.wit:4:"), "{err}");
}

#[test]
fn package_cycle_is_an_error() {
    let err = check_fails(&[
        (
            "a/a.wit",
            "package test:a@0.1.0;\n\ninterface i {\n    use test:b/j@0.1.0.{t};\n}\n",
        ),
        (
            "b/b.wit",
            "package test:b@0.1.0;\n\ninterface j {\n    use test:a/i@0.1.0.{u};\n    type t = u32;\n}\n",
        ),
    ]);
    assert!(
        err.contains("cycle") || err.contains("depends on itself"),
        "{err}"
    );
    assert!(err.contains(".wit:4:"), "{err}");
}

#[test]
fn interface_cycle_inside_a_package_is_an_error() {
    let err = check_fails(&[(
        "pkg/a.wit",
        "package test:a@0.1.0;\n\ninterface i {\n    use j.{t};\n    type u = u8;\n}\n\ninterface j {\n    use i.{u};\n    type t = u8;\n}\n",
    )]);
    assert!(
        err.contains("cycle") || err.contains("depends on itself"),
        "{err}"
    );
    assert!(err.contains("a.wit:"), "{err}");
}

#[test]
fn empty_or_missing_directory_is_bad_input() {
    let dir = tree(&[("README.md", "no wit here")]);
    let out = embwit(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no WIT package"), "{}", stderr(&out));

    let out = embwit(&["check", "/definitely/not/here"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not a directory"), "{}", stderr(&out));
}

#[test]
fn worlds_lists_imports_and_exports() {
    let dir = tree(&[(
        "pkg/a.wit",
        "package test:a@0.1.0;\n\n/// I.\ninterface i {\n    /// F.\n    f: func();\n}\n\n/// W.\nworld w {\n    import i;\n    export g: func() -> u32;\n}\n",
    )]);
    let out = embwit(&["worlds", "--wit", dir.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout,
        "test:a/w@0.1.0\n  imports:\n    interface test:a/i@0.1.0\n  exports:\n    func g: func() -> u32\n"
    );
}

#[test]
fn doc_writes_an_index_and_a_page_per_package() {
    let out_dir = tempfile::tempdir().unwrap();
    let out = embwit(&[
        "doc",
        "--wit",
        repo_wit().to_str().unwrap(),
        "--out",
        out_dir.path().to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let index = std::fs::read_to_string(out_dir.path().join("index.md")).unwrap();
    assert!(index.contains("embwit-gpio.md"), "{index}");
    let gpio = std::fs::read_to_string(out_dir.path().join("embwit-gpio.md")).unwrap();
    assert!(gpio.starts_with("# Package `embwit:gpio@0.1.0`"), "{gpio}");
}

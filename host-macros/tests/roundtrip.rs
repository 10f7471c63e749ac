//! Round trips through the generated host glue: the host calls each `guest-fns` export, the
//! guest forwards to the matching `host-fns` import, and the value must come back unchanged.
//! Runs the guest made with the official `wit-bindgen` crate on wasmi.

mod common;

use common::host::{ENGINES, Engine, Run, bindings, with_engine};

use bindings::embwit::roundtrip::types::{Color, Deep, Perms, Point, Shape};
use bindings::exports::embwit::roundtrip::guest_fns as guest;
use common::values::{deep, everything};
use embwit_host::Resource;

/// Every value crosses host -> guest -> host -> guest -> host unchanged.
fn all_types(g: &mut dyn Run) {
    assert!(guest::call_echo_bool(g, true).unwrap());
    assert!(!guest::call_echo_bool(g, false).unwrap());
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
    assert_eq!(
        guest::call_echo_ints(
            g, ints.0, ints.1, ints.2, ints.3, ints.4, ints.5, ints.6, ints.7
        )
        .unwrap(),
        ints
    );
    let (f, d) = guest::call_echo_floats(g, f32::NAN, -0.0).unwrap();
    assert!(f.is_nan() && d == 0.0 && d.is_sign_negative());
    assert_eq!(
        guest::call_echo_floats(g, 1.25, f64::MIN).unwrap(),
        (1.25, f64::MIN)
    );
    for c in ['\0', 'a', 'é', '\u{D7FF}', '\u{E000}', '\u{10FFFF}'] {
        assert_eq!(guest::call_echo_char(g, c).unwrap(), c);
    }
    for s in ["", "hello", "héllo ☃ 𝄞"] {
        assert_eq!(guest::call_echo_string(g, s).unwrap(), s);
    }
    let mib = "x".repeat(1 << 20);
    assert_eq!(guest::call_echo_string(g, &mib).unwrap(), mib);
    assert_eq!(guest::call_echo_bytes(g, &[]).unwrap(), Vec::<u8>::new());
    let bytes: Vec<u8> = (0..1 << 20).map(|i| (i * 7) as u8).collect();
    assert_eq!(guest::call_echo_bytes(g, &bytes).unwrap(), bytes);
    assert_eq!(
        guest::call_echo_strings(g, vec![]).unwrap(),
        Vec::<String>::new()
    );
    let strings = vec!["".to_string(), "a".into(), "ü€".into(), "z".repeat(1000)];
    assert_eq!(
        guest::call_echo_strings(g, strings.clone()).unwrap(),
        strings
    );
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
    assert_eq!(
        guest::call_many_args(
            g, 1, 2, 3, 4, -5, -6, -7, -8, 9.5, 10.25, 'k', true, "thirteen", 14, 15, 16, 17
        )
        .unwrap(),
        "1 2 3 4 -5 -6 -7 -8 9.5 10.25 k true thirteen 14 15 16 17"
    );
    assert!(g.handles().is_empty(), "handles leaked");
}

/// Host-defined resources: constructors, methods, statics, borrows, own transfers both ways,
/// drops.
fn resources(g: &mut dyn Run) -> (u32, u32, u32, u32) {
    let counters = guest::call_counters(g, 7).unwrap();
    let rep = {
        let host = g.host();
        host.counters.push(Some(3));
        host.counters.len() as u32 - 1
    };
    let back = guest::call_pass_counter(g, Resource::new(rep)).unwrap();
    let peek = guest::call_peek_counter(g, &Resource::new(rep)).unwrap();
    assert!(g.handles().is_empty(), "handles leaked");
    (
        counters,
        back.rep(),
        g.host().counters[rep as usize].unwrap(),
        peek,
    )
}

/// Guest-defined resources: the host constructs, calls methods and statics, hands one back
/// by value, borrows one, and drops its handles (running the guest's destructor).
fn guest_resources(g: &mut dyn Run) -> (i64, i64, i64, u32, u32) {
    let a = guest::call_accumulator_new(g, 5).unwrap();
    let added = guest::call_accumulator_add(g, &a, 10).unwrap();
    let b = guest::call_accumulator_new(g, 100).unwrap();
    assert_eq!(guest::call_accumulator_total(g, &b).unwrap(), 100);
    // `a` goes to the guest by value and is destroyed there.
    let c = guest::call_accumulator_merge(g, a, &b).unwrap();
    let merged = guest::call_accumulator_total(g, &c).unwrap();
    let after_merge = guest::call_destroyed(g).unwrap();
    guest::drop_accumulator(g, b).unwrap();
    let total_c = guest::call_accumulator_total(g, &c).unwrap();
    guest::drop_accumulator(g, c).unwrap();
    let destroyed = guest::call_destroyed(g).unwrap();
    assert!(g.handles().is_empty(), "handles leaked");
    (added, merged, total_c, after_merge, destroyed)
}

/// Runs the whole round trip for one guest on one engine; returns what the host saw (calls
/// and drops), so guests and engines can be compared.
fn round_trip(engine: Engine, wasm: &[u8]) -> (Vec<&'static str>, Vec<u32>) {
    let ((), host) = with_engine(engine, wasm, all_types);
    for call in [
        "bool",
        "ints",
        "floats",
        "char",
        "string",
        "bytes",
        "strings",
        "everything",
        "shape",
        "color",
        "perms",
        "option",
        "result",
        "deep",
        "many",
    ] {
        assert!(
            host.calls.contains(&call),
            "{engine:?}: host never saw `{call}`"
        );
    }
    let calls = host.calls;
    let ((counters, back, value, peek), host) = with_engine(engine, wasm, resources);
    // a = 7, +5 = 12; b = 10; c = a + b = 22; c += value(c) -> 44; consumed.
    assert_eq!(counters, 44);
    assert_eq!(back, 3, "the guest hands the same counter back");
    assert_eq!(value, 4, "the guest added 1 through its own handle");
    assert_eq!(peek, 4, "the guest read the lent counter");
    // `a` was dropped explicitly, `b` at the end of `counters`; `c` was consumed by the host.
    assert_eq!(host.dropped, vec![0, 1]);
    let (guest_res, _) = with_engine(engine, wasm, guest_resources);
    assert_eq!(
        guest_res,
        (15, 115, 115, 1, 3),
        "{engine:?}: guest-defined resources"
    );
    (calls, host.dropped)
}

/// A guest made with the official `wit-bindgen` crate (compatibility check (a)).
#[test]
fn wit_bindgen_guest() {
    let wasm = common::guest("wit-bindgen");
    let seen: Vec<_> = ENGINES.iter().map(|e| round_trip(*e, &wasm)).collect();
    assert_eq!(seen[0], seen[1], "the engines disagree");
}

/// A guest made with embwit's own Rust guest backend, and the same observations as the
/// wit-bindgen guest.
#[test]
fn embwit_guest_matches_wit_bindgen_guest() {
    let ours = common::guest("embwit");
    let theirs = common::guest("wit-bindgen");
    for engine in ENGINES {
        assert_eq!(
            round_trip(engine, &ours),
            round_trip(engine, &theirs),
            "{engine:?}: the two guests made the host see different calls"
        );
    }
}

//! An applet for world `corpus:types/all-types`: every export echoes its arguments, and `run`
//! calls every import with known values and checks that the host echoed them back. The test
//! writes the embwit-generated bindings to `src/all_types.rs` before building.

#![no_std]

extern crate alloc;

// The bindings `embwit gen --lang rust` generates for the world, written here by the test.
mod all_types;

// The SDK brings the allocator and the panic handler (features `allocator`, `panic-handler`).
use embwit_guest as _;

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

use all_types::corpus::types as imp;
use all_types::exports::corpus::types as exp;

struct Applet;

impl all_types::Guest for Applet {
    fn run(args: Vec<String>) -> Result<u32, String> {
        let mut checks = 0u32;
        macro_rules! check {
            ($call:expr, $want:expr) => {{
                let got = $call;
                let want = &$want;
                if got != *want {
                    return Err(format!(
                        "{}: got {:?}, want {:?}",
                        stringify!($call),
                        got,
                        want
                    ));
                }
                checks += 1;
            }};
        }
        check!(all_types::next_id(), 42);
        check!(args.len(), 2);

        use imp::scalars as s;
        check!(s::roundtrip_bool(true), true);
        check!(s::roundtrip_u8(0xfe), 0xfe);
        check!(s::roundtrip_s8(-100), -100);
        check!(s::roundtrip_u16(0xfedc), 0xfedc);
        check!(s::roundtrip_s16(-30000), -30000);
        check!(s::roundtrip_u32(0xfedc_ba98), 0xfedc_ba98);
        check!(s::roundtrip_s32(i32::MIN), i32::MIN);
        check!(s::roundtrip_u64(u64::MAX - 1), u64::MAX - 1);
        check!(s::roundtrip_s64(i64::MIN + 7), i64::MIN + 7);
        check!(s::roundtrip_f32(-1.5), -1.5);
        check!(
            s::roundtrip_f64(core::f64::consts::PI),
            core::f64::consts::PI
        );
        check!(s::roundtrip_char('\u{1F980}'), '\u{1F980}');
        check!(s::roundtrip_string(""), "");
        check!(s::roundtrip_string("héllo wörld"), "héllo wörld");
        let big = "x".repeat(1 << 20);
        check!(s::roundtrip_string(&big), big);

        use imp::compound as c;
        let p = c::Point { x: -3, y: 9 };
        check!(c::roundtrip_point(p.clone()), p);
        let shape = c::Shape {
            name: "tri".into(),
            outline: vec![
                c::Point { x: 0, y: 0 },
                c::Point { x: 4, y: 0 },
                c::Point { x: 0, y: 3 },
            ],
            center: Some(c::Point { x: 1, y: 1 }),
            tags: vec!["a".into(), String::new(), "ccc".into()],
            weights: vec![0.5, -2.25],
        };
        check!(c::roundtrip_shape(shape.clone()), shape);
        let values = vec![
            c::Value::None,
            c::Value::Small(7),
            c::Value::Big(u64::MAX),
            c::Value::Real(2.5),
            c::Value::Double(-1e300),
            c::Value::Text("text".into()),
            c::Value::Pair((5, 0.25)),
            c::Value::Shape(shape.clone()),
        ];
        for v in &values {
            check!(c::roundtrip_value(v.clone()), v.clone());
        }
        check!(c::roundtrip_values(&values), values);
        check!(c::roundtrip_values(&[]), Vec::new());
        check!(c::roundtrip_color(c::Color::Blue), c::Color::Blue);
        let flags = (
            c::SmallFlags::A | c::SmallFlags::C,
            c::MidFlags::F9 | c::MidFlags::F0,
            c::WideFlags::B31 | c::WideFlags::B16 | c::WideFlags::B1,
        );
        check!(c::roundtrip_flags(flags.0, flags.1, flags.2), flags);
        let nested: c::Nested = vec![
            None,
            Some((Ok(1), vec![vec![1, 2], vec![]])),
            Some((Err("e".into()), vec![])),
        ];
        check!(c::roundtrip_nested(nested.clone()), nested);
        check!(c::roundtrip_option(None), None);
        check!(c::roundtrip_option(Some(None)), Some(None));
        check!(
            c::roundtrip_option(Some(Some("s".into()))),
            Some(Some("s".to_string()))
        );
        check!(
            c::results(1),
            (Ok(()), Err(()), Ok(()), Err(c::Failure::TooBig(1)))
        );
        check!(c::check(3), Ok(3));
        check!(c::check(1000), Err(c::Failure::TooBig(1000)));
        let bytes: Vec<u8> = (0..=255).collect();
        check!(c::bytes(&bytes), bytes);
        check!(
            c::numbers(&[-1, 2], &[u64::MAX], &[1.5]),
            vec![2, -1, 2, -1, 1]
        );
        check!(
            c::chars(&['a', 'é', '\u{10FFFF}']),
            vec!['a', 'é', '\u{10FFFF}']
        );
        check!(c::bools(&[true, false, true]), vec![true, false, true]);
        let strings: Vec<String> = vec!["one".into(), String::new(), "three".into()];
        check!(c::strings(&strings), strings);

        use imp::limits as l;
        check!(
            l::many_params(
                1,
                2,
                3,
                4,
                -5,
                -6,
                -7,
                -8,
                9.5,
                10.5,
                'k',
                true,
                "thirteen",
                c::Point { x: 14, y: 14 },
                15
            ),
            1 + 2 + 3 + 4 + 14 + 15 + 8
        );
        check!(
            l::sixteen(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16),
            136
        );
        check!(
            l::multi(),
            (
                7,
                "multi".to_string(),
                c::Point { x: 1, y: 2 },
                vec![3, 4, 5],
                6.5
            )
        );
        l::nothing();
        checks += 1;

        use imp::aliases as a;
        check!(
            a::length(vec![c::Point { x: 0, y: 0 }, c::Point { x: 3, y: 4 }]),
            5.0
        );
        check!(a::paint(None), c::Color::Red);
        check!(a::paint(Some(c::Color::Green)), c::Color::Green);
        Ok(checks)
    }
}

impl exp::scalars::Guest for Applet {
    fn roundtrip_bool(x: bool) -> bool {
        x
    }
    fn roundtrip_u8(x: u8) -> u8 {
        x
    }
    fn roundtrip_s8(x: i8) -> i8 {
        x
    }
    fn roundtrip_u16(x: u16) -> u16 {
        x
    }
    fn roundtrip_s16(x: i16) -> i16 {
        x
    }
    fn roundtrip_u32(x: u32) -> u32 {
        x
    }
    fn roundtrip_s32(x: i32) -> i32 {
        x
    }
    fn roundtrip_u64(x: u64) -> u64 {
        x
    }
    fn roundtrip_s64(x: i64) -> i64 {
        x
    }
    fn roundtrip_f32(x: f32) -> f32 {
        x
    }
    fn roundtrip_f64(x: f64) -> f64 {
        x
    }
    fn roundtrip_char(x: char) -> char {
        x
    }
    fn roundtrip_string(x: String) -> String {
        x
    }
}

impl exp::compound::Guest for Applet {
    fn roundtrip_point(p: exp::compound::Point) -> exp::compound::Point {
        p
    }
    fn roundtrip_shape(s: exp::compound::Shape) -> exp::compound::Shape {
        s
    }
    fn roundtrip_value(v: exp::compound::Value) -> exp::compound::Value {
        v
    }
    fn roundtrip_values(v: Vec<exp::compound::Value>) -> Vec<exp::compound::Value> {
        v
    }
    fn roundtrip_color(c: exp::compound::Color) -> exp::compound::Color {
        c
    }
    fn roundtrip_flags(
        a: exp::compound::SmallFlags,
        b: exp::compound::MidFlags,
        c: exp::compound::WideFlags,
    ) -> (
        exp::compound::SmallFlags,
        exp::compound::MidFlags,
        exp::compound::WideFlags,
    ) {
        (a, b, c)
    }
    fn roundtrip_nested(n: exp::compound::Nested) -> exp::compound::Nested {
        n
    }
    fn roundtrip_option(o: Option<Option<String>>) -> Option<Option<String>> {
        o
    }
    fn results(
        which: u8,
    ) -> (
        Result<(), ()>,
        Result<u32, ()>,
        Result<(), String>,
        Result<String, exp::compound::Failure>,
    ) {
        if which == 0 {
            (Ok(()), Ok(0), Ok(()), Ok("zero".into()))
        } else {
            (
                Err(()),
                Ok(u32::from(which)),
                Err(format!("which={which}")),
                Err(exp::compound::Failure::BadInput("nonzero".into())),
            )
        }
    }
    fn check(x: u32) -> Result<u32, exp::compound::Failure> {
        match x {
            0 => Err(exp::compound::Failure::Other),
            1..100 => Ok(x * 2),
            _ => Err(exp::compound::Failure::TooBig(x)),
        }
    }
    fn bytes(b: Vec<u8>) -> Vec<u8> {
        b.into_iter().rev().collect()
    }
    fn numbers(a: Vec<i16>, b: Vec<u64>, c: Vec<f32>) -> Vec<i64> {
        let mut out: Vec<i64> = a.into_iter().map(i64::from).collect();
        out.extend(b.into_iter().map(|x| x as i64));
        out.extend(c.into_iter().map(|x| x as i64));
        out
    }
    fn chars(c: Vec<char>) -> Vec<char> {
        c.into_iter().rev().collect()
    }
    fn bools(b: Vec<bool>) -> Vec<bool> {
        b.into_iter().map(|x| !x).collect()
    }
    fn strings(s: Vec<String>) -> Vec<String> {
        s.into_iter().map(|x| x.to_uppercase()).collect()
    }
}

impl exp::limits::Guest for Applet {
    #[allow(clippy::too_many_arguments)]
    fn many_params(
        a1: u8,
        a2: u16,
        a3: u32,
        a4: u64,
        a5: i8,
        a6: i16,
        a7: i32,
        a8: i64,
        a9: f32,
        a10: f64,
        a11: char,
        a12: bool,
        a13: String,
        a14: exp::compound::Point,
        a15: u32,
    ) -> u64 {
        // A digest that depends on every argument.
        let mut h = u64::from(a1) + u64::from(a2) + u64::from(a3) + a4;
        h = h
            .wrapping_mul(31)
            .wrapping_add((i64::from(a5) + i64::from(a6) + i64::from(a7) + a8) as u64);
        h = h.wrapping_mul(31).wrapping_add((a9 as f64 + a10) as u64);
        h = h
            .wrapping_mul(31)
            .wrapping_add(u64::from(u32::from(a11)) + u64::from(a12));
        h = h.wrapping_mul(31).wrapping_add(a13.len() as u64);
        h = h.wrapping_mul(31).wrapping_add((a14.x + a14.y) as u64);
        h.wrapping_mul(31).wrapping_add(u64::from(a15))
    }
    #[allow(clippy::too_many_arguments, clippy::many_single_char_names)]
    fn sixteen(
        a: u32,
        b: u32,
        c: u32,
        d: u32,
        e: u32,
        f: u32,
        g: u32,
        h: u32,
        i: u32,
        j: u32,
        k: u32,
        l: u32,
        m: u32,
        n: u32,
        o: u32,
        p: u32,
    ) -> u32 {
        [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p]
            .iter()
            .enumerate()
            .map(|(idx, v)| (idx as u32 + 1) * v)
            .sum()
    }
    fn multi() -> (u8, String, exp::compound::Point, Vec<u32>, f64) {
        (
            1,
            "one".into(),
            exp::compound::Point { x: -1, y: 1 },
            vec![1, 1],
            1.0,
        )
    }
    fn nothing() {}
}

impl exp::aliases::Guest for Applet {
    fn length(p: exp::aliases::Path) -> exp::aliases::Distance {
        p.windows(2)
            .map(|w| {
                let (dx, dy) = (f64::from(w[1].x - w[0].x), f64::from(w[1].y - w[0].y));
                libm_sqrt(dx * dx + dy * dy)
            })
            .sum()
    }
    fn paint(c: exp::aliases::MaybeColor) -> exp::compound::Color {
        c.unwrap_or(exp::compound::Color::Green)
    }
}

/// `f64::sqrt` needs std; Newton's method is plenty for a test.
fn libm_sqrt(x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    let mut r = x;
    for _ in 0..64 {
        r = 0.5 * (r + x / r);
    }
    r
}

all_types::export!(Applet);

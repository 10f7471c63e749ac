//! Edge values of the round-trip world's types, sent by both round-trip tests (the Rust guests
//! and the C/Zig guests) so every guest is checked against the same inputs.

use super::host::bindings::embwit::roundtrip::types::{
    Color, Deep, Everything, Perms, Point, Shape,
};

/// A record with every field at an edge value; `s` and `n` size its string and byte list.
pub fn everything(s: &str, n: usize) -> Everything {
    Everything {
        b: true,
        u8v: u8::MAX,
        s8v: i8::MIN,
        u16v: u16::MAX,
        s16v: i16::MIN,
        u32v: u32::MAX,
        s32v: i32::MIN,
        u64v: u64::MAX,
        s64v: i64::MIN,
        f32v: -0.5,
        f64v: f64::MAX,
        c: '\u{10FFFF}',
        s: s.to_string(),
        bytes: (0..n).map(|i| i as u8).collect(),
        words: vec!["".into(), "ü".into(), s.into()],
        pt: Point { x: -1, y: i32::MAX },
        color: Color::Blue,
        perms: Perms::READ | Perms::EXEC,
        shape: Shape::Named("tri".into()),
        maybe: Some(0),
        outcome: Err(Color::Green),
        pair: (7, "pair".into()),
    }
}

/// Deeply nested lists, options, results and variants.
pub fn deep() -> Deep {
    vec![
        vec![],
        vec![
            None,
            Some(Ok((Point { x: 1, y: 2 }, "a".into()))),
            Some(Err(Shape::Rect(Point { x: 3, y: 4 }))),
            Some(Err(Shape::Empty)),
            Some(Err(Shape::Wide(u64::MAX))),
        ],
        vec![Some(Err(Shape::Circle(1.5)))],
    ]
}

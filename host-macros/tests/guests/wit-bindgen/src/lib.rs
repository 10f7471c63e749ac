//! Every `guest-fns` export forwards to the matching `host-fns` import and returns the host's
//! answer, so one host call crosses the boundary in both directions.

wit_bindgen::generate!({
    path: "../../../../generator/tests/wit/roundtrip",
    world: "roundtrip",
});

use embwit::roundtrip::host_fns as host;
use embwit::roundtrip::host_fns::Counter;
use embwit::roundtrip::types::{Color, Deep, Everything, Perms, Shape};
use exports::embwit::roundtrip::guest_fns::{Accumulator, AccumulatorBorrow, GuestAccumulator};
use std::cell::Cell;
use std::sync::atomic::{AtomicU32, Ordering};

struct Guest;

static DESTROYED: AtomicU32 = AtomicU32::new(0);

/// The guest's accumulator; counts its own destruction.
struct Acc {
    total: Cell<i64>,
}

impl Drop for Acc {
    fn drop(&mut self) {
        DESTROYED.fetch_add(1, Ordering::Relaxed);
    }
}

impl GuestAccumulator for Acc {
    fn new(start: i64) -> Self {
        Acc {
            total: Cell::new(start),
        }
    }
    fn add(&self, n: i64) -> i64 {
        self.total.set(self.total.get() + n);
        self.total.get()
    }
    fn total(&self) -> i64 {
        self.total.get()
    }
    fn merge(a: Accumulator, b: AccumulatorBorrow<'_>) -> Accumulator {
        let sum = a.get::<Acc>().total() + b.get::<Acc>().total();
        Accumulator::new(Acc::new(sum))
    }
}

impl exports::embwit::roundtrip::guest_fns::Guest for Guest {
    type Accumulator = Acc;

    fn destroyed() -> u32 {
        DESTROYED.load(Ordering::Relaxed)
    }
    fn echo_bool(x: bool) -> bool {
        host::echo_bool(x)
    }
    #[allow(clippy::too_many_arguments)]
    fn echo_ints(
        a: u8,
        b: i8,
        c: u16,
        d: i16,
        e: u32,
        f: i32,
        g: u64,
        h: i64,
    ) -> (u8, i8, u16, i16, u32, i32, u64, i64) {
        host::echo_ints(a, b, c, d, e, f, g, h)
    }
    fn echo_floats(a: f32, b: f64) -> (f32, f64) {
        host::echo_floats(a, b)
    }
    fn echo_char(c: char) -> char {
        host::echo_char(c)
    }
    fn echo_string(s: String) -> String {
        host::echo_string(&s)
    }
    fn echo_bytes(b: Vec<u8>) -> Vec<u8> {
        host::echo_bytes(&b)
    }
    fn echo_strings(s: Vec<String>) -> Vec<String> {
        host::echo_strings(&s)
    }
    fn echo_everything(e: Everything) -> Everything {
        host::echo_everything(&e)
    }
    fn echo_shape(s: Shape) -> Shape {
        host::echo_shape(&s)
    }
    fn echo_color(c: Color) -> Color {
        host::echo_color(c)
    }
    fn echo_perms(p: Perms) -> Perms {
        host::echo_perms(p)
    }
    fn echo_option(o: Option<String>) -> Option<String> {
        host::echo_option(o.as_deref())
    }
    fn echo_result(r: Result<u32, String>) -> Result<u32, String> {
        host::echo_result(r.as_ref().map(|v| *v).map_err(|e| e.as_str()))
    }
    fn echo_deep(d: Deep) -> Deep {
        host::echo_deep(&d)
    }
    #[allow(clippy::too_many_arguments)]
    fn many_args(
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
        a14: u32,
        a15: u32,
        a16: u32,
        a17: u32,
    ) -> String {
        host::many_args(
            a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, &a13, a14, a15, a16, a17,
        )
    }
    fn counters(start: u32) -> u32 {
        let a = Counter::new(start);
        let b = Counter::new(10);
        a.add(5);
        let c = Counter::sum(&a, &b);
        drop(a);
        let seen = host::counter_value(&c);
        c.add(seen);
        host::consume_counter(c)
    }
    fn pass_counter(c: Counter) -> Counter {
        c.add(1);
        c
    }
    fn peek_counter(c: &Counter) -> u32 {
        c.get()
    }
}

export!(Guest);

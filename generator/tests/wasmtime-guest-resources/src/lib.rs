//! An applet for world `corpus:resources/resources`: it defines the `counter` resource and, in
//! `buckets`, uses every function of the host's `bucket` resource. The test writes the
//! embwit-generated bindings to `src/resources.rs` before building.

#![no_std]

extern crate alloc;

// The bindings `embwit gen --lang rust` generates for the world, written here by the test.
mod resources;

// The SDK brings the allocator and the panic handler (features `allocator`, `panic-handler`).
use embwit_guest as _;

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::cell::Cell;

use resources::corpus::resources::store::{self, Bucket, CopyRequest};
use resources::exports::corpus::resources::counters::{
    self, Counter, CounterBorrow, GuestCounter, Snapshot,
};

struct Applet;

/// The applet's representation of a `counter`.
pub struct MyCounter {
    value: Cell<i64>,
}

impl GuestCounter for MyCounter {
    fn new(start: i64) -> Self {
        MyCounter {
            value: Cell::new(start),
        }
    }
    fn increment(&self, by: i64) -> i64 {
        self.value.set(self.value.get() + by);
        self.value.get()
    }
    fn value(&self) -> i64 {
        self.value.get()
    }
    fn sum(a: CounterBorrow<'_>, b: CounterBorrow<'_>) -> Counter {
        let total = a.get::<MyCounter>().value() + b.get::<MyCounter>().value();
        Counter::new(MyCounter::new(total))
    }
    fn save(&self, into: &Bucket, key: String) {
        into.set(&key, &self.value.get().to_le_bytes());
    }
}

impl counters::Guest for Applet {
    type Counter = MyCounter;

    fn make(n: u32) -> Vec<Counter> {
        (0..n)
            .map(|i| Counter::new(MyCounter::new(i64::from(i) * 10)))
            .collect()
    }
    fn take(c: Counter) -> i64 {
        // `c` is dropped here: the host drops the handle and calls the destructor.
        c.get::<MyCounter>().value()
    }
    fn take_snapshot(name: String, c: CounterBorrow<'_>) -> Snapshot {
        Snapshot {
            name,
            counter: Counter::new(MyCounter::new(c.get::<MyCounter>().value())),
        }
    }
    fn totals(cs: Vec<CounterBorrow<'_>>) -> i64 {
        cs.iter().map(|c| c.get::<MyCounter>().value()).sum()
    }
    /// Uses every `store` import; returns a digest of what the host answered.
    fn buckets(bs: Vec<&Bucket>) -> u32 {
        let fresh = Bucket::new("fresh");
        fresh.set("a", b"1");
        for b in &bs {
            fresh.merge(b);
        }
        let forked = fresh.fork("forked");
        let many = store::open_many(&["x".into(), "y".into()]);
        let maybe = store::maybe_open(Some("m".into()));
        let none = store::maybe_open(None);
        let copied = store::copy(
            CopyRequest {
                source: &fresh,
                keys: vec!["a".into(), "missing".into()],
            },
            &forked,
        );
        let absorbed = match maybe {
            Some(m) => fresh.absorb(m),
            None => 999,
        };
        let names = Bucket::list_all();
        let got = fresh.get("a").unwrap_or_default();
        u32::from(none.is_none()) * 1_000_000
            + got.len() as u32 * 100_000
            + names.len() as u32 * 10_000
            + bs.len() as u32 * 1_000
            + many.len() as u32 * 100
            + copied * 10
            + absorbed
    }
}

resources::export!(Applet);

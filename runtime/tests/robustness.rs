//! Hostile input never panics: truncated, mutated, random and oversized module bytes give an
//! `Err` (or, for harmless mutations, a module that runs under fuel); guest traps of every kind
//! leave the store usable for further calls and other instances.
//!
//! Inputs come from a fixed-seed PRNG, so every run checks the same few thousand cases and a
//! failure names the input that caused it.

use std::panic::{AssertUnwindSafe, catch_unwind};

use embwit_runtime::{Config, Engine, ErrorKind, Limits, Linker, Module, Store, TrapCode, Val};

/// xorshift64*: deterministic, dependency-free.
struct Prng(u64);

impl Prng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Modules that exercise most sections and instruction classes.
fn corpus() -> Vec<Vec<u8>> {
    let wats = [
        r#"(module
             (type $t (func (param i32) (result i32)))
             (import "env" "host" (func $host (param i32) (result i32)))
             (memory (export "memory") 1 2)
             (table 4 funcref)
             (global $g (mut i32) (i32.const 7))
             (elem (i32.const 0) $fib $sq)
             (data (i32.const 16) "hello, world")
             (func $fib (type $t)
               (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
                 (then (local.get 0))
                 (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                                (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
             (func $sq (type $t) (i32.mul (local.get 0) (local.get 0)))
             (func (export "f") (result i32)
               (local $i i32) (local $acc i32)
               (loop $l
                 (local.set $acc (i32.add (local.get $acc)
                   (call_indirect (type $t) (local.get $i) (i32.and (local.get $i) (i32.const 1)))))
                 (i32.store8 (i32.add (i32.const 100) (local.get $i)) (local.get $acc))
                 (local.set $i (i32.add (local.get $i) (i32.const 1)))
                 (br_if $l (i32.lt_u (local.get $i) (i32.const 10))))
               (block $b (br_table $b $b (local.get $i)))
               (global.set $g (i32.load (i32.const 16)))
               (memory.fill (i32.const 200) (i32.const 1) (i32.const 8))
               (i32.add (local.get $acc) (call $host (global.get $g))))
             (func (export "run") (result i64 f64)
               (i64.extend_i32_s (i32.extend8_s (i32.const 200)))
               (f64.sqrt (f64.convert_i32_u (memory.size)))))"#,
        r#"(module
             (memory 0)
             (func (export "_start") (local f32 f64 i64)
               (local.set 0 (f32.const 1.5))
               (local.set 2 (i64.trunc_sat_f32_s (local.get 0)))
               (drop (memory.grow (i32.const 1)))
               (i64.store (i32.const 8) (local.get 2))
               (drop (select (i32.const 1) (i32.const 2) (i32.const 0)))
               (drop (ref.is_null (ref.null func)))))"#,
    ];
    wats.iter()
        .map(|w| wat::parse_str(w).expect("corpus module parses"))
        .collect()
}

fn engine() -> Engine {
    let mut config = Config::default();
    config.consume_fuel(true).limits(Limits {
        max_memory_pages: 4,
        max_table_elements: 1000,
        max_call_depth: 200,
        max_value_stack: 16 * 1024,
    });
    Engine::new(&config)
}

/// Loads `bytes`; if valid, instantiates (with a host import) and calls every export it knows
/// under fuel. Panics propagate to the caller, which reports the input.
fn exercise(engine: &Engine, bytes: &[u8]) -> bool {
    let Ok(module) = Module::new(engine, bytes) else {
        return false;
    };
    let mut store = Store::new(engine, ());
    store.set_fuel(20_000).unwrap();
    let mut linker = Linker::<()>::new(engine);
    linker
        .func_wrap(
            "env",
            "host",
            |_: embwit_runtime::Caller<'_, ()>, x: i32| Ok(x ^ 1),
        )
        .unwrap();
    if let Ok(instance) = linker.instantiate(&mut store, &module) {
        for name in ["f", "run", "_start"] {
            if let Some(func) = instance.get_func(&store, name) {
                let ty = func.ty(&store);
                if ty.params().is_empty() {
                    let mut results: Vec<Val> =
                        ty.results().iter().map(|t| Val::default_for(*t)).collect();
                    let _ = func.call(&mut store, &[], &mut results);
                    store.set_fuel(20_000).unwrap();
                }
            }
        }
    }
    true
}

/// Runs `exercise` on `bytes`, turning a panic into a test failure that shows the input.
fn must_not_panic(engine: &Engine, what: &str, bytes: &[u8]) -> bool {
    match catch_unwind(AssertUnwindSafe(|| exercise(engine, bytes))) {
        Ok(valid) => valid,
        Err(_) => panic!("{what}: panicked on input {bytes:02x?}"),
    }
}

#[test]
fn corpus_modules_are_valid_and_run() {
    let engine = engine();
    for (i, bytes) in corpus().iter().enumerate() {
        assert!(
            must_not_panic(&engine, "corpus", bytes),
            "corpus module {i} should load"
        );
    }
}

/// Offsets where a section ends (a module cut there may still be valid).
fn section_ends(bytes: &[u8]) -> Vec<usize> {
    let mut ends = vec![8];
    let mut at = 8;
    while at < bytes.len() {
        let (mut size, mut shift) = (0usize, 0);
        at += 1; // section id
        loop {
            let b = bytes[at];
            at += 1;
            size |= usize::from(b & 0x7f) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                break;
            }
        }
        at += size;
        ends.push(at);
    }
    ends
}

#[test]
fn every_truncation_is_an_error_with_an_offset_inside_the_input() {
    let engine = engine();
    for bytes in corpus() {
        let boundaries = section_ends(&bytes);
        for len in 0..bytes.len() {
            let prefix = &bytes[..len];
            let result = catch_unwind(AssertUnwindSafe(|| Module::new(&engine, prefix).err()))
                .unwrap_or_else(|_| panic!("truncated to {len}: panicked"));
            let Some(err) = result else {
                // Only a cut between sections can leave a valid module.
                assert!(
                    boundaries.contains(&len),
                    "truncated to {len} bytes: accepted"
                );
                continue;
            };
            assert!(
                matches!(err.kind(), ErrorKind::Malformed | ErrorKind::Invalid),
                "{err}"
            );
            if let Some(offset) = err.offset() {
                assert!(
                    offset <= len,
                    "truncated to {len}: offset {offset} is past the end"
                );
            }
            assert!(!err.to_string().is_empty());
        }
    }
}

#[test]
fn mutated_modules_never_panic() {
    let engine = engine();
    let corpus = corpus();
    let mut rng = Prng(0x5eed_0001);
    let mut accepted = 0;
    for case in 0..3000 {
        let mut bytes = corpus[case % corpus.len()].clone();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(bytes.len());
            match rng.below(4) {
                0 => bytes[at] ^= 1 << rng.below(8),
                1 => bytes[at] = rng.next() as u8,
                2 => bytes[at] = [0x00, 0x7f, 0x80, 0xff][rng.below(4)],
                _ => {
                    bytes.remove(at);
                }
            }
        }
        if must_not_panic(&engine, &format!("mutation case {case}"), &bytes) {
            accepted += 1;
        }
    }
    // Some mutations only change constants; the validator must not reject everything.
    assert!(accepted > 0, "no mutated module was accepted");
}

#[test]
fn random_bytes_never_panic() {
    let engine = engine();
    let mut rng = Prng(0x5eed_0002);
    for case in 0..2000 {
        let len = rng.below(200);
        let mut bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        if case % 2 == 0 {
            // A valid header, so the section decoder sees the noise.
            let mut with_header = b"\0asm\x01\0\0\0".to_vec();
            with_header.append(&mut bytes);
            bytes = with_header;
        }
        must_not_panic(&engine, &format!("random case {case}"), &bytes);
    }
}

#[test]
fn oversized_declarations_are_rejected_without_allocating_them() {
    let engine = engine();
    let header = b"\0asm\x01\0\0\0".as_slice();
    let cases: [(&str, &[u8]); 6] = [
        // type section claiming 2^32-1 entries in 5 bytes
        ("type count", &[0x01, 0x05, 0xff, 0xff, 0xff, 0xff, 0x0f]),
        // section size far beyond the input
        ("section size", &[0x01, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00]),
        // function section claiming 2^32-1 functions
        (
            "function count",
            &[0x03, 0x05, 0xff, 0xff, 0xff, 0xff, 0x0f],
        ),
        // data count section with 2^32-1 segments
        ("data count", &[0x0c, 0x05, 0xff, 0xff, 0xff, 0xff, 0x0f]),
        // a memory of 65536 pages minimum (4 GiB; the limit is 4 pages)
        ("memory min", &[0x05, 0x05, 0x01, 0x00, 0x80, 0x80, 0x04]),
        // a table of 2^32-1 elements minimum
        (
            "table min",
            &[0x04, 0x08, 0x01, 0x70, 0x00, 0xff, 0xff, 0xff, 0xff, 0x0f],
        ),
    ];
    for (what, section) in cases {
        let bytes = [header, section].concat();
        let loaded = catch_unwind(AssertUnwindSafe(|| {
            let module = Module::new(&engine, &bytes)?;
            let mut store = Store::new(&engine, ());
            Linker::<()>::new(&engine)
                .instantiate(&mut store, &module)
                .map(|_| ())
        }));
        match loaded {
            Ok(result) => assert!(result.is_err(), "{what}: accepted"),
            Err(_) => panic!("{what}: panicked"),
        }
    }

    // A function body declaring 2^32-1 locals.
    let body_locals: &[u8] = &[
        0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type () -> ()
        0x03, 0x02, 0x01, 0x00, // one function
        0x0a, 0x0a, 0x01, 0x08, 0x01, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x7f, 0x0b, // code
    ];
    let bytes = [header, body_locals].concat();
    let result = catch_unwind(AssertUnwindSafe(|| Module::new(&engine, &bytes).is_err()));
    assert!(
        result.expect("too many locals: panicked"),
        "too many locals: accepted"
    );
}

#[test]
fn guest_traps_leave_the_store_usable() {
    let wat = r#"(module
        (memory 1)
        (func $deep (param i32) (result i32) (i32.add (call $deep (local.get 0)) (i32.const 1)))
        (func (export "oob") (result i32) (i32.load (i32.const 65535)))
        (func (export "unreachable") (unreachable))
        (func (export "div0") (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))
        (func (export "overflow") (result i32) (call $deep (i32.const 0)))
        (func (export "spin") (loop (br 0)))
        (func (export "ok") (param i32) (result i32)
          (i32.store (i32.const 0) (local.get 0)) (i32.load (i32.const 0))))"#;
    let bytes = wat::parse_str(wat).unwrap();
    let engine = engine();
    let module = Module::new(&engine, &bytes).unwrap();
    let mut store = Store::new(&engine, ());
    store.set_fuel(1_000_000).unwrap();
    let linker = Linker::<()>::new(&engine);
    let first = linker.instantiate(&mut store, &module).unwrap();

    let cases: [(&str, &[Val], TrapCode); 5] = [
        ("oob", &[], TrapCode::MemoryOutOfBounds),
        ("unreachable", &[], TrapCode::Unreachable),
        ("div0", &[Val::I32(0)], TrapCode::IntegerDivisionByZero),
        ("overflow", &[], TrapCode::StackOverflow),
        ("spin", &[], TrapCode::OutOfFuel),
    ];
    for (round, (name, params, expected)) in cases.iter().enumerate() {
        let func = first.get_func(&store, name).unwrap();
        let mut results: Vec<Val> = func
            .ty(&store)
            .results()
            .iter()
            .map(|t| Val::default_for(*t))
            .collect();
        let trap = func.call(&mut store, params, &mut results).expect_err(name);
        assert_eq!(trap.code(), Some(*expected), "{name}: {trap}");
        assert!(!trap.to_string().is_empty());

        // The same instance still works ...
        store.set_fuel(1_000_000).unwrap();
        let ok = first.get_typed_func::<i32, i32>(&store, "ok").unwrap();
        assert_eq!(
            ok.call(&mut store, round as i32 + 10).unwrap(),
            round as i32 + 10
        );
        // ... and so does a new instance in the same store.
        let other = linker.instantiate(&mut store, &module).unwrap();
        let ok = other.get_typed_func::<i32, i32>(&store, "ok").unwrap();
        assert_eq!(ok.call(&mut store, -5).unwrap(), -5);
    }
}

#[test]
fn host_traps_and_reentrant_traps_leave_the_store_usable() {
    let wat = r#"(module
        (import "env" "fail" (func $fail (param i32) (result i32)))
        (import "env" "reenter" (func $reenter (param i32) (result i32)))
        (memory (export "memory") 1 2)
        (func (export "via_host") (param i32) (result i32) (call $fail (local.get 0)))
        (func (export "nested") (param i32) (result i32) (call $reenter (local.get 0)))
        (func (export "inner") (param i32) (result i32)
          (if (result i32) (local.get 0) (then (unreachable)) (else (i32.const 99))))
        (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#;
    let bytes = wat::parse_str(wat).unwrap();
    let engine = engine();
    let module = Module::new(&engine, &bytes).unwrap();
    let mut store = Store::new(&engine, 0u32);
    store.set_fuel(1_000_000).unwrap();
    let mut linker = Linker::<u32>::new(&engine);
    linker
        .func_wrap(
            "env",
            "fail",
            |mut c: embwit_runtime::Caller<'_, u32>, x: i32| {
                *c.data_mut() += 1;
                if x != 0 {
                    Err(embwit_runtime::Trap::host("host says no"))
                } else {
                    Ok(x)
                }
            },
        )
        .unwrap();
    linker
        .func_wrap(
            "env",
            "reenter",
            |mut c: embwit_runtime::Caller<'_, u32>, x: i32| {
                // The guest traps inside a host call; the host passes the trap on.
                let inner = c.get_func("inner").expect("inner is exported");
                let mut out = [Val::I32(0)];
                inner.call(&mut c, &[Val::I32(x)], &mut out)?;
                Ok(out[0].i32().unwrap_or(-1))
            },
        )
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let via_host = instance
        .get_typed_func::<i32, i32>(&store, "via_host")
        .unwrap();
    let nested = instance
        .get_typed_func::<i32, i32>(&store, "nested")
        .unwrap();
    let grow = instance.get_typed_func::<i32, i32>(&store, "grow").unwrap();

    let trap = via_host
        .call(&mut store, 1)
        .expect_err("the host trap propagates");
    assert_eq!(trap.host_message(), Some("host says no"), "{trap}");
    assert_eq!(via_host.call(&mut store, 0).unwrap(), 0);
    assert_eq!(*store.data(), 2);

    let trap = nested
        .call(&mut store, 1)
        .expect_err("the inner trap propagates");
    assert_eq!(trap.code(), Some(TrapCode::Unreachable), "{trap}");
    assert_eq!(nested.call(&mut store, 0).unwrap(), 99);

    // Growing past the module's maximum (2 pages) fails with -1, without trapping.
    assert_eq!(grow.call(&mut store, 1).unwrap(), 1);
    assert_eq!(grow.call(&mut store, 1).unwrap(), -1);
    assert_eq!(grow.call(&mut store, -1).unwrap(), -1);
    let memory = instance.get_memory(&store, "memory").unwrap();
    assert_eq!(memory.data(&store).len(), 2 * 65536);
}

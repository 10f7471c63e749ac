//! The engines agree on every workload for small inputs, and the shared kernels are right.
use embwit_bench::kernels::{self, WORKLOADS};
use embwit_bench::{EmbwitRunner, NativeRunner, Runner, WORKLOADS_WASM, WasmiRunner};

fn runners() -> Vec<Box<dyn Runner>> {
    vec![
        Box::new(NativeRunner),
        Box::new(WasmiRunner::new(WORKLOADS_WASM).unwrap()),
        Box::new(EmbwitRunner::new(WORKLOADS_WASM).unwrap()),
        Box::new(EmbwitRunner::with_fuel(WORKLOADS_WASM, true).unwrap()),
    ]
}

#[test]
fn engines_agree_on_small_inputs() {
    let mut runners = runners();
    for w in WORKLOADS {
        let expected = (w.native)(w.test_arg);
        assert_ne!(
            expected,
            u32::MAX,
            "{}: the native kernel reports a failure",
            w.name
        );
        for r in &mut runners {
            let got = r.call(w.name, w.test_arg).unwrap();
            assert_eq!(got, expected, "{} on {}", w.name, r.name());
        }
    }
}

#[test]
fn sha256_matches_known_vectors() {
    let hex = |h: [u32; 8]| h.iter().map(|w| format!("{w:08x}")).collect::<String>();
    assert_eq!(
        hex(kernels::sha256_digest(b"abc")),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(
        hex(kernels::sha256_digest(&[b'a'; 1000])),
        "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"
    );
    assert_eq!(
        hex(kernels::sha256_digest(b"")),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}

#[test]
fn kernels_compute_known_values() {
    assert_eq!(kernels::fib(20), 6765);
    // 1900 primes below 16384.
    assert_eq!(kernels::sieve(1), 1900);
    assert_ne!(kernels::lz(2), u32::MAX, "LZ round trip failed");
}

#[test]
fn unknown_export_is_an_error() {
    for mut r in runners() {
        assert!(r.call("no_such_workload", 1).is_err(), "{}", r.name());
    }
}

#[test]
fn fuel_metering_counts_work() {
    let mut metered = EmbwitRunner::with_fuel(WORKLOADS_WASM, true).unwrap();
    assert_eq!(metered.fuel_consumed(), Some(0));
    metered.call("fib", 5).unwrap();
    let small = metered.fuel_consumed().unwrap();
    let mut metered = EmbwitRunner::with_fuel(WORKLOADS_WASM, true).unwrap();
    metered.call("fib", 15).unwrap();
    let large = metered.fuel_consumed().unwrap();
    assert!(
        small > 0 && large > 50 * small,
        "fib(5) used {small}, fib(15) used {large}"
    );
    assert_eq!(
        EmbwitRunner::new(WORKLOADS_WASM).unwrap().fuel_consumed(),
        None
    );
}

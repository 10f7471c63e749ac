//! Benchmark harness: the same workloads run on embwit's interpreter, on wasmi (the reference
//! peer, in the same process) and natively.
//!
//! The workloads live in `kernels.rs`, shared with the wasm guest (`guest/`), which the build
//! script compiles to `wasm32-unknown-unknown` (release, opt-level 3). Each engine implements
//! [`Runner`]; `src/main.rs` times them and `tests/agree.rs` checks that they compute the same
//! results.

use std::time::{Duration, Instant};

#[path = "../kernels.rs"]
pub mod kernels;

mod embwit_runner;
pub mod report;
mod wasmi_runner;

pub use embwit_runner::EmbwitRunner;
pub use wasmi_runner::WasmiRunner;

/// The workload module (all of `kernels.rs`, exported by name).
pub const WORKLOADS_WASM: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/workloads.wasm"));

/// One engine that can run the workloads.
pub trait Runner {
    /// A short name for reports.
    fn name(&self) -> &'static str;
    /// Calls workload `export` with `arg` `samples` times (at least once) and returns its result
    /// and the fastest wall time of one call. Lookup and instantiation happen before timing.
    fn bench(&mut self, export: &str, arg: u32, samples: u32) -> Result<(u32, Duration), String>;
    /// Calls workload `export` once.
    fn call(&mut self, export: &str, arg: u32) -> Result<u32, String> {
        self.bench(export, arg, 1).map(|(result, _)| result)
    }
}

/// Times `f` `samples` times (at least once) and returns its last result and the fastest time.
/// All samples must agree, which catches engines whose state leaks between calls.
pub fn time_min<E>(
    samples: u32,
    mut f: impl FnMut() -> Result<u32, E>,
) -> Result<(u32, Duration), E> {
    let mut best = Duration::MAX;
    let mut result = None;
    for _ in 0..samples.max(1) {
        let start = Instant::now();
        let r = f()?;
        best = best.min(start.elapsed());
        result = Some(r);
    }
    Ok((result.unwrap_or_default(), best))
}

/// Native code compiled from the same `kernels.rs`.
pub struct NativeRunner;

impl Runner for NativeRunner {
    fn name(&self) -> &'static str {
        "native"
    }

    fn bench(&mut self, export: &str, arg: u32, samples: u32) -> Result<(u32, Duration), String> {
        let workload = kernels::WORKLOADS
            .iter()
            .find(|w| w.name == export)
            .ok_or_else(|| format!("no workload named {export}"))?;
        time_min(samples, || Ok((workload.native)(std::hint::black_box(arg))))
    }
}

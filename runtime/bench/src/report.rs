//! The benchmark report: runs every workload on each engine (embwit, wasmi, native), checks
//! that all engines return the same result, and prints the times, per workload the ratios
//! embwit/wasmi and embwit/native, and their geometric means. Times are the fastest of several
//! calls (`--quick`: fewer calls). A ratio below 1 means embwit is faster.
use std::process::ExitCode;
use std::time::Duration;

use crate::kernels::WORKLOADS;
use crate::{EmbwitRunner, NativeRunner, Runner, WORKLOADS_WASM, WasmiRunner};

/// Runs the benchmark with command-line `args` (without the program name): `--quick` for fewer
/// rounds, `--fuel` to add embwit with fuel metering on as a fourth engine, and workload names to
/// run only those. Other flags are ignored (so `cargo bench` can pass `--bench`).
pub fn run(args: &[String]) -> ExitCode {
    let quick = args.iter().any(|a| a == "--quick");
    let filter: Vec<&str> = args
        .iter()
        .filter(|a| !a.starts_with("--"))
        .map(String::as_str)
        .collect();
    let samples = if quick { 2 } else { 9 };
    if cfg!(debug_assertions) {
        eprintln!("warning: a debug build; run with --release for meaningful numbers");
    }

    let mut runners: Vec<Box<dyn Runner>> = Vec::new();
    match EmbwitRunner::new(WORKLOADS_WASM) {
        Ok(r) => runners.push(Box::new(r)),
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    }
    if args.iter().any(|a| a == "--fuel") {
        match EmbwitRunner::with_fuel(WORKLOADS_WASM, true) {
            Ok(r) => runners.push(Box::new(r)),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        }
    }
    runners.push(Box::new(
        WasmiRunner::new(WORKLOADS_WASM).expect("wasmi loads the workloads"),
    ));
    runners.push(Box::new(NativeRunner));
    let index = |name: &str| runners.iter().position(|r| r.name() == name);
    let (embwit, wasmi, native) = (index("embwit"), index("wasmi"), index("native"));
    let fuel = index("embwit+fuel");

    print!("{:<10} {:>5}", "workload", "arg");
    for r in &runners {
        print!(" {:>12}", r.name());
    }
    let names = [
        "embwit/wasmi",
        "embwit/native",
        "wasmi/native",
        "fuel/no fuel",
    ];
    let widths = [13, 14, 13, 13];
    for (name, width) in names.iter().zip(widths) {
        print!(" {name:>width$}");
    }
    println!();

    let pairs = [
        (embwit, wasmi),
        (embwit, native),
        (wasmi, native),
        (fuel, embwit),
    ];
    let mut logs = [(0.0f64, 0u32); 4];
    let mut failed = false;
    for w in WORKLOADS
        .iter()
        .filter(|w| filter.is_empty() || filter.contains(&w.name))
    {
        // Rounds alternate between the engines, so load from other processes on the machine
        // affects all of them alike; each engine's fastest round counts.
        let mut times = vec![Duration::MAX; runners.len()];
        let mut results = vec![None; runners.len()];
        for _ in 0..samples {
            for (k, r) in runners.iter_mut().enumerate() {
                match r.bench(w.name, w.bench_arg, 1) {
                    Ok((result, time)) => {
                        if results[k].is_some_and(|prev| prev != result) {
                            eprintln!("{}: {} is not deterministic", w.name, r.name());
                            failed = true;
                        }
                        results[k] = Some(result);
                        times[k] = times[k].min(time);
                    }
                    Err(e) => {
                        eprintln!("{}: {} failed: {e}", w.name, r.name());
                        failed = true;
                    }
                }
            }
        }
        let Some(results) = results.into_iter().collect::<Option<Vec<u32>>>() else {
            continue;
        };
        if results.iter().any(|r| *r != results[0]) {
            eprintln!("{}: engines disagree: {results:?}", w.name);
            failed = true;
            continue;
        }
        print!("{:<10} {:>5}", w.name, w.bench_arg);
        for t in &times {
            print!(" {:>9.3} ms", t.as_secs_f64() * 1e3);
        }
        for (k, pair) in pairs.iter().enumerate() {
            let width = widths[k];
            match pair {
                (Some(a), Some(b)) => {
                    let ratio = ratio(times[*a], times[*b]);
                    logs[k].0 += ratio.ln();
                    logs[k].1 += 1;
                    print!(" {ratio:>width$.3}");
                }
                _ => print!(" {:>width$}", "-"),
            }
        }
        println!();
    }
    for (k, (log, n)) in logs.iter().enumerate() {
        if *n > 0 {
            let geo = (log / f64::from(*n)).exp();
            println!("geomean {:<14} {geo:.3}  (over {n} workloads)", names[k]);
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(1e-9)
}

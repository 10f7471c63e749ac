//! `cargo bench -p embwit-bench [-- WORKLOAD...]`: the same report as the `embwit-bench` binary.
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    embwit_bench::report::run(&args)
}

//! `cargo run -p embwit-bench --release [-- [--quick] [WORKLOAD...]]` (or `cargo bench -p
//! embwit-bench`): see [`embwit_bench::report`].
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    embwit_bench::report::run(&args)
}

//! Prints a greeting and its arguments, reads an environment variable, uses a `HashMap` (whose
//! hasher is seeded through `random_get`) and the clock, writes to stderr, then exits with the
//! code given as its first argument (`return` returns from `main` instead).
use std::collections::HashMap;
use std::time::{Instant, SystemTime};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    println!("hello from wasip1");
    println!("args: {:?}", &args[1..]);
    println!("HOME set: {}", std::env::var("HOME").is_ok());
    println!("GREETING={:?}", std::env::var("GREETING").ok());
    let mut lengths = HashMap::new();
    for a in &args[1..] {
        *lengths.entry(a.len()).or_insert(0u32) += 1;
    }
    let t = Instant::now();
    let after_2020 = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs() > 1_577_836_800)
        .unwrap_or(false);
    println!(
        "clock ok: {after_2020}, elapsed ok: {}",
        t.elapsed().as_secs() < 60
    );
    eprintln!("to stderr: {} distinct lengths", lengths.len());
    match args.get(1).map(String::as_str) {
        Some("return") => {}
        Some("panic") => panic!("asked to panic"),
        Some(code) => std::process::exit(code.parse().unwrap_or(100)),
        None => std::process::exit(0),
    }
}

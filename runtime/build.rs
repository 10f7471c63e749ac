//! Picks the executor's dispatch backend (see `src/exec/mod.rs`). The threaded backend needs
//! LLVM to turn every handler's final call into a jump, which it does at opt-level 2 and 3
//! without debug assertions (their checks put a stack frame in the handlers, which stops tail
//! calls). It is the default only on x86_64, where CI proves those jumps (`tests/tail_calls.rs`);
//! the `dispatch-threaded` feature asks for it on other architectures (run that test on the
//! target first). Size builds (`s`, `z`), unoptimised or debug-asserting builds and the
//! `dispatch-loop` feature get the `match` loop.
//!
//! Size builds also get cfg `embwit_lean`: the translator leaves out the fused forms that only
//! pay off in speed builds (see `speed!` in `src/exec/ops.rs`), so their code is not linked.
use std::env;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(embwit_threaded)");
    println!("cargo::rustc-check-cfg=cfg(embwit_lean)");
    let opt = env::var("OPT_LEVEL").unwrap_or_default();
    let arch = env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let optimised = matches!(opt.as_str(), "2" | "3");
    let asserts = env::var_os("CARGO_CFG_DEBUG_ASSERTIONS").is_some();
    let wanted = arch == "x86_64" || env::var_os("CARGO_FEATURE_DISPATCH_THREADED").is_some();
    let forced_loop = env::var_os("CARGO_FEATURE_DISPATCH_LOOP").is_some();
    if matches!(opt.as_str(), "s" | "z") {
        println!("cargo::rustc-cfg=embwit_lean");
    }
    if optimised && !asserts && wanted && !forced_loop {
        println!("cargo::rustc-cfg=embwit_threaded");
    }
}

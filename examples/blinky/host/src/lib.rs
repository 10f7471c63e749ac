//! The blinky example's host: a simulated board (one output pin that records every level
//! change, a clock, timers, a log) behind the glue `bindgen!` generates for the `blinky` world,
//! and a small event loop driving the applet on embwit's bundled interpreter.
//!
//! The board and the glue are `no_std` + `alloc`, as they would be in firmware; only the
//! applet build helper ([`build_applet`]) needs `std`.
#![no_std]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod board;
mod run;

/// Host glue for `embwit:applet/blinky`, generated from `wit/` at compile time.
#[allow(clippy::all, missing_docs)]
pub mod bindings {
    embwit_host_macros::bindgen!({ path: "../../../wit", world: "embwit:applet/blinky" });
}

pub use board::{Board, Change};
pub use run::{Error, Session};

/// Builds the Rust blinky applet (`examples/blinky/rust`) for wasm32-unknown-unknown with its
/// own target directory and returns the module's bytes.
#[cfg(feature = "std")]
pub fn build_applet() -> std::io::Result<alloc::vec::Vec<u8>> {
    use std::path::Path;
    use std::process::Command;

    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../rust");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--release", "--target", "wasm32-unknown-unknown"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .status()?;
    if !status.success() {
        return Err(std::io::Error::other(
            "building examples/blinky/rust failed",
        ));
    }
    std::fs::read(dir.join("target/wasm32-unknown-unknown/release/embwit_example_blinky_rust.wasm"))
}

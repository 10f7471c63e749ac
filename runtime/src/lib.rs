//! embwit's bundled WebAssembly interpreter (work in progress).
#![no_std]

#[cfg(feature = "wasi")]
pub mod wasi;

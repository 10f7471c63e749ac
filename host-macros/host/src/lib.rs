//! Runtime-agnostic support for embwit's generated host glue.
//!
//! Generated code (from `embwit gen --lang host` or `embwit_host_macros::bindgen!`) is written
//! against the small traits in [`engine`]: guest memory access, the guest's `cabi_realloc`,
//! registering host functions with a core signature, and calling exports. [`abi`] holds the
//! canonical-ABI helpers with every check the ABI requires, so a bad guest value becomes a
//! [`Trap`] naming the problem instead of a host panic. [`resource`] holds the per-instance handle
//! table. Adapters for concrete interpreters live behind features (`embwit-runtime`, `wasmi`).
#![no_std]

extern crate alloc;

pub mod abi;
pub mod engine;
pub mod resource;
mod trap;
mod val;

#[cfg(any(feature = "wasmi", feature = "embwit-runtime"))]
mod engine_adapter;

#[cfg(feature = "embwit-runtime")]
pub mod embwit_runtime;
#[cfg(feature = "wasmi")]
pub mod wasmi;

pub use engine::{ExportCtx, Guest, HostCtx, Linker};
pub use resource::{HandleTable, Resource};
pub use trap::Trap;
pub use val::{Val, ValType};

/// Re-exports the generated code relies on, so a firmware crate only depends on `embwit-host`.
pub mod __rt {
    pub use alloc::boxed::Box;
    pub use alloc::string::String;
    pub use alloc::vec::Vec;
}

//! embwit's bundled WebAssembly interpreter: a small `no_std` register-machine interpreter for
//! microcontrollers.
//!
//! Pipeline: [`Module::new`] decodes the binary ([`module`]), validates each function body
//! ([`validate`]) and translates it to register IR ([`translate`], driven by [`compile`]) in one
//! pass; [`exec`] runs the IR with an explicit frame stack (no native recursion per wasm call).
//! The embedding API ([`Engine`], [`Store`], [`Linker`], [`Instance`], [`Func`], ...) follows
//! wasmi/wasmtime.
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod compile;
mod engine;
mod error;
mod exec;
mod extern_;
mod func;
mod instance;
mod ir;
mod linker;
mod module;
mod reader;
mod store;
mod translate;
mod trap;
mod types;
mod validate;
mod values;

#[cfg(feature = "wasi")]
pub mod wasi;

pub use engine::{Config, Engine, Limits};
pub use error::{Error, ErrorKind};
pub use extern_::{Extern, Global, Memory, MemoryError, Table};
pub use func::{
    Caller, Func, HostReturn, IntoFunc, TypedFunc, WasmParams, WasmResults, WasmTy, WasmTyList,
};
pub use instance::Instance;
pub use linker::Linker;
pub use module::{ImportType, Module};
pub use store::{AsContext, AsContextMut, Store};
pub use trap::{Trap, TrapCode};
pub use types::{ExternKind, FuncType, GlobalType, MemoryType, TableType, TypeLimits, ValType};
pub use values::{ExternRef, Val};

#[cfg(test)]
mod ir_dump {
    #[test]
    fn dump() {
        let Ok(path) = std::env::var("EMBWIT_DUMP_IR") else {
            return;
        };
        let bytes = std::fs::read(path).unwrap();
        let engine = crate::Engine::default();
        let m = crate::Module::new(&engine, &bytes).unwrap();
        for (i, c) in m.inner.code.iter().enumerate() {
            std::println!("func {} frame {} locals {}", i, c.frame_size, c.num_locals);
            for (pc, ins) in c.code.iter().enumerate() {
                std::println!("  {pc:4}: {ins:?}");
            }
        }
    }
}

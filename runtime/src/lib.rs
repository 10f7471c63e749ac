//! embwit's bundled WebAssembly interpreter: a small `no_std` register-machine interpreter for
//! microcontrollers.
//!
//! Pipeline: [`Module::new`] decodes the binary ([`module`]), validates each function body
//! ([`validate`]) and translates it to register IR ([`translate`], driven by [`compile`]) in one
//! pass; [`exec`] runs the IR with an explicit frame stack (no native recursion per wasm call).
//! The embedding API ([`Engine`], [`Store`], [`Linker`], [`Instance`], [`Func`], ...) follows
//! wasmi/wasmtime.
#![no_std]
#![deny(unsafe_code)]
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

#[cfg(test)]
mod probe {
    /// `EMBWIT_PROBE=file.wasm:export:arg:reps cargo test --release --lib probe`: run an export
    /// repeatedly (for instruction-count comparisons with `perf stat`).
    #[test]
    fn probe() {
        let Ok(spec) = std::env::var("EMBWIT_PROBE") else {
            return;
        };
        let parts: std::vec::Vec<&str> = spec.split(':').collect();
        let bytes = std::fs::read(parts[0]).unwrap();
        let engine = crate::Engine::default();
        let m = crate::Module::new(&engine, &bytes).unwrap();
        let mut store = crate::Store::new(&engine, ());
        let inst = crate::Linker::new(&engine)
            .instantiate(&mut store, &m)
            .unwrap();
        let f = inst.get_typed_func::<u32, u32>(&store, parts[1]).unwrap();
        let arg: u32 = parts[2].parse().unwrap();
        let reps: u32 = parts[3].parse().unwrap();
        let mut acc = 0u32;
        for _ in 0..reps {
            acc = acc.wrapping_add(f.call(&mut store, arg).unwrap());
        }
        std::println!("probe result {acc}");
    }
}

//! embwit's bundled WebAssembly interpreter: a small `no_std` register-machine interpreter for
//! microcontrollers.
//!
//! # Pipeline
//! [`Module::new`] decodes the binary (`module`), and for each function body runs one pass that
//! validates it (`validate`: operand/control type stacks, the spec appendix algorithm) and
//! translates it (`translate`, driven by `compile`) into register IR (`ir`). `exec` runs the IR
//! with an explicit frame stack: a wasm call never recurses natively, so deep recursion ends in
//! [`TrapCode::StackOverflow`], not a native stack overflow.
//!
//! # IR
//! Operands are 64-bit frame slots: locals, then temporaries (a value at operand stack height
//! `h` lives in slot `locals + h`, so blocks merge without moves), then saved `if` parameters;
//! a per-function constant pool sits just below the frame base, so constants cost no
//! instruction. `local.get` and constants are used in place; `local.set` folds into the
//! producing instruction; i32 compares fuse with `br_if`/`if`; `x = x + imm`; loads and stores
//! carry their offset. Fuel (when enabled) is charged at function entry and once per loop
//! iteration, by the static instruction count of the body.
//!
//! # Performance
//! The instruction set is written once (`exec/ops.rs`) and expanded into two dispatch backends:
//! threaded handlers that tail-call the next instruction's handler (optimised x86_64 builds; the
//! registers stay in machine registers and each handler has its own indirect jump), and a
//! `loop` + `match` (size builds such as the Cortex-M firmware, debug builds, other
//! architectures). `build.rs` chooses; the `dispatch-loop` and `dispatch-threaded` features
//! override. The instruction pointer is a raw pointer into the function's code, read without
//! bounds checks: the translator ends every function with `Unreachable` and checks every branch
//! target and `br_table` entry against the code length; branch targets are byte offsets from the
//! next instruction. Calls and returns switch frames inside the dispatch; only host calls leave.
//!
//! The IR has no separate instructions for `local.get` or constants: operands name frame
//! slots, and constants sit in the constant pool below the frame. On top of that the
//! translator fuses:
//! - `local.set` and `local.tee` into the instruction that produced the value;
//! - i32 compares with `br_if` and `if`;
//! - `x + imm`, and `i32.mul` followed by `i32.add` (`I32MulAdd`);
//! - an `i32.add`, `x + imm`, `(a + b) + imm` or `(x + imm) + b` (the `x + imm` possibly
//!   before `b`'s computation) that only computes a load address, into
//!   indexed loads (`a + b + imm`), and one computed before a stored value into indexed stores;
//! - two `i32.load8_s` (or two `i32.load`), `i32.mul` and `i32.add` into one dot-product step
//!   (`I32DotLoad8S`, `I32DotLoad32`, `I32DotLoad32W`), the two halves of a dot product
//!   unrolled twice into two steps, and two int8 steps walking down into one (`I32DotLoad8S2`);
//! - three rotations of one value by constants, xored (SHA-2's sigma functions: `I32Rotl3`,
//!   `I32Rotl2ShrU`);
//! - a `br_if` on a byte loaded at an indexed address (`BrByteEqz`, `BrByteNez`), and unsigned
//!   compare-branches of an `x + imm` (`BrAddLtU`, `BrAddGeU`: range checks);
//! - a loaded word added to a value (`I32AddLoad32`), and `return a + b` (`I32AddReturn`);
//! - two local copies in a row (`Copy2`);
//! - `i32.rotl` or `i32.shr_u` followed by `i32.xor` (`I32XorRotl`, `I32XorShrU`: hash rounds);
//! - a `select` of the two operands of its i32 compare into a min or max (`SelectMinS`, ...);
//! - an `i32.store8` followed by a step of its address local (`Store8Add`: strided fills);
//! - an indexed `i32.load8_u` whose value only an indexed `i32.store8` uses (`Copy8Idx`);
//! - counted loop latches (`x = x + imm; br_if (x != n)`, `x = x + y; br_if (x <u n)`; also
//!   when the wasm leaves on `x == 0` and the latch is inverted).
//!
//! These fusions happen only when no label lies between the fused instructions. Size builds
//! (opt-level `s`/`z`) leave out the speed-only ones (see `speed!` in `exec/ops.rs`). Loop latches
//! are rotated to one branch per iteration, and branches to branches are threaded
//! (`translate/loops.rs`).
//!
//! Where it stands (x86-64, `cargo run -p embwit-bench --release`, three runs): embwit takes
//! 0.957-0.962 of wasmi's wall time as a geometric mean, from 0.72 (`mixed`) to 1.52 (`fib`)
//! per workload; with the `match` loop alone it was 1.54-1.58. The target, 1.5 times *faster*
//! than wasmi (0.67), is not met. Calls are the weak spot: a call and return cost about 266 host
//! instructions against wasmi's 124. Branches are kept real branches in the handlers
//! (`core::hint::cold_path`): compiled into selects they made each next dispatch wait for the
//! condition.
//!
//! # Scope and limits
//! Wasm 2.0 without SIMD, plus custom-page-sizes (1-byte pages) and, behind
//! [`Config::wasm_multi_memory`] and the `multi-memory` feature, several memories.
//! Implementation limits: 50 000 locals and 32 767 value slots per function, 1 000 params or
//! results per type, 65 535 tables; [`Limits`] bounds memories, tables, call depth and the
//! value stack at run time.
//!
//! # Safety
//! Decoding, validation and translation are safe code that returns errors (with byte offsets)
//! for any input. The executor reads and writes frame slots without bounds checks; this is
//! sound because translation checks every slot operand against the frame size before a
//! function can run (see `Translator::finish`).
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
        let mut config = crate::Config::default();
        config.wasm_multi_memory(true);
        let engine = crate::Engine::new(&config);
        let m = crate::Module::new(&engine, &bytes).unwrap();
        for (i, c) in m.inner.code.iter().enumerate() {
            std::println!(
                "func {} frame {} locals {} consts {}",
                i,
                c.cells as usize - c.consts.len(),
                c.num_locals,
                c.consts.len()
            );
            std::println!("  consts {:?}", c.consts);
            // Branch targets are byte offsets from the branch: show the index too.
            let abs = crate::ir::absolute_targets(&c.code);
            for (pc, (ins, a)) in c.code.iter().map(|s| s.ins).zip(abs).enumerate() {
                match a.target() {
                    Some(to) => std::println!("  {pc:4}: {ins:?} -> {to}"),
                    None => std::println!("  {pc:4}: {ins:?}"),
                }
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

//! Adapter for embwit's bundled interpreter (`embwit-runtime`), `no_std`.
//!
//! The store's data is a [`State<T>`]: the embedder's `T` plus the instance's [`HandleTable`]
//! (one instance per store). Host functions are registered on `embwit_runtime::Linker<State<T>>`
//! through [`Linker`]; exports are called through [`Instance`].

use alloc::string::ToString;

use crate::{Trap, Val, ValType};

crate::engine_adapter::engine_adapter!(embwit_runtime);

fn ty(t: ValType) -> embwit_runtime::ValType {
    match t {
        ValType::I32 => embwit_runtime::ValType::I32,
        ValType::I64 => embwit_runtime::ValType::I64,
        ValType::F32 => embwit_runtime::ValType::F32,
        ValType::F64 => embwit_runtime::ValType::F64,
    }
}

fn from_engine(v: &embwit_runtime::Val) -> Result<Val, Trap> {
    Ok(match v {
        embwit_runtime::Val::I32(v) => Val::I32(*v),
        embwit_runtime::Val::I64(v) => Val::I64(*v),
        embwit_runtime::Val::F32(v) => Val::F32(*v),
        embwit_runtime::Val::F64(v) => Val::F64(*v),
        _ => return Err(Trap::new("unsupported core value type")),
    })
}

fn to_engine(v: Val) -> embwit_runtime::Val {
    match v {
        Val::I32(v) => embwit_runtime::Val::I32(v),
        Val::I64(v) => embwit_runtime::Val::I64(v),
        Val::F32(v) => embwit_runtime::Val::F32(v),
        Val::F64(v) => embwit_runtime::Val::F64(v),
    }
}

fn zero(t: &embwit_runtime::ValType) -> embwit_runtime::Val {
    match t {
        embwit_runtime::ValType::I64 => embwit_runtime::Val::I64(0),
        embwit_runtime::ValType::F32 => embwit_runtime::Val::F32(0.0),
        embwit_runtime::ValType::F64 => embwit_runtime::Val::F64(0.0),
        _ => embwit_runtime::Val::I32(0),
    }
}

/// Turns an engine error into a trap, keeping the glue's own message when it raised it.
pub fn trap(e: embwit_runtime::Trap) -> Trap {
    match e.host_message() {
        Some(m) => Trap::msg(m),
        None => Trap::msg(e.to_string()),
    }
}

/// The error a host function returns to the engine.
fn host_error(t: Trap) -> embwit_runtime::Trap {
    embwit_runtime::Trap::new(t.message())
}

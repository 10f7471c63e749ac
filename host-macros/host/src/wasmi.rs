//! Adapter for the wasmi 2.0 interpreter.
//!
//! The store's data is a [`State<T>`]: the embedder's `T` plus the instance's [`HandleTable`]
//! (one instance per store). Host functions are registered on `wasmi::Linker<State<T>>` through
//! [`Linker`]; exports are called through [`Instance`].

use alloc::string::ToString;

use crate::{Trap, Val, ValType};

crate::engine_adapter::engine_adapter!(wasmi);

impl wasmi::errors::HostError for Trap {}

fn ty(t: ValType) -> wasmi::ValType {
    match t {
        ValType::I32 => wasmi::ValType::I32,
        ValType::I64 => wasmi::ValType::I64,
        ValType::F32 => wasmi::ValType::F32,
        ValType::F64 => wasmi::ValType::F64,
    }
}

fn from_engine(v: &wasmi::Val) -> Result<Val, Trap> {
    Ok(match v {
        wasmi::Val::I32(v) => Val::I32(*v),
        wasmi::Val::I64(v) => Val::I64(*v),
        wasmi::Val::F32(v) => Val::F32(f32::from(*v)),
        wasmi::Val::F64(v) => Val::F64(f64::from(*v)),
        _ => return Err(Trap::new("unsupported core value type")),
    })
}

fn to_engine(v: Val) -> wasmi::Val {
    match v {
        Val::I32(v) => wasmi::Val::I32(v),
        Val::I64(v) => wasmi::Val::I64(v),
        Val::F32(v) => wasmi::Val::F32(v.into()),
        Val::F64(v) => wasmi::Val::F64(v.into()),
    }
}

fn zero(t: &wasmi::ValType) -> wasmi::Val {
    match t {
        wasmi::ValType::I64 => wasmi::Val::I64(0),
        wasmi::ValType::F32 => wasmi::Val::F32(0f32.into()),
        wasmi::ValType::F64 => wasmi::Val::F64(0f64.into()),
        _ => wasmi::Val::I32(0),
    }
}

/// Turns an engine error into a trap, keeping the glue's own message when it raised it.
pub fn trap(e: wasmi::Error) -> Trap {
    match e.downcast_ref::<Trap>() {
        Some(t) => t.clone(),
        None => Trap::msg(e.to_string()),
    }
}

/// The error a host function returns to the engine.
fn host_error(t: Trap) -> wasmi::Error {
    wasmi::Error::host(t)
}

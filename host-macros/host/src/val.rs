//! Core wasm values as the glue sees them: the four number types of a flat signature.

use crate::Trap;

/// A core wasm value type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValType {
    /// `i32` (also pointers and lengths on wasm32).
    I32,
    /// `i64`.
    I64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
}

/// A core wasm value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Val {
    /// `i32`.
    I32(i32),
    /// `i64`.
    I64(i64),
    /// `f32`.
    F32(f32),
    /// `f64`.
    F64(f64),
}

impl Val {
    /// The type of this value.
    pub fn ty(&self) -> ValType {
        match self {
            Val::I32(_) => ValType::I32,
            Val::I64(_) => ValType::I64,
            Val::F32(_) => ValType::F32,
            Val::F64(_) => ValType::F64,
        }
    }

    /// The `i32` payload, or a trap if the engine passed another type (a signature mismatch).
    pub fn i32(&self) -> Result<i32, Trap> {
        match self {
            Val::I32(v) => Ok(*v),
            _ => Err(Trap::new("core signature mismatch: expected an i32")),
        }
    }

    /// The `i64` payload, or a trap.
    pub fn i64(&self) -> Result<i64, Trap> {
        match self {
            Val::I64(v) => Ok(*v),
            _ => Err(Trap::new("core signature mismatch: expected an i64")),
        }
    }

    /// The `f32` payload, or a trap.
    pub fn f32(&self) -> Result<f32, Trap> {
        match self {
            Val::F32(v) => Ok(*v),
            _ => Err(Trap::new("core signature mismatch: expected an f32")),
        }
    }

    /// The `f64` payload, or a trap.
    pub fn f64(&self) -> Result<f64, Trap> {
        match self {
            Val::F64(v) => Ok(*v),
            _ => Err(Trap::new("core signature mismatch: expected an f64")),
        }
    }
}

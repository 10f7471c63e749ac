//! Values crossing the host/guest boundary and their 64-bit cell encoding.

use crate::Func;
use crate::types::ValType;

/// An opaque host reference (`externref`): a host-chosen 32-bit handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExternRef(pub u32);

/// A WebAssembly value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Val {
    /// `i32`
    I32(i32),
    /// `i64`
    I64(i64),
    /// `f32` (bit pattern preserved).
    F32(f32),
    /// `f64` (bit pattern preserved).
    F64(f64),
    /// `funcref`, `None` is null.
    FuncRef(Option<Func>),
    /// `externref`, `None` is null.
    ExternRef(Option<ExternRef>),
}

impl Val {
    /// The value's type.
    pub fn ty(&self) -> ValType {
        match self {
            Val::I32(_) => ValType::I32,
            Val::I64(_) => ValType::I64,
            Val::F32(_) => ValType::F32,
            Val::F64(_) => ValType::F64,
            Val::FuncRef(_) => ValType::FuncRef,
            Val::ExternRef(_) => ValType::ExternRef,
        }
    }
    /// The zero value (or null) of a type.
    pub fn default_for(ty: ValType) -> Val {
        Val::from_cell(ty, 0)
    }
    /// The `i32`, if this is one.
    pub fn i32(&self) -> Option<i32> {
        if let Val::I32(v) = self {
            Some(*v)
        } else {
            None
        }
    }
    /// The `i64`, if this is one.
    pub fn i64(&self) -> Option<i64> {
        if let Val::I64(v) = self {
            Some(*v)
        } else {
            None
        }
    }
    /// The `f32`, if this is one.
    pub fn f32(&self) -> Option<f32> {
        if let Val::F32(v) = self {
            Some(*v)
        } else {
            None
        }
    }
    /// The `f64`, if this is one.
    pub fn f64(&self) -> Option<f64> {
        if let Val::F64(v) = self {
            Some(*v)
        } else {
            None
        }
    }

    /// Encode into a cell. References: 0 is null, otherwise index + 1.
    pub(crate) fn to_cell(self) -> u64 {
        match self {
            Val::I32(v) => v as u32 as u64,
            Val::I64(v) => v as u64,
            Val::F32(v) => v.to_bits() as u64,
            Val::F64(v) => v.to_bits(),
            Val::FuncRef(f) => f.map_or(0, |f| f.0 as u64 + 1),
            Val::ExternRef(e) => e.map_or(0, |e| e.0 as u64 + 1),
        }
    }
    pub(crate) fn from_cell(ty: ValType, c: u64) -> Val {
        match ty {
            ValType::I32 => Val::I32(c as u32 as i32),
            ValType::I64 => Val::I64(c as i64),
            ValType::F32 => Val::F32(f32::from_bits(c as u32)),
            ValType::F64 => Val::F64(f64::from_bits(c)),
            ValType::FuncRef => Val::FuncRef(if c == 0 {
                None
            } else {
                Some(Func((c - 1) as u32))
            }),
            ValType::ExternRef => Val::ExternRef(if c == 0 {
                None
            } else {
                Some(ExternRef((c - 1) as u32))
            }),
        }
    }
}

impl From<i32> for Val {
    fn from(v: i32) -> Self {
        Val::I32(v)
    }
}
impl From<i64> for Val {
    fn from(v: i64) -> Self {
        Val::I64(v)
    }
}
impl From<f32> for Val {
    fn from(v: f32) -> Self {
        Val::F32(v)
    }
}
impl From<f64> for Val {
    fn from(v: f64) -> Self {
        Val::F64(v)
    }
}

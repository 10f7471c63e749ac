//! Runtime traps.

use alloc::boxed::Box;
use alloc::string::String;
use core::fmt;

/// Why guest execution stopped abnormally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrapCode {
    /// `unreachable` was executed.
    Unreachable,
    /// A load, store or bulk memory operation was out of bounds.
    MemoryOutOfBounds,
    /// A table access or bulk table operation was out of bounds.
    TableOutOfBounds,
    /// `call_indirect` on a null table entry.
    IndirectCallToNull,
    /// `call_indirect` with a function of the wrong type.
    BadSignature,
    /// Signed division overflow or float-to-int conversion out of range.
    IntegerOverflow,
    /// Integer division or remainder by zero.
    IntegerDivisionByZero,
    /// Float-to-int conversion of NaN.
    BadConversionToInteger,
    /// Call depth or value stack limit exceeded.
    StackOverflow,
    /// Fuel ran out.
    OutOfFuel,
    /// An element segment entry was uninitialized (reserved; `call_indirect` on null reports
    /// [`TrapCode::IndirectCallToNull`]).
    UninitializedElement,
    /// A host function was called with wrongly typed arguments.
    BadArguments,
}

impl TrapCode {
    /// The spec test suite's wording for this trap.
    pub fn message(self) -> &'static str {
        match self {
            TrapCode::Unreachable => "unreachable",
            TrapCode::MemoryOutOfBounds => "out of bounds memory access",
            TrapCode::TableOutOfBounds => "out of bounds table access",
            TrapCode::IndirectCallToNull => "uninitialized element",
            TrapCode::BadSignature => "indirect call type mismatch",
            TrapCode::IntegerOverflow => "integer overflow",
            TrapCode::IntegerDivisionByZero => "integer divide by zero",
            TrapCode::BadConversionToInteger => "invalid conversion to integer",
            TrapCode::StackOverflow => "call stack exhausted",
            TrapCode::OutOfFuel => "all fuel consumed",
            TrapCode::UninitializedElement => "uninitialized element",
            TrapCode::BadArguments => "bad arguments",
        }
    }
}

/// A trap: a [`TrapCode`] raised by the guest, or a host-made error with a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trap {
    code: Option<TrapCode>,
    message: Option<Box<str>>,
    /// (function index, code offset), both known or neither.
    location: Option<(u32, u32)>,
}

impl Trap {
    /// A host-made trap carrying `message`.
    pub fn new(message: impl Into<String>) -> Self {
        Trap {
            code: None,
            message: Some(message.into().into_boxed_str()),
            location: None,
        }
    }
    /// Same as [`Trap::new`].
    pub fn host(message: impl Into<String>) -> Self {
        Self::new(message)
    }
    pub(crate) fn code_at(code: TrapCode, func_index: u32, code_offset: u32) -> Self {
        Trap {
            code: Some(code),
            message: None,
            location: Some((func_index, code_offset)),
        }
    }
    /// The trap code, `None` for host-made traps.
    pub fn code(&self) -> Option<TrapCode> {
        self.code
    }
    /// Index (in its module's function index space) of the function that trapped.
    pub fn func_index(&self) -> Option<u32> {
        self.location.map(|l| l.0)
    }
    /// Byte offset of the trapping instruction in the module binary.
    pub fn code_offset(&self) -> Option<u32> {
        self.location.map(|l| l.1)
    }
    /// The host message, if any.
    pub fn host_message(&self) -> Option<&str> {
        self.message.as_deref()
    }
}

impl From<TrapCode> for Trap {
    fn from(code: TrapCode) -> Self {
        Trap {
            code: Some(code),
            message: None,
            location: None,
        }
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.code, &self.message) {
            (Some(c), _) => f.write_str(c.message())?,
            (None, Some(m)) => f.write_str(m)?,
            (None, None) => f.write_str("trap")?,
        }
        if let Some((func, off)) = self.location {
            write!(f, " (in function {func} at offset {off:#x})")?;
        }
        Ok(())
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Trap {}

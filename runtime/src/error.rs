//! Load, link and instantiation errors.

use alloc::boxed::Box;
use alloc::string::String;
use core::fmt;

use crate::trap::{Trap, TrapCode};

/// What went wrong, broadly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The bytes are not a well-formed WebAssembly binary.
    Malformed,
    /// The module is well-formed but does not validate.
    Invalid,
    /// The module uses something this interpreter does not support (for example SIMD).
    Unsupported,
    /// An import could not be resolved or has the wrong type.
    Unlinkable,
    /// Instantiation trapped (out-of-bounds segment, start function trap).
    Trap,
    /// A resource limit (memory, table, stack) was exceeded.
    Limit,
    /// Misuse of the embedding API (wrong export name, type mismatch, ...).
    Api,
}

/// An error from loading, linking or instantiating a module. One pointer wide, so that the
/// many `Result<_, Error>`s of the loader stay in registers (`?` moves a pointer, not the fields).
#[derive(Clone)]
pub struct Error(Box<Inner>);

#[derive(Clone)]
struct Inner {
    kind: ErrorKind,
    offset: Option<usize>,
    /// The interpreter's own messages are static (a host trap's message stays in `trap`).
    message: &'static str,
    /// (module, name) the message is about; formatted only by `Display`.
    subject: Option<Box<(String, String)>>,
    trap: Option<Trap>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, offset: Option<usize>, message: &'static str) -> Self {
        Error(Box::new(Inner {
            kind,
            offset,
            message,
            subject: None,
            trap: None,
        }))
    }
    pub(crate) fn malformed(offset: usize, message: &'static str) -> Self {
        Self::new(ErrorKind::Malformed, Some(offset), message)
    }
    pub(crate) fn invalid(offset: usize, message: &'static str) -> Self {
        Self::new(ErrorKind::Invalid, Some(offset), message)
    }
    pub(crate) fn api(message: &'static str) -> Self {
        Self::new(ErrorKind::Api, None, message)
    }
    pub(crate) fn unlinkable(message: &'static str) -> Self {
        Self::new(ErrorKind::Unlinkable, None, message)
    }
    pub(crate) fn limit(message: &'static str) -> Self {
        Self::new(ErrorKind::Limit, None, message)
    }
    /// An error about import/export `module` `name` (module may be empty).
    pub(crate) fn about(kind: ErrorKind, message: &'static str, module: &str, name: &str) -> Self {
        let mut e = Self::new(kind, None, message);
        e.0.subject = Some(Box::new((module.into(), name.into())));
        e
    }
    /// The broad category of the error.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }
    /// Byte offset into the module binary, when the error comes from decoding or validation.
    pub fn offset(&self) -> Option<usize> {
        self.0.offset
    }
    /// The human readable message (without the offset).
    pub fn message(&self) -> &str {
        match &self.0.trap {
            Some(t) if t.code().is_none() => t.host_message().unwrap_or(self.0.message),
            _ => self.0.message,
        }
    }
    /// The trap, when instantiation trapped (its `Display` adds the location).
    pub fn trap(&self) -> Option<&Trap> {
        self.0.trap.as_ref()
    }
}

impl From<Trap> for Error {
    fn from(trap: Trap) -> Self {
        let message = trap.code().map_or("trap", TrapCode::message);
        Error(Box::new(Inner {
            kind: ErrorKind::Trap,
            offset: None,
            message,
            subject: None,
            trap: Some(trap),
        }))
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &*self.0;
        f.debug_struct("Error")
            .field("kind", &e.kind)
            .field("offset", &e.offset)
            .field("message", &self.message())
            .field("subject", &e.subject)
            .field("trap", &e.trap)
            .finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &*self.0;
        let what = match e.kind {
            ErrorKind::Malformed => "malformed module",
            ErrorKind::Invalid => "invalid module",
            ErrorKind::Unsupported => "unsupported feature",
            ErrorKind::Unlinkable => "link error",
            ErrorKind::Trap => "instantiation trapped",
            ErrorKind::Limit => "limit exceeded",
            ErrorKind::Api => "error",
        };
        match e.offset {
            Some(o) => write!(f, "{what} at byte offset {o:#x}: {}", self.message())?,
            None => write!(f, "{what}: {}", self.message())?,
        }
        match e.subject.as_deref() {
            Some((m, n)) if m.is_empty() => write!(f, " `{n}`"),
            Some((m, n)) => write!(f, " `{m}` `{n}`"),
            None => Ok(()),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Error {}

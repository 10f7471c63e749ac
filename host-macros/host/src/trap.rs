//! The error every lifting, lowering and host call reports.

use alloc::borrow::Cow;
use alloc::string::String;
use core::fmt;

/// A trap raised by the host glue (or passed through from the engine): the guest's call is
/// aborted, the host keeps running.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trap {
    message: Cow<'static, str>,
}

impl Trap {
    /// A trap with a fixed message.
    pub const fn new(message: &'static str) -> Self {
        Trap {
            message: Cow::Borrowed(message),
        }
    }

    /// A trap with a formatted message.
    pub fn msg(message: impl Into<String>) -> Self {
        Trap {
            message: Cow::Owned(message.into()),
        }
    }

    /// What went wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl core::error::Error for Trap {}

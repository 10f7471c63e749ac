//! A WASI preview1 (`wasi_snapshot_preview1`) subset, enough to run ordinary `wasm32-wasip1`
//! command programs: arguments, environment, clocks, `fd_write` to stdout/stderr, `random_get`
//! and `proc_exit`. Every other commonly imported preview1 function is defined too, returning
//! `ENOSYS` (or `EBADF` for file descriptor queries), so such programs link and fail gracefully
//! only if they really use files, sockets or polling.
//!
//! ```ignore
//! let mut linker = Linker::<WasiCtx>::new(&engine);
//! wasi::add_to_linker(&mut linker, |ctx| ctx)?;
//! let mut store = Store::new(&engine, WasiCtx::new().args(["prog", "x"]));
//! let instance = linker.instantiate(&mut store, &module)?;
//! let exit_code = wasi::run_start(&mut store, &instance, |ctx| ctx)?;
//! ```
//!
//! `proc_exit` stops the guest with a host trap and records the code in the [`WasiCtx`];
//! [`run_start`] and [`exit_code_of`] turn that into [`Exit::Code`], so an exit is never
//! mistaken for a crash (nor the other way round).

extern crate std;

mod ctx;
mod funcs;
mod stubs;

pub use ctx::{OutputPipe, WasiCtx};
pub use funcs::add_to_linker;

use alloc::string::String;

use crate::{AsContextMut, Instance, Trap};

/// `wasi_snapshot_preview1`, the import module name of WASI preview1.
pub const MODULE: &str = "wasi_snapshot_preview1";

/// WASI errno values used by this subset (`wasi_snapshot_preview1` `errno` enum).
pub mod errno {
    /// No error.
    pub const SUCCESS: i32 = 0;
    /// Bad file descriptor.
    pub const BADF: i32 = 8;
    /// Bad address (a guest pointer outside linear memory).
    pub const FAULT: i32 = 21;
    /// Invalid argument.
    pub const INVAL: i32 = 28;
    /// I/O error.
    pub const IO: i32 = 29;
    /// Function not supported.
    pub const NOSYS: i32 = 52;
    /// Value too large (a size that does not fit in the guest's 32-bit address space).
    pub const OVERFLOW: i32 = 61;
}

/// How a WASI program ended without crashing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exit {
    /// `_start` returned, or the program called `proc_exit(code)`.
    Code(i32),
}

/// Why [`run_start`] failed.
#[derive(Debug, Clone)]
pub enum RunError {
    /// The module has no `_start` export of type `[] -> []`.
    NoStart(String),
    /// The guest trapped (not an exit).
    Trap(Trap),
}

impl core::fmt::Display for RunError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            RunError::NoStart(msg) => write!(f, "cannot run _start: {msg}"),
            RunError::Trap(trap) => write!(f, "guest trapped: {trap}"),
        }
    }
}

impl std::error::Error for RunError {}

/// If `result` is a trap caused by `proc_exit`, the exit code; otherwise the result unchanged.
/// Use it on any call into a WASI guest (a plain export may call `proc_exit` too).
pub fn exit_code_of<R>(ctx: &WasiCtx, result: Result<R, Trap>) -> Result<Result<R, i32>, Trap> {
    match result {
        Ok(r) => Ok(Ok(r)),
        Err(trap) => match ctx.exit_code() {
            Some(code) if ctx::is_exit_trap(&trap) => Ok(Err(code)),
            _ => Err(trap),
        },
    }
}

/// Runs the command's `_start` export. Returns the program's exit code: 0 when `_start` returns,
/// `code` when the guest calls `proc_exit(code)`.
pub fn run_start<T>(
    mut store: impl AsContextMut<Data = T>,
    instance: &Instance,
    get: fn(&mut T) -> &mut WasiCtx,
) -> Result<Exit, RunError> {
    let start = instance
        .get_typed_func::<(), ()>(&store, "_start")
        .map_err(|e| RunError::NoStart(alloc::format!("{e}")))?;
    let result = start.call(&mut store, ());
    let ctx = get(store.as_context_mut().data_mut());
    ctx.flush();
    match exit_code_of(ctx, result) {
        Ok(Ok(())) => Ok(Exit::Code(0)),
        Ok(Err(code)) => Ok(Exit::Code(code)),
        Err(trap) => Err(RunError::Trap(trap)),
    }
}

#[cfg(test)]
mod tests;

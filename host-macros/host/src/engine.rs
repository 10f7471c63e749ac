//! The runtime-agnostic interface generated glue is written against.
//!
//! An adapter implements these for one interpreter (see the `wasmi` feature); the generated code
//! never names an engine type, so the same glue drives any core-wasm runtime.

use crate::{HandleTable, Trap, Val, ValType};

/// A running guest instance as the glue needs it: its linear memory, its allocator and its
/// handle table.
pub trait Guest {
    /// The guest's linear memory (`memory` or `cm32p2_memory`). Re-fetch after every call into
    /// the guest: the memory may grow.
    fn memory(&mut self) -> Result<&mut [u8], Trap>;

    /// Calls the guest's `cabi_realloc(old_ptr, old_size, align, new_size)`.
    fn realloc(
        &mut self,
        old_ptr: u32,
        old_size: u32,
        align: u32,
        new_size: u32,
    ) -> Result<u32, Trap>;

    /// The instance's handle table for host-defined resources.
    fn handles(&mut self) -> &mut HandleTable;
}

/// The context of a host function the guest called: the guest plus the host's state.
pub trait HostCtx<T>: Guest {
    /// The embedder's state.
    fn data(&mut self) -> &mut T;

    /// Calls back into the calling instance: the first export in `names` that exists. Returns
    /// `Ok(false)` when none exists. Used to run a guest-defined resource's destructor when the
    /// guest drops its last handle.
    fn call_export(
        &mut self,
        names: &[&str],
        params: &[Val],
        results: &mut [Val],
    ) -> Result<bool, Trap>;
}

/// A guest instance whose exports the host calls.
pub trait ExportCtx: Guest {
    /// Calls the first export in `names` that exists (the names are the alternative manglings
    /// of one function). Traps when none exists or the guest traps.
    fn call(&mut self, names: &[&str], params: &[Val], results: &mut [Val]) -> Result<(), Trap>;

    /// Like [`ExportCtx::call`], but returns `Ok(false)` when no such export exists (used for
    /// the optional `cabi_post_*` functions).
    fn call_optional(
        &mut self,
        names: &[&str],
        params: &[Val],
        results: &mut [Val],
    ) -> Result<bool, Trap>;

    /// Calls the `cabi_post_*` function in `names` (if the guest has one) with the export's
    /// flat results. Adapters should make imports trap while it runs, as the ABI requires.
    fn post_return(&mut self, names: &[&str], results: &[Val]) -> Result<(), Trap> {
        self.call_optional(names, results, &mut [])?;
        Ok(())
    }
}

/// A host function: gets the caller context, the flat arguments and the slots for the flat
/// results.
pub trait HostFn<T>:
    Fn(&mut dyn HostCtx<T>, &[Val], &mut [Val]) -> Result<(), Trap> + Send + Sync + 'static
{
}

impl<T, F> HostFn<T> for F where
    F: Fn(&mut dyn HostCtx<T>, &[Val], &mut [Val]) -> Result<(), Trap> + Send + Sync + 'static
{
}

/// Why a host function could not be registered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkError(pub alloc::string::String);

impl core::fmt::Display for LinkError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "cannot define host function: {}", self.0)
    }
}

impl core::error::Error for LinkError {}

/// Registers host functions by core module/name with their core signature.
pub trait Linker<T> {
    /// Defines `module`.`name` with the given core signature.
    fn define(
        &mut self,
        module: &str,
        name: &str,
        params: &[ValType],
        results: &[ValType],
        func: impl HostFn<T>,
    ) -> Result<(), LinkError>;
}

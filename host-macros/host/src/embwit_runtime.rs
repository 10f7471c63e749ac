//! Adapter for embwit's bundled interpreter (`embwit-runtime`), `no_std`.
//!
//! The store's data is a [`State<T>`]: the embedder's `T` plus the instance's [`HandleTable`]
//! (one instance per store). Host functions are registered on `embwit_runtime::Linker<State<T>>`
//! through [`Linker`]; exports are called through [`Instance`].

use alloc::format;
use alloc::string::ToString;

use embwit_runtime::{AsContextMut, Caller, Extern, Func, Memory, Store};

use crate::engine::{HostFn, LinkError};
use crate::{ExportCtx, Guest, HandleTable, HostCtx, Linker, Trap, Val, ValType};

/// Store data: the embedder's state plus the instance's resource handles.
#[derive(Debug, Default)]
pub struct State<T> {
    /// The embedder's state.
    pub data: T,
    /// Handles the guest holds to host-defined resources.
    pub handles: HandleTable,
    /// Set while `cabi_realloc` or a post-return function runs: the canonical ABI forbids
    /// calling imports there, so host functions trap.
    locked: Option<&'static str>,
}

impl<T> State<T> {
    /// Wraps the embedder's state with an empty handle table.
    pub fn new(data: T) -> Self {
        State {
            data,
            handles: HandleTable::new(),
            locked: None,
        }
    }
}

/// Most flat values a core signature of generated glue can have (16 params + a return pointer).
const MAX_FLAT: usize = 17;

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

fn to_engine_val(v: Val) -> embwit_runtime::Val {
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

fn to_engine(t: Trap) -> embwit_runtime::Trap {
    embwit_runtime::Trap::new(t.message())
}

/// Standard (`cm32p2_*`) and legacy names of the canonical-ABI exports.
const MEMORY: [&str; 2] = ["cm32p2_memory", "memory"];
const REALLOC: [&str; 2] = ["cm32p2_realloc", "cabi_realloc"];

fn find_memory(get: impl Fn(&str) -> Option<Extern>) -> Result<Memory, Trap> {
    MEMORY
        .iter()
        .find_map(|n| get(n).and_then(Extern::into_memory))
        .ok_or(Trap::new("the guest exports no linear memory"))
}

fn find_realloc(get: impl Fn(&str) -> Option<Extern>) -> Result<Func, Trap> {
    REALLOC
        .iter()
        .find_map(|n| get(n).and_then(Extern::into_func))
        .ok_or(Trap::new("the guest exports no cabi_realloc"))
}

fn call_realloc(mut ctx: impl AsContextMut, f: Func, args: [u32; 4]) -> Result<u32, Trap> {
    let params = args.map(|a| embwit_runtime::Val::I32(a as i32));
    let mut out = [embwit_runtime::Val::I32(0)];
    f.call(&mut ctx, &params, &mut out).map_err(trap)?;
    match out[0] {
        embwit_runtime::Val::I32(p) => Ok(p as u32),
        _ => Err(Trap::new("cabi_realloc has the wrong signature")),
    }
}

/// The context of a host function call.
struct HostCaller<'a, T> {
    caller: Caller<'a, State<T>>,
    memory: Option<Memory>,
    realloc: Option<Func>,
}

impl<T> Guest for HostCaller<'_, T> {
    fn memory(&mut self) -> Result<&mut [u8], Trap> {
        let mem = match self.memory {
            Some(m) => m,
            None => {
                let m = find_memory(|n| self.caller.get_export(n))?;
                *self.memory.insert(m)
            }
        };
        Ok(mem.data_mut(&mut self.caller))
    }

    fn realloc(
        &mut self,
        old_ptr: u32,
        old_size: u32,
        align: u32,
        new_size: u32,
    ) -> Result<u32, Trap> {
        let f = match self.realloc {
            Some(f) => f,
            None => {
                let f = find_realloc(|n| self.caller.get_export(n))?;
                *self.realloc.insert(f)
            }
        };
        self.caller.data_mut().locked = Some("cabi_realloc");
        let r = call_realloc(&mut self.caller, f, [old_ptr, old_size, align, new_size]);
        self.caller.data_mut().locked = None;
        r
    }

    fn handles(&mut self) -> &mut HandleTable {
        &mut self.caller.data_mut().handles
    }
}

impl<T> HostCtx<T> for HostCaller<'_, T> {
    fn data(&mut self) -> &mut T {
        &mut self.caller.data_mut().data
    }

    fn call_export(
        &mut self,
        names: &[&str],
        params: &[Val],
        results: &mut [Val],
    ) -> Result<bool, Trap> {
        let Some(f) = names
            .iter()
            .find_map(|n| self.caller.get_export(n).and_then(Extern::into_func))
        else {
            return Ok(false);
        };
        if params.len() > MAX_FLAT || results.len() > MAX_FLAT {
            return Err(Trap::new("too many core values"));
        }
        let p: alloc::vec::Vec<embwit_runtime::Val> =
            params.iter().map(|v| to_engine_val(*v)).collect();
        let mut r: alloc::vec::Vec<embwit_runtime::Val> =
            f.ty(&self.caller).results().iter().map(zero).collect();
        if r.len() != results.len() {
            return Err(Trap::new("export has an unexpected signature"));
        }
        f.call(&mut self.caller, &p, &mut r).map_err(trap)?;
        for (slot, v) in results.iter_mut().zip(&r) {
            *slot = from_engine(v)?;
        }
        Ok(true)
    }
}

impl<T: 'static> Linker<T> for embwit_runtime::Linker<State<T>> {
    fn define(
        &mut self,
        module: &str,
        name: &str,
        params: &[ValType],
        results: &[ValType],
        func: impl HostFn<T>,
    ) -> Result<(), LinkError> {
        if params.len() > MAX_FLAT || results.len() > MAX_FLAT {
            return Err(LinkError(format!("{module}.{name}: too many core values")));
        }
        let fty = embwit_runtime::FuncType::new(
            params.iter().map(|t| ty(*t)),
            results.iter().map(|t| ty(*t)),
        );
        let what = format!("{module}.{name}");
        self.func_new(module, name, fty, move |caller, args, rets| {
            if let Some(during) = caller.data().locked {
                return Err(to_engine(Trap::msg(format!(
                    "the guest called import `{what}` during {during}, where imports may not be called"
                ))));
            }
            let mut a = [Val::I32(0); MAX_FLAT];
            let n = args.len().min(MAX_FLAT);
            for (slot, v) in a.iter_mut().zip(&args[..n]) {
                *slot = from_engine(v).map_err(to_engine)?;
            }
            let mut r = [Val::I32(0); MAX_FLAT];
            let m = rets.len().min(MAX_FLAT);
            let mut cx = HostCaller {
                caller,
                memory: None,
                realloc: None,
            };
            func(&mut cx, &a[..n], &mut r[..m]).map_err(to_engine)?;
            for (slot, v) in rets.iter_mut().zip(&r[..m]) {
                *slot = to_engine_val(*v);
            }
            Ok(())
        })
        .map(|_| ())
        .map_err(|e| LinkError(format!("{module}.{name}: {e}")))
    }
}

/// An instantiated guest whose exports the glue calls.
pub struct Instance<'a, T> {
    store: &'a mut Store<State<T>>,
    instance: embwit_runtime::Instance,
    memory: Option<Memory>,
    realloc: Option<Func>,
}

impl<'a, T> Instance<'a, T> {
    /// Wraps an instance living in `store`.
    pub fn new(store: &'a mut Store<State<T>>, instance: embwit_runtime::Instance) -> Self {
        Instance {
            store,
            instance,
            memory: None,
            realloc: None,
        }
    }

    /// The embedder's state.
    pub fn data(&mut self) -> &mut T {
        &mut self.store.data_mut().data
    }

    fn func(&self, names: &[&str]) -> Option<Func> {
        names
            .iter()
            .find_map(|n| self.instance.get_func(&*self.store, n))
    }

    fn call_func(&mut self, f: Func, params: &[Val], results: &mut [Val]) -> Result<(), Trap> {
        if params.len() > MAX_FLAT || results.len() > MAX_FLAT {
            return Err(Trap::new("too many core values"));
        }
        let mut p: [embwit_runtime::Val; MAX_FLAT] =
            core::array::from_fn(|_| embwit_runtime::Val::I32(0));
        for (slot, v) in p.iter_mut().zip(params) {
            *slot = to_engine_val(*v);
        }
        let fty = f.ty(&*self.store);
        let mut r = p;
        for (slot, t) in r.iter_mut().zip(fty.results()) {
            *slot = zero(t);
        }
        let m = fty.results().len().min(MAX_FLAT);
        f.call(&mut *self.store, &p[..params.len()], &mut r[..m])
            .map_err(trap)?;
        if m != results.len() {
            return Err(Trap::msg(format!(
                "export returned {m} core values, expected {}",
                results.len()
            )));
        }
        for (slot, v) in results.iter_mut().zip(&r[..m]) {
            *slot = from_engine(v)?;
        }
        Ok(())
    }
}

impl<T> Guest for Instance<'_, T> {
    fn memory(&mut self) -> Result<&mut [u8], Trap> {
        let mem = match self.memory {
            Some(m) => m,
            None => {
                let m = find_memory(|n| self.instance.get_export(&*self.store, n))?;
                *self.memory.insert(m)
            }
        };
        Ok(mem.data_mut(&mut *self.store))
    }

    fn realloc(
        &mut self,
        old_ptr: u32,
        old_size: u32,
        align: u32,
        new_size: u32,
    ) -> Result<u32, Trap> {
        let f = match self.realloc {
            Some(f) => f,
            None => {
                let f = find_realloc(|n| self.instance.get_export(&*self.store, n))?;
                *self.realloc.insert(f)
            }
        };
        self.store.data_mut().locked = Some("cabi_realloc");
        let r = call_realloc(&mut *self.store, f, [old_ptr, old_size, align, new_size]);
        self.store.data_mut().locked = None;
        r
    }

    fn handles(&mut self) -> &mut HandleTable {
        &mut self.store.data_mut().handles
    }
}

impl<T> ExportCtx for Instance<'_, T> {
    fn call(&mut self, names: &[&str], params: &[Val], results: &mut [Val]) -> Result<(), Trap> {
        let f = self.func(names).ok_or_else(|| {
            Trap::msg(format!(
                "the guest does not export `{}`",
                names.last().unwrap_or(&"")
            ))
        })?;
        self.call_func(f, params, results)
    }

    fn call_optional(
        &mut self,
        names: &[&str],
        params: &[Val],
        results: &mut [Val],
    ) -> Result<bool, Trap> {
        match self.func(names) {
            Some(f) => self.call_func(f, params, results).map(|()| true),
            None => Ok(false),
        }
    }

    fn post_return(&mut self, names: &[&str], results: &[Val]) -> Result<(), Trap> {
        let Some(f) = self.func(names) else {
            return Ok(());
        };
        self.store.data_mut().locked = Some("a post-return function");
        let r = self.call_func(f, results, &mut []);
        self.store.data_mut().locked = None;
        r
    }
}

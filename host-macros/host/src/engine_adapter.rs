//! The engine adapters' shared body.
//!
//! `wasmi` and `embwit-runtime` expose the same shape of API (`Linker::func_new`, `Caller`,
//! `Store`, `Instance`, `Func::call` with a results slice), so everything an adapter does on top
//! of that API is written once here, as a macro expanded inside each adapter module. Only what
//! really differs stays in the adapter: the value and type conversions and the error mapping.

/// Expands the store state, the host-call context, the [`Linker`](crate::Linker) impl and the
/// export-calling [`Instance`] for the engine crate `$engine`.
///
/// The invoking module must define these engine-specific functions:
/// - `ty(ValType) -> $engine::ValType`
/// - `from_engine(&$engine::Val) -> Result<Val, Trap>`
/// - `to_engine(Val) -> $engine::Val`
/// - `zero(&$engine::ValType) -> $engine::Val` (a zero of that type)
/// - `trap(<error of $engine's calls>) -> Trap`
/// - `host_error(Trap) -> <error a $engine host function returns>`
macro_rules! engine_adapter {
    ($engine:ident) => {
        /// Store data: the embedder's state plus the instance's resource handles.
        #[derive(Debug, Default)]
        pub struct State<T> {
            /// The embedder's state.
            pub data: T,
            /// Handles the guest holds to host-defined resources.
            pub handles: $crate::HandleTable,
            /// Set while `cabi_realloc` or a post-return function runs: the canonical ABI forbids
            /// calling imports there, so host functions trap.
            locked: Option<&'static str>,
        }

        impl<T> State<T> {
            /// Wraps the embedder's state with an empty handle table.
            pub fn new(data: T) -> Self {
                State {
                    data,
                    handles: $crate::HandleTable::new(),
                    locked: None,
                }
            }
        }

        /// Most flat values a core signature of generated glue can have (16 params + a return
        /// pointer).
        const MAX_FLAT: usize = 17;

        /// Standard (`cm32p2_*`) and legacy names of the canonical-ABI exports.
        const MEMORY: [&str; 2] = ["cm32p2_memory", "memory"];
        const REALLOC: [&str; 2] = ["cm32p2_realloc", "cabi_realloc"];

        fn find_memory(
            get: impl Fn(&str) -> Option<$engine::Extern>,
        ) -> Result<$engine::Memory, $crate::Trap> {
            MEMORY
                .iter()
                .find_map(|n| get(n).and_then($engine::Extern::into_memory))
                .ok_or($crate::Trap::new("the guest exports no linear memory"))
        }

        fn find_realloc(
            get: impl Fn(&str) -> Option<$engine::Extern>,
        ) -> Result<$engine::Func, $crate::Trap> {
            REALLOC
                .iter()
                .find_map(|n| get(n).and_then($engine::Extern::into_func))
                .ok_or($crate::Trap::new("the guest exports no cabi_realloc"))
        }

        fn call_realloc(
            mut ctx: impl $engine::AsContextMut,
            f: $engine::Func,
            args: [u32; 4],
        ) -> Result<u32, $crate::Trap> {
            let params = args.map(|a| $engine::Val::I32(a as i32));
            let mut out = [$engine::Val::I32(0)];
            f.call(&mut ctx, &params, &mut out).map_err(trap)?;
            match out[0] {
                $engine::Val::I32(p) => Ok(p as u32),
                _ => Err($crate::Trap::new("cabi_realloc has the wrong signature")),
            }
        }

        /// The context of a host function call.
        struct HostCaller<'a, T> {
            caller: $engine::Caller<'a, State<T>>,
            memory: Option<$engine::Memory>,
            realloc: Option<$engine::Func>,
        }

        impl<T> $crate::Guest for HostCaller<'_, T> {
            fn memory(&mut self) -> Result<&mut [u8], $crate::Trap> {
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
            ) -> Result<u32, $crate::Trap> {
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

            fn handles(&mut self) -> &mut $crate::HandleTable {
                &mut self.caller.data_mut().handles
            }
        }

        impl<T> $crate::HostCtx<T> for HostCaller<'_, T> {
            fn data(&mut self) -> &mut T {
                &mut self.caller.data_mut().data
            }

            fn call_export(
                &mut self,
                names: &[&str],
                params: &[$crate::Val],
                results: &mut [$crate::Val],
            ) -> Result<bool, $crate::Trap> {
                let Some(f) = names.iter().find_map(|n| {
                    self.caller
                        .get_export(n)
                        .and_then($engine::Extern::into_func)
                }) else {
                    return Ok(false);
                };
                if params.len() > MAX_FLAT || results.len() > MAX_FLAT {
                    return Err($crate::Trap::new("too many core values"));
                }
                let p: alloc::vec::Vec<$engine::Val> =
                    params.iter().map(|v| to_engine(*v)).collect();
                let mut r: alloc::vec::Vec<$engine::Val> =
                    f.ty(&self.caller).results().iter().map(zero).collect();
                if r.len() != results.len() {
                    return Err($crate::Trap::new("export has an unexpected signature"));
                }
                f.call(&mut self.caller, &p, &mut r).map_err(trap)?;
                for (slot, v) in results.iter_mut().zip(&r) {
                    *slot = from_engine(v)?;
                }
                Ok(true)
            }
        }

        impl<T: 'static> $crate::Linker<T> for $engine::Linker<State<T>> {
            fn define(
                &mut self,
                module: &str,
                name: &str,
                params: &[$crate::ValType],
                results: &[$crate::ValType],
                func: impl $crate::engine::HostFn<T>,
            ) -> Result<(), $crate::engine::LinkError> {
                if params.len() > MAX_FLAT || results.len() > MAX_FLAT {
                    return Err($crate::engine::LinkError(alloc::format!(
                        "{module}.{name}: too many core values"
                    )));
                }
                let fty = $engine::FuncType::new(
                    params.iter().map(|t| ty(*t)),
                    results.iter().map(|t| ty(*t)),
                );
                let what = alloc::format!("{module}.{name}");
                self.func_new(module, name, fty, move |caller, args, rets| {
                    if let Some(during) = caller.data().locked {
                        return Err(host_error($crate::Trap::msg(alloc::format!(
                            "the guest called import `{what}` during {during}, where imports may not be called"
                        ))));
                    }
                    let mut a = [$crate::Val::I32(0); MAX_FLAT];
                    let n = args.len().min(MAX_FLAT);
                    for (slot, v) in a.iter_mut().zip(&args[..n]) {
                        *slot = from_engine(v).map_err(host_error)?;
                    }
                    let mut r = [$crate::Val::I32(0); MAX_FLAT];
                    let m = rets.len().min(MAX_FLAT);
                    let mut cx = HostCaller {
                        caller,
                        memory: None,
                        realloc: None,
                    };
                    func(&mut cx, &a[..n], &mut r[..m]).map_err(host_error)?;
                    for (slot, v) in rets.iter_mut().zip(&r[..m]) {
                        *slot = to_engine(*v);
                    }
                    Ok(())
                })
                .map(|_| ())
                .map_err(|e| $crate::engine::LinkError(alloc::format!("{module}.{name}: {e}")))
            }
        }

        /// An instantiated guest whose exports the glue calls.
        pub struct Instance<'a, T> {
            store: &'a mut $engine::Store<State<T>>,
            instance: $engine::Instance,
            memory: Option<$engine::Memory>,
            realloc: Option<$engine::Func>,
        }

        impl<'a, T> Instance<'a, T> {
            /// Wraps an instance living in `store`.
            pub fn new(
                store: &'a mut $engine::Store<State<T>>,
                instance: $engine::Instance,
            ) -> Self {
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

            fn func(&self, names: &[&str]) -> Option<$engine::Func> {
                names
                    .iter()
                    .find_map(|n| self.instance.get_func(&*self.store, n))
            }

            fn call_func(
                &mut self,
                f: $engine::Func,
                params: &[$crate::Val],
                results: &mut [$crate::Val],
            ) -> Result<(), $crate::Trap> {
                if params.len() > MAX_FLAT || results.len() > MAX_FLAT {
                    return Err($crate::Trap::new("too many core values"));
                }
                let mut p: [$engine::Val; MAX_FLAT] =
                    core::array::from_fn(|_| $engine::Val::I32(0));
                for (slot, v) in p.iter_mut().zip(params) {
                    *slot = to_engine(*v);
                }
                let fty = f.ty(&*self.store);
                let mut r: [$engine::Val; MAX_FLAT] =
                    core::array::from_fn(|_| $engine::Val::I32(0));
                for (slot, t) in r.iter_mut().zip(fty.results()) {
                    *slot = zero(t);
                }
                let m = fty.results().len().min(MAX_FLAT);
                f.call(&mut *self.store, &p[..params.len()], &mut r[..m])
                    .map_err(trap)?;
                if m != results.len() {
                    return Err($crate::Trap::msg(alloc::format!(
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

        impl<T> $crate::Guest for Instance<'_, T> {
            fn memory(&mut self) -> Result<&mut [u8], $crate::Trap> {
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
            ) -> Result<u32, $crate::Trap> {
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

            fn handles(&mut self) -> &mut $crate::HandleTable {
                &mut self.store.data_mut().handles
            }
        }

        impl<T> $crate::ExportCtx for Instance<'_, T> {
            fn call(
                &mut self,
                names: &[&str],
                params: &[$crate::Val],
                results: &mut [$crate::Val],
            ) -> Result<(), $crate::Trap> {
                let f = self.func(names).ok_or_else(|| {
                    $crate::Trap::msg(alloc::format!(
                        "the guest does not export `{}`",
                        names.last().unwrap_or(&"")
                    ))
                })?;
                self.call_func(f, params, results)
            }

            fn call_optional(
                &mut self,
                names: &[&str],
                params: &[$crate::Val],
                results: &mut [$crate::Val],
            ) -> Result<bool, $crate::Trap> {
                match self.func(names) {
                    Some(f) => self.call_func(f, params, results).map(|()| true),
                    None => Ok(false),
                }
            }

            fn post_return(
                &mut self,
                names: &[&str],
                results: &[$crate::Val],
            ) -> Result<(), $crate::Trap> {
                let Some(f) = self.func(names) else {
                    return Ok(());
                };
                self.store.data_mut().locked = Some("a post-return function");
                let r = self.call_func(f, results, &mut []);
                self.store.data_mut().locked = None;
                r
            }
        }
    };
}

pub(crate) use engine_adapter;

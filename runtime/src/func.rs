//! Functions: handles, host functions (typed and untyped), typed calls, and the driver that runs
//! the executor and services its host calls (re-entrantly).

use alloc::rc::Rc;
use alloc::vec::Vec;
use core::marker::PhantomData;

use crate::exec::{self, Exec, Exit};
use crate::extern_::Extern;
use crate::store::{AsContext, AsContextMut, FuncEntity, InstanceData, Store};
use crate::types::{FuncType, ValType};
use crate::values::{ExternRef, Val};
use crate::{Error, Memory, Trap, TrapCode};

/// Maximum host-to-guest re-entrancy depth.
const MAX_NESTING: u32 = 64;

/// A host function over cells: arguments in `buf[..params]`, results written to
/// `buf[..results]`.
pub(crate) type HostFn<T> = Rc<dyn Fn(Caller<'_, T>, &mut [u64]) -> Result<(), Trap>>;

/// A function handle (wasm or host) in a [`Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Func(pub(crate) u32);

/// Context passed to host functions: the store (for `T` and re-entrant calls) and the calling
/// instance (for its exports such as `memory`).
pub struct Caller<'a, T> {
    pub(crate) store: &'a mut Store<T>,
    pub(crate) instance: Option<Rc<InstanceData>>,
}

impl<'a, T> Caller<'a, T> {
    /// Host state.
    pub fn data(&self) -> &T {
        self.store.data()
    }
    /// Host state, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        self.store.data_mut()
    }
    /// An export of the calling instance.
    pub fn get_export(&self, name: &str) -> Option<Extern> {
        let inst = self.instance.as_ref()?;
        crate::instance::export_of(inst, name)
    }
    /// The calling instance's exported memory `name`.
    pub fn get_memory(&self, name: &str) -> Option<Memory> {
        match self.get_export(name)? {
            Extern::Memory(m) => Some(m),
            _ => None,
        }
    }
    /// The calling instance's exported function `name`.
    pub fn get_func(&self, name: &str) -> Option<Func> {
        match self.get_export(name)? {
            Extern::Func(f) => Some(f),
            _ => None,
        }
    }
    /// Remaining fuel (see [`Store::get_fuel`]).
    pub fn get_fuel(&self) -> Result<u64, Error> {
        self.store.get_fuel()
    }
    /// Set remaining fuel (see [`Store::set_fuel`]).
    pub fn set_fuel(&mut self, fuel: u64) -> Result<(), Error> {
        self.store.set_fuel(fuel)
    }
}

impl<T> AsContext for Caller<'_, T> {
    type Data = T;
    fn as_context(&self) -> &Store<T> {
        self.store
    }
}
impl<T> AsContextMut for Caller<'_, T> {
    fn as_context_mut(&mut self) -> &mut Store<T> {
        self.store
    }
}

/// Call store function `func` with argument cells in `buf`; results replace them.
pub(crate) fn call_cells<T>(store: &mut Store<T>, func: u32, buf: &mut [u64]) -> Result<(), Trap> {
    let (np, nr) = match store.inner.funcs.get(func as usize) {
        Some(f) => (f.ty().params().len(), f.ty().results().len()),
        None => return Err(Trap::new("function does not belong to this store")),
    };
    if buf.len() < np.max(nr) {
        return Err(Trap::new("argument buffer too small"));
    }
    let (code, inst) = match store.inner.funcs.get(func as usize) {
        Some(FuncEntity::Host { host, .. }) => {
            let h = store.hosts.get(*host as usize).cloned();
            let h = h.ok_or_else(|| Trap::new("dangling host function"))?;
            return h(
                Caller {
                    store,
                    instance: None,
                },
                buf,
            );
        }
        Some(FuncEntity::Wasm { code, instance, .. }) => (code.clone(), *instance),
        None => return Err(Trap::new("function does not belong to this store")),
    };
    if store.inner.nesting >= MAX_NESTING {
        return Err(Trap::from(TrapCode::StackOverflow));
    }
    let limits = store.inner.engine.config().limits;
    let mut ex = store.inner.exec_pool.pop().unwrap_or_default();
    ex.frames.clear();
    let result = (|| {
        let base = code.consts.len();
        exec::start(&mut ex, &limits, &code, inst).map_err(Trap::from)?;
        if let Some(s) = ex.stack.get_mut(base..base + np) {
            s.copy_from_slice(buf.get(..np).unwrap_or(&[]));
        }
        store.inner.nesting += 1;
        let r = drive(store, &mut ex, &limits);
        store.inner.nesting -= 1;
        r
    })();
    let base = code.consts.len();
    if result.is_ok()
        && let (Some(src), Some(dst)) = (ex.stack.get(base..base + nr), buf.get_mut(..nr))
    {
        dst.copy_from_slice(src);
    }
    ex.frames.clear();
    store.inner.exec_pool.push(ex);
    result
}

fn drive<T>(store: &mut Store<T>, ex: &mut Exec, limits: &crate::Limits) -> Result<(), Trap> {
    loop {
        match exec::run(&mut store.inner, ex, limits)? {
            Exit::Done => return Ok(()),
            Exit::Host { func, dst, nr } => {
                let (host, inst) = match store.inner.funcs.get(func as usize) {
                    Some(FuncEntity::Host { host, .. }) => {
                        let caller_inst = ex
                            .frames
                            .last()
                            .and_then(|f| store.inner.instances.get(f.inst as usize).cloned());
                        (*host, caller_inst)
                    }
                    _ => return Err(Trap::from(TrapCode::Unreachable)),
                };
                let h = store.hosts.get(host as usize).cloned();
                let h = h.ok_or_else(|| Trap::new("dangling host function"))?;
                let mut buf = core::mem::take(&mut ex.host_buf);
                let r = h(
                    Caller {
                        store,
                        instance: inst,
                    },
                    &mut buf,
                );
                if r.is_ok()
                    && let (Some(src), Some(out)) = (buf.get(..nr), ex.stack.get_mut(dst..dst + nr))
                {
                    out.copy_from_slice(src);
                }
                ex.host_buf = buf;
                r?;
            }
        }
    }
}

impl Func {
    /// Wrap a typed host closure as a function in `store`.
    pub fn wrap<T, P, R>(
        mut store: impl AsContextMut<Data = T>,
        f: impl IntoFunc<T, P, R>,
    ) -> Func {
        let (ty, h) = f.into_func();
        Func(store.as_context_mut().add_host(h, ty))
    }
    /// Wrap an untyped host closure as a function in `store`.
    pub fn new<T: 'static>(
        mut store: impl AsContextMut<Data = T>,
        ty: FuncType,
        f: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Trap> + 'static,
    ) -> Func {
        let h = untyped_host(ty.clone(), f);
        Func(store.as_context_mut().add_host(h, ty))
    }
    /// The function's signature.
    pub fn ty(&self, store: impl AsContext) -> FuncType {
        match store.as_context().inner.funcs.get(self.0 as usize) {
            Some(f) => f.ty().clone(),
            None => FuncType::new([], []),
        }
    }
    /// Call with dynamically typed arguments; `results` must have the result count.
    pub fn call(
        &self,
        mut store: impl AsContextMut,
        params: &[Val],
        results: &mut [Val],
    ) -> Result<(), Trap> {
        let store = store.as_context_mut();
        let ty = match store.inner.funcs.get(self.0 as usize) {
            Some(f) => f.ty().clone(),
            None => return Err(Trap::new("function does not belong to this store")),
        };
        if params.len() != ty.params().len()
            || params.iter().zip(ty.params()).any(|(v, t)| v.ty() != *t)
        {
            return Err(Trap::new(
                "argument types do not match the function signature",
            ));
        }
        if results.len() != ty.results().len() {
            return Err(Trap::new(
                "result count does not match the function signature",
            ));
        }
        let mut buf: Vec<u64> = params.iter().map(|v| v.to_cell()).collect();
        buf.resize(params.len().max(results.len()), 0);
        call_cells(store, self.0, &mut buf)?;
        for ((r, t), c) in results.iter_mut().zip(ty.results()).zip(buf.iter()) {
            *r = Val::from_cell(*t, *c);
        }
        Ok(())
    }
    /// A typed view of this function; errors if the signature differs.
    pub fn typed<P: WasmParams, R: WasmResults>(
        &self,
        store: impl AsContext,
    ) -> Result<TypedFunc<P, R>, Error> {
        let ty = self.ty(&store);
        if ty.params() != P::types().as_slice() || ty.results() != R::types().as_slice() {
            return Err(Error::api(
                "function signature does not match the requested types",
            ));
        }
        Ok(TypedFunc {
            func: *self,
            _marker: PhantomData,
        })
    }
}

pub(crate) fn untyped_host<T: 'static>(
    ty: FuncType,
    f: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Trap> + 'static,
) -> HostFn<T> {
    Rc::new(move |caller: Caller<'_, T>, buf: &mut [u64]| {
        let params: Vec<Val> = ty
            .params()
            .iter()
            .zip(buf.iter())
            .map(|(t, c)| Val::from_cell(*t, *c))
            .collect();
        let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
        f(caller, &params, &mut results)?;
        for ((r, t), c) in results.iter().zip(ty.results()).zip(buf.iter_mut()) {
            if r.ty() != *t {
                return Err(Trap::new(
                    "host function returned a value of the wrong type",
                ));
            }
            *c = r.to_cell();
        }
        Ok(())
    })
}

/// A function with a statically known signature.
pub struct TypedFunc<P, R> {
    func: Func,
    _marker: PhantomData<fn(P) -> R>,
}

impl<P, R> Clone for TypedFunc<P, R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<P, R> Copy for TypedFunc<P, R> {}

impl<P: WasmParams, R: WasmResults> TypedFunc<P, R> {
    /// Call the function.
    pub fn call(&self, mut store: impl AsContextMut, params: P) -> Result<R, Trap> {
        let store = store.as_context_mut();
        // Lists have at most 16 values (the `WasmTyList` impls): no allocation per call.
        let mut buf = [0u64; 16];
        let n = P::LEN.max(R::LEN).min(buf.len());
        params.store_cells(&mut buf);
        call_cells(store, self.func.0, &mut buf[..n])?;
        Ok(R::load_cells(&buf))
    }
    /// The untyped function.
    pub fn func(&self) -> Func {
        self.func
    }
}

/// A Rust type that maps to a wasm value type.
pub trait WasmTy: Copy + 'static {
    /// The wasm type.
    const TY: ValType;
    #[doc(hidden)]
    fn to_cell(self) -> u64;
    #[doc(hidden)]
    fn from_cell(c: u64) -> Self;
}

macro_rules! wasm_ty {
    ($t:ty, $vt:ident, |$s:ident| $to:expr, |$c:ident| $from:expr) => {
        impl WasmTy for $t {
            const TY: ValType = ValType::$vt;
            fn to_cell(self) -> u64 {
                let $s = self;
                $to
            }
            fn from_cell($c: u64) -> Self {
                $from
            }
        }
    };
}
wasm_ty!(i32, I32, |s| s as u32 as u64, |c| c as u32 as i32);
wasm_ty!(u32, I32, |s| s as u64, |c| c as u32);
wasm_ty!(i64, I64, |s| s as u64, |c| c as i64);
wasm_ty!(u64, I64, |s| s, |c| c);
wasm_ty!(f32, F32, |s| s.to_bits() as u64, |c| f32::from_bits(
    c as u32
));
wasm_ty!(f64, F64, |s| s.to_bits(), |c| f64::from_bits(c));
wasm_ty!(
    Option<Func>,
    FuncRef,
    |s| s.map_or(0, |f| f.0 as u64 + 1),
    |c| {
        if c == 0 {
            None
        } else {
            Some(Func((c - 1) as u32))
        }
    }
);
wasm_ty!(
    Option<ExternRef>,
    ExternRef,
    |s| s.map_or(0, |e| e.0 as u64 + 1),
    |c| {
        if c == 0 {
            None
        } else {
            Some(ExternRef((c - 1) as u32))
        }
    }
);

/// A list of wasm values (parameters or results): `()`, a single [`WasmTy`] or a tuple.
pub trait WasmTyList: Sized + 'static {
    /// Number of values.
    const LEN: usize;
    /// The wasm types.
    fn types() -> Vec<ValType>;
    #[doc(hidden)]
    fn store_cells(self, out: &mut [u64]);
    #[doc(hidden)]
    fn load_cells(cells: &[u64]) -> Self;
}

/// Parameter lists of typed functions.
pub trait WasmParams: WasmTyList {}
impl<L: WasmTyList> WasmParams for L {}
/// Result lists of typed functions.
pub trait WasmResults: WasmTyList {}
impl<L: WasmTyList> WasmResults for L {}

impl<A: WasmTy> WasmTyList for A {
    const LEN: usize = 1;
    fn types() -> Vec<ValType> {
        alloc::vec![A::TY]
    }
    fn store_cells(self, out: &mut [u64]) {
        if let Some(c) = out.first_mut() {
            *c = self.to_cell();
        }
    }
    fn load_cells(cells: &[u64]) -> Self {
        A::from_cell(cells.first().copied().unwrap_or(0))
    }
}

macro_rules! tuple_list {
    ($n:expr; $($t:ident $i:tt),*) => {
        impl<$($t: WasmTy),*> WasmTyList for ($($t,)*) {
            const LEN: usize = $n;
            fn types() -> Vec<ValType> {
                alloc::vec![$($t::TY),*]
            }
            #[allow(unused_variables)]
            fn store_cells(self, out: &mut [u64]) {
                $(if let Some(c) = out.get_mut($i) { *c = self.$i.to_cell(); })*
            }
            #[allow(unused_variables, clippy::unused_unit)]
            fn load_cells(cells: &[u64]) -> Self {
                ($($t::from_cell(cells.get($i).copied().unwrap_or(0)),)*)
            }
        }
    };
}
tuple_list!(0;);
tuple_list!(1; A 0);
tuple_list!(2; A 0, B 1);
tuple_list!(3; A 0, B 1, C 2);
tuple_list!(4; A 0, B 1, C 2, D 3);
tuple_list!(5; A 0, B 1, C 2, D 3, E 4);
tuple_list!(6; A 0, B 1, C 2, D 3, E 4, F 5);
tuple_list!(7; A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple_list!(8; A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
tuple_list!(9; A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8);
tuple_list!(10; A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9);
tuple_list!(11; A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10);
tuple_list!(12; A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11);
tuple_list!(13; A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12);
tuple_list!(14; A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13);
tuple_list!(15; A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13, O 14);
tuple_list!(16; A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13, O 14, P 15);

/// What a typed host closure may return: results, or `Result<results, Trap>`.
pub trait HostReturn: 'static {
    /// The result list.
    type Results: WasmTyList;
    #[doc(hidden)]
    fn into_result(self) -> Result<Self::Results, Trap>;
}
impl<R: WasmTyList> HostReturn for R {
    type Results = R;
    fn into_result(self) -> Result<R, Trap> {
        Ok(self)
    }
}
impl<R: WasmTyList> HostReturn for Result<R, Trap> {
    type Results = R;
    fn into_result(self) -> Result<R, Trap> {
        self
    }
}

/// Closures usable as typed host functions: `Fn(Caller<'_, T>, A1, .., An) -> R`.
pub trait IntoFunc<T, Params, Results>: 'static {
    #[doc(hidden)]
    fn into_func(self) -> (FuncType, HostFn<T>);
}

macro_rules! into_func {
    ($($a:ident $i:tt),*) => {
        impl<T, F, $($a: WasmTy,)* R> IntoFunc<T, ($($a,)*), R> for F
        where
            F: Fn(Caller<'_, T>, $($a),*) -> R + 'static,
            R: HostReturn,
        {
            fn into_func(self) -> (FuncType, HostFn<T>) {
                let ty = FuncType::new(alloc::vec![$($a::TY),*], R::Results::types());
                let h: HostFn<T> = Rc::new(move |caller: Caller<'_, T>, buf: &mut [u64]| {
                    let r = (self)(caller, $($a::from_cell(buf.get($i).copied().unwrap_or(0))),*);
                    let r = r.into_result()?;
                    r.store_cells(buf);
                    Ok(())
                });
                (ty, h)
            }
        }
    };
}
into_func!();
into_func!(A 0);
into_func!(A 0, B 1);
into_func!(A 0, B 1, C 2);
into_func!(A 0, B 1, C 2, D 3);
into_func!(A 0, B 1, C 2, D 3, E 4);
into_func!(A 0, B 1, C 2, D 3, E 4, F1 5);
into_func!(A 0, B 1, C 2, D 3, E 4, F1 5, G 6);
into_func!(A 0, B 1, C 2, D 3, E 4, F1 5, G 6, H 7);
into_func!(A 0, B 1, C 2, D 3, E 4, F1 5, G 6, H 7, I 8);
into_func!(A 0, B 1, C 2, D 3, E 4, F1 5, G 6, H 7, I 8, J 9);
into_func!(A 0, B 1, C 2, D 3, E 4, F1 5, G 6, H 7, I 8, J 9, K 10);
into_func!(A 0, B 1, C 2, D 3, E 4, F1 5, G 6, H 7, I 8, J 9, K 10, L 11);
into_func!(A 0, B 1, C 2, D 3, E 4, F1 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12);
into_func!(A 0, B 1, C 2, D 3, E 4, F1 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13);
into_func!(A 0, B 1, C 2, D 3, E 4, F1 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13, O 14);
into_func!(A 0, B 1, C 2, D 3, E 4, F1 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13, O 14, P 15);

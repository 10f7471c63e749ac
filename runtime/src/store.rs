//! The store: all runtime entities (functions, memories, tables, globals, instances) and the
//! host's data `T`. Handles (`Func`, `Memory`, ...) are indices into it.

use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::vec::Vec;

use crate::engine::Engine;
use crate::error::Error;
use crate::exec::Exec;
use crate::func::HostFn;
use crate::ir::CompiledFunc;
use crate::module::Module;
use crate::types::{FuncType, GlobalType, MemoryType, TableType};

pub(crate) enum FuncEntity {
    Wasm {
        instance: u32,
        code: Rc<CompiledFunc>,
        type_id: u32,
        ty: FuncType,
    },
    Host {
        host: u32,
        type_id: u32,
        ty: FuncType,
    },
}

impl FuncEntity {
    pub fn type_id(&self) -> u32 {
        match self {
            FuncEntity::Wasm { type_id, .. } | FuncEntity::Host { type_id, .. } => *type_id,
        }
    }
    pub fn ty(&self) -> &FuncType {
        match self {
            FuncEntity::Wasm { ty, .. } | FuncEntity::Host { ty, .. } => ty,
        }
    }
}

pub(crate) struct MemoryEntity {
    pub data: Vec<u8>,
    pub ty: MemoryType,
    /// Largest size in bytes allowed by the type and the store limits.
    pub max_bytes: u64,
}

impl MemoryEntity {
    pub fn pages(&self) -> u64 {
        (self.data.len() as u64) >> self.ty.page_size_log2
    }
    /// Grow by `delta` pages; returns the old size in pages or `None`.
    pub fn grow(&mut self, delta: u64) -> Option<u64> {
        let old = self.pages();
        let new_pages = old.checked_add(delta)?;
        let new_bytes = new_pages.checked_mul(1u64 << self.ty.page_size_log2)?;
        if new_bytes > self.max_bytes {
            return None;
        }
        let extra = usize::try_from(new_bytes)
            .ok()?
            .checked_sub(self.data.len())?;
        self.data.try_reserve_exact(extra).ok()?;
        self.data.resize(self.data.len() + extra, 0);
        Some(old)
    }
}

pub(crate) struct TableEntity {
    pub elems: Vec<u64>,
    pub ty: TableType,
    pub max: u64,
}

impl TableEntity {
    pub fn grow(&mut self, delta: u64, init: u64) -> Option<u64> {
        let old = self.elems.len() as u64;
        let new = old.checked_add(delta)?;
        if new > self.max {
            return None;
        }
        let extra = usize::try_from(delta).ok()?;
        self.elems.try_reserve_exact(extra).ok()?;
        self.elems.resize(self.elems.len() + extra, init);
        Some(old)
    }
}

pub(crate) struct GlobalEntity {
    pub value: u64,
    pub ty: GlobalType,
}

/// Per-instance index spaces, mapping module indices to store indices.
pub(crate) struct InstanceData {
    pub module: Module,
    pub funcs: Box<[u32]>,
    pub tables: Box<[u32]>,
    pub memories: Box<[u32]>,
    pub globals: Box<[u32]>,
    pub elems: Box<[u32]>,
    pub datas: Box<[u32]>,
}

pub(crate) struct StoreInner {
    pub engine: Engine,
    pub funcs: Vec<FuncEntity>,
    pub memories: Vec<MemoryEntity>,
    pub tables: Vec<TableEntity>,
    pub globals: Vec<GlobalEntity>,
    pub elems: Vec<Vec<u64>>,
    pub datas: Vec<Rc<[u8]>>,
    pub instances: Vec<Rc<InstanceData>>,
    pub fuel: u64,
    /// Host-to-guest call nesting (re-entrancy) depth.
    pub nesting: u32,
    /// Reusable execution stacks.
    pub exec_pool: Vec<Exec>,
}

/// Owns all instances, memories, tables, globals and functions, plus the host state `T`.
pub struct Store<T> {
    pub(crate) inner: StoreInner,
    pub(crate) hosts: Vec<HostFn<T>>,
    data: T,
}

impl<T> Store<T> {
    /// A new, empty store.
    pub fn new(engine: &Engine, data: T) -> Self {
        Store {
            inner: StoreInner {
                engine: engine.clone(),
                funcs: Vec::new(),
                memories: Vec::new(),
                tables: Vec::new(),
                globals: Vec::new(),
                elems: Vec::new(),
                datas: Vec::new(),
                instances: Vec::new(),
                fuel: 0,
                nesting: 0,
                exec_pool: Vec::new(),
            },
            hosts: Vec::new(),
            data,
        }
    }
    /// The engine of this store.
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }
    /// Host state.
    pub fn data(&self) -> &T {
        &self.data
    }
    /// Host state, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.data
    }
    /// Consume the store, returning the host state.
    pub fn into_data(self) -> T {
        self.data
    }
    /// Set the remaining fuel. Errors if fuel metering is disabled in the [`crate::Config`].
    pub fn set_fuel(&mut self, fuel: u64) -> Result<(), Error> {
        if !self.inner.engine.config().consume_fuel {
            return Err(Error::api("fuel metering is disabled"));
        }
        self.inner.fuel = fuel;
        Ok(())
    }
    /// Remaining fuel. Errors if fuel metering is disabled in the [`crate::Config`].
    pub fn get_fuel(&self) -> Result<u64, Error> {
        if !self.inner.engine.config().consume_fuel {
            return Err(Error::api("fuel metering is disabled"));
        }
        Ok(self.inner.fuel)
    }
    /// Memory `idx`'s bytes and the host state, borrowed together.
    pub(crate) fn memory_and_data(&mut self, idx: u32) -> (&mut [u8], &mut T) {
        let mem: &mut [u8] = match self.inner.memories.get_mut(idx as usize) {
            Some(m) => &mut m.data,
            None => &mut [],
        };
        (mem, &mut self.data)
    }
    pub(crate) fn add_host(&mut self, f: HostFn<T>, ty: FuncType) -> u32 {
        let host = self.hosts.len() as u32;
        self.hosts.push(f);
        let type_id = self.inner.engine.intern(&ty);
        self.inner
            .funcs
            .push(FuncEntity::Host { host, type_id, ty });
        (self.inner.funcs.len() - 1) as u32
    }
}

/// Read access to a store (implemented by [`Store`], [`crate::Caller`] and references).
pub trait AsContext {
    /// The host state type.
    type Data;
    /// The underlying store.
    fn as_context(&self) -> &Store<Self::Data>;
}

/// Write access to a store.
pub trait AsContextMut: AsContext {
    /// The underlying store.
    fn as_context_mut(&mut self) -> &mut Store<Self::Data>;
}

impl<T> AsContext for Store<T> {
    type Data = T;
    fn as_context(&self) -> &Store<T> {
        self
    }
}
impl<T> AsContextMut for Store<T> {
    fn as_context_mut(&mut self) -> &mut Store<T> {
        self
    }
}
impl<C: AsContext + ?Sized> AsContext for &C {
    type Data = C::Data;
    fn as_context(&self) -> &Store<C::Data> {
        (**self).as_context()
    }
}
impl<C: AsContext + ?Sized> AsContext for &mut C {
    type Data = C::Data;
    fn as_context(&self) -> &Store<C::Data> {
        (**self).as_context()
    }
}
impl<C: AsContextMut + ?Sized> AsContextMut for &mut C {
    fn as_context_mut(&mut self) -> &mut Store<C::Data> {
        (**self).as_context_mut()
    }
}

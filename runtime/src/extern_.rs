//! Handles to memories, tables and globals, and the [`Extern`] sum type.

use alloc::vec::Vec;

use crate::Func;
use crate::error::Error;
use crate::store::{AsContext, AsContextMut, GlobalEntity, MemoryEntity, TableEntity};
use crate::types::{GlobalType, MemoryType, TableType, TypeLimits, ValType};
use crate::values::Val;

/// An importable/exportable item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extern {
    /// A function.
    Func(Func),
    /// A table.
    Table(Table),
    /// A linear memory.
    Memory(Memory),
    /// A global.
    Global(Global),
}

impl Extern {
    /// The function, if this is one.
    pub fn into_func(self) -> Option<Func> {
        if let Extern::Func(f) = self {
            Some(f)
        } else {
            None
        }
    }
    /// The memory, if this is one.
    pub fn into_memory(self) -> Option<Memory> {
        if let Extern::Memory(m) = self {
            Some(m)
        } else {
            None
        }
    }
    /// The table, if this is one.
    pub fn into_table(self) -> Option<Table> {
        if let Extern::Table(t) = self {
            Some(t)
        } else {
            None
        }
    }
    /// The global, if this is one.
    pub fn into_global(self) -> Option<Global> {
        if let Extern::Global(g) = self {
            Some(g)
        } else {
            None
        }
    }
}

impl From<Func> for Extern {
    fn from(f: Func) -> Self {
        Extern::Func(f)
    }
}
impl From<Memory> for Extern {
    fn from(m: Memory) -> Self {
        Extern::Memory(m)
    }
}
impl From<Table> for Extern {
    fn from(t: Table) -> Self {
        Extern::Table(t)
    }
}
impl From<Global> for Extern {
    fn from(g: Global) -> Self {
        Extern::Global(g)
    }
}

/// Errors of memory accessors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemoryError {
    /// The access was out of bounds.
    OutOfBounds,
    /// Growing failed (limit or allocation).
    GrowFailed,
}

impl core::fmt::Display for MemoryError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            MemoryError::OutOfBounds => "out of bounds memory access",
            MemoryError::GrowFailed => "memory grow failed",
        })
    }
}

#[cfg(feature = "std")]
impl std::error::Error for MemoryError {}

/// A linear memory handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Memory(pub(crate) u32);

const EMPTY: &[u8] = &[];

pub(crate) fn new_memory(
    inner: &mut crate::store::StoreInner,
    ty: MemoryType,
) -> Result<u32, Error> {
    let limits = inner.engine.config().limits;
    let page = 1u64 << ty.page_size_log2;
    let limit_bytes = (limits.max_memory_pages as u64).saturating_mul(65536);
    let type_max = ty.limits.max.unwrap_or(u64::MAX).saturating_mul(page);
    let addr_max = if ty.page_size_log2 == 16 {
        1u64 << 32
    } else {
        u32::MAX as u64
    };
    let max_bytes = limit_bytes.min(type_max).min(addr_max);
    let min_bytes = ty.limits.min.saturating_mul(page);
    if min_bytes > max_bytes {
        return Err(Error::limit("memory minimum exceeds the configured limit"));
    }
    let n = usize::try_from(min_bytes).map_err(|_| Error::limit("memory too large"))?;
    let mut data = Vec::new();
    data.try_reserve_exact(n)
        .map_err(|_| Error::limit("cannot allocate memory"))?;
    data.resize(n, 0);
    inner.memories.push(MemoryEntity {
        data,
        ty,
        max_bytes,
    });
    Ok((inner.memories.len() - 1) as u32)
}

impl Memory {
    /// Create a memory in `store`.
    pub fn new(mut store: impl AsContextMut, ty: MemoryType) -> Result<Memory, Error> {
        Ok(Memory(new_memory(&mut store.as_context_mut().inner, ty)?))
    }
    fn entity<'a, C: AsContext + ?Sized>(&self, store: &'a C) -> Option<&'a MemoryEntity> {
        store.as_context().inner.memories.get(self.0 as usize)
    }
    /// The memory's contents.
    pub fn data<'a, C: AsContext + ?Sized>(&self, store: &'a C) -> &'a [u8] {
        self.entity(store).map_or(EMPTY, |m| &m.data)
    }
    /// The memory's contents, mutably.
    pub fn data_mut<'a, C: AsContextMut + ?Sized>(&self, store: &'a mut C) -> &'a mut [u8] {
        match store
            .as_context_mut()
            .inner
            .memories
            .get_mut(self.0 as usize)
        {
            Some(m) => &mut m.data,
            None => &mut [],
        }
    }
    /// The memory's contents and the host state at once (for host functions that move data
    /// between guest memory and `T`).
    pub fn data_and_store_mut<'a, C: AsContextMut + ?Sized>(
        &self,
        store: &'a mut C,
    ) -> (&'a mut [u8], &'a mut C::Data) {
        store.as_context_mut().memory_and_data(self.0)
    }
    /// Copy `buf.len()` bytes at `offset` into `buf`.
    pub fn read(
        &self,
        store: impl AsContext,
        offset: usize,
        buf: &mut [u8],
    ) -> Result<(), MemoryError> {
        let data = self.data(&store);
        let end = offset
            .checked_add(buf.len())
            .ok_or(MemoryError::OutOfBounds)?;
        buf.copy_from_slice(data.get(offset..end).ok_or(MemoryError::OutOfBounds)?);
        Ok(())
    }
    /// Copy `buf` into the memory at `offset`.
    pub fn write(
        &self,
        mut store: impl AsContextMut,
        offset: usize,
        buf: &[u8],
    ) -> Result<(), MemoryError> {
        let data = self.data_mut(&mut store);
        let end = offset
            .checked_add(buf.len())
            .ok_or(MemoryError::OutOfBounds)?;
        data.get_mut(offset..end)
            .ok_or(MemoryError::OutOfBounds)?
            .copy_from_slice(buf);
        Ok(())
    }
    /// Size in pages.
    pub fn size(&self, store: impl AsContext) -> u64 {
        self.entity(&store).map_or(0, |m| m.pages())
    }
    /// Grow by `pages`; returns the previous size in pages.
    pub fn grow(&self, mut store: impl AsContextMut, pages: u64) -> Result<u64, MemoryError> {
        let m = store
            .as_context_mut()
            .inner
            .memories
            .get_mut(self.0 as usize)
            .ok_or(MemoryError::GrowFailed)?;
        m.grow(pages).ok_or(MemoryError::GrowFailed)
    }
    /// The memory's type (with its current size as minimum).
    pub fn ty(&self, store: impl AsContext) -> MemoryType {
        match self.entity(&store) {
            Some(m) => MemoryType {
                limits: TypeLimits {
                    min: m.pages(),
                    max: m.ty.limits.max,
                },
                page_size_log2: m.ty.page_size_log2,
            },
            None => MemoryType {
                limits: TypeLimits { min: 0, max: None },
                page_size_log2: 16,
            },
        }
    }
}

/// A table handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Table(pub(crate) u32);

fn ref_cell(ty: ValType, v: Val) -> Option<u64> {
    if v.ty() != ty {
        return None;
    }
    Some(v.to_cell())
}

impl Table {
    /// Create a table of `ty`, every element set to `init`.
    pub fn new(mut store: impl AsContextMut, ty: TableType, init: Val) -> Result<Table, Error> {
        let inner = &mut store.as_context_mut().inner;
        let cell =
            ref_cell(ty.element, init).ok_or_else(|| Error::api("table init type mismatch"))?;
        let limit = inner.engine.config().limits.max_table_elements as u64;
        if ty.limits.min > limit {
            return Err(Error::limit("table minimum exceeds the configured limit"));
        }
        let mut elems = Vec::new();
        elems
            .try_reserve_exact(ty.limits.min as usize)
            .map_err(|_| Error::limit("cannot allocate table"))?;
        elems.resize(ty.limits.min as usize, cell);
        let max = ty.limits.max.unwrap_or(u32::MAX as u64).min(limit);
        inner.tables.push(TableEntity { elems, ty, max });
        Ok(Table((inner.tables.len() - 1) as u32))
    }
    fn entity<'a>(&self, store: &'a impl AsContext) -> Option<&'a TableEntity> {
        store.as_context().inner.tables.get(self.0 as usize)
    }
    /// Current size in elements.
    pub fn size(&self, store: impl AsContext) -> u64 {
        self.entity(&store).map_or(0, |t| t.elems.len() as u64)
    }
    /// The table's type (with its current size as minimum).
    pub fn ty(&self, store: impl AsContext) -> TableType {
        match self.entity(&store) {
            Some(t) => TableType {
                element: t.ty.element,
                limits: TypeLimits {
                    min: t.elems.len() as u64,
                    max: t.ty.limits.max,
                },
            },
            None => TableType {
                element: ValType::FuncRef,
                limits: TypeLimits { min: 0, max: None },
            },
        }
    }
    /// Element `index`.
    pub fn get(&self, store: impl AsContext, index: u64) -> Option<Val> {
        let t = self.entity(&store)?;
        let c = *t.elems.get(usize::try_from(index).ok()?)?;
        Some(Val::from_cell(t.ty.element, c))
    }
    /// Set element `index`.
    pub fn set(&self, mut store: impl AsContextMut, index: u64, v: Val) -> Result<(), Error> {
        let t = store
            .as_context_mut()
            .inner
            .tables
            .get_mut(self.0 as usize)
            .ok_or_else(|| Error::api("unknown table"))?;
        let c =
            ref_cell(t.ty.element, v).ok_or_else(|| Error::api("table element type mismatch"))?;
        let slot = usize::try_from(index)
            .ok()
            .and_then(|i| t.elems.get_mut(i))
            .ok_or_else(|| Error::api("table index out of bounds"))?;
        *slot = c;
        Ok(())
    }
    /// Grow by `delta` elements set to `init`; returns the previous size.
    pub fn grow(&self, mut store: impl AsContextMut, delta: u64, init: Val) -> Result<u64, Error> {
        let t = store
            .as_context_mut()
            .inner
            .tables
            .get_mut(self.0 as usize)
            .ok_or_else(|| Error::api("unknown table"))?;
        let c = ref_cell(t.ty.element, init)
            .ok_or_else(|| Error::api("table element type mismatch"))?;
        t.grow(delta, c)
            .ok_or_else(|| Error::limit("table grow failed"))
    }
}

/// A global handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Global(pub(crate) u32);

impl Global {
    /// Create a global holding `v`.
    pub fn new(mut store: impl AsContextMut, v: Val, mutable: bool) -> Global {
        let inner = &mut store.as_context_mut().inner;
        inner.globals.push(GlobalEntity {
            value: v.to_cell(),
            ty: GlobalType {
                content: v.ty(),
                mutable,
            },
        });
        Global((inner.globals.len() - 1) as u32)
    }
    /// Current value.
    pub fn get(&self, store: impl AsContext) -> Val {
        match store.as_context().inner.globals.get(self.0 as usize) {
            Some(g) => Val::from_cell(g.ty.content, g.value),
            None => Val::I32(0),
        }
    }
    /// Set the value (the global must be mutable and `v` of its type).
    pub fn set(&self, mut store: impl AsContextMut, v: Val) -> Result<(), Error> {
        let g = store
            .as_context_mut()
            .inner
            .globals
            .get_mut(self.0 as usize)
            .ok_or_else(|| Error::api("unknown global"))?;
        if !g.ty.mutable {
            return Err(Error::api("global is immutable"));
        }
        if g.ty.content != v.ty() {
            return Err(Error::api("global type mismatch"));
        }
        g.value = v.to_cell();
        Ok(())
    }
    /// The global's type.
    pub fn ty(&self, store: impl AsContext) -> GlobalType {
        match store.as_context().inner.globals.get(self.0 as usize) {
            Some(g) => g.ty,
            None => GlobalType {
                content: ValType::I32,
                mutable: false,
            },
        }
    }
}

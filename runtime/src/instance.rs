//! Instantiation: resolving imports, allocating entities, running segment initializers and the
//! start function (Wasm 2.0 order: elements, then data, then start).

use alloc::rc::Rc;
use alloc::vec::Vec;

use crate::error::{Error, ErrorKind};
use crate::extern_::{Extern, Global, Memory, Table, new_memory};
use crate::module::{ConstExpr, ElemMode, ImportDesc, Module};
use crate::store::{AsContext, FuncEntity, GlobalEntity, InstanceData, Store, TableEntity};
use crate::types::{ExternKind, TypeLimits};
use crate::{Func, Trap, TrapCode};

/// An instantiated module.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Instance(pub(crate) u32);

pub(crate) fn export_of(inst: &InstanceData, name: &str) -> Option<Extern> {
    let e = inst.module.inner.exports.iter().find(|e| e.name == name)?;
    let i = e.index as usize;
    Some(match e.kind {
        ExternKind::Func => Extern::Func(Func(*inst.funcs.get(i)?)),
        ExternKind::Table => Extern::Table(Table(*inst.tables.get(i)?)),
        ExternKind::Memory => Extern::Memory(Memory(*inst.memories.get(i)?)),
        ExternKind::Global => Extern::Global(Global(*inst.globals.get(i)?)),
    })
}

impl Instance {
    fn data<'a>(&self, store: &'a impl AsContext) -> Option<&'a Rc<InstanceData>> {
        store.as_context().inner.instances.get(self.0 as usize)
    }
    /// Export `name`.
    pub fn get_export(&self, store: impl AsContext, name: &str) -> Option<Extern> {
        export_of(self.data(&store)?, name)
    }
    /// Exported function `name`.
    pub fn get_func(&self, store: impl AsContext, name: &str) -> Option<Func> {
        self.get_export(store, name)?.into_func()
    }
    /// Exported function `name` with a static signature.
    pub fn get_typed_func<P: crate::WasmParams, R: crate::WasmResults>(
        &self,
        store: impl AsContext,
        name: &str,
    ) -> Result<crate::TypedFunc<P, R>, Error> {
        let f = self
            .get_func(&store, name)
            .ok_or_else(|| Error::about(ErrorKind::Api, "no exported function", "", name))?;
        f.typed(&store)
    }
    /// Exported memory `name`.
    pub fn get_memory(&self, store: impl AsContext, name: &str) -> Option<Memory> {
        self.get_export(store, name)?.into_memory()
    }
    /// Exported table `name`.
    pub fn get_table(&self, store: impl AsContext, name: &str) -> Option<Table> {
        self.get_export(store, name)?.into_table()
    }
    /// Exported global `name`.
    pub fn get_global(&self, store: impl AsContext, name: &str) -> Option<Global> {
        self.get_export(store, name)?.into_global()
    }
    /// All exports: name and item.
    pub fn exports(&self, store: impl AsContext) -> Vec<(alloc::string::String, Extern)> {
        let Some(d) = self.data(&store) else {
            return Vec::new();
        };
        d.module
            .inner
            .exports
            .iter()
            .filter_map(|e| Some((e.name.clone(), export_of(d, &e.name)?)))
            .collect()
    }
}

fn limits_match(actual: TypeLimits, expected: TypeLimits) -> bool {
    if actual.min < expected.min {
        return false;
    }
    match expected.max {
        None => true,
        Some(em) => actual.max.is_some_and(|am| am <= em),
    }
}

/// Instantiate `module` in `store` with resolved `imports` (in module import order).
pub(crate) fn instantiate<T>(
    store: &mut Store<T>,
    module: &Module,
    imports: &[Extern],
) -> Result<Instance, Error> {
    let m = &module.inner;
    if !m.engine.same(&store.inner.engine) {
        return Err(Error::api("module and store belong to different engines"));
    }
    if imports.len() != m.imports.len() {
        return Err(Error::unlinkable("wrong number of imports"));
    }
    let mut funcs = Vec::new();
    let mut tables = Vec::new();
    let mut memories = Vec::new();
    let mut globals = Vec::new();
    for (imp, ext) in m.imports.iter().zip(imports) {
        let bad = || {
            Error::about(
                ErrorKind::Unlinkable,
                "incompatible import type for",
                &imp.module,
                &imp.name,
            )
        };
        let st = &store.inner;
        match (&imp.desc, ext) {
            (ImportDesc::Func(t), Extern::Func(f)) => {
                let want = m.type_ids.get(*t as usize).copied();
                let have = st.funcs.get(f.0 as usize).map(|e| e.type_id());
                if want.is_none() || want != have {
                    return Err(bad());
                }
                funcs.push(f.0);
            }
            (ImportDesc::Table(tt), Extern::Table(t)) => {
                let e = st.tables.get(t.0 as usize).ok_or_else(bad)?;
                let actual = TypeLimits {
                    min: e.elems.len() as u64,
                    max: e.ty.limits.max,
                };
                if e.ty.element != tt.element || !limits_match(actual, tt.limits) {
                    return Err(bad());
                }
                tables.push(t.0);
            }
            (ImportDesc::Memory(mt), Extern::Memory(mem)) => {
                let e = st.memories.get(mem.0 as usize).ok_or_else(bad)?;
                let actual = TypeLimits {
                    min: e.pages(),
                    max: e.ty.limits.max,
                };
                if e.ty.page_size_log2 != mt.page_size_log2 || !limits_match(actual, mt.limits) {
                    return Err(bad());
                }
                memories.push(mem.0);
            }
            (ImportDesc::Global(gt), Extern::Global(g)) => {
                let e = st.globals.get(g.0 as usize).ok_or_else(bad)?;
                if e.ty != *gt {
                    return Err(bad());
                }
                globals.push(g.0);
            }
            _ => return Err(bad()),
        }
    }
    let limits = store.inner.engine.config().limits;
    let inst_idx = store.inner.instances.len() as u32;
    // Defined functions.
    for (i, code) in m.code.iter().enumerate() {
        let fidx = m.num_imported_funcs as usize + i;
        let t = m.funcs.get(fidx).copied().unwrap_or(0) as usize;
        let ty = m
            .types
            .get(t)
            .cloned()
            .ok_or_else(|| Error::api("bad type"))?;
        let type_id = m.type_ids.get(t).copied().unwrap_or(u32::MAX);
        store.inner.funcs.push(FuncEntity::Wasm {
            instance: inst_idx,
            code: code.clone(),
            type_id,
            ty,
        });
        funcs.push((store.inner.funcs.len() - 1) as u32);
    }
    for tt in m.tables.iter().skip(m.num_imported_tables as usize) {
        let limit = limits.max_table_elements as u64;
        if tt.limits.min > limit {
            return Err(Error::limit("table minimum exceeds the configured limit"));
        }
        let mut elems = Vec::new();
        elems
            .try_reserve_exact(tt.limits.min as usize)
            .map_err(|_| Error::limit("cannot allocate table"))?;
        elems.resize(tt.limits.min as usize, 0);
        let max = tt.limits.max.unwrap_or(u32::MAX as u64).min(limit);
        store.inner.tables.push(TableEntity {
            elems,
            ty: *tt,
            max,
        });
        tables.push((store.inner.tables.len() - 1) as u32);
    }
    for mt in m.memories.iter().skip(m.num_imported_memories as usize) {
        memories.push(new_memory(&mut store.inner, *mt)?);
    }
    let eval = |store: &Store<T>, globals: &[u32], funcs: &[u32], e: &ConstExpr| -> u64 {
        match *e {
            ConstExpr::Value(v) => v,
            ConstExpr::RefNull => 0,
            ConstExpr::RefFunc(f) => funcs.get(f as usize).map_or(0, |x| *x as u64 + 1),
            ConstExpr::GlobalGet(g) => globals
                .get(g as usize)
                .and_then(|gi| store.inner.globals.get(*gi as usize))
                .map_or(0, |g| g.value),
        }
    };
    for (gt, init) in m
        .globals
        .iter()
        .skip(m.num_imported_globals as usize)
        .zip(&m.global_inits)
    {
        let value = eval(store, &globals, &funcs, init);
        store.inner.globals.push(GlobalEntity { value, ty: *gt });
        globals.push((store.inner.globals.len() - 1) as u32);
    }
    let mut elems = Vec::new();
    for seg in &m.elems {
        let items: Vec<u64> = seg
            .items
            .iter()
            .map(|e| eval(store, &globals, &funcs, e))
            .collect();
        store.inner.elems.push(items);
        elems.push((store.inner.elems.len() - 1) as u32);
    }
    let mut datas = Vec::new();
    for seg in &m.datas {
        store.inner.datas.push(seg.bytes.clone());
        datas.push((store.inner.datas.len() - 1) as u32);
    }
    let data = Rc::new(InstanceData {
        module: module.clone(),
        funcs: funcs.into_boxed_slice(),
        tables: tables.into_boxed_slice(),
        memories: memories.into_boxed_slice(),
        globals: globals.into_boxed_slice(),
        elems: elems.into_boxed_slice(),
        datas: datas.into_boxed_slice(),
    });
    store.inner.instances.push(data.clone());

    // Active and declared element segments.
    for (i, seg) in m.elems.iter().enumerate() {
        let ei = data.elems.get(i).copied().unwrap_or(u32::MAX) as usize;
        match &seg.mode {
            ElemMode::Passive => continue,
            ElemMode::Declared => {}
            ElemMode::Active { table, offset } => {
                let off = eval(store, &data.globals, &data.funcs, offset) as u32 as usize;
                let ti = data
                    .tables
                    .get(*table as usize)
                    .copied()
                    .unwrap_or(u32::MAX) as usize;
                let items = store.inner.elems.get(ei).cloned().unwrap_or_default();
                let tab = store
                    .inner
                    .tables
                    .get_mut(ti)
                    .ok_or_else(|| Error::api("bad table"))?;
                let dst = off
                    .checked_add(items.len())
                    .filter(|end| *end <= tab.elems.len())
                    .and_then(|end| tab.elems.get_mut(off..end));
                match dst {
                    Some(d) => d.copy_from_slice(&items),
                    None => return Err(Error::from(Trap::from(TrapCode::TableOutOfBounds))),
                }
            }
        }
        if let Some(e) = store.inner.elems.get_mut(ei) {
            *e = Vec::new();
        }
    }
    // Active data segments.
    for (i, seg) in m.datas.iter().enumerate() {
        let Some((mem_idx, offset)) = &seg.active else {
            continue;
        };
        let di = data.datas.get(i).copied().unwrap_or(u32::MAX) as usize;
        let off = eval(store, &data.globals, &data.funcs, offset) as u32 as usize;
        let mi = data
            .memories
            .get(*mem_idx as usize)
            .copied()
            .unwrap_or(u32::MAX) as usize;
        let mem = store
            .inner
            .memories
            .get_mut(mi)
            .ok_or_else(|| Error::api("bad memory"))?;
        let bytes = &seg.bytes;
        let dst = off
            .checked_add(bytes.len())
            .and_then(|end| mem.data.get_mut(off..end));
        match dst {
            Some(d) => d.copy_from_slice(bytes),
            None => return Err(Error::from(Trap::from(TrapCode::MemoryOutOfBounds))),
        }
        if let Some(d) = store.inner.datas.get_mut(di) {
            *d = Rc::from(&[][..]);
        }
    }
    if let Some(start) = m.start {
        let f = data
            .funcs
            .get(start as usize)
            .copied()
            .ok_or_else(|| Error::api("bad start"))?;
        crate::func::call_cells(store, f, &mut [])?;
    }
    Ok(Instance(inst_idx))
}

//! Decoded, validated and translated modules.

mod parse;
pub(crate) use parse::read_val_type;

use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;

use crate::engine::Engine;
use crate::error::Error;
use crate::ir::CompiledFunc;
use crate::types::{ExternKind, FuncType, GlobalType, MemoryType, TableType, ValType};

/// A constant expression (Wasm 2.0: a single constant-producing instruction).
#[derive(Debug, Clone, Copy)]
pub(crate) enum ConstExpr {
    /// A number (cell encoding).
    Value(u64),
    RefNull,
    RefFunc(u32),
    GlobalGet(u32),
}

#[derive(Debug, Clone)]
pub(crate) enum ImportDesc {
    Func(u32),
    Table(TableType),
    Memory(MemoryType),
    Global(GlobalType),
}

#[derive(Debug, Clone)]
pub(crate) struct Import {
    pub module: String,
    pub name: String,
    pub desc: ImportDesc,
}

#[derive(Debug, Clone)]
pub(crate) struct Export {
    pub name: String,
    pub kind: ExternKind,
    pub index: u32,
}

#[derive(Debug, Clone)]
pub(crate) enum ElemMode {
    Passive,
    Declared,
    Active { table: u32, offset: ConstExpr },
}

#[derive(Debug, Clone)]
pub(crate) struct ElemSegment {
    pub ty: ValType,
    pub mode: ElemMode,
    pub items: Box<[ConstExpr]>,
}

#[derive(Debug, Clone)]
pub(crate) struct DataSegment {
    /// `Some((memory, offset))` for active segments.
    pub active: Option<(u32, ConstExpr)>,
    pub bytes: Rc<[u8]>,
}

pub(crate) struct ModuleInner {
    pub engine: Engine,
    pub types: Vec<FuncType>,
    /// Engine-interned id of each entry of `types`.
    pub type_ids: Vec<u32>,
    pub imports: Vec<Import>,
    /// Type index of every function (imports first).
    pub funcs: Vec<u32>,
    pub num_imported_funcs: u32,
    pub tables: Vec<TableType>,
    pub num_imported_tables: u32,
    pub memories: Vec<MemoryType>,
    pub num_imported_memories: u32,
    pub globals: Vec<GlobalType>,
    pub num_imported_globals: u32,
    /// Initializers of the defined globals.
    pub global_inits: Vec<ConstExpr>,
    pub exports: Vec<Export>,
    pub start: Option<u32>,
    pub elems: Vec<ElemSegment>,
    pub datas: Vec<DataSegment>,
    pub data_count: Option<u32>,
    /// Functions that may be referenced by `ref.func` in code.
    pub declared_refs: Vec<bool>,
    /// Translated bodies of the defined functions.
    pub code: Vec<Rc<CompiledFunc>>,
}

impl ModuleInner {
    pub(crate) fn func_type(&self, func: u32) -> Option<&FuncType> {
        let t = *self.funcs.get(func as usize)?;
        self.types.get(t as usize)
    }
}

/// A validated and translated WebAssembly module, ready to instantiate.
#[derive(Clone)]
pub struct Module {
    pub(crate) inner: Rc<ModuleInner>,
}

impl core::fmt::Debug for Module {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Module").finish_non_exhaustive()
    }
}

/// Description of one import of a module.
#[derive(Debug, Clone)]
pub struct ImportType<'a> {
    /// Module name.
    pub module: &'a str,
    /// Field name.
    pub name: &'a str,
    /// Kind of item.
    pub kind: ExternKind,
}

impl Module {
    /// Decode, validate and translate a binary module. Never panics on hostile input.
    pub fn new(engine: &Engine, bytes: &[u8]) -> Result<Module, Error> {
        let inner = parse::parse(engine, bytes)?;
        Ok(Module {
            inner: Rc::new(inner),
        })
    }
    /// The module's imports, in order.
    pub fn imports(&self) -> impl Iterator<Item = ImportType<'_>> {
        self.inner.imports.iter().map(|i| ImportType {
            module: &i.module,
            name: &i.name,
            kind: match i.desc {
                ImportDesc::Func(_) => ExternKind::Func,
                ImportDesc::Table(_) => ExternKind::Table,
                ImportDesc::Memory(_) => ExternKind::Memory,
                ImportDesc::Global(_) => ExternKind::Global,
            },
        })
    }
    /// The module's exports: name and kind.
    pub fn exports(&self) -> impl Iterator<Item = (&str, ExternKind)> {
        self.inner.exports.iter().map(|e| (e.name.as_str(), e.kind))
    }
    /// The type of an exported function.
    pub fn export_func_type(&self, name: &str) -> Option<&FuncType> {
        let e = self
            .inner
            .exports
            .iter()
            .find(|e| e.name == name && e.kind == ExternKind::Func)?;
        self.inner.func_type(e.index)
    }
}

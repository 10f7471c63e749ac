//! Section-by-section decoding of the binary format. Function bodies are handed to the fused
//! validator/translator in [`crate::compile`].

use alloc::rc::Rc;
use alloc::string::ToString;
use alloc::vec::Vec;

use super::{
    ConstExpr, DataSegment, ElemMode, ElemSegment, Export, Import, ImportDesc, ModuleInner,
};
use crate::engine::Engine;
use crate::error::Error;
use crate::reader::Reader;
use crate::types::{ExternKind, FuncType, GlobalType, MemoryType, TableType, TypeLimits, ValType};

type R<T> = Result<T, Error>;

/// Implementation limit on params and results of a function type (as in wasmparser): keeps
/// the per-branch validation and translation work bounded.
const MAX_PARAMS: usize = 1000;

/// Largest number of 64 KiB pages of a 32-bit memory.
const MAX_PAGES_64K: u64 = 65536;

pub(crate) fn read_val_type(r: &mut Reader<'_>) -> R<ValType> {
    let off = r.offset();
    match r.u8()? {
        0x7f => Ok(ValType::I32),
        0x7e => Ok(ValType::I64),
        0x7d => Ok(ValType::F32),
        0x7c => Ok(ValType::F64),
        0x70 => Ok(ValType::FuncRef),
        0x6f => Ok(ValType::ExternRef),
        0x7b => Err(Error::new(
            crate::error::ErrorKind::Unsupported,
            Some(off),
            "SIMD (v128) is not supported",
        )),
        _ => Err(Error::malformed(off, "malformed value type")),
    }
}

fn read_ref_type(r: &mut Reader<'_>) -> R<ValType> {
    let off = r.offset();
    match r.u8()? {
        0x70 => Ok(ValType::FuncRef),
        0x6f => Ok(ValType::ExternRef),
        _ => Err(Error::malformed(off, "malformed reference type")),
    }
}

fn read_table_type(r: &mut Reader<'_>) -> R<TableType> {
    let element = read_ref_type(r)?;
    let off = r.offset();
    let flags = r.u8()?;
    if flags > 1 {
        return Err(Error::malformed(off, "integer too large"));
    }
    let min = r.u32()? as u64;
    let max = if flags & 1 != 0 {
        Some(r.u32()? as u64)
    } else {
        None
    };
    if let Some(max) = max
        && min > max
    {
        return Err(Error::invalid(
            off,
            "size minimum must not be greater than maximum",
        ));
    }
    Ok(TableType {
        element,
        limits: TypeLimits { min, max },
    })
}

fn read_memory_type(r: &mut Reader<'_>) -> R<MemoryType> {
    let off = r.offset();
    let flags = r.u8()?;
    if flags & !0x09 != 0 {
        // Shared memories (threads) and memory64 are not supported.
        return Err(Error::malformed(off, "malformed memory limits flags"));
    }
    let min = r.u32()? as u64;
    let max = if flags & 1 != 0 {
        Some(r.u32()? as u64)
    } else {
        None
    };
    let page_size_log2 = if flags & 8 != 0 {
        let p_off = r.offset();
        let p = r.u32()?;
        if p != 0 && p != 16 {
            return Err(Error::invalid(p_off, "invalid custom page size"));
        }
        p as u8
    } else {
        16
    };
    if page_size_log2 == 16 && (min > MAX_PAGES_64K || max.is_some_and(|m| m > MAX_PAGES_64K)) {
        return Err(Error::invalid(
            off,
            "memory size must be at most 65536 pages (4GiB)",
        ));
    }
    if let Some(max) = max
        && min > max
    {
        return Err(Error::invalid(
            off,
            "size minimum must not be greater than maximum",
        ));
    }
    Ok(MemoryType {
        limits: TypeLimits { min, max },
        page_size_log2,
    })
}

fn read_global_type(r: &mut Reader<'_>) -> R<GlobalType> {
    let content = read_val_type(r)?;
    let off = r.offset();
    let mutable = match r.u8()? {
        0 => false,
        1 => true,
        _ => return Err(Error::malformed(off, "malformed mutability")),
    };
    Ok(GlobalType { content, mutable })
}

/// A Wasm 2.0 constant expression of type `expected`.
fn read_const_expr(r: &mut Reader<'_>, m: &mut ModuleInner, expected: ValType) -> R<ConstExpr> {
    let off = r.offset();
    let op = r.u8()?;
    let (e, ty) = match op {
        0x41 => (ConstExpr::Value(r.i32()? as u32 as u64), ValType::I32),
        0x42 => (ConstExpr::Value(r.i64()? as u64), ValType::I64),
        0x43 => (ConstExpr::Value(r.f32_bits()? as u64), ValType::F32),
        0x44 => (ConstExpr::Value(r.f64_bits()?), ValType::F64),
        0xd0 => (ConstExpr::RefNull, read_ref_type(r)?),
        0xd2 => {
            let f = r.u32()?;
            if f as usize >= m.funcs.len() {
                return Err(Error::invalid(off, "unknown function"));
            }
            if let Some(d) = m.declared_refs.get_mut(f as usize) {
                *d = true;
            }
            (ConstExpr::RefFunc(f), ValType::FuncRef)
        }
        0x23 => {
            let g = r.u32()?;
            if g >= m.num_imported_globals {
                return Err(Error::invalid(off, "unknown global"));
            }
            let gt = m
                .globals
                .get(g as usize)
                .ok_or_else(|| Error::invalid(off, "unknown global"))?;
            if gt.mutable {
                return Err(Error::invalid(off, "constant expression required"));
            }
            (ConstExpr::GlobalGet(g), gt.content)
        }
        0x0b => return Err(Error::invalid(off, "type mismatch")),
        _ => return Err(Error::invalid(off, "constant expression required")),
    };
    let end_off = r.offset();
    match r.u8()? {
        0x0b => {}
        0x41..=0x44 | 0xd0 | 0xd2 | 0x23 => return Err(Error::invalid(end_off, "type mismatch")),
        _ => return Err(Error::invalid(end_off, "constant expression required")),
    }
    if ty != expected {
        return Err(Error::invalid(off, "type mismatch"));
    }
    Ok(e)
}

pub(super) fn parse(engine: &Engine, bytes: &[u8]) -> R<ModuleInner> {
    let mut r = Reader::new(bytes, 0);
    if r.bytes(4).ok() != Some(b"\0asm".as_slice()) {
        return Err(Error::malformed(0, "magic header not detected"));
    }
    if r.bytes(4).ok() != Some([1u8, 0, 0, 0].as_slice()) {
        return Err(Error::malformed(4, "unknown binary version"));
    }
    let mut m = ModuleInner {
        engine: engine.clone(),
        types: Vec::new(),
        type_ids: Vec::new(),
        imports: Vec::new(),
        funcs: Vec::new(),
        num_imported_funcs: 0,
        tables: Vec::new(),
        num_imported_tables: 0,
        memories: Vec::new(),
        num_imported_memories: 0,
        globals: Vec::new(),
        num_imported_globals: 0,
        global_inits: Vec::new(),
        exports: Vec::new(),
        start: None,
        elems: Vec::new(),
        datas: Vec::new(),
        data_count: None,
        declared_refs: Vec::new(),
        code: Vec::new(),
    };
    let mut last_order = 0u8;
    let mut num_defined_funcs: Option<u32> = None;
    let mut code_count: Option<u32> = None;
    while !r.is_empty() {
        let id_off = r.offset();
        let id = r.u8()?;
        let size = r.u32()? as usize;
        if size > r.remaining() {
            return Err(Error::malformed(
                r.offset(),
                "section size mismatch: unexpected end",
            ));
        }
        let mut s = r.sub(size)?;
        if id == 0 {
            s.name()?;
            continue;
        }
        let order = match id {
            1..=9 => id,
            12 => 10,
            10 => 11,
            11 => 12,
            _ => return Err(Error::malformed(id_off, "malformed section id")),
        };
        if order <= last_order {
            return Err(Error::malformed(
                id_off,
                "unexpected content after last section",
            ));
        }
        last_order = order;
        match id {
            1 => parse_types(&mut s, &mut m, engine)?,
            2 => parse_imports(&mut s, &mut m)?,
            3 => {
                let n = s.count(1)?;
                for _ in 0..n {
                    let off = s.offset();
                    let t = s.u32()?;
                    if t as usize >= m.types.len() {
                        return Err(Error::invalid(off, "unknown type"));
                    }
                    m.funcs.push(t);
                    m.declared_refs.push(false);
                }
                num_defined_funcs = Some(n);
            }
            4 => {
                let n = s.count(3)?;
                for _ in 0..n {
                    let t = read_table_type(&mut s)?;
                    if m.tables.len() >= u16::MAX as usize {
                        return Err(Error::limit("too many tables"));
                    }
                    m.tables.push(t);
                }
            }
            5 => {
                let n = s.count(2)?;
                for _ in 0..n {
                    let off = s.offset();
                    let t = read_memory_type(&mut s)?;
                    if !m.memories.is_empty() && !engine.config().multi_memory() {
                        return Err(Error::invalid(off, "multiple memories"));
                    }
                    m.memories.push(t);
                }
            }
            6 => {
                let n = s.count(3)?;
                for _ in 0..n {
                    let gt = read_global_type(&mut s)?;
                    let init = read_const_expr(&mut s, &mut m, gt.content)?;
                    m.globals.push(gt);
                    m.global_inits.push(init);
                }
            }
            7 => parse_exports(&mut s, &mut m)?,
            8 => {
                let off = s.offset();
                let f = s.u32()?;
                match m.func_type(f) {
                    None => return Err(Error::invalid(off, "unknown function")),
                    Some(t) if !t.params().is_empty() || !t.results().is_empty() => {
                        return Err(Error::invalid(off, "start function"));
                    }
                    Some(_) => m.start = Some(f),
                }
            }
            9 => parse_elems(&mut s, &mut m)?,
            12 => m.data_count = Some(s.u32()?),
            10 => {
                let off = s.offset();
                let n = s.count(1)?;
                if n != num_defined_funcs.unwrap_or(0) {
                    return Err(Error::malformed(
                        off,
                        "function and code section have inconsistent lengths",
                    ));
                }
                code_count = Some(n);
                for i in 0..n {
                    let size = s.u32()? as usize;
                    let body = s.sub(size)?;
                    let index = m.num_imported_funcs + i;
                    let f = crate::compile::compile(&m, index, body)?;
                    m.code.push(Rc::new(f));
                }
            }
            11 => {
                let off = s.offset();
                let n = s.count(1)?;
                if let Some(dc) = m.data_count
                    && dc != n
                {
                    return Err(Error::malformed(
                        off,
                        "data count and data section have inconsistent lengths",
                    ));
                }
                for _ in 0..n {
                    parse_data(&mut s, &mut m)?;
                }
            }
            _ => {}
        }
        if !s.is_empty() {
            return Err(Error::malformed(s.offset(), "section size mismatch"));
        }
    }
    if num_defined_funcs.unwrap_or(0) != code_count.unwrap_or(0) {
        return Err(Error::malformed(
            bytes.len(),
            "function and code section have inconsistent lengths",
        ));
    }
    if let Some(dc) = m.data_count
        && dc as usize != m.datas.len()
    {
        return Err(Error::malformed(
            bytes.len(),
            "data count and data section have inconsistent lengths",
        ));
    }
    Ok(m)
}

fn parse_types(s: &mut Reader<'_>, m: &mut ModuleInner, engine: &Engine) -> R<()> {
    let n = s.count(3)?;
    for _ in 0..n {
        let off = s.offset();
        if s.u8()? != 0x60 {
            return Err(Error::malformed(off, "integer representation too long"));
        }
        let np = s.count(1)?;
        let mut params = Vec::new();
        for _ in 0..np {
            params.push(read_val_type(s)?);
        }
        let nr = s.count(1)?;
        let mut results = Vec::new();
        for _ in 0..nr {
            results.push(read_val_type(s)?);
        }
        if params.len() > MAX_PARAMS || results.len() > MAX_PARAMS {
            return Err(Error::limit(
                "function type has more than 1000 params or results",
            ));
        }
        let ty = FuncType::new(params, results);
        m.type_ids.push(engine.intern(&ty));
        m.types.push(ty);
    }
    Ok(())
}

fn parse_imports(s: &mut Reader<'_>, m: &mut ModuleInner) -> R<()> {
    let n = s.count(4)?;
    for _ in 0..n {
        let module = s.name()?.to_string();
        let name = s.name()?.to_string();
        let off = s.offset();
        let desc = match s.u8()? {
            0 => {
                let t = s.u32()?;
                if t as usize >= m.types.len() {
                    return Err(Error::invalid(off, "unknown type"));
                }
                m.funcs.push(t);
                m.declared_refs.push(false);
                m.num_imported_funcs += 1;
                ImportDesc::Func(t)
            }
            1 => {
                let t = read_table_type(s)?;
                if m.tables.len() >= u16::MAX as usize {
                    return Err(Error::limit("too many tables"));
                }
                m.tables.push(t);
                m.num_imported_tables += 1;
                ImportDesc::Table(t)
            }
            2 => {
                let t = read_memory_type(s)?;
                if !m.memories.is_empty() && !m.engine.config().multi_memory() {
                    return Err(Error::invalid(off, "multiple memories"));
                }
                m.memories.push(t);
                m.num_imported_memories += 1;
                ImportDesc::Memory(t)
            }
            3 => {
                let t = read_global_type(s)?;
                m.globals.push(t);
                m.num_imported_globals += 1;
                ImportDesc::Global(t)
            }
            _ => return Err(Error::malformed(off, "malformed import kind")),
        };
        m.imports.push(Import { module, name, desc });
    }
    Ok(())
}

fn parse_exports(s: &mut Reader<'_>, m: &mut ModuleInner) -> R<()> {
    let n = s.count(3)?;
    for _ in 0..n {
        let name = s.name()?.to_string();
        let off = s.offset();
        let kind_byte = s.u8()?;
        let index = s.u32()?;
        let (kind, ok) = match kind_byte {
            0 => (ExternKind::Func, (index as usize) < m.funcs.len()),
            1 => (ExternKind::Table, (index as usize) < m.tables.len()),
            2 => (ExternKind::Memory, (index as usize) < m.memories.len()),
            3 => (ExternKind::Global, (index as usize) < m.globals.len()),
            _ => return Err(Error::malformed(off, "malformed export kind")),
        };
        if !ok {
            let what = match kind {
                ExternKind::Func => "unknown function",
                ExternKind::Table => "unknown table",
                ExternKind::Memory => "unknown memory",
                ExternKind::Global => "unknown global",
            };
            return Err(Error::invalid(off, what));
        }
        if kind == ExternKind::Func
            && let Some(d) = m.declared_refs.get_mut(index as usize)
        {
            *d = true;
        }
        m.exports.push(Export { name, kind, index });
    }
    // Duplicate names: one pass over a hash index instead of comparing every pair.
    let cap = (2 * m.exports.len()).next_power_of_two().max(4);
    let mut index = alloc::vec![u32::MAX; cap];
    for (i, e) in m.exports.iter().enumerate() {
        let mut h: u32 = 0x811c_9dc5;
        for b in e.name.bytes() {
            h = (h ^ b as u32).wrapping_mul(0x0100_0193);
        }
        let mut slot = h as usize & (cap - 1);
        while let Some(&j) = index.get(slot) {
            if j == u32::MAX {
                break;
            }
            if m.exports.get(j as usize).is_some_and(|o| o.name == e.name) {
                return Err(Error::invalid(s.offset(), "duplicate export name"));
            }
            slot = (slot + 1) & (cap - 1);
        }
        if let Some(x) = index.get_mut(slot) {
            *x = i as u32;
        }
    }
    Ok(())
}

fn parse_elems(s: &mut Reader<'_>, m: &mut ModuleInner) -> R<()> {
    let n = s.count(1)?;
    for _ in 0..n {
        let off = s.offset();
        let flags = s.u32()?;
        if flags > 7 {
            return Err(Error::malformed(off, "malformed elements segment kind"));
        }
        let passive_or_declared = flags & 1 != 0;
        let explicit_table = flags & 2 != 0;
        let uses_exprs = flags & 4 != 0;
        let mode_active = !passive_or_declared;
        let mut table = 0u32;
        if mode_active && explicit_table {
            table = s.u32()?;
        }
        let offset = if mode_active {
            Some(read_const_expr(s, m, ValType::I32)?)
        } else {
            None
        };
        let ty = if mode_active && !explicit_table {
            ValType::FuncRef
        } else if uses_exprs {
            read_ref_type(s)?
        } else {
            let k_off = s.offset();
            if s.u8()? != 0 {
                return Err(Error::malformed(k_off, "malformed element kind"));
            }
            ValType::FuncRef
        };
        let count = s.count(1)?;
        let mut items = Vec::new();
        for _ in 0..count {
            if uses_exprs {
                items.push(read_const_expr(s, m, ty)?);
            } else {
                let f_off = s.offset();
                let f = s.u32()?;
                if f as usize >= m.funcs.len() {
                    return Err(Error::invalid(f_off, "unknown function"));
                }
                if let Some(d) = m.declared_refs.get_mut(f as usize) {
                    *d = true;
                }
                items.push(ConstExpr::RefFunc(f));
            }
        }
        let mode = match offset {
            Some(offset) => {
                let tt = m
                    .tables
                    .get(table as usize)
                    .ok_or_else(|| Error::invalid(off, "unknown table"))?;
                if tt.element != ty {
                    return Err(Error::invalid(off, "type mismatch"));
                }
                ElemMode::Active { table, offset }
            }
            None if flags & 2 != 0 => ElemMode::Declared,
            None => ElemMode::Passive,
        };
        m.elems.push(ElemSegment {
            ty,
            mode,
            items: items.into_boxed_slice(),
        });
    }
    Ok(())
}

fn parse_data(s: &mut Reader<'_>, m: &mut ModuleInner) -> R<()> {
    let off = s.offset();
    let flags = s.u32()?;
    let active = match flags {
        0 => Some((0, read_const_expr_checked_mem(s, m, off, 0)?)),
        1 => None,
        2 => {
            let mem = s.u32()?;
            Some((mem, read_const_expr_checked_mem(s, m, off, mem)?))
        }
        _ => return Err(Error::malformed(off, "malformed data segment kind")),
    };
    let len = s.u32()? as usize;
    let bytes = s.bytes(len)?;
    m.datas.push(DataSegment {
        active,
        bytes: Rc::from(bytes),
    });
    Ok(())
}

fn read_const_expr_checked_mem(
    s: &mut Reader<'_>,
    m: &mut ModuleInner,
    off: usize,
    mem: u32,
) -> R<ConstExpr> {
    if mem as usize >= m.memories.len() {
        return Err(Error::invalid(off, "unknown memory"));
    }
    read_const_expr(s, m, ValType::I32)
}

//! The single pass over a function body: decode each operator, type-check it with the
//! [`Validator`] and, while the code is reachable, hand it to the [`Translator`].

use alloc::vec::Vec;

use crate::error::Error;
use crate::ir::{CompiledFunc, Instr, Op2, Op3, OpMem, op, ops};
use crate::module::ModuleInner;
use crate::module::read_val_type;
use crate::reader::Reader;
use crate::translate::{Cmp, Translator};
use crate::types::ValType;
use crate::validate::{CtrlKind, Validator};

type R<T> = Result<T, Error>;

/// Upper bound on params + declared locals of one function.
const MAX_LOCALS: u64 = 50_000;

static SINGLE: [ValType; 6] = [
    ValType::I32,
    ValType::I64,
    ValType::F32,
    ValType::F64,
    ValType::FuncRef,
    ValType::ExternRef,
];

fn single(t: ValType) -> &'static [ValType] {
    let i = match t {
        ValType::I32 => 0,
        ValType::I64 => 1,
        ValType::F32 => 2,
        ValType::F64 => 3,
        ValType::FuncRef => 4,
        ValType::ExternRef => 5,
    };
    SINGLE.get(i..i + 1).unwrap_or(&[])
}

fn block_type<'a>(r: &mut Reader<'_>, m: &'a ModuleInner) -> R<(&'a [ValType], &'a [ValType])> {
    let off = r.offset();
    match r.peek() {
        Some(0x40) => {
            r.u8()?;
            Ok((&[], &[]))
        }
        Some(b) if b & 0xc0 == 0x40 => {
            // A one-byte negative s33: a value type.
            Ok((&[], single(read_val_type(r)?)))
        }
        _ => {
            let idx = r.s33()?;
            if idx < 0 {
                return Err(Error::malformed(off, "malformed block type"));
            }
            let t = m
                .types
                .get(idx as usize)
                .ok_or_else(|| Error::invalid(off, "unknown type"))?;
            Ok((t.params(), t.results()))
        }
    }
}

enum Num {
    Un(ValType, ValType, Op2, Cmp),
    Bin(ValType, ValType, Op3, Cmp),
    Reinterpret(ValType, ValType),
    AddSub(bool),
}

// Operator tables (statics: data rather than code that builds them).
mod tables {
    use crate::ir::{Op2, Op3, ops};
    use crate::translate::Cmp;
    use crate::types::ValType::{self, F32, F64, I32, I64};
    pub(super) static I32CMP: ([Op3; 10], [Cmp; 10]) = (
        ops!(Op3: I32Eq, I32Ne, I32LtS, I32LtU, I32GtS, I32GtU, I32LeS, I32LeU, I32GeS, I32GeU),
        [
            Cmp::Eq,
            Cmp::Ne,
            Cmp::LtS,
            Cmp::LtU,
            Cmp::GtS,
            Cmp::GtU,
            Cmp::LeS,
            Cmp::LeU,
            Cmp::GeS,
            Cmp::GeU,
        ],
    );
    pub(super) static I64CMP: [Op3; 10] =
        ops!(Op3: I64Eq, I64Ne, I64LtS, I64LtU, I64GtS, I64GtU, I64LeS, I64LeU, I64GeS, I64GeU);
    pub(super) static F32CMP: [Op3; 6] = ops!(Op3: F32Eq, F32Ne, F32Lt, F32Gt, F32Le, F32Ge);
    pub(super) static F64CMP: [Op3; 6] = ops!(Op3: F64Eq, F64Ne, F64Lt, F64Gt, F64Le, F64Ge);
    pub(super) static I32BIN: [Op3; 15] = ops!(Op3:
        I32Add, I32Sub, I32Mul, I32DivS, I32DivU, I32RemS, I32RemU, I32And, I32Or, I32Xor, I32Shl,
        I32ShrS, I32ShrU, I32Rotl, I32Rotr,
    );
    pub(super) static I64BIN: [Op3; 15] = ops!(Op3:
        I64Add, I64Sub, I64Mul, I64DivS, I64DivU, I64RemS, I64RemU, I64And, I64Or, I64Xor, I64Shl,
        I64ShrS, I64ShrU, I64Rotl, I64Rotr,
    );
    pub(super) static F32UN: [Op2; 7] =
        ops!(Op2: F32Abs, F32Neg, F32Ceil, F32Floor, F32Trunc, F32Nearest, F32Sqrt);
    pub(super) static F64UN: [Op2; 7] =
        ops!(Op2: F64Abs, F64Neg, F64Ceil, F64Floor, F64Trunc, F64Nearest, F64Sqrt);
    pub(super) static F32BIN: [Op3; 7] =
        ops!(Op3: F32Add, F32Sub, F32Mul, F32Div, F32Min, F32Max, F32Copysign);
    pub(super) static F64BIN: [Op3; 7] =
        ops!(Op3: F64Add, F64Sub, F64Mul, F64Div, F64Min, F64Max, F64Copysign);
    /// Conversions 0xa7..=0xbb: (operand, result) types and the operator.
    pub(super) static CONV: ([(ValType, ValType); 21], [Op2; 21]) = (
        [
            (I64, I32),
            (F32, I32),
            (F32, I32),
            (F64, I32),
            (F64, I32),
            (I32, I64),
            (I32, I64),
            (F32, I64),
            (F32, I64),
            (F64, I64),
            (F64, I64),
            (I32, F32),
            (I32, F32),
            (I64, F32),
            (I64, F32),
            (F64, F32),
            (I32, F64),
            (I32, F64),
            (I64, F64),
            (I64, F64),
            (F32, F64),
        ],
        ops!(Op2:
            I32WrapI64, I32TruncF32S, I32TruncF32U, I32TruncF64S, I32TruncF64U, I64ExtendI32S,
            I64ExtendI32U, I64TruncF32S, I64TruncF32U, I64TruncF64S, I64TruncF64U, F32ConvertI32S,
            F32ConvertI32U, F32ConvertI64S, F32ConvertI64U, F32DemoteF64, F64ConvertI32S,
            F64ConvertI32U, F64ConvertI64S, F64ConvertI64U, F64PromoteF32,
        ),
    );
    /// `0xfc 0..=7`, the saturating truncations: operand and result types, operator.
    pub(super) static TRUNC_SAT: ([(ValType, ValType); 8], [Op2; 8]) = (
        [
            (F32, I32),
            (F32, I32),
            (F64, I32),
            (F64, I32),
            (F32, I64),
            (F32, I64),
            (F64, I64),
            (F64, I64),
        ],
        ops!(Op2:
            I32TruncSatF32S, I32TruncSatF32U, I32TruncSatF64S, I32TruncSatF64U, I64TruncSatF32S,
            I64TruncSatF32U, I64TruncSatF64S, I64TruncSatF64U,
        ),
    );
}
use tables::*;

fn numeric(op: u8) -> Option<Num> {
    use Num::*;
    use ValType::{F32, F64, I32, I64};
    let i = |base: u8| (op - base) as usize;
    Some(match op {
        0x45 => Un(I32, I32, op!(Op2 I32Eqz), Cmp::Eqz),
        0x46..=0x4f => Bin(I32, I32, *I32CMP.0.get(i(0x46))?, *I32CMP.1.get(i(0x46))?),
        0x50 => Un(I64, I32, op!(Op2 I64Eqz), Cmp::None),
        0x51..=0x5a => Bin(I64, I32, *I64CMP.get(i(0x51))?, Cmp::None),
        0x5b..=0x60 => Bin(F32, I32, *F32CMP.get(i(0x5b))?, Cmp::None),
        0x61..=0x66 => Bin(F64, I32, *F64CMP.get(i(0x61))?, Cmp::None),
        0x67 => Un(I32, I32, op!(Op2 I32Clz), Cmp::None),
        0x68 => Un(I32, I32, op!(Op2 I32Ctz), Cmp::None),
        0x69 => Un(I32, I32, op!(Op2 I32Popcnt), Cmp::None),
        0x6a => AddSub(false),
        0x6b => AddSub(true),
        0x6c..=0x78 => Bin(I32, I32, *I32BIN.get(i(0x6a))?, Cmp::None),
        0x79 => Un(I64, I64, op!(Op2 I64Clz), Cmp::None),
        0x7a => Un(I64, I64, op!(Op2 I64Ctz), Cmp::None),
        0x7b => Un(I64, I64, op!(Op2 I64Popcnt), Cmp::None),
        0x7c..=0x8a => Bin(I64, I64, *I64BIN.get(i(0x7c))?, Cmp::None),
        0x8b..=0x91 => Un(F32, F32, *F32UN.get(i(0x8b))?, Cmp::None),
        0x92..=0x98 => Bin(F32, F32, *F32BIN.get(i(0x92))?, Cmp::None),
        0x99..=0x9f => Un(F64, F64, *F64UN.get(i(0x99))?, Cmp::None),
        0xa0..=0xa6 => Bin(F64, F64, *F64BIN.get(i(0xa0))?, Cmp::None),
        0xa7..=0xbb => {
            let (a, b) = *CONV.0.get(i(0xa7))?;
            Un(a, b, *CONV.1.get(i(0xa7))?, Cmp::None)
        }
        0xbc => Reinterpret(F32, I32),
        0xbd => Reinterpret(F64, I64),
        0xbe => Reinterpret(I32, F32),
        0xbf => Reinterpret(I64, F64),
        0xc0 => Un(I32, I32, op!(Op2 I32Extend8S), Cmp::None),
        0xc1 => Un(I32, I32, op!(Op2 I32Extend16S), Cmp::None),
        0xc2 => Un(I64, I64, op!(Op2 I64Extend8S), Cmp::None),
        0xc3 => Un(I64, I64, op!(Op2 I64Extend16S), Cmp::None),
        0xc4 => Un(I64, I64, op!(Op2 I64Extend32S), Cmp::None),
        _ => return None,
    })
}

/// Loads and stores 0x28..=0x3e: (log2 of the natural alignment, value type), operator.
static MEM_OPS: ([(u8, ValType); 23], [OpMem; 23]) = {
    use ValType::{F32, F64, I32, I64};
    (
        [
            (2, I32),
            (3, I64),
            (2, F32),
            (3, F64),
            (0, I32),
            (0, I32),
            (1, I32),
            (1, I32),
            (0, I64),
            (0, I64),
            (1, I64),
            (1, I64),
            (2, I64),
            (2, I64),
            (2, I32),
            (3, I64),
            (2, F32),
            (3, F64),
            (0, I32),
            (1, I32),
            (0, I64),
            (1, I64),
            (2, I64),
        ],
        ops!(OpMem:
            Load32, Load64, Load32, Load64, Load8S32, Load8U, Load16S32, Load16U, Load8S64, Load8U,
            Load16S64, Load16U, Load32S64, Load32, Store32, Store64, Store32, Store64, Store8,
            Store16, Store8, Store16, Store32,
        ),
    )
};

/// The (alignment, type, operator) of load or store `op`.
fn mem_op(op: u8) -> Option<(u32, ValType, OpMem)> {
    let i = op.checked_sub(0x28)? as usize;
    let (align, ty) = *MEM_OPS.0.get(i)?;
    Some((align as u32, ty, *MEM_OPS.1.get(i)?))
}

/// A memarg: returns (offset, memory index).
fn memarg(r: &mut Reader<'_>, m: &ModuleInner, off: usize, max_align: u32) -> R<(u32, u32)> {
    let mut align = r.u32()?;
    let mut mem = 0;
    if align & 0x40 != 0 && m.engine.config().multi_memory() {
        align &= !0x40;
        mem = r.u32()?;
    }
    let offset = r.u32()?;
    if mem as usize >= m.memories.len() {
        return Err(Error::invalid(off, "unknown memory"));
    }
    if align > max_align {
        return Err(Error::invalid(
            off,
            "alignment must not be larger than natural",
        ));
    }
    Ok((offset, mem))
}

/// A memory index immediate: a zero byte in Wasm 2.0, a LEB index with multi-memory.
fn mem_index(r: &mut Reader<'_>, m: &ModuleInner, off: usize) -> R<u32> {
    let mem = if m.engine.config().multi_memory() {
        r.u32()?
    } else {
        zero_byte(r).map(|_| 0)?
    };
    need_memory(m, off, mem)?;
    Ok(mem)
}

fn zero_byte(r: &mut Reader<'_>) -> R<()> {
    let off = r.offset();
    if r.u8()? != 0 {
        return Err(Error::malformed(off, "zero byte expected"));
    }
    Ok(())
}

fn need_memory(m: &ModuleInner, off: usize, mem: u32) -> R<()> {
    if mem as usize >= m.memories.len() {
        Err(Error::invalid(off, "unknown memory"))
    } else {
        Ok(())
    }
}

/// Around an instruction on memory `mem`: make memory `to` current (before it `to = mem`,
/// after it `to = 0`); nothing for memory 0.
fn use_mem(t: &mut Translator, mem: u32, to: u32) {
    if mem != 0 {
        t.emit_plain(Instr::UseMem(to));
    }
}

fn table_type(m: &ModuleInner, off: usize, t: u32) -> R<ValType> {
    m.tables
        .get(t as usize)
        .map(|t| t.element)
        .ok_or_else(|| Error::invalid(off, "unknown table"))
}

fn elem_type(m: &ModuleInner, off: usize, e: u32) -> R<ValType> {
    m.elems
        .get(e as usize)
        .map(|e| e.ty)
        .ok_or_else(|| Error::invalid(off, "unknown elem segment"))
}

fn data_index(m: &ModuleInner, off: usize, d: u32) -> R<()> {
    match m.data_count {
        None => Err(Error::malformed(off, "data count section required")),
        Some(n) if d >= n => Err(Error::invalid(off, "unknown data segment")),
        Some(_) => Ok(()),
    }
}

/// Validate and translate the body of function `func_index`.
pub(crate) fn compile(m: &ModuleInner, func_index: u32, mut r: Reader<'_>) -> R<CompiledFunc> {
    let start = r.offset();
    let fty = m
        .func_type(func_index)
        .ok_or_else(|| Error::invalid(start, "unknown type"))?;
    let params = fty.params();
    let results = fty.results();
    if results.len() > u16::MAX as usize {
        return Err(Error::limit("too many results"));
    }
    let mut locals: Vec<ValType> = params.to_vec();
    let groups = r.count(2)?;
    let mut total = params.len() as u64;
    for _ in 0..groups {
        let off = r.offset();
        let n = r.u32()?;
        let t = read_val_type(&mut r)?;
        total += n as u64;
        if total > MAX_LOCALS {
            return Err(Error::malformed(off, "too many locals"));
        }
        for _ in 0..n {
            locals.push(t);
        }
    }
    let fuel = m.engine.config().consume_fuel;
    let mut v = Validator::new();
    v.push_ctrl(start, CtrlKind::Func, &[], results)?;
    let mut t = Translator::new(params.len(), locals.len(), results.len(), fuel);

    loop {
        let off = r.offset();
        t.at(off);
        let op = r.u8()?;
        let live = v.reachable() && !t.dead();
        macro_rules! pop {
            ($ty:expr) => {
                v.pop_expect(off, $ty)?
            };
        }
        match op {
            0x00 => {
                if live {
                    t.unreachable();
                }
                v.set_unreachable();
            }
            0x01 => {}
            0x02..=0x04 => {
                let (bp, br) = block_type(&mut r, m)?;
                if op == 0x04 {
                    pop!(ValType::I32);
                }
                let kind = match op {
                    0x02 => CtrlKind::Block,
                    0x03 => CtrlKind::Loop,
                    _ => CtrlKind::If,
                };
                // Check the params before translating (the translator trusts the stack).
                v.push_ctrl(off, kind, bp, br)?;
                if !live {
                    t.dead_block();
                } else {
                    match op {
                        0x02 => t.block(bp.len(), br.len()),
                        0x03 => t.loop_(bp.len(), br.len()),
                        _ => t.if_(bp.len(), br.len()),
                    }
                }
            }
            0x05 => {
                let c = v.pop_ctrl(off)?;
                if c.kind != CtrlKind::If {
                    return Err(Error::invalid(off, "else without matching if"));
                }
                t.else_(!c.unreachable);
                v.push_many(c.params);
                v.push_ctrl(off, CtrlKind::Else, c.params, c.results)?;
            }
            0x0b => {
                let c = v.pop_ctrl(off)?;
                if c.kind == CtrlKind::If && c.params != c.results {
                    return Err(Error::invalid(off, "type mismatch"));
                }
                let closed = t.end(!c.unreachable);
                if c.kind == CtrlKind::Func {
                    break;
                }
                let _ = closed;
                v.push_many(c.results);
            }
            0x0c => {
                let depth = r.u32()?;
                let l = v.label(off, depth)?;
                v.pop_many(off, l.label_types())?;
                if live {
                    t.br(depth);
                }
                v.set_unreachable();
            }
            0x0d => {
                let depth = r.u32()?;
                pop!(ValType::I32);
                let l = v.label(off, depth)?;
                v.check_top(off, l.label_types(), false)?;
                if live {
                    t.br_if(depth);
                }
            }
            0x0e => {
                let n = r.count(1)?;
                let mut targets = Vec::new();
                for _ in 0..n {
                    targets.push(r.u32()?);
                }
                let default = r.u32()?;
                pop!(ValType::I32);
                let dl = v.label(off, default)?;
                let arity = dl.label_types().len();
                for d in &targets {
                    let l = v.label(off, *d)?;
                    if l.label_types().len() != arity {
                        return Err(Error::invalid(off, "type mismatch"));
                    }
                    v.check_top(off, l.label_types(), true)?;
                }
                v.check_top(off, dl.label_types(), true)?;
                if live {
                    t.br_table(&targets, default);
                }
                v.set_unreachable();
            }
            0x0f => {
                v.pop_many(off, results)?;
                if live {
                    t.ret();
                }
                v.set_unreachable();
            }
            0x10 => {
                let f = r.u32()?;
                let ft = m
                    .func_type(f)
                    .ok_or_else(|| Error::invalid(off, "unknown function"))?;
                v.pop_many(off, ft.params())?;
                v.push_many(ft.results());
                if live {
                    // Relative to the first defined function (see `Instr::Call`).
                    let rel = f.wrapping_sub(m.num_imported_funcs);
                    t.call(rel, ft.params().len(), ft.results().len());
                }
            }
            0x11 => {
                let ti = r.u32()?;
                let table = r.u32()?;
                let tt = table_type(m, off, table)?;
                let ft = m
                    .types
                    .get(ti as usize)
                    .ok_or_else(|| Error::invalid(off, "unknown type"))?;
                if tt != ValType::FuncRef {
                    return Err(Error::invalid(off, "type mismatch"));
                }
                pop!(ValType::I32);
                v.pop_many(off, ft.params())?;
                v.push_many(ft.results());
                if live {
                    let id = m.type_ids.get(ti as usize).copied().unwrap_or(u32::MAX);
                    t.call_indirect(id, table, ft.params().len(), ft.results().len());
                }
            }
            0x1a => {
                v.pop(off)?;
                if live {
                    t.drop_();
                }
            }
            0x1b | 0x1c => {
                let explicit = if op == 0x1c {
                    let n = r.u32()?;
                    if n != 1 {
                        return Err(Error::invalid(off, "invalid result arity"));
                    }
                    Some(read_val_type(&mut r)?)
                } else {
                    None
                };
                pop!(ValType::I32);
                let ty = match explicit {
                    Some(ty) => {
                        pop!(ty);
                        pop!(ty);
                        Some(ty)
                    }
                    None => {
                        let b = v.pop(off)?;
                        let a = v.pop(off)?;
                        if a.is_some_and(|t| t.is_ref()) || b.is_some_and(|t| t.is_ref()) {
                            return Err(Error::invalid(off, "type mismatch"));
                        }
                        match (a, b) {
                            (Some(x), Some(y)) if x != y => {
                                return Err(Error::invalid(off, "type mismatch"));
                            }
                            (Some(x), _) | (_, Some(x)) => Some(x),
                            (None, None) => None,
                        }
                    }
                };
                v.push_opt(ty);
                if live {
                    t.select();
                }
            }
            0x20..=0x22 => {
                let l = r.u32()?;
                let lt = *locals
                    .get(l as usize)
                    .ok_or_else(|| Error::invalid(off, "unknown local"))?;
                match op {
                    0x20 => {
                        v.push(lt);
                        if live {
                            t.push_local(l);
                        }
                    }
                    0x21 => {
                        pop!(lt);
                        if live {
                            t.local_set(l, false);
                        }
                    }
                    _ => {
                        pop!(lt);
                        v.push(lt);
                        if live {
                            t.local_set(l, true);
                        }
                    }
                }
            }
            0x23 | 0x24 => {
                let g = r.u32()?;
                let gt = *m
                    .globals
                    .get(g as usize)
                    .ok_or_else(|| Error::invalid(off, "unknown global"))?;
                if op == 0x23 {
                    v.push(gt.content);
                    if live {
                        t.global_get(g);
                    }
                } else {
                    if !gt.mutable {
                        return Err(Error::invalid(off, "global is immutable"));
                    }
                    pop!(gt.content);
                    if live {
                        t.global_set(g);
                    }
                }
            }
            0x25 => {
                let ti = r.u32()?;
                let et = table_type(m, off, ti)?;
                pop!(ValType::I32);
                v.push(et);
                if live {
                    let ([i, ..], d) = t.operands(1);
                    t.emit_result(Instr::TableGet(d, i, ti));
                }
            }
            0x26 => {
                let ti = r.u32()?;
                let et = table_type(m, off, ti)?;
                pop!(et);
                pop!(ValType::I32);
                if live {
                    let ([i, x, _], _) = t.operands(2);
                    t.emit_plain(Instr::TableSet(i, x, ti));
                }
            }
            0x28..=0x35 => {
                let (align, ty, f) =
                    mem_op(op).ok_or_else(|| Error::malformed(off, "illegal opcode"))?;
                let (offset, mem) = memarg(&mut r, m, off, align)?;
                pop!(ValType::I32);
                v.push(ty);
                if live {
                    use_mem(&mut t, mem, mem);
                    t.load(f, offset);
                    use_mem(&mut t, mem, 0);
                }
            }
            0x36..=0x3e => {
                let (align, ty, f) =
                    mem_op(op).ok_or_else(|| Error::malformed(off, "illegal opcode"))?;
                let (offset, mem) = memarg(&mut r, m, off, align)?;
                pop!(ty);
                pop!(ValType::I32);
                if live {
                    use_mem(&mut t, mem, mem);
                    t.store(f, offset);
                    use_mem(&mut t, mem, 0);
                }
            }
            0x3f => {
                let mem = mem_index(&mut r, m, off)?;
                v.push(ValType::I32);
                if live {
                    use_mem(&mut t, mem, mem);
                    let (_, d) = t.operands(0);
                    t.emit_result(Instr::MemorySize(d));
                    use_mem(&mut t, mem, 0);
                }
            }
            0x40 => {
                let mem = mem_index(&mut r, m, off)?;
                pop!(ValType::I32);
                v.push(ValType::I32);
                if live {
                    use_mem(&mut t, mem, mem);
                    let ([n, ..], d) = t.operands(1);
                    t.emit_result(Instr::MemoryGrow(d, n));
                    use_mem(&mut t, mem, 0);
                }
            }
            0x41 => {
                let c = r.i32()?;
                v.push(ValType::I32);
                if live {
                    t.push_const(c as u32 as u64);
                }
            }
            0x42 => {
                let c = r.i64()?;
                v.push(ValType::I64);
                if live {
                    t.push_const(c as u64);
                }
            }
            0x43 => {
                let c = r.f32_bits()?;
                v.push(ValType::F32);
                if live {
                    t.push_const(c as u64);
                }
            }
            0x44 => {
                let c = r.f64_bits()?;
                v.push(ValType::F64);
                if live {
                    t.push_const(c);
                }
            }
            0x45..=0xc4 => match numeric(op) {
                Some(Num::Un(a, b, f, cmp)) => {
                    pop!(a);
                    v.push(b);
                    if live {
                        t.unop(f, cmp);
                    }
                }
                Some(Num::Bin(a, b, f, cmp)) => {
                    pop!(a);
                    pop!(a);
                    v.push(b);
                    if live {
                        t.binop(f, cmp);
                    }
                }
                Some(Num::Reinterpret(a, b)) => {
                    pop!(a);
                    v.push(b);
                    if live {
                        t.nop_convert();
                    }
                }
                Some(Num::AddSub(sub)) => {
                    pop!(ValType::I32);
                    pop!(ValType::I32);
                    v.push(ValType::I32);
                    if live {
                        t.i32_add_sub(sub);
                    }
                }
                None => return Err(Error::malformed(off, "illegal opcode")),
            },
            0xd0 => {
                let rt_off = r.offset();
                let rt = match r.u8()? {
                    0x70 => ValType::FuncRef,
                    0x6f => ValType::ExternRef,
                    _ => return Err(Error::malformed(rt_off, "malformed reference type")),
                };
                v.push(rt);
                if live {
                    t.push_const(0);
                }
            }
            0xd1 => {
                v.pop_ref(off)?;
                v.push(ValType::I32);
                if live {
                    t.unop(op!(Op2 I64Eqz), Cmp::None);
                }
            }
            0xd2 => {
                let f = r.u32()?;
                if f as usize >= m.funcs.len() {
                    return Err(Error::invalid(off, "unknown function"));
                }
                if !m.declared_refs.get(f as usize).copied().unwrap_or(false) {
                    return Err(Error::invalid(off, "undeclared function reference"));
                }
                v.push(ValType::FuncRef);
                if live {
                    let (_, d) = t.operands(0);
                    t.emit_result(Instr::RefFunc(d, f));
                }
            }
            0xfc => {
                let sub = r.u32()?;
                compile_fc(sub, off, &mut r, m, &mut v, &mut t, live)?;
            }
            _ => return Err(Error::malformed(off, "illegal opcode")),
        }
    }
    if !r.is_empty() {
        return Err(Error::malformed(
            r.offset(),
            "section size mismatch: operators after function end",
        ));
    }
    t.finish(func_index)
}

fn compile_fc(
    sub: u32,
    off: usize,
    r: &mut Reader<'_>,
    m: &ModuleInner,
    v: &mut Validator<'_>,
    t: &mut Translator,
    live: bool,
) -> R<()> {
    use ValType::{F32, I32};
    match sub {
        0..=7 => {
            let (a, b) = TRUNC_SAT.0.get(sub as usize).copied().unwrap_or((F32, I32));
            let f = TRUNC_SAT
                .1
                .get(sub as usize)
                .copied()
                .unwrap_or(op!(Op2 I32TruncSatF32S));
            v.pop_expect(off, a)?;
            v.push(b);
            if live {
                t.unop(f, Cmp::None);
            }
        }
        8 => {
            let seg = r.u32()?;
            let mem = mem_index(r, m, off)?;
            data_index(m, off, seg)?;
            v.pop_many(off, &[I32; 3])?;
            if live {
                use_mem(t, mem, mem);
                let ([d, s, n], _) = t.operands(3);
                t.emit_plain(Instr::MemoryInit(d, s, n, seg));
                use_mem(t, mem, 0);
            }
        }
        9 => {
            let seg = r.u32()?;
            data_index(m, off, seg)?;
            if live {
                t.emit_plain(Instr::DataDrop(seg));
            }
        }
        10 => {
            let dm = mem_index(r, m, off)?;
            let sm = mem_index(r, m, off)?;
            v.pop_many(off, &[I32; 3])?;
            if live {
                if dm == sm {
                    use_mem(t, dm, dm);
                    let ([d, s, n], _) = t.operands(3);
                    t.emit_plain(Instr::MemoryCopy(d, s, n));
                    use_mem(t, dm, 0);
                } else {
                    let x = t.add_extra(&[dm, sm]);
                    let ([d, s, n], _) = t.operands(3);
                    t.emit_plain(Instr::MemoryCopyMulti(d, s, n, x));
                }
            }
        }
        11 => {
            let mem = mem_index(r, m, off)?;
            v.pop_many(off, &[I32; 3])?;
            if live {
                use_mem(t, mem, mem);
                let ([d, x, n], _) = t.operands(3);
                t.emit_plain(Instr::MemoryFill(d, x, n));
                use_mem(t, mem, 0);
            }
        }
        12 => {
            let seg = r.u32()?;
            let table = r.u32()?;
            let et = elem_type(m, off, seg)?;
            let tt = table_type(m, off, table)?;
            if et != tt {
                return Err(Error::invalid(off, "type mismatch"));
            }
            v.pop_many(off, &[I32; 3])?;
            if live {
                let x = t.add_extra(&[seg, table]);
                let ([d, s, n], _) = t.operands(3);
                t.emit_plain(Instr::TableInit(d, s, n, x));
            }
        }
        13 => {
            let seg = r.u32()?;
            elem_type(m, off, seg)?;
            if live {
                t.emit_plain(Instr::ElemDrop(seg));
            }
        }
        14 => {
            let dt = r.u32()?;
            let st = r.u32()?;
            let a = table_type(m, off, dt)?;
            let b = table_type(m, off, st)?;
            if a != b {
                return Err(Error::invalid(off, "type mismatch"));
            }
            v.pop_many(off, &[I32; 3])?;
            if live {
                let x = t.add_extra(&[dt, st]);
                let ([d, s, n], _) = t.operands(3);
                t.emit_plain(Instr::TableCopy(d, s, n, x));
            }
        }
        15 => {
            let ti = r.u32()?;
            let et = table_type(m, off, ti)?;
            v.pop_expect(off, I32)?;
            v.pop_expect(off, et)?;
            v.push(I32);
            if live {
                let ([init, n, _], d) = t.operands(2);
                t.emit_result(Instr::TableGrow(d, init, n, ti));
            }
        }
        16 => {
            let ti = r.u32()?;
            table_type(m, off, ti)?;
            v.push(I32);
            if live {
                let (_, d) = t.operands(0);
                t.emit_result(Instr::TableSize(d, ti));
            }
        }
        17 => {
            let ti = r.u32()?;
            let et = table_type(m, off, ti)?;
            v.pop_expect(off, I32)?;
            v.pop_expect(off, et)?;
            v.pop_expect(off, I32)?;
            if live {
                let ([i, x, n], _) = t.operands(3);
                t.emit_plain(Instr::TableFill(i, x, n, ti));
            }
        }
        _ => return Err(Error::malformed(off, "illegal opcode")),
    }
    Ok(())
}

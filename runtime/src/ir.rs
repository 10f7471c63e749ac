//! The register-based IR the translator emits and the executor runs.
//!
//! Operands are frame slots (`S`, 64-bit cells relative to the frame base): locals first, then
//! the translator's temporaries, then saved `if` parameters. Branch targets are absolute
//! instruction indices. Side data (call argument lists, table pairs) lives in
//! [`CompiledFunc::extra`].

use alloc::boxed::Box;

/// A frame slot. While translating: a signed 16-bit offset from the frame base (negative
/// offsets address the function's constant pool, just below the base); after
/// [`crate::translate`] finishes: an index into the frame starting at the constant pool, checked
/// to be below `consts.len() + frame_size`.
pub(crate) type S = u16;

/// Build the IR enum plus nothing else: variants are tuple-like so their constructors double as
/// plain `fn` values for the translator's operator tables.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Instr {
    // ---- control ----
    Unreachable,
    /// Charge fuel.
    Fuel(u32),
    Br(u32),
    BrIfNez(S, u32),
    BrIfEqz(S, u32),
    /// Fused i32 compare + branch-if-true: (a, b, target).
    /// `x = x + imm; if x != n goto target`: (x, n, imm, target), a counted loop's latch.
    AddBrNe(S, S, i16, u32),
    BrEq(S, S, u32),
    BrNe(S, S, u32),
    BrLtS(S, S, u32),
    BrLtU(S, S, u32),
    BrGtS(S, S, u32),
    BrGtU(S, S, u32),
    BrLeS(S, S, u32),
    BrLeU(S, S, u32),
    BrGeS(S, S, u32),
    BrGeU(S, S, u32),
    /// Index slot and number of targets (excluding the default); followed by `len + 1`
    /// [`Instr::BrTableEntry`]s.
    BrTable(S, u32),
    BrTableEntry(u32),
    /// Return `n` values starting at slot.
    Return(S, u16),
    /// Call function index (module index space); dst slot for results; `extra` index of the
    /// argument slot list.
    Call(u32, S, u32),
    /// Index slot; dst; `extra` index: [type id, table, args...].
    CallIndirect(S, S, u32),

    // ---- moves ----
    Copy(S, S),
    Const32(S, u32),
    Const64(S, u32, u32),
    /// dst, a, b, cond
    Select(S, S, S, S),
    GlobalGet(S, u32),
    GlobalSet(S, u32),
    RefFunc(S, u32),

    // ---- memory: (dst/value, base, offset) ----
    Load32(S, S, u32),
    Load64(S, S, u32),
    Load8S32(S, S, u32),
    Load8U(S, S, u32),
    Load16S32(S, S, u32),
    Load16U(S, S, u32),
    Load8S64(S, S, u32),
    Load16S64(S, S, u32),
    Load32S64(S, S, u32),
    /// Loads addressed by `a + b` (wrapping, as `i32.add`) plus the offset: (dst, a, b, offset).
    Load32Idx(S, S, S, u32),
    Load8UIdx(S, S, S, u32),
    Load8SIdx(S, S, S, u32),
    Load16UIdx(S, S, S, u32),
    Load16SIdx(S, S, S, u32),
    Store8(S, S, u32),
    Store16(S, S, u32),
    Store32(S, S, u32),
    Store64(S, S, u32),
    MemorySize(S),
    /// dst, delta
    MemoryGrow(S, S),
    /// dst, value, len
    MemoryFill(S, S, S),
    /// dst, src, len
    MemoryCopy(S, S, S),
    /// dst, src, len, `extra` index: [dst memory, src memory] (multi-memory)
    #[cfg_attr(not(feature = "multi-memory"), allow(dead_code))]
    MemoryCopyMulti(S, S, S, u32),
    /// Make memory `m` current (multi-memory: wraps an operation on a memory other than 0).
    #[cfg_attr(not(feature = "multi-memory"), allow(dead_code))]
    UseMem(u32),
    /// dst, src, len, data segment
    MemoryInit(S, S, S, u32),
    DataDrop(u32),

    // ---- tables ----
    /// dst, index, table
    TableGet(S, S, u32),
    /// index, value, table
    TableSet(S, S, u32),
    TableSize(S, u32),
    /// dst, init value, delta, table
    TableGrow(S, S, S, u32),
    /// index, value, len, table
    TableFill(S, S, S, u32),
    /// dst, src, len, `extra` index: [dst table, src table]
    TableCopy(S, S, S, u32),
    /// dst, src, len, `extra` index: [elem segment, table]
    TableInit(S, S, S, u32),
    ElemDrop(u32),

    // ---- i32 ----
    I32AddImm(S, S, i32),
    /// dst = a * b + c (a fused `i32.mul` + `i32.add`: dot products).
    I32MulAdd(S, S, S, S),
    I32Add(S, S, S),
    I32Sub(S, S, S),
    I32Mul(S, S, S),
    I32DivS(S, S, S),
    I32DivU(S, S, S),
    I32RemS(S, S, S),
    I32RemU(S, S, S),
    I32And(S, S, S),
    I32Or(S, S, S),
    I32Xor(S, S, S),
    I32Shl(S, S, S),
    I32ShrS(S, S, S),
    I32ShrU(S, S, S),
    I32Rotl(S, S, S),
    I32Rotr(S, S, S),
    I32Eq(S, S, S),
    I32Ne(S, S, S),
    I32LtS(S, S, S),
    I32LtU(S, S, S),
    I32GtS(S, S, S),
    I32GtU(S, S, S),
    I32LeS(S, S, S),
    I32LeU(S, S, S),
    I32GeS(S, S, S),
    I32GeU(S, S, S),
    I32Eqz(S, S),
    I32Clz(S, S),
    I32Ctz(S, S),
    I32Popcnt(S, S),
    I32Extend8S(S, S),
    I32Extend16S(S, S),

    // ---- i64 ----
    I64Add(S, S, S),
    I64Sub(S, S, S),
    I64Mul(S, S, S),
    I64DivS(S, S, S),
    I64DivU(S, S, S),
    I64RemS(S, S, S),
    I64RemU(S, S, S),
    I64And(S, S, S),
    I64Or(S, S, S),
    I64Xor(S, S, S),
    I64Shl(S, S, S),
    I64ShrS(S, S, S),
    I64ShrU(S, S, S),
    I64Rotl(S, S, S),
    I64Rotr(S, S, S),
    I64Eq(S, S, S),
    I64Ne(S, S, S),
    I64LtS(S, S, S),
    I64LtU(S, S, S),
    I64GtS(S, S, S),
    I64GtU(S, S, S),
    I64LeS(S, S, S),
    I64LeU(S, S, S),
    I64GeS(S, S, S),
    I64GeU(S, S, S),
    /// Also `ref.is_null` (null is the zero cell).
    I64Eqz(S, S),
    I64Clz(S, S),
    I64Ctz(S, S),
    I64Popcnt(S, S),
    I64Extend8S(S, S),
    I64Extend16S(S, S),
    I64Extend32S(S, S),

    // ---- f32 ----
    F32Add(S, S, S),
    F32Sub(S, S, S),
    F32Mul(S, S, S),
    F32Div(S, S, S),
    F32Min(S, S, S),
    F32Max(S, S, S),
    F32Copysign(S, S, S),
    F32Eq(S, S, S),
    F32Ne(S, S, S),
    F32Lt(S, S, S),
    F32Gt(S, S, S),
    F32Le(S, S, S),
    F32Ge(S, S, S),
    F32Abs(S, S),
    F32Neg(S, S),
    F32Ceil(S, S),
    F32Floor(S, S),
    F32Trunc(S, S),
    F32Nearest(S, S),
    F32Sqrt(S, S),

    // ---- f64 ----
    F64Add(S, S, S),
    F64Sub(S, S, S),
    F64Mul(S, S, S),
    F64Div(S, S, S),
    F64Min(S, S, S),
    F64Max(S, S, S),
    F64Copysign(S, S, S),
    F64Eq(S, S, S),
    F64Ne(S, S, S),
    F64Lt(S, S, S),
    F64Gt(S, S, S),
    F64Le(S, S, S),
    F64Ge(S, S, S),
    F64Abs(S, S),
    F64Neg(S, S),
    F64Ceil(S, S),
    F64Floor(S, S),
    F64Trunc(S, S),
    F64Nearest(S, S),
    F64Sqrt(S, S),

    // ---- conversions ----
    I32WrapI64(S, S),
    I32TruncF32S(S, S),
    I32TruncF32U(S, S),
    I32TruncF64S(S, S),
    I32TruncF64U(S, S),
    I64ExtendI32S(S, S),
    I64ExtendI32U(S, S),
    I64TruncF32S(S, S),
    I64TruncF32U(S, S),
    I64TruncF64S(S, S),
    I64TruncF64U(S, S),
    F32ConvertI32S(S, S),
    F32ConvertI32U(S, S),
    F32ConvertI64S(S, S),
    F32ConvertI64U(S, S),
    F32DemoteF64(S, S),
    F64ConvertI32S(S, S),
    F64ConvertI32U(S, S),
    F64ConvertI64S(S, S),
    F64ConvertI64U(S, S),
    F64PromoteF32(S, S),
    I32TruncSatF32S(S, S),
    I32TruncSatF32U(S, S),
    I32TruncSatF64S(S, S),
    I32TruncSatF64U(S, S),
    I64TruncSatF32S(S, S),
    I64TruncSatF32U(S, S),
    I64TruncSatF64S(S, S),
    I64TruncSatF64U(S, S),
}

impl Instr {
    /// Visit every slot operand (used to re-base slots and to check them against the frame).
    pub(crate) fn for_each_slot(&mut self, mut f: impl FnMut(&mut S)) {
        use Instr::*;
        match self {
            Unreachable => {}
            Fuel(..) | Br(..) | BrTableEntry(..) | UseMem(..) | DataDrop(..) | ElemDrop(..) => {}
            BrIfNez(s0, _)
            | BrIfEqz(s0, _)
            | BrTable(s0, _)
            | Const32(s0, _)
            | GlobalGet(s0, _)
            | GlobalSet(s0, _)
            | RefFunc(s0, _)
            | TableSize(s0, _) => {
                f(s0);
            }
            AddBrNe(s0, s1, _, _) => {
                f(s0);
                f(s1);
            }
            BrEq(s0, s1, _)
            | BrNe(s0, s1, _)
            | BrLtS(s0, s1, _)
            | BrLtU(s0, s1, _)
            | BrGtS(s0, s1, _)
            | BrGtU(s0, s1, _)
            | BrLeS(s0, s1, _)
            | BrLeU(s0, s1, _)
            | BrGeS(s0, s1, _)
            | BrGeU(s0, s1, _)
            | CallIndirect(s0, s1, _)
            | Load32(s0, s1, _)
            | Load64(s0, s1, _)
            | Load8S32(s0, s1, _)
            | Load8U(s0, s1, _)
            | Load16S32(s0, s1, _)
            | Load16U(s0, s1, _)
            | Load8S64(s0, s1, _)
            | Load16S64(s0, s1, _)
            | Load32S64(s0, s1, _)
            | Store8(s0, s1, _)
            | Store16(s0, s1, _)
            | Store32(s0, s1, _)
            | Store64(s0, s1, _)
            | TableGet(s0, s1, _)
            | TableSet(s0, s1, _) => {
                f(s0);
                f(s1);
            }
            Return(s0, _) => {
                f(s0);
            }
            Call(_, s1, _) => {
                f(s1);
            }
            Copy(s0, s1)
            | MemoryGrow(s0, s1)
            | I32Eqz(s0, s1)
            | I32Clz(s0, s1)
            | I32Ctz(s0, s1)
            | I32Popcnt(s0, s1)
            | I32Extend8S(s0, s1)
            | I32Extend16S(s0, s1)
            | I64Eqz(s0, s1)
            | I64Clz(s0, s1)
            | I64Ctz(s0, s1)
            | I64Popcnt(s0, s1)
            | I64Extend8S(s0, s1)
            | I64Extend16S(s0, s1)
            | I64Extend32S(s0, s1)
            | F32Abs(s0, s1)
            | F32Neg(s0, s1)
            | F32Ceil(s0, s1)
            | F32Floor(s0, s1)
            | F32Trunc(s0, s1)
            | F32Nearest(s0, s1)
            | F32Sqrt(s0, s1)
            | F64Abs(s0, s1)
            | F64Neg(s0, s1)
            | F64Ceil(s0, s1)
            | F64Floor(s0, s1)
            | F64Trunc(s0, s1)
            | F64Nearest(s0, s1)
            | F64Sqrt(s0, s1)
            | I32WrapI64(s0, s1)
            | I32TruncF32S(s0, s1)
            | I32TruncF32U(s0, s1)
            | I32TruncF64S(s0, s1)
            | I32TruncF64U(s0, s1)
            | I64ExtendI32S(s0, s1)
            | I64ExtendI32U(s0, s1)
            | I64TruncF32S(s0, s1)
            | I64TruncF32U(s0, s1)
            | I64TruncF64S(s0, s1)
            | I64TruncF64U(s0, s1)
            | F32ConvertI32S(s0, s1)
            | F32ConvertI32U(s0, s1)
            | F32ConvertI64S(s0, s1)
            | F32ConvertI64U(s0, s1)
            | F32DemoteF64(s0, s1)
            | F64ConvertI32S(s0, s1)
            | F64ConvertI32U(s0, s1)
            | F64ConvertI64S(s0, s1)
            | F64ConvertI64U(s0, s1)
            | F64PromoteF32(s0, s1)
            | I32TruncSatF32S(s0, s1)
            | I32TruncSatF32U(s0, s1)
            | I32TruncSatF64S(s0, s1)
            | I32TruncSatF64U(s0, s1)
            | I64TruncSatF32S(s0, s1)
            | I64TruncSatF32U(s0, s1)
            | I64TruncSatF64S(s0, s1)
            | I64TruncSatF64U(s0, s1) => {
                f(s0);
                f(s1);
            }
            Const64(s0, _, _) => {
                f(s0);
            }
            Select(s0, s1, s2, s3) | I32MulAdd(s0, s1, s2, s3) => {
                f(s0);
                f(s1);
                f(s2);
                f(s3);
            }
            MemorySize(s0) => {
                f(s0);
            }
            MemoryFill(s0, s1, s2)
            | MemoryCopy(s0, s1, s2)
            | I32Add(s0, s1, s2)
            | I32Sub(s0, s1, s2)
            | I32Mul(s0, s1, s2)
            | I32DivS(s0, s1, s2)
            | I32DivU(s0, s1, s2)
            | I32RemS(s0, s1, s2)
            | I32RemU(s0, s1, s2)
            | I32And(s0, s1, s2)
            | I32Or(s0, s1, s2)
            | I32Xor(s0, s1, s2)
            | I32Shl(s0, s1, s2)
            | I32ShrS(s0, s1, s2)
            | I32ShrU(s0, s1, s2)
            | I32Rotl(s0, s1, s2)
            | I32Rotr(s0, s1, s2)
            | I32Eq(s0, s1, s2)
            | I32Ne(s0, s1, s2)
            | I32LtS(s0, s1, s2)
            | I32LtU(s0, s1, s2)
            | I32GtS(s0, s1, s2)
            | I32GtU(s0, s1, s2)
            | I32LeS(s0, s1, s2)
            | I32LeU(s0, s1, s2)
            | I32GeS(s0, s1, s2)
            | I32GeU(s0, s1, s2)
            | I64Add(s0, s1, s2)
            | I64Sub(s0, s1, s2)
            | I64Mul(s0, s1, s2)
            | I64DivS(s0, s1, s2)
            | I64DivU(s0, s1, s2)
            | I64RemS(s0, s1, s2)
            | I64RemU(s0, s1, s2)
            | I64And(s0, s1, s2)
            | I64Or(s0, s1, s2)
            | I64Xor(s0, s1, s2)
            | I64Shl(s0, s1, s2)
            | I64ShrS(s0, s1, s2)
            | I64ShrU(s0, s1, s2)
            | I64Rotl(s0, s1, s2)
            | I64Rotr(s0, s1, s2)
            | I64Eq(s0, s1, s2)
            | I64Ne(s0, s1, s2)
            | I64LtS(s0, s1, s2)
            | I64LtU(s0, s1, s2)
            | I64GtS(s0, s1, s2)
            | I64GtU(s0, s1, s2)
            | I64LeS(s0, s1, s2)
            | I64LeU(s0, s1, s2)
            | I64GeS(s0, s1, s2)
            | I64GeU(s0, s1, s2)
            | F32Add(s0, s1, s2)
            | F32Sub(s0, s1, s2)
            | F32Mul(s0, s1, s2)
            | F32Div(s0, s1, s2)
            | F32Min(s0, s1, s2)
            | F32Max(s0, s1, s2)
            | F32Copysign(s0, s1, s2)
            | F32Eq(s0, s1, s2)
            | F32Ne(s0, s1, s2)
            | F32Lt(s0, s1, s2)
            | F32Gt(s0, s1, s2)
            | F32Le(s0, s1, s2)
            | F32Ge(s0, s1, s2)
            | F64Add(s0, s1, s2)
            | F64Sub(s0, s1, s2)
            | F64Mul(s0, s1, s2)
            | F64Div(s0, s1, s2)
            | F64Min(s0, s1, s2)
            | F64Max(s0, s1, s2)
            | F64Copysign(s0, s1, s2)
            | F64Eq(s0, s1, s2)
            | F64Ne(s0, s1, s2)
            | F64Lt(s0, s1, s2)
            | F64Gt(s0, s1, s2)
            | F64Le(s0, s1, s2)
            | F64Ge(s0, s1, s2) => {
                f(s0);
                f(s1);
                f(s2);
            }
            MemoryCopyMulti(s0, s1, s2, _)
            | Load32Idx(s0, s1, s2, _)
            | Load8UIdx(s0, s1, s2, _)
            | Load8SIdx(s0, s1, s2, _)
            | Load16UIdx(s0, s1, s2, _)
            | Load16SIdx(s0, s1, s2, _)
            | MemoryInit(s0, s1, s2, _)
            | TableGrow(s0, s1, s2, _)
            | TableFill(s0, s1, s2, _)
            | TableCopy(s0, s1, s2, _)
            | TableInit(s0, s1, s2, _) => {
                f(s0);
                f(s1);
                f(s2);
            }
            I32AddImm(s0, s1, _) => {
                f(s0);
                f(s1);
            }
        }
    }
    /// The branch target, for branch instructions.
    pub(crate) fn target(&self) -> Option<u32> {
        use Instr::*;
        match *self {
            Br(x) | BrIfNez(_, x) | BrIfEqz(_, x) | BrTableEntry(x) | AddBrNe(_, _, _, x) => {
                Some(x)
            }
            BrEq(_, _, x)
            | BrNe(_, _, x)
            | BrLtS(_, _, x)
            | BrLtU(_, _, x)
            | BrGtS(_, _, x)
            | BrGtU(_, _, x)
            | BrLeS(_, _, x)
            | BrLeU(_, _, x)
            | BrGeS(_, _, x)
            | BrGeU(_, _, x) => Some(x),
            _ => None,
        }
    }
    /// Rewrite the branch target of a branch instruction (no-op for others).
    pub(crate) fn set_target(&mut self, t: u32) {
        use Instr::*;
        match self {
            Br(x) | BrIfNez(_, x) | BrIfEqz(_, x) | BrTableEntry(x) | AddBrNe(_, _, _, x) => *x = t,
            BrEq(_, _, x)
            | BrNe(_, _, x)
            | BrLtS(_, _, x)
            | BrLtU(_, _, x)
            | BrGtS(_, _, x)
            | BrGtU(_, _, x)
            | BrLeS(_, _, x)
            | BrLeU(_, _, x)
            | BrGeS(_, _, x)
            | BrGeU(_, _, x) => *x = t,
            _ => {}
        }
    }
}

/// A translated function body.
#[derive(Debug)]
pub(crate) struct CompiledFunc {
    pub code: Box<[Instr]>,
    /// Byte offset in the module of the wasm instruction each IR instruction came from.
    pub offsets: Box<[u32]>,
    pub extra: Box<[u32]>,
    /// Constant pool, in memory order: the last entry is slot -1.
    pub consts: Box<[u64]>,
    /// Slots needed by a frame.
    pub frame_size: u32,
    pub num_params: u32,
    /// Params plus declared locals (the latter are zeroed on entry).
    pub num_locals: u32,
    /// Index of this function in its module's function index space (for trap reports).
    pub func_index: u32,
}

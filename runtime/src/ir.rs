//! The register-based IR the translator emits and the executor runs.
//!
//! Operands are frame slots (`S`, 64-bit cells relative to the frame base): locals first, then
//! the translator's temporaries, then saved `if` parameters. Branch targets are absolute
//! instruction indices. Side data (call argument lists, table pairs) lives in
//! [`CompiledFunc::extra`].

use alloc::boxed::Box;

pub(crate) mod shape;
pub(crate) use shape::{Op2, Op3, Op4, OpIdx, OpMem, op, ops};

/// A frame slot. While translating: a signed 16-bit offset from the frame base (negative
/// offsets address the function's constant pool, just below the base); after
/// [`crate::translate`] finishes: an index into the frame starting at the constant pool, checked
/// to be below `cells`.
pub(crate) type S = u16;

/// A branch target: a byte offset from the next [`Step`] (absolute instruction indices while
/// translating; `Translator::finish` converts them).
pub(crate) type T = u32;

/// An instruction as the executor runs it. The threaded backend keeps each instruction's
/// handler beside it (direct threading): a dispatch is one indirect jump through the
/// instruction pointer, with no table lookup by tag.
#[cfg(embwit_threaded)]
#[derive(Debug, Clone, Copy)]
pub(crate) struct Step {
    pub handler: crate::exec::Handler,
    pub ins: Instr,
}
/// An instruction as the executor runs it (the `match` loop needs nothing beside it).
#[cfg(not(embwit_threaded))]
#[derive(Debug, Clone, Copy)]
#[repr(transparent)]
pub(crate) struct Step {
    pub ins: Instr,
}

impl Step {
    pub(crate) fn new(ins: Instr) -> Step {
        Step {
            #[cfg(embwit_threaded)]
            handler: crate::exec::handler_of(&ins),
            ins,
        }
    }
}

/// Calls `$f` on a field of type `S` (a slot operand); other fields are not slots.
#[cfg(test)]
macro_rules! visit_slot {
    (S, $x:ident, $f:ident) => {
        $f($x)
    };
    ($t:ident, $x:ident, $f:ident) => {
        let _ = $x;
    };
}
/// `Some(field)` for the field of type `T` (a branch target), else `None`: takes
/// `type name` pairs.
#[cfg(test)]
macro_rules! target_of {
    () => {
        None
    };
    (T $x:ident $($rest:tt)*) => {
        Some($x)
    };
    ($t:ident $x:ident $($rest:tt)*) => {
        target_of!($($rest)*)
    };
}

/// Declares [`Instr`] from the instruction list in [`crate::exec::ops`], with the operand roles
/// the translator checks and rewrites: slot operands (type `S`) and branch targets (type `T`).
macro_rules! declare_instr {
    ($( $(#[$attr:meta])* $name:ident $(( $($f:ident : $t:ident),* ))? |$vm:ident| $body:expr ),* $(,)?) => {
        /// One IR instruction. `#[repr(u16)]`: the threaded executor reads the tag to find the
        /// handler, and the translator's operator tables hold tags ([`shape`]).
        #[derive(Debug, Clone, Copy)]
        #[repr(u16)]
        pub(crate) enum Instr {
            $( $(#[$attr])* $name $(( $($t),* ))?, )*
        }
        /// Each variant's field types (`"S, S, u32"`), indexed by tag (the variants have the
        /// implicit discriminants 0, 1, ...): the shape checks of [`Op3`] and co.
        const FIELDS: &[&str] = &[$( stringify!($($($t),*)?) ),*];
        /// Number of [`Instr`] variants.
        #[cfg_attr(not(embwit_threaded), allow(dead_code))]
        pub(crate) const INSTR_COUNT: usize = [$(stringify!($name)),*].len();

        /// The operand roles again, derived from the field types (`S`: slot, `T`: branch
        /// target), and one sample of every instruction: the tests check the hand-written
        /// [`Instr::for_each_slot`] and [`Instr::target`] against them, so an instruction added
        /// to the list cannot escape the translator's slot checks.
        #[cfg(test)]
        impl Instr {
            #[allow(unused_variables)]
            pub(crate) fn slots_by_type(&mut self, mut f: impl FnMut(&mut S)) {
                match self {
                    $( Instr::$name $(( $($f),* ))? => { $($( visit_slot!($t, $f, f); )*)? } )*
                }
            }
            #[allow(unused_variables)]
            pub(crate) fn target_by_type(&self) -> Option<T> {
                match *self {
                    $( Instr::$name $(( $($f),* ))? => target_of!($($($t $f)*)?), )*
                }
            }
            /// Every variant, its fields numbered 1, 2, ... in order.
            pub(crate) fn samples() -> alloc::vec::Vec<Instr> {
                alloc::vec![$( {
                    #[allow(unused_mut, unused_variables)]
                    let mut k = 0u8;
                    Instr::$name $(( $({ let _ = stringify!($f); k += 1; k as $t }),* ))?
                } ),*]
            }
        }
    };
}
crate::exec::ops::for_each_instr!(declare_instr);

// Twelve bytes per instruction: the fields of every variant are ordered to need no padding
// beyond that.
const _: () = assert!(size_of::<Instr>() == 12);

impl Instr {
    /// Visit every slot operand (used to re-base slots and to check them against the frame).
    pub(crate) fn for_each_slot(&mut self, mut f: impl FnMut(&mut S)) {
        use Instr::*;
        match self {
            Unreachable => {}
            Fuel(..) | Br(..) | BrTableEntry(..) | UseMem(..) | DataDrop(..) | ElemDrop(..)
            | BrIfNezA(_) | BrIfEqzA(_) => {}
            BrIfNez(s0, _)
            | BrIfEqz(s0, _)
            | BrTable(s0, _)
            | Const32(s0, _)
            | GlobalGet(s0, _)
            | GlobalSet(s0, _)
            | RefFunc(s0, _)
            | I32AddImmA(s0, _)
            | CopyA(s0)
            | BrEqA(s0, _)
            | BrNeA(s0, _)
            | BrLtSA(s0, _)
            | BrLtUA(s0, _)
            | BrGtSA(s0, _)
            | BrGtUA(s0, _)
            | BrLeSA(s0, _)
            | BrLeUA(s0, _)
            | BrGeSA(s0, _)
            | BrGeUA(s0, _)
            | Load8UA(s0, _)
            | Load32A(s0, _)
            | Load16UA(s0, _)
            | Store8A(s0, _)
            | Store16A(s0, _)
            | Store32A(s0, _)
            | I32Rotl3A(s0, _, _, _)
            | I32Rotl2ShrUA(s0, _, _, _)
            | TableSize(s0, _) => {
                f(s0);
            }
            AddBrNe(s0, s1, _, _)
            | BrByteEqz(s0, s1, _, _)
            | BrByteNez(s0, s1, _, _)
            | BrAddLtU(s0, s1, _, _)
            | BrAddGeU(s0, s1, _, _) => {
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
            | I32AddA(s0, s1)
            | I32SubA(s0, s1)
            | I32MulA(s0, s1)
            | I32AndA(s0, s1)
            | I32OrA(s0, s1)
            | I32XorA(s0, s1)
            | I32ShlA(s0, s1)
            | I32ShrUA(s0, s1)
            | I32ShrSA(s0, s1)
            | Load8UIdxA(s0, s1, _)
            | Load16UIdxA(s0, s1, _)
            | Load16SIdxA(s0, s1, _)
            | Load32IdxA(s0, s1, _)
            | Store8IdxA(s0, s1, _)
            | Store32IdxA(s0, s1, _)
            | CopyBrNeA(s0, s1, _)
            | CopyBrIfNezA(s0, s1, _)
            | TableSet(s0, s1, _) => {
                f(s0);
                f(s1);
            }
            Return(s0, _) => {
                f(s0);
            }
            Call(s1, _, _) => {
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
            I32Rotl3(s0, s1, ..) | I32Rotl2ShrU(s0, s1, ..) => {
                f(s0);
                f(s1);
            }
            Const64(s0, _, _) => {
                f(s0);
            }
            Select(s0, s1, s2, s3)
            | Copy2(s0, s1, s2, s3)
            | I32MulAdd(s0, s1, s2, s3)
            | I32XorRotl(s0, s1, s2, s3)
            | I32XorShrU(s0, s1, s2, s3)
            | I32DotLoad8S(s0, s1, s2, s3, _, _)
            | I32DotLoad8S2(s0, s1, s2, s3, _, _)
            | I32DotLoad32(s0, s1, s2, s3, _, _)
            | I32DotLoad32W(s0, s1, s2, s3, _, _)
            | Copy8Idx(s0, s1, s2, s3, _, _)
            | I32AddLoad8U(s0, s1, s2, s3, _)
            | I32AddLoad32(s0, s1, s2, s3, _) => {
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
            | AddBrLtU(s0, s1, s2, _)
            | I32AddStep(s0, s1, s2, _)
            | CopyBrNe(s0, s1, s2, _)
            | CopyBrEq(s0, s1, s2, _)
            | CopyBrIfNez(s0, s1, s2, _)
            | BrBytesEq(s0, s1, s2, _)
            | BrBytesNe(s0, s1, s2, _)
            | SelectMinS(s0, s1, s2)
            | SelectMinU(s0, s1, s2)
            | SelectMaxS(s0, s1, s2)
            | SelectMaxU(s0, s1, s2)
            | I32Add(s0, s1, s2)
            | I32AddReturn(s0, s1, s2)
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
            | Store8Idx(s0, s1, s2, _)
            | Store8Add(s0, s1, s2, _)
            | Store32Idx(s0, s1, s2, _)
            | MemoryInit(s0, s1, s2, _)
            | TableGrow(s0, s1, s2, _)
            | TableFill(s0, s1, s2, _)
            | TableCopy(s0, s1, s2, _)
            | I32MulAddA(s0, s1, s2)
            | I32MulAddMA(s0, s1, s2)
            | I32AddLoad8UA(s0, s1, s2, _)
            | I32AddLoad32A(s0, s1, s2, _)
            | I32DotLoad8SA(s0, s1, s2, _, _)
            | I32DotLoad8S2A(s0, s1, s2, _, _)
            | I32DotLoad32A(s0, s1, s2, _, _)
            | I32DotLoad32WA(s0, s1, s2, _, _)
            | TableInit(s0, s1, s2, _) => {
                f(s0);
                f(s1);
                f(s2);
            }
            I32AddImm(s0, s1, _) | I32AddImm2(s0, s1, _, _) => {
                f(s0);
                f(s1);
            }
        }
    }
    /// The branch target, for branch instructions.
    pub(crate) fn target(&self) -> Option<u32> {
        let mut copy = *self;
        copy.target_mut().map(|t| *t)
    }
    /// Rewrite the branch target of a branch instruction (no-op for others).
    pub(crate) fn set_target(&mut self, t: u32) {
        if let Some(x) = self.target_mut() {
            *x = t;
        }
    }
    /// The branch target field, for branch instructions (the one list of them).
    fn target_mut(&mut self) -> Option<&mut u32> {
        use Instr::*;
        match self {
            Br(x)
            | BrIfNez(_, x)
            | BrIfEqz(_, x)
            | BrTableEntry(x)
            | AddBrNe(_, _, _, x)
            | BrIfNezA(x)
            | BrIfEqzA(x)
            | BrEqA(_, x)
            | BrNeA(_, x)
            | BrLtSA(_, x)
            | BrLtUA(_, x)
            | BrGtSA(_, x)
            | BrGtUA(_, x)
            | BrLeSA(_, x)
            | BrLeUA(_, x)
            | BrGeSA(_, x)
            | BrGeUA(_, x)
            | CopyBrNeA(_, _, x)
            | CopyBrIfNezA(_, _, x) => Some(x),
            BrEq(_, _, x)
            | BrNe(_, _, x)
            | BrByteEqz(_, _, _, x)
            | BrByteNez(_, _, _, x)
            | BrAddLtU(_, _, _, x)
            | BrAddGeU(_, _, _, x)
            | BrLtS(_, _, x)
            | BrLtU(_, _, x)
            | BrGtS(_, _, x)
            | BrGtU(_, _, x)
            | BrLeS(_, _, x)
            | BrLeU(_, _, x)
            | BrGeS(_, _, x)
            | BrGeU(_, _, x)
            | AddBrLtU(_, _, _, x)
            | CopyBrNe(_, _, _, x)
            | CopyBrEq(_, _, _, x)
            | CopyBrIfNez(_, _, _, x)
            | BrBytesEq(_, _, _, x)
            | BrBytesNe(_, _, _, x) => Some(x),
            _ => None,
        }
    }
}

/// `code` with every branch target turned back into an absolute instruction index (tests read
/// those more easily than the executor's relative byte offsets).
#[cfg(test)]
pub(crate) fn absolute_targets(code: &[Step]) -> alloc::vec::Vec<Instr> {
    let size = size_of::<Step>() as i64;
    let mut out: alloc::vec::Vec<Instr> = code.iter().map(|s| s.ins).collect();
    for (i, ins) in out.iter_mut().enumerate() {
        if let Some(t) = ins.target() {
            ins.set_target((i as i64 + t as i32 as i64 / size) as u32);
        }
    }
    out
}

/// For the fused instructions with two memory accesses: (instruction index, byte offset in the
/// module of the second access's wasm instruction), by index.
pub(crate) type SecondAccesses = Box<[(u32, u32)]>;

/// A translated function body.
#[derive(Debug)]
pub(crate) struct CompiledFunc {
    pub code: Box<[Step]>,
    /// Byte offset in the module of the wasm instruction each IR instruction came from.
    pub offsets: Box<[u32]>,
    pub seconds: SecondAccesses,
    pub extra: Box<[u32]>,
    /// Constant pool, in memory order: the last entry is slot -1.
    pub consts: Box<[u64]>,
    /// Cells of a frame on the stack: the constants, then the slots (locals, temporaries).
    pub cells: u32,
    /// For the threaded backend's fast call, of frames whose constants and locals (parameters
    /// included) take at most 8 cells, with at most 4 parameters: `consts | params << 8 |
    /// wide << 16`; else [`CompiledFunc::BIG`]. The call copies [`CompiledFunc::init`] over the
    /// first 4 cells of the frame (8 if `wide`), then writes the arguments.
    #[cfg(embwit_threaded)]
    pub shape: u32,
    /// The constants, then zeros (for the parameters and locals).
    #[cfg(embwit_threaded)]
    pub init: [u64; 8],
    /// `cells`, at least the cells `init` is copied to (a small frame's copy may pass its end;
    /// the stack must hold it).
    #[cfg(embwit_threaded)]
    pub span: u32,
    pub num_params: u32,
    /// Params plus declared locals (the latter are zeroed on entry).
    pub num_locals: u32,
    /// Index of this function in its module's function index space (for trap reports).
    pub func_index: u32,
}

#[cfg(embwit_threaded)]
impl CompiledFunc {
    /// [`CompiledFunc::shape`] of frames the fast call does not set up.
    pub const BIG: u32 = u32::MAX;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `S` field is visited as a slot and every `T` field is the branch target, for
    /// every instruction: the executor's unchecked slot accesses and relative branches rely on
    /// `Translator::finish` seeing all of them.
    #[test]
    fn operand_roles_match_the_field_types() {
        let samples = Instr::samples();
        assert_eq!(samples.len(), INSTR_COUNT);
        for ins in samples {
            let (mut a, mut b) = (ins, ins);
            let (mut x, mut y) = (alloc::vec::Vec::new(), alloc::vec::Vec::new());
            a.for_each_slot(|s| x.push(*s));
            b.slots_by_type(|s| y.push(*s));
            assert_eq!(x, y, "slots of {ins:?}");
            assert_eq!(ins.target(), ins.target_by_type(), "target of {ins:?}");
            let mut a = ins;
            a.set_target(99);
            if ins.target_by_type().is_some() {
                assert_eq!(a.target(), Some(99), "set_target of {ins:?}");
            } else {
                let unchanged = alloc::format!("{a:?}") == alloc::format!("{ins:?}");
                assert!(unchanged, "set_target of {ins:?}");
            }
        }
    }

    #[test]
    fn relative_byte_targets_read_back_as_indices() {
        let size = size_of::<Step>() as u32;
        let code = [
            Instr::Br(2 * size),
            Instr::Unreachable,
            Instr::BrIfNez(0, (-(size as i32)) as u32),
        ]
        .map(Step::new);
        let abs = absolute_targets(&code);
        assert!(matches!(
            abs[..],
            [Instr::Br(2), Instr::Unreachable, Instr::BrIfNez(0, 1)]
        ));
    }
}

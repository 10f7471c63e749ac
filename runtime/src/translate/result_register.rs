//! The result register (`Vm::acc`): every slot write also leaves the value in a machine
//! register, which the threaded backend passes from handler to handler. An instruction that
//! reads what the instruction right before it wrote can take it from there (an `...A` form)
//! instead of loading it back from the frame: a dependent pair then waits for a register, not
//! for a store to reach a load (several cycles on every dependent step of a chain).
//!
//! A final pass over a translated function. The writer must be the last instruction to write a
//! slot on every path to the reader: the instruction right before it, or one before a run of
//! instructions that write no slot (branches, stores: `transparent`, as in `w = i + 1; if w >=
//! len goto panic; load(w)`), with no branch landing on the reader or inside the run (calls
//! return to the instruction after a call, and a call is no writer here). Speed builds only.

use super::{Instr, S};

/// Rewrite the instructions that read the slot whose value the result register holds into
/// their result-register forms. `code` has absolute branch targets.
pub(super) fn use_result_register(code: &mut [Instr]) {
    if cfg!(embwit_lean) {
        return;
    }
    let mut landed = alloc::vec![false; code.len()];
    for ins in code.iter() {
        if let Some(l) = ins.target().and_then(|t| landed.get_mut(t as usize)) {
            *l = true;
        }
    }
    // The slot whose value the register holds where the walk stands, on every path to it:
    // unknown at the entry and at every label, set by a writer, kept by a transparent
    // instruction. One pass: linear in the code, however long the runs.
    let mut held: Option<S> = None;
    for (i, ins) in code.iter_mut().enumerate() {
        if landed[i] {
            held = None;
        }
        if let Some(w) = held
            && let Some(a) = reading(*ins, w)
        {
            *ins = a;
        }
        held = match written(*ins) {
            Some(w) => Some(w),
            None if transparent(*ins) => held,
            None => None,
        };
    }
}

/// Whether `i` writes no slot, so leaves the result register as it found it, and continues
/// with the next instruction when it does not branch or trap.
fn transparent(i: Instr) -> bool {
    use Instr::*;
    matches!(
        i,
        BrIfNez(..)
            | BrIfEqz(..)
            | BrEq(..)
            | BrNe(..)
            | BrLtS(..)
            | BrLtU(..)
            | BrGtS(..)
            | BrGtU(..)
            | BrLeS(..)
            | BrLeU(..)
            | BrGeS(..)
            | BrGeU(..)
            | BrIfNezA(..)
            | BrIfEqzA(..)
            | BrEqA(..)
            | BrNeA(..)
            | BrLtSA(..)
            | BrLtUA(..)
            | BrGtSA(..)
            | BrGtUA(..)
            | BrLeSA(..)
            | BrLeUA(..)
            | BrGeSA(..)
            | BrGeUA(..)
            | BrByteEqz(..)
            | BrByteNez(..)
            | BrBytesEq(..)
            | BrBytesNe(..)
            | BrAddLtU(..)
            | BrAddGeU(..)
            | Store8(..)
            | Store16(..)
            | Store32(..)
            | Store64(..)
            | Store8Idx(..)
            | Store32Idx(..)
            | Store8A(..)
            | Store16A(..)
            | Store32A(..)
            | Store8IdxA(..)
            | Store32IdxA(..)
            | Copy8Idx(..)
    )
}

/// The slot whose value the result register holds after `i` (the slot its body writes last),
/// for the instructions that write one.
fn written(i: Instr) -> Option<S> {
    use Instr::*;
    match i {
        I32Add(d, ..)
        | I32Sub(d, ..)
        | I32Mul(d, ..)
        | I32And(d, ..)
        | I32Or(d, ..)
        | I32Xor(d, ..)
        | I32Shl(d, ..)
        | I32ShrS(d, ..)
        | I32ShrU(d, ..)
        | I32Rotl(d, ..)
        | I32Rotr(d, ..)
        | I32Eq(d, ..)
        | I32Ne(d, ..)
        | I32LtS(d, ..)
        | I32LtU(d, ..)
        | I32GtS(d, ..)
        | I32GtU(d, ..)
        | I32LeS(d, ..)
        | I32LeU(d, ..)
        | I32GeS(d, ..)
        | I32GeU(d, ..)
        | I32Eqz(d, _)
        | I32Extend8S(d, _)
        | I32Extend16S(d, _)
        | I32AddImm(d, ..)
        | I32MulAdd(d, ..)
        | I32XorRotl(d, ..)
        | I32XorShrU(d, ..)
        | I32AddLoad8U(d, ..)
        | Copy(d, _)
        | Const32(d, _)
        | Select(d, ..)
        | SelectMinU(d, ..)
        | SelectMaxU(d, ..)
        | SelectMinS(d, ..)
        | SelectMaxS(d, ..)
        | Load32(d, ..)
        | Load8U(d, ..)
        | Load8S32(d, ..)
        | Load16U(d, ..)
        | Load16S32(d, ..)
        | Load8UIdx(d, ..)
        | Load16UIdx(d, ..)
        | Load16SIdx(d, ..)
        | Load32Idx(d, ..)
        | I32AddA(d, _)
        | I32SubA(d, _)
        | I32MulA(d, _)
        | I32AndA(d, _)
        | I32OrA(d, _)
        | I32XorA(d, _)
        | I32ShlA(d, _)
        | I32ShrUA(d, _)
        | I32ShrSA(d, _)
        | I32AddImmA(d, _)
        | CopyA(d)
        | Load8UIdxA(d, ..)
        | Load16UIdxA(d, ..)
        | Load16SIdxA(d, ..)
        | Load32IdxA(d, ..)
        | Load8UA(d, _)
        | Load32A(d, _)
        | Load16UA(d, _)
        | I32Rotl3(d, ..)
        | I32Rotl2ShrU(d, ..)
        | I32AddLoad32(d, ..)
        | I32DotLoad8S(d, ..)
        | I32DotLoad8S2(d, ..)
        | I32DotLoad32(d, ..)
        | I32DotLoad32W(d, ..)
        | I32MulAddA(d, ..)
        | I32MulAddMA(d, ..)
        | I32AddLoad8UA(d, ..)
        | I32AddLoad32A(d, ..)
        | I32DivS(d, ..)
        | I32DivU(d, ..)
        | I32RemS(d, ..)
        | I32RemU(d, ..)
        | I32Clz(d, _)
        | I32Ctz(d, _)
        | I32Popcnt(d, _)
        | I32WrapI64(d, _)
        | Load8SIdx(d, ..)
        | GlobalGet(d, _)
        | I32DotLoad8SA(d, ..)
        | I32DotLoad8S2A(d, ..)
        | I32DotLoad32A(d, ..)
        | I32DotLoad32WA(d, ..)
        | I32Rotl3A(d, ..)
        | I32Rotl2ShrUA(d, ..)
        // These write, then branch: the instruction after them runs on the untaken side.
        | CopyBrNe(d, ..)
        | CopyBrEq(d, ..)
        | CopyBrIfNez(d, ..)
        | CopyBrNeA(d, ..)
        | CopyBrIfNezA(d, ..)
        | AddBrNe(d, ..)
        | AddBrLtU(d, ..) => Some(d),
        Copy2(_, _, e, _) => Some(e),
        I32AddImm2(_, y, _, _) => Some(y),
        I32AddStep(_, _, z, _) => Some(z),
        Store8Add(_, a, _, _) => Some(a),
        _ => None,
    }
}

/// `i` with its operand `w` taken from the result register, if it has such a form (either
/// operand of a commutative one; a compare of `b` with `w` flips).
fn reading(i: Instr, w: S) -> Option<Instr> {
    use Instr::*;
    // The other operand of a commutative `op(a, b)` reading `w`.
    let other = |a: S, b: S| {
        if a == w {
            Some(b)
        } else if b == w {
            Some(a)
        } else {
            None
        }
    };
    let first = |a: S, b: S| (a == w).then_some(b);
    Some(match i {
        I32Add(d, a, b) => I32AddA(d, other(a, b)?),
        I32Mul(d, a, b) => I32MulA(d, other(a, b)?),
        I32And(d, a, b) => I32AndA(d, other(a, b)?),
        I32Or(d, a, b) => I32OrA(d, other(a, b)?),
        I32Xor(d, a, b) => I32XorA(d, other(a, b)?),
        I32Sub(d, a, b) => I32SubA(d, first(a, b)?),
        I32Shl(d, a, b) => I32ShlA(d, first(a, b)?),
        I32ShrU(d, a, b) => I32ShrUA(d, first(a, b)?),
        I32ShrS(d, a, b) => I32ShrSA(d, first(a, b)?),
        I32AddImm(d, a, c) if a == w => I32AddImmA(d, c),
        Copy(d, s) if s == w => CopyA(d),
        BrIfNez(c, t) if c == w => BrIfNezA(t),
        BrIfEqz(c, t) if c == w => BrIfEqzA(t),
        BrEq(a, b, t) => BrEqA(other(a, b)?, t),
        BrNe(a, b, t) => BrNeA(other(a, b)?, t),
        BrLtS(a, b, t) if a == w => BrLtSA(b, t),
        BrLtS(a, b, t) if b == w => BrGtSA(a, t),
        BrLtU(a, b, t) if a == w => BrLtUA(b, t),
        BrLtU(a, b, t) if b == w => BrGtUA(a, t),
        BrGtS(a, b, t) if a == w => BrGtSA(b, t),
        BrGtS(a, b, t) if b == w => BrLtSA(a, t),
        BrGtU(a, b, t) if a == w => BrGtUA(b, t),
        BrGtU(a, b, t) if b == w => BrLtUA(a, t),
        BrLeS(a, b, t) if a == w => BrLeSA(b, t),
        BrLeS(a, b, t) if b == w => BrGeSA(a, t),
        BrLeU(a, b, t) if a == w => BrLeUA(b, t),
        BrLeU(a, b, t) if b == w => BrGeUA(a, t),
        BrGeS(a, b, t) if a == w => BrGeSA(b, t),
        BrGeS(a, b, t) if b == w => BrLeSA(a, t),
        BrGeU(a, b, t) if a == w => BrGeUA(b, t),
        BrGeU(a, b, t) if b == w => BrLeUA(a, t),
        Load8UIdx(d, a, b, c) => Load8UIdxA(d, other(a, b)?, c),
        Load16UIdx(d, a, b, c) => Load16UIdxA(d, other(a, b)?, c),
        Load16SIdx(d, a, b, c) => Load16SIdxA(d, other(a, b)?, c),
        Load32Idx(d, a, b, c) => Load32IdxA(d, other(a, b)?, c),
        Load8U(d, a, o) if a == w => Load8UA(d, o),
        Load32(d, a, o) if a == w => Load32A(d, o),
        Load16U(d, a, o) if a == w => Load16UA(d, o),
        Store8(v, a, o) if v == w => Store8A(a, o),
        Store16(v, a, o) if v == w => Store16A(a, o),
        Store32(v, a, o) if v == w => Store32A(a, o),
        Store8Idx(v, a, b, c) if v == w => Store8IdxA(a, b, c),
        Store32Idx(v, a, b, c) if v == w => Store32IdxA(a, b, c),
        I32MulAdd(d, a, b, c) if c == w => I32MulAddA(d, a, b),
        I32MulAdd(d, a, b, c) if a == w => I32MulAddMA(d, b, c),
        I32MulAdd(d, a, b, c) if b == w => I32MulAddMA(d, a, c),
        I32AddLoad8U(d, c, a, b, o) if c == w => I32AddLoad8UA(d, a, b, o),
        I32AddLoad32(d, c, a, b, o) if c == w => I32AddLoad32A(d, a, b, o),
        I32DotLoad8S(d, p, q, c, x, y) if c == w => I32DotLoad8SA(d, p, q, x, y),
        I32DotLoad8S2(d, p, q, c, x, y) if c == w => I32DotLoad8S2A(d, p, q, x, y),
        I32DotLoad32(d, p, q, c, x, y) if c == w => I32DotLoad32A(d, p, q, x, y),
        I32DotLoad32W(d, p, q, c, x, y) if c == w => I32DotLoad32WA(d, p, q, x, y),
        I32Rotl3(d, x, a, b, c) if x == w => I32Rotl3A(d, a, b, c),
        I32Rotl2ShrU(d, x, a, b, c) if x == w => I32Rotl2ShrUA(d, a, b, c),
        CopyBrNe(d, s, b, t) if s == w => CopyBrNeA(d, b, t),
        // The condition is read after the copy: not when the copy overwrites it.
        CopyBrIfNez(d, s, c, t) if c == w && d != c => CopyBrIfNezA(d, s, t),
        _ => return None,
    })
}

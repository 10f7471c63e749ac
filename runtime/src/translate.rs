//! Stack bytecode to register IR. Keeps a virtual operand stack whose entries are locals,
//! constants or temporaries; a temporary at stack height `h` lives in the canonical slot
//! `num_locals + h`, so blocks merge without moves. Locals and constants are used in place;
//! `local.set` folds into the producing instruction; compares fuse with the following branch.

use alloc::vec::Vec;

mod fuse;
mod loops;
mod offsets;
mod result_register;
#[cfg(test)]
mod test_util;
#[cfg(test)]
mod tests;

use crate::error::Error;
use crate::ir::{CompiledFunc, Instr, Op2, Op3, Op4, OpIdx, OpMem, S, Step, op};

type R<T> = Result<T, Error>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Loc {
    Local(S),
    Temp,
    Const(u64),
}

/// How to re-emit the last instruction with another destination (for `local.set` folding).
#[derive(Clone, Copy)]
enum Remake {
    Bin(Op3, S, S, Cmp),
    Un(Op2, S, Cmp),
    Mem(OpMem, S, u32),
    MemIdx(OpIdx, S, S, u32),
    /// A dot-product step (see [`dot`]): the operands after the destination.
    Dot(DotKind, S, S, S, u8, u8),
    /// [`Instr::I32AddLoad32`] (true) or [`Instr::I32AddLoad8U`]: the operands after the
    /// destination.
    AddLoad(bool, S, S, S, i16),
    AddImm(S, i32),
    MulAdd(S, S, S),
    Quad(Op4, S, S, S),
    /// [`Instr::I32Rotl2ShrU`] (true) or [`Instr::I32Rotl3`]: the operands after the
    /// destination.
    Rot3(bool, S, u8, u8, u8),
    Global(u32),
    Select(S, S, S),
}

/// What a dot-product step loads.
#[derive(Clone, Copy, PartialEq, Eq)]
enum DotKind {
    /// Sign-extended bytes at memarg offsets.
    Int8,
    /// Two pairs of them, at the offsets and one above.
    Int8Pair,
    /// 32-bit words at memarg offsets.
    Word,
    /// 32-bit words at wrapping sums.
    WordWrap,
}

/// The dot-product step `d = c + load(p + op) * load(q + oq)`.
fn dot(kind: DotKind, d: S, p: S, q: S, c: S, op: u8, oq: u8) -> Instr {
    match kind {
        DotKind::Int8 => Instr::I32DotLoad8S(d, p, q, c, op, oq),
        DotKind::Int8Pair => Instr::I32DotLoad8S2(d, p, q, c, op, oq),
        DotKind::Word => Instr::I32DotLoad32(d, p, q, c, op, oq),
        DotKind::WordWrap => Instr::I32DotLoad32W(d, p, q, c, op, oq),
    }
}

/// i32 compare kinds that can fuse with a branch.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cmp {
    None,
    Eq,
    Ne,
    LtS,
    LtU,
    GtS,
    GtU,
    LeS,
    LeU,
    GeS,
    GeU,
    Eqz,
}

impl Cmp {
    fn negate(self) -> Cmp {
        match self {
            Cmp::Eq => Cmp::Ne,
            Cmp::Ne => Cmp::Eq,
            Cmp::LtS => Cmp::GeS,
            Cmp::LtU => Cmp::GeU,
            Cmp::GtS => Cmp::LeS,
            Cmp::GtU => Cmp::LeU,
            Cmp::LeS => Cmp::GtS,
            Cmp::LeU => Cmp::GtU,
            Cmp::GeS => Cmp::LtS,
            Cmp::GeU => Cmp::LtU,
            c => c,
        }
    }
    fn branch(self, a: S, b: S, t: u32) -> Instr {
        match self {
            Cmp::Eq => Instr::BrEq(a, b, t),
            Cmp::Ne => Instr::BrNe(a, b, t),
            Cmp::LtS => Instr::BrLtS(a, b, t),
            Cmp::LtU => Instr::BrLtU(a, b, t),
            Cmp::GtS => Instr::BrGtS(a, b, t),
            Cmp::GtU => Instr::BrGtU(a, b, t),
            Cmp::LeS => Instr::BrLeS(a, b, t),
            Cmp::LeU => Instr::BrLeU(a, b, t),
            Cmp::GeS => Instr::BrGeS(a, b, t),
            Cmp::GeU => Instr::BrGeU(a, b, t),
            Cmp::Eqz => Instr::BrIfEqz(a, t),
            Cmp::None => Instr::BrIfNez(a, t),
        }
    }
}

/// A branch condition: a slot, or a removed compare to fuse into the branch.
#[derive(Clone, Copy)]
pub(crate) struct Cond {
    cmp: Cmp,
    a: S,
    b: S,
}

impl Cond {
    fn branch_if(self, t: u32) -> Instr {
        self.cmp.branch(self.a, self.b, t)
    }
    /// The condition of a compare-branch that has no other effect: the inverse of
    /// [`Cond::branch_if`].
    fn of(i: Instr) -> Option<Cond> {
        let (cmp, a, b) = match i {
            Instr::BrEq(a, b, _) => (Cmp::Eq, a, b),
            Instr::BrNe(a, b, _) => (Cmp::Ne, a, b),
            Instr::BrLtS(a, b, _) => (Cmp::LtS, a, b),
            Instr::BrLtU(a, b, _) => (Cmp::LtU, a, b),
            Instr::BrGtS(a, b, _) => (Cmp::GtS, a, b),
            Instr::BrGtU(a, b, _) => (Cmp::GtU, a, b),
            Instr::BrLeS(a, b, _) => (Cmp::LeS, a, b),
            Instr::BrLeU(a, b, _) => (Cmp::LeU, a, b),
            Instr::BrGeS(a, b, _) => (Cmp::GeS, a, b),
            Instr::BrGeU(a, b, _) => (Cmp::GeU, a, b),
            Instr::BrIfEqz(a, _) => (Cmp::Eqz, a, 0),
            Instr::BrIfNez(a, _) => (Cmp::None, a, 0),
            _ => return None,
        };
        Some(Cond { cmp, a, b })
    }
    fn branch_unless(self, t: u32) -> Instr {
        match self.cmp {
            Cmp::None => Instr::BrIfEqz(self.a, t),
            Cmp::Eqz => Instr::BrIfNez(self.a, t),
            c => c.negate().branch(self.a, self.b, t),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Block,
    Loop,
    If,
    Else,
    Func,
}

struct Frame {
    kind: Kind,
    height: usize,
    n_params: usize,
    n_results: usize,
    /// Loop head.
    target: u32,
    /// Branch instructions to patch with the end label.
    fixups: Vec<u32>,
    else_fixup: Option<u32>,
    /// First save slot index of saved `if` params.
    save: Option<u32>,
    dead: bool,
    fuel_at: Option<usize>,
}

pub(crate) struct Translator {
    stack: Vec<Loc>,
    frames: Vec<Frame>,
    code: Vec<Instr>,
    offsets: offsets::Offsets,
    extra: Vec<u32>,
    num_params: usize,
    num_locals: usize,
    max_height: usize,
    num_saves: u32,
    /// Instructions referencing save slots: (instr index, save index, is_restore).
    save_refs: Vec<(usize, u32, bool)>,
    last: Option<(usize, Remake)>,
    offset: u32,
    fuel: bool,
    func_results: usize,
    /// Constant pool: constant `k` lives in slot `-(k + 1)`, below the frame base.
    consts: Vec<u64>,
    /// Ranges of `extra` holding slots (call arguments): (start, len); `finish` checks that
    /// each lies inside `extra` and holds slots of the frame.
    slot_ranges: Vec<(usize, usize)>,
    /// The last code index bound as a branch target, or following a conditional branch out
    /// (see [`Translator::pc`]).
    label: usize,
    /// Code index before which nothing may be fused or removed although no branch lands there
    /// (after a branch out or an `if`'s saves, whose indices are kept for patching).
    fence: usize,
    /// Number of stack entries that are `Loc::Local(l)`, per local and in total.
    local_refs: Vec<u32>,
    total_local_refs: usize,
    /// Temporaries produced by an `i32.add` or `x + imm` still on the stack: (height, code
    /// index), by height (for [`Translator::fuse_store`]).
    sums: Vec<(usize, usize)>,
    /// Per local: one past the code index of its last `local.set`/`local.tee`.
    local_sets: Vec<u32>,
    /// The last emitted instruction is an `i32.add` whose lower operand an `x + imm` at the
    /// given index computed: (add index, `x + imm` index).
    add_below: Option<(usize, usize)>,
    /// The last instruction, when [`Translator::jump_with`] emitted it: its index and the frame
    /// whose fixups hold it (`None`: a loop, its target is final).
    exit_jump: Option<(usize, Option<usize>)>,
    /// Bit `l`: local `l` (of the first 64) holds zero on every path here. Declared locals
    /// start zeroed, and compilers still write zero to them first (`i32.const 0; local.set`):
    /// such a write is dropped. Cleared at every label ([`Translator::pc`]).
    zero: u64,
}

/// The [`Translator::zero`] bits of a function's entry: its declared locals (after the
/// parameters) among the first 64.
fn zero_locals(num_params: usize, num_locals: usize) -> u64 {
    let upto = |n: usize| 1u64.checked_shl(n as u32).map_or(u64::MAX, |b| b - 1);
    upto(num_locals) & !upto(num_params)
}

/// Constants pooled per function (the rest are materialized by instructions).
const MAX_CONSTS: usize = 4096;
/// How many recent pool entries a constant is compared with before getting a new slot.
const CONST_SEARCH: usize = 64;
/// Largest frame (locals, temporaries, saved params); slots are signed 16-bit offsets.
const MAX_FRAME: usize = i16::MAX as usize;

/// Re-base slot `s` by `nc`; true if `width` slots from it lie within `total`.
fn rebase(s: &mut S, nc: i32, total: usize, width: usize) -> bool {
    let v = *s as i16 as i32 + nc;
    *s = v as u16;
    v >= 0 && v as usize + width <= total
}

fn too_big(off: u32) -> Error {
    Error::new(
        crate::error::ErrorKind::Limit,
        Some(off as usize),
        "function needs more than 32767 value slots",
    )
}

impl Translator {
    pub fn new(num_params: usize, num_locals: usize, func_results: usize, fuel: bool) -> Self {
        let mut t = Translator {
            stack: Vec::new(),
            frames: Vec::new(),
            code: Vec::new(),
            offsets: offsets::Offsets::default(),
            extra: Vec::new(),
            num_params,
            num_locals,
            max_height: 0,
            num_saves: 0,
            save_refs: Vec::new(),
            last: None,
            offset: 0,
            fuel,
            func_results,
            consts: Vec::new(),
            slot_ranges: Vec::new(),
            label: 0,
            fence: 0,
            local_refs: alloc::vec![0; num_locals],
            total_local_refs: 0,
            sums: Vec::new(),
            local_sets: alloc::vec![0; num_locals],
            add_below: None,
            exit_jump: None,
            zero: zero_locals(num_params, num_locals),
        };
        let fuel_at = if fuel {
            Some(t.emit(Instr::Fuel(0)))
        } else {
            None
        };
        t.frames.push(Frame {
            kind: Kind::Func,
            height: 0,
            n_params: 0,
            n_results: func_results,
            target: 0,
            fixups: Vec::new(),
            else_fixup: None,
            save: None,
            dead: false,
            fuel_at,
        });
        t
    }

    /// Record the module offset of the wasm instruction being translated.
    pub fn at(&mut self, off: usize) {
        self.offset = off as u32;
    }

    fn slot(&self, h: usize) -> S {
        (self.num_locals + h) as S
    }
    /// The index of the next instruction, taken as a label: nothing may be fused across it.
    fn pc(&mut self) -> u32 {
        self.label = self.code.len();
        self.zero = 0;
        self.code.len() as u32
    }
    /// Emit a branch, fusing `BrNe` on `x` with a just-emitted in-place `x = x + imm` (no
    /// label between them, so every path into the branch came through the add). Returns the
    /// index of the instruction that holds the branch target.
    fn emit_branch(&mut self, i: Instr) -> usize {
        let len = self.code.len();
        if let Some(at) = self
            .fuse_add_branch(i)
            .or_else(|| self.fuse_copy_branch(i))
            .or_else(|| self.fuse_byte_compare(i))
            .or_else(|| self.fuse_byte_test(i))
            .or_else(|| self.fuse_range_check(i))
        {
            return at;
        }
        if let Some(fused) = self.count_down(len, i)
            && let Some(last) = self.code.last_mut()
        {
            *last = fused;
            self.last = None;
            return len - 1;
        }
        self.emit(i)
    }
    /// Branch `i`, to be at code index `at`, fused with an in-place `x += c` right before it
    /// (no label between) when it tests `x != n`, or `x` as a condition (`x != 0`): one
    /// [`Instr::AddBrNe`] to replace both (a count-down or counted loop's latch).
    #[inline(never)]
    fn count_down(&mut self, at: usize, i: Instr) -> Option<Instr> {
        let &Instr::I32AddImm(x, y, c) = self.code.get(at.checked_sub(1)?)? else {
            return None;
        };
        let c = i16::try_from(c).ok()?;
        if x != y || self.label == at {
            return None;
        }
        let (n, t) = match i {
            Instr::BrNe(a, b, t) if a == x => (b, t),
            Instr::BrNe(a, b, t) if b == x => (a, t),
            Instr::BrIfNez(a, t) if a == x => (self.const_slot(0)?, t),
            _ => return None,
        };
        Some(Instr::AddBrNe(x, n, c, t))
    }
    /// The last instruction is new or was rewritten in place: what was known about the one
    /// before (for folding, address fusion and latch inversion) no longer holds.
    fn forget_last(&mut self) {
        self.last = None;
        self.add_below = None;
        self.exit_jump = None;
    }
    fn emit(&mut self, i: Instr) -> usize {
        self.forget_last();
        self.code.push(i);
        self.offsets.push(self.offset);
        self.code.len() - 1
    }
    /// Emit `d = s`. Right after another plain copy with no label or fence between, both
    /// become one [`Instr::Copy2`] (in order: the second may read what the first wrote), as in
    /// the local shuffles of unrolled loops (SHA-256's rounds move four locals at once). A
    /// copy `finish` patches by index (an `if`'s parameter restore) is never merged.
    fn emit_copy(&mut self, d: S, s: S) {
        let len = self.code.len();
        let patched = self.save_refs.last().is_some_and(|r| r.0 + 1 == len);
        if let Some(&Instr::Copy(d0, s0)) = self.code.last()
            && self.label.max(self.fence) < len
            && !patched
            && let Some(last) = self.code.last_mut()
        {
            *last = Instr::Copy2(d0, s0, d, s);
            self.forget_last();
            return;
        }
        self.emit(Instr::Copy(d, s));
    }
    fn emit_staged(&mut self, i: Instr, r: Remake) {
        let idx = self.emit(i);
        self.last = Some((idx, r));
    }
    fn push_temp(&mut self) {
        self.stack.push(Loc::Temp);
        if self.stack.len() > self.max_height {
            self.max_height = self.stack.len();
        }
    }
    pub fn push_local(&mut self, l: u32) {
        self.stack.push(Loc::Local(l as S));
        self.count_local(l as S, true);
        if self.stack.len() > self.max_height {
            self.max_height = self.stack.len();
        }
    }
    pub fn push_const(&mut self, v: u64) {
        self.stack.push(Loc::Const(v));
        if self.stack.len() > self.max_height {
            self.max_height = self.stack.len();
        }
    }
    fn emit_const(&mut self, dst: S, v: u64) {
        if v <= u32::MAX as u64 {
            self.emit(Instr::Const32(dst, v as u32));
        } else {
            self.emit(Instr::Const64(dst, v as u32, (v >> 32) as u32));
        }
    }
    /// A slot holding the value of the entry at height `h` (materializing constants in place).
    fn read_slot(&mut self, h: usize) -> S {
        match self.stack.get(h).copied() {
            Some(Loc::Local(l)) => l,
            Some(Loc::Const(v)) => match self.const_slot(v) {
                Some(s) => s,
                None => {
                    let s = self.slot(h);
                    self.emit_const(s, v);
                    s
                }
            },
            _ => self.slot(h),
        }
    }
    /// The slot of the entry at height `h` if it has one without emitting code (locals,
    /// temporaries, pooled constants).
    fn peek_slot(&mut self, h: usize) -> Option<S> {
        match self.stack.get(h).copied()? {
            Loc::Local(l) => Some(l),
            Loc::Const(v) => self.const_slot(v),
            Loc::Temp => Some(self.slot(h)),
        }
    }
    /// The value of the pooled constant in slot `s` (`None`: not a constant's slot).
    fn const_value(&self, s: S) -> Option<u64> {
        let k = -(s as i16 as i32) - 1;
        self.consts.get(usize::try_from(k).ok()?).copied()
    }
    /// The (negative) frame slot of a pooled constant; `None` when the pool is full.
    fn const_slot(&mut self, v: u64) -> Option<S> {
        // Search only the most recent constants: bounded work per use, even for hostile code.
        let from = self.consts.len().saturating_sub(CONST_SEARCH);
        let found = self
            .consts
            .iter()
            .skip(from)
            .position(|c| *c == v)
            .map(|k| k + from);
        let k = match found {
            Some(k) => k,
            None => {
                if self.consts.len() >= MAX_CONSTS {
                    return None;
                }
                self.consts.push(v);
                self.consts.len() - 1
            }
        };
        Some((-(k as i32) - 1) as i16 as u16)
    }
    /// Emit a move of the entry at height `h` into `dst` (no-op if already there).
    fn move_to(&mut self, h: usize, dst: S) {
        match self.stack.get(h).copied() {
            Some(Loc::Local(l)) => {
                if l != dst {
                    self.emit_copy(dst, l);
                }
            }
            Some(Loc::Const(v)) => self.emit_const(dst, v),
            _ => {
                let s = self.slot(h);
                if s != dst {
                    self.emit_copy(dst, s);
                }
            }
        }
    }
    /// Make the entry at height `h` a temporary in its canonical slot.
    fn materialize(&mut self, h: usize) {
        let s = self.slot(h);
        self.move_to(h, s);
        if let Some(e) = self.stack.get_mut(h) {
            let old = core::mem::replace(e, Loc::Temp);
            if let Loc::Local(l) = old {
                self.count_local(l, false);
            }
        }
    }
    fn pop_slot(&mut self) -> S {
        let h = self.stack.len().saturating_sub(1);
        let s = self.read_slot(h);
        self.pop_entry();
        s
    }
    /// Whether no `local.set` after code index `j` wrote `a` or `b` (slots that are not
    /// locals count as kept).
    fn locals_kept(&self, j: usize, a: S, b: S) -> bool {
        let kept = |s: S| {
            self.local_sets
                .get(s as usize)
                .is_none_or(|&w| w as usize <= j)
        };
        kept(a) && kept(b)
    }
    fn dst(&self) -> S {
        self.slot(self.stack.len())
    }
    /// Track how many stack entries alias each local (so the common case needs no scan).
    fn count_local(&mut self, l: S, inc: bool) {
        if let Some(c) = self.local_refs.get_mut(l as usize) {
            if inc {
                *c += 1;
                self.total_local_refs += 1;
            } else {
                *c = c.saturating_sub(1);
                self.total_local_refs = self.total_local_refs.saturating_sub(1);
            }
        }
    }
    fn pop_entry(&mut self) -> Option<Loc> {
        let e = self.stack.pop();
        if let Some(Loc::Local(l)) = e {
            self.count_local(l, false);
        }
        while self.sums.last().is_some_and(|s| s.0 >= self.stack.len()) {
            self.sums.pop();
        }
        e
    }
    fn truncate_stack(&mut self, h: usize) {
        while self.stack.len() > h {
            self.pop_entry();
        }
    }
    /// Copy every entry that aliases local `l` into its own slot before `l` is overwritten.
    fn preserve_local(&mut self, l: S) {
        if self.local_refs.get(l as usize).is_some_and(|c| *c > 0) {
            self.preserve_all_locals();
        }
    }
    /// Materialize every entry that aliases a local. Scans from the top and stops once none is
    /// left, so the cost is bounded by the entries pushed since the previous scan (linear
    /// overall, even for hostile code).
    fn preserve_all_locals(&mut self) {
        let mut h = self.stack.len();
        while self.total_local_refs > 0 && h > 0 {
            h -= 1;
            if matches!(self.stack.get(h), Some(Loc::Local(_))) {
                self.materialize(h);
            }
        }
    }

    // ---- straight-line operators ----

    pub fn unop(&mut self, f: Op2, cmp: Cmp) {
        let a = self.pop_slot();
        let d = self.dst();
        self.emit_staged(f.make(d, a), Remake::Un(f, a, cmp));
        self.push_temp();
    }
    pub fn binop(&mut self, f: Op3, cmp: Cmp) {
        if f == op!(Op3 I32Xor) && self.fuse_xor_shift() {
            return;
        }
        let b = self.pop_slot();
        let a = self.pop_slot();
        let d = self.dst();
        self.emit_staged(f.make(d, a, b), Remake::Bin(f, a, b, cmp));
        self.push_temp();
    }
    /// `i32.add`/`i32.sub` with a constant operand become `x + imm`.
    pub fn i32_add_sub(&mut self, sub: bool) {
        let n = self.stack.len();
        let top = self.stack.get(n.wrapping_sub(1)).copied();
        let below = self.stack.get(n.wrapping_sub(2)).copied();
        let imm = match (top, below) {
            (Some(Loc::Const(c)), _) => Some((c as u32 as i32, false)),
            (_, Some(Loc::Const(c))) if !sub => Some((c as u32 as i32, true)),
            _ => None,
        };
        match imm {
            Some((c, const_below)) => {
                let x = if const_below {
                    let x = self.pop_slot();
                    self.pop_entry();
                    x
                } else {
                    self.pop_entry();
                    self.pop_slot()
                };
                let c = if sub { c.wrapping_neg() } else { c };
                let d = self.dst();
                self.emit_staged(Instr::I32AddImm(d, x, c), Remake::AddImm(x, c));
                self.push_temp();
            }
            None if sub => return self.binop(op!(Op3 I32Sub), Cmp::None),
            None => {
                if self.fuse_mul_add() || self.fuse_add_load() || self.fuse_dot_pair() {
                    return;
                }
                let n = self.stack.len();
                let below = self.sums.iter().rev().find(|s| s.0 + 2 == n).map(|s| s.1);
                self.binop(op!(Op3 I32Add), Cmp::None);
                self.add_below = below.map(|j| (self.code.len() - 1, j));
            }
        }
        // A load fusion would have taken an add emitted last; a store looks further back.
        let (h, i) = (self.stack.len(), self.code.len());
        self.sums.push((h.wrapping_sub(1), i.wrapping_sub(1)));
    }
    /// For an `i32.add` of the value the last instruction wrote to `t`: the other operand's
    /// slot, when `t` is the top entry or the entry below a local or constant top. (A constant
    /// addend became `x + imm` before any fusion looks, so none is materialized here.)
    fn other_addend(&mut self, t: S) -> Option<S> {
        let n = self.stack.len();
        if n < 2 {
            return None;
        }
        let top_temp = self.stack.get(n - 1) == Some(&Loc::Temp);
        let h = if top_temp && t == self.slot(n - 1) {
            n - 2
        } else if !top_temp && t == self.slot(n - 2) {
            n - 1
        } else {
            return None;
        };
        self.peek_slot(h)
    }
    /// `i32.add` of a just-computed `i32.mul` (either operand) and a value: replace the
    /// multiply by one `I32MulAdd`. Only when nothing was emitted since the multiply, so its
    /// operand slots still hold the same values; the other addend is a local, a constant or
    /// the temporary below the product, none of which the removed multiply wrote.
    #[inline(never)]
    fn fuse_mul_add(&mut self) -> bool {
        let Some((idx, Remake::Bin(_, x, y, _))) = self.last else {
            return false;
        };
        let Some(&Instr::I32Mul(d, ..)) = self.code.last() else {
            return false;
        };
        if idx + 1 != self.code.len() {
            return false;
        }
        let Some(c) = self.other_addend(d) else {
            return false;
        };
        self.code.pop();
        self.offsets.pop();
        self.last = None;
        self.pop_entry();
        self.pop_entry();
        let d = self.dst();
        self.emit_staged(Instr::I32MulAdd(d, x, y, c), Remake::MulAdd(x, y, c));
        self.push_temp();
        self.fuse_dot(self.code.len() - 1);
        true
    }
    /// Reinterpretations do not change the cell.
    pub fn nop_convert(&mut self) {}
    pub fn drop_(&mut self) {
        self.pop_entry();
    }
    pub fn select(&mut self) {
        if self.fuse_min_max() {
            return;
        }
        let c = self.pop_slot();
        let b = self.pop_slot();
        let a = self.pop_slot();
        let d = self.dst();
        self.emit_staged(Instr::Select(d, a, b, c), Remake::Select(a, b, c));
        self.push_temp();
    }
    #[inline(never)]
    pub fn load(&mut self, f: OpMem, offset: u32) {
        if self.fuse_address(f, offset) {
            return;
        }
        let base = self.pop_slot();
        let d = self.dst();
        self.emit_staged(f.make(d, base, offset), Remake::Mem(f, base, offset));
        self.push_temp();
    }
    #[inline(never)]
    pub fn store(&mut self, f: OpMem, offset: u32) {
        let v = self.pop_slot();
        if self.fuse_store(f, v, offset) {
            return;
        }
        let base = self.pop_slot();
        self.emit(f.make(v, base, offset));
    }
    pub fn global_get(&mut self, g: u32) {
        let d = self.dst();
        self.emit_staged(Instr::GlobalGet(d, g), Remake::Global(g));
        self.push_temp();
    }
    pub fn global_set(&mut self, g: u32) {
        let s = self.pop_slot();
        self.emit(Instr::GlobalSet(s, g));
    }
    /// Pops `n` (at most 3) operand slots for an instruction, returned in push order (the rest
    /// 0), with the slot a result goes to (see [`Translator::emit_result`]).
    pub fn operands(&mut self, n: usize) -> ([S; 3], S) {
        let mut ins = [0 as S; 3];
        for i in (0..n.min(3)).rev() {
            if let Some(s) = ins.get_mut(i) {
                *s = self.pop_slot();
            }
        }
        (ins, self.dst())
    }
    /// Emit an instruction that writes one result to the slot [`Translator::operands`] gave.
    pub fn emit_result(&mut self, i: Instr) {
        self.emit(i);
        self.push_temp();
    }
    pub fn emit_plain(&mut self, i: Instr) {
        self.emit(i);
    }
    pub fn add_extra(&mut self, vals: &[u32]) -> u32 {
        let idx = self.extra.len() as u32;
        self.extra.extend_from_slice(vals);
        idx
    }

    pub fn local_set(&mut self, l: u32, tee: bool) {
        let l = l as S;
        let h = self.stack.len().saturating_sub(1);
        let top = self.stack.get(h).copied();
        let bit = 1u64.checked_shl(l as u32).unwrap_or(0);
        if top == Some(Loc::Const(0)) && self.zero & bit != 0 {
            // The local holds zero already: nothing changes, not even for its aliases.
            self.pop_entry();
            if tee {
                self.push_local(l as u32);
            }
            return;
        }
        self.zero &= !bit;
        let refs = self.local_refs.get(l as usize).copied().unwrap_or(0);
        let aliased = refs > u32::from(top == Some(Loc::Local(l)));
        let mut done = false;
        if top == Some(Loc::Temp)
            && !aliased
            && let Some((idx, r)) = self.last
            && idx + 1 == self.code.len()
        {
            let i = match r {
                Remake::Bin(f, a, b, _) => f.make(l, a, b),
                Remake::Un(f, a, _) => f.make(l, a),
                Remake::Mem(f, a, o) => f.make(l, a, o),
                Remake::MemIdx(f, a, b, o) => f.make(l, a, b, o),
                Remake::Dot(w, p, q, c, op, oq) => dot(w, l, p, q, c, op, oq),
                Remake::AddLoad(false, c, a, b, o) => Instr::I32AddLoad8U(l, c, a, b, o),
                Remake::AddLoad(true, c, a, b, o) => Instr::I32AddLoad32(l, c, a, b, o),
                Remake::AddImm(a, c) => Instr::I32AddImm(l, a, c),
                Remake::MulAdd(a, b, c) => Instr::I32MulAdd(l, a, b, c),
                Remake::Quad(f, a, b, c) => f.make(l, a, b, c),
                Remake::Rot3(true, x, a, b, c) => Instr::I32Rotl2ShrU(l, x, a, b, c),
                Remake::Rot3(false, x, a, b, c) => Instr::I32Rotl3(l, x, a, b, c),
                Remake::Global(g) => Instr::GlobalGet(l, g),
                Remake::Select(a, b, c) => Instr::Select(l, a, b, c),
            };
            if let Some(slot) = self.code.get_mut(idx) {
                *slot = i;
                done = true;
            }
            self.last = None;
            self.fuse_store_step(idx);
            self.fuse_steps(idx);
        }
        let v = self.pop_entry();
        if !done {
            // The value is off the stack now, so preserving aliases of `l` never copies it.
            self.preserve_local(l);
            match v {
                Some(Loc::Local(x)) if x == l => {}
                Some(Loc::Local(x)) => {
                    self.emit_copy(l, x);
                }
                Some(Loc::Const(c)) => {
                    self.emit_const(l, c);
                    if c == 0 {
                        self.zero |= bit;
                    }
                }
                _ => {
                    let s = self.slot(h);
                    self.emit_copy(l, s);
                }
            }
        }
        if let Some(w) = self.local_sets.get_mut(l as usize) {
            *w = self.code.len() as u32;
        }
        if tee {
            self.push_local(l as u32);
        }
    }
    /// Whether the innermost frame was entered in unreachable code.
    pub fn dead(&self) -> bool {
        self.frames.last().is_some_and(|f| f.dead)
    }

    /// Pops a branch condition, taking back a just-emitted compare for fusion.
    fn pop_cond(&mut self) -> Cond {
        let h = self.stack.len().saturating_sub(1);
        let is_temp = self.stack.get(h) == Some(&Loc::Temp);
        if is_temp
            && let Some((idx, r)) = self.last
            && idx + 1 == self.code.len()
        {
            let fused = match r {
                Remake::Bin(_, a, b, cmp) if cmp != Cmp::None => Some(Cond { cmp, a, b }),
                Remake::Un(_, a, Cmp::Eqz) => Some(Cond {
                    cmp: Cmp::Eqz,
                    a,
                    b: 0,
                }),
                _ => None,
            };
            if let Some(c) = fused {
                self.code.pop();
                self.offsets.pop();
                self.last = None;
                self.pop_entry();
                return c;
            }
        }
        let a = self.pop_slot();
        Cond {
            cmp: Cmp::None,
            a,
            b: 0,
        }
    }

    // ---- control ----

    fn push_frame(&mut self, kind: Kind, np: usize, nr: usize, dead: bool) -> &mut Frame {
        let height = self.stack.len().saturating_sub(np);
        self.frames.push(Frame {
            kind,
            height,
            n_params: np,
            n_results: nr,
            target: 0,
            fixups: Vec::new(),
            else_fixup: None,
            save: None,
            dead,
            fuel_at: None,
        });
        let n = self.frames.len() - 1;
        &mut self.frames[n]
    }

    pub fn dead_block(&mut self) {
        self.push_frame(Kind::Block, 0, 0, true);
    }

    pub fn block(&mut self, np: usize, nr: usize) {
        self.preserve_all_locals();
        self.push_frame(Kind::Block, np, nr, false);
    }

    pub fn loop_(&mut self, np: usize, nr: usize) {
        self.preserve_all_locals();
        let n = self.stack.len();
        for h in n.saturating_sub(np)..n {
            self.materialize(h);
        }
        self.last = None;
        let target = self.pc();
        let fuel_at = if self.fuel {
            Some(self.emit(Instr::Fuel(0)))
        } else {
            None
        };
        let f = self.push_frame(Kind::Loop, np, nr, false);
        f.target = target;
        f.fuel_at = fuel_at;
    }

    pub fn if_(&mut self, np: usize, nr: usize) {
        let cond = self.pop_cond();
        self.preserve_all_locals();
        let n = self.stack.len();
        let mut save = None;
        if np > 0 {
            let first = self.num_saves;
            for (i, h) in (n.saturating_sub(np)..n).enumerate() {
                self.materialize(h);
                let s = self.slot(h);
                let idx = self.emit(Instr::Copy(0, s));
                self.save_refs.push((idx, first + i as u32, false));
            }
            self.num_saves += np as u32;
            save = Some(first);
        }
        let br = self.emit(cond.branch_unless(0)) as u32;
        // The saves and the branch are patched by index: nothing may be removed before them.
        self.fence = self.code.len();
        let f = self.push_frame(Kind::If, np, nr, false);
        f.else_fixup = Some(br);
        f.save = save;
    }

    fn restore_params(&mut self, height: usize, np: usize, save: Option<u32>) {
        self.truncate_stack(height);
        for i in 0..np {
            if let Some(first) = save {
                let dst = self.slot(height + i);
                let idx = self.emit(Instr::Copy(dst, 0));
                self.save_refs.push((idx, first + i as u32, true));
            }
            self.push_temp();
        }
    }

    /// Move the top `n` values to the canonical slots starting at `height`.
    fn transfer(&mut self, height: usize, n: usize) {
        let len = self.stack.len();
        for i in 0..n {
            let src_h = (len + i).saturating_sub(n);
            let dst = self.slot(height + i);
            self.move_to(src_h, dst);
        }
    }

    fn materialize_results(&mut self, height: usize, nr: usize) {
        self.transfer(height, nr);
        let len = self.stack.len();
        self.truncate_stack(len.saturating_sub(nr));
        self.truncate_stack(height);
        for _ in 0..nr {
            self.push_temp();
        }
    }

    pub fn else_(&mut self, reachable: bool) {
        let Some(f) = self.frames.last() else { return };
        if f.dead {
            return;
        }
        let (height, np, nr, save) = (f.height, f.n_params, f.n_results, f.save);
        if reachable {
            self.materialize_results(height, nr);
            let br = self.emit(Instr::Br(0)) as u32;
            if let Some(f) = self.frames.last_mut() {
                f.fixups.push(br);
            }
        }
        let here = self.pc();
        self.last = None;
        if let Some(f) = self.frames.last_mut() {
            if let Some(e) = f.else_fixup.take()
                && let Some(i) = self.code.get_mut(e as usize)
            {
                i.set_target(here);
            }
            f.kind = Kind::Else;
        }
        self.restore_params(height, np, save);
    }

    /// Returns true when this closed the function body.
    pub fn end(&mut self, reachable: bool) -> bool {
        let Some(f) = self.frames.last() else {
            return true;
        };
        if f.dead {
            self.frames.pop();
            return false;
        }
        if f.kind == Kind::Func {
            let fuel_at = f.fuel_at;
            if reachable {
                self.ret();
            }
            if let Some(at) = fuel_at {
                let cost = self.code.len() as u32;
                if let Some(Instr::Fuel(c)) = self.code.get_mut(at) {
                    *c = cost.max(1);
                }
            }
            self.frames.pop();
            return true;
        }
        let (height, np, nr, save, kind) = (f.height, f.n_params, f.n_results, f.save, f.kind);
        if reachable {
            self.materialize_results(height, nr);
        }
        if kind == Kind::If && np > 0 {
            // Implicit else: pass the saved params through.
            let br = self.emit(Instr::Br(0)) as u32;
            let here = self.pc();
            if let Some(f) = self.frames.last_mut() {
                f.fixups.push(br);
                if let Some(e) = f.else_fixup.take()
                    && let Some(i) = self.code.get_mut(e as usize)
                {
                    i.set_target(here);
                }
            }
            self.restore_params(height, np, save);
        }
        let here = self.pc();
        self.last = None;
        if let Some(f) = self.frames.pop() {
            for fx in f.fixups.iter().chain(f.else_fixup.iter()) {
                if let Some(i) = self.code.get_mut(*fx as usize) {
                    i.set_target(here);
                }
            }
            if let Some(at) = f.fuel_at {
                let cost = here.saturating_sub(at as u32);
                if let Some(Instr::Fuel(c)) = self.code.get_mut(at) {
                    *c = cost.max(1);
                }
            }
        }
        self.truncate_stack(height);
        for _ in 0..nr {
            self.push_temp();
        }
        false
    }

    /// Emit a return of the top `func_results` values (the stack is left as is).
    pub fn ret(&mut self) {
        let nr = self.func_results;
        let len = self.stack.len();
        if nr == 1 {
            let s = self.read_slot(len.saturating_sub(1));
            let at = self.code.len().wrapping_sub(1);
            // `return a + b` of a sum just computed (no label between: every path added).
            match self.code.get(at) {
                Some(&Instr::I32Add(d, a, b))
                    if d == s && !cfg!(embwit_lean) && self.label <= at =>
                {
                    self.code[at] = Instr::I32AddReturn(d, a, b);
                    self.forget_last();
                }
                _ => {
                    self.emit(Instr::Return(s, 1));
                }
            }
        } else {
            let base = len.saturating_sub(nr);
            for h in base..len {
                let s = self.slot(h);
                self.move_to(h, s);
            }
            let s = self.slot(base);
            self.emit(Instr::Return(s, nr as u16));
        }
    }

    fn frame_index(&self, depth: u32) -> usize {
        self.frames.len().saturating_sub(1 + depth as usize)
    }

    /// Emit what a taken branch to `depth` does (moves + jump), without touching the stack.
    fn branch_to(&mut self, depth: u32) {
        let fi = self.frame_index(depth);
        let Some(f) = self.frames.get(fi) else { return };
        if f.kind == Kind::Func {
            self.ret();
            return;
        }
        let (height, kind, target) = (f.height, f.kind, f.target);
        let n = if kind == Kind::Loop {
            f.n_params
        } else {
            f.n_results
        };
        self.transfer(height, n);
        if kind == Kind::Loop {
            self.back_edge(target);
        } else {
            let br = self.emit(Instr::Br(0)) as u32;
            if let Some(f) = self.frames.get_mut(fi) {
                f.fixups.push(br);
            }
        }
    }

    /// Whether a branch to `depth` needs moves or a return sequence.
    fn branch_is_simple(&self, depth: u32) -> bool {
        let Some(f) = self.frames.get(self.frame_index(depth)) else {
            return false;
        };
        if f.kind == Kind::Func {
            return false;
        }
        let n = if f.kind == Kind::Loop {
            f.n_params
        } else {
            f.n_results
        };
        let len = self.stack.len();
        len.checked_sub(n) == Some(f.height)
            && self.stack.iter().skip(f.height).all(|e| *e == Loc::Temp)
    }

    fn jump_with(&mut self, depth: u32, make: impl FnOnce(u32) -> Instr) {
        let fi = self.frame_index(depth);
        let Some(f) = self.frames.get(fi) else { return };
        if f.kind == Kind::Loop {
            let t = f.target;
            let at = self.emit_branch(make(t));
            self.exit_jump = Some((at, None));
        } else {
            let br = self.emit_branch(make(0));
            if let Some(f) = self.frames.get_mut(fi) {
                f.fixups.push(br as u32);
            }
            self.exit_jump = Some((br, Some(fi)));
        }
        // Nothing fuses across a branch out: it may pass on a value a fusion would drop, and
        // its index is kept for patching. (Not a label: the latch inversion may still rewrite
        // it, see `invert_latch`.)
        self.fence = self.code.len();
    }

    pub fn br(&mut self, depth: u32) {
        self.branch_to(depth);
    }

    pub fn br_if(&mut self, depth: u32) {
        let cond = self.pop_cond();
        if self.branch_is_simple(depth) {
            self.jump_with(depth, |t| cond.branch_if(t));
        } else {
            let skip = self.emit(cond.branch_unless(0));
            self.branch_to(depth);
            let here = self.pc();
            if let Some(i) = self.code.get_mut(skip) {
                i.set_target(here);
            }
            self.last = None;
        }
    }

    pub fn br_table(&mut self, targets: &[u32], default: u32) {
        let idx = self.pop_slot();
        self.emit(Instr::BrTable(idx, targets.len() as u32));
        let first_entry = self.code.len();
        for _ in 0..=targets.len() {
            self.emit(Instr::BrTableEntry(0));
        }
        let mut stubs: Vec<(u32, u32)> = Vec::new();
        for (i, depth) in targets.iter().chain(core::iter::once(&default)).enumerate() {
            let entry = first_entry + i;
            if self.branch_is_simple(*depth) {
                let fi = self.frame_index(*depth);
                if let Some(f) = self.frames.get_mut(fi) {
                    if f.kind == Kind::Loop {
                        let t = f.target;
                        if let Some(e) = self.code.get_mut(entry) {
                            e.set_target(t);
                        }
                    } else {
                        f.fixups.push(entry as u32);
                    }
                }
            } else {
                let stub = match stubs.iter().find(|(d, _)| d == depth) {
                    Some((_, pc)) => *pc,
                    None => {
                        let pc = self.pc();
                        self.branch_to(*depth);
                        stubs.push((*depth, pc));
                        pc
                    }
                };
                if let Some(e) = self.code.get_mut(entry) {
                    e.set_target(stub);
                }
            }
        }
        self.last = None;
    }

    pub fn unreachable(&mut self) {
        self.emit(Instr::Unreachable);
    }

    pub fn call(&mut self, func: u32, np: usize, nr: usize) {
        let len = self.stack.len();
        let base = len.saturating_sub(np);
        let mut args = Vec::with_capacity(np);
        for h in base..len {
            args.push(self.read_slot(h) as u32);
        }
        self.truncate_stack(base);
        let extra = self.add_extra(&args);
        // `np`, not `args.len()`: `finish` checks that the list has the callee's full count,
        // which the executor's fast call relies on.
        self.slot_ranges.push((extra as usize, np));
        let d = self.dst();
        self.emit(Instr::Call(d, func, extra));
        for _ in 0..nr {
            self.push_temp();
        }
    }

    pub fn call_indirect(&mut self, type_id: u32, table: u32, np: usize, nr: usize) {
        let idx = self.pop_slot();
        let len = self.stack.len();
        let base = len.saturating_sub(np);
        let mut args = Vec::with_capacity(np + 2);
        args.push(type_id);
        args.push(table);
        for h in base..len {
            args.push(self.read_slot(h) as u32);
        }
        self.truncate_stack(base);
        let extra = self.add_extra(&args);
        self.slot_ranges.push((extra as usize + 2, args.len() - 2));
        let d = self.dst();
        self.emit(Instr::CallIndirect(idx, d, extra));
        for _ in 0..nr {
            self.push_temp();
        }
    }

    pub fn finish(mut self, func_index: u32) -> R<CompiledFunc> {
        // A final terminator: execution can never run past the end of the code.
        self.emit(Instr::Unreachable);
        let temps_end = self.num_locals + self.max_height;
        let frame_size = temps_end + self.num_saves as usize;
        if frame_size > MAX_FRAME {
            return Err(too_big(self.offset));
        }
        for (idx, save, restore) in core::mem::take(&mut self.save_refs) {
            let save_slot = (temps_end + save as usize) as S;
            if let Some(Instr::Copy(d, s)) = self.code.get_mut(idx) {
                if restore {
                    *s = save_slot;
                } else {
                    *d = save_slot;
                }
            }
        }
        // Re-base every slot so the constant pool starts at index 0 of the frame, and check
        // each against the frame: the executor relies on this (see `exec`).
        let nc = self.consts.len() as i32;
        let total = nc as usize + frame_size;
        let mut ok = true;
        for ins in self.code.iter_mut() {
            let mut good = true;
            match ins {
                // Reads `n` slots from `s`.
                Instr::Return(s, n) => good &= rebase(s, nc, total, *n as usize),
                // Results are written by the (bounds-checked) return path: width 0.
                Instr::Call(d, _, _) => good &= rebase(d, nc, total, 0),
                Instr::CallIndirect(i, d, _) => {
                    good &= rebase(i, nc, total, 1);
                    good &= rebase(d, nc, total, 0);
                }
                _ => ins.for_each_slot(|s| good &= rebase(s, nc, total, 1)),
            }
            ok &= good;
        }
        for (start, len) in core::mem::take(&mut self.slot_ranges) {
            ok &= start
                .checked_add(len)
                .is_some_and(|end| end <= self.extra.len());
            for x in self.extra.iter_mut().skip(start).take(len) {
                let mut s = *x as S;
                ok &= rebase(&mut s, nc, total, 1);
                *x = s as u32;
            }
        }
        // Every branch lands inside the code, and `br_table` entries exist; byte offsets fit i32.
        let len = self.code.len();
        ok &= len < i32::MAX as usize / size_of::<Step>();
        for (i, ins) in self.code.iter().enumerate() {
            let good = match *ins {
                Instr::BrTable(_, n) => i + 1 + (n as usize) < len,
                _ => ins.target().is_none_or(|t| (t as usize) < len),
            };
            ok &= good;
        }
        if !ok {
            return Err(Error::new(
                crate::error::ErrorKind::Limit,
                Some(self.offset as usize),
                "internal error: IR operand outside the frame or the code",
            ));
        }
        loops::thread_jumps(&mut self.code);
        result_register::use_result_register(&mut self.code);
        // The executor branches by a byte offset from the branching instruction: `ip += t`
        // needs no code base and no scaling (and the threaded backend's `ip` is that
        // instruction: see `Vm::next`).
        for (i, ins) in self.code.iter_mut().enumerate() {
            if let Some(t) = ins.target() {
                let rel = t.wrapping_sub(i as u32);
                ins.set_target(rel.wrapping_mul(size_of::<Step>() as u32));
            }
        }
        // Constants and locals: what the threaded backend's fast call copies from `init` (4
        // cells, or 8 for a `wide` frame).
        #[cfg(embwit_threaded)]
        let (small, wide) = {
            let n = nc as usize + self.num_locals;
            (n <= 8 && self.num_params <= 4, n > 4)
        };
        let (offsets, seconds) = self.offsets.finish();
        Ok(CompiledFunc {
            code: self.code.into_iter().map(Step::new).collect(),
            offsets,
            seconds,
            extra: self.extra.into_boxed_slice(),
            cells: total as u32,
            #[cfg(embwit_threaded)]
            shape: if small {
                nc as u32 | (self.num_params as u32) << 8 | (wide as u32) << 16
            } else {
                CompiledFunc::BIG
            },
            #[cfg(embwit_threaded)]
            init: {
                let mut init = [0; 8];
                for (d, c) in init.iter_mut().zip(self.consts.iter().rev()) {
                    *d = *c;
                }
                init
            },
            #[cfg(embwit_threaded)]
            span: total.max(if wide { 8 } else { 4 }) as u32,
            consts: {
                let mut c = self.consts;
                c.reverse();
                c.into_boxed_slice()
            },
            num_params: self.num_params as u32,
            num_locals: self.num_locals as u32,
            func_index,
        })
    }
}

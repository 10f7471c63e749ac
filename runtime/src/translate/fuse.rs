//! Fused instructions that replace short sequences of just-emitted code (address arithmetic
//! folded into loads, ...). Each fusion only looks back over instructions emitted for the
//! current expression: no label may lie between them (see [`Translator::pc`]), so every path
//! into the fused instruction ran the whole sequence.

use super::{Cmp, DotKind, Instr, Loc, OpIdx, OpMem, Remake, S, Translator, dot};
use crate::ir::op;

/// Most plain instructions between the two loads of a dot-product step (see
/// [`Translator::fuse_dot`]).
const MAX_BETWEEN: usize = 6;

/// The written slot and the read slots of an i32 arithmetic instruction that cannot trap and
/// has no other effect.
#[inline(never)]
fn arith(i: Instr) -> Option<(S, S, S)> {
    use Instr::*;
    match i {
        I32Add(d, a, b)
        | I32Sub(d, a, b)
        | I32Mul(d, a, b)
        | I32And(d, a, b)
        | I32Or(d, a, b)
        | I32Xor(d, a, b)
        | I32Shl(d, a, b)
        | I32ShrU(d, a, b) => Some((d, a, b)),
        I32AddImm(d, a, _) => Some((d, a, a)),
        _ => None,
    }
}

impl Translator {
    /// Remove instruction `i` and its offsets (nothing if there is none).
    #[inline(never)]
    fn remove_at(&mut self, i: usize) {
        if i < self.code.len() {
            self.code.remove(i);
            self.offsets.remove(i);
        }
    }
    /// Keep the first `n` instructions and their offsets.
    #[inline(never)]
    pub(super) fn truncate_code(&mut self, n: usize) {
        self.code.truncate(n);
        self.offsets.truncate(n);
    }

    /// Whether no branch lands and no fence lies after code index `i` (one may land on `i`).
    fn straight_from(&self, i: usize) -> bool {
        self.label.max(self.fence) <= i
    }

    /// A narrow or 32-bit load at offset 0 whose address is the just-computed top temporary
    /// `a + b`, `x + imm`, `(a + b) + imm`, or `(x + imm) + b` (either operand an `x + imm`
    /// emitted right before the add): replace the arithmetic by one indexed load of
    /// `a + b + imm`, which wraps as the `i32.add`s do. A memarg offset is added without wrapping, so those loads are not
    /// fused.
    #[inline(never)]
    pub(super) fn fuse_address(&mut self, f: OpMem, offset: u32) -> bool {
        let g: OpIdx = match f.make(0, 0, 0) {
            Instr::Load32(..) => op!(OpIdx Load32Idx),
            Instr::Load8U(..) => op!(OpIdx Load8UIdx),
            Instr::Load8S32(..) => op!(OpIdx Load8SIdx),
            Instr::Load16U(..) => op!(OpIdx Load16UIdx),
            Instr::Load16S32(..) => op!(OpIdx Load16SIdx),
            _ => return false,
        };
        let (n, len) = (self.stack.len(), self.code.len());
        if offset != 0
            || n == 0
            || self.stack.get(n - 1) != Some(&Loc::Temp)
            || !matches!(self.last, Some((i, _)) if i + 1 == len)
        {
            return false;
        }
        let t = self.slot(n - 1);
        // The instructions to drop (from the end) and the address `a + b + c`.
        let (drop, a, b, c) = match self.code.last().copied() {
            Some(Instr::I32Add(d, a, b)) if d == t => match self.add_imm_before(len - 1, a, b) {
                Some((i, x, y, c)) => (Some(i), x, y, c),
                None => (None, a, b, 0),
            },
            Some(Instr::I32AddImm(d, x, c)) if d == t => match self.code.get(len.wrapping_sub(2)) {
                // `(a + b) + imm`: the sum was the same temporary.
                Some(&Instr::I32Add(s, a, b))
                    if s == t && x == t && self.straight_from(len - 2) =>
                {
                    (Some(len - 2), a, b, c as u32)
                }
                _ => match self.const_slot(0) {
                    Some(z) => (None, x, z, c as u32),
                    None => return false,
                },
            },
            _ => return false,
        };
        // Drop the add (and the `x + imm`, right before it or further back).
        if let Some(i) = drop
            && i + 2 < len
        {
            self.remove_at(i);
        }
        let end = if drop.is_some() { len - 2 } else { len - 1 };
        self.truncate_code(end);
        self.last = None;
        self.pop_entry();
        let d = self.dst();
        self.emit_staged(g.make(d, a, b, c), Remake::MemIdx(g, a, b, c));
        self.push_temp();
        true
    }

    /// A narrow or 32-bit store at offset 0 of `v` whose address is the top temporary, computed
    /// by an `a + b` or `x + imm` earlier (before the value; see [`Translator::sums`]): drop
    /// that add and emit one indexed store of `a + b + imm`. The instructions between only
    /// computed the value, at greater heights; they must not have written `a` or `b`: no
    /// `local.set` of them since the add, and neither is a temporary above the address.
    #[inline(never)]
    pub(super) fn fuse_store(&mut self, f: OpMem, v: S, offset: u32) -> bool {
        let g = if f == op!(OpMem Store8) {
            op!(OpIdx Store8Idx)
        } else if f == op!(OpMem Store32) {
            op!(OpIdx Store32Idx)
        } else {
            return false;
        };
        let h = self.stack.len().wrapping_sub(1);
        let Some(&(sh, i)) = self.sums.last() else {
            return false;
        };
        if offset != 0 || sh != h || !self.straight_from(i) {
            return false;
        }
        let (a, b, c) = match self.code.get(i).copied() {
            Some(Instr::I32Add(_, a, b)) => (a, b, 0),
            Some(Instr::I32AddImm(_, x, c)) => match self.const_slot(0) {
                Some(z) => (x, z, c as u32),
                None => return false,
            },
            _ => return false,
        };
        // Locals and pooled constants (negative while translating), or the address slot itself.
        let t = self.slot(h);
        let kept = |s: S| (s as i16) < self.num_locals as i16 || s == t;
        if !kept(a) || !kept(b) || !self.locals_kept(i, a, b) {
            return false;
        }
        self.remove_at(i);
        let dead = v == self.slot(self.stack.len());
        self.pop_entry();
        if !(dead && self.fuse_copy8(f, v, a, b, c)) {
            self.emit(g.make(v, a, b, c));
        }
        true
    }

    /// An indexed `i32.store8` of `v` at `a + b + c` whose value the instruction just emitted
    /// loaded as a byte into the temporary `v`, which dies here: one [`Instr::Copy8Idx`] in
    /// place of the load (it reads the source before the store, as they did).
    fn fuse_copy8(&mut self, f: OpMem, v: S, a: S, b: S, c: u32) -> bool {
        if f != op!(OpMem Store8) {
            return false;
        }
        let (p, q, lc) = match self.code.last().copied() {
            Some(Instr::Load8UIdx(d, p, q, lc)) if d == v => (p, q, lc),
            Some(Instr::Load8U(d, p, 0)) if d == v => match self.const_slot(0) {
                Some(z) => (p, z, 0),
                None => return false,
            },
            _ => return false,
        };
        let len = self.code.len();
        if let (Ok(lc), Ok(sc)) = (u8::try_from(lc), u8::try_from(c))
            && self.straight_from(len - 1)
            && let Some(last) = self.code.last_mut()
        {
            *last = Instr::Copy8Idx(p, q, a, b, lc, sc);
            self.forget_last();
            // The store is the instruction being translated.
            self.offsets.set_second(len - 1, self.offset);
            return true;
        }
        false
    }

    /// For the add at code index `at` (`a + b`, writing the top temporary): an `x + imm` that
    /// computed either operand into its temporary slot right before the add, or the lower
    /// operand further back (then the instructions between only computed `b`: no label, no
    /// `local.set` of `x`, and `x` a local, a constant or `a` itself, which they cannot write).
    /// Returns its index and the add as `x + y + imm`.
    fn add_imm_before(&self, at: usize, a: S, b: S) -> Option<(usize, S, S, u32)> {
        let n = self.stack.len();
        if let Some((add, j)) = self.add_below
            && add == at
            && j + 1 < at
            && let Some(&Instr::I32AddImm(d, x, c)) = self.code.get(j)
            && d == a
            && a == self.slot(n - 1)
            && ((x as i16) < self.num_locals as i16 || x == a)
            && self.locals_kept(j, x, x)
            && self.straight_from(j)
        {
            return Some((j, x, b, c as u32));
        }
        // The operands were the temporaries at heights n-1 and n (when not locals/constants).
        let i = at.checked_sub(1)?;
        let &Instr::I32AddImm(d, x, c) = self.code.get(i)? else {
            return None;
        };
        let y = if d == a && a == self.slot(n - 1) {
            b
        } else if d == b && b == self.slot(n) {
            a
        } else {
            return None;
        };
        self.straight_from(i).then_some((i, x, y, c as u32))
    }

    /// What a load instruction of a dot-product factor loads: its kind, destination, address
    /// and offset. An indexed word load with a zero index is a wrapping `x + imm` address.
    fn dot_load(&self, i: Instr) -> Option<(DotKind, S, S, u32)> {
        match i {
            Instr::Load8S32(y, q, o) => Some((DotKind::Int8, y, q, o)),
            Instr::Load32(y, q, o) => Some((DotKind::Word, y, q, o)),
            Instr::Load32Idx(y, q, z, o)
                if !cfg!(embwit_lean) && self.const_value(z) == Some(0) =>
            {
                Some((DotKind::WordWrap, y, q, o))
            }
            _ => None,
        }
    }

    /// An `a * b + c` at code index `m` (just fused, or rewritten by [`Self::fuse_dot_pair`])
    /// whose factors are two `i32.load8_s` (or two `i32.load`) into temporaries that die
    /// there: the second right before it, the first before that or before up to
    /// [`MAX_BETWEEN`] plain arithmetic instructions computing the second address (as an
    /// unrolled dot product's first step does): one [`Instr::I32DotLoad8S`] (or
    /// [`Instr::I32DotLoad32`], or [`Instr::I32DotLoad32W`] for wrapping addresses). It reads
    /// both addresses and `c` before writing anything, so the loads must not write them; the
    /// first load moves past the arithmetic, which must not read what it loaded nor write its
    /// address, and cannot trap or store. (The factors, two dead temporaries the multiply
    /// popped, sit at two stack heights: distinct slots.) Offsets are a byte each; a wrapping
    /// and a memarg offset only mix when one is zero (both mean the same then).
    pub(super) fn fuse_dot(&mut self, m: usize) {
        let (Some(&Instr::I32MulAdd(d, a, b, c)), Some(&second)) = (
            self.code.get(m),
            m.checked_sub(1).and_then(|k| self.code.get(k)),
        ) else {
            return;
        };
        let Some((k2, y, q, oq)) = self.dot_load(second) else {
            return;
        };
        // The first factor's load, at `i`: the arithmetic after it leaves its address and
        // result alone.
        let mut i = m - 1;
        let (k1, x, p, op) = loop {
            let Some(k) = i.checked_sub(1) else { return };
            i = k;
            let Some(ins) = self.code.get(i).copied() else {
                return;
            };
            match self.dot_load(ins) {
                Some(load) if load.1 == a => break load,
                _ if m - 1 - i <= MAX_BETWEEN => match arith(ins) {
                    Some((w, r1, r2)) if w != a && r1 != a && r2 != a => {}
                    _ => return,
                },
                _ => return,
            }
        };
        let kind = match (k1, k2) {
            _ if k1 == k2 => k1,
            (DotKind::Word, DotKind::WordWrap) if op == 0 => k2,
            (DotKind::WordWrap, DotKind::Word) if oq == 0 => k1,
            _ => return,
        };
        let between = i + 1..m - 1;
        let keeps_p = self.code[between.clone()]
            .iter()
            .all(|ins| arith(*ins).is_some_and(|(w, ..)| w != p));
        let live = self.dst();
        let dead = |s: S| s == d || s >= live;
        if let (Ok(op), Ok(oq)) = (u8::try_from(op), u8::try_from(oq))
            && keeps_p
            && b == y
            && dead(x)
            && dead(y)
            && q != x
            && c != x
            && c != y
            && self.straight_from(i)
        {
            // A trap is reported at the load that trapped.
            let off = self.offsets.get(i).copied().unwrap_or(self.offset);
            let off2 = self.offsets.get(m - 1).copied().unwrap_or(self.offset);
            // Drop the first load; the step takes the second one's place, the multiply's goes.
            self.remove_at(i);
            let at = m - 2;
            self.code[at] = dot(kind, d, p, q, c, op, oq);
            self.remove_at(at + 1);
            self.offsets.set(at, off, off2);
            self.last = match self.last {
                // A following `local.set` retargets it.
                Some((j, _)) if j == m => Some((at, Remake::Dot(kind, p, q, c, op, oq))),
                Some((j, r)) if j > m => Some((j - 2, r)),
                other => other,
            };
            if kind == DotKind::Int8 && at + 1 == self.code.len() {
                self.fuse_dot_bytes(at);
            }
        }
    }

    /// Two int8 dot-product steps in a row over the same two addresses, the second at byte
    /// offsets one lower, accumulating through a temporary that dies (an unrolled int8 dot
    /// product walking down): one [`Instr::I32DotLoad8S2`] over the byte pairs. The first
    /// step's bytes are the pairs' upper ones, so the pair loads are in bounds exactly when the
    /// first step's are, and trap at its offsets. Products commute: the second step may name
    /// the addresses the other way round.
    fn fuse_dot_bytes(&mut self, at: usize) {
        if cfg!(embwit_lean) {
            return;
        }
        let Some(prev) = at.checked_sub(1) else {
            return;
        };
        let (
            Some(&Instr::I32DotLoad8S(t, p, q, c, op, oq)),
            Some(&Instr::I32DotLoad8S(d, p2, q2, c2, op2, oq2)),
        ) = (self.code.get(prev), self.code.get(at))
        else {
            return;
        };
        let (lo_p, lo_q) = if (p2, q2) == (p, q) {
            (op2, oq2)
        } else if (p2, q2) == (q, p) {
            (oq2, op2)
        } else {
            return;
        };
        let dead = t == d || t >= self.dst();
        if c2 == t
            && dead
            && ![p, q].contains(&t)
            && lo_p.checked_add(1) == Some(op)
            && lo_q.checked_add(1) == Some(oq)
            && self.straight_from(prev)
        {
            self.truncate_code(at);
            self.code[prev] = Instr::I32DotLoad8S2(d, p, q, c, lo_p, lo_q);
            self.last = Some((prev, Remake::Dot(DotKind::Int8Pair, p, q, c, lo_p, lo_q)));
        }
    }

    /// `t + u` of two temporaries: `t = a * b` computed right before `u = c + load * load`,
    /// a dot-product step just emitted (a dot product unrolled twice adds its two halves so):
    /// `t = a * b + c` and `d = t + load * load` instead, without the add (i32 addition wraps,
    /// so the order of the sum does not matter). The multiply then becomes a step of its own
    /// if its factors are loads ([`Self::fuse_dot`]).
    pub(super) fn fuse_dot_pair(&mut self) -> bool {
        if cfg!(embwit_lean) {
            return false;
        }
        let n = self.stack.len();
        let len = self.code.len();
        let Some((idx, Remake::Dot(kind, p, q, c, op, oq))) = self.last else {
            return false;
        };
        let (Some(m), Some(&u)) = (len.checked_sub(2), self.code.last()) else {
            return false;
        };
        let (
            Instr::I32DotLoad8S(u, ..) | Instr::I32DotLoad32(u, ..) | Instr::I32DotLoad32W(u, ..),
            Some(&Instr::I32Mul(t, a, b)),
        ) = (u, self.code.get(m))
        else {
            return false;
        };
        let temps = n >= 2
            && self.stack[n - 2..] == [Loc::Temp, Loc::Temp]
            && (self.slot(n - 2), self.slot(n - 1)) == (t, u);
        // (The step's operands lie above `t` on the stack, so they are never `t`: a guard.)
        if idx != len - 1 || !temps || [p, q, c].contains(&t) || !self.straight_from(m) {
            return false;
        }
        self.pop_entry();
        self.pop_entry();
        let d = self.dst();
        self.code[m] = Instr::I32MulAdd(t, a, b, c);
        self.code[m + 1] = dot(kind, d, p, q, t, op, oq);
        self.last = Some((m + 1, Remake::Dot(kind, p, q, t, op, oq)));
        self.push_temp();
        self.fuse_dot(m);
        true
    }

    /// `i32.xor` of a value and a just-computed `i32.rotl` or `i32.shr_u` (the top
    /// temporary): one [`Instr::I32XorRotl`] or [`Instr::I32XorShrU`]. The shift's operands were
    /// at the heights of its result and above, so the other operand (below) does not alias the
    /// slot the shift wrote.
    pub(super) fn fuse_xor_shift(&mut self) -> bool {
        let n = self.stack.len();
        let Some((idx, Remake::Bin(_, x, k, _))) = self.last else {
            return false;
        };
        let (f, d) = match self.code.last() {
            Some(&Instr::I32Rotl(d, ..)) => (op!(Op4 I32XorRotl), d),
            Some(&Instr::I32ShrU(d, ..)) => (op!(Op4 I32XorShrU), d),
            _ => return false,
        };
        if idx + 1 != self.code.len()
            || n < 2
            || self.stack.get(n - 1) != Some(&Loc::Temp)
            || d != self.slot(n - 1)
        {
            return false;
        }
        self.code.pop();
        self.offsets.pop();
        self.last = None;
        self.pop_entry();
        let a = self.pop_slot();
        let d = self.dst();
        self.emit_staged(f.make(d, a, x, k), Remake::Quad(f, a, x, k));
        self.fuse_rot3();
        self.push_temp();
        true
    }

    /// The last three instructions `t = rotl(x, a)`, `t ^= rotl(x, b)`, `t ^= rotl(x, c)` (or
    /// `x >> c`) with constant amounts, as a fused xor-shift leaves SHA-2's sigma functions:
    /// one [`Instr::I32Rotl3`] or [`Instr::I32Rotl2ShrU`]. `t` is the temporary the last one
    /// writes, and not `x`, so `x` is the same value throughout.
    fn fuse_rot3(&mut self) {
        let Some(i) = self.code.len().checked_sub(3) else {
            return;
        };
        if cfg!(embwit_lean) {
            return;
        }
        let (
            Some(&Instr::I32Rotl(t, x, k0)),
            Some(&Instr::I32XorRotl(t1, a1, x1, k1)),
            Some(&last),
        ) = (self.code.get(i), self.code.get(i + 1), self.code.get(i + 2))
        else {
            return;
        };
        let (shr, t2, a2, x2, k2) = match last {
            Instr::I32XorRotl(d, a, x, k) => (false, d, a, x, k),
            Instr::I32XorShrU(d, a, x, k) => (true, d, a, x, k),
            _ => return,
        };
        let same = [t1, a1, t2, a2].iter().all(|s| *s == t) && x1 == x && x2 == x;
        let amount = |s: S| self.const_value(s).map(|v| v as u8 & 31);
        if let (true, Some(a), Some(b), Some(c)) = (
            same && t != x && self.straight_from(i),
            amount(k0),
            amount(k1),
            amount(k2),
        ) {
            self.code.truncate(i);
            self.offsets.truncate(i + 1);
            let ins = if shr {
                Instr::I32Rotl2ShrU(t, x, a, b, c)
            } else {
                Instr::I32Rotl3(t, x, a, b, c)
            };
            self.code.push(ins);
            // A following `local.set` retargets it.
            self.last = Some((i, Remake::Rot3(shr, x, a, b, c)));
        }
    }

    /// `select` of the two operands of the i32 compare just computed as its condition (in
    /// either order): one [`Instr::SelectMinS`] and the like (min, max, clamp).
    pub(super) fn fuse_min_max(&mut self) -> bool {
        let n = self.stack.len();
        let Some((idx, Remake::Bin(_, x, y, cmp))) = self.last else {
            return false;
        };
        let (signed, gt) = match cmp {
            Cmp::LtS | Cmp::LeS => (true, false),
            Cmp::GtS | Cmp::GeS => (true, true),
            Cmp::LtU | Cmp::LeU => (false, false),
            Cmp::GtU | Cmp::GeU => (false, true),
            _ => return false,
        };
        if idx + 1 != self.code.len() || n < 3 || self.stack.get(n - 1) != Some(&Loc::Temp) {
            return false;
        }
        let (Some(a), Some(b)) = (self.peek_slot(n - 3), self.peek_slot(n - 2)) else {
            return false;
        };
        // `select(x, y, x > y)` is the max, `select(y, x, x > y)` the min.
        let max = match (a == x && b == y, a == y && b == x) {
            (true, _) => gt,
            (_, true) => !gt,
            _ => return false,
        };
        self.code.pop();
        self.offsets.pop();
        self.last = None;
        self.truncate_stack(n - 3);
        let f = match (max, signed) {
            (false, true) => op!(Op3 SelectMinS),
            (false, false) => op!(Op3 SelectMinU),
            (true, true) => op!(Op3 SelectMaxS),
            (true, false) => op!(Op3 SelectMaxU),
        };
        let d = self.dst();
        self.emit_staged(f.make(d, a, b), Remake::Bin(f, a, b, Cmp::None));
        self.push_temp();
        true
    }

    /// `a = a + s` at code index `at` (the last) right after an `i32.store8` at `a + o` (no
    /// label between): one [`Instr::Store8Add`], which reads every operand before it writes.
    pub(super) fn fuse_store_step(&mut self, at: usize) {
        let Some(i) = at.checked_sub(1) else { return };
        let (Some(&Instr::Store8(v, p, o)), Some(&Instr::I32Add(a, x, y))) =
            (self.code.get(i), self.code.get(at))
        else {
            return;
        };
        let s = if x == a { y } else { x };
        if p == a && (x == a || y == a) && self.straight_from(i) {
            self.truncate_code(at);
            if let Some(last) = self.code.last_mut() {
                *last = Instr::Store8Add(v, a, s, o);
            }
        }
    }

    /// `x <u n` branching right after `x = x + y` (in place, no label between): one
    /// [`Instr::AddBrLtU`], a loop latch stepping by a slot. Returns the index of the
    /// instruction that holds the branch target.
    pub(super) fn fuse_add_branch(&mut self, i: Instr) -> Option<usize> {
        let len = self.code.len();
        let Instr::BrLtU(a, n, t) = i else {
            return None;
        };
        let Some(&Instr::I32Add(x, x2, y)) = self.code.last() else {
            return None;
        };
        if x != x2 || a != x || !self.straight_from(len - 1) {
            return None;
        }
        let last = self.code.last_mut()?;
        *last = Instr::AddBrLtU(x, y, n, t);
        self.last = None;
        Some(len - 1)
    }

    /// A copy right before a branch (no label between: every path into the branch came
    /// through it), as loops leave it when they move the next value of a variable into place
    /// and test it: `d = s; if s != b` (or `== b`; `d` in place of `s` is the same value) and
    /// `d = s; if c`. The copy of an `if`'s parameters, patched by index, is left alone.
    pub(super) fn fuse_copy_branch(&mut self, i: Instr) -> Option<usize> {
        let len = self.code.len();
        let Some(&Instr::Copy(d, s)) = self.code.last() else {
            return None;
        };
        let patched = self.save_refs.last().is_some_and(|r| r.0 + 1 == len);
        if patched || !self.straight_from(len - 1) {
            return None;
        }
        let copied = |x: S| x == d || x == s;
        let fused = match i {
            Instr::BrNe(a, b, t) if copied(a) => Instr::CopyBrNe(d, s, b, t),
            Instr::BrNe(a, b, t) if copied(b) => Instr::CopyBrNe(d, s, a, t),
            Instr::BrEq(a, b, t) if copied(a) => Instr::CopyBrEq(d, s, b, t),
            Instr::BrEq(a, b, t) if copied(b) => Instr::CopyBrEq(d, s, a, t),
            Instr::BrIfNez(c, t) => Instr::CopyBrIfNez(d, s, c, t),
            _ => return None,
        };
        let last = self.code.last_mut()?;
        *last = fused;
        self.forget_last();
        Some(len - 1)
    }

    /// An in-place step `z += c` just emitted at `at`, right after (no label between) another
    /// in-place update: `x += a` becomes one [`Instr::I32AddImm2`], `x += y` one
    /// [`Instr::I32AddStep`] (as loops bump their induction variables and accumulate).
    pub(super) fn fuse_steps(&mut self, at: usize) {
        let Some(i) = at.checked_sub(1) else { return };
        let (Some(&first), Some(&Instr::I32AddImm(z, z2, c))) =
            (self.code.get(i), self.code.get(at))
        else {
            return;
        };
        let Ok(c) = i16::try_from(c) else { return };
        let fused = match first {
            Instr::I32AddImm(x, x2, a) if x == x2 => match i16::try_from(a) {
                Ok(a) => Instr::I32AddImm2(x, z, a, c),
                Err(_) => return,
            },
            Instr::I32Add(x, p, q) if x == p => Instr::I32AddStep(x, q, z, c),
            Instr::I32Add(x, p, q) if x == q => Instr::I32AddStep(x, p, z, c),
            _ => return,
        };
        if z == z2 && at + 1 == self.code.len() && self.straight_from(i) {
            self.truncate_code(at);
            if let Some(last) = self.code.last_mut() {
                *last = fused;
            }
            self.forget_last();
        }
    }

    /// `==`/`!=` branching on two bytes just loaded (`i32.load8_u`, no offset) from two
    /// addresses `p + i` and `q + i` (one index) into temporaries that die here: one [`Instr::BrBytesEq`] or
    /// [`Instr::BrBytesNe`], as match and `memcmp` loops compare. The second load must not
    /// address through the first one's result.
    pub(super) fn fuse_byte_compare(&mut self, i: Instr) -> Option<usize> {
        let (eq, a, b, t) = match i {
            Instr::BrEq(a, b, t) => (true, a, b, t),
            Instr::BrNe(a, b, t) => (false, a, b, t),
            _ => return None,
        };
        let at = self.code.len().checked_sub(2)?;
        let (Instr::Load8UIdx(x, p, k, 0), Instr::Load8UIdx(y, q, k2, 0)) =
            (*self.code.get(at)?, *self.code.get(at + 1)?)
        else {
            return None;
        };
        // One operand of each address is the common index (either side of the `i32.add`).
        let (p, q, k) = if k == k2 {
            (p, q, k)
        } else if k == q {
            (p, k2, k)
        } else if p == k2 {
            (k, q, p)
        } else if p == q {
            (k, k2, p)
        } else {
            return None;
        };
        let live = self.dst();
        let loaded = (a == x && b == y) || (a == y && b == x);
        if !loaded || x == y || x < live || y < live || q == x || k == x {
            return None;
        }
        if !self.straight_from(at) {
            return None;
        }
        let off2 = self.offsets.get(at + 1).copied().unwrap_or(self.offset);
        self.truncate_code(at + 1);
        self.offsets.set_second(at, off2);
        let last = self.code.last_mut()?;
        *last = if eq {
            Instr::BrBytesEq(p, q, k, t)
        } else {
            Instr::BrBytesNe(p, q, k, t)
        };
        self.forget_last();
        Some(at)
    }

    /// `br_if` on a byte just loaded (`i32.load8_u` at a wrapping `p + i + c`, `c` a 16-bit
    /// immediate) into a temporary that dies here: one [`Instr::BrByteEqz`] or
    /// [`Instr::BrByteNez`], as a sieve tests its flags.
    pub(super) fn fuse_byte_test(&mut self, i: Instr) -> Option<usize> {
        if cfg!(embwit_lean) {
            return None;
        }
        let (zero, a, t) = match i {
            Instr::BrIfEqz(a, t) => (true, a, t),
            Instr::BrIfNez(a, t) => (false, a, t),
            _ => return None,
        };
        let at = self.code.len().checked_sub(1)?;
        let Some(&Instr::Load8UIdx(x, p, k, c)) = self.code.get(at) else {
            return None;
        };
        let c = i16::try_from(c as i32).ok()?;
        if x != a || x < self.dst() || !self.straight_from(at) {
            return None;
        }
        self.code[at] = if zero {
            Instr::BrByteEqz(p, k, c, t)
        } else {
            Instr::BrByteNez(p, k, c, t)
        };
        self.forget_last();
        Some(at)
    }

    /// An unsigned compare-branch of a temporary just computed as `x + imm` (dying here)
    /// against a value: one [`Instr::BrAddLtU`] or [`Instr::BrAddGeU`], as range checks
    /// (`(x - lo) <u n`) and their bounds-check panics test.
    pub(super) fn fuse_range_check(&mut self, i: Instr) -> Option<usize> {
        if cfg!(embwit_lean) {
            return None;
        }
        let at = self.code.len().checked_sub(1)?;
        let &Instr::I32AddImm(d, x, c) = self.code.get(at)? else {
            return None;
        };
        let (lt, b, t) = match i {
            Instr::BrLtU(a, b, t) if a == d => (true, b, t),
            Instr::BrGtU(b, a, t) if a == d => (true, b, t),
            Instr::BrGeU(a, b, t) if a == d => (false, b, t),
            Instr::BrLeU(b, a, t) if a == d => (false, b, t),
            _ => return None,
        };
        let c = i16::try_from(c).ok()?;
        if b == d || d < self.dst() || !self.straight_from(at) {
            return None;
        }
        self.code[at] = if lt {
            Instr::BrAddLtU(x, b, c, t)
        } else {
            Instr::BrAddGeU(x, b, c, t)
        };
        self.forget_last();
        Some(at)
    }

    /// `i32.add` of a value `c` and a byte (or, in speed builds, a word) the instruction just
    /// emitted loaded (`i32.load8_u` at an indexed address, or with no offset; `i32.load` at an
    /// indexed address) into a temporary that dies here: one [`Instr::I32AddLoad8U`] (or
    /// [`Instr::I32AddLoad32`]), as sums of pixels and bytes, and hash message schedules, add
    /// them up. The loaded value is the top entry, or the entry below a local or constant top.
    pub(super) fn fuse_add_load(&mut self) -> bool {
        let len = self.code.len();
        let (wide, t, a, b, o) = match (self.last, self.code.last().copied()) {
            (Some((i, Remake::MemIdx(_, a, b, c))), Some(Instr::Load8UIdx(t, ..)))
                if i + 1 == len =>
            {
                (false, t, a, b, c)
            }
            (Some((i, Remake::MemIdx(_, a, b, c))), Some(Instr::Load32Idx(t, ..)))
                if i + 1 == len && !cfg!(embwit_lean) =>
            {
                (true, t, a, b, c)
            }
            (Some((i, Remake::Mem(_, a, 0))), Some(Instr::Load8U(t, ..))) if i + 1 == len => {
                match self.const_slot(0) {
                    Some(z) => (false, t, a, z, 0),
                    None => return false,
                }
            }
            _ => return false,
        };
        let Ok(o) = i16::try_from(o as i32) else {
            return false;
        };
        let Some(c) = self.other_addend(t) else {
            return false;
        };
        self.code.pop();
        // A trap is reported at the load.
        let off = self.offsets.pop().unwrap_or(self.offset);
        self.last = None;
        self.pop_entry();
        self.pop_entry();
        let d = self.dst();
        let ins = if wide {
            Instr::I32AddLoad32(d, c, a, b, o)
        } else {
            Instr::I32AddLoad8U(d, c, a, b, o)
        };
        self.emit_staged(ins, Remake::AddLoad(wide, c, a, b, o));
        if let Some(x) = self.offsets.last_mut() {
            *x = off;
        }
        self.push_temp();
        true
    }
}

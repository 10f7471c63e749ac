//! Loop back edges that dispatch one branch per iteration instead of two: a latch `br_if exit;
//! br head` is inverted, and a back edge to a head that starts with a compare-branch repeats
//! that compare (negated) at the latch. Both only rewrite code emitted for the back edge itself
//! or the branch just before it, with no label between, so every path through them is known.

use super::{Cond, Instr, Translator};

/// Most plain instructions of a loop head copied to the latch (see [`Translator::back_edge`]).
const MAX_COPY: usize = 4;

/// The branch to `t` taken exactly when branch `i` is not, with the same other effect (a
/// compare-branch negated; a copy-branch, whose copy is repeatable, or a byte compare, with the
/// opposite test).
fn negated(i: Instr, t: u32) -> Option<Instr> {
    match i {
        Instr::CopyBrNe(d, s, b, _) => Some(Instr::CopyBrEq(d, s, b, t)),
        Instr::CopyBrEq(d, s, b, _) => Some(Instr::CopyBrNe(d, s, b, t)),
        Instr::BrBytesEq(p, q, i, _) => Some(Instr::BrBytesNe(p, q, i, t)),
        Instr::BrBytesNe(p, q, i, _) => Some(Instr::BrBytesEq(p, q, i, t)),
        Instr::BrByteEqz(p, i, c, _) => Some(Instr::BrByteNez(p, i, c, t)),
        Instr::BrByteNez(p, i, c, _) => Some(Instr::BrByteEqz(p, i, c, t)),
        Instr::BrAddLtU(a, b, c, _) => Some(Instr::BrAddGeU(a, b, c, t)),
        Instr::BrAddGeU(a, b, c, _) => Some(Instr::BrAddLtU(a, b, c, t)),
        _ => Cond::of(i).map(|c| c.branch_unless(t)),
    }
}

/// Jump threading, on validated absolute targets: a branch to a `Br` goes to that `Br`'s
/// target (a few hops: chains are short, and a cycle of `Br`s stays a cycle), and a `Br` to a
/// `Return` becomes that `Return`.
pub(super) fn thread_jumps(code: &mut [Instr]) {
    for i in 0..code.len() {
        let Some(mut t) = code.get(i).and_then(|c| c.target()) else {
            continue;
        };
        for _ in 0..4 {
            match code.get(t as usize) {
                Some(&Instr::Br(u)) => t = u,
                _ => break,
            }
        }
        let ret = code.get(t as usize).copied();
        if let Some(c) = code.get_mut(i) {
            match (*c, ret) {
                (Instr::Br(_), Some(r @ Instr::Return(..))) => *c = r,
                _ => c.set_target(t),
            }
        }
    }
}

impl Translator {
    /// Emit the unconditional back edge to the loop head `head`.
    pub(super) fn back_edge(&mut self, head: u32) {
        if self.invert_latch(head) {
            return;
        }
        // `goto head` is `<head's straight code>; if !c goto k+1; goto k` when the head runs
        // at most `MAX_COPY` plain instructions and then `k: if c goto x` (a compare-branch or
        // a copy-branch: see `negated`).
        let h = head as usize;
        let mut k = h;
        while k < h + MAX_COPY && self.code.get(k).is_some_and(|i| self.copyable(k, *i)) {
            k += 1;
        }
        let Some(unless) = self.code.get(k).and_then(|i| negated(*i, k as u32 + 1)) else {
            self.emit(Instr::Br(head));
            return;
        };
        for j in h..k {
            if let Some(&i) = self.code.get(j) {
                self.emit(i);
                // A trap in the copy reports the original's offsets.
                self.offsets.repeat(j);
            }
        }
        self.emit_branch(unless);
        self.emit(Instr::Br(k as u32));
    }

    /// Whether instruction `i` at `at` only computes (no branch, call, return or fuel charge;
    /// not a save-slot copy, which `finish` patches by index), so a copy does the same.
    fn copyable(&self, at: usize, i: Instr) -> bool {
        use Instr::*;
        let control = matches!(
            i,
            Unreachable | Fuel(..) | BrTable(..) | Return(..) | Call(..) | CallIndirect(..)
        );
        let save = self.save_refs.binary_search_by_key(&at, |r| r.0).is_ok();
        i.target().is_none() && !control && !save
    }

    /// `if c goto x; goto head` (nothing lands between them) becomes `if !c goto head; goto x`.
    /// The first branch was just emitted by [`Translator::jump_with`], which recorded where its
    /// target gets patched (`self.exit_jump`).
    fn invert_latch(&mut self, head: u32) -> bool {
        let len = self.code.len();
        let Some((at, frame)) = self.exit_jump else {
            return false;
        };
        let Some(&old) = self.code.get(at) else {
            return false;
        };
        let Some(new) = negated(old, head) else {
            return false;
        };
        if at + 1 != len || self.label == len {
            return false;
        }
        // A forward branch: its frame's newest fixup is this branch (it moves to the new `Br`).
        let newest = frame.map(|fi| self.frames.get(fi).and_then(|f| f.fixups.last().copied()));
        if newest.is_some_and(|fx| fx != Some(at as u32)) {
            return false;
        }
        // A count-down step right before the branch fuses with the negated one (the wasm
        // tested `x == 0` to leave: `x != 0` loops). Decided only now: it may pool a constant.
        let fused = self.count_down(at, new);
        let end = if fused.is_some() { at } else { len };
        let exit = match frame.and_then(|fi| self.frames.get_mut(fi)?.fixups.last_mut()) {
            Some(fx) => {
                *fx = end as u32;
                0
            }
            None => old.target().unwrap_or(0),
        };
        match fused {
            Some(f) => {
                self.truncate_code(at);
                if let Some(i) = self.code.last_mut() {
                    *i = f;
                }
            }
            None => {
                if let Some(i) = self.code.get_mut(at) {
                    *i = new;
                }
            }
        }
        self.emit(Instr::Br(exit));
        true
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{all, form, run};
    use crate::ir::Instr;

    /// Index of the loop's back edge: the only branch to an earlier instruction.
    fn back_edges(code: &[Instr]) -> alloc::vec::Vec<(usize, Instr)> {
        code.iter()
            .enumerate()
            .filter(|(i, c)| c.target().is_some_and(|t| (t as usize) <= *i))
            .map(|(i, c)| (i, *c))
            .collect()
    }

    #[test]
    fn latch_br_if_then_br_is_inverted() {
        // Sum 1..=n, leaving by `br_if` to an outer block (forward) or an outer loop (known).
        let src = r#"(module
          (func (export "f0") (param i32) (result i32) (local i32)
            (block
              (loop
                (local.set 1 (i32.add (local.get 1) (local.get 0)))
                (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
                (br_if 1 (i32.le_s (local.get 0) (i32.const 0)))
                (br 0)))
            (local.get 1))
          (func (export "f1") (param i32) (result i32) (local i32 i32)
            (loop
              (local.set 2 (i32.add (local.get 2) (i32.const 1)))
              (block
                (loop
                  (local.set 1 (i32.add (local.get 1) (local.get 2)))
                  (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
                  (br_if 2 (i32.and (local.get 0) (i32.const 3)))
                  (br_if 1 (i32.le_s (local.get 0) (i32.const 0)))
                  (br 0))))
            (local.get 1)))"#;
        let (code, out) = run(src, &[5, 1, 0, -3, 8]);
        assert_eq!(out, all(&[15, 1, 0, -3, 36, 11, 1, 10, 1, 32]));
        // f0: the back edge is the inverted compare, followed by the exit.
        let e = back_edges(&code[0]);
        assert_eq!(e.len(), 1);
        let (i, b) = e[0];
        assert_eq!(form(&b), "BrGtS", "{:?}", code[0]);
        // The exit (threaded to the return).
        let exit = code[0][i + 1];
        assert!(
            matches!(exit, Instr::Return(..)) || matches!(exit, Instr::Br(t) if t as usize > i + 1)
        );
        // f1: `br_if 2` goes back to the outer loop, so `br_if 1; br 0` is inverted there too.
        let e = back_edges(&code[1]);
        assert!(
            e.iter().any(|(_, b)| matches!(b, Instr::BrGtS(..))),
            "{:?}",
            code[1]
        );
        assert!(
            !e.iter().any(|(_, b)| matches!(b, Instr::Br(_))),
            "{:?}",
            code[1]
        );
    }

    #[test]
    fn loop_with_head_test_is_rotated() {
        // `while (n > 0) { s += n; n -= 1 }`, also with a loop param and a block result.
        let src = r#"(module
          (func (export "f0") (param i32) (result i32) (local i32)
            (block
              (loop
                (br_if 1 (i32.le_s (local.get 0) (i32.const 0)))
                (local.set 1 (i32.add (local.get 1) (local.get 0)))
                (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
                (br 0)))
            (local.get 1))
          (func (export "f1") (param i32) (result i32)
            (block (result i32)
              (i32.const 100)
              (loop (param i32) (result i32)
                (br_if 1 (i32.eqz (local.get 0)))
                (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
                (i32.add (i32.const 3))
                (br 0)))))"#;
        let (code, out) = run(src, &[5, 1, 0, 7, 8]);
        assert_eq!(out, all(&[15, 1, 0, 28, 36, 115, 103, 100, 121, 124]));
        // f0: one conditional back edge to just after the head's test; the head still tests.
        let e = back_edges(&code[0]);
        assert_eq!(e.len(), 2, "{:?}", code[0]);
        let (_, first) = e[0];
        let t = first.target().unwrap() as usize;
        assert_eq!(form(&first), "BrGtS", "{:?}", code[0]);
        assert!(matches!(code[0][t - 1], Instr::BrLeS(..)), "{:?}", code[0]);
        assert!(matches!(e[1].1, Instr::Br(h) if h as usize == t - 1));
    }

    #[test]
    fn loop_head_code_is_copied_to_the_latch() {
        // f0: the head computes a bound, then tests. f1: the head divides (traps when the
        // divisor reaches 0, also in the copy). f2: the head is an `if` with a param: its save
        // copy is patched by index, so it is not copied (a copy would write local 0).
        let src = r#"(module
          (func (export "f0") (param i32) (result i32) (local i32 i32 i32)
            (block
              (loop
                (local.set 2 (i32.mul (local.get 0) (i32.const 3)))
                (br_if 1 (i32.ge_u (local.get 1) (local.get 2)))
                (local.set 3 (i32.add (local.get 3) (local.get 1)))
                (local.set 1 (i32.add (local.get 1) (i32.const 1)))
                (br 0)))
            (local.get 3))
          (func (export "f1") (param i32) (result i32) (local i32)
            (block
              (loop
                (local.set 1 (i32.add (local.get 1) (i32.div_u (i32.const 10000) (local.get 0))))
                (br_if 1 (i32.gt_u (local.get 1) (i32.const 1000)))
                (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
                (br 0)))
            (local.get 1))
          (func (export "f2") (param i32) (result i32) (local i32)
            (block
              (loop
                (local.get 0)
                (if (param i32) (i32.and (local.get 0) (i32.const 1))
                  (then (local.set 1 (i32.add (local.get 1))))
                  (else (local.set 1 (i32.sub (local.get 1)))))
                (br_if 1 (i32.eqz (local.get 0)))
                (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
                (br 0)))
            (local.get 1)))"#;
        let (code, out) = run(src, &[5, 1, 0, 7, 200]);
        assert_eq!(out[..5], all(&[105, 3, 0, 210, 179700]));
        assert_eq!(
            out[5..10],
            [Some(2000), Some(10000), None, Some(1428), Some(1042)]
        );
        assert_eq!(out[10..], all(&[-1, -1, 0, 0, 200]));
        // f0, f1: the back edge is a conditional branch to just after the head's test.
        for f in &code[..2] {
            let e = back_edges(f);
            assert_eq!(e.len(), 2, "{f:?}");
            let t = e[0].1.target().unwrap() as usize;
            // (or its result-register form: the test right after the head's code, which
            // computed one operand)
            assert!(
                matches!(
                    e[0].1,
                    Instr::BrLtU(..)
                        | Instr::BrLeU(..)
                        | Instr::BrLtUA(..)
                        | Instr::BrLeUA(..)
                        | Instr::BrGtUA(..)
                        | Instr::BrGeUA(..)
                ),
                "{f:?}"
            );
            assert!(
                matches!(e[1].1, Instr::Br(k) if k as usize == t - 1),
                "{f:?}"
            );
        }
    }

    #[test]
    fn branches_to_branches_are_threaded() {
        // f0: `br_if $mid` lands on `br $out`, which lands on the return. f1: br_table entries
        // to blocks that end in a `br`.
        let src = r#"(module
          (func (export "f0") (param i32) (result i32) (local i32)
            (block $out
              (block $mid
                (br_if $mid (local.get 0))
                (local.set 1 (i32.const 5)))
              (br $out))
            (local.get 1))
          (func (export "f1") (param i32) (result i32) (local i32)
            (block $x
              (block $y
                (block $z
                  (br_table $z $y $x (local.get 0)))
                (local.set 1 (i32.const 7))
                (br $x))
              (local.set 1 (i32.const 9))
              (br $x))
            (i32.add (local.get 1) (i32.const 1))))"#;
        let (code, out) = run(src, &[0, 1, 2, 3]);
        assert_eq!(out, all(&[5, 0, 0, 0, 8, 10, 1, 1]));
        for f in &code {
            for c in f {
                let t = c.target().map(|t| f[t as usize]);
                assert!(!matches!(t, Some(Instr::Br(_))), "{f:?}");
            }
        }
        assert!(
            !code[0].iter().any(|c| matches!(c, Instr::Br(_))),
            "{:?}",
            code[0]
        );
    }

    #[test]
    fn latches_keep_the_copy_of_a_copy_branch() {
        // `k = i; if k == n break; continue` (f0) and `k = i; if n != k break; continue`
        // (f1: leaves at the first i other than n). The copy fuses with the exit test, and the
        // inverted latch must still copy both ways: the result shows `k` after the loop. f2
        // tests at the head, so its back edge repeats the copy-branch.
        let src = r#"(module
          (func (export "f0") (param i32) (result i32) (local i32 i32 i32)
            (block
              (loop
                (local.set 1 (i32.add (local.get 1) (i32.const 1)))
                (local.set 2 (i32.add (local.get 2) (local.get 1)))
                (local.set 3 (local.get 1))
                (br_if 1 (i32.eq (local.get 3) (local.get 0)))
                (br 0)))
            (i32.add (i32.mul (local.get 2) (i32.const 1000)) (local.get 3)))
          (func (export "f1") (param i32) (result i32) (local i32 i32 i32)
            (block
              (loop
                (local.set 1 (i32.add (local.get 1) (i32.const 1)))
                (local.set 2 (i32.add (local.get 2) (local.get 1)))
                (local.set 3 (local.get 1))
                (br_if 1 (i32.ne (local.get 0) (local.get 3)))
                (br 0)))
            (i32.add (i32.mul (local.get 2) (i32.const 1000)) (local.get 3)))
          (func (export "f2") (param i32) (result i32) (local i32 i32 i32)
            (block
              (loop
                (local.set 3 (local.get 1))
                (br_if 1 (i32.eq (local.get 3) (local.get 0)))
                (local.set 1 (i32.add (local.get 1) (i32.const 1)))
                (local.set 2 (i32.add (local.get 2) (local.get 1)))
                (br 0)))
            (i32.add (i32.mul (local.get 2) (i32.const 1000)) (local.get 3))))"#;
        let (code, out) = run(src, &[1, 3, 5]);
        assert_eq!(
            out,
            all(&[1001, 6003, 15005, 3002, 1001, 1001, 1001, 6003, 15005])
        );
        // f2: the head's copy-branch is repeated, negated, at the latch (into the body), and
        // the exit goes through the original.
        let e = back_edges(&code[2]);
        assert!(
            matches!(e[..], [(_, Instr::CopyBrNe(_, _, _, 1)), (_, Instr::Br(0))]),
            "{:?}",
            code[2]
        );
        let e = back_edges(&code[0]);
        assert!(matches!(e[..], [(_, Instr::CopyBrNe(..))]), "{:?}", code[0]);
        let e = back_edges(&code[1]);
        assert!(matches!(e[..], [(_, Instr::CopyBrEq(..))]), "{:?}", code[1]);
    }
}

//! Tests of dropping `local.set` of zero to a local known to hold zero
//! ([`super::Translator::zero`]).

use super::test_util::{all, run};
use crate::ir::Instr;

/// Stores of the constant 0 to local `l` in `code`.
fn zero_stores(code: &[Instr], l: u16) -> usize {
    code.iter()
        .filter(|i| matches!(i, Instr::Const32(d, 0) if *d == l))
        .count()
}

#[test]
fn zero_to_a_fresh_local_is_dropped_until_a_label() {
    // f0: `x = 0` twice before anything else writes `x` (both dropped), then a loop that
    // resets `x` every iteration (kept: the back edge brings `x = 1`). The tee'd zero still
    // pushes the local.
    // f1: `x` is written in one arm of an `if`, so the zero after the `end` is kept; the zero
    // in the `else` arm is kept too (an `else` is a label).
    let src = r#"(module
      (func (export "f0") (param i32) (result i32) (local i32 i32)
        (local.set 1 (i32.const 0))
        (local.set 2 (i32.add (local.tee 1 (i32.const 0)) (local.get 0)))
        (loop
          (local.set 1 (i32.const 0))
          (local.set 1 (i32.add (local.get 1) (i32.const 1)))
          (local.set 2 (i32.add (local.get 2) (local.get 1)))
          (br_if 0 (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
        (local.get 2))
      (func (export "f1") (param i32) (result i32) (local i32)
        (if (local.get 0)
          (then (local.set 1 (i32.const 5)))
          (else (local.set 1 (i32.const 0))))
        (local.set 1 (i32.add (local.get 1) (i32.const 0)))
        (local.set 1 (i32.const 0))
        (i32.add (local.get 1) (local.get 0))))"#;
    let (code, out) = run(src, &[3, 1, 2]);
    // f0(n) = n + n (x is 1 in each of the n iterations, for n > 0); f1(n) = n.
    assert_eq!(out, all(&[6, 2, 4, 3, 1, 2]));
    assert_eq!(zero_stores(&code[0], 1), 1, "{:?}", code[0]);
    assert_eq!(zero_stores(&code[1], 1), 2, "{:?}", code[1]);
}

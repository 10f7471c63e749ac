//! Unit tests of the translator's small rewrites: zero stores dropped
//! ([`super::Translator::zero`]), in-place steps merged ([`super::Translator::fuse_steps`]),
//! a count-down latch fused.

use super::test_util::{all, form, run};
use crate::ir::Instr;
use alloc::vec::Vec;

/// Stores of the constant 0 in `code` (slots are renumbered behind the constant pool, so any
/// destination counts: the fixtures store zero to one local only).
fn zero_stores(code: &[Instr]) -> usize {
    code.iter()
        .filter(|i| matches!(i, Instr::Const32(_, 0)))
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
    assert_eq!(zero_stores(&code[0]), 1, "{:?}", code[0]);
    assert_eq!(zero_stores(&code[1]), 2, "{:?}", code[1]);
}

#[test]
fn in_place_updates_merge_in_pairs_and_a_count_down_latch_fuses() {
    // f0: three locals stepped in a row (the first two merge, the third fuses with the
    // latch's `x != n`), then a count-down `br_if` on a stepped local (`AddBrNe` against a
    // zero constant). f1: steps with a label between them do not merge. f2: `acc += v; i += 1`.
    let src = r#"(module
      (func (export "f0") (param i32) (result i32) (local i32 i32 i32)
        (loop
          (local.set 1 (i32.add (local.get 1) (i32.const 3)))
          (local.set 2 (i32.sub (local.get 2) (i32.const 2)))
          (local.set 3 (i32.add (local.get 3) (i32.const 1)))
          (br_if 0 (i32.ne (local.get 3) (local.get 0))))
        (local.set 0 (i32.add (local.get 0) (i32.const 1)))
        (loop
          (local.set 1 (i32.xor (local.get 1) (local.get 0)))
          (br_if 0 (local.tee 0 (i32.add (local.get 0) (i32.const -1)))))
        (i32.add (i32.mul (local.get 1) (i32.const 1000)) (local.get 2)))
      (func (export "f1") (param i32) (result i32) (local i32)
        (local.set 1 (i32.add (local.get 1) (i32.const 5)))
        (block (br_if 0 (local.get 0)))
        (local.set 0 (i32.add (local.get 0) (i32.const 7)))
        (i32.add (i32.mul (local.get 1) (i32.const 1000)) (local.get 0)))
      (func (export "f2") (param i32) (result i32) (local i32 i32)
        (loop
          (local.set 1 (i32.add (local.get 1) (i32.xor (local.get 2) (local.get 0))))
          (local.set 2 (i32.add (local.get 2) (i32.const 1)))
          (br_if 0 (i32.lt_u (local.get 2) (local.get 0))))
        (local.get 1)))"#;
    let (code, out) = run(src, &[1, 4]);
    // f0(n): x = 3n ^ (n + 1) ^ n ^ ... ^ 1, y = -2n; f1(n) = 5000 + n + 7; f2(n): the sum of
    // i ^ n for i < n.
    assert_eq!(out, all(&[-2, 12992, 5008, 5011, 1, 22]));
    let steps = |c: &[Instr]| {
        c.iter()
            .filter(|i| matches!(i, Instr::I32AddImm2(..)))
            .count()
    };
    let latches = |c: &[Instr]| c.iter().filter(|i| matches!(i, Instr::AddBrNe(..))).count();
    assert_eq!(
        (steps(&code[0]), latches(&code[0])),
        (1, 2),
        "{:?}",
        code[0]
    );
    assert_eq!(steps(&code[1]), 0, "{:?}", code[1]);
    // f2: the accumulation and the step merge.
    let acc = |c: &[Instr]| {
        c.iter()
            .filter(|i| matches!(i, Instr::I32AddStep(..)))
            .count()
    };
    assert_eq!(acc(&code[2]), 1, "{:?}", code[2]);
}

#[test]
fn a_dot_step_fuses_across_the_second_address_arithmetic() {
    // f0: `x + load8_s(x + 3) * load8_s(((x + 1) << 1) + x + 1)`: the first load moves past the
    // arithmetic into one `I32DotLoad8S`. f1: the arithmetic writes the first address
    // (`local.tee`): no fusion.
    let src = r#"(module
      (memory 1)
      (data (i32.const 0) "\01\82\03\f4\05\86\07\f8\09\8a")
      (func (export "f0") (param i32) (result i32)
        (i32.add (local.get 0)
          (i32.mul (i32.load8_s offset=3 (local.get 0))
            (i32.load8_s offset=1
              (i32.add (i32.shl (i32.add (local.get 0) (i32.const 1)) (i32.const 1))
                (local.get 0))))))
      (func (export "f1") (param i32) (result i32) (local i32)
        (local.set 1 (i32.const 1000))
        (i32.add (local.get 1)
          (i32.mul (i32.load8_s (local.get 0))
            (i32.load8_s (local.tee 0 (i32.add (local.get 0) (i32.const 1))))))))"#;
    let (code, out) = run(src, &[0, 1, 2]);
    // f0: bytes 3 and 3, 4 and 6, 5 and 9; f1: bytes 0 and 1, 1 and 2, 2 and 3.
    assert_eq!(out, all(&[144, 36, 14398, 874, 622, 964]));
    let dots = |c: &[Instr]| {
        c.iter()
            .filter(|i| matches!(i, Instr::I32DotLoad8S(..)))
            .count()
    };
    let loads = |c: &[Instr]| {
        c.iter()
            .filter(|i| matches!(i, Instr::Load8S32(..)))
            .count()
    };
    assert_eq!((dots(&code[0]), loads(&code[0])), (1, 0), "{:?}", code[0]);
    assert_eq!((dots(&code[1]), loads(&code[1])), (0, 2), "{:?}", code[1]);
}

#[test]
fn a_byte_compare_of_two_loads_fuses_into_the_branch() {
    // f0: the length of the common prefix of the bytes at x and at 8, at most 8 (a match
    // loop: `br_if` on `!=` of `load8_u (x + i)` and `load8_u (i + q)`). f1: the second
    // address reads the first byte (no fusion).
    let src = r#"(module
      (memory 1)
      (data (i32.const 0) "abcdefgh")
      (data (i32.const 8) "abcxefgh")
      (func (export "f0") (param i32) (result i32) (local i32 i32)
        (local.set 2 (i32.const 8))
        (block
          (loop
            (br_if 1 (i32.ne (i32.load8_u (i32.add (local.get 0) (local.get 1)))
                             (i32.load8_u (i32.add (local.get 1) (local.get 2)))))
            (local.set 1 (i32.add (local.get 1) (i32.const 1)))
            (br_if 0 (i32.lt_u (local.get 1) (i32.const 8)))))
        (local.get 1))
      (func (export "f1") (param i32) (result i32)
        (i32.eq (i32.load8_u (i32.add (local.get 0) (local.get 0)))
                (i32.load8_u (i32.add (i32.load8_u (i32.add (local.get 0) (local.get 0)))
                                      (local.get 0))))))"#;
    let (code, out) = run(src, &[0, 4]);
    // f0(0): "abc" match; f0(4): "efgh" against "xefg" differs at once. f1(0): byte 0 is 'a'
    // (97), byte 97 is 0; f1(4): byte 8 is 'a', byte 101 is 0.
    assert_eq!(out, all(&[3, 0, 0, 0]));
    let fused = |c: &[Instr]| {
        c.iter()
            .filter(|i| matches!(i, Instr::BrBytesEq(..) | Instr::BrBytesNe(..)))
            .count()
    };
    let loads = |c: &[Instr]| {
        c.iter()
            .filter(|i| matches!(i, Instr::Load8UIdx(..)))
            .count()
    };
    assert_eq!((fused(&code[0]), loads(&code[0])), (1, 0), "{:?}", code[0]);
    assert_eq!(fused(&code[1]), 0, "{:?}", code[1]);
}

#[test]
fn a_loaded_byte_added_to_a_value_is_one_instruction() {
    // f0: `acc + mem[x + i]` summed over i < 4; f1: the same with the loaded byte below.
    let src = r#"(module
      (memory 1)
      (data (i32.const 0) "\01\02\03\04\05\06\07\08")
      (func (export "f0") (param i32) (result i32) (local i32 i32)
        (loop
          (local.set 2 (i32.add (local.get 2) (i32.load8_u (i32.add (local.get 0) (local.get 1)))))
          (br_if 0 (i32.ne (local.tee 1 (i32.add (local.get 1) (i32.const 1))) (i32.const 4))))
        (local.get 2))
      (func (export "f1") (param i32) (result i32)
        (i32.add (i32.load8_u (i32.add (local.get 0) (local.get 0))) (local.get 0))))"#;
    let (code, out) = run(src, &[0, 2]);
    // f0(0) = 1 + 2 + 3 + 4, f0(2) = 3 + 4 + 5 + 6; f1(0) = 1, f1(2) = 5 + 2.
    assert_eq!(out, all(&[10, 18, 1, 7]));
    for c in &code[..2] {
        let fused = c
            .iter()
            .filter(|i| matches!(i, Instr::I32AddLoad8U(..)))
            .count();
        let loads = c
            .iter()
            .filter(|i| matches!(i, Instr::Load8UIdx(..)))
            .count();
        assert_eq!((fused, loads), (1, 0), "{c:?}");
    }
}

#[test]
fn sigma_functions_are_one_instruction() {
    // f0: SHA-256's Σ0 of the argument; f1: σ0 into a local, read back; f2: the same shape
    // with the value changed between the rotations (not fused); f3: an amount from a local
    // (not fused); f4: amounts of 32 and more, masked as `i32.rotl` and `i32.shr_u` do; f5, f6:
    // one rotation of another value (not fused).
    let src = r#"(module
      (func (export "f0") (param i32) (result i32)
        (i32.xor (i32.xor (i32.rotl (local.get 0) (i32.const 30)) (i32.rotl (local.get 0) (i32.const 19)))
                 (i32.rotl (local.get 0) (i32.const 10))))
      (func (export "f1") (param i32) (result i32) (local i32)
        (local.set 1 (i32.xor (i32.xor (i32.rotl (local.get 0) (i32.const 25)) (i32.rotl (local.get 0) (i32.const 14)))
                              (i32.shr_u (local.get 0) (i32.const 3))))
        (i32.add (local.get 1) (local.get 0)))
      (func (export "f2") (param i32) (result i32)
        (i32.xor (i32.xor (i32.rotl (local.get 0) (i32.const 30))
                          (i32.rotl (local.tee 0 (i32.add (local.get 0) (i32.const 1))) (i32.const 19)))
                 (i32.rotl (local.get 0) (i32.const 10))))
      (func (export "f3") (param i32) (result i32)
        (i32.xor (i32.xor (i32.rotl (local.get 0) (local.get 0)) (i32.rotl (local.get 0) (i32.const 19)))
                 (i32.rotl (local.get 0) (i32.const 10))))
      (func (export "f4") (param i32) (result i32)
        (i32.xor (i32.xor (i32.rotl (local.get 0) (i32.const 32)) (i32.rotl (local.get 0) (i32.const 45)))
                 (i32.shr_u (local.get 0) (i32.const 35))))
      (func (export "f5") (param i32) (result i32) (local i32)
        (local.set 1 (i32.mul (local.get 0) (i32.const 3)))
        (i32.xor (i32.xor (i32.rotl (local.get 0) (i32.const 30)) (i32.rotl (local.get 0) (i32.const 19)))
                 (i32.rotl (local.get 1) (i32.const 10))))
      (func (export "f6") (param i32) (result i32) (local i32)
        (local.set 1 (i32.mul (local.get 0) (i32.const 3)))
        (i32.xor (i32.xor (i32.rotl (local.get 0) (i32.const 30)) (i32.rotl (local.get 1) (i32.const 19)))
                 (i32.shr_u (local.get 0) (i32.const 10)))))"#;
    let args = [0, 1, 0x1234_5678, -1, i32::MIN];
    let (code, out) = run(src, &args);
    fn big(x: u32) -> u32 {
        x.rotate_left(30) ^ x.rotate_left(19) ^ x.rotate_left(10)
    }
    fn small(x: u32) -> u32 {
        x.rotate_left(25) ^ x.rotate_left(14) ^ (x >> 3)
    }
    let mut want = Vec::new();
    let models: [fn(u32) -> u32; 7] = [
        big,
        |x| small(x).wrapping_add(x),
        |x| {
            let y = x.wrapping_add(1);
            x.rotate_left(30) ^ y.rotate_left(19) ^ y.rotate_left(10)
        },
        |x| x.rotate_left(x % 32) ^ x.rotate_left(19) ^ x.rotate_left(10),
        |x| x ^ x.rotate_left(13) ^ (x >> 3),
        |x| x.rotate_left(30) ^ x.rotate_left(19) ^ x.wrapping_mul(3).rotate_left(10),
        |x| x.rotate_left(30) ^ x.wrapping_mul(3).rotate_left(19) ^ (x >> 10),
    ];
    for m in models {
        want.extend(args.iter().map(|a| m(*a as u32) as i32));
    }
    assert_eq!(out, all(&want));
    let fused = |c: &[Instr]| {
        c.iter()
            .filter(|i| matches!(i, Instr::I32Rotl3(..) | Instr::I32Rotl2ShrU(..)))
            .count()
    };
    let counts: Vec<usize> = code.iter().map(|c| fused(c)).collect();
    assert_eq!(counts, [1, 1, 0, 0, 1, 0, 0], "{code:?}");
    // The local.set took the fused instruction's result: no copy.
    assert!(
        !code[1].iter().any(|i| matches!(i, Instr::Copy(..))),
        "{:?}",
        code[1]
    );
}

#[test]
fn a_dot_product_unrolled_twice_is_two_steps() {
    // f0: `acc + x[p + 160] * y[q + 4] + x[p] * y[q]` with wrapping addresses and the
    // halves added last (matrix multiply as rustc unrolls it); f1: the first product is
    // the second half's address (no rewrite).
    let src = r#"(module
      (memory 1)
      (data (i32.const 0) "\01\02\03\04\05\06\07\08")
      (data (i32.const 8) "\02\00\00\00")
      (data (i32.const 160) "\09\00\00\00")
      (func (export "f0") (param i32) (result i32) (local i32)
        (local.set 1 (i32.const 100))
        (local.set 1 (i32.add
          (i32.mul (i32.load (i32.add (local.get 0) (i32.const 160)))
                   (i32.load (i32.add (local.get 0) (i32.const 4))))
          (i32.add (i32.mul (i32.load (local.get 0)) (i32.load (local.get 0))) (local.get 1))))
        (local.get 1))
      (func (export "f1") (param i32) (result i32)
        (i32.add
          (local.tee 0 (i32.mul (i32.load (local.get 0)) (i32.load (local.get 0))))
          (i32.add (i32.mul (i32.load (local.get 0)) (i32.load (local.get 0))) (i32.const 7)))))"#;
    let (code, out) = run(src, &[0, 8]);
    // f0(0) = 100 + 9 * 0x08070605 + 0x04030201², f0(8) = 100 + 0 * 0 + 2 * 2; f1(0): the
    // product is out of bounds; f1(8): t = 4, t + 0x08070605² + 7.
    let w = |a: u32, b: u32| a.wrapping_mul(b);
    let f0 = 100u32
        .wrapping_add(w(9, 0x0807_0605))
        .wrapping_add(w(0x0403_0201, 0x0403_0201));
    let f1 = 4u32
        .wrapping_add(w(0x0807_0605, 0x0807_0605))
        .wrapping_add(7);
    assert_eq!(out, [Some(f0 as i32), Some(104), None, Some(f1 as i32)]);
    let steps = |c: &[Instr]| -> Vec<&'static str> {
        c.iter()
            .filter_map(|i| match i {
                Instr::I32DotLoad32(..) | Instr::I32DotLoad32A(..) => Some("dot"),
                Instr::I32DotLoad32W(..) | Instr::I32DotLoad32WA(..) => Some("dot wrapping"),
                Instr::I32Mul(..)
                | Instr::I32MulA(..)
                | Instr::I32MulAdd(..)
                | Instr::I32Add(..)
                | Instr::I32AddA(..) => Some("arith"),
                _ => None,
            })
            .collect()
    };
    assert_eq!(steps(&code[0]), ["dot wrapping", "dot"], "{:?}", code[0]);
    assert!(steps(&code[1]).contains(&"arith"), "{:?}", code[1]);
}

#[test]
fn a_branch_on_a_loaded_byte_is_one_instruction() {
    // f0: the length of the zero-terminated string at the argument (a `br_if` on `eqz` of
    // the byte; the loop's head test is repeated, negated, at its latch); f1: 1 if the byte
    // at `2 * arg` is set (a `br_if` on it); f2: the byte at `arg + 1`, with a memarg offset, in
    // an `if` (not fused); f3: the byte loaded also feeds the result (not fused); f4: the byte
    // at `2 * arg + 1`.
    let src = r#"(module
      (memory 1)
      (data (i32.const 0) "abc\00\00\07")
      (func (export "f0") (param i32) (result i32) (local i32)
        (block
          (loop
            (br_if 1 (i32.eqz (i32.load8_u (i32.add (local.get 0) (local.get 1)))))
            (local.set 1 (i32.add (local.get 1) (i32.const 1)))
            (br 0)))
        (local.get 1))
      (func (export "f1") (param i32) (result i32)
        (block
          (br_if 0 (i32.load8_u (i32.add (local.get 0) (local.get 0))))
          (return (i32.const 0)))
        (i32.const 1))
      (func (export "f2") (param i32) (result i32)
        (if (result i32) (i32.load8_u offset=1 (local.get 0))
          (then (i32.const 1)) (else (i32.const 0))))
      (func (export "f3") (param i32) (result i32) (local i32)
        (block
          (br_if 0 (local.tee 1 (i32.load8_u (i32.add (local.get 0) (local.get 0)))))
          (return (i32.const 9)))
        (local.get 1))
      (func (export "f4") (param i32) (result i32)
        (block
          (br_if 0 (i32.load8_u (i32.add (i32.add (local.get 0) (local.get 0)) (i32.const 1))))
          (return (i32.const 0)))
        (i32.const 1)))"#;
    let (code, out) = run(src, &[0, 2, 4, 65_535]);
    // f0: "abc" is 3 long; from 2, "c"; from 4, empty; at 65535, a zero (the rest of the page).
    // f1 and f3: bytes 0, 4, 8 and 131070 (out of bounds); f2: bytes 1, 3, 5 and 65536 (out);
    // f4 (an immediate in the address): bytes 1, 5, 9 and 131071 (out).
    let want = [
        Some(3),
        Some(1),
        Some(0),
        Some(0),
        Some(1),
        Some(0),
        Some(0),
        None,
        Some(1),
        Some(0),
        Some(1),
        None,
        Some(97),
        Some(9),
        Some(9),
        None,
        Some(1),
        Some(1),
        Some(0),
        None,
    ];
    assert_eq!(out, want);
    let fused = |c: &[Instr]| {
        c.iter()
            .filter(|i| matches!(i, Instr::BrByteEqz(..) | Instr::BrByteNez(..)))
            .count()
    };
    let counts: Vec<usize> = code.iter().map(|c| fused(c)).collect();
    assert_eq!(counts, [2, 1, 0, 0, 1], "{code:?}");
}

#[test]
fn int8_dot_steps_walking_down_pair_up() {
    // f0: four steps at offsets 3, 2, 1, 0 of `x` (and 13, 12, 11, 10 of `y = x + 16`), the
    // third naming `y` first: two pair steps. f1: offsets 3 then 2 of `x` but 13 then 5 of
    // `y`; f2: offsets going up: no pairs.
    let step = |x: u32, y: u32| {
        alloc::format!(
            "(i32.mul (i32.load8_s offset={x} (local.get 0)) (i32.load8_s offset={y} (local.get 1)))"
        )
    };
    let func = |steps: &[(u32, u32)]| {
        let mut e = alloc::string::String::from("(local.get 0)");
        for &(x, y) in steps {
            e = alloc::format!("(i32.add {e} {})", step(x, y));
        }
        alloc::format!(
            "(func (export \"f{{}}\") (param i32) (result i32) (local i32)
               (local.set 1 (i32.add (local.get 0) (i32.const 16))) {e})"
        )
    };
    let bodies = [
        func(&[(3, 13), (2, 12), (1, 11), (0, 10)]).replace(
            "(i32.load8_s offset=1 (local.get 0)) (i32.load8_s offset=11 (local.get 1))",
            "(i32.load8_s offset=11 (local.get 1)) (i32.load8_s offset=1 (local.get 0))",
        ),
        func(&[(3, 13), (2, 5)]),
        func(&[(0, 10), (1, 11)]),
        // f3: the first step's sum also kept in a local, which is the result: no pair.
        alloc::format!(
            "(func (export \"f{{}}\") (param i32) (result i32) (local i32 i32)
               (local.set 1 (i32.add (local.get 0) (i32.const 16)))
               (drop (i32.add (local.tee 2 (i32.add (local.get 0) {})) {}))
               (local.get 2))",
            step(3, 13),
            step(2, 12)
        ),
    ];
    let mut src = alloc::string::String::from(
        "(module (memory 1) (data (i32.const 0) \"\\01\\82\\03\\f4\\05\\86\\07\\f8\\09\\8a\\0b\\fc\\0d\\8e\\0f\\f0\")",
    );
    for (i, b) in bodies.iter().enumerate() {
        src += &b.replace("f{}", &alloc::format!("f{i}"));
    }
    src += ")";
    let (code, out) = run(&src, &[0, 2, 65_506, 65_507]);
    let mem = |a: u32| -> Option<i32> {
        const D: [u8; 16] = *b"\x01\x82\x03\xf4\x05\x86\x07\xf8\x09\x8a\x0b\xfc\x0d\x8e\x0f\xf0";
        (a < 65_536).then(|| D.get(a as usize).copied().unwrap_or(0) as i8 as i32)
    };
    let eval = |steps: &[(u32, u32)], a: u32| -> Option<i32> {
        let mut acc = a as i32;
        for &(x, y) in steps {
            acc = acc.wrapping_add(mem(a + x)?.wrapping_mul(mem(a + 16 + y)?));
        }
        Some(acc)
    };
    let mut want = Vec::new();
    let shapes: [&[(u32, u32)]; 3] = [
        &[(3, 13), (2, 12), (1, 11), (0, 10)],
        &[(3, 13), (2, 5)],
        &[(0, 10), (1, 11)],
    ];
    for s in shapes {
        want.extend([0, 2, 65_506, 65_507].map(|a| eval(s, a)));
    }
    // f3 returns the first step's sum, and traps if the second step's loads do.
    want.extend([0, 2, 65_506, 65_507].map(|a| {
        eval(&[(3, 13), (2, 12)], a)?;
        eval(&[(3, 13)], a)
    }));
    assert_eq!(out, want);
    let pairs = |c: &[Instr]| c.iter().filter(|i| form(i) == "I32DotLoad8S2").count();
    let counts: Vec<usize> = code.iter().map(|c| pairs(c)).collect();
    assert_eq!(counts, [2, 0, 0, 0], "{code:?}");
}

#[test]
fn a_load_at_a_sum_plus_an_immediate_is_one_instruction() {
    // f0: the byte at `(x + x) + 3`, as C's `p[i + 3]` compiles; f1: the sum kept in a local
    // too (the add stays).
    let src = r#"(module
      (memory 1)
      (data (i32.const 0) "\01\02\03\04\05\06\07\08\09")
      (func (export "f0") (param i32) (result i32)
        (i32.load8_u (i32.add (i32.add (local.get 0) (local.get 0)) (i32.const 3))))
      (func (export "f1") (param i32) (result i32) (local i32)
        (i32.add (i32.load8_u (i32.add (local.tee 1 (i32.add (local.get 0) (local.get 0))) (i32.const 3)))
                 (local.get 1))))"#;
    let (code, out) = run(src, &[0, 2, 32_767]);
    // f0: bytes 3, 7 and 65537 (out of bounds); f1: the same plus the sum.
    assert_eq!(out, [Some(4), Some(8), None, Some(4), Some(12), None]);
    assert!(
        matches!(code[0][..], [Instr::Load8UIdx(..), Instr::Return(..), ..]),
        "{:?}",
        code[0]
    );
    assert!(
        code[1].iter().any(|i| matches!(i, Instr::I32Add(..))),
        "{:?}",
        code[1]
    );
}

#[test]
fn a_count_down_latch_leaving_on_zero_is_one_instruction() {
    // f0: xor n² over n, n - 1, ..., 1, by a latch `n -= 1; br_if exit (n == 0); br loop`;
    // f1: the same, but every third step skips the decrement through a label between it and
    // the latch (not fused).
    let src = r#"(module
      (func (export "f0") (param i32) (result i32) (local i32)
        (block
          (br_if 0 (i32.eqz (local.get 0)))
          (loop
            (local.set 1 (i32.xor (local.get 1) (i32.mul (local.get 0) (local.get 0))))
            (br_if 1 (i32.eqz (local.tee 0 (i32.add (local.get 0) (i32.const -1)))))
            (br 0)))
        (local.get 1))
      (func (export "f1") (param i32) (result i32) (local i32 i32)
        (block
          (br_if 0 (i32.eqz (local.get 0)))
          (loop
            (local.set 1 (i32.xor (local.get 1) (i32.mul (local.get 0) (local.get 0))))
            (local.set 2 (i32.add (local.get 2) (i32.const 1)))
            (block
              (br_if 0 (i32.eqz (i32.rem_u (local.get 2) (i32.const 3))))
              (local.set 0 (i32.add (local.get 0) (i32.const -1))))
            (br_if 1 (i32.eqz (local.get 0)))
            (br 0)))
        (local.get 1)))"#;
    let (code, out) = run(src, &[0, 1, 4, 100]);
    let f1 = |mut n: i32| {
        let (mut s, mut k) = (0, 0);
        while n != 0 {
            s ^= n * n;
            k += 1;
            if k % 3 != 0 {
                n -= 1;
            }
        }
        s
    };
    let f0 = |n: i32| (1..=n).fold(0, |s, k| s ^ (k * k));
    let want = [0, 1, 4, 100]
        .map(f0)
        .into_iter()
        .chain([0, 1, 4, 100].map(f1));
    assert_eq!(out, all(&want.collect::<Vec<_>>()));
    let fused = |c: &[Instr]| c.iter().filter(|i| matches!(i, Instr::AddBrNe(..))).count();
    assert_eq!((fused(&code[0]), fused(&code[1])), (1, 0), "{code:?}");
}

/// Size builds (cfg `embwit_lean`, opt-level `s` or `z`) leave out the speed-only fused forms:
/// the shapes that make them in speed builds (see the tests above) translate to none of them.
/// `scripts/test.sh` runs this test, and the semantic suites, in such a build.
#[test]
fn lean_builds_leave_out_the_speed_only_forms() {
    let src = r#"(module
      (memory 1)
      (func (export "f0") (param i32) (result i32)
        (i32.xor (i32.xor (i32.rotl (local.get 0) (i32.const 30)) (i32.rotl (local.get 0) (i32.const 19)))
                 (i32.shr_u (local.get 0) (i32.const 10))))
      (func (export "f1") (param i32) (result i32)
        (i32.add
          (i32.mul (i32.load (i32.add (local.get 0) (i32.const 160)))
                   (i32.load (i32.add (local.get 0) (i32.const 4))))
          (i32.add (i32.mul (i32.load (local.get 0)) (i32.load (local.get 0))) (local.get 0))))
      (func (export "f2") (param i32) (result i32)
        (i32.add (i32.add (local.get 0)
            (i32.mul (i32.load8_s offset=3 (local.get 0)) (i32.load8_s offset=13 (local.get 0))))
          (i32.mul (i32.load8_s offset=2 (local.get 0)) (i32.load8_s offset=12 (local.get 0)))))
      (func (export "f3") (param i32) (result i32)
        (block
          (br_if 0 (i32.load8_u (i32.add (local.get 0) (local.get 0))))
          (return (i32.const 0)))
        (i32.const 1))
      (func (export "f4") (param i32) (result i32)
        (drop (i32.add (local.get 0) (i32.load (i32.add (local.get 0) (local.get 0)))))
        (block (br_if 0 (i32.lt_u (i32.add (local.get 0) (i32.const -3)) (i32.const 9))))
        (i32.add (local.get 0) (local.get 0))))"#;
    let (code, _) = run(src, &[0]);
    let speed_only = |i: &Instr| {
        matches!(
            i,
            Instr::I32Rotl3(..)
                | Instr::I32Rotl2ShrU(..)
                | Instr::I32DotLoad32W(..)
                | Instr::I32DotLoad8S2(..)
                | Instr::BrByteEqz(..)
                | Instr::BrByteNez(..)
                | Instr::I32AddLoad32(..)
                | Instr::I32AddReturn(..)
                | Instr::BrAddLtU(..)
                | Instr::BrAddGeU(..)
        )
    };
    let found = code.iter().flatten().filter(|i| speed_only(i)).count();
    // Speed builds make one of each shape.
    let want = if cfg!(embwit_lean) { 0 } else { 7 };
    assert_eq!(found, want, "{code:?}");
}

#[test]
fn a_function_returning_a_sum_returns_it_in_one_instruction() {
    // f0: `return x + (x >> 1)`; f1: the same sum, but a branch lands on the return with
    // another value (not fused); f2: the sum into a local first, then returned.
    let src = r#"(module
      (func (export "f0") (param i32) (result i32)
        (i32.add (local.get 0) (i32.shr_u (local.get 0) (i32.const 1))))
      (func (export "f1") (param i32) (result i32)
        (block (result i32)
          (drop (br_if 0 (i32.const 7) (i32.eqz (local.get 0))))
          (i32.add (local.get 0) (i32.shr_u (local.get 0) (i32.const 1)))))
      (func (export "f2") (param i32) (result i32) (local i32)
        (local.set 1 (i32.add (local.get 0) (i32.shr_u (local.get 0) (i32.const 1))))
        (local.get 1)))"#;
    let (code, out) = run(src, &[0, 5, -2]);
    let sum = |x: i32| x.wrapping_add(((x as u32) >> 1) as i32);
    let f1 = |x: i32| if x == 0 { 7 } else { sum(x) };
    assert_eq!(
        out,
        all(&[0, 7, sum(-2), f1(0), f1(5), f1(-2), 0, 7, sum(-2)])
    );
    let fused = |c: &[Instr]| {
        c.iter()
            .filter(|i| matches!(i, Instr::I32AddReturn(..)))
            .count()
    };
    let counts: Vec<usize> = code.iter().map(|c| fused(c)).collect();
    assert_eq!(counts, [1, 0, 1], "{code:?}");
}

#[test]
fn a_range_check_is_one_instruction() {
    // Each returns 1 when the branch is taken: f0 `x - 10 <u 5`, f1 `x + 3 >=u 8`, f2 `5 >u
    // x - 10`, f3 `8 <=u x + 3` (the same two tests written the other way round); f4 the sum
    // kept in a local, which is the result when taken (not fused).
    let test = |cmp: &str, l: &str, r: &str| {
        alloc::format!(
            "(func (export \"f{{}}\") (param i32) (result i32)
               (block (br_if 0 ({cmp} {l} {r})) (return (i32.const 0))) (i32.const 1))"
        )
    };
    let sub10 = "(i32.add (local.get 0) (i32.const -10))";
    let add3 = "(i32.add (local.get 0) (i32.const 3))";
    let funcs = [
        test("i32.lt_u", sub10, "(i32.const 5)"),
        test("i32.ge_u", add3, "(i32.const 8)"),
        test("i32.gt_u", "(i32.const 5)", sub10),
        test("i32.le_u", "(i32.const 8)", add3),
        alloc::string::String::from(
            "(func (export \"f{}\") (param i32) (result i32) (local i32)
               (block (br_if 0 (i32.lt_u (local.tee 1 (i32.add (local.get 0) (i32.const -10)))
                                         (i32.const 5)))
                      (return (i32.const 0)))
               (local.get 1))",
        ),
    ];
    let mut src = alloc::string::String::from("(module ");
    for (i, f) in funcs.iter().enumerate() {
        src += &f.replace("f{}", &alloc::format!("f{i}"));
    }
    src += ")";
    let args = [0, 9, 10, 14, 15, 4, 5, -3, -4, i32::MIN, i32::MAX];
    let (code, out) = run(&src, &args);
    let lt = |x: i32| (x.wrapping_sub(10) as u32) < 5;
    let ge = |x: i32| (x.wrapping_add(3) as u32) >= 8;
    let mut want = Vec::new();
    for model in [lt, ge, lt, ge] {
        want.extend(args.iter().map(|&x| Some(model(x) as i32)));
    }
    want.extend(
        args.iter()
            .map(|&x| Some(if lt(x) { x.wrapping_sub(10) } else { 0 })),
    );
    assert_eq!(out, want);
    let fused = |c: &[Instr]| {
        c.iter()
            .filter(|i| matches!(i, Instr::BrAddLtU(..) | Instr::BrAddGeU(..)))
            .count()
    };
    let counts: Vec<usize> = code.iter().map(|c| fused(c)).collect();
    assert_eq!(counts, [1, 1, 1, 1, 0], "{code:?}");
}

#[test]
fn a_value_just_written_is_read_from_the_result_register() {
    // f0: a chain, each step reading the value the one before wrote; f1: a branch lands
    // between the write of local 1 and its read, and on the branching path the last write
    // was another local's: the read after the label must come from the frame.
    let src = r#"(module
      (func (export "f0") (param i32) (result i32)
        (i32.and (i32.mul (i32.add (local.get 0) (i32.const 5)) (local.get 0))
                 (i32.sub (local.get 0) (i32.const 3))))
      (func (export "f1") (param i32) (result i32) (local i32 i32)
        (local.set 1 (i32.add (local.get 0) (i32.const 5)))
        (local.set 2 (i32.add (local.get 0) (i32.const 9)))
        (block (br_if 0 (local.get 0))
          (local.set 1 (i32.const 3)))
        (i32.xor (i32.mul (local.get 1) (local.get 0)) (local.get 2)))
      (func (export "f2") (param i32) (result i32) (local i32)
        (block
          (local.set 1 (i32.add (local.get 0) (i32.const 5)))
          (br_if 0 (i32.gt_u (local.get 0) (i32.const 100)))
          (local.set 1 (i32.mul (local.get 1) (local.get 0))))
        (local.get 1))
      (func (export "f3") (param i32) (result i32) (local i32 i32)
        (local.set 1 (i32.add (local.get 0) (i32.const 5)))
        (local.set 2 (i32.add (local.get 0) (i32.const 9)))
        (block (br_if 0 (local.get 0))
          (local.set 1 (i32.const 3)))
        (block (br_if 0 (i32.eq (local.get 0) (i32.const 77)))
          (local.set 1 (i32.mul (local.get 1) (local.get 0))))
        (i32.xor (local.get 1) (local.get 2))))"#;
    // f2: a branch that writes no slot between the write and the read (a bounds check): the
    // read still takes the register. f3: that branch is a label, reached also from a path
    // whose last write was another local's: the read after it must come from the frame.
    let args = [0, 7, -3, 77, 200];
    let (code, out) = run(src, &args);
    let f0 = |x: i32| x.wrapping_add(5).wrapping_mul(x) & x.wrapping_sub(3);
    let f1 = |x: i32| if x == 0 { 9 } else { ((x + 5) * x) ^ (x + 9) };
    let f2 = |x: i32| if x as u32 > 100 { x + 5 } else { (x + 5) * x };
    let f3 = |x: i32| {
        let l1 = if x == 0 { 3 } else { x + 5 };
        let l1 = if x == 77 { l1 } else { l1 * x };
        l1 ^ (x + 9)
    };
    let want: Vec<i32> = [f0, f1, f2, f3].iter().flat_map(|f| args.map(f)).collect();
    assert_eq!(out, all(&want));
    let register_forms = |c: &[Instr]| {
        c.iter()
            .filter(|i| {
                let name = alloc::format!("{i:?}");
                name.split('(').next().is_some_and(|n| n.ends_with('A'))
            })
            .count()
    };
    // Size builds have no result register.
    let want = if cfg!(embwit_lean) { 0 } else { 2 };
    assert_eq!(register_forms(&code[0]), want, "{:?}", code[0]);
    assert!(
        code[1].iter().any(|i| matches!(i, Instr::I32Mul(..))),
        "{:?}",
        code[1]
    );
    let reads_register = code[2].iter().any(|i| matches!(i, Instr::I32MulA(..)));
    assert_eq!(reads_register, !cfg!(embwit_lean), "{:?}", code[2]);
    assert!(
        code[3].iter().any(|i| matches!(i, Instr::I32Mul(..))),
        "{:?}",
        code[3]
    );
}

//! Fused IR forms compute what the unfused wasm computes: each export is checked against the
//! same arithmetic done in Rust, over operands that wrap around.

use embwit_runtime::*;

mod common;

/// Instantiates the text module `src` (no imports).
fn instantiate(src: &str) -> (Store<()>, Instance) {
    common::instantiate_wat(src, None)
}

/// Calls export `name` with each of `args` and compares with `model`: `Some(v)` is the
/// result, `None` an out-of-bounds trap.
fn check<P: WasmParams + Copy + std::fmt::Debug>(
    store: &mut Store<()>,
    inst: &Instance,
    name: &str,
    args: impl IntoIterator<Item = P>,
    model: impl Fn(P) -> Option<i32>,
) {
    let f = inst.get_typed_func::<P, i32>(&*store, name).unwrap();
    for a in args {
        let got = f.call(&mut *store, a);
        match model(a) {
            Some(v) => assert_eq!(got.unwrap(), v, "{name}{a:?}"),
            None => assert_eq!(
                got.unwrap_err().code(),
                Some(TrapCode::MemoryOutOfBounds),
                "{name}{a:?}"
            ),
        }
    }
}

/// Every `(a, b)` of `vals`.
fn pairs(vals: &[i32]) -> Vec<(i32, i32)> {
    vals.iter()
        .flat_map(|&a| vals.iter().map(move |&b| (a, b)))
        .collect()
}

/// Every `(a, b, c)` with `a` and `b` from `vals` and `c` from `thirds`.
fn triples(vals: &[i32], thirds: &[i32]) -> Vec<(i32, i32, i32)> {
    let ab = pairs(vals);
    ab.iter()
        .flat_map(|&(a, b)| thirds.iter().map(move |&c| (a, b, c)))
        .collect()
}

const SRC: &str = r#"(module
  ;; product on top: c + a*b
  (func (export "top") (param i32 i32 i32) (result i32)
    (i32.add (local.get 2) (i32.mul (local.get 0) (local.get 1))))
  ;; product below: a*b + c
  (func (export "below") (param i32 i32 i32) (result i32)
    (i32.add (i32.mul (local.get 0) (local.get 1)) (local.get 2)))
  ;; result folded into a local that is also an operand
  (func (export "set_operand") (param i32 i32 i32) (result i32)
    (local.set 0 (i32.add (local.get 0) (i32.mul (local.get 0) (local.get 1))))
    (local.get 0))
  ;; tee, then reuse the old value of the local through the stack
  (func (export "tee") (param i32 i32 i32) (result i32)
    (local.get 2)
    (local.tee 2 (i32.add (i32.mul (local.get 0) (local.get 1)) (local.get 2)))
    (i32.sub))
  ;; temporaries on both sides: (a+1)*(b+2) + (c^a)
  (func (export "temps") (param i32 i32 i32) (result i32)
    (i32.add (i32.xor (local.get 2) (local.get 0))
             (i32.mul (i32.add (local.get 0) (i32.const 1)) (i32.add (local.get 1) (i32.const 2)))))
  ;; a dot product loop over n = a & 15 terms: acc += i * (i + b)
  (func (export "dot") (param i32 i32 i32) (result i32) (local i32 i32)
    (local.set 3 (i32.and (local.get 0) (i32.const 15)))
    (local.set 4 (local.get 2))
    (block (loop
      (br_if 1 (i32.eqz (local.get 3)))
      (local.set 4 (i32.add (local.get 4)
                            (i32.mul (local.get 3) (i32.add (local.get 3) (local.get 1)))))
      (local.set 3 (i32.sub (local.get 3) (i32.const 1)))
      (br 0)))
    (local.get 4))
)"#;

fn dot(a: i32, b: i32, c: i32) -> i32 {
    let mut acc = c;
    for i in (1..=(a & 15)).rev() {
        acc = acc.wrapping_add(i.wrapping_mul(i.wrapping_add(b)));
    }
    acc
}

#[test]
fn mul_add_fusion_matches_plain_arithmetic() {
    let (mut store, inst) = instantiate(SRC);
    type F = fn(i32, i32, i32) -> i32;
    let cases: [(&str, F); 6] = [
        ("top", |a, b, c| c.wrapping_add(a.wrapping_mul(b))),
        ("below", |a, b, c| a.wrapping_mul(b).wrapping_add(c)),
        ("set_operand", |a, b, _| a.wrapping_add(a.wrapping_mul(b))),
        ("tee", |a, b, c| {
            c.wrapping_sub(a.wrapping_mul(b).wrapping_add(c))
        }),
        ("temps", |a, b, c| {
            (c ^ a).wrapping_add(a.wrapping_add(1).wrapping_mul(b.wrapping_add(2)))
        }),
        ("dot", dot),
    ];
    let vals = [0, 1, -1, 7, 65_537, i32::MAX, i32::MIN, 0x1234_5678];
    for (name, expect) in cases {
        let args = triples(&vals, &vals[..4]);
        check(&mut store, &inst, name, args, |(a, b, c)| {
            Some(expect(a, b, c))
        });
    }
}

const LOADS: &str = r#"(module
  (memory 1)
  (data (i32.const 0) "\01\82\03\f4\05\86\07\f8\09\8a\0b\fc\0d\8e\0f\f0")
  (func (export "u8") (param i32 i32) (result i32)
    (i32.load8_u offset=1 (i32.add (local.get 0) (local.get 1))))
  (func (export "s8") (param i32 i32) (result i32)
    (i32.load8_s offset=1 (i32.add (local.get 0) (local.get 1))))
  (func (export "u16") (param i32 i32) (result i32)
    (i32.load16_u offset=2 (i32.add (local.get 0) (local.get 1))))
  (func (export "s16") (param i32 i32) (result i32)
    (i32.load16_s offset=2 (i32.add (local.get 0) (local.get 1))))
  (func (export "u32") (param i32 i32) (result i32)
    (i32.load offset=3 (i32.add (local.get 0) (local.get 1))))
  ;; `x + imm` addresses (the immediate on either side, negative or positive)
  (func (export "imm_s8") (param i32 i32) (result i32)
    (i32.load8_s offset=1 (i32.add (local.get 0) (i32.const -3))))
  (func (export "imm_u32") (param i32 i32) (result i32)
    (i32.load offset=2 (i32.add (i32.const 5) (local.get 0))))
  (func (export "imm_sub") (param i32 i32) (result i32)
    (i32.load16_u (i32.sub (local.get 0) (i32.const 2))))
  ;; folded into a local.set of an address operand
  (func (export "set") (param i32 i32) (result i32)
    (local.set 0 (i32.load8_u (i32.add (local.get 0) (local.get 1))))
    (local.get 0))
)"#;

/// The bytes of the data segment above, then zeros up to 64 KiB.
fn mem_byte(addr: u64) -> Option<u8> {
    const DATA: [u8; 16] = [
        0x01, 0x82, 0x03, 0xf4, 0x05, 0x86, 0x07, 0xf8, 0x09, 0x8a, 0x0b, 0xfc, 0x0d, 0x8e, 0x0f,
        0xf0,
    ];
    (addr < 65536).then(|| DATA.get(addr as usize).copied().unwrap_or(0))
}

fn load_le(a: i32, b: i32, off: u64, n: u64) -> Option<u32> {
    // The address wraps like `i32.add`; the offset does not.
    let ea = (a as u32).wrapping_add(b as u32) as u64 + off;
    let mut v = 0u32;
    for k in 0..n {
        v |= (mem_byte(ea + k)? as u32) << (8 * k);
    }
    Some(v)
}

#[test]
fn indexed_loads_match_plain_loads() {
    let (mut store, inst) = instantiate(LOADS);
    type F = fn(i32, i32) -> Option<i32>;
    let cases: [(&str, F); 9] = [
        ("imm_s8", |a, _| {
            load_le(a, -3, 1, 1).map(|v| v as u8 as i8 as i32)
        }),
        ("imm_u32", |a, _| load_le(a, 5, 2, 4).map(|v| v as i32)),
        ("imm_sub", |a, _| load_le(a, -2, 0, 2).map(|v| v as i32)),
        ("u8", |a, b| load_le(a, b, 1, 1).map(|v| v as i32)),
        ("s8", |a, b| {
            load_le(a, b, 1, 1).map(|v| v as u8 as i8 as i32)
        }),
        ("u16", |a, b| load_le(a, b, 2, 2).map(|v| v as i32)),
        ("s16", |a, b| {
            load_le(a, b, 2, 2).map(|v| v as u16 as i16 as i32)
        }),
        ("u32", |a, b| load_le(a, b, 3, 4).map(|v| v as i32)),
        ("set", |a, b| load_le(a, b, 0, 1).map(|v| v as i32)),
    ];
    let vals = [0, 1, 2, 5, 9, -1, -3, 65_530, 65_535, i32::MAX, i32::MIN];
    for (name, expect) in cases {
        check(&mut store, &inst, name, pairs(&vals), |(a, b)| expect(a, b));
    }
}

const LOOPS: &str = r#"(module
  ;; i += step until i == n (counts iterations; step is a small or a large immediate)
  (func (export "up1") (param i32 i32) (result i32) (local i32 i32)
    (loop
      (local.set 3 (i32.add (local.get 3) (i32.const 1)))
      (local.set 2 (i32.add (local.get 2) (i32.const 1)))
      (br_if 0 (i32.ne (local.get 2) (local.get 0))))
    (local.get 3))
  (func (export "down3") (param i32 i32) (result i32) (local i32)
    (loop
      (local.set 2 (i32.add (local.get 2) (local.get 1)))
      (local.set 0 (i32.sub (local.get 0) (i32.const 3)))
      (br_if 0 (i32.ne (local.get 1) (local.get 0))))
    (local.get 2))
  (func (export "big") (param i32 i32) (result i32) (local i32)
    (loop
      (local.set 2 (i32.add (local.get 2) (i32.const 1)))
      (local.set 0 (i32.add (local.get 0) (i32.const 65536)))
      (br_if 0 (i32.ne (local.get 0) (local.get 1))))
    (local.get 2))
  ;; the add is conditional: the if's end label sits between it and the compare
  (func (export "cond") (param i32 i32) (result i32) (local i32)
    (loop
      (local.set 2 (i32.add (local.get 2) (i32.const 1)))
      (if (i32.and (local.get 2) (i32.const 1))
        (then (local.set 0 (i32.add (local.get 0) (i32.const 1)))))
      (br_if 0 (i32.ne (local.get 0) (local.get 1))))
    (local.get 2))
  ;; a latch behind other branches in the loop body
  (func (export "entry") (param i32 i32) (result i32) (local i32)
    (block
      (loop
        (br_if 1 (i32.eqz (local.get 1)))
        (local.set 1 (i32.const 0))
        (local.set 2 (i32.add (local.get 2) (i32.const 1)))
        (local.set 0 (i32.add (local.get 0) (i32.const 1)))
        (br_if 0 (i32.ne (local.get 0) (i32.const 10)))))
    (local.get 2))
)"#;

#[test]
fn counted_loop_latches_match_plain_loops() {
    let (mut store, inst) = instantiate(LOOPS);
    let call = |store: &mut Store<()>, name: &str, a: i32, b: i32| {
        inst.get_typed_func::<(i32, i32), i32>(&*store, name)
            .unwrap()
            .call(store, (a, b))
            .unwrap()
    };
    for n in [1, 2, 7, 100] {
        assert_eq!(call(&mut store, "up1", n, 0), n, "up1({n})");
    }
    // From stop + 3k down to `stop`, adding `stop` each iteration: k iterations.
    for k in [1, 4, 50] {
        let stop = 7;
        let got = call(&mut store, "down3", stop + 3 * k, stop);
        assert_eq!(got, stop.wrapping_mul(k), "down3 k={k}");
    }
    assert_eq!(call(&mut store, "big", 0, 65536 * 5), 5);
    // x grows on odd iterations only, so it reaches k at iteration 2k - 1.
    for k in [1, 2, 9] {
        assert_eq!(call(&mut store, "cond", 0, k), 2 * k - 1, "cond({k})");
    }
    // b != 0: one pass (b is cleared, so the next pass leaves); b == 0: no pass.
    assert_eq!(call(&mut store, "entry", 4, 1), 1);
    assert_eq!(call(&mut store, "entry", 4, 0), 0);
}

/// Addresses `(x + imm) + b` at offset 0: one indexed load of `x + b + imm` (wrapping).
const IMM_LOADS: &str = r#"(module
  (memory 1)
  (data (i32.const 0) "\01\82\03\f4\05\86\07\f8\09\8a\0b\fc\0d\8e\0f\f0")
  (func (export "lower_u8") (param i32 i32) (result i32)
    (i32.load8_u (i32.add (i32.add (local.get 0) (i32.const 7)) (local.get 1))))
  (func (export "lower_s16") (param i32 i32) (result i32)
    (i32.load16_s (i32.add (i32.add (local.get 0) (i32.const -5)) (local.get 1))))
  (func (export "upper_u16") (param i32 i32) (result i32)
    (i32.load16_u (i32.add (local.get 1) (i32.add (local.get 0) (i32.const 0x7fffffff)))))
  (func (export "upper_s8") (param i32 i32) (result i32)
    (i32.load8_s (i32.add (local.get 1) (i32.sub (local.get 0) (i32.const 2)))))
  (func (export "only_u32") (param i32 i32) (result i32)
    (i32.load (i32.add (local.get 0) (i32.const 3))))
  ;; the `x + imm` in place on a temporary
  (func (export "temp") (param i32 i32) (result i32)
    (i32.load (i32.add (i32.add (i32.xor (local.get 0) (local.get 1)) (i32.const 1))
                       (local.get 1))))
  ;; the result stored into an address operand
  (func (export "set") (param i32 i32) (result i32)
    (local.set 0 (i32.load8_u (i32.add (i32.add (local.get 0) (i32.const 2)) (local.get 0))))
    (local.get 0))
  ;; the block's end label lies between the `x + imm` and the add: b == 0 branches there
  ;; with the block result 0
  (func (export "label") (param i32 i32) (result i32)
    (i32.load8_u (i32.add
      (block (result i32)
        (drop (br_if 0 (local.get 1) (i32.eqz (local.get 1))))
        (i32.add (local.get 0) (i32.const 3)))
      (local.get 1))))
  ;; a sum, then an immediate: `(a + b) + imm`
  (func (export "sum_imm") (param i32 i32) (result i32)
    (i32.load16_u (i32.add (i32.add (local.get 0) (local.get 1)) (i32.const -65))))
  ;; ... with the sum kept in a local, which is the result
  (func (export "sum_kept") (param i32 i32) (result i32) (local i32)
    (drop (i32.load8_u (i32.add (local.tee 2 (i32.add (local.get 0) (local.get 1))) (i32.const 2))))
    (local.get 2))
  ;; ... with the sum dropped and another value's `x + imm` in its slot
  (func (export "sum_dropped") (param i32 i32) (result i32)
    (drop (i32.add (local.get 0) (local.get 1)))
    (i32.load8_u (i32.add (local.get 1) (i32.const 3))))
  ;; ... with the block's end label between the sum and the immediate
  (func (export "sum_label") (param i32 i32) (result i32)
    (i32.load8_u (i32.add
      (block (result i32)
        (drop (br_if 0 (local.get 1) (i32.eqz (local.get 1))))
        (i32.add (local.get 0) (local.get 1)))
      (i32.const 3))))
  ;; the `x + imm` further back: b computed between, with a local.tee of another local
  (func (export "far") (param i32 i32) (result i32) (local i32)
    (i32.load16_s (i32.add (i32.add (local.get 0) (i32.const 5))
      (i32.shl (local.tee 2 (i32.and (local.get 1) (i32.const 0xff))) (i32.const 1)))))
  ;; ... with a local.tee of x itself between: the add read the old x
  (func (export "far_x") (param i32 i32) (result i32)
    (i32.load8_u (i32.add (i32.add (local.get 0) (i32.const 7))
      (i32.xor (local.tee 0 (local.get 1)) (i32.const 0)))))
  ;; ... with two, x's first
  (func (export "far_x2") (param i32 i32) (result i32) (local i32)
    (i32.load8_u (i32.add (i32.add (local.get 0) (i32.const 7))
      (i32.add (local.tee 0 (local.get 1)) (local.tee 2 (local.get 1))))))
)"#;

#[test]
fn indexed_loads_with_immediates_match_plain_loads() {
    let (mut store, inst) = instantiate(IMM_LOADS);
    type F = fn(i32, i32) -> Option<i32>;
    let cases: [(&str, F); 15] = [
        ("sum_dropped", |_, b| load_le(b, 3, 0, 1).map(|v| v as i32)),
        ("sum_imm", |a, b| {
            load_le(a.wrapping_add(b), -65, 0, 2).map(|v| v as i32)
        }),
        ("sum_kept", |a, b| {
            load_le(a.wrapping_add(b), 2, 0, 1).map(|_| a.wrapping_add(b))
        }),
        ("sum_label", |a, b| {
            let base = if b == 0 { 0 } else { a.wrapping_add(b) };
            load_le(base, 3, 0, 1).map(|v| v as i32)
        }),
        ("far", |a, b| {
            load_le(a.wrapping_add(5), (b & 0xff) << 1, 0, 2).map(|v| v as u16 as i16 as i32)
        }),
        ("far_x", |a, b| {
            load_le(a.wrapping_add(7), b, 0, 1).map(|v| v as i32)
        }),
        ("far_x2", |a, b| {
            load_le(a.wrapping_add(7), b.wrapping_add(b), 0, 1).map(|v| v as i32)
        }),
        ("lower_u8", |a, b| {
            load_le(a.wrapping_add(7), b, 0, 1).map(|v| v as i32)
        }),
        ("lower_s16", |a, b| {
            load_le(a.wrapping_sub(5), b, 0, 2).map(|v| v as u16 as i16 as i32)
        }),
        ("upper_u16", |a, b| {
            load_le(b, a.wrapping_add(i32::MAX), 0, 2).map(|v| v as i32)
        }),
        ("upper_s8", |a, b| {
            load_le(b, a.wrapping_sub(2), 0, 1).map(|v| v as u8 as i8 as i32)
        }),
        ("only_u32", |a, _| load_le(a, 3, 0, 4).map(|v| v as i32)),
        ("temp", |a, b| {
            load_le((a ^ b).wrapping_add(1), b, 0, 4).map(|v| v as i32)
        }),
        ("set", |a, _| {
            load_le(a.wrapping_add(2), a, 0, 1).map(|v| v as i32)
        }),
        ("label", |a, b| {
            if b == 0 {
                load_le(0, 0, 0, 1).map(|v| v as i32)
            } else {
                load_le(a.wrapping_add(3), b, 0, 1).map(|v| v as i32)
            }
        }),
    ];
    let vals = [
        0,
        1,
        2,
        5,
        9,
        -1,
        -3,
        -7,
        65_530,
        65_535,
        i32::MAX,
        i32::MIN,
    ];
    for (name, expect) in cases {
        check(&mut store, &inst, name, pairs(&vals), |(a, b)| expect(a, b));
    }
}

/// `i32.load8_s` * `i32.load8_s` + c: one int8 dot-product step when the offsets fit a byte.
const DOT_LOADS: &str = r#"(module
  (memory 1)
  (data (i32.const 0) "\01\82\03\f4\05\86\07\f8\09\8a\0b\fc\0d\8e\0f\f0")
  (func (export "top") (param i32 i32 i32) (result i32)
    (i32.add (local.get 2)
      (i32.mul (i32.load8_s offset=1 (local.get 0)) (i32.load8_s offset=255 (local.get 1)))))
  (func (export "below") (param i32 i32 i32) (result i32)
    (i32.add (i32.mul (i32.load8_s (local.get 0)) (i32.load8_s offset=3 (local.get 1)))
      (local.get 2)))
  ;; an unrolled dot product walking down, the third step naming the addresses the other way
  ;; round (two pairs of steps)
  (func (export "down") (param i32 i32 i32) (result i32)
    (i32.add (i32.add (i32.add (i32.add (local.get 2)
        (i32.mul (i32.load8_s offset=3 (local.get 0)) (i32.load8_s offset=13 (local.get 1))))
        (i32.mul (i32.load8_s offset=2 (local.get 0)) (i32.load8_s offset=12 (local.get 1))))
        (i32.mul (i32.load8_s offset=11 (local.get 1)) (i32.load8_s offset=1 (local.get 0))))
      (i32.mul (i32.load8_s (local.get 0)) (i32.load8_s offset=10 (local.get 1)))))
  ;; steps walking down one address but not the other (not a pair)
  (func (export "skew") (param i32 i32 i32) (result i32)
    (i32.add (i32.add (local.get 2)
        (i32.mul (i32.load8_s offset=3 (local.get 0)) (i32.load8_s offset=13 (local.get 1))))
      (i32.mul (i32.load8_s offset=2 (local.get 0)) (i32.load8_s offset=5 (local.get 1)))))
  ;; an offset too large for the fused form
  (func (export "far") (param i32 i32 i32) (result i32)
    (i32.add (i32.mul (i32.load8_s offset=256 (local.get 0)) (i32.load8_s (local.get 1)))
      (local.get 2)))
  ;; a chain on the stack, the result stored into the first address operand
  (func (export "chain") (param i32 i32 i32) (result i32)
    (local.set 0
      (i32.add (i32.mul (i32.load8_s offset=1 (local.get 0)) (i32.load8_s offset=1 (local.get 1)))
        (i32.add (i32.mul (i32.load8_s (local.get 0)) (i32.load8_s (local.get 1)))
          (local.get 2))))
    (local.get 0))
  ;; stored into the accumulator local, then into the second address local
  (func (export "acc_set") (param i32 i32 i32) (result i32)
    (local.set 2
      (i32.add (i32.mul (i32.load8_s offset=2 (local.get 0)) (i32.load8_s (local.get 1)))
        (local.get 2)))
    (local.get 2))
  (func (export "q_set") (param i32 i32 i32) (result i32)
    (local.set 1
      (i32.add (local.get 2)
        (i32.mul (i32.load8_s (local.get 0)) (i32.load8_s offset=9 (local.get 1)))))
    (local.get 1))
  ;; the accumulator is an address operand
  (func (export "acc_addr") (param i32 i32 i32) (result i32)
    (i32.add (i32.mul (i32.load8_s (local.get 0)) (i32.load8_s (local.get 1))) (local.get 0)))
  ;; c = n pairs from a and b, two per iteration
  (func (export "loop") (param i32 i32 i32) (result i32) (local i32)
    (local.set 2 (i32.and (local.get 2) (i32.const 7)))
    (block (loop
      (br_if 1 (i32.eqz (local.get 2)))
      (local.set 3
        (i32.add (i32.mul (i32.load8_s offset=1 (local.get 0)) (i32.load8_s offset=1 (local.get 1)))
          (i32.add (i32.mul (i32.load8_s (local.get 0)) (i32.load8_s (local.get 1)))
            (local.get 3))))
      (local.set 0 (i32.add (local.get 0) (i32.const 2)))
      (local.set 1 (i32.add (local.get 1) (i32.const 2)))
      (local.set 2 (i32.sub (local.get 2) (i32.const 1)))
      (br 0)))
    (local.get 3))
)"#;

/// The signed byte at `a + off` (no wrap), None out of bounds.
fn sbyte(a: i32, off: u64) -> Option<i32> {
    mem_byte(a as u32 as u64 + off).map(|v| v as i8 as i32)
}

fn dot_pairs(a: i32, b: i32, n: i32) -> Option<i32> {
    let mut acc = 0i32;
    for k in 0..(n & 7) {
        let k = 2 * k;
        let (a, b) = (a.wrapping_add(k), b.wrapping_add(k));
        // The loop body loads a, b (first step) and then a+1, b+1.
        let lo = sbyte(a, 0)?.wrapping_mul(sbyte(b, 0)?);
        let hi = sbyte(a, 1)?.wrapping_mul(sbyte(b, 1)?);
        acc = hi.wrapping_add(lo.wrapping_add(acc));
    }
    Some(acc)
}

#[test]
fn int8_dot_steps_match_plain_arithmetic() {
    let (mut store, inst) = instantiate(DOT_LOADS);
    type F = fn(i32, i32, i32) -> Option<i32>;
    let cases: [(&str, F); 10] = [
        ("top", |a, b, c| {
            Some(c.wrapping_add(sbyte(a, 1)?.wrapping_mul(sbyte(b, 255)?)))
        }),
        ("below", |a, b, c| {
            Some((sbyte(a, 0)?.wrapping_mul(sbyte(b, 3)?)).wrapping_add(c))
        }),
        ("far", |a, b, c| {
            Some((sbyte(a, 256)?.wrapping_mul(sbyte(b, 0)?)).wrapping_add(c))
        }),
        ("chain", |a, b, c| {
            let lo = sbyte(a, 0)?.wrapping_mul(sbyte(b, 0)?).wrapping_add(c);
            Some(sbyte(a, 1)?.wrapping_mul(sbyte(b, 1)?).wrapping_add(lo))
        }),
        ("acc_set", |a, b, c| {
            Some(sbyte(a, 2)?.wrapping_mul(sbyte(b, 0)?).wrapping_add(c))
        }),
        ("q_set", |a, b, c| {
            Some(c.wrapping_add(sbyte(a, 0)?.wrapping_mul(sbyte(b, 9)?)))
        }),
        ("acc_addr", |a, b, _| {
            Some(sbyte(a, 0)?.wrapping_mul(sbyte(b, 0)?).wrapping_add(a))
        }),
        ("loop", dot_pairs),
        ("down", |a, b, c| {
            let mut acc = c;
            for k in [3, 2, 1, 0] {
                acc = acc.wrapping_add(sbyte(a, k)?.wrapping_mul(sbyte(b, k + 10)?));
            }
            Some(acc)
        }),
        ("skew", |a, b, c| {
            let hi = sbyte(a, 3)?.wrapping_mul(sbyte(b, 13)?).wrapping_add(c);
            Some(sbyte(a, 2)?.wrapping_mul(sbyte(b, 5)?).wrapping_add(hi))
        }),
    ];
    let vals = [
        0,
        1,
        3,
        6,
        14,
        15,
        -1,
        65_279,
        65_532,
        65_533,
        65_534,
        65_535,
        i32::MAX,
        i32::MIN,
    ];
    for (name, expect) in cases {
        let args = triples(&vals, &[0, -7, i32::MAX, i32::MIN, 5]);
        check(&mut store, &inst, name, args, |(a, b, c)| expect(a, b, c));
    }
}

/// Int8 multiply-accumulate shapes (`I32DotLoad8S` where the translator may fuse, plain
/// instructions where it may not): each is compared with the same arithmetic over the memory
/// image, including out-of-bounds addresses, which must trap exactly when a load would.
const MAC: &str = r#"(module
  (memory 1)
  (data (i32.const 0) "\01\82\03\f4\05\86\07\f8\09\8a\0b\fc\0d\8e\0f\f0")
  ;; acc on top: c + a*b, the accumulator in a local that is also set
  (func (export "acc") (param i32 i32 i32) (result i32)
    (local.set 2 (i32.add (local.get 2)
      (i32.mul (i32.load8_s offset=3 (local.get 0)) (i32.load8_s offset=255 (local.get 1)))))
    (local.get 2))
  ;; product below the addend
  (func (export "below") (param i32 i32 i32) (result i32)
    (i32.add (i32.mul (i32.load8_s (local.get 1)) (i32.load8_s offset=1 (local.get 0)))
             (local.get 2)))
  ;; result into the first address operand
  (func (export "into_addr") (param i32 i32 i32) (result i32)
    (local.set 0 (i32.add (local.get 2)
      (i32.mul (i32.load8_s (local.get 0)) (i32.load8_s (local.get 1)))))
    (local.get 0))
  ;; an offset too large for the fused form, and the second address read from the first load
  (func (export "big_offset") (param i32 i32 i32) (result i32)
    (i32.add (local.get 2)
      (i32.mul (i32.load8_s offset=256 (local.get 0)) (i32.load8_s (local.get 1)))))
  (func (export "chained") (param i32 i32 i32) (result i32)
    (i32.add (local.get 2)
      (i32.mul (i32.load8_s (local.get 0)) (i32.load8_s (i32.load8_u (local.get 1))))))
  ;; arithmetic between the two loads computes the second address (the first load moves past it)
  (func (export "far") (param i32 i32 i32) (result i32)
    (i32.add (local.get 2)
      (i32.mul (i32.load8_s offset=3 (local.get 0))
        (i32.load8_s offset=5
          (i32.add (i32.shl (i32.add (local.get 1) (i32.const 7)) (i32.const 1)) (local.get 0))))))
  ;; ... which also writes the first address (no fusion)
  (func (export "far_writes_addr") (param i32 i32 i32) (result i32)
    (i32.add (local.get 2)
      (i32.mul (i32.load8_s (local.get 0))
        (i32.load8_s offset=1 (local.tee 0 (i32.add (local.get 0) (local.get 1)))))))
  ;; ... or reads the first loaded value (no fusion)
  (func (export "far_reads_value") (param i32 i32 i32) (result i32) (local i32)
    (i32.add (local.get 2)
      (i32.mul (local.tee 3 (i32.load8_s (local.get 0)))
        (i32.load8_s offset=1 (i32.add (local.get 3) (local.get 1))))))
)"#;

#[test]
fn int8_mac_fusion_matches_plain_arithmetic_and_traps() {
    let (mut store, inst) = instantiate(MAC);
    let s8 = |addr: u64| mem_byte(addr).map(|b| b as i8 as i32);
    let u8_ = |addr: u64| mem_byte(addr).map(|b| b as i32);
    type F =
        fn(&dyn Fn(u64) -> Option<i32>, &dyn Fn(u64) -> Option<i32>, i32, i32, i32) -> Option<i32>;
    let cases: [(&str, F); 8] = [
        ("acc", |s8, _, x, y, c| {
            Some(c.wrapping_add(s8(x as u32 as u64 + 3)?.wrapping_mul(s8(y as u32 as u64 + 255)?)))
        }),
        ("below", |s8, _, x, y, c| {
            let (p, q) = (s8(y as u32 as u64)?, s8(x as u32 as u64 + 1)?);
            Some(p.wrapping_mul(q).wrapping_add(c))
        }),
        ("into_addr", |s8, _, x, y, c| {
            Some(c.wrapping_add(s8(x as u32 as u64)?.wrapping_mul(s8(y as u32 as u64)?)))
        }),
        ("big_offset", |s8, _, x, y, c| {
            Some(c.wrapping_add(s8(x as u32 as u64 + 256)?.wrapping_mul(s8(y as u32 as u64)?)))
        }),
        ("chained", |s8, u8_, x, y, c| {
            let p = s8(x as u32 as u64)?;
            let q = s8(u8_(y as u32 as u64)? as u64)?;
            Some(c.wrapping_add(p.wrapping_mul(q)))
        }),
        ("far", |s8, _, x, y, c| {
            let p = s8(x as u32 as u64 + 3)?;
            let a = (y.wrapping_add(7) << 1).wrapping_add(x);
            Some(c.wrapping_add(p.wrapping_mul(s8(a as u32 as u64 + 5)?)))
        }),
        ("far_writes_addr", |s8, _, x, y, c| {
            let p = s8(x as u32 as u64)?;
            let q = s8(x.wrapping_add(y) as u32 as u64 + 1)?;
            Some(c.wrapping_add(p.wrapping_mul(q)))
        }),
        ("far_reads_value", |s8, _, x, y, c| {
            let p = s8(x as u32 as u64)?;
            let q = s8(p.wrapping_add(y) as u32 as u64 + 1)?;
            Some(c.wrapping_add(p.wrapping_mul(q)))
        }),
    ];
    let addrs = [0, 1, 3, 7, 15, 65_535, 65_534, 65_280, -1, i32::MIN];
    for (name, expect) in cases {
        let args = triples(&addrs, &[0, -5, i32::MAX]);
        check(&mut store, &inst, name, args, |(x, y, c)| {
            expect(&s8, &u8_, x, y, c)
        });
    }
}

/// Loop latches `x += y; if x <u n continue` (`AddBrLtU`), with the step, the bound or both
/// being the counter itself, and counters that wrap: the iteration count and final value
/// match the same loop in Rust (capped at 1000 iterations by a second counter).
const LATCH: &str = r#"(module
  (func (export "step") (param $x i32) (param $y i32) (param $n i32) (result i64) (local $k i32)
    (loop $l
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (if (i32.ge_u (local.get $k) (i32.const 1000))
        (then (return (i64.or (i64.shl (i64.extend_i32_u (local.get $k)) (i64.const 32))
                              (i64.extend_i32_u (local.get $x))))))
      (br_if $l (i32.lt_u (local.tee $x (i32.add (local.get $x) (local.get $y))) (local.get $n))))
    (i64.or (i64.shl (i64.extend_i32_u (local.get $k)) (i64.const 32)) (i64.extend_i32_u (local.get $x))))
  (func (export "self_step") (param $x i32) (param $y i32) (param $n i32) (result i64) (local $k i32)
    (loop $l
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (if (i32.ge_u (local.get $k) (i32.const 1000))
        (then (return (i64.or (i64.shl (i64.extend_i32_u (local.get $k)) (i64.const 32))
                              (i64.extend_i32_u (local.get $x))))))
      (br_if $l (i32.lt_u (local.tee $x (i32.add (local.get $x) (local.get $x))) (local.get $n))))
    (i64.or (i64.shl (i64.extend_i32_u (local.get $k)) (i64.const 32)) (i64.extend_i32_u (local.get $x))))
)"#;

#[test]
fn add_branch_latch_matches_plain_loop() {
    let (mut store, inst) = instantiate(LATCH);
    let model = |mut x: u32, y: Option<u32>, n: u32| -> u64 {
        let mut k = 0u32;
        loop {
            k += 1;
            if k >= 1000 {
                break;
            }
            x = x.wrapping_add(y.unwrap_or(x));
            if x >= n {
                break;
            }
        }
        (u64::from(k) << 32) | u64::from(x)
    };
    let vals = [0u32, 1, 3, 7, 100, 0x7fff_ffff, 0xffff_fff0, u32::MAX];
    for (name, self_step) in [("step", false), ("self_step", true)] {
        let f = inst
            .get_typed_func::<(i32, i32, i32), i64>(&store, name)
            .unwrap();
        for &x in &vals {
            for &y in &vals {
                for &n in &vals {
                    let got = f.call(&mut store, (x as i32, y as i32, n as i32)).unwrap();
                    let want = model(x, (!self_step).then_some(y), n);
                    assert_eq!(got as u64, want, "{name}({x}, {y}, {n})");
                }
            }
        }
    }
}

#[test]
fn consecutive_copies_run_in_order_and_never_across_a_label() {
    let src = r#"(module
      ;; rotate three locals twice: each step reads what the one before wrote
      (func (export "rot") (param i32 i32) (result i32) (local i32 i32)
        (local.set 2 (local.get 0))
        (local.set 0 (local.get 1))
        (local.set 1 (local.get 2))
        (local.set 3 (local.get 0))
        (local.set 0 (local.get 1))
        (local.set 1 (local.get 3))
        (i32.sub (i32.mul (local.get 0) (i32.const 1000)) (local.get 1)))
      ;; a branch lands between two copies: the second must run on both paths
      (func (export "landing") (param i32 i32) (result i32) (local i32 i32)
        (local.set 2 (local.get 0))
        (block
          (br_if 0 (local.get 1))
          (local.set 2 (local.get 1)))
        (local.set 3 (local.get 2))
        (i32.add (local.get 3) (i32.mul (local.get 2) (i32.const 7))))
      ;; an `if` with a parameter: the restore copy of the `else` is patched by index
      (func (export "ifparam") (param i32 i32) (result i32) (local i32)
        (local.set 2 (local.get 1))
        (i32.add (local.get 0) (i32.const 5))
        (if (param i32) (result i32) (local.get 1)
          (then (i32.add (i32.const 3)))
          (else (local.set 2 (local.get 0)) (local.set 0 (local.get 2)) (i32.mul (local.get 0))))
        (i32.add (local.get 2)))
    )"#;
    let (mut store, inst) = instantiate(src);
    let vals = [0, 1, -1, 5, 1000, i32::MIN, i32::MAX];
    let ps = pairs(&vals);
    check(&mut store, &inst, "rot", ps.clone(), |(a, b)| {
        // (a, b) -> (b, a) -> (a, b)
        Some(a.wrapping_mul(1000).wrapping_sub(b))
    });
    check(&mut store, &inst, "landing", ps.clone(), |(a, b)| {
        let l2 = if b != 0 { a } else { b };
        Some(l2.wrapping_add(l2.wrapping_mul(7)))
    });
    check(&mut store, &inst, "ifparam", ps, |(a, b)| {
        let p = a.wrapping_add(5);
        let (r, l2) = if b != 0 {
            (p.wrapping_add(3), b)
        } else {
            (p.wrapping_mul(a), a)
        };
        Some(r.wrapping_add(l2))
    });
}

/// 32-bit multiply-accumulate shapes (`I32DotLoad32`: matrix multiply), against the same
/// arithmetic over the memory image, trapping exactly when a load would.
const MAC32: &str = r#"(module
  (memory 1)
  (data (i32.const 0) "\01\82\03\f4\05\86\07\f8\09\8a\0b\fc\0d\8e\0f\f0")
  (func (export "acc") (param i32 i32 i32) (result i32)
    (local.set 2 (i32.add (local.get 2)
      (i32.mul (i32.load offset=3 (local.get 0)) (i32.load offset=255 (local.get 1)))))
    (local.get 2))
  (func (export "below") (param i32 i32 i32) (result i32)
    (i32.add (i32.mul (i32.load (local.get 1)) (i32.load offset=1 (local.get 0)))
             (local.get 2)))
  (func (export "into_addr") (param i32 i32 i32) (result i32)
    (local.set 0 (i32.add (local.get 2)
      (i32.mul (i32.load (local.get 0)) (i32.load (local.get 1)))))
    (local.get 0))
  (func (export "big_offset") (param i32 i32 i32) (result i32)
    (i32.add (local.get 2)
      (i32.mul (i32.load offset=256 (local.get 0)) (i32.load (local.get 1)))))
  ;; wrapping `x + imm` addresses (an indexed load each)
  (func (export "wrap") (param i32 i32 i32) (result i32)
    (i32.add (local.get 2)
      (i32.mul (i32.load (i32.add (local.get 0) (i32.const 3)))
               (i32.load (i32.add (local.get 1) (i32.const 255))))))
  ;; one wrapping, one memarg offset: not one step
  (func (export "mixed") (param i32 i32 i32) (result i32)
    (i32.add (local.get 2)
      (i32.mul (i32.load (i32.add (local.get 0) (i32.const 3)))
               (i32.load offset=1 (local.get 1)))))
  ;; a dot product unrolled twice, as rustc writes matrix multiply's: the halves added last
  (func (export "pair") (param i32 i32 i32) (result i32)
    (local.set 2 (i32.add
      (i32.mul (i32.load (i32.add (local.get 0) (i32.const 160)))
               (i32.load (i32.add (local.get 1) (i32.const 4))))
      (i32.add (i32.mul (i32.load (local.get 0)) (i32.load (local.get 1))) (local.get 2))))
    (local.get 2))
  ;; the same with memarg offsets, and the first half's address computed between its loads
  (func (export "pair_offsets") (param i32 i32 i32) (result i32) (local i32)
    (i32.add
      (i32.mul (i32.load offset=8 (local.get 0))
               (i32.load offset=2 (local.tee 3 (i32.add (local.get 1) (local.get 2)))))
      (i32.add (i32.mul (i32.load (local.get 0)) (i32.load (local.get 3))) (local.get 2))))
  ;; the product, kept in a local, is an address of the second half
  (func (export "pair_addr") (param i32 i32 i32) (result i32) (local i32)
    (i32.add
      (local.tee 3 (i32.mul (i32.load (local.get 0)) (i32.load (local.get 1))))
      (i32.add (i32.mul (i32.load (local.get 3)) (i32.load (local.get 1))) (local.get 2))))
)"#;

#[test]
fn word_mac_fusion_matches_plain_arithmetic_and_traps() {
    let (mut store, inst) = instantiate(MAC32);
    let w = |a: i32, off: u64| load_le(a, 0, off, 4);
    type F = fn(&dyn Fn(i32, u64) -> Option<u32>, i32, i32, i32) -> Option<i32>;
    let cases: [(&str, F); 9] = [
        ("acc", |w, x, y, c| {
            Some(c.wrapping_add(w(x, 3)?.wrapping_mul(w(y, 255)?) as i32))
        }),
        ("wrap", |w, x, y, c| {
            let p = w(x.wrapping_add(3), 0)?;
            Some(c.wrapping_add(p.wrapping_mul(w(y.wrapping_add(255), 0)?) as i32))
        }),
        ("mixed", |w, x, y, c| {
            let p = w(x.wrapping_add(3), 0)?;
            Some(c.wrapping_add(p.wrapping_mul(w(y, 1)?) as i32))
        }),
        ("pair", |w, x, y, c| {
            let t = w(x.wrapping_add(160), 0)?.wrapping_mul(w(y.wrapping_add(4), 0)?);
            let u = w(x, 0)?.wrapping_mul(w(y, 0)?);
            Some(t.wrapping_add(u).wrapping_add(c as u32) as i32)
        }),
        ("pair_offsets", |w, x, y, c| {
            let q = y.wrapping_add(c);
            let t = w(x, 8)?.wrapping_mul(w(q, 2)?);
            let u = w(x, 0)?.wrapping_mul(w(q, 0)?);
            Some(t.wrapping_add(u).wrapping_add(c as u32) as i32)
        }),
        ("pair_addr", |w, x, y, c| {
            let t = w(x, 0)?.wrapping_mul(w(y, 0)?);
            let u = w(t as i32, 0)?.wrapping_mul(w(y, 0)?);
            Some(t.wrapping_add(u).wrapping_add(c as u32) as i32)
        }),
        ("below", |w, x, y, c| {
            let (p, q) = (w(y, 0)?, w(x, 1)?);
            Some((p.wrapping_mul(q) as i32).wrapping_add(c))
        }),
        ("into_addr", |w, x, y, c| {
            Some(c.wrapping_add(w(x, 0)?.wrapping_mul(w(y, 0)?) as i32))
        }),
        ("big_offset", |w, x, y, c| {
            Some(c.wrapping_add(w(x, 256)?.wrapping_mul(w(y, 0)?) as i32))
        }),
    ];
    let addrs = [
        0,
        1,
        3,
        7,
        12,
        65_532,
        65_533,
        65_280,
        65_376,
        -1,
        -3,
        -160,
        i32::MIN,
    ];
    for (name, expect) in cases {
        let args = triples(&addrs, &[0, -5, i32::MAX]);
        check(&mut store, &inst, name, args, |(x, y, c)| {
            expect(&w, x, y, c)
        });
    }
}

const BYTES: &str = r#"(module
  (memory 1)
  (data (i32.const 0) "\01\82\03\f4\05\86\07\f8\09\8a\0b\fc\0d\8e\0f\f0")
  ;; 1 when the bytes at p + i and q + i are equal (a `br_if` on `==` of the two loads)
  (func (export "eq") (param i32 i32 i32) (result i32)
    (block
      (br_if 0 (i32.eq (i32.load8_u (i32.add (local.get 0) (local.get 2)))
                       (i32.load8_u (i32.add (local.get 2) (local.get 1)))))
      (return (i32.const 0)))
    (i32.const 1))
  ;; 1 when they differ
  (func (export "ne") (param i32 i32 i32) (result i32)
    (block
      (br_if 0 (i32.ne (i32.load8_u (i32.add (local.get 2) (local.get 0)))
                       (i32.load8_u (i32.add (local.get 1) (local.get 2)))))
      (return (i32.const 0)))
    (i32.const 1))
)"#;

#[test]
fn byte_compare_branches_match_plain_loads_and_trap() {
    let (mut store, inst) = instantiate(BYTES);
    let byte = |a: i32, i: i32| mem_byte(a.wrapping_add(i) as u32 as u64);
    let vals = [0, 1, 2, 3, 15, 16, 65_535, 65_536, -1, -16, i32::MIN];
    let args = triples(&vals, &[0, 1, 14, 65_535, -1, -15]);
    check(&mut store, &inst, "eq", args.clone(), |(p, q, i)| {
        Some((byte(p, i)? == byte(q, i)?) as i32)
    });
    check(&mut store, &inst, "ne", args, |(p, q, i)| {
        Some((byte(p, i)? != byte(q, i)?) as i32)
    });
}

const ADD_BYTE: &str = r#"(module
  (memory 1)
  (data (i32.const 0) "\01\82\03\f4\05\86\07\f8\09\8a\0b\fc\0d\8e\0f\f0")
  ;; c + mem[a + b] (indexed load, byte on top)
  (func (export "top") (param i32 i32 i32) (result i32)
    (i32.add (local.get 2) (i32.load8_u (i32.add (local.get 0) (local.get 1)))))
  ;; mem[a + b - 2] + c (byte below a local)
  (func (export "below") (param i32 i32 i32) (result i32)
    (i32.add (i32.load8_u (i32.add (i32.add (local.get 0) (i32.const -2)) (local.get 1)))
             (local.get 2)))
  ;; c + mem[a] (no offset), into a local that is an address operand
  (func (export "plain") (param i32 i32 i32) (result i32)
    (local.set 0 (i32.add (local.get 2) (i32.load8_u (local.get 0))))
    (local.get 0))
  ;; a memarg offset is not wrapping: no fusion, same result
  (func (export "offset") (param i32 i32 i32) (result i32)
    (i32.add (local.get 2) (i32.load8_u offset=3 (local.get 0))))
)"#;

#[test]
fn byte_add_fusion_matches_plain_loads_and_traps() {
    let (mut store, inst) = instantiate(ADD_BYTE);
    let byte = |a: u32| mem_byte(a as u64).map(i32::from);
    let addrs = [0, 1, 2, 3, 15, 16, 65_535, 65_536, -1, -2, i32::MIN];
    let args = triples(&addrs, &[0, -5, i32::MAX]);
    type F = fn(&dyn Fn(u32) -> Option<i32>, i32, i32, i32) -> Option<i32>;
    let cases: [(&str, F); 4] = [
        ("top", |m, a, b, c| {
            Some(c.wrapping_add(m(a.wrapping_add(b) as u32)?))
        }),
        ("below", |m, a, b, c| {
            Some(m(a.wrapping_add(-2).wrapping_add(b) as u32)?.wrapping_add(c))
        }),
        ("plain", |m, a, _, c| Some(c.wrapping_add(m(a as u32)?))),
        ("offset", |_, a, _, c| {
            Some(c.wrapping_add(mem_byte(a as u32 as u64 + 3)? as i32))
        }),
    ];
    for (name, model) in cases {
        check(&mut store, &inst, name, args.clone(), |(a, b, c)| {
            model(&byte, a, b, c)
        });
    }
}

const ADD_WORD: &str = r#"(module
  (memory 1)
  (data (i32.const 0) "\01\82\03\f4\05\86\07\f8\09\8a\0b\fc\0d\8e\0f\f0")
  ;; c + mem32[a + b] (indexed load, word on top)
  (func (export "top") (param i32 i32 i32) (result i32)
    (i32.add (local.get 2) (i32.load (i32.add (local.get 0) (local.get 1)))))
  ;; mem32[a + 36] + c (a wrapping immediate, word below a local)
  (func (export "below") (param i32 i32 i32) (result i32)
    (i32.add (i32.load (i32.add (local.get 0) (i32.const 36))) (local.get 2)))
  ;; into a local that is an address operand
  (func (export "set") (param i32 i32 i32) (result i32)
    (local.set 0 (i32.add (local.get 2) (i32.load (i32.add (local.get 0) (local.get 1)))))
    (local.get 0))
  ;; an immediate beyond 16 bits: not fused, same result
  (func (export "far") (param i32 i32 i32) (result i32)
    (i32.add (local.get 2) (i32.load (i32.add (local.get 0) (i32.const 65_540)))))
)"#;

#[test]
fn word_add_fusion_matches_plain_loads_and_traps() {
    let (mut store, inst) = instantiate(ADD_WORD);
    let word = |a: i32| load_le(a, 0, 0, 4).map(|v| v as i32);
    let addrs = [
        0,
        1,
        3,
        12,
        13,
        65_532,
        65_533,
        65_536,
        -1,
        -4,
        -36,
        i32::MIN,
    ];
    let args = triples(&addrs, &[0, -5, 4, i32::MAX]);
    type F = fn(&dyn Fn(i32) -> Option<i32>, i32, i32, i32) -> Option<i32>;
    let cases: [(&str, F); 4] = [
        ("top", |m, a, b, c| {
            Some(c.wrapping_add(m(a.wrapping_add(b))?))
        }),
        ("below", |m, a, _, c| {
            Some(m(a.wrapping_add(36))?.wrapping_add(c))
        }),
        ("set", |m, a, b, c| {
            Some(c.wrapping_add(m(a.wrapping_add(b))?))
        }),
        ("far", |m, a, _, c| {
            Some(c.wrapping_add(m(a.wrapping_add(65_540))?))
        }),
    ];
    for (name, model) in cases {
        check(&mut store, &inst, name, args.clone(), |(a, b, c)| {
            model(&word, a, b, c)
        });
    }
}

/// Byte offsets in `wasm` where `pat` starts, in order.
fn find_all(wasm: &[u8], pat: &[u8]) -> Vec<u32> {
    (0..wasm.len().saturating_sub(pat.len() - 1))
        .filter(|&i| wasm[i..].starts_with(pat))
        .map(|i| i as u32)
        .collect()
}

#[test]
fn fused_two_access_instructions_report_the_access_that_trapped() {
    // Each case: a function `(x, y, z)` with two memory accesses that fuse into one instruction,
    // the byte patterns of the first and the second access's wasm instruction, and arguments
    // making the first or the second access go out of bounds.
    let cases: [(&str, [u8; 3], [u8; 3]); 7] = [
        (
            "(i32.add (i32.add (local.get 2) (i32.mul (i32.load8_s offset=78 (local.get 0)) (i32.load8_s offset=100 (local.get 1)))) (i32.mul (i32.load8_s offset=77 (local.get 0)) (i32.load8_s offset=99 (local.get 1))))",
            [0x2c, 0x00, 78],
            [0x2c, 0x00, 100],
        ),
        (
            "(i32.add (local.get 2) (i32.mul (i32.load (i32.add (local.get 0) (i32.const 77))) (i32.load (i32.add (local.get 1) (i32.const 99)))))",
            [0x28, 0x02, 0x00],
            [0x28, 0x02, 0x00],
        ),
        (
            "(i32.add (i32.mul (i32.load (i32.add (local.get 0) (i32.const 77))) (i32.load (i32.add (local.get 1) (i32.const 99)))) (i32.add (i32.mul (i32.load offset=5 (local.get 2)) (i32.load offset=6 (local.get 2))) (local.get 2)))",
            [0x28, 0x02, 0x00],
            [0x28, 0x02, 0x00],
        ),
        (
            "(i32.add (local.get 2) (i32.mul (i32.load8_s offset=77 (local.get 0)) (i32.load8_s offset=99 (local.get 1))))",
            [0x2c, 0x00, 77],
            [0x2c, 0x00, 99],
        ),
        (
            "(i32.add (local.get 2) (i32.mul (i32.load offset=77 (local.get 0)) (i32.load offset=99 (local.get 1))))",
            [0x28, 0x02, 77],
            [0x28, 0x02, 99],
        ),
        (
            "(i32.store8 (i32.add (local.get 1) (local.get 2)) (i32.load8_u (i32.add (local.get 0) (local.get 2)))) (i32.const 0)",
            [0x2d, 0x00, 0x00],
            [0x3a, 0x00, 0x00],
        ),
        (
            "(block (br_if 0 (i32.eq (i32.load8_u (i32.add (local.get 0) (local.get 2))) (i32.load8_u offset=0 (i32.add (local.get 1) (local.get 2)))))) (i32.const 0)",
            [0x2d, 0x00, 0x00],
            [0x2d, 0x00, 0x00],
        ),
    ];
    for (body, first, second) in cases {
        let src = format!(
            "(module (memory 1) (func (export \"f\") (param i32 i32 i32) (result i32) {body}))"
        );
        let wasm = wat::parse_str(&src).unwrap();
        let (ones, twos) = (find_all(&wasm, &first), find_all(&wasm, &second));
        let (at1, at2) = match (&ones[..], &twos[..]) {
            ([a, b], _) if first == second => (*a, *b),
            ([a], [b]) => (*a, *b),
            _ => panic!("access patterns not unique in {body}"),
        };
        let (mut store, inst) = instantiate(&src);
        let f = inst
            .get_typed_func::<(i32, i32, i32), i32>(&store, "f")
            .unwrap();
        for (args, at) in [((70_000, 0, 0), at1), ((0, 70_000, 0), at2)] {
            let trap = f.call(&mut store, args).unwrap_err();
            assert_eq!(trap.code(), Some(TrapCode::MemoryOutOfBounds), "{body}");
            assert_eq!(trap.code_offset(), Some(at), "{body} with {args:?}");
        }
    }
}

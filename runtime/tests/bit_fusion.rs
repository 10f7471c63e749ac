//! Fused bit operations compute what the unfused wasm computes: `a ^ rotl(x, k)`
//! (`I32XorRotl`), `a ^ (x >> k)` (`I32XorShrU`) and min/max selects (`SelectMinS` and the like), checked against Rust over
//! operands and counts that wrap.

use embwit_runtime::*;

mod common;

const SRC: &str = r#"(module
  (func (export "xor_rotl") (param i32 i32 i32) (result i32)
    (i32.xor (local.get 0) (i32.rotl (local.get 1) (local.get 2))))
  ;; a chain, as in SHA-256's sigma: rotl ^ rotl ^ rotl of one value
  (func (export "sigma") (param i32 i32 i32) (result i32)
    (i32.xor (i32.xor (i32.rotl (local.get 1) (i32.const 26)) (i32.rotl (local.get 1) (i32.const 21)))
             (i32.rotl (local.get 1) (local.get 2))))
  ;; folded into a local.set of an operand, then read back
  (func (export "set") (param i32 i32 i32) (result i32)
    (local.set 1 (i32.xor (local.get 0) (i32.rotl (local.get 1) (local.get 2))))
    (i32.add (local.get 1) (local.get 0)))
  ;; the rotate below a local: not fused, same value
  (func (export "below") (param i32 i32 i32) (result i32)
    (i32.xor (i32.rotl (local.get 1) (local.get 2)) (local.get 0)))
  (func (export "xor_shr") (param i32 i32 i32) (result i32)
    (i32.xor (local.get 0) (i32.shr_u (local.get 1) (local.get 2))))
  ;; SHA-256's small sigma: rotl ^ rotl ^ shr_u, folded into a local.set
  (func (export "small_sigma") (param i32 i32 i32) (result i32)
    (local.set 0 (i32.xor (i32.xor (i32.rotl (local.get 1) (i32.const 25)) (i32.rotl (local.get 1) (i32.const 14)))
             (i32.shr_u (local.get 1) (local.get 2))))
    (local.get 0))
  ;; the rotate in place on a temporary
  (func (export "temp") (param i32 i32 i32) (result i32)
    (i32.xor (local.get 0) (i32.rotl (i32.add (local.get 1) (local.get 0)) (local.get 2))))
)"#;

/// What an export returns for `(a, x, k)`.
type Model = fn(u32, u32, u32) -> u32;

#[test]
fn xor_shift_matches_plain_arithmetic() {
    let (mut store, inst) = common::instantiate_wat(SRC, None);
    let cases: [(&str, Model); 7] = [
        ("xor_shr", |a, x, k| a ^ (x >> (k % 32))),
        ("small_sigma", |_, x, k| {
            x.rotate_left(25) ^ x.rotate_left(14) ^ (x >> (k % 32))
        }),
        ("xor_rotl", |a, x, k| a ^ x.rotate_left(k % 32)),
        ("sigma", |_, x, k| {
            x.rotate_left(26) ^ x.rotate_left(21) ^ x.rotate_left(k % 32)
        }),
        ("set", |a, x, k| (a ^ x.rotate_left(k % 32)).wrapping_add(a)),
        ("below", |a, x, k| a ^ x.rotate_left(k % 32)),
        ("temp", |a, x, k| a ^ x.wrapping_add(a).rotate_left(k % 32)),
    ];
    let vals = [0u32, 1, 0x8000_0001, 0xdead_beef, u32::MAX];
    let counts = [0u32, 1, 7, 31, 32, 45, u32::MAX];
    for (name, model) in cases {
        let f = inst
            .get_typed_func::<(i32, i32, i32), i32>(&store, name)
            .unwrap();
        for a in vals {
            for x in vals {
                for k in counts {
                    let got = f.call(&mut store, (a as i32, x as i32, k as i32)).unwrap();
                    assert_eq!(got as u32, model(a, x, k), "{name}({a:#x}, {x:#x}, {k})");
                }
            }
        }
    }
}

/// An i32 compare.
type Compare = fn(i32, i32) -> bool;

/// The i32 compares a min/max select fuses with, and what they compute.
const CMPS: [(&str, Compare); 8] = [
    ("lt_s", |a, b| a < b),
    ("le_s", |a, b| a <= b),
    ("gt_s", |a, b| a > b),
    ("ge_s", |a, b| a >= b),
    ("lt_u", |a, b| (a as u32) < b as u32),
    ("le_u", |a, b| a as u32 <= b as u32),
    ("gt_u", |a, b| a as u32 > b as u32),
    ("ge_u", |a, b| a as u32 >= b as u32),
];

#[test]
fn min_max_selects_match_plain_selects() {
    // For each compare: `select(a, b, a cmp b)`, `select(b, a, a cmp b)`, the same against a
    // constant, and one folded into a local.set of an operand.
    let mut src = String::from("(module\n");
    for (op, _) in CMPS {
        src += &format!(
            "(func (export \"ab_{op}\") (param i32 i32) (result i32)
               (select (local.get 0) (local.get 1) (i32.{op} (local.get 0) (local.get 1))))
             (func (export \"ba_{op}\") (param i32 i32) (result i32)
               (select (local.get 1) (local.get 0) (i32.{op} (local.get 0) (local.get 1))))
             (func (export \"k_{op}\") (param i32 i32) (result i32)
               (select (local.get 0) (i32.const -128) (i32.{op} (local.get 0) (i32.const -128))))
             (func (export \"set_{op}\") (param i32 i32) (result i32)
               (local.set 1 (select (local.get 0) (local.get 1) (i32.{op} (local.get 0) (local.get 1))))
               (i32.sub (local.get 1) (local.get 0)))\n"
        );
    }
    src += ")";
    let (mut store, inst) = common::instantiate_wat(&src, None);
    let vals = [0, 1, -1, -128, 127, i32::MAX, i32::MIN, 0x7000_0000];
    for (op, cmp) in CMPS {
        let call = |store: &mut Store<()>, name: &str, a: i32, b: i32| {
            inst.get_typed_func::<(i32, i32), i32>(&*store, name)
                .unwrap()
                .call(store, (a, b))
                .unwrap()
        };
        for a in vals {
            for b in vals {
                let pick = |c: bool, x: i32, y: i32| if c { x } else { y };
                let c = cmp(a, b);
                assert_eq!(
                    call(&mut store, &format!("ab_{op}"), a, b),
                    pick(c, a, b),
                    "ab_{op}({a}, {b})"
                );
                assert_eq!(
                    call(&mut store, &format!("ba_{op}"), a, b),
                    pick(c, b, a),
                    "ba_{op}({a}, {b})"
                );
                let k = pick(cmp(a, -128), a, -128);
                assert_eq!(call(&mut store, &format!("k_{op}"), a, b), k, "k_{op}({a})");
                let set = pick(c, a, b).wrapping_sub(a);
                assert_eq!(
                    call(&mut store, &format!("set_{op}"), a, b),
                    set,
                    "set_{op}({a}, {b})"
                );
            }
        }
    }
}

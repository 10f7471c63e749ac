//! Fused stores store what the unfused wasm stores. A store whose address is an `i32.add` or
//! `x + imm` computed before the value becomes an indexed store (`Store8Idx`, `Store32Idx`)
//! unless something between could change what the add read or needs its result; a byte store
//! followed by a step of its address becomes `Store8Add`, and an indexed byte load whose
//! value only an indexed byte store uses, `Copy8Idx`. Each export reads the stored bytes
//! back with a plain load, compared with the same arithmetic in Rust (addresses wrap like
//! `i32.add`). A fusion that removed an add before a branch the translator patches by index
//! would also corrupt that branch (a wrong result, or a loop that runs out of fuel).

use embwit_runtime::*;

mod common;

const SRC: &str = r#"(module
  (memory 1)
  (func (export "s8") (param i32 i32) (result i32)
    (i32.store8 (i32.add (local.get 0) (local.get 1)) (i32.xor (local.get 0) (i32.const 0x5a)))
    (i32.load8_u (i32.add (local.get 0) (local.get 1))))
  (func (export "s32") (param i32 i32) (result i32)
    (i32.store (i32.add (local.get 0) (i32.const -3)) (i32.add (local.get 1) (i32.const 1)))
    (i32.load (i32.sub (local.get 0) (i32.const 3))))
  ;; the value's computation writes an address operand: the store uses the old one
  (func (export "tee") (param i32 i32) (result i32) (local i32)
    (local.set 2 (local.get 0))
    (i32.store8 (i32.add (local.get 0) (local.get 1)) (local.tee 0 (i32.const 9)))
    (i32.load8_u (i32.add (local.get 2) (local.get 1))))
  ;; an address operand in a temporary that the value then overwrites
  (func (export "temp") (param i32 i32) (result i32)
    (i32.store8 (i32.add (local.get 0) (i32.xor (local.get 1) (i32.const 0)))
                (i32.add (local.get 1) (i32.const 1)))
    (i32.load8_u (i32.add (local.get 0) (local.get 1))))
  ;; a br_if between the add and the value passes the address on as the block result
  (func (export "br") (param i32 i32) (result i32)
    (block (result i32)
      (i32.add (local.get 0) (local.get 1))
      (br_if 0 (i32.eqz (local.get 1)))
      (i32.const 5)
      (i32.store8)
      (i32.load8_u (i32.add (local.get 0) (local.get 1)))))
  ;; a byte store, then its address stepped: a fill of n bytes with stride s, returning the
  ;; final address (the step may be the address itself)
  (func (export "fill") (param i32 i32) (result i32) (local i32)
    (local.set 2 (i32.const 1000))
    (block (loop
      (br_if 1 (i32.eqz (local.get 0)))
      (i32.store8 offset=1 (local.get 2) (local.get 0))
      (local.set 2 (i32.add (local.get 2) (local.get 1)))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br 0)))
    (local.get 2))
  (func (export "double") (param i32 i32) (result i32)
    (i32.store8 (local.get 0) (local.get 1))
    (local.set 0 (i32.add (local.get 0) (local.get 0)))
    (local.get 0))
  ;; byte copies: an indexed load8_u whose value only the indexed store8 uses, and one whose
  ;; value is also kept in a local (not fused); each returns the byte copied, read back
  (func (export "copy") (param i32 i32) (result i32)
    (i32.store8 (i32.add (local.get 0) (i32.const 3)) (i32.load8_u (i32.add (local.get 1) (i32.const 1))))
    (i32.load8_u (i32.add (local.get 0) (i32.const 3))))
  (func (export "copy_tee") (param i32 i32) (result i32) (local i32)
    (i32.store8 (i32.add (local.get 0) (local.get 1)) (local.tee 2 (i32.load8_u (local.get 1))))
    (i32.add (local.get 2) (i32.load8_u (i32.add (local.get 0) (local.get 1)))))
  (func (export "peek") (param i32 i32) (result i32)
    (i32.load8_u (local.get 0)))
  ;; the address is the param of an if whose branch and saved param follow the add
  (func (export "if") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1))
    (if (param i32) (result i32) (local.get 1)
      (then (i32.const 7) (i32.store8) (i32.load8_u (i32.add (local.get 0) (local.get 1))))
      (else (drop) (i32.const -2))))
)"#;

/// What an export returns for `(a, b)`: `None` when the store traps out of bounds.
type Model = fn(i32, i32) -> Option<i32>;

/// The `n`-byte access at `ea` is in bounds (one 64 KiB page).
fn fits(ea: u32, n: u32) -> bool {
    u64::from(ea) + u64::from(n) <= 65536
}

/// The address `a + b`, wrapping like `i32.add`.
fn at(a: i32, b: i32) -> u32 {
    (a as u32).wrapping_add(b as u32)
}

/// The module, with fuel: a loop that does not end becomes a trap (each call needs a few
/// hundred units at most).
fn instantiate() -> (Store<()>, Instance) {
    common::instantiate_wat(SRC, Some(1 << 20))
}

#[test]
fn indexed_stores_match_plain_stores() {
    let (mut store, inst) = instantiate();
    let cases: [(&str, Model); 6] = [
        ("s8", |a, b| fits(at(a, b), 1).then_some((a ^ 0x5a) & 0xff)),
        ("s32", |a, b| {
            fits(at(a, -3), 4).then_some(b.wrapping_add(1))
        }),
        ("tee", |a, b| fits(at(a, b), 1).then_some(9)),
        ("temp", |a, b| {
            fits(at(a, b), 1).then_some(b.wrapping_add(1) & 0xff)
        }),
        ("br", |a, b| match b {
            0 => Some(a),
            _ => fits(at(a, b), 1).then_some(5),
        }),
        ("if", |a, b| match b {
            0 => Some(-2),
            _ => fits(at(a, b), 1).then_some(7),
        }),
    ];
    let vals = [0, 1, 3, 200, 65_532, 65_535, -1, -3, i32::MAX, i32::MIN];
    for (name, model) in cases {
        let f = inst
            .get_typed_func::<(i32, i32), i32>(&store, name)
            .unwrap();
        for a in vals {
            for b in vals {
                let got = f.call(&mut store, (a, b));
                match model(a, b) {
                    Some(v) => assert_eq!(got.unwrap(), v, "{name}({a}, {b})"),
                    None => assert_eq!(
                        got.unwrap_err().code(),
                        Some(TrapCode::MemoryOutOfBounds),
                        "{name}({a}, {b})"
                    ),
                }
            }
        }
    }
}

#[test]
fn stepped_stores_and_byte_copies_match_plain_ones() {
    let (mut store, inst) = instantiate();
    let call = |store: &mut Store<()>, name: &str, a: i32, b: i32| {
        inst.get_typed_func::<(i32, i32), i32>(&*store, name)
            .unwrap()
            .call(store, (a, b))
    };
    // Five bytes 5, 4, 3, 2, 1 at 1001, 1004, ...; the address ends at 1000 + 5 * 3.
    assert_eq!(call(&mut store, "fill", 5, 3).unwrap(), 1015);
    for k in 0..5 {
        assert_eq!(call(&mut store, "peek", 1001 + 3 * k, 0).unwrap(), 5 - k);
    }
    // The third byte is out of bounds (81001): the first two were stored.
    let trap = call(&mut store, "fill", 3, 40_000).unwrap_err();
    assert_eq!(trap.code(), Some(TrapCode::MemoryOutOfBounds));
    assert_eq!(call(&mut store, "peek", 41_001, 0).unwrap(), 2);
    // A step by the address itself.
    assert_eq!(call(&mut store, "double", 300, 77).unwrap(), 600);
    assert_eq!(call(&mut store, "peek", 300, 0).unwrap(), 77);
    let trap = call(&mut store, "double", 65_536, 1).unwrap_err();
    assert_eq!(trap.code(), Some(TrapCode::MemoryOutOfBounds));
    // Copies: 77 is at 300 (above); a trap on either side leaves the destination alone.
    assert_eq!(call(&mut store, "copy", 2000, 299).unwrap(), 77);
    assert_eq!(call(&mut store, "peek", 2003, 0).unwrap(), 77);
    assert_eq!(call(&mut store, "copy_tee", 1000, 300).unwrap(), 154);
    assert_eq!(call(&mut store, "peek", 1300, 0).unwrap(), 77);
    let trap = call(&mut store, "copy", 4000, 65_535).unwrap_err();
    assert_eq!(trap.code(), Some(TrapCode::MemoryOutOfBounds));
    assert_eq!(call(&mut store, "peek", 4003, 0).unwrap(), 0);
    let trap = call(&mut store, "copy", 65_533, 299).unwrap_err();
    assert_eq!(trap.code(), Some(TrapCode::MemoryOutOfBounds));
    // The source address wraps like i32.add: -1 + 1 is 0.
    assert_eq!(call(&mut store, "copy", 5000, -1).unwrap(), 0);
}

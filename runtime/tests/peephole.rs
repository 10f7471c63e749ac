//! Translator tests on the paths where peepholes go wrong: constant stores around labels, loop
//! back edges and joins; loop latches (`br_if` + `br`) next to other branches to the same
//! labels; branches to branches and to returns; plus random structured programs checked
//! against a direct evaluator written here. Each export is compared with the same computation
//! in Rust. (The peepholes these were written for were measured and left out: they cost
//! 1.8 KB of Cortex-M code for about 1 % of speed. The tests guard any future translator
//! shortcut on these paths.)

use embwit_runtime::*;

const KNOWN: &str = r#"(module
  ;; a declared local starts at zero; storing zero again (twice) changes nothing
  (func (export "init_zero") (param i32) (result i32) (local i32)
    (local.set 1 (i32.const 0))
    (block
      (br_if 0 (i32.lt_u (local.get 0) (i32.const 2)))
      (local.set 1 (i32.const 0))
      (local.set 1 (i32.add (local.get 1) (local.get 0))))
    (i32.add (local.get 1) (i32.const 1)))
  ;; params are not known to be zero
  (func (export "param") (param i32) (result i32)
    (local.set 0 (i32.const 0))
    (local.get 0))
  ;; the back edge brings x = 7 to the store of zero at the loop head
  (func (export "loop_head") (param i32) (result i32) (local i32 i32)
    (loop
      (local.set 1 (i32.const 0))
      (local.set 2 (i32.add (local.get 2) (local.get 1)))
      (local.set 1 (i32.const 7))
      (local.set 2 (i32.add (local.get 2) (local.get 1)))
      (br_if 0 (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (local.get 2))
  ;; the same, with x known zero before the loop
  (func (export "loop_before") (param i32) (result i32) (local i32 i32)
    (local.set 1 (i32.const 0))
    (loop
      (local.set 1 (i32.const 0))
      (local.set 2 (i32.add (local.get 2) (local.get 1)))
      (local.set 1 (i32.const 7))
      (local.set 2 (i32.add (local.get 2) (local.get 1)))
      (br_if 0 (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (local.get 2))
  ;; a join after an if: one path changed x
  (func (export "join_if") (param i32) (result i32) (local i32)
    (local.set 1 (i32.const 3))
    (if (local.get 0) (then (local.set 1 (i32.const 5))))
    (local.set 1 (i32.const 3))
    (local.get 1))
  ;; ... and after an if/else
  (func (export "join_else") (param i32) (result i32) (local i32)
    (local.set 1 (i32.const 3))
    (if (local.get 0)
      (then (local.set 1 (i32.const 3)))
      (else (local.set 1 (i32.const 4))))
    (local.set 1 (i32.const 3))
    (local.get 1))
  ;; a br_if out of a block: the end label joins the path that left with x = 3
  (func (export "join_br_if") (param i32) (result i32) (local i32)
    (block
      (local.set 1 (i32.const 3))
      (br_if 0 (local.get 0))
      (local.set 1 (i32.const 4)))
    (local.set 1 (i32.const 4))
    (local.get 1))
  ;; a br_table to two blocks, each leaving another value in x
  (func (export "join_br_table") (param i32) (result i32) (local i32)
    (block
      (block
        (local.set 1 (i32.const 1))
        (br_table 0 1 (local.get 0)))
      (local.set 1 (i32.const 2)))
    (local.set 1 (i32.const 2))
    (local.get 1))
  ;; the then-branch is reached only from the if, where x = 3 is known
  (func (export "then_known") (param i32) (result i32) (local i32)
    (local.set 1 (i32.const 3))
    (if (local.get 0)
      (then (local.set 1 (i32.const 3))
            (local.set 1 (i32.add (local.get 1) (i32.const 1)))))
    (local.get 1))
  ;; tee of the constant the local holds, its old value still on the stack: 5 + 5
  (func (export "tee_same") (param i32) (result i32) (local i32)
    (local.set 1 (i32.const 5))
    (local.get 1)
    (local.tee 1 (i32.const 5))
    (i32.add)
    (local.get 0)
    (i32.add))
  ;; tee of another constant, the old value still on the stack: 5 - 6, then x = 6
  (func (export "tee_other") (param i32) (result i32) (local i32)
    (local.set 1 (i32.const 5))
    (local.get 1)
    (local.tee 1 (i32.const 6))
    (i32.sub)
    (local.get 1)
    (i32.mul))
  ;; a copy of a known local carries its value; a computed store forgets it
  (func (export "copy_known") (param i32) (result i32) (local i32 i32)
    (local.set 2 (local.get 0))
    (local.set 2 (i32.const 9))
    (local.set 1 (i32.const 9))
    (local.set 2 (local.get 1))
    (local.set 2 (i32.const 9))
    (local.set 1 (i32.add (local.get 0) (i32.const 1)))
    (local.set 1 (i32.const 9))
    (i32.add (i32.mul (local.get 1) (i32.const 100)) (local.get 2)))
  ;; a call in between does not touch the caller's locals
  (func $id (param i32) (result i32) (local.get 0))
  (func (export "across_call") (param i32) (result i32) (local i32)
    (local.set 1 (i32.const 2))
    (drop (call $id (local.get 0)))
    (local.set 1 (i32.const 2))
    (local.set 1 (call $id (local.get 0)))
    (local.set 1 (i32.const 2))
    (i32.add (local.get 1) (call $id (local.get 0))))
  ;; more constant locals than are tracked: the untracked store still ends the known zero
  (func (export "many") (param i32) (result i32)
    (local i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)
    (local.set 1 (i32.const 1)) (local.set 2 (i32.const 2)) (local.set 3 (i32.const 3))
    (local.set 4 (i32.const 4)) (local.set 5 (i32.const 5)) (local.set 6 (i32.const 6))
    (local.set 7 (i32.const 7)) (local.set 8 (i32.const 8)) (local.set 9 (i32.const 9))
    (local.set 10 (i32.const 10))
    (local.set 10 (i32.const 0))
    (local.set 11 (i32.add (local.get 0) (i32.const 1)))
    (local.set 11 (i32.const 0))
    (local.set 1 (i32.const 1))
    (i32.add (i32.mul (local.get 10) (i32.const 1000))
      (i32.add (i32.mul (local.get 11) (i32.const 100)) (local.get 1))))
  ;; -0.0 is not the zero cell: the store must happen
  (func (export "neg_zero") (param i32) (result i64) (local f64)
    (local.set 1 (f64.const -0))
    (i64.reinterpret_f64 (local.get 1)))
  ;; an i64 zero into a zeroed i64 local, then a 64-bit constant twice
  (func (export "i64") (param i32) (result i64) (local i64)
    (local.set 1 (i64.const 0))
    (local.set 1 (i64.add (local.get 1) (i64.extend_i32_u (local.get 0))))
    (local.set 1 (i64.const 0x1_0000_0002))
    (local.set 1 (i64.const 0x1_0000_0002))
    (i64.add (local.get 1) (i64.extend_i32_u (local.get 0))))
)"#;

fn instance(src: &str) -> (Store<()>, Instance) {
    instance_with(src, false)
}

fn instance_with(src: &str, fuel: bool) -> (Store<()>, Instance) {
    let mut config = Config::default();
    config.consume_fuel(fuel);
    let engine = Engine::new(&config);
    let module = Module::new(&engine, &wat::parse_str(src).unwrap()).unwrap();
    let mut store = Store::new(&engine, ());
    if fuel {
        store.set_fuel(1_000_000_000).unwrap();
    }
    let inst = Linker::<()>::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    (store, inst)
}

const ARGS: [i32; 8] = [0, 1, 2, 3, 7, -1, i32::MAX, i32::MIN];

#[test]
fn known_constant_stores_keep_semantics() {
    let (mut store, inst) = instance(KNOWN);
    type F = fn(i32) -> i32;
    let cases: [(&str, F); 12] = [
        ("init_zero", |a| {
            if (a as u32) < 2 { 1 } else { a.wrapping_add(1) }
        }),
        ("param", |_| 0),
        ("join_if", |_| 3),
        ("join_else", |_| 3),
        ("join_br_if", |_| 4),
        ("join_br_table", |_| 2),
        ("then_known", |a| if a != 0 { 4 } else { 3 }),
        ("tee_same", |a| 10i32.wrapping_add(a)),
        ("tee_other", |_| -6),
        ("copy_known", |_| 909),
        ("across_call", |a| a.wrapping_add(2)),
        ("many", |_| 1),
    ];
    for (name, expect) in cases {
        let f = inst.get_typed_func::<i32, i32>(&store, name).unwrap();
        for a in ARGS {
            assert_eq!(f.call(&mut store, a).unwrap(), expect(a), "{name}({a})");
        }
    }
    for name in ["loop_head", "loop_before"] {
        let f = inst.get_typed_func::<i32, i32>(&store, name).unwrap();
        for n in [1, 2, 5, 40] {
            assert_eq!(f.call(&mut store, n).unwrap(), 7 * n, "{name}({n})");
        }
    }
    let f = inst.get_typed_func::<i32, i64>(&store, "neg_zero").unwrap();
    assert_eq!(f.call(&mut store, 0).unwrap(), (-0.0f64).to_bits() as i64);
    let f = inst.get_typed_func::<i32, i64>(&store, "i64").unwrap();
    for a in ARGS {
        let want = 0x1_0000_0002i64 + (a as u32 as i64);
        assert_eq!(f.call(&mut store, a).unwrap(), want, "i64({a})");
    }
}

type Cmp = fn(i32, i32) -> bool;

/// The compares a latch can end with, as wat and as Rust.
const CMPS: [(&str, Cmp); 12] = [
    ("eq", |x, y| x == y),
    ("ne", |x, y| x != y),
    ("lt_s", |x, y| x < y),
    ("lt_u", |x, y| (x as u32) < (y as u32)),
    ("gt_s", |x, y| x > y),
    ("gt_u", |x, y| (x as u32) > (y as u32)),
    ("le_s", |x, y| x <= y),
    ("le_u", |x, y| (x as u32) <= (y as u32)),
    ("ge_s", |x, y| x >= y),
    ("ge_u", |x, y| (x as u32) >= (y as u32)),
    ("eqz", |x, y| x.wrapping_sub(y) == 0),
    ("nez", |x, y| x.wrapping_sub(y) != 0),
];

/// Loops that leave by `br_if` and continue by a `br` right after it, one per compare: k
/// counts up from 1 until `a + k CMP b` holds (or k reaches 100).
fn latch_module() -> String {
    let mut m = String::from("(module\n");
    for (name, _) in CMPS {
        let cond = match name {
            "eqz" => {
                "(i32.eqz (i32.sub (i32.add (local.get 0) (local.get 2)) (local.get 1)))".into()
            }
            "nez" => "(i32.sub (i32.add (local.get 0) (local.get 2)) (local.get 1))".into(),
            op => format!("(i32.{op} (i32.add (local.get 0) (local.get 2)) (local.get 1))"),
        };
        m += &format!(
            r#"  (func (export "{name}") (param i32 i32) (result i32) (local i32)
    (block (loop
      (br_if 1 (i32.ge_u (local.get 2) (i32.const 100)))
      (local.set 2 (i32.add (local.get 2) (i32.const 1)))
      (br_if 1 {cond})
      (br 0)))
    (local.get 2))
"#
        );
    }
    m += LATCH_SHAPES;
    m + ")"
}

const LATCH_SHAPES: &str = r#"
  ;; two exits to the same label, the second one the latch
  (func (export "two_exits") (param i32 i32) (result i32) (local i32)
    (block (loop
      (local.set 2 (i32.add (local.get 2) (i32.const 1)))
      (br_if 1 (i32.eq (local.get 2) (local.get 0)))
      (br_if 1 (i32.ge_u (local.get 2) (local.get 1)))
      (br 0)))
    (local.get 2))
  ;; the br to the loop is also the end of block $b, which a br_if targets: no inversion
  (func (export "target_br") (param i32 i32) (result i32) (local i32 i32)
    (block $exit
      (loop $l
        (local.set 2 (i32.add (local.get 2) (i32.const 1)))
        (block $b
          (br_if $b (i32.and (local.get 2) (i32.const 1)))
          (local.set 3 (i32.add (local.get 3) (local.get 2)))
          (br_if $exit (i32.ge_u (local.get 2) (local.get 0))))
        (br $l)))
    (local.get 3))
  ;; ... and which a br_table entry targets
  (func (export "table_br") (param i32 i32) (result i32) (local i32 i32)
    (block $exit
      (loop $l
        (local.set 2 (i32.add (local.get 2) (i32.const 1)))
        (block $b
          (block $c
            (br_table $c $b $c $b
              (i32.and (i32.add (local.get 0) (local.get 2)) (i32.const 3))))
          (local.set 3 (i32.add (local.get 3) (local.get 2)))
          (br_if $exit (i32.ge_u (local.get 2) (local.get 1))))
        (br $l)))
    (local.get 3))
  ;; a loop with a param and a result, the exit carrying the value: 3n
  (func (export "loop_params") (param i32 i32) (result i32)
    (block $exit (result i32)
      (i32.const 0)
      (loop $l (param i32) (result i32)
        (i32.add (i32.const 3))
        (br_if $exit (i32.eqz (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
        (br $l))))
  ;; `if c then br $l`: the if's own branch is the latch's conditional
  (func (export "if_br") (param i32 i32) (result i32) (local i32)
    (loop $l
      (local.set 2 (i32.add (local.get 2) (i32.const 2)))
      (if (i32.lt_u (local.get 2) (local.get 0)) (then (br $l))))
    (local.get 2))
  ;; an if with a param (saved before its branch), its then-branch a br to the loop
  (func (export "if_param_br") (param i32 i32) (result i32) (local i32)
    (loop $l
      (local.set 2 (i32.add (local.get 2) (i32.const 1)))
      (i32.const 7)
      (if (param i32) (result i32) (i32.lt_u (local.get 2) (local.get 0))
        (then (drop) (br $l)))
      (local.get 1)
      (i32.add)
      (local.set 1))
    (i32.add (local.get 1) (local.get 2)))
  ;; ... with an else
  (func (export "if_else_br") (param i32 i32) (result i32) (local i32 i32)
    (loop $l
      (local.set 2 (i32.add (local.get 2) (i32.const 1)))
      (if (i32.and (local.get 2) (i32.const 1))
        (then (br $l))
        (else (local.set 3 (i32.add (local.get 3) (local.get 2)))))
      (br_if $l (i32.lt_u (local.get 2) (local.get 0))))
    (local.get 3))
"#;

#[test]
fn inverted_latches_keep_semantics() {
    check_latches(false);
}

/// With fuel metering on, loop heads start with a fuel charge: the rewritten branches still
/// land on it.
#[test]
fn inverted_latches_keep_semantics_with_fuel() {
    check_latches(true);
}

fn check_latches(fuel: bool) {
    let (mut store, inst) = instance_with(&latch_module(), fuel);
    let vals = [0, 1, 3, 50, -1, -50, i32::MAX - 10, i32::MIN + 3, i32::MIN];
    for (name, cmp) in CMPS {
        let f = inst
            .get_typed_func::<(i32, i32), i32>(&store, name)
            .unwrap();
        for a in vals {
            for b in vals {
                let mut k = 0i32;
                while k < 100 {
                    k += 1;
                    if cmp(a.wrapping_add(k), b) {
                        break;
                    }
                }
                assert_eq!(f.call(&mut store, (a, b)).unwrap(), k, "{name}({a}, {b})");
            }
        }
    }
    type F = fn(i32, i32) -> i32;
    let shapes: [(&str, F); 7] = [
        ("two_exits", |a, b| {
            let mut k = 0;
            loop {
                k += 1;
                if k == a || k as u32 >= b as u32 {
                    return k;
                }
            }
        }),
        ("target_br", |a, _| {
            let (mut k, mut s) = (0, 0);
            loop {
                k += 1;
                if k & 1 == 0 {
                    s += k;
                    if k >= a {
                        return s;
                    }
                }
            }
        }),
        ("table_br", |a, b| {
            let (mut k, mut s) = (0i32, 0);
            loop {
                k += 1;
                if a.wrapping_add(k) & 1 == 0 {
                    s += k;
                    if k >= b {
                        return s;
                    }
                }
            }
        }),
        ("loop_params", |a, _| 3 * a),
        ("if_param_br", |a, b| b + 7 + a.max(1)),
        ("if_br", |a, _| {
            let mut k = 0;
            loop {
                k += 2;
                if k >= a {
                    return k;
                }
            }
        }),
        ("if_else_br", |a, _| {
            let (mut k, mut s) = (0, 0);
            loop {
                k += 1;
                if k & 1 == 0 {
                    s += k;
                    if k >= a {
                        return s;
                    }
                }
            }
        }),
    ];
    for (name, expect) in shapes {
        let f = inst
            .get_typed_func::<(i32, i32), i32>(&store, name)
            .unwrap();
        for a in [1, 2, 3, 8, 21] {
            for b in [0, 1, 4, 9, 20] {
                let want = expect(a, b);
                assert_eq!(
                    f.call(&mut store, (a, b)).unwrap(),
                    want,
                    "{name}({a}, {b})"
                );
            }
        }
    }
}

const THREAD: &str = r#"(module
  ;; the end of $c is a br to $a: the br_if to $c goes to $a's end directly
  (func (export "chain") (param i32) (result i32) (local i32)
    (block $a
      (block $b
        (block $c
          (br_if $c (i32.eqz (local.get 0)))
          (local.set 1 (i32.const 1))
          (br $b))
        (br $a))
      (local.set 1 (i32.add (local.get 1) (i32.const 2))))
    (local.get 1))
  ;; brs to the function's final return, which reads a local set on each path
  (func (export "to_return") (param i32) (result i32) (local i32)
    (block $out
      (local.set 1 (i32.const 10))
      (br_if $out (i32.eq (local.get 0) (i32.const 1)))
      (local.set 1 (i32.const 20))
      (if (i32.eq (local.get 0) (i32.const 2))
        (then (local.set 1 (i32.const 30)) (br $out)))
      (local.set 1 (i32.const 40)))
    (local.get 1))
  ;; a br_table entry to a block whose end is a br
  (func (export "table") (param i32) (result i32) (local i32)
    (block $x
      (block $y
        (block $z
          (br_table $z $y $x (local.get 0)))
        (br $x))
      (local.set 1 (i32.const 7)))
    (i32.add (local.get 1) (i32.const 1)))
  ;; two results: the return sequence moves values, so the br is kept
  (func (export "two") (param i32) (result i32 i32) (local i32)
    (block $out
      (local.set 1 (i32.const 3))
      (br_if $out (local.get 0))
      (local.set 1 (i32.const 4)))
    (local.get 1)
    (local.get 0))
  ;; br_if to labels without values while other values sit on the stack (a constant, a
  ;; local, a temporary): a direct conditional branch, the values discarded when taken
  (func (export "leftover") (param i32) (result i32) (local i32)
    (block $out
      (local.set 1
        (i32.add (i32.const 100)
          (i32.add (local.get 0)
            (i32.add (i32.mul (local.get 0) (i32.const 0))
              (block (result i32)
                (loop $l
                  (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
                  (br_if $out (i32.eqz (local.get 0)))
                  (br_if $l (i32.and (local.get 0) (i32.const 1))))
                (local.get 0)))))))
    (local.get 1))
  ;; ... and a br_table over such labels
  (func (export "leftover_table") (param i32) (result i32) (local i32)
    (local.set 1 (i32.const 9))
    (block $a
      (block $b
        (i32.const 100)
        (local.get 0)
        (block $c (br_table $a $b $c (local.get 0)))
        (i32.add)
        (local.set 1)
        (br $a))
      (local.set 1 (i32.const 50)))
    (local.get 1))
  ;; endless unless a != 0 (the latch becomes a branch back to the loop head itself)
  (func (export "spin") (param i32) (result i32)
    (block (loop (br_if 1 (local.get 0)) (br 0)))
    (i32.const 5))
)"#;

#[test]
fn threaded_jumps_keep_semantics() {
    for fuel in [false, true] {
        let (mut store, inst) = instance_with(THREAD, fuel);
        type F = fn(i32) -> i32;
        let cases: [(&str, F); 5] = [
            ("chain", |a| if a == 0 { 0 } else { 3 }),
            ("to_return", |a| match a {
                1 => 10,
                2 => 30,
                _ => 40,
            }),
            ("table", |a| if a == 1 { 8 } else { 1 }),
            ("leftover", |a0| {
                let mut a = a0;
                loop {
                    a = a.wrapping_sub(1);
                    if a == 0 {
                        break 0;
                    }
                    if a & 1 == 0 {
                        break 100i32.wrapping_add(a0).wrapping_add(a);
                    }
                }
            }),
            ("leftover_table", |a| match a {
                0 => 9,
                1 => 50,
                _ => 100i32.wrapping_add(a),
            }),
        ];
        for (name, expect) in cases {
            let f = inst.get_typed_func::<i32, i32>(&store, name).unwrap();
            for a in ARGS {
                assert_eq!(f.call(&mut store, a).unwrap(), expect(a), "{name}({a})");
            }
        }
        let two = inst
            .get_typed_func::<i32, (i32, i32)>(&store, "two")
            .unwrap();
        for a in ARGS {
            let want = (if a != 0 { 3 } else { 4 }, a);
            assert_eq!(two.call(&mut store, a).unwrap(), want, "two({a})");
        }
        let spin = inst.get_typed_func::<i32, i32>(&store, "spin").unwrap();
        assert_eq!(spin.call(&mut store, 1).unwrap(), 5);
        if fuel {
            store.set_fuel(10_000).unwrap();
            let err = spin.call(&mut store, 0).unwrap_err();
            assert_eq!(err.code(), Some(TrapCode::OutOfFuel));
        }
    }
}

/// Random structured programs (blocks, loops, ifs, br/br_if/br_table to any label, constant
/// and computed stores, tees), run by embwit and by a direct evaluator of the same program.
/// Loops are bounded by a step budget in local 7, which the program only reads.
mod random {
    pub struct Rng(pub u64);
    impl Rng {
        pub fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        pub fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    pub enum Expr {
        Const(i32),
        Local(u32),
        Bin(&'static str, Box<Expr>, Box<Expr>),
        Eqz(Box<Expr>),
        Tee(u32, Box<Expr>),
    }

    pub enum Stmt {
        Set(u32, Expr),
        Block(Vec<Stmt>),
        /// A budget-checked loop: labels (inside the body) 0 = loop head, 1 = exit.
        Loop(Vec<Stmt>),
        If(Expr, Vec<Stmt>, Vec<Stmt>),
        Br(u32),
        BrIf(u32, Expr),
        BrTable(Vec<u32>, u32, Expr),
    }

    const BINS: [&str; 11] = [
        "add", "sub", "xor", "and", "eq", "ne", "lt_s", "lt_u", "gt_u", "ge_s", "le_u",
    ];
    const CONSTS: [i32; 5] = [0, 1, 2, -1, 5];
    /// Locals 0..=2 are params, 3..=6 declared, 7 the loop budget (read-only for the program).
    const WRITABLE: u64 = 7;

    pub fn expr(r: &mut Rng, d: u32) -> Expr {
        match if d == 0 { r.below(2) } else { r.below(6) } {
            0 => Expr::Const(CONSTS[r.below(5) as usize]),
            1 => Expr::Local(r.below(8) as u32),
            2 | 3 => Expr::Bin(
                BINS[r.below(BINS.len() as u64) as usize],
                Box::new(expr(r, d - 1)),
                Box::new(expr(r, d - 1)),
            ),
            4 => Expr::Eqz(Box::new(expr(r, d - 1))),
            _ => Expr::Tee(r.below(WRITABLE) as u32, Box::new(expr(r, d - 1))),
        }
    }

    /// A statement list inside `labels` enclosing labels.
    pub fn stmts(r: &mut Rng, d: u32, labels: u32) -> Vec<Stmt> {
        let n = r.below(5) + 1;
        (0..n).map(|_| stmt(r, d, labels)).collect()
    }

    fn stmt(r: &mut Rng, d: u32, labels: u32) -> Stmt {
        let k = if d == 0 { r.below(4) } else { r.below(10) };
        match k {
            0 | 1 => {
                let l = r.below(WRITABLE) as u32;
                // Mostly constants, so stores of known values are common.
                if r.below(3) > 0 {
                    Stmt::Set(l, Expr::Const(CONSTS[r.below(3) as usize]))
                } else {
                    Stmt::Set(l, expr(r, 2))
                }
            }
            2 => Stmt::BrIf(r.below(labels as u64) as u32, expr(r, 2)),
            3 => Stmt::Br(r.below(labels as u64) as u32),
            4 | 5 => Stmt::Loop(stmts(r, d - 1, labels + 2)),
            6 => Stmt::Block(stmts(r, d - 1, labels + 1)),
            7 => Stmt::If(
                expr(r, 2),
                stmts(r, d - 1, labels + 1),
                stmts(r, d - 1, labels + 1),
            ),
            8 => {
                let t = (0..r.below(4)).map(|_| r.below(labels as u64) as u32);
                Stmt::BrTable(t.collect(), r.below(labels as u64) as u32, expr(r, 1))
            }
            _ => Stmt::Set(r.below(WRITABLE) as u32, expr(r, 3)),
        }
    }

    pub fn wat_expr(e: &Expr, out: &mut String) {
        match e {
            Expr::Const(c) => *out += &format!("(i32.const {c})"),
            Expr::Local(l) => *out += &format!("(local.get {l})"),
            Expr::Bin(op, a, b) => {
                *out += &format!("(i32.{op} ");
                wat_expr(a, out);
                wat_expr(b, out);
                *out += ")";
            }
            Expr::Eqz(a) => {
                *out += "(i32.eqz ";
                wat_expr(a, out);
                *out += ")";
            }
            Expr::Tee(l, a) => {
                *out += &format!("(local.tee {l} ");
                wat_expr(a, out);
                *out += ")";
            }
        }
    }

    /// Whether a loop's head runs code before its budget check (half the loops: the
    /// translator copies such code to back edges).
    fn mixes(body: &[Stmt]) -> bool {
        body.len().is_multiple_of(2)
    }

    pub fn wat(s: &[Stmt], out: &mut String) {
        for s in s {
            match s {
                Stmt::Set(l, e) => {
                    *out += &format!("(local.set {l} ");
                    wat_expr(e, out);
                    *out += ")\n";
                }
                Stmt::Block(b) => {
                    *out += "(block\n";
                    wat(b, out);
                    *out += ")\n";
                }
                Stmt::Loop(b) => {
                    *out += "(block (loop\n";
                    if mixes(b) {
                        *out += "(local.set 6 (i32.xor (local.get 6) (local.get 7)))\n";
                    }
                    *out += "(br_if 1 (i32.eqz (local.get 7)))\n";
                    *out += "(local.set 7 (i32.sub (local.get 7) (i32.const 1)))\n";
                    wat(b, out);
                    *out += "))\n";
                }
                Stmt::If(c, t, e) => {
                    *out += "(if ";
                    wat_expr(c, out);
                    *out += "\n(then\n";
                    wat(t, out);
                    *out += ")\n(else\n";
                    wat(e, out);
                    *out += "))\n";
                }
                Stmt::Br(d) => *out += &format!("(br {d})\n"),
                Stmt::BrIf(d, c) => {
                    *out += &format!("(br_if {d} ");
                    wat_expr(c, out);
                    *out += ")\n";
                }
                Stmt::BrTable(t, d, c) => {
                    *out += "(br_table";
                    for x in t {
                        *out += &format!(" {x}");
                    }
                    *out += &format!(" {d} ");
                    wat_expr(c, out);
                    *out += ")\n";
                }
            }
        }
    }

    fn bin(op: &str, a: i32, b: i32) -> i32 {
        let (ua, ub) = (a as u32, b as u32);
        match op {
            "add" => a.wrapping_add(b),
            "sub" => a.wrapping_sub(b),
            "xor" => a ^ b,
            "and" => a & b,
            "eq" => (a == b) as i32,
            "ne" => (a != b) as i32,
            "lt_s" => (a < b) as i32,
            "lt_u" => (ua < ub) as i32,
            "gt_u" => (ua > ub) as i32,
            "ge_s" => (a >= b) as i32,
            _ => (ua <= ub) as i32,
        }
    }

    pub fn eval_expr(e: &Expr, l: &mut [i32; 8]) -> i32 {
        match e {
            Expr::Const(c) => *c,
            Expr::Local(x) => l[*x as usize],
            Expr::Bin(op, a, b) => {
                let a = eval_expr(a, l);
                let b = eval_expr(b, l);
                bin(op, a, b)
            }
            Expr::Eqz(a) => (eval_expr(a, l) == 0) as i32,
            Expr::Tee(x, a) => {
                let v = eval_expr(a, l);
                l[*x as usize] = v;
                v
            }
        }
    }

    /// `None`: fell through; `Some(n)`: a branch to the `n`th enclosing label.
    pub fn eval(s: &[Stmt], l: &mut [i32; 8]) -> Option<u32> {
        for s in s {
            let flow = match s {
                Stmt::Set(x, e) => {
                    l[*x as usize] = eval_expr(e, l);
                    None
                }
                Stmt::Block(b) => match eval(b, l) {
                    None | Some(0) => None,
                    Some(n) => Some(n - 1),
                },
                Stmt::Loop(b) => loop {
                    if mixes(b) {
                        l[6] ^= l[7];
                    }
                    if l[7] == 0 {
                        break None;
                    }
                    l[7] -= 1;
                    match eval(b, l) {
                        Some(0) => continue,
                        None | Some(1) => break None,
                        Some(n) => break Some(n - 2),
                    }
                },
                Stmt::If(c, t, e) => {
                    let c = eval_expr(c, l);
                    match eval(if c != 0 { t } else { e }, l) {
                        None | Some(0) => None,
                        Some(n) => Some(n - 1),
                    }
                }
                Stmt::Br(d) => Some(*d),
                Stmt::BrIf(d, c) => (eval_expr(c, l) != 0).then_some(*d),
                Stmt::BrTable(t, d, c) => {
                    let i = eval_expr(c, l) as u32 as usize;
                    Some(t.get(i).copied().unwrap_or(*d))
                }
            };
            if flow.is_some() {
                return flow;
            }
        }
        None
    }
}

#[test]
fn random_programs_match_an_evaluator() {
    use random::*;
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    let args = [[0, 0, 0], [1, 2, 3], [-1, 5, 0], [7, -3, 1 << 31]];
    for fuel in [false, true] {
        for round in 0..40 {
            let progs: Vec<Vec<Stmt>> = (0..20).map(|_| stmts(&mut r, 3, 1)).collect();
            let mut m = String::from("(module\n");
            for (i, p) in progs.iter().enumerate() {
                m += &format!(
                    "(func (export \"f{i}\") (param i32 i32 i32) (result i32) \
                     (local i32 i32 i32 i32 i32)\n(local.set 7 (i32.const 60))\n(block\n"
                );
                random::wat(p, &mut m);
                // Odd functions return one local (a plain `Return` after the block's end).
                m += &if i % 2 == 1 {
                    format!(")\n(local.get {}))\n", i % 8)
                } else {
                    ")\n(i32.add (i32.mul (local.get 0) (i32.const 3)) (i32.xor (local.get 1) \
                      (i32.add (local.get 2) (i32.add (local.get 3) (i32.xor (local.get 4) \
                      (i32.add (local.get 5) (i32.sub (local.get 6) (local.get 7)))))))))\n"
                        .to_string()
                };
            }
            m += ")";
            let (mut store, inst) = instance_with(&m, fuel);
            for (i, p) in progs.iter().enumerate() {
                let f = inst
                    .get_typed_func::<(i32, i32, i32), i32>(&store, &format!("f{i}"))
                    .unwrap();
                for a in args {
                    let mut l = [a[0], a[1], a[2], 0, 0, 0, 0, 60];
                    let _ = eval(p, &mut l);
                    let want =
                        if i % 2 == 1 {
                            l[i % 8]
                        } else {
                            (l[0].wrapping_mul(3)).wrapping_add(
                                l[1] ^ l[2].wrapping_add(l[3].wrapping_add(
                                    l[4] ^ l[5].wrapping_add(l[6].wrapping_sub(l[7])),
                                )),
                            )
                        };
                    let got = f.call(&mut store, (a[0], a[1], a[2])).unwrap();
                    assert_eq!(got, want, "round {round} f{i}{a:?} fuel={fuel}:\n{m}");
                }
            }
        }
    }
}

//! Fused bit operations compute what the unfused wasm computes: `a ^ rotl(x, k)`
//! (`I32XorRotl`), checked against Rust over operands and counts that wrap.

use embwit_runtime::*;

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
  ;; the rotate in place on a temporary
  (func (export "temp") (param i32 i32 i32) (result i32)
    (i32.xor (local.get 0) (i32.rotl (i32.add (local.get 1) (local.get 0)) (local.get 2))))
)"#;

/// What an export returns for `(a, x, k)`.
type Model = fn(u32, u32, u32) -> u32;

#[test]
fn xor_rotl_matches_plain_arithmetic() {
    let engine = Engine::default();
    let module = Module::new(&engine, &wat::parse_str(SRC).unwrap()).unwrap();
    let mut store = Store::new(&engine, ());
    let inst = Linker::<()>::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let cases: [(&str, Model); 5] = [
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

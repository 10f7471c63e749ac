//! End-to-end tests of the embedding API: host imports, typed calls, memory, traps, fuel,
//! limits and stack exhaustion.

use embwit_runtime::*;

fn wasm(src: &str) -> Vec<u8> {
    wat::parse_str(src).expect("valid wat")
}

const FIB: &str = r#"(module
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_s (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "loop_sum") (param i32) (result i64)
    (local i64)
    (block (loop
      (br_if 1 (i32.eqz (local.get 0)))
      (local.set 1 (i64.add (local.get 1) (i64.extend_i32_u (local.get 0))))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br 0)))
    (local.get 1))
  (func (export "spin") (loop (br 0)))
  (func $rec (export "rec") (param i32) (result i32)
    (i32.add (call $rec (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
)"#;

#[test]
fn fib_and_loops() {
    let engine = Engine::default();
    let module = Module::new(&engine, &wasm(FIB)).unwrap();
    let mut store = Store::new(&engine, ());
    let linker = Linker::<()>::new(&engine);
    let inst = linker.instantiate(&mut store, &module).unwrap();
    let fib = inst.get_typed_func::<i32, i32>(&store, "fib").unwrap();
    assert_eq!(fib.call(&mut store, 20).unwrap(), 6765);
    let sum = inst.get_typed_func::<i32, i64>(&store, "loop_sum").unwrap();
    assert_eq!(sum.call(&mut store, 100_000).unwrap(), 5_000_050_000);
}

#[test]
fn host_functions_and_reentrancy() {
    let src = r#"(module
      (import "env" "add" (func $add (param i32 i32) (result i32)))
      (import "env" "dyn" (func $dyn (param i32) (result i64)))
      (import "env" "reenter" (func $reenter (param i32) (result i32)))
      (memory (export "memory") 1)
      (func (export "double") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
      (func (export "run") (param i32) (result i64)
        (i64.add (i64.extend_i32_s (call $add (local.get 0) (i32.const 5)))
                 (call $dyn (call $reenter (local.get 0)))))
      (data (i32.const 8) "hello"))"#;
    let engine = Engine::default();
    let module = Module::new(&engine, &wasm(src)).unwrap();
    let mut store = Store::new(&engine, 0u32);
    let mut linker = Linker::<u32>::new(&engine);
    linker
        .func_wrap(
            "env",
            "add",
            |mut caller: Caller<'_, u32>, a: i32, b: i32| -> Result<i32, Trap> {
                *caller.data_mut() += 1;
                Ok(a + b)
            },
        )
        .unwrap();
    linker
        .func_new(
            "env",
            "dyn",
            FuncType::new([ValType::I32], [ValType::I64]),
            |_caller, params, results| {
                results[0] = Val::I64(params[0].i32().unwrap() as i64 * 1000);
                Ok(())
            },
        )
        .unwrap();
    linker
        .func_wrap(
            "env",
            "reenter",
            |mut caller: Caller<'_, u32>, x: i32| -> Result<i32, Trap> {
                let mem = caller.get_memory("memory").unwrap();
                let mut buf = [0u8; 5];
                mem.read(&caller, 8, &mut buf).unwrap();
                assert_eq!(&buf, b"hello");
                let f = caller.get_func("double").unwrap();
                let mut out = [Val::I32(0)];
                f.call(&mut caller, &[Val::I32(x)], &mut out)?;
                Ok(out[0].i32().unwrap())
            },
        )
        .unwrap();
    let inst = linker.instantiate(&mut store, &module).unwrap();
    let run = inst.get_typed_func::<i32, i64>(&store, "run").unwrap();
    assert_eq!(run.call(&mut store, 7).unwrap(), 12 + 14_000);
    assert_eq!(*store.data(), 1);
}

#[test]
fn traps_leave_store_usable() {
    let src = r#"(module
      (memory 1)
      (func (export "oob") (result i32) (i32.load (i32.const 65535)))
      (func (export "div") (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))
      (func (export "unreachable") unreachable)
      (func (export "ok") (result i32) (i32.const 42)))"#;
    let engine = Engine::default();
    let module = Module::new(&engine, &wasm(src)).unwrap();
    let mut store = Store::new(&engine, ());
    let inst = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let oob = inst.get_typed_func::<(), i32>(&store, "oob").unwrap();
    let t = oob.call(&mut store, ()).unwrap_err();
    assert_eq!(t.code(), Some(TrapCode::MemoryOutOfBounds));
    assert_eq!(t.func_index(), Some(0));
    assert!(t.code_offset().is_some());
    let div = inst.get_typed_func::<i32, i32>(&store, "div").unwrap();
    assert_eq!(
        div.call(&mut store, 0).unwrap_err().code(),
        Some(TrapCode::IntegerDivisionByZero)
    );
    assert_eq!(div.call(&mut store, 1).unwrap(), 1);
    let u = inst
        .get_typed_func::<(), ()>(&store, "unreachable")
        .unwrap();
    assert_eq!(
        u.call(&mut store, ()).unwrap_err().code(),
        Some(TrapCode::Unreachable)
    );
    // A second instance in the same store still works.
    let inst2 = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let ok = inst2.get_typed_func::<(), i32>(&store, "ok").unwrap();
    assert_eq!(ok.call(&mut store, ()).unwrap(), 42);
}

#[test]
fn fuel_exhaustion() {
    let mut config = Config::default();
    config.consume_fuel(true);
    let engine = Engine::new(&config);
    let module = Module::new(&engine, &wasm(FIB)).unwrap();
    let mut store = Store::new(&engine, ());
    store.set_fuel(10_000).unwrap();
    let inst = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let spin = inst.get_typed_func::<(), ()>(&store, "spin").unwrap();
    assert_eq!(
        spin.call(&mut store, ()).unwrap_err().code(),
        Some(TrapCode::OutOfFuel)
    );
    assert_eq!(store.get_fuel().unwrap(), 0);
    store.set_fuel(1_000_000).unwrap();
    let fib = inst.get_typed_func::<i32, i32>(&store, "fib").unwrap();
    assert_eq!(fib.call(&mut store, 10).unwrap(), 55);
    assert!(store.get_fuel().unwrap() < 1_000_000);
    // Fuel disabled: the accessors say so.
    let plain = Engine::default();
    let s2 = Store::new(&plain, ());
    assert!(s2.get_fuel().is_err());
}

/// Host calls at every depth of a wasm recursion that passes through frames of several shapes
/// (few locals, more than 4 cells, more than 8) and two instances: each host call leaves the
/// executor, and the returns then go through records pushed before it (checked again), the
/// others through the fast path. Locals must read as zero.
#[test]
fn host_calls_inside_recursion() {
    let a = r#"(module
      (import "env" "tick" (func $tick (param i32) (result i32)))
      (func $down (export "down") (param i32) (result i32)
        (if (result i32) (i32.eqz (local.get 0))
          (then (call $tick (i32.const 0)))
          (else (i32.add (call $tick (local.get 0))
                         (call $wide (i32.sub (local.get 0) (i32.const 1)))))))
      (func $wide (param i32) (result i32) (local i64 i64 i64 i64 i32)
        (local.set 5 (call $big (local.get 0) (i32.const 3)))
        (i32.add (local.get 5) (i32.wrap_i64 (local.get 1))))
      (func $big (param i32 i32) (result i32) (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
        (i32.sub (call $down (local.get 0))
                 (i32.wrap_i64 (i64.add (local.get 2) (local.get 11))))))"#;
    let b = r#"(module
      (import "a" "down" (func $down (param i32) (result i32)))
      (func (export "twice") (param i32) (result i32)
        (i32.add (call $down (local.get 0)) (call $down (local.get 0)))))"#;
    let engine = Engine::default();
    let mut store = Store::new(&engine, 0u32);
    let mut linker = Linker::<u32>::new(&engine);
    linker
        .func_wrap(
            "env",
            "tick",
            |mut caller: Caller<'_, u32>, x: i32| -> Result<i32, Trap> {
                *caller.data_mut() += 1;
                Ok(2 * x)
            },
        )
        .unwrap();
    let ia = linker
        .instantiate(&mut store, &Module::new(&engine, &wasm(a)).unwrap())
        .unwrap();
    let down = ia.get_func(&store, "down").unwrap();
    linker.define("a", "down", down).unwrap();
    let ib = linker
        .instantiate(&mut store, &Module::new(&engine, &wasm(b)).unwrap())
        .unwrap();
    let down = ia.get_typed_func::<i32, i32>(&store, "down").unwrap();
    assert_eq!(down.call(&mut store, 300).unwrap(), 300 * 301);
    assert_eq!(*store.data(), 301);
    let twice = ib.get_typed_func::<i32, i32>(&store, "twice").unwrap();
    assert_eq!(twice.call(&mut store, 50).unwrap(), 2 * 50 * 51);
    assert_eq!(*store.data(), 301 + 2 * 51);
}

#[test]
fn stack_exhaustion_traps() {
    let engine = Engine::default();
    let module = Module::new(&engine, &wasm(FIB)).unwrap();
    let mut store = Store::new(&engine, ());
    let inst = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let rec = inst.get_typed_func::<i32, i32>(&store, "rec").unwrap();
    assert_eq!(
        rec.call(&mut store, 0).unwrap_err().code(),
        Some(TrapCode::StackOverflow)
    );
    let fib = inst.get_typed_func::<i32, i32>(&store, "fib").unwrap();
    assert_eq!(fib.call(&mut store, 15).unwrap(), 610);
}

#[test]
fn limits_apply() {
    let mut config = Config::default();
    config.limits(Limits {
        max_memory_pages: 2,
        max_table_elements: 10,
        max_call_depth: 50,
        max_value_stack: 1 << 16,
    });
    let engine = Engine::new(&config);
    let big = wasm("(module (memory 3))");
    let module = Module::new(&engine, &big).unwrap();
    let mut store = Store::new(&engine, ());
    assert!(
        Linker::new(&engine)
            .instantiate(&mut store, &module)
            .is_err()
    );
    let grow = wasm(
        r#"(module (memory 1) (table 5 funcref)
        (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
        (func (export "tgrow") (param i32) (result i32) (table.grow (ref.null func) (local.get 0))))"#,
    );
    let module = Module::new(&engine, &grow).unwrap();
    let inst = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let g = inst.get_typed_func::<i32, i32>(&store, "grow").unwrap();
    assert_eq!(g.call(&mut store, 1).unwrap(), 1);
    assert_eq!(g.call(&mut store, 1).unwrap(), -1);
    let tg = inst.get_typed_func::<i32, i32>(&store, "tgrow").unwrap();
    assert_eq!(tg.call(&mut store, 5).unwrap(), 5);
    assert_eq!(tg.call(&mut store, 1).unwrap(), -1);
    let module = Module::new(&engine, &wasm(FIB)).unwrap();
    let inst = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let fib = inst.get_typed_func::<i32, i32>(&store, "fib").unwrap();
    assert_eq!(fib.call(&mut store, 10).unwrap(), 55);
    let rec = inst.get_typed_func::<i32, i32>(&store, "rec").unwrap();
    assert_eq!(
        rec.call(&mut store, 0).unwrap_err().code(),
        Some(TrapCode::StackOverflow)
    );
}

#[test]
fn small_pages() {
    let src = r#"(module (memory (export "m") 1024 (pagesize 1))
      (func (export "size") (result i32) (memory.size))
      (func (export "store") (param i32 i32) (i32.store8 (local.get 0) (local.get 1))))"#;
    let engine = Engine::default();
    let module = Module::new(&engine, &wasm(src)).unwrap();
    let mut store = Store::new(&engine, ());
    let inst = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let size = inst.get_typed_func::<(), i32>(&store, "size").unwrap();
    assert_eq!(size.call(&mut store, ()).unwrap(), 1024);
    let st = inst
        .get_typed_func::<(i32, i32), ()>(&store, "store")
        .unwrap();
    st.call(&mut store, (1023, 7)).unwrap();
    assert_eq!(
        st.call(&mut store, (1024, 7)).unwrap_err().code(),
        Some(TrapCode::MemoryOutOfBounds)
    );
    let mem = inst.get_memory(&store, "m").unwrap();
    assert_eq!(mem.data(&store).len(), 1024);
    let (bytes, _state) = mem.data_and_store_mut(&mut store);
    assert_eq!(bytes[1023], 7);
}

#[test]
fn hostile_bytes_error() {
    let engine = Engine::default();
    let good = wasm(FIB);
    for cut in 0..good.len() {
        let _ = Module::new(&engine, &good[..cut]);
    }
    let mut x: u32 = 12345;
    for _ in 0..2000 {
        let mut b = good.clone();
        for _ in 0..4 {
            x = x.wrapping_mul(1103515245).wrapping_add(12345);
            let i = (x as usize >> 8) % b.len();
            b[i] = (x >> 16) as u8;
        }
        let _ = Module::new(&engine, &b);
    }
    let e = Module::new(&engine, b"\0asm\x01\0\0\0\x01\xff\xff\xff\xff\x0f").unwrap_err();
    assert!(e.offset().is_some());
    assert!(!e.to_string().is_empty());
}

fn leb(mut v: u32, out: &mut Vec<u8>) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn section(id: u8, body: &[u8], out: &mut Vec<u8>) {
    out.push(id);
    leb(body.len() as u32, out);
    out.extend_from_slice(body);
}

/// A module with one `() -> ()` function (one i32 local) whose body is `code`, exported
/// `exports` times under distinct names.
fn module_with_body(code: &[u8], exports: u32) -> Vec<u8> {
    let mut m = b"\0asm\x01\0\0\0".to_vec();
    section(1, &[1, 0x60, 0, 0], &mut m);
    section(3, &[1, 0], &mut m);
    let mut ex = Vec::new();
    leb(exports, &mut ex);
    for i in 0..exports {
        let name = format!("f{i}");
        leb(name.len() as u32, &mut ex);
        ex.extend_from_slice(name.as_bytes());
        ex.extend_from_slice(&[0, 0]);
    }
    section(7, &ex, &mut m);
    let mut body = vec![1, 1, 0x7f];
    body.extend_from_slice(code);
    body.push(0x0b);
    let mut func = Vec::new();
    leb(body.len() as u32, &mut func);
    func.extend_from_slice(&body);
    let mut code_sec = vec![1];
    code_sec.extend_from_slice(&func);
    section(10, &code_sec, &mut m);
    m
}

/// Shapes that make naive validators/translators quadratic must load in linear time (these
/// would take minutes if they were quadratic).
#[test]
fn hostile_shapes_load_in_linear_time() {
    let engine = Engine::default();
    // Many exports: duplicate-name detection.
    let m = module_with_body(&[], 200_000);
    Module::new(&engine, &m).unwrap();
    // A deep operand stack, then many blocks and aliased local.set sequences.
    let mut code = Vec::new();
    for _ in 0..30_000 {
        code.extend_from_slice(&[0x20, 0]); // local.get 0
    }
    for _ in 0..100_000 {
        code.extend_from_slice(&[0x02, 0x40, 0x0b]); // block end
        code.extend_from_slice(&[0x20, 0, 0x20, 0, 0x21, 0, 0x1a]); // get get set drop
    }
    code.extend(std::iter::repeat_n(0x1a, 30_000)); // drop
    let m = module_with_body(&code, 1);
    let module = Module::new(&engine, &m).unwrap();
    let mut store = Store::new(&engine, ());
    let inst = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let f = inst.get_typed_func::<(), ()>(&store, "f0").unwrap();
    f.call(&mut store, ()).unwrap();
    // Many distinct function types.
    let mut types = Vec::new();
    leb(60_000, &mut types);
    for i in 0..60_000u32 {
        types.push(0x60);
        let n = 1 + i % 50;
        leb(n, &mut types);
        for k in 0..n {
            types.push(if (i >> (k % 16)) & 1 == 0 { 0x7f } else { 0x7e });
        }
        types.push(0);
    }
    let mut m = b"\0asm\x01\0\0\0".to_vec();
    section(1, &types, &mut m);
    Module::new(&engine, &m).unwrap();
}

#[test]
fn error_messages() {
    let engine = Engine::default();
    let e = Module::new(
        &engine,
        &wasm("(module (func (drop (i32.const 0)) (drop)))"),
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Invalid);
    assert_eq!(e.message(), "type mismatch");
    assert!(e.to_string().ends_with(": type mismatch"), "{e}");
    assert!(
        format!("{e:?}").starts_with("Error { kind: Invalid, offset: Some("),
        "{e:?}"
    );
    // A start function's trap: the code's message, or the host's.
    let start = |body: &str| {
        let src =
            format!(r#"(module (import "env" "fail" (func $fail)) (func $s {body}) (start $s))"#);
        let module = Module::new(&engine, &wasm(&src)).unwrap();
        let mut linker = Linker::<()>::new(&engine);
        linker
            .func_wrap("env", "fail", |_: Caller<'_, ()>| -> Result<(), Trap> {
                Err(Trap::new("host says no"))
            })
            .unwrap();
        linker
            .instantiate(&mut Store::new(&engine, ()), &module)
            .unwrap_err()
    };
    let e = start("unreachable");
    assert_eq!(e.kind(), ErrorKind::Trap);
    assert_eq!(e.message(), "unreachable");
    let e = start("(call $fail)");
    assert_eq!(e.kind(), ErrorKind::Trap);
    assert_eq!(e.message(), "host says no");
    assert_eq!(e.trap().and_then(Trap::host_message), Some("host says no"));
    assert!(e.to_string().ends_with(": host says no"), "{e}");
}

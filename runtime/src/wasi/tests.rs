//! The WASI subset driven by small hand-written guests (a real Rust wasm32-wasip1 program runs
//! in `generator/tests/cli_run.rs`, through `embwit run`).

use alloc::string::String;
use alloc::vec::Vec;
use alloc::{format, vec};

use super::errno::{BADF, FAULT, NOSYS, SUCCESS};
use super::{Exit, OutputPipe, RunError, WasiCtx, run_start};
use crate::{Engine, Instance, Linker, Module, Store, TrapCode};

struct Guest {
    store: Store<WasiCtx>,
    instance: Instance,
}

/// Instantiates `wat` with WASI; `imports` are `(name, params)` of wasi functions it imports,
/// all with one i32 result unless the name is proc_exit.
fn guest(wat_body: &str, ctx: WasiCtx) -> Guest {
    let text = format!("(module {wat_body})");
    let bytes = wat::parse_str(&text).expect("test module parses");
    let engine = Engine::default();
    let module = Module::new(&engine, &bytes).expect("test module loads");
    let mut linker = Linker::<WasiCtx>::new(&engine);
    super::add_to_linker(&mut linker, |ctx| ctx).unwrap();
    let mut store = Store::new(&engine, ctx);
    let instance = linker
        .instantiate(&mut store, &module)
        .expect("instantiates");
    Guest { store, instance }
}

impl Guest {
    fn call(&mut self, name: &str) -> i32 {
        let f = self
            .instance
            .get_typed_func::<(), i32>(&self.store, name)
            .unwrap();
        f.call(&mut self.store, ()).unwrap()
    }
    fn memory(&self, at: usize, len: usize) -> Vec<u8> {
        let mem = self.instance.get_memory(&self.store, "memory").unwrap();
        mem.data(&self.store)[at..at + len].to_vec()
    }
    fn u32_at(&self, at: usize) -> u32 {
        let b = self.memory(at, 4);
        u32::from_le_bytes([b[0], b[1], b[2], b[3]])
    }
}

const W: &str = r#"(import "wasi_snapshot_preview1""#;

#[test]
fn args_and_environ_are_laid_out_like_wasi_libc_expects() {
    let body = format!(
        r#"{W} "args_sizes_get" (func $asz (param i32 i32) (result i32)))
           {W} "args_get" (func $ag (param i32 i32) (result i32)))
           {W} "environ_sizes_get" (func $esz (param i32 i32) (result i32)))
           {W} "environ_get" (func $eg (param i32 i32) (result i32)))
           (memory (export "memory") 1)
           (func (export "args") (result i32)
             (drop (call $asz (i32.const 0) (i32.const 4)))
             (call $ag (i32.const 16) (i32.const 64)))
           (func (export "env") (result i32)
             (drop (call $esz (i32.const 0) (i32.const 4)))
             (call $eg (i32.const 16) (i32.const 64)))
           (func (export "bad") (result i32) (call $ag (i32.const 65534) (i32.const 64)))"#
    );
    let ctx = WasiCtx::new()
        .args(["prog", "x", "héllo"])
        .envs([("A", "1"), ("PATH", "/b")]);
    let mut g = guest(&body, ctx);
    assert_eq!(g.call("args"), SUCCESS);
    assert_eq!(g.u32_at(0), 3);
    assert_eq!(g.u32_at(4) as usize, "prog\0x\0héllo\0".len());
    assert_eq!([g.u32_at(16), g.u32_at(20), g.u32_at(24)], [64, 69, 71]);
    assert_eq!(g.memory(64, 14), "prog\0x\0héllo\0".as_bytes());
    assert_eq!(g.call("env"), SUCCESS);
    assert_eq!(g.u32_at(0), 2);
    assert_eq!(g.memory(64, 12), b"A=1\0PATH=/b\0");
    assert_eq!(
        g.call("bad"),
        FAULT,
        "a pointer array past the end of memory"
    );
}

#[test]
fn fd_write_reaches_stdout_and_stderr_and_rejects_other_fds() {
    let body = format!(
        r#"{W} "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
           (memory (export "memory") 1)
           (data (i32.const 0) "\10\00\00\00\06\00\00\00\16\00\00\00\03\00\00\00")
           (data (i32.const 16) "hello\nerr")
           (func (export "out") (result i32) (call $w (i32.const 1) (i32.const 0) (i32.const 2) (i32.const 32)))
           (func (export "err") (result i32) (call $w (i32.const 2) (i32.const 8) (i32.const 1) (i32.const 32)))
           (func (export "fd3") (result i32) (call $w (i32.const 3) (i32.const 0) (i32.const 1) (i32.const 32)))
           (func (export "fd_neg") (result i32) (call $w (i32.const -1) (i32.const 0) (i32.const 1) (i32.const 32)))
           (func (export "bad_iov") (result i32) (call $w (i32.const 1) (i32.const 65530) (i32.const 1) (i32.const 32)))
           (func (export "huge_iovs") (result i32) (call $w (i32.const 1) (i32.const 0) (i32.const 0x7fffffff) (i32.const 32)))
           (func (export "second_bad") (result i32)
             (i32.store (i32.const 48) (i32.const 16)) (i32.store (i32.const 52) (i32.const 2))
             (i32.store (i32.const 56) (i32.const 65535)) (i32.store (i32.const 60) (i32.const 2))
             (call $w (i32.const 1) (i32.const 48) (i32.const 2) (i32.const 32)))
           (func (export "bad_data") (result i32)
             (i32.store (i32.const 40) (i32.const 65000)) (i32.store (i32.const 44) (i32.const 1000))
             (call $w (i32.const 1) (i32.const 40) (i32.const 1) (i32.const 32)))"#
    );
    let (out, err) = (OutputPipe::new(), OutputPipe::new());
    let mut g = guest(
        &body,
        WasiCtx::new().stdout(out.clone()).stderr(err.clone()),
    );
    assert_eq!(g.call("out"), SUCCESS);
    assert_eq!(g.u32_at(32), 9);
    assert_eq!(g.call("err"), SUCCESS);
    assert_eq!(g.u32_at(32), 3);
    assert_eq!(out.contents(), b"hello\nerr");
    assert_eq!(err.contents(), b"err");
    assert_eq!(g.call("fd3"), BADF);
    assert_eq!(g.call("fd_neg"), BADF);
    assert_eq!(g.call("bad_iov"), FAULT);
    assert_eq!(g.call("huge_iovs"), FAULT);
    assert_eq!(g.call("bad_data"), FAULT);
    assert_eq!(
        g.call("second_bad"),
        FAULT,
        "like writev, a bad second buffer writes nothing"
    );
    assert_eq!(out.contents(), b"hello\nerr", "failed writes write nothing");
}

#[test]
fn proc_exit_is_an_exit_not_a_trap_and_traps_stay_traps() {
    let body = format!(
        r#"{W} "proc_exit" (func $exit (param i32)))
           (memory (export "memory") 1)
           (global $mode (mut i32) (i32.const 0))
           (func (export "set") (param i32) (global.set $mode (local.get 0)))
           (func (export "_start")
             (if (i32.eq (global.get $mode) (i32.const 1)) (then (call $exit (i32.const 3)) (unreachable)))
             (if (i32.eq (global.get $mode) (i32.const 2)) (then (unreachable))))"#
    );
    let mut g = guest(&body, WasiCtx::new());
    assert_eq!(
        run_start(&mut g.store, &g.instance, |c| c).unwrap(),
        Exit::Code(0)
    );
    assert_eq!(g.store.data().exit_code(), None);

    let set = g
        .instance
        .get_typed_func::<i32, ()>(&g.store, "set")
        .unwrap();
    set.call(&mut g.store, 2).unwrap();
    match run_start(&mut g.store, &g.instance, |c| c) {
        Err(RunError::Trap(trap)) => assert_eq!(trap.code(), Some(TrapCode::Unreachable)),
        other => panic!("expected an unreachable trap, got {other:?}"),
    }

    set.call(&mut g.store, 1).unwrap();
    assert_eq!(
        run_start(&mut g.store, &g.instance, |c| c).unwrap(),
        Exit::Code(3)
    );
    assert_eq!(g.store.data().exit_code(), Some(3));
}

#[test]
fn a_host_trap_with_the_exit_message_but_no_exit_is_still_a_trap() {
    let ctx = WasiCtx::new();
    let fake = crate::Trap::host("wasi: proc_exit");
    assert!(super::exit_code_of::<()>(&ctx, Err(fake)).is_err());
}

#[test]
fn random_get_fills_memory_and_checks_bounds() {
    let body = format!(
        r#"{W} "random_get" (func $r (param i32 i32) (result i32)))
           (memory (export "memory") 1)
           (func (export "fill") (result i32) (call $r (i32.const 100) (i32.const 1000)))
           (func (export "edge") (result i32) (call $r (i32.const 65535) (i32.const 1)))
           (func (export "past") (result i32) (call $r (i32.const 65535) (i32.const 2)))
           (func (export "wrap") (result i32) (call $r (i32.const -1) (i32.const -1)))"#
    );
    let fill = |seed| {
        let mut g = guest(&body, WasiCtx::new().random_seed(seed));
        assert_eq!(g.call("fill"), SUCCESS);
        assert_eq!(g.memory(96, 4), [0; 4], "writes nothing before the buffer");
        assert_eq!(g.memory(1100, 4), [0; 4], "writes nothing after the buffer");
        assert_eq!(g.call("edge"), SUCCESS);
        assert_eq!(g.call("past"), FAULT);
        assert_eq!(g.call("wrap"), FAULT);
        g.memory(100, 1000)
    };
    let (a, b, a2) = (fill(1), fill(2), fill(1));
    assert_eq!(a, a2, "a seed makes it reproducible");
    assert_ne!(a, b);
    assert!(a.iter().filter(|&&x| x == 0).count() < 30, "looks random");

    let mut g = guest(&body, WasiCtx::new());
    assert_eq!(g.call("fill"), SUCCESS);
    assert_ne!(g.memory(100, 1000), vec![0; 1000]);
}

#[test]
fn clocks_report_plausible_times() {
    let body = format!(
        r#"{W} "clock_time_get" (func $t (param i32 i64 i32) (result i32)))
           {W} "clock_res_get" (func $res (param i32 i32) (result i32)))
           (memory (export "memory") 1)
           (func (export "real") (result i32) (call $t (i32.const 0) (i64.const 1) (i32.const 0)))
           (func (export "mono") (result i32) (call $t (i32.const 1) (i64.const 1) (i32.const 8)))
           (func (export "res") (result i32) (call $res (i32.const 1) (i32.const 16)))
           (func (export "bogus") (result i32) (call $t (i32.const 9) (i64.const 1) (i32.const 0)))
           (func (export "oob") (result i32) (call $t (i32.const 0) (i64.const 1) (i32.const 65530)))"#
    );
    let mut g = guest(&body, WasiCtx::new());
    assert_eq!(g.call("real"), SUCCESS);
    let ns = u64::from_le_bytes(g.memory(0, 8).try_into().unwrap());
    assert!(
        ns > 1_600_000_000 * 1_000_000_000,
        "realtime is after 2020: {ns}"
    );
    assert_eq!(g.call("mono"), SUCCESS);
    let t1 = u64::from_le_bytes(g.memory(8, 8).try_into().unwrap());
    assert_eq!(g.call("mono"), SUCCESS);
    let t2 = u64::from_le_bytes(g.memory(8, 8).try_into().unwrap());
    assert!(t2 >= t1);
    assert_eq!(g.call("res"), SUCCESS);
    assert_eq!(g.call("bogus"), super::errno::INVAL);
    assert_eq!(g.call("oob"), FAULT);
}

#[test]
fn unsupported_functions_link_and_answer_badf_or_nosys() {
    let imports = format!(
        r#"{W} "fd_prestat_get" (func $pre (param i32 i32) (result i32)))
           {W} "fd_close" (func $close (param i32) (result i32)))
           {W} "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
           {W} "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
           {W} "fd_fdstat_get" (func $stat (param i32 i32) (result i32)))
           {W} "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
           {W} "sched_yield" (func $yield (result i32)))"#
    );
    let body = format!(
        r#"{imports}
           (memory (export "memory") 1)
           (func (export "pre3") (result i32) (call $pre (i32.const 3) (i32.const 0)))
           (func (export "close1") (result i32) (call $close (i32.const 1)))
           (func (export "open") (result i32)
             (call $open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0)
                         (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 0)))
           (func (export "poll") (result i32) (call $poll (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)))
           (func (export "stat1") (result i32) (call $stat (i32.const 1) (i32.const 0)))
           (func (export "stat7") (result i32) (call $stat (i32.const 7) (i32.const 0)))
           (func (export "read0") (result i32)
             (i32.store (i32.const 40) (i32.const 99))
             (call $read (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 40)))
           (func (export "yield") (result i32) (call $yield))"#
    );
    let mut g = guest(&body, WasiCtx::new());
    assert_eq!(g.call("pre3"), BADF, "no preopened directories");
    assert_eq!(g.call("close1"), NOSYS);
    assert_eq!(g.call("open"), BADF);
    assert_eq!(g.call("poll"), NOSYS);
    assert_eq!(g.call("stat1"), SUCCESS);
    assert_eq!(g.memory(0, 1), [2], "stdout is a character device");
    assert_eq!(g.call("stat7"), BADF);
    assert_eq!(g.call("read0"), SUCCESS);
    assert_eq!(g.u32_at(40), 0, "stdin is at end of file");
    assert_eq!(g.call("yield"), SUCCESS);
}

#[test]
fn every_stub_links_with_its_preview1_signature() {
    let sigs = [
        ("fd_advise", "i32 i64 i64 i32"),
        ("fd_allocate", "i32 i64 i64"),
        ("fd_filestat_set_times", "i32 i64 i64 i32"),
        ("fd_pread", "i32 i32 i32 i64 i32"),
        ("fd_readdir", "i32 i32 i32 i64 i32"),
        ("fd_seek", "i32 i64 i32 i32"),
        ("path_filestat_set_times", "i32 i32 i32 i32 i64 i64 i32"),
        ("path_link", "i32 i32 i32 i32 i32 i32 i32"),
        ("sock_recv", "i32 i32 i32 i32 i32 i32"),
    ];
    let mut body = String::new();
    for (name, params) in sigs {
        body.push_str(&format!(
            "{W} \"{name}\" (func (param {params}) (result i32)))\n"
        ));
    }
    body.push_str("(memory (export \"memory\") 1)");
    guest(&body, WasiCtx::new());
    assert!(super::stubs::names().count() >= 30);
}

#[test]
fn a_wrongly_typed_wasi_import_is_a_link_error() {
    let bytes = wat::parse_str(format!(
        r#"(module {W} "fd_write" (func (param i32) (result i32))))"#
    ))
    .unwrap();
    let engine = Engine::default();
    let module = Module::new(&engine, &bytes).unwrap();
    let mut linker = Linker::<WasiCtx>::new(&engine);
    super::add_to_linker(&mut linker, |ctx| ctx).unwrap();
    let mut store = Store::new(&engine, WasiCtx::new());
    assert!(linker.instantiate(&mut store, &module).is_err());
}

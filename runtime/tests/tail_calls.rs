//! Guard for the threaded backend's tail calls (`src/exec/threaded.rs`).
//!
//! Every threaded handler ends by calling the next instruction's handler and relies on LLVM
//! turning that call into a jump. If a handler's final call stays a real `call`, each execution
//! of that instruction leaves a native stack frame behind until the wasm call returns. The spec
//! suite does not notice (its loops are short). Here one wasm call runs a loop of
//! [`ITERATIONS`] iterations whose body executes every IR instruction that can run without
//! trapping (see [`REACHED`]), on a thread with only [`STACK`] bytes of native stack, so a
//! handler that leaks even 16 bytes per execution overflows it several times over. **The test
//! process then aborts ("thread 'tail-call-guard' has overflowed its stack", SIGABRT): that
//! abort is the failure.** The loop makes no host call: a host call leaves the backend, which
//! unwinds the native stack and would hide a leak.
//!
//! When written, this was checked by breaking the tail call of one handler at a time (a
//! non-tail call in its place) in dev and release builds on x86-64: each of the 195
//! instructions in [`REACHED`] then made the test abort. The result-register forms (`...A`)
//! came later: breaking `I32Rotl3A` and `Load16SIdxA` made it abort. Since then each
//! instruction's own form needs a fragment where no operand was just written (the section
//! after the result-register one), or the translator turns it into its `...A` form. With the `match`-loop backend
//! (`--features dispatch-loop`, or builds `build.rs` does not give the threaded one) the test
//! only checks semantics.
//!
//! The call and return handlers end in a tail call of an out-of-line slow path for calls and
//! returns their inline fast path leaves (`enter_slow`, `leave_slow`): `$big` (a large frame)
//! and `$three` (several results) take those every iteration (checked by breaking each).
//!
//! The loop's result is compared with [`model`], the same computation in plain Rust, so the
//! test also checks what the instructions compute. A second run enables fuel metering, which
//! adds the `Fuel` instruction at function entries and loop heads.
//!
//! There is no public way to list the IR a module translates to, so [`REACHED`] is written by
//! hand: for each instruction of `src/exec/ops.rs` (the one list the IR enum and both backends
//! are expanded from), a fixture fragment that translates to it under the translator's rules
//! (`src/translate.rs`, `src/compile.rs`); the mapping was checked against the crate's IR dump
//! (the `ir_dump` unit test). `every_instruction_is_reached_or_excused` fails when an
//! instruction is added to `ops.rs` but neither to the loop nor to [`NOT_REACHED`], or when a
//! listed fragment disappears from the fixture.
//!
//! The fixture uses a second memory, so the file needs the `multi-memory` feature (a default).
#![cfg(feature = "multi-memory")]

use std::collections::BTreeSet;
use std::time::Instant;

use embwit_runtime::*;

/// Loop iterations of one run. Straight-line instructions run at least once per iteration;
/// each conditional branch goes each way in about half of them (each `br_table` index in a
/// quarter; the inner loop's latch falls through once per iteration, the outer one only at
/// the end). So every handler, and nearly every path through a branch handler, runs far more
/// often than the `STACK / 16` (8192) executions it takes a 16-byte leak to overflow the stack.
const ITERATIONS: u32 = 100_000;

/// Native stack of the thread that compiles the module and runs the wasm call. The interpreter
/// needs little, as wasm calls do not recurse natively (16 KiB was enough when measured).
const STACK: usize = 128 * 1024;

/// The module. `run(n)` runs the loop `n` times and returns the checksum `acc`. Values are
/// kept in ranges where the trapping operations (division, float-to-int truncation, memory
/// and table accesses) never trap; each statement has its counterpart in [`model`].
const FIXTURE: &str = r#"(module
  (type $bin (func (param i32 i32) (result i32)))
  (memory $m0 1 2)
  (memory $m1 1)
  (table $t0 4 8 funcref)
  (table $t1 4 funcref)
  (global $glob (mut i64) (i64.const 0))
  (data $d0 "\01\82\03\f4\05\86\07\f8\09\8a\0b\fc\0d\8e\0f\f0")
  (data $d1 "dropped")
  (elem $e0 func $add $sub)
  (elem $e1 func $sub)
  (elem declare func $mix)

  (func $add (type $bin) (i32.add (local.get 0) (local.get 1)))
  (func $sub (type $bin) (i32.sub (local.get 0) (local.get 1)))
  ;; one result
  (func $mix (param i64 i32) (result i64)
    (i64.xor (i64.rotl (local.get 0) (i64.const 5)) (i64.extend_i32_u (local.get 1))))
  ;; no result
  (func $bump (param i32)
    (global.set $glob (i64.add (global.get $glob) (i64.extend_i32_s (local.get 0)))))
  ;; a frame too big for the threaded backend's inline call setup (its out-of-line call path)
  (func $big (param i32) (local i64 i64 i64 i64 i64 i64 i64 i64)
    (call $bump (i32.wrap_i64 (local.get 8))))
  ;; several results, by an explicit return
  (func $three (param i32) (result i32 i64 f64)
    (return (i32.add (local.get 0) (i32.const 1))
            (i64.mul (i64.extend_i32_s (local.get 0)) (i64.const 3))
            (f64.convert_i32_s (local.get 0))))

  (func (export "run") (param $n i32) (result i64)
    (local $i i32) (local $x i32) (local $y i32) (local $t i32) (local $p i32) (local $q i32) (local $s i32)
    (local $X i64) (local $Y i64) (local $acc i64)
    (local $f f32) (local $g f32) (local $d f64) (local $e f64)
    (local.set $acc (i64.const 0x0123456789abcdef))
    (loop $L
      ;; ---- inputs of this iteration ----
      (local.set $x (i32.xor (i32.wrap_i64 (local.get $acc)) (local.get $i)))
      (local.set $y (i32.or (i32.shr_u (i32.mul (local.get $i) (i32.const 0x9e3779b1)) (i32.const 1)) (i32.const 1)))
      (local.set $X (i64.xor (local.get $acc) (i64.extend_i32_u (local.get $i))))
      (local.set $Y (i64.or (i64.shl (i64.extend_i32_u (local.get $y)) (i64.const 20)) (i64.const 5)))

      ;; ---- i32 arithmetic ($y is odd and positive: divisions never trap) ----
      (local.set $x (i32.add (local.get $x) (local.get $y)))
      (local.set $x (i32.sub (local.get $x) (local.get $i)))
      (local.set $x (i32.mul (local.get $x) (local.get $y)))
      (local.set $x (i32.xor (local.get $x) (i32.div_s (local.get $x) (local.get $y))))
      (local.set $x (i32.add (local.get $x) (i32.div_u (local.get $x) (local.get $y))))
      (local.set $x (i32.sub (local.get $x) (i32.rem_s (local.get $x) (local.get $y))))
      (local.set $x (i32.xor (local.get $x) (i32.rem_u (local.get $x) (local.get $y))))
      (local.set $x (i32.or (local.get $x) (i32.and (local.get $i) (local.get $y))))
      (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (local.get $i))))
      (local.set $x (i32.add (local.get $x) (i32.shr_s (local.get $x) (local.get $y))))
      (local.set $x (i32.xor (local.get $x) (i32.shr_u (local.get $x) (local.get $i))))
      (local.set $x (i32.rotl (local.get $x) (local.get $y)))
      (local.set $x (i32.rotr (local.get $x) (local.get $i)))
      (local.set $x (i32.xor (local.get $i) (i32.rotl (local.get $x) (i32.const 13))))
      ;; SHA-2's sigma functions: rotations of one value by constants, xored
      (local.set $x (i32.xor (i32.xor (i32.rotl (local.get $x) (i32.const 30)) (i32.rotl (local.get $x) (i32.const 19))) (i32.rotl (local.get $x) (i32.const 10))))
      (local.set $x (i32.add (local.get $i) (i32.xor (i32.xor (i32.rotl (local.get $x) (i32.const 25)) (i32.rotl (local.get $x) (i32.const 14))) (i32.shr_u (local.get $x) (i32.const 3)))))
      ;; min and max: a select of the operands of its i32 compare condition
      (local.set $t (select (local.get $x) (local.get $y) (i32.lt_s (local.get $x) (local.get $y))))
      (local.set $t (i32.add (local.get $t) (select (local.get $y) (local.get $x) (i32.gt_u (local.get $x) (local.get $y)))))
      (local.set $t (i32.add (local.get $t) (select (local.get $x) (local.get $i) (i32.ge_s (local.get $x) (local.get $i)))))
      (local.set $x (i32.xor (local.get $x) (i32.add (local.get $t) (select (local.get $i) (local.get $x) (i32.lt_u (local.get $x) (local.get $i))))))
      (local.set $x (i32.add (local.get $x) (i32.const 12345)))
      (local.set $x (i32.sub (local.get $x) (i32.const 77)))
      (local.set $x (i32.add (i32.mul (local.get $x) (local.get $y)) (local.get $i)))

      ;; ---- i32 compares (x = 2x + bit) and unary ops ----
      (local.set $t (i32.and (local.get $x) (i32.const 3)))
      (local.set $x (i32.add (i32.add (local.get $x) (local.get $x)) (i32.eq (local.get $t) (i32.and (local.get $y) (i32.const 3)))))
      (local.set $x (i32.add (i32.add (local.get $x) (local.get $x)) (i32.ne (local.get $t) (i32.and (local.get $i) (i32.const 3)))))
      (local.set $x (i32.add (i32.add (local.get $x) (local.get $x)) (i32.lt_s (local.get $x) (local.get $y))))
      (local.set $x (i32.add (i32.add (local.get $x) (local.get $x)) (i32.lt_u (local.get $x) (local.get $y))))
      (local.set $x (i32.add (i32.add (local.get $x) (local.get $x)) (i32.gt_s (local.get $x) (local.get $y))))
      (local.set $x (i32.add (i32.add (local.get $x) (local.get $x)) (i32.gt_u (local.get $x) (local.get $y))))
      (local.set $x (i32.add (i32.add (local.get $x) (local.get $x)) (i32.le_s (local.get $x) (local.get $y))))
      (local.set $x (i32.add (i32.add (local.get $x) (local.get $x)) (i32.le_u (local.get $x) (local.get $y))))
      (local.set $x (i32.add (i32.add (local.get $x) (local.get $x)) (i32.ge_s (local.get $x) (local.get $y))))
      (local.set $x (i32.add (i32.add (local.get $x) (local.get $x)) (i32.ge_u (local.get $x) (local.get $y))))
      (local.set $x (i32.add (local.get $x) (i32.clz (local.get $x))))
      (local.set $x (i32.add (local.get $x) (i32.ctz (local.get $x))))
      (local.set $x (i32.xor (local.get $x) (i32.popcnt (local.get $x))))
      (local.set $x (i32.add (local.get $x) (i32.extend8_s (local.get $x))))
      (local.set $x (i32.xor (local.get $x) (i32.extend16_s (local.get $y))))
      (local.set $x (i32.add (local.get $x) (i32.eqz (i32.and (local.get $x) (i32.const 3)))))

      ;; ---- i64 arithmetic ($Y is positive, below 2^51) ----
      (local.set $X (i64.add (local.get $X) (local.get $Y)))
      (local.set $X (i64.sub (local.get $X) (i64.extend_i32_s (local.get $x))))
      (local.set $X (i64.mul (local.get $X) (local.get $Y)))
      (local.set $X (i64.xor (local.get $X) (i64.div_s (local.get $X) (local.get $Y))))
      (local.set $X (i64.add (local.get $X) (i64.div_u (local.get $X) (local.get $Y))))
      (local.set $X (i64.sub (local.get $X) (i64.rem_s (local.get $X) (local.get $Y))))
      (local.set $X (i64.xor (local.get $X) (i64.rem_u (local.get $X) (local.get $Y))))
      (local.set $X (i64.or (local.get $X) (i64.and (local.get $Y) (i64.const 0xff00))))
      (local.set $X (i64.xor (local.get $X) (i64.shl (local.get $X) (i64.extend_i32_u (local.get $i)))))
      (local.set $X (i64.add (local.get $X) (i64.shr_s (local.get $X) (local.get $Y))))
      (local.set $X (i64.xor (local.get $X) (i64.shr_u (local.get $X) (i64.const 29))))
      (local.set $X (i64.rotl (local.get $X) (local.get $Y)))
      (local.set $X (i64.rotr (local.get $X) (i64.extend_i32_u (local.get $x))))

      ;; ---- i64 compares (into $x) and unary ops ----
      (local.set $x (i32.add (i32.add (local.get $x) (local.get $x)) (i64.eq (i64.and (local.get $X) (i64.const 3)) (i64.const 1))))
      (local.set $x (i32.add (i32.add (local.get $x) (local.get $x)) (i64.ne (i64.and (local.get $X) (i64.const 3)) (i64.and (local.get $Y) (i64.const 3)))))
      (local.set $x (i32.add (i32.add (local.get $x) (local.get $x)) (i64.lt_s (local.get $X) (local.get $Y))))
      (local.set $x (i32.add (i32.add (local.get $x) (local.get $x)) (i64.lt_u (local.get $X) (local.get $acc))))
      (local.set $x (i32.add (i32.add (local.get $x) (local.get $x)) (i64.gt_s (local.get $X) (local.get $Y))))
      (local.set $x (i32.add (i32.add (local.get $x) (local.get $x)) (i64.gt_u (local.get $X) (local.get $acc))))
      (local.set $x (i32.add (i32.add (local.get $x) (local.get $x)) (i64.le_s (local.get $X) (local.get $Y))))
      (local.set $x (i32.add (i32.add (local.get $x) (local.get $x)) (i64.le_u (local.get $X) (local.get $acc))))
      (local.set $x (i32.add (i32.add (local.get $x) (local.get $x)) (i64.ge_s (local.get $X) (local.get $Y))))
      (local.set $x (i32.add (i32.add (local.get $x) (local.get $x)) (i64.ge_u (local.get $X) (local.get $acc))))
      (local.set $X (i64.add (local.get $X) (i64.clz (local.get $X))))
      (local.set $X (i64.add (local.get $X) (i64.ctz (local.get $X))))
      (local.set $X (i64.xor (local.get $X) (i64.popcnt (local.get $X))))
      (local.set $X (i64.add (local.get $X) (i64.extend8_s (local.get $X))))
      (local.set $X (i64.xor (local.get $X) (i64.extend16_s (local.get $Y))))
      (local.set $X (i64.add (local.get $X) (i64.extend32_s (local.get $X))))
      (local.set $x (i32.add (local.get $x) (i64.eqz (i64.and (local.get $X) (i64.const 3)))))
      (local.set $x (i32.xor (local.get $x) (i32.wrap_i64 (local.get $X))))

      ;; ---- f32 (|f| stays below 2^25: the trapping truncations are in range) ----
      (local.set $f (f32.convert_i32_s (i32.shr_s (local.get $x) (i32.const 8))))
      (local.set $g (f32.convert_i32_u (i32.shr_u (local.get $y) (i32.const 8))))
      (local.set $f (f32.add (local.get $f) (local.get $g)))
      (local.set $f (f32.sub (local.get $f) (f32.const 0.75)))
      (local.set $f (f32.mul (local.get $f) (f32.const 0.5)))
      (local.set $f (f32.div (local.get $f) (f32.add (f32.abs (local.get $g)) (f32.const 3))))
      (local.set $f (f32.min (local.get $f) (local.get $g)))
      (local.set $f (f32.max (local.get $f) (f32.neg (local.get $g))))
      (local.set $f (f32.copysign (local.get $f) (f32.convert_i32_s (local.get $x))))
      (local.set $g (f32.sqrt (f32.abs (local.get $f))))
      (local.set $f (f32.add (f32.ceil (local.get $f)) (f32.floor (local.get $g))))
      (local.set $f (f32.sub (f32.trunc (local.get $f)) (f32.nearest (f32.mul (local.get $g) (f32.const 2.5)))))
      (local.set $x (i32.add (i32.add (local.get $x) (local.get $x)) (f32.eq (f32.floor (f32.mul (local.get $f) (f32.const 0.5))) (f32.mul (local.get $f) (f32.const 0.5)))))
      (local.set $x (i32.add (i32.add (local.get $x) (local.get $x)) (f32.ne (local.get $f) (local.get $g))))
      (local.set $x (i32.add (i32.add (local.get $x) (local.get $x)) (f32.lt (local.get $f) (local.get $g))))
      (local.set $x (i32.add (i32.add (local.get $x) (local.get $x)) (f32.gt (local.get $f) (local.get $g))))
      (local.set $x (i32.add (i32.add (local.get $x) (local.get $x)) (f32.le (local.get $f) (local.get $g))))
      (local.set $x (i32.add (i32.add (local.get $x) (local.get $x)) (f32.ge (local.get $f) (local.get $g))))
      (local.set $x (i32.add (local.get $x) (i32.trunc_f32_s (local.get $f))))
      (local.set $x (i32.xor (local.get $x) (i32.trunc_f32_u (local.get $g))))
      (local.set $X (i64.add (local.get $X) (i64.trunc_f32_s (local.get $f))))
      (local.set $X (i64.xor (local.get $X) (i64.trunc_f32_u (local.get $g))))

      ;; ---- f64 (|d| stays below 2^30) ----
      (local.set $d (f64.convert_i32_s (i32.shr_s (local.get $x) (i32.const 2))))
      (local.set $e (f64.convert_i32_u (i32.shr_u (local.get $y) (i32.const 4))))
      (local.set $d (f64.add (local.get $d) (local.get $e)))
      (local.set $d (f64.sub (local.get $d) (f64.const 1.25)))
      (local.set $d (f64.mul (local.get $d) (f64.const 0.375)))
      (local.set $d (f64.div (local.get $d) (f64.add (f64.abs (local.get $e)) (f64.const 1))))
      (local.set $d (f64.min (local.get $d) (local.get $e)))
      (local.set $d (f64.max (local.get $d) (f64.neg (local.get $e))))
      (local.set $d (f64.copysign (local.get $d) (f64.convert_i64_s (local.get $X))))
      (local.set $e (f64.sqrt (f64.abs (local.get $e))))
      (local.set $d (f64.add (f64.ceil (local.get $d)) (f64.floor (local.get $e))))
      (local.set $d (f64.sub (f64.trunc (local.get $d)) (f64.nearest (f64.mul (local.get $e) (f64.const 2.5)))))
      (local.set $x (i32.add (i32.add (local.get $x) (local.get $x)) (f64.eq (f64.floor (f64.mul (local.get $d) (f64.const 0.5))) (f64.mul (local.get $d) (f64.const 0.5)))))
      (local.set $x (i32.add (i32.add (local.get $x) (local.get $x)) (f64.ne (local.get $d) (local.get $e))))
      (local.set $x (i32.add (i32.add (local.get $x) (local.get $x)) (f64.lt (local.get $d) (local.get $e))))
      (local.set $x (i32.add (i32.add (local.get $x) (local.get $x)) (f64.gt (local.get $d) (local.get $e))))
      (local.set $x (i32.add (i32.add (local.get $x) (local.get $x)) (f64.le (local.get $d) (local.get $e))))
      (local.set $x (i32.add (i32.add (local.get $x) (local.get $x)) (f64.ge (local.get $d) (local.get $e))))
      (local.set $x (i32.add (local.get $x) (i32.trunc_f64_s (local.get $d))))
      (local.set $x (i32.xor (local.get $x) (i32.trunc_f64_u (local.get $e))))
      (local.set $X (i64.add (local.get $X) (i64.trunc_f64_s (local.get $d))))
      (local.set $X (i64.xor (local.get $X) (i64.trunc_f64_u (local.get $e))))

      ;; ---- other conversions; saturating truncations of any value ----
      (local.set $f (f32.demote_f64 (local.get $d)))
      (local.set $d (f64.promote_f32 (local.get $g)))
      (local.set $f (f32.add (local.get $f) (f32.convert_i64_s (local.get $X))))
      (local.set $g (f32.convert_i64_u (local.get $X)))
      (local.set $e (f64.convert_i64_u (local.get $X)))
      (local.set $x (i32.add (local.get $x) (i32.trunc_sat_f32_s (local.get $f))))
      (local.set $x (i32.xor (local.get $x) (i32.trunc_sat_f32_u (local.get $g))))
      (local.set $x (i32.add (local.get $x) (i32.trunc_sat_f64_s (f64.mul (local.get $e) (f64.const -1e3)))))
      (local.set $x (i32.xor (local.get $x) (i32.trunc_sat_f64_u (local.get $d))))
      (local.set $X (i64.add (local.get $X) (i64.trunc_sat_f32_s (local.get $f))))
      (local.set $X (i64.xor (local.get $X) (i64.trunc_sat_f32_u (local.get $g))))
      (local.set $X (i64.add (local.get $X) (i64.trunc_sat_f64_s (local.get $e))))
      (local.set $X (i64.xor (local.get $X) (i64.trunc_sat_f64_u (f64.neg (local.get $d)))))
      (local.set $X (i64.add (local.get $X) (i64.reinterpret_f64 (local.get $e))))
      (local.set $x (i32.add (local.get $x) (i32.reinterpret_f32 (local.get $f))))

      ;; ---- memory: every store and load width; $p is 8-aligned below 16 KiB ----
      (local.set $p (i32.and (local.get $x) (i32.const 0x3ff8)))
      (local.set $q (i32.and (local.get $i) (i32.const 0x7f)))
      (i32.store (local.get $p) (local.get $x))
      (i64.store offset=8 (local.get $p) (local.get $X))
      (f32.store offset=16 (local.get $p) (local.get $f))
      (f64.store offset=24 (local.get $p) (local.get $d))
      (i32.store8 offset=32 (local.get $p) (local.get $y))
      (i32.store16 offset=34 (local.get $p) (local.get $y))
      (i64.store8 offset=37 (local.get $p) (local.get $X))
      (i64.store16 offset=38 (local.get $p) (local.get $X))
      (i64.store32 offset=40 (local.get $p) (local.get $Y))
      (local.set $x (i32.add (local.get $x) (i32.load offset=4 (local.get $p))))
      (local.set $X (i64.add (local.get $X) (i64.load offset=8 (local.get $p))))
      (local.set $f (f32.load offset=16 (local.get $p)))
      (local.set $X (i64.add (local.get $X) (i64.reinterpret_f64 (f64.load offset=24 (local.get $p)))))
      (local.set $x (i32.add (local.get $x) (i32.load8_s offset=37 (local.get $p))))
      (local.set $x (i32.xor (local.get $x) (i32.load8_u offset=33 (local.get $p))))
      (local.set $x (i32.add (local.get $x) (i32.load16_s offset=38 (local.get $p))))
      (local.set $x (i32.xor (local.get $x) (i32.load16_u offset=34 (local.get $p))))
      (local.set $X (i64.add (local.get $X) (i64.load8_s offset=37 (local.get $p))))
      (local.set $X (i64.xor (local.get $X) (i64.load8_u offset=32 (local.get $p))))
      (local.set $X (i64.add (local.get $X) (i64.load16_s offset=34 (local.get $p))))
      (local.set $X (i64.xor (local.get $X) (i64.load16_u offset=38 (local.get $p))))
      (local.set $X (i64.add (local.get $X) (i64.load32_s offset=40 (local.get $p))))
      (local.set $X (i64.xor (local.get $X) (i64.load32_u offset=12 (local.get $p))))
      ;; loads addressed by an i32.add (fused into indexed loads)
      (local.set $x (i32.xor (local.get $x) (i32.load (i32.add (local.get $p) (local.get $q)))))
      (local.set $x (i32.add (local.get $x) (i32.load (i32.add (local.get $q) (local.get $p)))))
      (local.set $x (i32.xor (local.get $x) (i32.load offset=2 (i32.add (local.get $p) (i32.const 40)))))
      (local.set $x (i32.add (local.get $x) (i32.load8_u (i32.add (i32.add (local.get $p) (i32.const 1)) (local.get $q)))))
      (local.set $x (i32.xor (local.get $x) (i32.load8_u (i32.add (i32.add (local.get $p) (i32.const 5)) (local.get $q)))))
      (local.set $x (i32.xor (local.get $x) (i32.load8_s (i32.add (local.get $p) (i32.const 37)))))
      (local.set $x (i32.add (local.get $x) (i32.mul (i32.load8_s offset=37 (local.get $p)) (i32.load8_s offset=33 (local.get $p)))))
      (local.set $x (i32.add (i32.add (local.get $x) (i32.mul (i32.load8_s offset=31 (local.get $p)) (i32.load8_s offset=27 (local.get $q))))
                             (i32.mul (i32.load8_s offset=30 (local.get $p)) (i32.load8_s offset=26 (local.get $q)))))
      (local.set $x (i32.add (local.get $x) (i32.mul (i32.load offset=36 (local.get $p)) (i32.load offset=8 (local.get $q)))))
      (local.set $x (i32.add (local.get $x) (i32.mul (i32.load (i32.add (local.get $p) (i32.const 12))) (i32.load (i32.add (local.get $q) (i32.const 16))))))
      (local.set $x (i32.add (local.get $x) (i32.load16_u (i32.add (local.get $q) (local.get $p)))))
      (local.set $x (i32.xor (local.get $x) (i32.load16_s (i32.add (i32.add (local.get $p) (i32.const 3)) (local.get $q)))))
      ;; stores addressed by an i32.add or x + imm computed before the value (indexed stores)
      (i32.store8 (i32.add (local.get $p) (local.get $q)) (i32.xor (local.get $x) (local.get $y)))
      (i32.store (i32.add (local.get $p) (i32.const 44)) (i32.add (local.get $x) (local.get $i)))
      (local.set $x (i32.add (local.get $x) (i32.load offset=44 (local.get $p))))
      ;; a byte store, then its address stepped (a strided fill)
      (local.set $t (local.get $p))
      (i32.store8 offset=52 (local.get $t) (local.get $y))
      (local.set $t (i32.add (local.get $t) (local.get $q)))
      (local.set $x (i32.xor (local.get $x) (i32.add (local.get $t) (i32.load offset=52 (local.get $p)))))
      ;; a byte copy: an indexed load8_u stored by an indexed store8
      (i32.store8 (i32.add (local.get $p) (i32.const 60)) (i32.load8_u (i32.add (local.get $p) (local.get $q))))
      (local.set $x (i32.add (local.get $x) (i32.load offset=60 (local.get $p))))
      ;; size, grow by 0, bulk operations, a second memory
      (local.set $x (i32.add (local.get $x) (memory.size)))
      (local.set $x (i32.xor (local.get $x) (memory.grow (i32.const 0))))
      (memory.fill (i32.add (local.get $p) (i32.const 48)) (local.get $x) (i32.and (local.get $i) (i32.const 15)))
      (memory.copy (i32.add (local.get $p) (i32.const 64)) (local.get $p) (i32.const 24))
      (memory.init $d0 (i32.add (local.get $p) (i32.const 88)) (i32.and (local.get $i) (i32.const 7)) (i32.const 9))
      (data.drop $d1)
      (i32.store $m1 offset=4 (local.get $q) (local.get $x))
      (memory.copy $m0 $m1 (i32.add (local.get $p) (i32.const 100)) (local.get $q) (i32.const 12))
      (local.set $x (i32.add (local.get $x) (i32.load $m1 (local.get $q))))
      (local.set $X (i64.xor (local.get $X) (i64.load offset=48 (local.get $p))))
      (local.set $X (i64.add (local.get $X) (i64.load offset=72 (local.get $p))))
      (local.set $X (i64.xor (local.get $X) (i64.load offset=88 (local.get $p))))
      (local.set $X (i64.add (local.get $X) (i64.load offset=104 (local.get $p))))

      ;; ---- tables ----
      (table.set $t0 (i32.const 0) (ref.func $mix))
      (table.init $t0 $e0 (i32.const 1) (i32.const 0) (i32.const 2))
      (elem.drop $e1)
      (table.copy $t0 $t0 (i32.const 3) (i32.add (i32.and (local.get $i) (i32.const 1)) (i32.const 1)) (i32.const 1))
      (table.fill $t1 (i32.const 0) (table.get $t0 (i32.const 3)) (i32.const 2))
      (local.set $x (call_indirect $t1 (type $bin) (local.get $x) (local.get $y) (i32.and (local.get $x) (i32.const 1))))
      (local.set $x (i32.add (local.get $x) (table.size $t0)))
      (local.set $x (i32.xor (local.get $x) (table.grow $t1 (ref.null func) (i32.const 0))))
      (local.set $x (i32.add (local.get $x) (ref.is_null (table.get $t1 (i32.const 3)))))
      (local.set $x (i32.add (local.get $x) (ref.is_null (table.get $t0 (i32.const 0)))))

      ;; ---- globals, calls, moves, select ----
      (global.set $glob (i64.add (global.get $glob) (local.get $X)))
      (call $bump (local.get $x))
      (call $big (local.get $x))
      (local.set $t (local.get $x))
      (local.set $q (i32.const 0x1234))
      (local.set $Y (i64.const 0x0badcafef00dd00d))
      (local.set $x (select (i32.add (local.get $x) (local.get $q)) (i32.sub (local.get $t) (local.get $q)) (i32.and (local.get $i) (i32.const 2))))
      (local.set $X (select (result i64) (i64.add (local.get $X) (local.get $Y)) (i64.sub (local.get $X) (local.get $Y)) (i32.and (local.get $x) (i32.const 1))))
      ;; two copies in a row: one Copy2, which copies in order (so `x` keeps its value)
      (local.set $t (local.get $x))
      (local.set $x (local.get $t))
      (call $three (local.get $x))
      (local.set $d)
      (local.set $X (i64.add (local.get $X)))
      (local.set $x (i32.add (local.get $x)))

      ;; ---- branches: each way in about half of the iterations ----
      (local.set $t (i32.wrap_i64 (local.get $X)))
      (block $k0 (br_if $k0 (i32.eq (i32.and (local.get $x) (i32.const 1)) (i32.and (local.get $i) (i32.const 1))))
        (local.set $x (i32.add (local.get $x) (i32.const 101))))
      (block $k1 (br_if $k1 (i32.ne (i32.and (local.get $x) (i32.const 2)) (i32.and (local.get $y) (i32.const 2))))
        (local.set $x (i32.add (local.get $x) (i32.const 103))))
      (block $k2 (br_if $k2 (i32.lt_s (local.get $x) (local.get $t)))
        (local.set $x (i32.add (local.get $x) (i32.const 107))))
      (block $k3 (br_if $k3 (i32.lt_u (local.get $x) (local.get $t)))
        (local.set $x (i32.add (local.get $x) (i32.const 109))))
      (block $k4 (br_if $k4 (i32.gt_s (local.get $x) (local.get $t)))
        (local.set $x (i32.add (local.get $x) (i32.const 113))))
      (block $k5 (br_if $k5 (i32.gt_u (local.get $x) (local.get $t)))
        (local.set $x (i32.add (local.get $x) (i32.const 127))))
      (block $k6 (br_if $k6 (i32.le_s (local.get $x) (local.get $t)))
        (local.set $x (i32.add (local.get $x) (i32.const 131))))
      (block $k7 (br_if $k7 (i32.le_u (local.get $x) (local.get $t)))
        (local.set $x (i32.add (local.get $x) (i32.const 137))))
      (block $k8 (br_if $k8 (i32.ge_s (local.get $x) (local.get $t)))
        (local.set $x (i32.add (local.get $x) (i32.const 139))))
      (block $k9 (br_if $k9 (i32.ge_u (local.get $x) (local.get $t)))
        (local.set $x (i32.add (local.get $x) (i32.const 149))))
      (block $k10 (br_if $k10 (i32.and (local.get $x) (i32.const 4)))
        (local.set $x (i32.add (local.get $x) (i32.const 151))))
      (block $k11 (br_if $k11 (i32.eqz (i32.and (local.get $x) (i32.const 8))))
        (local.set $x (i32.add (local.get $x) (i32.const 157))))
      (if (i32.and (local.get $x) (i32.const 16))
        (then (local.set $x (i32.mul (local.get $x) (i32.const 3))))
        (else (local.set $x (i32.xor (local.get $x) (local.get $y)))))
      (if (i32.eqz (i32.and (local.get $x) (i32.const 32)))
        (then (local.set $x (i32.rotl (local.get $x) (i32.const 3)))))
      (block $bt2
        (block $bt1
          (block $bt0
            (br_table $bt0 $bt1 $bt2 (i32.and (local.get $i) (i32.const 3))))
          (local.set $x (i32.add (local.get $x) (i32.const 163)))
          (br $bt2))
        (local.set $x (i32.xor (local.get $x) (i32.const 0x55))))
      ;; two bytes compared right after their loads (p + i, q + i), each way about half the time
      ;; (the second address is p or p + 1, so the bytes are equal in about half the iterations)
      (local.set $t (i32.and (local.get $i) (i32.const 1)))
      (local.set $s (i32.add (local.get $p) (i32.and (i32.shr_u (local.get $i) (i32.const 1)) (i32.const 1))))
      (block $k15 (br_if $k15 (i32.eq (i32.load8_u (i32.add (local.get $p) (local.get $t)))
                                      (i32.load8_u (i32.add (local.get $s) (local.get $t)))))
        (local.set $x (i32.add (local.get $x) (i32.const 181))))
      (block $k16 (br_if $k16 (i32.ne (i32.load8_u (i32.add (local.get $t) (local.get $s)))
                                      (i32.load8_u (i32.add (local.get $p) (local.get $t)))))
        (local.set $x (i32.add (local.get $x) (i32.const 191))))
      ;; a branch on a byte loaded at s + t: 0 at 0x7fff, 1 at 0x8000 (each in half the iterations)
      (i32.store8 (i32.const 0x8000) (i32.const 1))
      (local.set $s (i32.const 0x7fff))
      (block $k17 (br_if $k17 (i32.load8_u (i32.add (local.get $s) (local.get $t))))
        (local.set $x (i32.add (local.get $x) (i32.const 193))))
      (block $k18 (br_if $k18 (i32.eqz (i32.load8_u (i32.add (local.get $t) (local.get $s)))))
        (local.set $x (i32.xor (local.get $x) (i32.const 197))))
      ;; range checks: an x + imm compared unsigned, each way in half the iterations
      (block $k19 (br_if $k19 (i32.lt_u (i32.add (local.get $t) (i32.const -1)) (local.get $s)))
        (local.set $x (i32.add (local.get $x) (i32.const 211))))
      (block $k20 (br_if $k20 (i32.ge_u (i32.add (local.get $t) (i32.const 1)) (i32.const 2)))
        (local.set $x (i32.xor (local.get $x) (i32.const 223))))
      ;; a copy right before a branch that tests the copied value, or another slot
      (local.set $t (i32.and (local.get $x) (i32.const 1)))
      (local.set $s (i32.and (local.get $i) (i32.const 1)))
      (block $k12
        (local.set $q (local.get $t))
        (br_if $k12 (i32.ne (local.get $q) (local.get $s)))
        (local.set $x (i32.add (local.get $x) (i32.const 167))))
      (local.set $t (i32.and (local.get $x) (i32.const 2)))
      (local.set $s (i32.and (local.get $i) (i32.const 2)))
      (block $k13
        (local.set $q (local.get $s))
        (br_if $k13 (i32.eq (local.get $t) (local.get $q)))
        (local.set $x (i32.add (local.get $x) (i32.const 173))))
      (block $k14
        (local.set $q (local.get $x))
        (br_if $k14 (local.get $t))
        (local.set $x (i32.add (local.get $q) (i32.const 179))))
      (local.set $t (i32.const 0))
      (loop $inner
        (local.set $x (i32.add (i32.rotl (local.get $x) (i32.const 5)) (local.get $t)))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br_if $inner (i32.ne (local.get $t) (i32.const 3))))
      (local.set $s (i32.or (i32.and (local.get $i) (i32.const 3)) (i32.const 1)))
      (local.set $t (i32.const 0))
      (loop $inner2
        (local.set $x (i32.xor (local.get $x) (local.get $t)))
        (br_if $inner2 (i32.lt_u (local.tee $t (i32.add (local.get $t) (local.get $s))) (i32.const 7))))
      ;; two in-place steps in a row; an accumulation and a step
      (local.set $t (i32.add (local.get $t) (i32.const 3)))
      (local.set $s (i32.add (local.get $s) (i32.const -5)))
      (local.set $x (i32.add (local.get $x) (i32.xor (local.get $t) (local.get $s))))
      (local.set $t (i32.add (local.get $t) (i32.const 11)))
      (local.set $x (i32.xor (local.get $x) (local.get $t)))

      ;; ---- the result register: each reads what the instruction right before it wrote ----
      (block $r0 (br_if $r0 (i32.lt_s (i32.add (local.get $x) (local.get $i)) (local.get $t)))
        (local.set $x (i32.xor (local.get $x) (i32.const 227))))
      (block $r1 (br_if $r1 (i32.lt_u (i32.add (local.get $x) (local.get $y)) (local.get $t)))
        (local.set $x (i32.xor (local.get $x) (i32.const 229))))
      (block $r2 (br_if $r2 (i32.gt_s (i32.sub (local.get $x) (local.get $i)) (local.get $t)))
        (local.set $x (i32.xor (local.get $x) (i32.const 233))))
      (block $r3 (br_if $r3 (i32.gt_u (i32.sub (local.get $x) (local.get $y)) (local.get $t)))
        (local.set $x (i32.xor (local.get $x) (i32.const 239))))
      (block $r4 (br_if $r4 (i32.le_s (i32.xor (local.get $x) (local.get $i)) (local.get $t)))
        (local.set $x (i32.xor (local.get $x) (i32.const 241))))
      (block $r5 (br_if $r5 (i32.le_u (i32.xor (local.get $x) (local.get $y)) (local.get $t)))
        (local.set $x (i32.xor (local.get $x) (i32.const 251))))
      (block $r6 (br_if $r6 (i32.ge_s (i32.or (local.get $x) (local.get $i)) (local.get $t)))
        (local.set $x (i32.xor (local.get $x) (i32.const 257))))
      (block $r7 (br_if $r7 (i32.ge_u (i32.or (local.get $x) (local.get $y)) (local.get $t)))
        (local.set $x (i32.xor (local.get $x) (i32.const 263))))
      (local.set $s (i32.and (local.get $x) (i32.const 7)))
      (local.set $q (local.get $s))
      (local.set $x (i32.add (local.get $x) (local.get $q)))
      (local.set $s (i32.and (local.get $x) (i32.const 7)))
      (local.set $x (i32.xor (local.get $x) (i32.load8_u (i32.add (local.get $p) (local.get $s)))))
      (local.set $s (i32.and (local.get $x) (i32.const 6)))
      (local.set $x (i32.xor (local.get $x) (i32.load16_u (i32.add (local.get $p) (local.get $s)))))
      (local.set $s (i32.and (local.get $x) (i32.const 6)))
      (local.set $x (i32.xor (local.get $x) (i32.load16_s (i32.add (local.get $p) (local.get $s)))))
      (local.set $s (i32.and (local.get $x) (i32.const 4)))
      (local.set $x (i32.xor (local.get $x) (i32.load (i32.add (local.get $p) (local.get $s)))))
      (local.set $s (i32.add (local.get $p) (i32.and (local.get $x) (i32.const 7))))
      (local.set $x (i32.xor (local.get $x) (i32.load8_u offset=3 (local.get $s))))
      (local.set $t (i32.xor (local.get $x) (local.get $i)))
      (local.set $x (i32.add (i32.mul (local.get $x) (local.get $y)) (local.get $t)))
      ;; ---- the forms reading every operand from the frame: right after a label, or after an
      ;; instruction that wrote none of their operands ----
      (local.set $s (i32.and (local.get $i) (i32.const 3)))
      (block $p0 (br_if $p0 (i32.eq (local.get $x) (local.get $t)))
        (local.set $x (i32.xor (local.get $x) (i32.const 271))))
      (block $p1 (br_if $p1 (i32.ne (local.get $x) (local.get $t)))
        (local.set $x (i32.xor (local.get $x) (i32.const 277))))
      (block $p2 (br_if $p2 (local.get $s))
        (local.set $x (i32.xor (local.get $x) (i32.const 281))))
      (block $p3 (br_if $p3 (i32.eqz (local.get $s)))
        (local.set $x (i32.xor (local.get $x) (i32.const 283))))
      (local.set $x (i32.shl (local.get $x) (local.get $s)))
      (local.set $t (i32.xor (i32.xor (i32.rotl (local.get $y) (i32.const 6)) (i32.rotl (local.get $y) (i32.const 11))) (i32.rotl (local.get $y) (i32.const 25))))
      (local.set $x (i32.add (local.get $x) (local.get $t)))
      (local.set $t (i32.xor (i32.xor (i32.rotl (local.get $y) (i32.const 7)) (i32.rotl (local.get $y) (i32.const 18))) (i32.shr_u (local.get $y) (i32.const 3))))
      (local.set $x (i32.xor (local.get $x) (local.get $t)))
      (local.set $t (i32.add (local.get $y) (i32.mul (i32.load8_s offset=21 (local.get $p)) (i32.load8_s offset=17 (local.get $p)))))
      (local.set $x (i32.add (local.get $x) (local.get $t)))
      (local.set $t (i32.add (i32.add (local.get $y) (i32.mul (i32.load8_s offset=23 (local.get $p)) (i32.load8_s offset=19 (local.get $q))))
                             (i32.mul (i32.load8_s offset=22 (local.get $p)) (i32.load8_s offset=18 (local.get $q)))))
      (local.set $x (i32.xor (local.get $x) (local.get $t)))
      (local.set $t (i32.add (local.get $y) (i32.mul (i32.load offset=40 (local.get $p)) (i32.load offset=12 (local.get $q)))))
      (local.set $x (i32.add (local.get $x) (local.get $t)))
      (local.set $t (i32.add (local.get $y) (i32.mul (i32.load (i32.add (local.get $p) (i32.const 20))) (i32.load (i32.add (local.get $q) (i32.const 24))))))
      (local.set $x (i32.xor (local.get $x) (local.get $t)))
      (local.set $t (i32.add (i32.mul (local.get $y) (local.get $i)) (local.get $s)))
      (local.set $x (i32.add (local.get $x) (local.get $t)))
      (local.set $t (i32.add (local.get $y) (i32.load8_u (i32.add (i32.add (local.get $p) (i32.const 2)) (local.get $q)))))
      (local.set $x (i32.xor (local.get $x) (local.get $t)))
      (local.set $t (i32.add (local.get $y) (i32.load (i32.add (local.get $q) (local.get $p)))))
      (local.set $x (i32.add (local.get $x) (local.get $t)))
      ;; a copy right before a branch on the value the instruction before wrote
      (local.set $q (i32.and (local.get $i) (i32.const 1)))
      (local.set $t (i32.and (local.get $x) (i32.const 1)))
      (block $p6
        (local.set $s (local.get $t))
        (br_if $p6 (i32.ne (local.get $s) (local.get $q)))
        (local.set $x (i32.xor (local.get $x) (i32.const 307))))
      (local.set $t (i32.and (local.get $x) (i32.const 4)))
      (block $p7
        (local.set $s (local.get $x))
        (br_if $p7 (local.get $t))
        (local.set $x (i32.add (local.get $s) (i32.const 311))))
      ;; stores of a local, then of the value just written; a load through an address just written
      (i32.store8 (i32.add (local.get $p) (local.get $q)) (local.get $y))
      (i32.store (i32.add (local.get $p) (i32.const 48)) (local.get $y))
      (i32.store8 offset=50 (local.get $p) (i32.add (local.get $x) (local.get $i)))
      (i32.store16 offset=52 (local.get $p) (i32.xor (local.get $x) (local.get $i)))
      (i32.store offset=56 (local.get $p) (i32.or (local.get $x) (local.get $i)))
      (local.set $s (i32.add (local.get $p) (i32.and (local.get $x) (i32.const 6))))
      (local.set $x (i32.xor (local.get $x) (i32.load16_u offset=48 (local.get $s))))

      ;; ---- fold everything into the checksum; the latch ----
      (local.set $acc (call $mix (local.get $acc) (local.get $x)))
      (local.set $acc (i64.add (local.get $acc) (local.get $X)))
      (local.set $acc (i64.xor (local.get $acc) (global.get $glob)))
      (local.set $acc (i64.add (local.get $acc) (i64.reinterpret_f64 (local.get $d))))
      (local.set $acc (i64.xor (local.get $acc) (i64.extend_i32_u (i32.reinterpret_f32 (local.get $f)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $L (i32.ne (local.get $i) (local.get $n))))
    (local.get $acc))
)"#;

/// The passive data segment `$d0`.
const D0: [u8; 16] = [
    0x01, 0x82, 0x03, 0xf4, 0x05, 0x86, 0x07, 0xf8, 0x09, 0x8a, 0x0b, 0xfc, 0x0d, 0x8e, 0x0f, 0xf0,
];

/// A table element of the model.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Elem {
    Null,
    Add,
    Sub,
    Mix,
}

/// Little-endian `n`-byte load at `addr` (the fixture keeps every access in bounds).
fn ld(mem: &[u8], addr: u32, n: usize) -> u64 {
    let a = addr as usize;
    mem[a..a + n]
        .iter()
        .rev()
        .fold(0, |v, b| (v << 8) | u64::from(*b))
}

/// Little-endian `n`-byte store of the low bytes of `v` at `addr`.
fn st(mem: &mut [u8], addr: u32, n: usize, v: u64) {
    let a = addr as usize;
    mem[a..a + n].copy_from_slice(&v.to_le_bytes()[..n]);
}

/// `x = 2x + bit`: how the fixture folds a comparison into `$x`.
fn dbl(x: u32, bit: bool) -> u32 {
    x.wrapping_add(x).wrapping_add(u32::from(bit))
}

/// Wasm `fmin`/`fmax` (the fixture never makes a NaN): `-0` is below `+0`.
fn min32(a: f32, b: f32) -> f32 {
    if a == b {
        f32::from_bits(a.to_bits() | b.to_bits())
    } else if a < b {
        a
    } else {
        b
    }
}
fn max32(a: f32, b: f32) -> f32 {
    if a == b {
        f32::from_bits(a.to_bits() & b.to_bits())
    } else if a > b {
        a
    } else {
        b
    }
}
fn min64(a: f64, b: f64) -> f64 {
    if a == b {
        f64::from_bits(a.to_bits() | b.to_bits())
    } else if a < b {
        a
    } else {
        b
    }
}
fn max64(a: f64, b: f64) -> f64 {
    if a == b {
        f64::from_bits(a.to_bits() & b.to_bits())
    } else if a > b {
        a
    } else {
        b
    }
}

/// The trapping truncations, on values the fixture keeps in range (checked here).
fn trunc_i32(v: f64) -> u32 {
    assert!(v > -2_147_483_649.0 && v < 2_147_483_648.0, "{v}");
    v as i32 as u32
}
fn trunc_u32(v: f64) -> u32 {
    assert!(v > -1.0 && v < 4_294_967_296.0, "{v}");
    v as u32
}
fn trunc_i64(v: f64) -> u64 {
    let lim = (1u64 << 63) as f64;
    assert!((-lim..lim).contains(&v), "{v}");
    v as i64 as u64
}
fn trunc_u64(v: f64) -> u64 {
    assert!(v > -1.0 && v < (1u128 << 64) as f64, "{v}");
    v as u64
}

/// `run(n)` of [`FIXTURE`], statement by statement, in plain Rust (`xx`/`yy` are `$X`/`$Y`).
/// Rust's float-to-int `as` saturates like `trunc_sat`.
fn model(n: u32) -> u64 {
    let mut m0 = vec![0u8; 65536];
    let mut m1 = vec![0u8; 65536];
    let mut t0 = [Elem::Null; 4];
    let mut t1 = [Elem::Null; 4];
    let mut glob: u64 = 0;
    let mut acc: u64 = 0x0123_4567_89ab_cdef;
    let mut i: u32 = 0;
    let s32 = |v: u32| v as i32;
    let s64 = |v: u64| v as i64;
    loop {
        // inputs
        let mut x = (acc as u32) ^ i;
        let y = (i.wrapping_mul(0x9e37_79b1) >> 1) | 1;
        let mut xx = acc ^ u64::from(i);
        let mut yy = (u64::from(y) << 20) | 5;

        // i32 arithmetic
        x = x.wrapping_add(y);
        x = x.wrapping_sub(i);
        x = x.wrapping_mul(y);
        x ^= (s32(x) / s32(y)) as u32;
        x = x.wrapping_add(x / y);
        x = x.wrapping_sub((s32(x) % s32(y)) as u32);
        x ^= x % y;
        x |= i & y;
        x ^= x.wrapping_shl(i);
        x = x.wrapping_add(s32(x).wrapping_shr(y) as u32);
        x ^= x.wrapping_shr(i);
        x = x.rotate_left(y % 32);
        x = x.rotate_right(i % 32);
        x = i ^ x.rotate_left(13);
        x = x.rotate_left(30) ^ x.rotate_left(19) ^ x.rotate_left(10);
        x = i.wrapping_add(x.rotate_left(25) ^ x.rotate_left(14) ^ (x >> 3));
        let mut t = (x as i32).min(y as i32) as u32;
        t = t.wrapping_add(x.min(y));
        t = t.wrapping_add((x as i32).max(i as i32) as u32);
        x ^= t.wrapping_add(x.max(i));
        x = x.wrapping_add(12345);
        x = x.wrapping_sub(77);
        x = x.wrapping_mul(y).wrapping_add(i);

        // i32 compares and unary ops
        let mut t = x & 3;
        x = dbl(x, t == y & 3);
        x = dbl(x, t != i & 3);
        x = dbl(x, s32(x) < s32(y));
        x = dbl(x, x < y);
        x = dbl(x, s32(x) > s32(y));
        x = dbl(x, x > y);
        x = dbl(x, s32(x) <= s32(y));
        x = dbl(x, x <= y);
        x = dbl(x, s32(x) >= s32(y));
        x = dbl(x, x >= y);
        x = x.wrapping_add(x.leading_zeros());
        x = x.wrapping_add(x.trailing_zeros());
        x ^= x.count_ones();
        x = x.wrapping_add(x as u8 as i8 as u32);
        x ^= y as u16 as i16 as u32;
        x = x.wrapping_add(u32::from(x & 3 == 0));

        // i64 arithmetic
        xx = xx.wrapping_add(yy);
        xx = xx.wrapping_sub(s32(x) as u64);
        xx = xx.wrapping_mul(yy);
        xx ^= (s64(xx) / s64(yy)) as u64;
        xx = xx.wrapping_add(xx / yy);
        xx = xx.wrapping_sub((s64(xx) % s64(yy)) as u64);
        xx ^= xx % yy;
        xx |= yy & 0xff00;
        xx ^= xx.wrapping_shl(i);
        xx = xx.wrapping_add(s64(xx).wrapping_shr(yy as u32) as u64);
        xx ^= xx >> 29;
        xx = xx.rotate_left((yy % 64) as u32);
        xx = xx.rotate_right(x % 64);

        // i64 compares and unary ops
        x = dbl(x, xx & 3 == 1);
        x = dbl(x, xx & 3 != yy & 3);
        x = dbl(x, s64(xx) < s64(yy));
        x = dbl(x, xx < acc);
        x = dbl(x, s64(xx) > s64(yy));
        x = dbl(x, xx > acc);
        x = dbl(x, s64(xx) <= s64(yy));
        x = dbl(x, xx <= acc);
        x = dbl(x, s64(xx) >= s64(yy));
        x = dbl(x, xx >= acc);
        xx = xx.wrapping_add(u64::from(xx.leading_zeros()));
        xx = xx.wrapping_add(u64::from(xx.trailing_zeros()));
        xx ^= u64::from(xx.count_ones());
        xx = xx.wrapping_add(xx as u8 as i8 as u64);
        xx ^= yy as u16 as i16 as u64;
        xx = xx.wrapping_add(xx as u32 as i32 as u64);
        x = x.wrapping_add(u32::from(xx & 3 == 0));
        x ^= xx as u32;

        // f32
        let mut f = (s32(x) >> 8) as f32;
        let mut g = (y >> 8) as f32;
        f += g;
        f -= 0.75;
        f *= 0.5;
        f /= g.abs() + 3.0;
        f = min32(f, g);
        f = max32(f, -g);
        f = f.copysign(s32(x) as f32);
        g = f.abs().sqrt();
        f = f.ceil() + g.floor();
        f = f.trunc() - (g * 2.5).round_ties_even();
        x = dbl(x, (f * 0.5).floor() == f * 0.5);
        x = dbl(x, f != g);
        x = dbl(x, f < g);
        x = dbl(x, f > g);
        x = dbl(x, f <= g);
        x = dbl(x, f >= g);
        x = x.wrapping_add(trunc_i32(f64::from(f)));
        x ^= trunc_u32(f64::from(g));
        xx = xx.wrapping_add(trunc_i64(f64::from(f)));
        xx ^= trunc_u64(f64::from(g));

        // f64
        let mut d = f64::from(s32(x) >> 2);
        let mut e = f64::from(y >> 4);
        d += e;
        d -= 1.25;
        d *= 0.375;
        d /= e.abs() + 1.0;
        d = min64(d, e);
        d = max64(d, -e);
        d = d.copysign(s64(xx) as f64);
        e = e.abs().sqrt();
        d = d.ceil() + e.floor();
        d = d.trunc() - (e * 2.5).round_ties_even();
        x = dbl(x, (d * 0.5).floor() == d * 0.5);
        x = dbl(x, d != e);
        x = dbl(x, d < e);
        x = dbl(x, d > e);
        x = dbl(x, d <= e);
        x = dbl(x, d >= e);
        x = x.wrapping_add(trunc_i32(d));
        x ^= trunc_u32(e);
        xx = xx.wrapping_add(trunc_i64(d));
        xx ^= trunc_u64(e);

        // other conversions, saturating truncations
        f = d as f32;
        d = f64::from(g);
        f += s64(xx) as f32;
        g = xx as f32;
        e = xx as f64;
        x = x.wrapping_add(f as i32 as u32);
        x ^= g as u32;
        x = x.wrapping_add((e * -1e3) as i32 as u32);
        x ^= d as u32;
        xx = xx.wrapping_add(f as i64 as u64);
        xx ^= g as u64;
        xx = xx.wrapping_add(e as i64 as u64);
        xx ^= (-d) as u64;
        xx = xx.wrapping_add(e.to_bits());
        x = x.wrapping_add(f.to_bits());

        // memory
        let p = x & 0x3ff8;
        let mut q = i & 0x7f;
        st(&mut m0, p, 4, u64::from(x));
        st(&mut m0, p + 8, 8, xx);
        st(&mut m0, p + 16, 4, u64::from(f.to_bits()));
        st(&mut m0, p + 24, 8, d.to_bits());
        st(&mut m0, p + 32, 1, u64::from(y));
        st(&mut m0, p + 34, 2, u64::from(y));
        st(&mut m0, p + 37, 1, xx);
        st(&mut m0, p + 38, 2, xx);
        st(&mut m0, p + 40, 4, yy);
        x = x.wrapping_add(ld(&m0, p + 4, 4) as u32);
        xx = xx.wrapping_add(ld(&m0, p + 8, 8));
        f = f32::from_bits(ld(&m0, p + 16, 4) as u32);
        xx = xx.wrapping_add(ld(&m0, p + 24, 8));
        x = x.wrapping_add(ld(&m0, p + 37, 1) as u8 as i8 as u32);
        x ^= ld(&m0, p + 33, 1) as u32;
        x = x.wrapping_add(ld(&m0, p + 38, 2) as u16 as i16 as u32);
        x ^= ld(&m0, p + 34, 2) as u32;
        xx = xx.wrapping_add(ld(&m0, p + 37, 1) as u8 as i8 as u64);
        xx ^= ld(&m0, p + 32, 1);
        xx = xx.wrapping_add(ld(&m0, p + 34, 2) as u16 as i16 as u64);
        xx ^= ld(&m0, p + 38, 2);
        xx = xx.wrapping_add(ld(&m0, p + 40, 4) as u32 as i32 as u64);
        xx ^= ld(&m0, p + 12, 4);
        x ^= ld(&m0, p + q, 4) as u32;
        x = x.wrapping_add(ld(&m0, q + p, 4) as u32);
        x ^= ld(&m0, p + 40 + 2, 4) as u32;
        x = x.wrapping_add(ld(&m0, p + q + 1, 1) as u32);
        x ^= ld(&m0, p + q + 5, 1) as u32;
        x ^= ld(&m0, p + 37, 1) as u8 as i8 as u32;
        x = x.wrapping_add(
            (ld(&m0, p + 37, 1) as u8 as i8 as i32)
                .wrapping_mul(ld(&m0, p + 33, 1) as u8 as i8 as i32) as u32,
        );
        let sb = |a: u32| ld(&m0, a, 1) as u8 as i8 as i32;
        x = x
            .wrapping_add(sb(p + 31).wrapping_mul(sb(q + 27)) as u32)
            .wrapping_add(sb(p + 30).wrapping_mul(sb(q + 26)) as u32);
        x = x.wrapping_add((ld(&m0, p + 36, 4) as u32).wrapping_mul(ld(&m0, q + 8, 4) as u32));
        x = x.wrapping_add((ld(&m0, p + 12, 4) as u32).wrapping_mul(ld(&m0, q + 16, 4) as u32));
        x = x.wrapping_add(ld(&m0, q + p, 2) as u32);
        x ^= ld(&m0, p + q + 3, 2) as u16 as i16 as u32;
        st(&mut m0, p + q, 1, u64::from(x ^ y));
        st(&mut m0, p + 44, 4, u64::from(x.wrapping_add(i)));
        x = x.wrapping_add(ld(&m0, p + 44, 4) as u32);
        st(&mut m0, p + 52, 1, u64::from(y));
        x ^= (p + q).wrapping_add(ld(&m0, p + 52, 4) as u32);
        let byte = ld(&m0, p + q, 1);
        st(&mut m0, p + 60, 1, byte);
        x = x.wrapping_add(ld(&m0, p + 60, 4) as u32);
        x = x.wrapping_add(1); // memory.size
        x ^= 1; // memory.grow 0: the old size
        let fill = (p + 48) as usize;
        m0[fill..fill + (i & 15) as usize].fill(x as u8);
        m0.copy_within(p as usize..p as usize + 24, p as usize + 64);
        let init = (p + 88) as usize;
        let from = (i & 7) as usize;
        m0[init..init + 9].copy_from_slice(&D0[from..from + 9]);
        st(&mut m1, q + 4, 4, u64::from(x));
        let multi = (p + 100) as usize;
        m0[multi..multi + 12].copy_from_slice(&m1[q as usize..q as usize + 12]);
        x = x.wrapping_add(ld(&m1, q, 4) as u32);
        xx ^= ld(&m0, p + 48, 8);
        xx = xx.wrapping_add(ld(&m0, p + 72, 8));
        xx ^= ld(&m0, p + 88, 8);
        xx = xx.wrapping_add(ld(&m0, p + 104, 8));

        // tables
        t0[0] = Elem::Mix;
        t0[1..3].copy_from_slice(&[Elem::Add, Elem::Sub]);
        t0[3] = t0[1 + (i & 1) as usize];
        t1[0] = t0[3];
        t1[1] = t0[3];
        x = match t1[(x & 1) as usize] {
            Elem::Add => x.wrapping_add(y),
            Elem::Sub => x.wrapping_sub(y),
            other => panic!("call_indirect to {other:?}"),
        };
        x = x.wrapping_add(t0.len() as u32);
        x ^= t1.len() as u32; // table.grow 0: the old size
        x = x.wrapping_add(u32::from(t1[3] == Elem::Null));
        x = x.wrapping_add(u32::from(t0[0] == Elem::Null));

        // globals, calls, moves, select
        glob = glob.wrapping_add(xx);
        glob = glob.wrapping_add(s32(x) as u64); // $bump
        t = x;
        q = 0x1234;
        yy = 0x0bad_cafe_f00d_d00d;
        x = if i & 2 != 0 {
            x.wrapping_add(q)
        } else {
            t.wrapping_sub(q)
        };
        xx = if x & 1 != 0 {
            xx.wrapping_add(yy)
        } else {
            xx.wrapping_sub(yy)
        };
        // Copy2: t = x, then x = t, so x is unchanged (t is set again before it is read)
        let three = (
            x.wrapping_add(1),
            (i64::from(s32(x)).wrapping_mul(3)) as u64,
            f64::from(s32(x)),
        );
        d = three.2;
        xx = three.1.wrapping_add(xx);
        x = three.0.wrapping_add(x);

        // branches (a block's body runs when its br_if is not taken)
        t = xx as u32;
        if x & 1 != i & 1 {
            x = x.wrapping_add(101);
        }
        if x & 2 == y & 2 {
            x = x.wrapping_add(103);
        }
        if s32(x) >= s32(t) {
            x = x.wrapping_add(107);
        }
        if x >= t {
            x = x.wrapping_add(109);
        }
        if s32(x) <= s32(t) {
            x = x.wrapping_add(113);
        }
        if x <= t {
            x = x.wrapping_add(127);
        }
        if s32(x) > s32(t) {
            x = x.wrapping_add(131);
        }
        if x > t {
            x = x.wrapping_add(137);
        }
        if s32(x) < s32(t) {
            x = x.wrapping_add(139);
        }
        if x < t {
            x = x.wrapping_add(149);
        }
        if x & 4 == 0 {
            x = x.wrapping_add(151);
        }
        if x & 8 != 0 {
            x = x.wrapping_add(157);
        }
        if x & 16 != 0 {
            x = x.wrapping_mul(3);
        } else {
            x ^= y;
        }
        if x & 32 == 0 {
            x = x.rotate_left(3);
        }
        match i & 3 {
            0 => x = x.wrapping_add(163),
            1 => x ^= 0x55,
            _ => {}
        }
        // byte compares
        let (t1, s1) = (i & 1, p + ((i >> 1) & 1));
        let same = ld(&m0, p + t1, 1) == ld(&m0, s1 + t1, 1);
        if !same {
            x = x.wrapping_add(181);
        }
        if same {
            x = x.wrapping_add(191);
        }
        // byte tests
        m0[0x8000] = 1;
        if ld(&m0, 0x7fff + t1, 1) == 0 {
            x = x.wrapping_add(193);
        } else {
            x ^= 197;
        }
        // range checks
        if t1.wrapping_sub(1) >= 0x7fff {
            x = x.wrapping_add(211);
        }
        if t1 + 1 < 2 {
            x ^= 223;
        }
        // copy + branch
        if x & 1 == i & 1 {
            x = x.wrapping_add(167);
        }
        let t2 = x & 2;
        if t2 != i & 2 {
            x = x.wrapping_add(173);
        }
        if t2 == 0 {
            x = x.wrapping_add(179);
        }
        t = 0;
        loop {
            x = x.rotate_left(5).wrapping_add(t);
            t += 1;
            if t == 3 {
                break;
            }
        }
        let s = (i & 3) | 1;
        t = 0;
        loop {
            x ^= t;
            t = t.wrapping_add(s);
            if t >= 7 {
                break;
            }
        }
        t = t.wrapping_add(3);
        let s = s.wrapping_sub(5);
        x = x.wrapping_add(t ^ s);
        t = t.wrapping_add(11);
        x ^= t;

        // the result register
        if s32(x.wrapping_add(i)) >= s32(t) {
            x ^= 227;
        }
        if x.wrapping_add(y) >= t {
            x ^= 229;
        }
        if s32(x.wrapping_sub(i)) <= s32(t) {
            x ^= 233;
        }
        if x.wrapping_sub(y) <= t {
            x ^= 239;
        }
        if s32(x ^ i) > s32(t) {
            x ^= 241;
        }
        if (x ^ y) > t {
            x ^= 251;
        }
        if s32(x | i) < s32(t) {
            x ^= 257;
        }
        if (x | y) < t {
            x ^= 263;
        }
        let q = x & 7;
        x = x.wrapping_add(q);
        x ^= ld(&m0, p + (x & 7), 1) as u32;
        x ^= ld(&m0, p + (x & 6), 2) as u32;
        x ^= ld(&m0, p + (x & 6), 2) as u16 as i16 as u32;
        x ^= ld(&m0, p + (x & 4), 4) as u32;
        x ^= ld(&m0, p + (x & 7) + 3, 1) as u32;
        let tt = x ^ i;
        x = x.wrapping_mul(y).wrapping_add(tt);
        // the forms reading every operand from the frame
        let s = i & 3;
        if x != tt {
            x ^= 271;
        }
        if x == tt {
            x ^= 277;
        }
        if s == 0 {
            x ^= 281;
        }
        if s != 0 {
            x ^= 283;
        }
        x = x.wrapping_shl(s);
        x = x.wrapping_add(y.rotate_left(6) ^ y.rotate_left(11) ^ y.rotate_left(25));
        x ^= y.rotate_left(7) ^ y.rotate_left(18) ^ (y >> 3);
        let b8 = |a: u32| ld(&m0, a, 1) as u8 as i8 as u32;
        let w4 = |a: u32| ld(&m0, a, 4) as u32;
        x = x.wrapping_add(y.wrapping_add(b8(p + 21).wrapping_mul(b8(p + 17))));
        let pair = b8(p + 23)
            .wrapping_mul(b8(q + 19))
            .wrapping_add(b8(p + 22).wrapping_mul(b8(q + 18)));
        x ^= y.wrapping_add(pair);
        x = x.wrapping_add(y.wrapping_add(w4(p + 40).wrapping_mul(w4(q + 12))));
        x ^= y.wrapping_add(w4(p + 20).wrapping_mul(w4(q + 24)));
        x = x.wrapping_add(y.wrapping_mul(i).wrapping_add(s));
        x ^= y.wrapping_add(ld(&m0, p + 2 + q, 1) as u32);
        x = x.wrapping_add(y.wrapping_add(w4(q + p)));
        // copy + branch on the value just written
        if x & 1 == i & 1 {
            x ^= 307;
        }
        if x & 4 == 0 {
            x = x.wrapping_add(311);
        }
        st(&mut m0, p + (i & 1), 1, u64::from(y));
        st(&mut m0, p + 48, 4, u64::from(y));
        st(&mut m0, p + 50, 1, u64::from(x.wrapping_add(i)));
        st(&mut m0, p + 52, 2, u64::from(x ^ i));
        st(&mut m0, p + 56, 4, u64::from(x | i));
        x ^= ld(&m0, p + (x & 6) + 48, 2) as u32;

        // checksum, latch
        acc = acc.rotate_left(5) ^ u64::from(x); // $mix
        acc = acc.wrapping_add(xx);
        acc ^= glob;
        acc = acc.wrapping_add(d.to_bits());
        acc ^= u64::from(f.to_bits());
        i = i.wrapping_add(1);
        if i == n {
            return acc;
        }
    }
}

/// Instantiate the fixture and call `run(ITERATIONS)` on a thread with a [`STACK`]-byte
/// native stack. Returns the result, the fuel used (with metering) and the call's duration.
fn run_on_small_stack(fuel: bool) -> (u64, Option<u64>, f64) {
    let wasm = wat::parse_str(FIXTURE).expect("fixture parses");
    std::thread::Builder::new()
        .name("tail-call-guard".into())
        .stack_size(STACK)
        .spawn(move || {
            let mut config = Config::default();
            config.wasm_multi_memory(true).consume_fuel(fuel);
            let engine = Engine::new(&config);
            let module = Module::new(&engine, &wasm).expect("fixture compiles");
            let mut store = Store::new(&engine, ());
            if fuel {
                store.set_fuel(u64::MAX).unwrap();
            }
            let inst = Linker::<()>::new(&engine)
                .instantiate(&mut store, &module)
                .expect("fixture instantiates");
            let run = inst.get_typed_func::<i32, i64>(&store, "run").unwrap();
            let start = Instant::now();
            let out = run
                .call(&mut store, ITERATIONS as i32)
                .expect("the loop does not trap");
            let secs = start.elapsed().as_secs_f64();
            let used = fuel.then(|| u64::MAX - store.get_fuel().unwrap());
            (out as u64, used, secs)
        })
        .expect("spawn the small-stack thread")
        .join()
        .expect("the small-stack thread did not panic")
}

#[test]
fn long_loop_over_every_instruction_fits_a_small_native_stack() {
    let start = Instant::now();
    let expect = model(ITERATIONS);
    eprintln!("model: {:.3} s", start.elapsed().as_secs_f64());

    let (plain, _, secs) = run_on_small_stack(false);
    eprintln!("run without fuel: {secs:.3} s");
    assert_eq!(plain, expect, "run() without fuel differs from the model");

    let (metered, used, secs) = run_on_small_stack(true);
    eprintln!("run with fuel: {secs:.3} s, fuel used {used:?}");
    assert_eq!(metered, expect, "run() with fuel differs from the model");
    // Fuel is charged per loop iteration by the loop body's static IR size: a loose lower
    // bound that the body is as large as intended (over 400 IR instructions).
    let used = used.expect("fuel was metered");
    assert!(used > u64::from(ITERATIONS) * 400, "fuel used: {used}");
}

/// Each instruction the loop executes, with the fixture fragment that translates to it. A
/// fused instruction's fragment is the wasm sequence the translator fuses; `Fuel` exists only
/// with fuel metering (at function entries and loop heads, such as `$L`'s).
const REACHED: &[(&str, &str)] = &[
    ("Fuel", "(loop $L"),
    ("Br", "(br $bt2)"),
    ("BrIfNez", "(br_if $p2 (local.get $s))"),
    ("BrIfEqz", "(br_if $p3 (i32.eqz (local.get $s)))"),
    (
        "AddBrLtU",
        "(br_if $inner2 (i32.lt_u (local.tee $t (i32.add (local.get $t) (local.get $s))) (i32.const 7)))",
    ),
    (
        "AddBrNe",
        "(br_if $inner (i32.ne (local.get $t) (i32.const 3)))",
    ),
    (
        "BrBytesEq",
        "(br_if $k15 (i32.eq (i32.load8_u (i32.add (local.get $p) (local.get $t)))",
    ),
    (
        "BrByteNez",
        "(br_if $k17 (i32.load8_u (i32.add (local.get $s) (local.get $t))))",
    ),
    ("BrByteEqz", "(br_if $k18 (i32.eqz (i32.load8_u"),
    (
        "BrAddLtU",
        "(br_if $k19 (i32.lt_u (i32.add (local.get $t) (i32.const -1)) (local.get $s)))",
    ),
    (
        "BrAddGeU",
        "(br_if $k20 (i32.ge_u (i32.add (local.get $t) (i32.const 1)) (i32.const 2)))",
    ),
    (
        "BrBytesNe",
        "(br_if $k16 (i32.ne (i32.load8_u (i32.add (local.get $t) (local.get $s)))",
    ),
    (
        "CopyBrNe",
        "(br_if $k12 (i32.ne (local.get $q) (local.get $s)))",
    ),
    (
        "CopyBrEq",
        "(br_if $k13 (i32.eq (local.get $t) (local.get $q)))",
    ),
    ("CopyBrIfNez", "(br_if $k14 (local.get $t))"),
    ("BrEq", "(br_if $p0 (i32.eq (local.get $x) (local.get $t)))"),
    ("BrNe", "(br_if $p1 (i32.ne (local.get $x) (local.get $t)))"),
    ("BrLtS", "(br_if $k2 (i32.lt_s"),
    ("BrLtU", "(br_if $k3 (i32.lt_u"),
    ("BrGtS", "(br_if $k4 (i32.gt_s"),
    ("BrGtU", "(br_if $k5 (i32.gt_u"),
    ("BrLeS", "(br_if $k6 (i32.le_s"),
    ("BrLeU", "(br_if $k7 (i32.le_u"),
    ("BrGeS", "(br_if $k8 (i32.ge_s"),
    ("BrGeU", "(br_if $k9 (i32.ge_u"),
    ("BrTable", "(br_table $bt0 $bt1 $bt2"),
    ("BrTableEntry", "(br_table $bt0 $bt1 $bt2"),
    ("Return", "(return (i32.add"),
    ("Call", "(call $three"),
    ("CallIndirect", "(call_indirect $t1"),
    (
        "I32AddReturn",
        "(func $add (type $bin) (i32.add (local.get 0) (local.get 1)))",
    ),
    ("Copy", "(local.set $t (local.get $x))"),
    ("Copy2", "(local.set $x (local.get $t))"),
    ("Const32", "(local.set $t (i32.const 0))"),
    ("Const64", "(local.set $Y (i64.const 0x0badcafef00dd00d))"),
    ("Select", "(select (i32.add"),
    (
        "SelectMinS",
        "(select (local.get $x) (local.get $y) (i32.lt_s (local.get $x) (local.get $y)))",
    ),
    (
        "SelectMinU",
        "(select (local.get $y) (local.get $x) (i32.gt_u (local.get $x) (local.get $y)))",
    ),
    (
        "SelectMaxS",
        "(select (local.get $x) (local.get $i) (i32.ge_s (local.get $x) (local.get $i)))",
    ),
    (
        "SelectMaxU",
        "(select (local.get $i) (local.get $x) (i32.lt_u (local.get $x) (local.get $i)))",
    ),
    ("GlobalGet", "(global.get $glob)"),
    ("GlobalSet", "(global.set $glob"),
    ("RefFunc", "(ref.func $mix)"),
    ("Load32", "(i32.load offset=4 (local.get $p))"),
    ("Load64", "(i64.load offset=8 (local.get $p))"),
    ("Load8S32", "(i32.load8_s offset=37 (local.get $p))"),
    ("Load8U", "(i32.load8_u offset=33 (local.get $p))"),
    ("Load16S32", "(i32.load16_s offset=38 (local.get $p))"),
    ("Load16U", "(i32.load16_u offset=34 (local.get $p))"),
    ("Load8S64", "(i64.load8_s offset=37 (local.get $p))"),
    ("Load16S64", "(i64.load16_s offset=34 (local.get $p))"),
    ("Load32S64", "(i64.load32_s offset=40 (local.get $p))"),
    (
        "Load32Idx",
        "(i32.load (i32.add (local.get $p) (local.get $q)))",
    ),
    (
        "Load8UIdx",
        "(i32.load8_u (i32.add (i32.add (local.get $p) (i32.const 5)) (local.get $q)))",
    ),
    (
        "I32AddLoad32",
        "(i32.add (local.get $y) (i32.load (i32.add (local.get $q) (local.get $p))))",
    ),
    (
        "I32AddLoad32A",
        "(i32.add (local.get $x) (i32.load (i32.add (local.get $q) (local.get $p))))",
    ),
    (
        "I32AddLoad8U",
        "(i32.add (local.get $y) (i32.load8_u (i32.add (i32.add (local.get $p) (i32.const 2))",
    ),
    (
        "I32AddLoad8UA",
        "(i32.add (local.get $x) (i32.load8_u (i32.add (i32.add (local.get $p) (i32.const 1))",
    ),
    (
        "I32MulAddMA",
        "(local.set $x (i32.add (i32.mul (local.get $x) (local.get $y)) (local.get $i)))",
    ),
    (
        "Load8SIdx",
        "(i32.load8_s (i32.add (local.get $p) (i32.const 37)))",
    ),
    (
        "Load16UIdx",
        "(i32.load16_u (i32.add (local.get $q) (local.get $p)))",
    ),
    (
        "Load16SIdx",
        "(i32.load16_s (i32.add (i32.add (local.get $p) (i32.const 3)) (local.get $q)))",
    ),
    ("Store8", "(i32.store8 offset=32 (local.get $p)"),
    ("Store16", "(i32.store16 offset=34 (local.get $p)"),
    ("Store32", "(i32.store (local.get $p)"),
    ("Store64", "(i64.store offset=8 (local.get $p)"),
    (
        "Store8Add",
        "(local.set $t (i32.add (local.get $t) (local.get $q)))",
    ),
    (
        "Copy8Idx",
        "(i32.store8 (i32.add (local.get $p) (i32.const 60)) (i32.load8_u",
    ),
    (
        "Store8Idx",
        "(i32.store8 (i32.add (local.get $p) (local.get $q)) (local.get $y))",
    ),
    (
        "Store32Idx",
        "(i32.store (i32.add (local.get $p) (i32.const 48)) (local.get $y))",
    ),
    (
        "Store8IdxA",
        "(i32.store8 (i32.add (local.get $p) (local.get $q)) (i32.xor",
    ),
    (
        "Store32IdxA",
        "(i32.store (i32.add (local.get $p) (i32.const 44))",
    ),
    ("Store8A", "(i32.store8 offset=50 (local.get $p) (i32.add"),
    ("Store16A", "(i32.store16 offset=52 (local.get $p) (i32.xor"),
    ("Store32A", "(i32.store offset=56 (local.get $p) (i32.or"),
    ("Load16UA", "(i32.load16_u offset=48 (local.get $s))"),
    ("MemorySize", "(memory.size)"),
    ("MemoryGrow", "(memory.grow (i32.const 0))"),
    ("MemoryFill", "(memory.fill "),
    ("MemoryCopy", "(memory.copy (i32.add"),
    ("MemoryCopyMulti", "(memory.copy $m0 $m1"),
    ("UseMem", "(i32.store $m1"),
    ("MemoryInit", "(memory.init $d0"),
    ("DataDrop", "(data.drop $d1)"),
    ("TableGet", "(table.get $t0"),
    ("TableSet", "(table.set $t0"),
    ("TableSize", "(table.size $t0)"),
    ("TableGrow", "(table.grow $t1"),
    ("TableFill", "(table.fill $t1"),
    ("TableCopy", "(table.copy $t0 $t0"),
    ("TableInit", "(table.init $t0 $e0"),
    ("ElemDrop", "(elem.drop $e1)"),
    ("I32AddImm", "(i32.add (local.get $x) (i32.const 12345))"),
    (
        "I32AddImm2",
        "(local.set $s (i32.add (local.get $s) (i32.const -5)))",
    ),
    (
        "I32AddStep",
        "(local.set $t (i32.add (local.get $t) (i32.const 11)))",
    ),
    (
        "I32DotLoad8S",
        "(i32.mul (i32.load8_s offset=21 (local.get $p)) (i32.load8_s offset=17 (local.get $p)))",
    ),
    (
        "I32DotLoad8S2",
        "(i32.mul (i32.load8_s offset=22 (local.get $p)) (i32.load8_s offset=18 (local.get $q)))",
    ),
    (
        "I32DotLoad32",
        "(i32.mul (i32.load offset=40 (local.get $p)) (i32.load offset=12 (local.get $q)))",
    ),
    (
        "I32DotLoad32W",
        "(i32.mul (i32.load (i32.add (local.get $p) (i32.const 20))) (i32.load (i32.add (local.get $q) (i32.const 24))))",
    ),
    (
        "I32XorRotl",
        "(i32.xor (local.get $i) (i32.rotl (local.get $x) (i32.const 13)))",
    ),
    (
        "I32Rotl3",
        "(i32.xor (i32.xor (i32.rotl (local.get $y) (i32.const 6))",
    ),
    ("I32Rotl2ShrU", "(i32.shr_u (local.get $y) (i32.const 3))"),
    (
        "I32XorShrU",
        "(i32.xor (local.get $x) (i32.shr_u (local.get $x) (local.get $i)))",
    ),
    (
        "I32MulAdd",
        "(local.set $t (i32.add (i32.mul (local.get $y) (local.get $i)) (local.get $s)))",
    ),
    (
        "I32Add",
        "(local.set $x (i32.add (local.get $x) (local.get $y)))",
    ),
    (
        "I32Sub",
        "(local.set $x (i32.sub (local.get $x) (local.get $i)))",
    ),
    (
        "I32Mul",
        "(local.set $x (i32.mul (local.get $x) (local.get $y)))",
    ),
    ("I32DivS", "(i32.div_s "),
    ("I32DivU", "(i32.div_u "),
    ("I32RemS", "(i32.rem_s "),
    ("I32RemU", "(i32.rem_u "),
    ("I32And", "(i32.and "),
    ("I32Or", "(i32.or "),
    ("I32Xor", "(i32.xor "),
    (
        "I32Shl",
        "(local.set $x (i32.shl (local.get $x) (local.get $s)))",
    ),
    ("I32ShrS", "(i32.shr_s "),
    ("I32ShrU", "(i32.shr_u "),
    ("I32Rotl", "(i32.rotl "),
    ("I32Rotr", "(i32.rotr "),
    ("I32Eq", "(i32.eq "),
    ("I32Ne", "(i32.ne "),
    ("I32LtS", "(i32.lt_s "),
    ("I32LtU", "(i32.lt_u "),
    ("I32GtS", "(i32.gt_s "),
    ("I32GtU", "(i32.gt_u "),
    ("I32LeS", "(i32.le_s "),
    ("I32LeU", "(i32.le_u "),
    ("I32GeS", "(i32.ge_s "),
    ("I32GeU", "(i32.ge_u "),
    ("I32Eqz", "(i32.eqz "),
    ("I32Clz", "(i32.clz "),
    ("I32Ctz", "(i32.ctz "),
    ("I32Popcnt", "(i32.popcnt "),
    ("I32Extend8S", "(i32.extend8_s "),
    ("I32Extend16S", "(i32.extend16_s "),
    ("I64Add", "(i64.add "),
    ("I64Sub", "(i64.sub "),
    ("I64Mul", "(i64.mul "),
    ("I64DivS", "(i64.div_s "),
    ("I64DivU", "(i64.div_u "),
    ("I64RemS", "(i64.rem_s "),
    ("I64RemU", "(i64.rem_u "),
    ("I64And", "(i64.and "),
    ("I64Or", "(i64.or "),
    ("I64Xor", "(i64.xor "),
    ("I64Shl", "(i64.shl "),
    ("I64ShrS", "(i64.shr_s "),
    ("I64ShrU", "(i64.shr_u "),
    ("I64Rotl", "(i64.rotl "),
    ("I64Rotr", "(i64.rotr "),
    ("I64Eq", "(i64.eq "),
    ("I64Ne", "(i64.ne "),
    ("I64LtS", "(i64.lt_s "),
    ("I64LtU", "(i64.lt_u "),
    ("I64GtS", "(i64.gt_s "),
    ("I64GtU", "(i64.gt_u "),
    ("I64LeS", "(i64.le_s "),
    ("I64LeU", "(i64.le_u "),
    ("I64GeS", "(i64.ge_s "),
    ("I64GeU", "(i64.ge_u "),
    ("I64Eqz", "(i64.eqz "),
    ("I64Clz", "(i64.clz "),
    ("I64Ctz", "(i64.ctz "),
    ("I64Popcnt", "(i64.popcnt "),
    ("I64Extend8S", "(i64.extend8_s "),
    ("I64Extend16S", "(i64.extend16_s "),
    ("I64Extend32S", "(i64.extend32_s "),
    ("F32Add", "(f32.add "),
    ("F32Sub", "(f32.sub "),
    ("F32Mul", "(f32.mul "),
    ("F32Div", "(f32.div "),
    ("F32Min", "(f32.min "),
    ("F32Max", "(f32.max "),
    ("F32Copysign", "(f32.copysign "),
    ("F32Eq", "(f32.eq "),
    ("F32Ne", "(f32.ne "),
    ("F32Lt", "(f32.lt "),
    ("F32Gt", "(f32.gt "),
    ("F32Le", "(f32.le "),
    ("F32Ge", "(f32.ge "),
    ("F32Abs", "(f32.abs "),
    ("F32Neg", "(f32.neg "),
    ("F32Ceil", "(f32.ceil "),
    ("F32Floor", "(f32.floor "),
    ("F32Trunc", "(f32.trunc "),
    ("F32Nearest", "(f32.nearest "),
    ("F32Sqrt", "(f32.sqrt "),
    ("F64Add", "(f64.add "),
    ("F64Sub", "(f64.sub "),
    ("F64Mul", "(f64.mul "),
    ("F64Div", "(f64.div "),
    ("F64Min", "(f64.min "),
    ("F64Max", "(f64.max "),
    ("F64Copysign", "(f64.copysign "),
    ("F64Eq", "(f64.eq "),
    ("F64Ne", "(f64.ne "),
    ("F64Lt", "(f64.lt "),
    ("F64Gt", "(f64.gt "),
    ("F64Le", "(f64.le "),
    ("F64Ge", "(f64.ge "),
    ("F64Abs", "(f64.abs "),
    ("F64Neg", "(f64.neg "),
    ("F64Ceil", "(f64.ceil "),
    ("F64Floor", "(f64.floor "),
    ("F64Trunc", "(f64.trunc "),
    ("F64Nearest", "(f64.nearest "),
    ("F64Sqrt", "(f64.sqrt "),
    ("I32WrapI64", "(i32.wrap_i64 "),
    ("I32TruncF32S", "(i32.trunc_f32_s "),
    ("I32TruncF32U", "(i32.trunc_f32_u "),
    ("I32TruncF64S", "(i32.trunc_f64_s "),
    ("I32TruncF64U", "(i32.trunc_f64_u "),
    ("I64ExtendI32S", "(i64.extend_i32_s "),
    ("I64ExtendI32U", "(i64.extend_i32_u "),
    ("I64TruncF32S", "(i64.trunc_f32_s "),
    ("I64TruncF32U", "(i64.trunc_f32_u "),
    ("I64TruncF64S", "(i64.trunc_f64_s "),
    ("I64TruncF64U", "(i64.trunc_f64_u "),
    ("F32ConvertI32S", "(f32.convert_i32_s "),
    ("F32ConvertI32U", "(f32.convert_i32_u "),
    ("F32ConvertI64S", "(f32.convert_i64_s "),
    ("F32ConvertI64U", "(f32.convert_i64_u "),
    ("F32DemoteF64", "(f32.demote_f64 "),
    ("F64ConvertI32S", "(f64.convert_i32_s "),
    ("F64ConvertI32U", "(f64.convert_i32_u "),
    ("F64ConvertI64S", "(f64.convert_i64_s "),
    ("F64ConvertI64U", "(f64.convert_i64_u "),
    ("F64PromoteF32", "(f64.promote_f32 "),
    ("I32TruncSatF32S", "(i32.trunc_sat_f32_s "),
    ("I32TruncSatF32U", "(i32.trunc_sat_f32_u "),
    ("I32TruncSatF64S", "(i32.trunc_sat_f64_s "),
    ("I32TruncSatF64U", "(i32.trunc_sat_f64_u "),
    ("I64TruncSatF32S", "(i64.trunc_sat_f32_s "),
    ("I64TruncSatF32U", "(i64.trunc_sat_f32_u "),
    ("I64TruncSatF64S", "(i64.trunc_sat_f64_s "),
    ("I64TruncSatF64U", "(i64.trunc_sat_f64_u "),
    (
        "I32AddA",
        "(local.set $x (i32.add (local.get $x) (local.get $q)))",
    ),
    ("I32SubA", "(i32.sub (local.get $x) (local.get $i))"),
    (
        "I32MulA",
        "(local.set $x (i32.mul (local.get $x) (local.get $y)))",
    ),
    (
        "I32AndA",
        "(local.set $t (i32.and (local.get $x) (i32.const 3)))",
    ),
    ("I32OrA", "(i32.or (i32.shr_u (i32.mul"),
    (
        "I32XorA",
        "(local.set $x (i32.xor (local.get $x) (i32.add (local.get $t) (select",
    ),
    (
        "I32ShlA",
        "(i32.xor (local.get $x) (i32.shl (local.get $x) (local.get $i)))",
    ),
    ("I32ShrUA", "(i32.shr_u (i32.mul (local.get $i)"),
    (
        "I32ShrSA",
        "(i32.add (local.get $x) (i32.shr_s (local.get $x) (local.get $y)))",
    ),
    (
        "I32AddImmA",
        "(i32.add (i32.and (local.get $i) (i32.const 1)) (i32.const 1))",
    ),
    ("CopyA", "(local.set $q (local.get $s))"),
    (
        "BrIfNezA",
        "(br_if $k10 (i32.and (local.get $x) (i32.const 4)))",
    ),
    (
        "BrIfEqzA",
        "(br_if $k11 (i32.eqz (i32.and (local.get $x) (i32.const 8))))",
    ),
    ("BrEqA", "(br_if $k0 (i32.eq (i32.and"),
    ("BrNeA", "(br_if $k1 (i32.ne (i32.and"),
    ("BrLtSA", "(br_if $r0 (i32.lt_s (i32.add"),
    ("BrLtUA", "(br_if $r1 (i32.lt_u (i32.add"),
    ("BrGtSA", "(br_if $r2 (i32.gt_s (i32.sub"),
    ("BrGtUA", "(br_if $r3 (i32.gt_u (i32.sub"),
    ("BrLeSA", "(br_if $r4 (i32.le_s (i32.xor"),
    ("BrLeUA", "(br_if $r5 (i32.le_u (i32.xor"),
    ("BrGeSA", "(br_if $r6 (i32.ge_s (i32.or"),
    ("BrGeUA", "(br_if $r7 (i32.ge_u (i32.or"),
    (
        "Load8UIdxA",
        "(i32.load8_u (i32.add (local.get $p) (local.get $s)))",
    ),
    (
        "Load16UIdxA",
        "(i32.load16_u (i32.add (local.get $p) (local.get $s)))",
    ),
    (
        "Load16SIdxA",
        "(i32.load16_s (i32.add (local.get $p) (local.get $s)))",
    ),
    (
        "Load32IdxA",
        "(i32.load (i32.add (local.get $p) (local.get $s)))",
    ),
    ("Load8UA", "(i32.load8_u offset=3 (local.get $s))"),
    (
        "Load32A",
        "(i32.load offset=2 (i32.add (local.get $p) (i32.const 40)))",
    ),
    (
        "I32MulAddA",
        "(local.set $x (i32.add (i32.mul (local.get $x) (local.get $y)) (local.get $t)))",
    ),
    (
        "I32DotLoad8SA",
        "(i32.mul (i32.load8_s offset=37 (local.get $p)) (i32.load8_s offset=33 (local.get $p)))",
    ),
    (
        "I32DotLoad8S2A",
        "(i32.mul (i32.load8_s offset=30 (local.get $p)) (i32.load8_s offset=26 (local.get $q)))",
    ),
    (
        "I32DotLoad32A",
        "(i32.mul (i32.load offset=36 (local.get $p)) (i32.load offset=8 (local.get $q)))",
    ),
    (
        "I32DotLoad32WA",
        "(i32.mul (i32.load (i32.add (local.get $p) (i32.const 12))) (i32.load (i32.add (local.get $q) (i32.const 16))))",
    ),
    (
        "I32Rotl3A",
        "(i32.xor (i32.xor (i32.rotl (local.get $x) (i32.const 30))",
    ),
    ("I32Rotl2ShrUA", "(i32.shr_u (local.get $x) (i32.const 3))"),
    (
        "CopyBrNeA",
        "(br_if $p6 (i32.ne (local.get $s) (local.get $q)))",
    ),
    ("CopyBrIfNezA", "(br_if $p7 (local.get $t))"),
];

/// Instructions the loop cannot execute, and why.
const NOT_REACHED: &[(&str, &str)] = &[("Unreachable", "it traps, which ends the call")];

/// The instruction names of `src/exec/ops.rs`: the entries of `for_each_instr!`, each starting
/// a line of its own at the list's indentation (`Name(fields) |vm| body` or `Name |vm| body`).
fn instruction_set() -> Vec<&'static str> {
    let ops = include_str!("../src/exec/ops.rs");
    let list = &ops[ops
        .find("macro_rules! for_each_instr")
        .expect("the instruction list")..];
    list.lines()
        .filter_map(|line| {
            let entry = line.strip_prefix("            ")?;
            let name = entry.split(|c: char| !c.is_ascii_alphanumeric()).next()?;
            let first = name.chars().next()?;
            (first.is_ascii_uppercase() && entry.contains("|vm|")).then_some(name)
        })
        .collect()
}

#[test]
fn every_instruction_is_reached_or_excused() {
    let set = instruction_set();
    assert!(set.len() > 150, "parsed only {} instructions", set.len());
    let all: BTreeSet<&str> = set.iter().copied().collect();
    assert_eq!(all.len(), set.len(), "duplicate names in ops.rs");
    let mut listed = BTreeSet::new();
    for (name, _) in REACHED.iter().chain(NOT_REACHED) {
        assert!(listed.insert(*name), "{name} is listed twice");
    }
    let missing: Vec<_> = all.difference(&listed).collect();
    assert!(
        missing.is_empty(),
        "instructions the tail-call guard does not cover: {missing:?}; add them to the loop in \
         FIXTURE (and the model) and to REACHED, or to NOT_REACHED with the reason"
    );
    let stale: Vec<_> = listed.difference(&all).collect();
    assert!(stale.is_empty(), "no longer instructions: {stale:?}");
    let absent: Vec<_> = REACHED
        .iter()
        .filter(|(_, fragment)| !FIXTURE.contains(fragment))
        .collect();
    assert!(absent.is_empty(), "fragments not in FIXTURE: {absent:?}");
}

//! The instruction set, once: every IR instruction with its operands and its meaning.
//!
//! [`for_each_instr!`] hands the whole list to a callback macro. [`crate::ir`] expands it into the
//! `Instr` enum; [`super::threaded`] into one handler function per instruction that tail-calls
//! the next; [`super::looped`] into the arms of a `match` loop. So the two dispatch backends run
//! the same code by construction.
//!
//! Each entry reads `Name(field: Type, ...) |vm| body` (or `Name |vm| body`): `body` is an expression of type
//! [`super::vm::Flow`] over `vm: &mut Vm` (the interpreter registers, see [`super::vm`]).
//! Operands of type `S` are frame slots; `T` fields are branch offsets in bytes from the next
//! instruction (see `Translator::finish`).

/// A value of one of the cell's types (`u32`/`i32`: zero-extended, `u64`/`i64`, `f32`/`f64`
/// bits, `bool`: 0 or 1): how instruction bodies read and write slots.
pub(crate) trait Cell: Sized {
    fn get(cell: u64) -> Self;
    fn put(self) -> u64;
}
macro_rules! cell_ints {
    ($($t:ty),*) => {$(
        impl Cell for $t {
            #[inline(always)]
            fn get(cell: u64) -> Self {
                cell as $t
            }
            #[inline(always)]
            fn put(self) -> u64 {
                self as u32 as u64
            }
        }
    )*};
}
cell_ints!(u32, i32);
impl Cell for u64 {
    #[inline(always)]
    fn get(cell: u64) -> Self {
        cell
    }
    #[inline(always)]
    fn put(self) -> u64 {
        self
    }
}
impl Cell for i64 {
    #[inline(always)]
    fn get(cell: u64) -> Self {
        cell as i64
    }
    #[inline(always)]
    fn put(self) -> u64 {
        self as u64
    }
}
impl Cell for f32 {
    #[inline(always)]
    fn get(cell: u64) -> Self {
        f32::from_bits(cell as u32)
    }
    #[inline(always)]
    fn put(self) -> u64 {
        self.to_bits() as u64
    }
}
impl Cell for f64 {
    #[inline(always)]
    fn get(cell: u64) -> Self {
        f64::from_bits(cell)
    }
    #[inline(always)]
    fn put(self) -> u64 {
        self.to_bits()
    }
}
impl Cell for bool {
    #[inline(always)]
    fn get(cell: u64) -> Self {
        cell != 0
    }
    #[inline(always)]
    fn put(self) -> u64 {
        self as u64
    }
}

/// A byte as an i32 (`add_load!`).
#[inline(always)]
pub(crate) fn byte(x: [u8; 1]) -> u32 {
    x[0] as u32
}
/// Products of the dot-product steps (shared by the forms reading `c` from a slot and from
/// the result register).
#[inline(always)]
pub(crate) fn int8(x: [u8; 1], y: [u8; 1]) -> u32 {
    (x[0] as i8 as u32).wrapping_mul(y[0] as i8 as u32)
}
#[cfg_attr(embwit_lean, allow(dead_code))] // speed-only forms
#[inline(always)]
pub(crate) fn int8x2(x: [u8; 2], y: [u8; 2]) -> u32 {
    int8([x[0]], [y[0]]).wrapping_add(int8([x[1]], [y[1]]))
}
#[inline(always)]
pub(crate) fn word(x: [u8; 4], y: [u8; 4]) -> u32 {
    u32::from_le_bytes(x).wrapping_mul(u32::from_le_bytes(y))
}
/// SHA-2's sigma functions: `rotl(v, a) ^ rotl(v, b) ^ rotl(v, c)` (big) and
/// `rotl(v, a) ^ rotl(v, b) ^ (v >> c)` (small), amounts below 32.
#[cfg_attr(embwit_lean, allow(dead_code))] // speed-only forms
#[inline(always)]
pub(crate) fn rotl3(v: u32, a: u8, b: u8, c: u8) -> u32 {
    v.rotate_left(a as u32) ^ v.rotate_left(b as u32) ^ v.rotate_left(c as u32)
}
#[cfg_attr(embwit_lean, allow(dead_code))] // speed-only forms
#[inline(always)]
pub(crate) fn rotl2_shr(v: u32, a: u8, b: u8, c: u8) -> u32 {
    v.rotate_left(a as u32) ^ v.rotate_left(b as u32) ^ v.wrapping_shr(c as u32)
}

/// `dst = f(a, b)` with both operands read as `$t`; the result is written as its own type.
macro_rules! bin {
    ($vm:ident, $d:ident, $a:ident, $b:ident, $t:ty, |$x:ident, $y:ident| $e:expr) => {{
        let ($x, $y) = (<$t as Cell>::get($vm.r($a)), <$t as Cell>::get($vm.r($b)));
        $vm.w($d, Cell::put($e));
        Flow::Next
    }};
}
/// `dst = f(a)` with the operand read as `$t`.
macro_rules! un {
    ($vm:ident, $d:ident, $a:ident, $t:ty, |$x:ident| $e:expr) => {{
        let $x = <$t as Cell>::get($vm.r($a));
        $vm.w($d, Cell::put($e));
        Flow::Next
    }};
}
/// Fused i32 compare and branch.
macro_rules! br_cmp {
    ($vm:ident, $a:ident, $b:ident, $t:ident, |$x:ident, $y:ident| $e:expr) => {{
        let ($x, $y) = ($vm.r32($a), $vm.r32($b));
        $vm.branch_if($e, $t)
    }};
}
/// `dst = if f(a, b) { a } else { b }` over the i32s in `a` and `b`, copying the whole cell.
macro_rules! sel {
    ($vm:ident, $d:ident, $a:ident, $b:ident, |$x:ident, $y:ident| $e:expr) => {{
        let ($x, $y) = ($vm.r32($a), $vm.r32($b));
        let v = if $e { $vm.r($a) } else { $vm.r($b) };
        $vm.w($d, v);
        Flow::Next
    }};
}
/// A trapping float-to-int conversion.
macro_rules! conv {
    ($vm:ident, $d:ident, $e:expr, $ty:ty) => {{
        match $e {
            Conv::Ok(v) => {
                $vm.w($d, v as $ty as u64);
                Flow::Next
            }
            Conv::Nan => $vm.trap(TrapCode::BadConversionToInteger),
            Conv::Overflow => $vm.trap(TrapCode::IntegerOverflow),
        }
    }};
}
/// `dst = f(bytes)` for an `N`-byte load at `addr + off`.
macro_rules! ld {
    ($vm:ident, $d:ident, $addr:expr, $o:expr, $n:literal, |$b:ident| $e:expr) => {{
        match $vm.load::<$n>($addr, $o) {
            Some($b) => {
                $vm.w($d, $e);
                Flow::Next
            }
            None => $vm.trap(TrapCode::MemoryOutOfBounds),
        }
    }};
}
/// Store `bytes` at `addr + off`.
macro_rules! st {
    ($vm:ident, $addr:expr, $o:expr, $bytes:expr) => {{
        let bytes = $bytes;
        if $vm.store($addr, $o, bytes) {
            Flow::Next
        } else {
            $vm.trap(TrapCode::MemoryOutOfBounds)
        }
    }};
}
/// A dot-product step: `dst = c + $f(x, y)` over the `N` bytes `x` at `($pa, $po)` and `y` at
/// `($qa, $qo)` (address and offset, as [`super::vm::Vm::load`] takes them), read in that order,
/// each trapping at its own wasm instruction; `$c` (the addend's value) is evaluated before
/// `dst` is written.
macro_rules! dot {
    ($vm:ident, $d:ident, $c:expr, $n:literal, ($pa:expr, $po:expr), ($qa:expr, $qo:expr),
     $f:ident) => {
        match $vm.load::<$n>($pa, $po) {
            Some(x) => match $vm.load::<$n>($qa, $qo) {
                Some(y) => {
                    let v: u32 = $f(x, y);
                    $vm.w($d, v.wrapping_add($c) as u64);
                    Flow::Next
                }
                None => $vm.trap_second(TrapCode::MemoryOutOfBounds),
            },
            None => $vm.trap(TrapCode::MemoryOutOfBounds),
        }
    };
}
/// `dst = c + f(bytes)` for the `N` bytes at the wrapping address `a + b + o` (a loaded value
/// added to another: `$c` is the addend's value, evaluated before `dst` is written).
macro_rules! add_load {
    ($vm:ident, $d:ident, $c:expr, ($a:ident, $b:ident, $o:ident), $n:literal, $f:expr) => {
        match $vm.load::<$n>($vm.idx($a, $b, $o as i32 as u32), 0) {
            Some(x) => {
                let v: u32 = $f(x);
                $vm.w($d, ($c).wrapping_add(v) as u64);
                Flow::Next
            }
            None => $vm.trap(TrapCode::MemoryOutOfBounds),
        }
    };
}
/// Leave `Flow` from a `Result<(), TrapCode>` of a slow-path helper.
macro_rules! done {
    ($vm:ident, $e:expr) => {{
        match $e {
            Ok(()) => Flow::Next,
            Err(c) => $vm.trap(c),
        }
    }};
}

/// The body of a fused form only speed builds emit: size builds (cfg `embwit_lean`, see
/// `build.rs`) compile its translator rule out, so the form never reaches the executor there and
/// its body shrinks to a trap.
macro_rules! speed {
    ($vm:ident, $body:expr) => {{
        #[cfg(not(embwit_lean))]
        let flow = $body;
        #[cfg(embwit_lean)]
        let flow = $vm.trap(TrapCode::Unreachable);
        flow
    }};
}

/// `dst = f(acc, y)` over the result register as an i32 (see `Vm::acc`): a speed-only form.
macro_rules! acc_bin {
    ($vm:ident, $d:ident, $y:expr, |$a:ident, $b:ident| $e:expr) => {
        speed!($vm, {
            let ($a, $b): (u32, u32) = ($vm.acc32(), $y);
            $vm.w($d, ($e) as u64);
            Flow::Next
        })
    };
}
/// Branch if `f(acc, b)` over the result register and slot `b` as i32s.
macro_rules! acc_br {
    ($vm:ident, $b:ident, $t:ident, |$x:ident, $y:ident| $e:expr) => {
        speed!($vm, {
            let ($x, $y) = ($vm.acc32(), $vm.r32($b));
            $vm.branch_if($e, $t)
        })
    };
}

pub(crate) use {acc_bin, acc_br, add_load, bin, br_cmp, conv, done, dot, ld, sel, speed, st, un};

/// Calls `$m! { ... }` with the list of every instruction.
macro_rules! for_each_instr {
    ($m:ident) => {
        $m! {
            // ---- control ----
            Unreachable |vm| vm.trap(TrapCode::Unreachable),
            /// Charge fuel.
            Fuel(c: u32) |vm| vm.charge(c),
            Br(t: T) |vm| {
                vm.jump(t);
                Flow::Next
            },
            BrIfNez(c: S, t: T) |vm| vm.branch_if(vm.r32(c) != 0, t),
            BrIfEqz(c: S, t: T) |vm| vm.branch_if(vm.r32(c) == 0, t),
            /// `x = x + imm; if x != n goto target`: a counted loop's latch.
            AddBrNe(x: S, n: S, c: i16, t: T) |vm| {
                let v = vm.r32(x).wrapping_add(c as i32 as u32);
                vm.w(x, v as u64);
                vm.branch_if(v != vm.r32(n), t)
            },
            /// `x = x + y; if x <u n goto target`: a loop latch stepping by a slot.
            AddBrLtU(x: S, y: S, n: S, t: T) |vm| {
                let v = vm.r32(x).wrapping_add(vm.r32(y));
                vm.w(x, v as u64);
                vm.branch_if(v < vm.r32(n), t)
            },
            /// `d = s; if s != b goto target` (`b` read after the copy): a loop variable
            /// moved into place right before the latch tests it.
            CopyBrNe(d: S, s: S, b: S, t: T) |vm| {
                let v = vm.r(s);
                vm.w(d, v);
                vm.branch_if(v as u32 != vm.r32(b), t)
            },
            /// `d = s; if s == b goto target` (`b` read after the copy).
            CopyBrEq(d: S, s: S, b: S, t: T) |vm| {
                let v = vm.r(s);
                vm.w(d, v);
                vm.branch_if(v as u32 == vm.r32(b), t)
            },
            /// `d = s; if c != 0 goto target` (`c` read after the copy).
            CopyBrIfNez(d: S, s: S, c: S, t: T) |vm| {
                vm.w(d, vm.r(s));
                vm.branch_if(vm.r32(c) != 0, t)
            },
            /// `if mem[p + i] == mem[q + i] goto target` (two `i32.load8_u` at one index and
            /// their compare: a match or `memcmp` loop). Reads `p + i` first, as the loads did.
            BrBytesEq(p: S, q: S, i: S, t: T) |vm| {
                match vm.load::<1>(vm.idx(p, i, 0), 0) {
                    Some(x) => match vm.load::<1>(vm.idx(q, i, 0), 0) {
                        Some(y) => vm.branch_if(x == y, t),
                        None => vm.trap_second(TrapCode::MemoryOutOfBounds),
                    },
                    None => vm.trap(TrapCode::MemoryOutOfBounds),
                }
            },
            /// `if mem[p + i] != mem[q + i] goto target`.
            BrBytesNe(p: S, q: S, i: S, t: T) |vm| {
                match vm.load::<1>(vm.idx(p, i, 0), 0) {
                    Some(x) => match vm.load::<1>(vm.idx(q, i, 0), 0) {
                        Some(y) => vm.branch_if(x != y, t),
                        None => vm.trap_second(TrapCode::MemoryOutOfBounds),
                    },
                    None => vm.trap(TrapCode::MemoryOutOfBounds),
                }
            },
            /// `if mem[p + i + c] == 0 goto target`, the address wrapping (an `i32.load8_u` at an
            /// indexed address and a `br_if` on it: flag tables, sieves).
            BrByteEqz(p: S, i: S, c: i16, t: T) |vm| speed!(vm, {
                match vm.load::<1>(vm.idx(p, i, c as i32 as u32), 0) {
                    Some([x]) => vm.branch_if(x == 0, t),
                    None => vm.trap(TrapCode::MemoryOutOfBounds),
                }
            }),
            /// `if mem[p + i + c] != 0 goto target`.
            BrByteNez(p: S, i: S, c: i16, t: T) |vm| speed!(vm, {
                match vm.load::<1>(vm.idx(p, i, c as i32 as u32), 0) {
                    Some([x]) => vm.branch_if(x != 0, t),
                    None => vm.trap(TrapCode::MemoryOutOfBounds),
                }
            }),
            /// `if a + c <u b goto target` (an `x + imm` only compared: a range check).
            BrAddLtU(a: S, b: S, c: i16, t: T) |vm| speed!(vm, {
                let x = vm.r32(a).wrapping_add(c as i32 as u32);
                vm.branch_if(x < vm.r32(b), t)
            }),
            /// `if a + c >=u b goto target`.
            BrAddGeU(a: S, b: S, c: i16, t: T) |vm| speed!(vm, {
                let x = vm.r32(a).wrapping_add(c as i32 as u32);
                vm.branch_if(x >= vm.r32(b), t)
            }),
            /// Fused i32 compare + branch-if-true: (a, b, target).
            BrEq(a: S, b: S, t: T) |vm| br_cmp!(vm, a, b, t, |x, y| x == y),
            BrNe(a: S, b: S, t: T) |vm| br_cmp!(vm, a, b, t, |x, y| x != y),
            BrLtS(a: S, b: S, t: T) |vm| br_cmp!(vm, a, b, t, |x, y| (x as i32) < (y as i32)),
            BrLtU(a: S, b: S, t: T) |vm| br_cmp!(vm, a, b, t, |x, y| x < y),
            BrGtS(a: S, b: S, t: T) |vm| br_cmp!(vm, a, b, t, |x, y| (x as i32) > (y as i32)),
            BrGtU(a: S, b: S, t: T) |vm| br_cmp!(vm, a, b, t, |x, y| x > y),
            BrLeS(a: S, b: S, t: T) |vm| br_cmp!(vm, a, b, t, |x, y| (x as i32) <= (y as i32)),
            BrLeU(a: S, b: S, t: T) |vm| br_cmp!(vm, a, b, t, |x, y| x <= y),
            BrGeS(a: S, b: S, t: T) |vm| br_cmp!(vm, a, b, t, |x, y| (x as i32) >= (y as i32)),
            BrGeU(a: S, b: S, t: T) |vm| br_cmp!(vm, a, b, t, |x, y| x >= y),
            /// Index slot and number of targets (excluding the default); followed by `len + 1`
            /// [`Instr::BrTableEntry`]s.
            BrTable(i: S, len: u32) |vm| {
                let i = vm.r32(i).min(len);
                vm.skip(i);
                Flow::Next
            },
            BrTableEntry(t: T) |vm| {
                vm.jump(t);
                Flow::Next
            },
            /// Return `n` values starting at slot.
            Return(src: S, n: u16) |vm| vm.ret(src, n),
            /// `d = a + b`, then return it (a function ending in `return x + y`: recursive ones).
            I32AddReturn(d: S, a: S, b: S) |vm| speed!(vm, {
                vm.w(d, vm.r32(a).wrapping_add(vm.r32(b)) as u64);
                vm.ret(d, 1)
            }),
            /// Call function `f` (module index minus the number of imported functions, wrapping:
            /// a defined function's index among them, found with no subtraction); `dst`: slot
            /// for results; `args`: `extra` index of the argument slot list.
            Call(dst: S, f: u32, args: u32) |vm| vm.call(f, dst, args),
            /// Index slot; dst; `extra` index: [type id, table, args...].
            CallIndirect(i: S, dst: S, x: u32) |vm| vm.call_indirect(i, dst, x),

            // ---- moves ----
            Copy(d: S, s: S) |vm| {
                vm.w(d, vm.r(s));
                Flow::Next
            },
            /// `d = s`, then `e = t` (two `Copy`s in a row, merged by the translator).
            Copy2(d: S, s: S, e: S, t: S) |vm| {
                vm.w(d, vm.r(s));
                vm.w(e, vm.r(t));
                Flow::Next
            },
            Const32(d: S, v: u32) |vm| {
                vm.w(d, v as u64);
                Flow::Next
            },
            Const64(d: S, lo: u32, hi: u32) |vm| {
                vm.w(d, (lo as u64) | ((hi as u64) << 32));
                Flow::Next
            },
            /// dst, a, b, cond
            Select(d: S, a: S, b: S, c: S) |vm| {
                let v = if vm.r32(c) != 0 { vm.r(a) } else { vm.r(b) };
                vm.w(d, v);
                Flow::Next
            },
            /// dst = the min or max of the i32s in `a` and `b`: a `select` on an i32 compare of
            /// the same two slots, copying the whole chosen cell as that `select` does.
            SelectMinS(d: S, a: S, b: S) |vm| sel!(vm, d, a, b, |x, y| (x as i32) < (y as i32)),
            SelectMinU(d: S, a: S, b: S) |vm| sel!(vm, d, a, b, |x, y| x < y),
            SelectMaxS(d: S, a: S, b: S) |vm| sel!(vm, d, a, b, |x, y| (x as i32) > (y as i32)),
            SelectMaxU(d: S, a: S, b: S) |vm| sel!(vm, d, a, b, |x, y| x > y),
            GlobalGet(d: S, g: u32) |vm| match vm.cx.global(g).copied() {
                Some(v) => {
                    vm.w(d, v);
                    Flow::Next
                }
                None => vm.trap(TrapCode::Unreachable),
            },
            GlobalSet(s: S, g: u32) |vm| {
                let v = vm.r(s);
                match vm.cx.global(g) {
                    Some(cell) => {
                        *cell = v;
                        Flow::Next
                    }
                    None => vm.trap(TrapCode::Unreachable),
                }
            },
            RefFunc(d: S, f: u32) |vm| {
                let fi = vm.cx.inst.funcs.get(f as usize).copied().unwrap_or(0);
                vm.w(d, fi as u64 + 1);
                Flow::Next
            },

            // ---- memory: (dst/value, base, offset) ----
            Load32(d: S, a: S, o: u32) |vm| ld!(vm, d, vm.r(a), o, 4, |b| u32::from_le_bytes(b) as u64),
            Load64(d: S, a: S, o: u32) |vm| ld!(vm, d, vm.r(a), o, 8, |b| u64::from_le_bytes(b)),
            Load8S32(d: S, a: S, o: u32) |vm| ld!(vm, d, vm.r(a), o, 1, |b| b[0] as i8 as i32 as u32 as u64),
            Load8U(d: S, a: S, o: u32) |vm| ld!(vm, d, vm.r(a), o, 1, |b| b[0] as u64),
            Load16S32(d: S, a: S, o: u32) |vm| {
                ld!(vm, d, vm.r(a), o, 2, |b| i16::from_le_bytes(b) as i32 as u32 as u64)
            },
            Load16U(d: S, a: S, o: u32) |vm| ld!(vm, d, vm.r(a), o, 2, |b| u16::from_le_bytes(b) as u64),
            Load8S64(d: S, a: S, o: u32) |vm| ld!(vm, d, vm.r(a), o, 1, |b| b[0] as i8 as i64 as u64),
            Load16S64(d: S, a: S, o: u32) |vm| {
                ld!(vm, d, vm.r(a), o, 2, |b| i16::from_le_bytes(b) as i64 as u64)
            },
            Load32S64(d: S, a: S, o: u32) |vm| {
                ld!(vm, d, vm.r(a), o, 4, |b| i32::from_le_bytes(b) as i64 as u64)
            },
            /// Loads addressed by `a + b + c` (wrapping, as the `i32.add`s they replace; no
            /// memarg offset).
            Load32Idx(d: S, a: S, b: S, c: u32) |vm| {
                ld!(vm, d, vm.idx(a, b, c), 0, 4, |v| u32::from_le_bytes(v) as u64)
            },
            Load8UIdx(d: S, a: S, b: S, c: u32) |vm| ld!(vm, d, vm.idx(a, b, c), 0, 1, |v| v[0] as u64),
            Load8SIdx(d: S, a: S, b: S, c: u32) |vm| {
                ld!(vm, d, vm.idx(a, b, c), 0, 1, |v| v[0] as i8 as i32 as u32 as u64)
            },
            Load16UIdx(d: S, a: S, b: S, c: u32) |vm| {
                ld!(vm, d, vm.idx(a, b, c), 0, 2, |v| u16::from_le_bytes(v) as u64)
            },
            Load16SIdx(d: S, a: S, b: S, c: u32) |vm| {
                ld!(vm, d, vm.idx(a, b, c), 0, 2, |v| i16::from_le_bytes(v) as i32 as u32 as u64)
            },
            Store8(v: S, a: S, o: u32) |vm| st!(vm, vm.r(a), o, [vm.r(v) as u8]),
            Store16(v: S, a: S, o: u32) |vm| st!(vm, vm.r(a), o, (vm.r(v) as u16).to_le_bytes()),
            Store32(v: S, a: S, o: u32) |vm| st!(vm, vm.r(a), o, vm.r32(v).to_le_bytes()),
            Store64(v: S, a: S, o: u32) |vm| st!(vm, vm.r(a), o, vm.r(v).to_le_bytes()),
            /// Store the byte `v` at `a + o`, then `a = a + s`: a strided fill (`i32.store8` and
            /// the `local.set` of its address plus a step).
            Store8Add(v: S, a: S, s: S, o: u32) |vm| {
                let x = vm.r32(a);
                if vm.store(x as u64, o, [vm.r(v) as u8]) {
                    vm.w(a, x.wrapping_add(vm.r32(s)) as u64);
                    Flow::Next
                } else {
                    vm.trap(TrapCode::MemoryOutOfBounds)
                }
            },
            /// The byte at `p + q + lc` stored at `a + b + sc` (wrapping like the indexed loads
            /// and stores it replaces: an `i32.load8_u` into a temporary that the `i32.store8`
            /// consumes, a byte copy).
            Copy8Idx(p: S, q: S, a: S, b: S, lc: u8, sc: u8) |vm| {
                match vm.load::<1>(vm.idx(p, q, lc as u32), 0) {
                    Some(v) if vm.store(vm.idx(a, b, sc as u32), 0, v) => Flow::Next,
                    Some(_) => vm.trap_second(TrapCode::MemoryOutOfBounds),
                    None => vm.trap(TrapCode::MemoryOutOfBounds),
                }
            },
            /// Stores addressed by `a + b + c`, like the indexed loads.
            Store8Idx(v: S, a: S, b: S, c: u32) |vm| st!(vm, vm.idx(a, b, c), 0, [vm.r(v) as u8]),
            Store32Idx(v: S, a: S, b: S, c: u32) |vm| st!(vm, vm.idx(a, b, c), 0, vm.r32(v).to_le_bytes()),
            MemorySize(d: S) |vm| {
                let p = vm.memory_pages();
                vm.w(d, p as u32 as u64);
                Flow::Next
            },
            /// dst, delta
            MemoryGrow(d: S, n: S) |vm| {
                let old = vm.memory_grow(vm.r32(n));
                vm.w(d, old as u64);
                Flow::Next
            },
            /// dst, value, len
            MemoryFill(d: S, v: S, n: S) |vm| {
                done!(vm, vm.memory_fill(vm.r32(d), vm.r(v) as u8, vm.r32(n)))
            },
            /// dst, src, len
            MemoryCopy(d: S, s: S, n: S) |vm| {
                done!(vm, vm.memory_copy(vm.r32(d), vm.r32(s), vm.r32(n)))
            },
            /// dst, src, len, `extra` index: [dst memory, src memory] (multi-memory)
            MemoryCopyMulti(d: S, s: S, n: S, x: u32) |vm| {
                done!(vm, vm.memory_copy_multi(vm.r32(d), vm.r32(s), vm.r32(n), x))
            },
            /// Make memory `m` current (multi-memory: wraps an operation on a memory other
            /// than 0).
            UseMem(m: u32) |vm| vm.use_mem(m),
            /// dst, src, len, data segment
            MemoryInit(d: S, s: S, n: S, seg: u32) |vm| {
                done!(vm, vm.memory_init(vm.r32(d), vm.r32(s), vm.r32(n), seg))
            },
            DataDrop(seg: u32) |vm| {
                vm.cx.data_drop(seg);
                Flow::Next
            },

            // ---- tables ----
            /// dst, index, table
            TableGet(d: S, i: S, t: u32) |vm| match vm.cx.table_get(vm.r32(i), t) {
                Some(v) => {
                    vm.w(d, v);
                    Flow::Next
                }
                None => vm.trap(TrapCode::TableOutOfBounds),
            },
            /// index, value, table
            TableSet(i: S, v: S, t: u32) |vm| done!(vm, vm.cx.table_set(vm.r32(i), vm.r(v), t)),
            TableSize(d: S, t: u32) |vm| {
                let n = vm.cx.table_size(t);
                vm.w(d, n as u64);
                Flow::Next
            },
            /// dst, init value, delta, table
            TableGrow(d: S, init: S, n: S, t: u32) |vm| {
                let old = vm.cx.table_grow(vm.r(init), vm.r32(n), t);
                vm.w(d, old as u64);
                Flow::Next
            },
            /// index, value, len, table
            TableFill(i: S, v: S, n: S, t: u32) |vm| {
                done!(vm, vm.cx.table_fill(vm.r32(i), vm.r(v), vm.r32(n), t))
            },
            /// dst, src, len, `extra` index: [dst table, src table]
            TableCopy(d: S, s: S, n: S, x: u32) |vm| {
                done!(vm, vm.cx.table_copy(vm.r32(d), vm.r32(s), vm.r32(n), x))
            },
            /// dst, src, len, `extra` index: [elem segment, table]
            TableInit(d: S, s: S, n: S, x: u32) |vm| {
                done!(vm, vm.cx.table_init(vm.r32(d), vm.r32(s), vm.r32(n), x))
            },
            ElemDrop(seg: u32) |vm| {
                vm.cx.elem_drop(seg);
                Flow::Next
            },

            // ---- i32 ----
            I32AddImm(d: S, a: S, c: i32) |vm| {
                vm.w(d, vm.r32(a).wrapping_add(c as u32) as u64);
                Flow::Next
            },
            /// `x += a; y += b` (two in-place steps in a row: a loop's induction variables).
            I32AddImm2(x: S, y: S, a: i16, b: i16) |vm| {
                vm.w(x, vm.r32(x).wrapping_add(a as i32 as u32) as u64);
                vm.w(y, vm.r32(y).wrapping_add(b as i32 as u32) as u64);
                Flow::Next
            },
            /// `x += y; z += c` (an accumulation and a step in a row: a reduction loop).
            I32AddStep(x: S, y: S, z: S, c: i16) |vm| {
                vm.w(x, vm.r32(x).wrapping_add(vm.r32(y)) as u64);
                vm.w(z, vm.r32(z).wrapping_add(c as i32 as u32) as u64);
                Flow::Next
            },
            /// dst = c + mem8[a + b + o] (an `i32.load8_u` at an indexed address added to a
            /// value: sums of pixels and bytes).
            I32AddLoad8U(d: S, c: S, a: S, b: S, o: i16) |vm| {
                add_load!(vm, d, vm.r32(c), (a, b, o), 1, byte)
            },
            /// dst = c + the word at `a + b + o` (wrapping: an `i32.load` at an indexed address and
            /// the `i32.add` of its value: message schedules, table lookups).
            I32AddLoad32(d: S, c: S, a: S, b: S, o: i16) |vm| speed!(vm, {
                add_load!(vm, d, vm.r32(c), (a, b, o), 4, u32::from_le_bytes)
            }),
            /// dst = a * b + c (a fused `i32.mul` + `i32.add`: dot products).
            I32MulAdd(d: S, a: S, b: S, c: S) |vm| {
                let (x, y, z) = (vm.r32(a), vm.r32(b), vm.r32(c));
                vm.w(d, x.wrapping_mul(y).wrapping_add(z) as u64);
                Flow::Next
            },
            /// dst = a * b + c over the bytes at `p + op` and `q + oq`, each sign-extended (two
            /// `i32.load8_s`, `i32.mul`, `i32.add`: an int8 dot product step).
            I32DotLoad8S(d: S, p: S, q: S, c: S, op: u8, oq: u8) |vm| {
                dot!(vm, d, vm.r32(c), 1, (vm.r(p), op as u32), (vm.r(q), oq as u32), int8)
            },
            /// dst = c + the products of the sign-extended bytes at `p + op` and `q + oq`, and at
            /// `p + op + 1` and `q + oq + 1` (two int8 dot-product steps: convolutions). A pair
            /// is out of bounds exactly when its upper byte is, which the wasm loads first.
            I32DotLoad8S2(d: S, p: S, q: S, c: S, op: u8, oq: u8) |vm| speed!(vm, {
                dot!(vm, d, vm.r32(c), 2, (vm.r(p), op as u32), (vm.r(q), oq as u32), int8x2)
            }),
            /// dst = c + load32(p + op) * load32(q + oq) (a 32-bit dot-product step: matrix
            /// multiply). Reads both words and `c` before it writes `d`.
            I32DotLoad32(d: S, p: S, q: S, c: S, op: u8, oq: u8) |vm| {
                dot!(vm, d, vm.r32(c), 4, (vm.r(p), op as u32), (vm.r(q), oq as u32), word)
            },
            /// [`Instr::I32DotLoad32`] with the words at `p + op` and `q + oq` wrapping as 32-bit
            /// sums (the loads it replaces were addressed by `i32.add`s, not memarg offsets).
            I32DotLoad32W(d: S, p: S, q: S, c: S, op: u8, oq: u8) |vm| speed!(vm, {
                let at = |s, o: u8| vm.r32(s).wrapping_add(o as u32) as u64;
                dot!(vm, d, vm.r32(c), 4, (at(p, op), 0), (at(q, oq), 0), word)
            }),
            /// dst = a ^ rotl(x, k) (a fused `i32.rotl` + `i32.xor`: hash rounds).
            I32XorRotl(d: S, a: S, x: S, k: S) |vm| {
                let v = vm.r32(a) ^ vm.r32(x).rotate_left(vm.r32(k) & 31);
                vm.w(d, v as u64);
                Flow::Next
            },
            /// dst = a ^ (x >> k) (a fused `i32.shr_u` + `i32.xor`: hash rounds, xorshift).
            I32XorShrU(d: S, a: S, x: S, k: S) |vm| {
                let v = vm.r32(a) ^ vm.r32(x).wrapping_shr(vm.r32(k));
                vm.w(d, v as u64);
                Flow::Next
            },
            /// dst = rotl(x, a) ^ rotl(x, b) ^ rotl(x, c), amounts below 32 (three `i32.rotl`s of
            /// one value by constants and two `i32.xor`s: SHA-2's big sigma functions).
            I32Rotl3(d: S, x: S, a: u8, b: u8, c: u8) |vm| speed!(vm, {
                vm.w(d, rotl3(vm.r32(x), a, b, c) as u64);
                Flow::Next
            }),
            /// dst = rotl(x, a) ^ rotl(x, b) ^ (x >> c), amounts below 32 (SHA-2's small sigma
            /// functions).
            I32Rotl2ShrU(d: S, x: S, a: u8, b: u8, c: u8) |vm| speed!(vm, {
                vm.w(d, rotl2_shr(vm.r32(x), a, b, c) as u64);
                Flow::Next
            }),
            I32Add(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u32, |x, y| x.wrapping_add(y)),
            I32Sub(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u32, |x, y| x.wrapping_sub(y)),
            I32Mul(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u32, |x, y| x.wrapping_mul(y)),
            I32DivS(d: S, a: S, b: S) |vm| {
                let (x, y) = (vm.r32(a) as i32, vm.r32(b) as i32);
                if y == 0 {
                    vm.trap(TrapCode::IntegerDivisionByZero)
                } else if x == i32::MIN && y == -1 {
                    vm.trap(TrapCode::IntegerOverflow)
                } else {
                    vm.w(d, x.wrapping_div(y) as u32 as u64);
                    Flow::Next
                }
            },
            I32DivU(d: S, a: S, b: S) |vm| match vm.r32(a).checked_div(vm.r32(b)) {
                Some(v) => {
                    vm.w(d, v as u64);
                    Flow::Next
                }
                None => vm.trap(TrapCode::IntegerDivisionByZero),
            },
            I32RemS(d: S, a: S, b: S) |vm| {
                let (x, y) = (vm.r32(a) as i32, vm.r32(b) as i32);
                if y == 0 {
                    vm.trap(TrapCode::IntegerDivisionByZero)
                } else {
                    vm.w(d, x.wrapping_rem(y) as u32 as u64);
                    Flow::Next
                }
            },
            I32RemU(d: S, a: S, b: S) |vm| match vm.r32(a).checked_rem(vm.r32(b)) {
                Some(v) => {
                    vm.w(d, v as u64);
                    Flow::Next
                }
                None => vm.trap(TrapCode::IntegerDivisionByZero),
            },
            I32And(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u32, |x, y| x & y),
            I32Or(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u32, |x, y| x | y),
            I32Xor(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u32, |x, y| x ^ y),
            I32Shl(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u32, |x, y| x.wrapping_shl(y)),
            I32ShrS(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u32, |x, y| (x as i32).wrapping_shr(y)),
            I32ShrU(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u32, |x, y| x.wrapping_shr(y)),
            I32Rotl(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u32, |x, y| x.rotate_left(y & 31)),
            I32Rotr(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u32, |x, y| x.rotate_right(y & 31)),
            I32Eq(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u32, |x, y| x == y),
            I32Ne(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u32, |x, y| x != y),
            I32LtS(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u32, |x, y| (x as i32) < (y as i32)),
            I32LtU(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u32, |x, y| x < y),
            I32GtS(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u32, |x, y| (x as i32) > (y as i32)),
            I32GtU(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u32, |x, y| x > y),
            I32LeS(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u32, |x, y| (x as i32) <= (y as i32)),
            I32LeU(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u32, |x, y| x <= y),
            I32GeS(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u32, |x, y| (x as i32) >= (y as i32)),
            I32GeU(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u32, |x, y| x >= y),
            I32Eqz(d: S, a: S) |vm| un!(vm, d, a, u64, |x| (x as u32 == 0) as u64),
            I32Clz(d: S, a: S) |vm| un!(vm, d, a, u64, |x| (x as u32).leading_zeros() as u64),
            I32Ctz(d: S, a: S) |vm| un!(vm, d, a, u64, |x| (x as u32).trailing_zeros() as u64),
            I32Popcnt(d: S, a: S) |vm| un!(vm, d, a, u64, |x| (x as u32).count_ones() as u64),
            I32Extend8S(d: S, a: S) |vm| un!(vm, d, a, u64, |x| x as u8 as i8 as i32 as u32 as u64),
            I32Extend16S(d: S, a: S) |vm| un!(vm, d, a, u64, |x| x as u16 as i16 as i32 as u32 as u64),

            // ---- i64 ----
            I64Add(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u64, |x, y| x.wrapping_add(y)),
            I64Sub(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u64, |x, y| x.wrapping_sub(y)),
            I64Mul(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u64, |x, y| x.wrapping_mul(y)),
            I64DivS(d: S, a: S, b: S) |vm| {
                let (x, y) = (vm.r(a) as i64, vm.r(b) as i64);
                if y == 0 {
                    vm.trap(TrapCode::IntegerDivisionByZero)
                } else if x == i64::MIN && y == -1 {
                    vm.trap(TrapCode::IntegerOverflow)
                } else {
                    vm.w(d, x.wrapping_div(y) as u64);
                    Flow::Next
                }
            },
            I64DivU(d: S, a: S, b: S) |vm| match vm.r(a).checked_div(vm.r(b)) {
                Some(v) => {
                    vm.w(d, v);
                    Flow::Next
                }
                None => vm.trap(TrapCode::IntegerDivisionByZero),
            },
            I64RemS(d: S, a: S, b: S) |vm| {
                let (x, y) = (vm.r(a) as i64, vm.r(b) as i64);
                if y == 0 {
                    vm.trap(TrapCode::IntegerDivisionByZero)
                } else {
                    vm.w(d, x.wrapping_rem(y) as u64);
                    Flow::Next
                }
            },
            I64RemU(d: S, a: S, b: S) |vm| match vm.r(a).checked_rem(vm.r(b)) {
                Some(v) => {
                    vm.w(d, v);
                    Flow::Next
                }
                None => vm.trap(TrapCode::IntegerDivisionByZero),
            },
            I64And(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u64, |x, y| x & y),
            I64Or(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u64, |x, y| x | y),
            I64Xor(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u64, |x, y| x ^ y),
            I64Shl(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u64, |x, y| x.wrapping_shl(y as u32)),
            I64ShrS(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u64, |x, y| (x as i64).wrapping_shr(y as u32)),
            I64ShrU(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u64, |x, y| x.wrapping_shr(y as u32)),
            I64Rotl(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u64, |x, y| x.rotate_left((y & 63) as u32)),
            I64Rotr(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u64, |x, y| x.rotate_right((y & 63) as u32)),
            I64Eq(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u64, |x, y| x == y),
            I64Ne(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u64, |x, y| x != y),
            I64LtS(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u64, |x, y| (x as i64) < (y as i64)),
            I64LtU(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u64, |x, y| x < y),
            I64GtS(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u64, |x, y| (x as i64) > (y as i64)),
            I64GtU(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u64, |x, y| x > y),
            I64LeS(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u64, |x, y| (x as i64) <= (y as i64)),
            I64LeU(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u64, |x, y| x <= y),
            I64GeS(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u64, |x, y| (x as i64) >= (y as i64)),
            I64GeU(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, u64, |x, y| x >= y),
            /// Also `ref.is_null` (null is the zero cell).
            I64Eqz(d: S, a: S) |vm| un!(vm, d, a, u64, |x| (x == 0) as u64),
            I64Clz(d: S, a: S) |vm| un!(vm, d, a, u64, |x| x.leading_zeros() as u64),
            I64Ctz(d: S, a: S) |vm| un!(vm, d, a, u64, |x| x.trailing_zeros() as u64),
            I64Popcnt(d: S, a: S) |vm| un!(vm, d, a, u64, |x| x.count_ones() as u64),
            I64Extend8S(d: S, a: S) |vm| un!(vm, d, a, u64, |x| x as u8 as i8 as i64 as u64),
            I64Extend16S(d: S, a: S) |vm| un!(vm, d, a, u64, |x| x as u16 as i16 as i64 as u64),
            I64Extend32S(d: S, a: S) |vm| un!(vm, d, a, u64, |x| x as u32 as i32 as i64 as u64),

            // ---- f32 ----
            F32Add(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, f32, |x, y| x + y),
            F32Sub(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, f32, |x, y| x - y),
            F32Mul(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, f32, |x, y| x * y),
            F32Div(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, f32, |x, y| x / y),
            F32Min(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, f32, |x, y| float::f32_min(x, y)),
            F32Max(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, f32, |x, y| float::f32_max(x, y)),
            F32Copysign(d: S, a: S, b: S) |vm| {
                let (x, y) = (vm.r32(a), vm.r32(b));
                vm.w(d, ((x & 0x7fff_ffff) | (y & 0x8000_0000)) as u64);
                Flow::Next
            },
            F32Eq(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, f32, |x, y| x == y),
            F32Ne(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, f32, |x, y| x != y),
            F32Lt(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, f32, |x, y| x < y),
            F32Gt(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, f32, |x, y| x > y),
            F32Le(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, f32, |x, y| x <= y),
            F32Ge(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, f32, |x, y| x >= y),
            F32Abs(d: S, a: S) |vm| un!(vm, d, a, u64, |x| (x as u32 & 0x7fff_ffff) as u64),
            F32Neg(d: S, a: S) |vm| un!(vm, d, a, u64, |x| (x as u32 ^ 0x8000_0000) as u64),
            F32Ceil(d: S, a: S) |vm| un!(vm, d, a, f32, |x| float::f32_ceil(x)),
            F32Floor(d: S, a: S) |vm| un!(vm, d, a, f32, |x| float::f32_floor(x)),
            F32Trunc(d: S, a: S) |vm| un!(vm, d, a, f32, |x| float::f32_trunc(x)),
            F32Nearest(d: S, a: S) |vm| un!(vm, d, a, f32, |x| float::f32_nearest(x)),
            F32Sqrt(d: S, a: S) |vm| un!(vm, d, a, f32, |x| float::f32_sqrt(x)),

            // ---- f64 ----
            F64Add(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, f64, |x, y| x + y),
            F64Sub(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, f64, |x, y| x - y),
            F64Mul(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, f64, |x, y| x * y),
            F64Div(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, f64, |x, y| x / y),
            F64Min(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, f64, |x, y| float::f64_min(x, y)),
            F64Max(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, f64, |x, y| float::f64_max(x, y)),
            F64Copysign(d: S, a: S, b: S) |vm| {
                let (x, y) = (vm.r(a), vm.r(b));
                vm.w(d, (x & !(1u64 << 63)) | (y & (1u64 << 63)));
                Flow::Next
            },
            F64Eq(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, f64, |x, y| x == y),
            F64Ne(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, f64, |x, y| x != y),
            F64Lt(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, f64, |x, y| x < y),
            F64Gt(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, f64, |x, y| x > y),
            F64Le(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, f64, |x, y| x <= y),
            F64Ge(d: S, a: S, b: S) |vm| bin!(vm, d, a, b, f64, |x, y| x >= y),
            F64Abs(d: S, a: S) |vm| un!(vm, d, a, u64, |x| x & !(1u64 << 63)),
            F64Neg(d: S, a: S) |vm| un!(vm, d, a, u64, |x| x ^ (1u64 << 63)),
            F64Ceil(d: S, a: S) |vm| un!(vm, d, a, f64, |x| float::f64_ceil(x)),
            F64Floor(d: S, a: S) |vm| un!(vm, d, a, f64, |x| float::f64_floor(x)),
            F64Trunc(d: S, a: S) |vm| un!(vm, d, a, f64, |x| float::f64_trunc(x)),
            F64Nearest(d: S, a: S) |vm| un!(vm, d, a, f64, |x| float::f64_nearest(x)),
            F64Sqrt(d: S, a: S) |vm| un!(vm, d, a, f64, |x| float::f64_sqrt(x)),

            // ---- conversions ----
            I32WrapI64(d: S, a: S) |vm| un!(vm, d, a, u64, |x| x as u32 as u64),
            I32TruncF32S(d: S, a: S) |vm| {
                conv!(vm, d, float::i32_trunc_f32_s(f32::from_bits(vm.r32(a))), u32)
            },
            I32TruncF32U(d: S, a: S) |vm| {
                conv!(vm, d, float::i32_trunc_f32_u(f32::from_bits(vm.r32(a))), u32)
            },
            I32TruncF64S(d: S, a: S) |vm| {
                conv!(vm, d, float::i32_trunc_f64_s(f64::from_bits(vm.r(a))), u32)
            },
            I32TruncF64U(d: S, a: S) |vm| {
                conv!(vm, d, float::i32_trunc_f64_u(f64::from_bits(vm.r(a))), u32)
            },
            I64ExtendI32S(d: S, a: S) |vm| un!(vm, d, a, u64, |x| x as u32 as i32 as i64 as u64),
            I64ExtendI32U(d: S, a: S) |vm| un!(vm, d, a, u64, |x| x as u32 as u64),
            I64TruncF32S(d: S, a: S) |vm| {
                conv!(vm, d, float::i64_trunc_f32_s(f32::from_bits(vm.r32(a))), u64)
            },
            I64TruncF32U(d: S, a: S) |vm| {
                conv!(vm, d, float::i64_trunc_f32_u(f32::from_bits(vm.r32(a))), u64)
            },
            I64TruncF64S(d: S, a: S) |vm| {
                conv!(vm, d, float::i64_trunc_f64_s(f64::from_bits(vm.r(a))), u64)
            },
            I64TruncF64U(d: S, a: S) |vm| {
                conv!(vm, d, float::i64_trunc_f64_u(f64::from_bits(vm.r(a))), u64)
            },
            F32ConvertI32S(d: S, a: S) |vm| un!(vm, d, a, u64, |x| (x as u32 as i32 as f32).to_bits() as u64),
            F32ConvertI32U(d: S, a: S) |vm| un!(vm, d, a, u64, |x| (x as u32 as f32).to_bits() as u64),
            F32ConvertI64S(d: S, a: S) |vm| un!(vm, d, a, u64, |x| (x as i64 as f32).to_bits() as u64),
            F32ConvertI64U(d: S, a: S) |vm| un!(vm, d, a, u64, |x| (x as f32).to_bits() as u64),
            F32DemoteF64(d: S, a: S) |vm| un!(vm, d, a, u64, |x| (f64::from_bits(x) as f32).to_bits() as u64),
            F64ConvertI32S(d: S, a: S) |vm| un!(vm, d, a, u64, |x| (x as u32 as i32 as f64).to_bits()),
            F64ConvertI32U(d: S, a: S) |vm| un!(vm, d, a, u64, |x| (x as u32 as f64).to_bits()),
            F64ConvertI64S(d: S, a: S) |vm| un!(vm, d, a, u64, |x| (x as i64 as f64).to_bits()),
            F64ConvertI64U(d: S, a: S) |vm| un!(vm, d, a, u64, |x| (x as f64).to_bits()),
            F64PromoteF32(d: S, a: S) |vm| un!(vm, d, a, u64, |x| (f32::from_bits(x as u32) as f64).to_bits()),
            I32TruncSatF32S(d: S, a: S) |vm| un!(vm, d, a, u64, |x| f32::from_bits(x as u32) as i32 as u32 as u64),
            I32TruncSatF32U(d: S, a: S) |vm| un!(vm, d, a, u64, |x| f32::from_bits(x as u32) as u32 as u64),
            I32TruncSatF64S(d: S, a: S) |vm| un!(vm, d, a, u64, |x| f64::from_bits(x) as i32 as u32 as u64),
            I32TruncSatF64U(d: S, a: S) |vm| un!(vm, d, a, u64, |x| f64::from_bits(x) as u32 as u64),
            I64TruncSatF32S(d: S, a: S) |vm| un!(vm, d, a, u64, |x| f32::from_bits(x as u32) as i64 as u64),
            I64TruncSatF32U(d: S, a: S) |vm| un!(vm, d, a, u64, |x| f32::from_bits(x as u32) as u64),
            I64TruncSatF64S(d: S, a: S) |vm| un!(vm, d, a, u64, |x| f64::from_bits(x) as i64 as u64),
            I64TruncSatF64U(d: S, a: S) |vm| un!(vm, d, a, u64, |x| f64::from_bits(x) as u64),

            // ---- the result register (`Vm::acc`): forms whose first operand is the value
            // the instruction before them wrote, read from the register (speed builds only;
            // see `translate::result_register`) ----
            /// `d = acc + b` (an `I32Add`).
            I32AddA(d: S, b: S) |vm| acc_bin!(vm, d, vm.r32(b), |x, y| x.wrapping_add(y)),
            I32SubA(d: S, b: S) |vm| acc_bin!(vm, d, vm.r32(b), |x, y| x.wrapping_sub(y)),
            I32MulA(d: S, b: S) |vm| acc_bin!(vm, d, vm.r32(b), |x, y| x.wrapping_mul(y)),
            I32AndA(d: S, b: S) |vm| acc_bin!(vm, d, vm.r32(b), |x, y| x & y),
            I32OrA(d: S, b: S) |vm| acc_bin!(vm, d, vm.r32(b), |x, y| x | y),
            I32XorA(d: S, b: S) |vm| acc_bin!(vm, d, vm.r32(b), |x, y| x ^ y),
            I32ShlA(d: S, b: S) |vm| acc_bin!(vm, d, vm.r32(b), |x, y| x.wrapping_shl(y)),
            I32ShrUA(d: S, b: S) |vm| acc_bin!(vm, d, vm.r32(b), |x, y| x.wrapping_shr(y)),
            I32ShrSA(d: S, b: S) |vm| {
                acc_bin!(vm, d, vm.r32(b), |x, y| (x as i32).wrapping_shr(y) as u32)
            },
            /// `d = acc + c` (an `I32AddImm`).
            I32AddImmA(d: S, c: i32) |vm| acc_bin!(vm, d, c as u32, |x, y| x.wrapping_add(y)),
            /// `d = acc`, the whole cell (a `Copy`).
            CopyA(d: S) |vm| speed!(vm, {
                vm.w(d, vm.acc);
                Flow::Next
            }),
            BrIfNezA(t: T) |vm| speed!(vm, vm.branch_if(vm.acc32() != 0, t)),
            BrIfEqzA(t: T) |vm| speed!(vm, vm.branch_if(vm.acc32() == 0, t)),
            /// Branch if `acc == b` (a `BrEq`; the other compares likewise).
            BrEqA(b: S, t: T) |vm| acc_br!(vm, b, t, |x, y| x == y),
            BrNeA(b: S, t: T) |vm| acc_br!(vm, b, t, |x, y| x != y),
            BrLtSA(b: S, t: T) |vm| acc_br!(vm, b, t, |x, y| (x as i32) < (y as i32)),
            BrLtUA(b: S, t: T) |vm| acc_br!(vm, b, t, |x, y| x < y),
            BrGtSA(b: S, t: T) |vm| acc_br!(vm, b, t, |x, y| (x as i32) > (y as i32)),
            BrGtUA(b: S, t: T) |vm| acc_br!(vm, b, t, |x, y| x > y),
            BrLeSA(b: S, t: T) |vm| acc_br!(vm, b, t, |x, y| (x as i32) <= (y as i32)),
            BrLeUA(b: S, t: T) |vm| acc_br!(vm, b, t, |x, y| x <= y),
            BrGeSA(b: S, t: T) |vm| acc_br!(vm, b, t, |x, y| (x as i32) >= (y as i32)),
            BrGeUA(b: S, t: T) |vm| acc_br!(vm, b, t, |x, y| x >= y),
            /// `d = load8_u(acc + b + c)` (a `Load8UIdx`; the other indexed loads likewise).
            Load8UIdxA(d: S, b: S, c: u32) |vm| speed!(vm, {
                ld!(vm, d, vm.idx_acc(b, c), 0, 1, |v| v[0] as u64)
            }),
            Load16UIdxA(d: S, b: S, c: u32) |vm| speed!(vm, {
                ld!(vm, d, vm.idx_acc(b, c), 0, 2, |v| u16::from_le_bytes(v) as u64)
            }),
            Load16SIdxA(d: S, b: S, c: u32) |vm| speed!(vm, {
                ld!(vm, d, vm.idx_acc(b, c), 0, 2, |v| i16::from_le_bytes(v) as i32 as u32 as u64)
            }),
            Load32IdxA(d: S, b: S, c: u32) |vm| speed!(vm, {
                ld!(vm, d, vm.idx_acc(b, c), 0, 4, |v| u32::from_le_bytes(v) as u64)
            }),
            /// `d = load8_u(acc + o)` (a `Load8U`).
            Load8UA(d: S, o: u32) |vm| speed!(vm, ld!(vm, d, vm.acc, o, 1, |v| v[0] as u64)),
            Load32A(d: S, o: u32) |vm| {
                speed!(vm, ld!(vm, d, vm.acc, o, 4, |v| u32::from_le_bytes(v) as u64))
            },
            /// `d = load16_u(acc + o)` (a `Load16U`).
            Load16UA(d: S, o: u32) |vm| {
                speed!(vm, ld!(vm, d, vm.acc, o, 2, |v| u16::from_le_bytes(v) as u64))
            },
            /// Stores of the value just written (a `Store8`, ...: the value from the register).
            Store8A(a: S, o: u32) |vm| speed!(vm, st!(vm, vm.r(a), o, [vm.acc as u8])),
            Store16A(a: S, o: u32) |vm| speed!(vm, st!(vm, vm.r(a), o, (vm.acc as u16).to_le_bytes())),
            Store32A(a: S, o: u32) |vm| speed!(vm, st!(vm, vm.r(a), o, vm.acc32().to_le_bytes())),
            Store8IdxA(a: S, b: S, c: u32) |vm| speed!(vm, st!(vm, vm.idx(a, b, c), 0, [vm.acc as u8])),
            Store32IdxA(a: S, b: S, c: u32) |vm| {
                speed!(vm, st!(vm, vm.idx(a, b, c), 0, vm.acc32().to_le_bytes()))
            },
            /// `d = a * b + acc` (an `I32MulAdd` whose addend was just written: an
            /// accumulation chain).
            I32MulAddA(d: S, a: S, b: S) |vm| speed!(vm, {
                let v = vm.r32(a).wrapping_mul(vm.r32(b)).wrapping_add(vm.acc32());
                vm.w(d, v as u64);
                Flow::Next
            }),
            /// `d = acc * b + c` (an `I32MulAdd` whose multiplicand was just written: a Horner
            /// or hash chain).
            I32MulAddMA(d: S, b: S, c: S) |vm| speed!(vm, {
                let v = vm.acc32().wrapping_mul(vm.r32(b)).wrapping_add(vm.r32(c));
                vm.w(d, v as u64);
                Flow::Next
            }),
            /// `d = acc + byte(a + b + o)` (an `I32AddLoad8U` whose addend was just written).
            I32AddLoad8UA(d: S, a: S, b: S, o: i16) |vm| speed!(vm, {
                add_load!(vm, d, vm.acc32(), (a, b, o), 1, byte)
            }),
            /// `d = acc + word(a + b + o)` (an `I32AddLoad32` whose addend was just written).
            I32AddLoad32A(d: S, a: S, b: S, o: i16) |vm| speed!(vm, {
                add_load!(vm, d, vm.acc32(), (a, b, o), 4, u32::from_le_bytes)
            }),
            /// The dot-product steps with the addend `c` the result register.
            I32DotLoad8SA(d: S, p: S, q: S, op: u8, oq: u8) |vm| speed!(vm, {
                dot!(vm, d, vm.acc32(), 1, (vm.r(p), op as u32), (vm.r(q), oq as u32), int8)
            }),
            I32DotLoad8S2A(d: S, p: S, q: S, op: u8, oq: u8) |vm| speed!(vm, {
                dot!(vm, d, vm.acc32(), 2, (vm.r(p), op as u32), (vm.r(q), oq as u32), int8x2)
            }),
            I32DotLoad32A(d: S, p: S, q: S, op: u8, oq: u8) |vm| speed!(vm, {
                dot!(vm, d, vm.acc32(), 4, (vm.r(p), op as u32), (vm.r(q), oq as u32), word)
            }),
            I32DotLoad32WA(d: S, p: S, q: S, op: u8, oq: u8) |vm| speed!(vm, {
                let at = |s, o: u8| vm.r32(s).wrapping_add(o as u32) as u64;
                dot!(vm, d, vm.acc32(), 4, (at(p, op), 0), (at(q, oq), 0), word)
            }),
            /// The sigma functions of the result register.
            I32Rotl3A(d: S, a: u8, b: u8, c: u8) |vm| speed!(vm, {
                vm.w(d, rotl3(vm.acc32(), a, b, c) as u64);
                Flow::Next
            }),
            I32Rotl2ShrUA(d: S, a: u8, b: u8, c: u8) |vm| speed!(vm, {
                vm.w(d, rotl2_shr(vm.acc32(), a, b, c) as u64);
                Flow::Next
            }),
            /// `d = acc; if acc != b goto target` (a `CopyBrNe` of the value just written).
            CopyBrNeA(d: S, b: S, t: T) |vm| speed!(vm, {
                let v = vm.acc;
                vm.w(d, v);
                vm.branch_if(v as u32 != vm.r32(b), t)
            }),
            /// `d = s; if acc != 0 goto target` (a `CopyBrIfNez` whose condition was just
            /// written, to a slot other than `d`).
            CopyBrIfNezA(d: S, s: S, t: T) |vm| speed!(vm, {
                let c = vm.acc32();
                vm.w(d, vm.r(s));
                vm.branch_if(c != 0, t)
            }),
        }
    };
}
pub(crate) use for_each_instr;

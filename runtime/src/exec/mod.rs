//! The executor: a dispatch loop over the register IR. Wasm calls push a frame on an explicit
//! frame stack (no native recursion); host calls leave the loop so the generic driver in
//! [`crate::func`] can call the closure and resume.
#![allow(unsafe_code)]

mod float;

use alloc::rc::Rc;
use alloc::vec::Vec;

use crate::engine::Limits;
use crate::ir::{CompiledFunc, Instr};
use crate::store::{FuncEntity, InstanceData, MemoryEntity, StoreInner};
use crate::trap::{Trap, TrapCode};
use float::Conv;

#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    /// Store index of the running function.
    pub func: u32,
    pub pc: u32,
    pub base: usize,
    /// Absolute stack index where results go.
    pub ret: usize,
}

/// Execution state of one host-to-guest call.
#[derive(Default)]
pub(crate) struct Exec {
    pub stack: Vec<u64>,
    pub frames: Vec<Frame>,
    /// Arguments in, results out, of a pending host call.
    pub host_buf: Vec<u64>,
}

pub(crate) enum Exit {
    Done,
    /// Call host function `func`; write `nr` results to `dst`.
    Host {
        func: u32,
        dst: usize,
        nr: usize,
    },
}

fn load<const N: usize>(data: &[u8], addr: u64, off: u32) -> Option<[u8; N]> {
    let ea = (addr as u32 as usize).checked_add(off as usize)?;
    let end = ea.checked_add(N)?;
    let s = data.get(ea..end)?;
    let mut b = [0u8; N];
    b.copy_from_slice(s);
    Some(b)
}

fn store<const N: usize>(data: &mut [u8], addr: u64, off: u32, v: [u8; N]) -> Option<()> {
    let ea = (addr as u32 as usize).checked_add(off as usize)?;
    let end = ea.checked_add(N)?;
    data.get_mut(ea..end)?.copy_from_slice(&v);
    Some(())
}

/// Checked `[start, start + len)` within `size`.
fn range(start: u64, len: u64, size: usize) -> Option<core::ops::Range<usize>> {
    let end = start.checked_add(len)?;
    if end > size as u64 {
        return None;
    }
    Some(start as usize..end as usize)
}

struct Callee<'a> {
    code: &'a CompiledFunc,
    inst: &'a InstanceData,
}

fn load_frame<'a>(
    funcs: &'a [FuncEntity],
    instances: &'a [Rc<InstanceData>],
    func: u32,
) -> Option<Callee<'a>> {
    match funcs.get(func as usize)? {
        FuncEntity::Wasm { instance, code, .. } => {
            let inst = instances.get(*instance as usize)?;
            Some(Callee { code, inst })
        }
        FuncEntity::Host { .. } => None,
    }
}

/// Set up the frame of wasm function `func` at `base` with `args` already in place; zero the
/// declared locals. Checks call depth and value stack limits.
pub(crate) fn push_frame(
    ex: &mut Exec,
    limits: &Limits,
    code: &CompiledFunc,
    func: u32,
    base: usize,
    ret: usize,
) -> Result<(), TrapCode> {
    if ex.frames.len() >= limits.max_call_depth as usize {
        return Err(TrapCode::StackOverflow);
    }
    let nc = code.consts.len();
    let top = base + code.frame_size as usize;
    if top > limits.max_value_stack as usize || base < nc {
        return Err(TrapCode::StackOverflow);
    }
    if ex.stack.len() < top {
        if ex.stack.try_reserve(top - ex.stack.len()).is_err() {
            return Err(TrapCode::StackOverflow);
        }
        ex.stack.resize(top, 0);
    }
    let lo = base + code.num_params as usize;
    let hi = base + code.num_locals as usize;
    // These ranges are usually a few cells: handle short ones inline rather than calling
    // `memset`/`memcpy` (LLVM turns plain loops into those calls).
    if let Some(s) = ex.stack.get_mut(lo..hi) {
        match s {
            [] => {}
            [a] => *a = 0,
            [a, b] => (*a, *b) = (0, 0),
            [a, b, c] => (*a, *b, *c) = (0, 0, 0),
            [a, b, c, d] => (*a, *b, *c, *d) = (0, 0, 0, 0),
            s => s.fill(0),
        }
    }
    if let Some(s) = ex.stack.get_mut(base - nc..base) {
        match (s, &code.consts[..]) {
            ([], _) => {}
            ([a], [x]) => *a = *x,
            ([a, b], [x, y]) => (*a, *b) = (*x, *y),
            ([a, b, c], [x, y, z]) => (*a, *b, *c) = (*x, *y, *z),
            (s, c) => s.copy_from_slice(c),
        }
    }
    ex.frames.push(Frame {
        func,
        pc: 0,
        base,
        ret,
    });
    Ok(())
}

/// Run until the outermost frame returns or a host function must be called.
pub(crate) fn run(st: &mut StoreInner, ex: &mut Exec, limits: &Limits) -> Result<Exit, Trap> {
    let StoreInner {
        funcs,
        memories,
        tables,
        globals,
        elems,
        datas,
        instances,
        fuel,
        ..
    } = st;
    let funcs: &[FuncEntity] = funcs;
    let instances: &[Rc<InstanceData>] = instances;
    let mut no_mem = MemoryEntity::empty();
    loop {
        let Some(top) = ex.frames.last().copied() else {
            return Ok(Exit::Done);
        };
        let Some(cur) = load_frame(funcs, instances, top.func) else {
            return Err(Trap::from(TrapCode::Unreachable));
        };
        let base = top.base;
        let nc = cur.code.consts.len();

        let code: &[Instr] = &cur.code.code;
        // The instruction pointer: `code_ptr + pc` (see the bounds argument before the loop).
        let code_ptr = code.as_ptr();
        let mut ip = code_ptr.wrapping_add(top.pc as usize);
        // The index of the next instruction.
        macro_rules! pc {
            () => {
                (ip as usize).wrapping_sub(code_ptr as usize) / core::mem::size_of::<Instr>()
            };
        }
        macro_rules! jump {
            ($t:expr) => {
                ip = code_ptr.wrapping_add($t as usize)
            };
        }
        #[cfg_attr(not(feature = "multi-memory"), allow(unused_mut))]
        let mut mem_idx = cur.inst.memories.first().copied().unwrap_or(u32::MAX) as usize;
        let lo = base.wrapping_sub(nc);
        let hi = base + cur.code.frame_size as usize;
        let Some(frame) = ex.stack.get_mut(lo..hi) else {
            return Err(Trap::from(TrapCode::StackOverflow));
        };
        #[cfg_attr(not(feature = "multi-memory"), allow(unused_mut))]
        let mut memory: &mut MemoryEntity = match memories.get_mut(mem_idx) {
            Some(m) => m,
            None => &mut no_mem,
        };

        macro_rules! trap {
            ($c:expr) => {{
                let off = cur
                    .code
                    .offsets
                    .get(pc!().wrapping_sub(1))
                    .copied()
                    .unwrap_or(0);
                return Err(Trap::code_at($c, cur.code.func_index, off));
            }};
        }
        // Slot access without bounds checks. `frame` is exactly
        // `stack[base - consts.len() .. base + frame_size]` (taken above), and
        // `Translator::finish`, the only producer of `CompiledFunc`, rejects any function whose
        // instructions have a slot operand at or above `consts.len() + frame_size`. So every
        // slot read or written here is in bounds.
        macro_rules! r {
            ($s:expr) => {{
                let i = $s as usize;
                debug_assert!(i < frame.len());
                // SAFETY: `i` is a slot operand of `code`, checked `< frame.len()` at load (above).
                unsafe { *frame.get_unchecked(i) }
            }};
        }
        macro_rules! w {
            ($s:expr, $v:expr) => {{
                let v = $v;
                let i = $s as usize;
                debug_assert!(i < frame.len());
                // SAFETY: as for `r!`: `i` was checked `< frame.len()` at load.
                unsafe { *frame.get_unchecked_mut(i) = v };
            }};
        }
        macro_rules! i32b {
            ($d:expr, $a:expr, $b:expr, |$x:ident, $y:ident| $e:expr) => {{
                let $x = r!($a) as u32;
                let $y = r!($b) as u32;
                w!($d, ($e) as u32 as u64);
            }};
        }
        macro_rules! i64b {
            ($d:expr, $a:expr, $b:expr, |$x:ident, $y:ident| $e:expr) => {{
                let $x = r!($a);
                let $y = r!($b);
                w!($d, ($e) as u64);
            }};
        }
        macro_rules! f32b {
            ($d:expr, $a:expr, $b:expr, |$x:ident, $y:ident| $e:expr) => {{
                let $x = f32::from_bits(r!($a) as u32);
                let $y = f32::from_bits(r!($b) as u32);
                w!($d, (($e) as f32).to_bits() as u64);
            }};
        }
        macro_rules! f32c {
            ($d:expr, $a:expr, $b:expr, |$x:ident, $y:ident| $e:expr) => {{
                let $x = f32::from_bits(r!($a) as u32);
                let $y = f32::from_bits(r!($b) as u32);
                w!($d, ($e) as u64);
            }};
        }
        macro_rules! f64b {
            ($d:expr, $a:expr, $b:expr, |$x:ident, $y:ident| $e:expr) => {{
                let $x = f64::from_bits(r!($a));
                let $y = f64::from_bits(r!($b));
                w!($d, (($e) as f64).to_bits());
            }};
        }
        macro_rules! f64c {
            ($d:expr, $a:expr, $b:expr, |$x:ident, $y:ident| $e:expr) => {{
                let $x = f64::from_bits(r!($a));
                let $y = f64::from_bits(r!($b));
                w!($d, ($e) as u64);
            }};
        }
        macro_rules! un {
            ($d:expr, $a:expr, |$x:ident| $e:expr) => {{
                let $x = r!($a);
                w!($d, $e);
            }};
        }
        macro_rules! f32u {
            ($d:expr, $a:expr, |$x:ident| $e:expr) => {{
                let $x = f32::from_bits(r!($a) as u32);
                w!($d, (($e) as f32).to_bits() as u64);
            }};
        }
        macro_rules! f64u {
            ($d:expr, $a:expr, |$x:ident| $e:expr) => {{
                let $x = f64::from_bits(r!($a));
                w!($d, (($e) as f64).to_bits());
            }};
        }
        macro_rules! br_cmp {
            ($a:expr, $b:expr, $t:expr, |$x:ident, $y:ident| $e:expr) => {{
                let $x = r!($a) as u32;
                let $y = r!($b) as u32;
                if $e {
                    jump!($t);
                }
            }};
        }
        macro_rules! conv {
            ($d:expr, $e:expr, $ty:ty) => {{
                match $e {
                    Conv::Ok(v) => w!($d, v as $ty as u64),
                    Conv::Nan => trap!(TrapCode::BadConversionToInteger),
                    Conv::Overflow => trap!(TrapCode::IntegerOverflow),
                }
            }};
        }
        macro_rules! memory {
            () => {
                &mut *memory
            };
        }
        macro_rules! ld {
            ($d:expr, $a:expr, $o:expr, $n:literal, |$b:ident| $e:expr) => {{
                let addr = r!($a);
                let m = memory!();
                match load::<$n>(&m.data, addr, $o) {
                    Some($b) => w!($d, $e),
                    None => trap!(TrapCode::MemoryOutOfBounds),
                }
            }};
        }
        macro_rules! ldx {
            ($d:expr, $a:expr, $b:expr, $o:expr, $n:literal, |$v:ident| $e:expr) => {{
                let addr = (r!($a) as u32).wrapping_add(r!($b) as u32) as u64;
                let m = memory!();
                match load::<$n>(&m.data, addr, $o) {
                    Some($v) => w!($d, $e),
                    None => trap!(TrapCode::MemoryOutOfBounds),
                }
            }};
        }
        macro_rules! stv {
            ($v:expr, $a:expr, $o:expr, $bytes:expr) => {{
                let addr = r!($a);
                let bytes = $bytes;
                let m = memory!();
                if store(&mut m.data, addr, $o, bytes).is_none() {
                    trap!(TrapCode::MemoryOutOfBounds);
                }
            }};
        }
        macro_rules! table_of {
            ($t:expr) => {{
                let idx = cur
                    .inst
                    .tables
                    .get($t as usize)
                    .copied()
                    .unwrap_or(u32::MAX);
                idx as usize
            }};
        }
        // Leave the inner loop to enter a callee (store index).
        macro_rules! call {
            ($callee:expr, $dst:expr, $args:expr) => {{
                break Action::Call($callee, $dst, $args as u32);
            }};
        }

        // `ip` points into `code` without bounds checks: `pc!() < code.len()` at every
        // dispatch. It is in bounds here (checked just below, once per frame entry), and stays
        // in bounds: `Translator::finish` ends every function with `Unreachable` (which traps,
        // so no instruction falls through past the end), checks every branch target
        // `< code.len()`, and checks that each `BrTable`'s entries lie inside the code. Calls
        // save `pc` after the call instruction, which is never the last one.
        if top.pc as usize >= code.len() {
            trap!(TrapCode::Unreachable);
        }
        let action = loop {
            debug_assert!(pc!() < code.len());
            // SAFETY: `ip` is `code_ptr + pc` with `pc < code.len()` by the argument above.
            let ins = unsafe { &*ip };
            ip = ip.wrapping_add(1);
            use Instr::*;
            match *ins {
                Unreachable => trap!(TrapCode::Unreachable),
                Fuel(c) => {
                    let c = c as u64;
                    if *fuel < c {
                        trap!(TrapCode::OutOfFuel);
                    }
                    *fuel -= c;
                }
                Br(t) => jump!(t),
                BrIfNez(c, t) => {
                    if r!(c) as u32 != 0 {
                        jump!(t);
                    }
                }
                BrIfEqz(c, t) => {
                    if r!(c) as u32 == 0 {
                        jump!(t);
                    }
                }
                AddBrNe(x, n, c, t) => {
                    let v = (r!(x) as u32).wrapping_add(c as i32 as u32);
                    w!(x, v as u64);
                    if v != r!(n) as u32 {
                        jump!(t);
                    }
                }
                BrEq(a, b, t) => br_cmp!(a, b, t, |x, y| x == y),
                BrNe(a, b, t) => br_cmp!(a, b, t, |x, y| x != y),
                BrLtS(a, b, t) => br_cmp!(a, b, t, |x, y| (x as i32) < (y as i32)),
                BrLtU(a, b, t) => br_cmp!(a, b, t, |x, y| x < y),
                BrGtS(a, b, t) => br_cmp!(a, b, t, |x, y| (x as i32) > (y as i32)),
                BrGtU(a, b, t) => br_cmp!(a, b, t, |x, y| x > y),
                BrLeS(a, b, t) => br_cmp!(a, b, t, |x, y| (x as i32) <= (y as i32)),
                BrLeU(a, b, t) => br_cmp!(a, b, t, |x, y| x <= y),
                BrGeS(a, b, t) => br_cmp!(a, b, t, |x, y| (x as i32) >= (y as i32)),
                BrGeU(a, b, t) => br_cmp!(a, b, t, |x, y| x >= y),
                BrTable(i, len) => {
                    let i = (r!(i) as u32).min(len);
                    ip = ip.wrapping_add(i as usize);
                }
                BrTableEntry(t) => jump!(t),
                Return(src, n) => break Action::Return(src, n),
                Call(f, dst, args) => {
                    let Some(&callee) = cur.inst.funcs.get(f as usize) else {
                        trap!(TrapCode::Unreachable)
                    };
                    call!(callee, dst, args);
                }
                CallIndirect(i, dst, x) => {
                    let x = x as usize;
                    let type_id = cur.code.extra.get(x).copied().unwrap_or(u32::MAX);
                    let table = cur.code.extra.get(x + 1).copied().unwrap_or(u32::MAX);
                    let ti = table_of!(table);
                    let idx = r!(i) as u32 as usize;
                    let Some(tab) = tables.get(ti) else {
                        trap!(TrapCode::TableOutOfBounds)
                    };
                    let Some(&cell) = tab.elems.get(idx) else {
                        trap!(TrapCode::TableOutOfBounds)
                    };
                    if cell == 0 {
                        trap!(TrapCode::IndirectCallToNull);
                    }
                    let callee = (cell - 1) as u32;
                    match funcs.get(callee as usize) {
                        Some(f) if f.type_id() == type_id => {}
                        _ => trap!(TrapCode::BadSignature),
                    }
                    call!(callee, dst, x + 2);
                }

                Copy(d, s) => w!(d, r!(s)),
                Const32(d, v) => w!(d, v as u64),
                Const64(d, lo, hi) => w!(d, (lo as u64) | ((hi as u64) << 32)),
                Select(d, a, b, c) => {
                    let v = if r!(c) as u32 != 0 { r!(a) } else { r!(b) };
                    w!(d, v);
                }
                GlobalGet(d, g) => {
                    let gi = cur
                        .inst
                        .globals
                        .get(g as usize)
                        .copied()
                        .unwrap_or(u32::MAX);
                    let Some(gl) = globals.get(gi as usize) else {
                        trap!(TrapCode::Unreachable)
                    };
                    w!(d, gl.value);
                }
                GlobalSet(s, g) => {
                    let v = r!(s);
                    let gi = cur
                        .inst
                        .globals
                        .get(g as usize)
                        .copied()
                        .unwrap_or(u32::MAX);
                    let Some(gl) = globals.get_mut(gi as usize) else {
                        trap!(TrapCode::Unreachable)
                    };
                    gl.value = v;
                }
                RefFunc(d, f) => {
                    let fi = cur.inst.funcs.get(f as usize).copied().unwrap_or(0);
                    w!(d, fi as u64 + 1);
                }

                Load32(d, a, o) => ld!(d, a, o, 4, |b| u32::from_le_bytes(b) as u64),
                Load64(d, a, o) => ld!(d, a, o, 8, |b| u64::from_le_bytes(b)),
                Load8S32(d, a, o) => ld!(d, a, o, 1, |b| b[0] as i8 as i32 as u32 as u64),
                Load8U(d, a, o) => ld!(d, a, o, 1, |b| b[0] as u64),
                Load16S32(d, a, o) => {
                    ld!(d, a, o, 2, |b| i16::from_le_bytes(b) as i32 as u32 as u64)
                }
                Load16U(d, a, o) => ld!(d, a, o, 2, |b| u16::from_le_bytes(b) as u64),
                Load8S64(d, a, o) => ld!(d, a, o, 1, |b| b[0] as i8 as i64 as u64),
                Load16S64(d, a, o) => ld!(d, a, o, 2, |b| i16::from_le_bytes(b) as i64 as u64),
                Load32S64(d, a, o) => ld!(d, a, o, 4, |b| i32::from_le_bytes(b) as i64 as u64),
                Load32Idx(d, a, b, o) => ldx!(d, a, b, o, 4, |v| u32::from_le_bytes(v) as u64),
                Load8UIdx(d, a, b, o) => ldx!(d, a, b, o, 1, |v| v[0] as u64),
                Load8SIdx(d, a, b, o) => ldx!(d, a, b, o, 1, |v| v[0] as i8 as i32 as u32 as u64),
                Load16UIdx(d, a, b, o) => ldx!(d, a, b, o, 2, |v| u16::from_le_bytes(v) as u64),
                Load16SIdx(d, a, b, o) => {
                    ldx!(d, a, b, o, 2, |v| i16::from_le_bytes(v) as i32 as u32
                        as u64)
                }
                Store8(v, a, o) => stv!(v, a, o, [r!(v) as u8]),
                Store16(v, a, o) => stv!(v, a, o, (r!(v) as u16).to_le_bytes()),
                Store32(v, a, o) => stv!(v, a, o, (r!(v) as u32).to_le_bytes()),
                Store64(v, a, o) => stv!(v, a, o, r!(v).to_le_bytes()),
                MemorySize(d) => {
                    let m = memory!();
                    let p = m.pages();
                    w!(d, p as u32 as u64);
                }
                MemoryGrow(d, n) => {
                    let delta = r!(n) as u32 as u64;
                    let m = memory!();
                    let res = match m.grow(delta) {
                        Some(old) => old as u32,
                        None => u32::MAX,
                    };
                    w!(d, res as u64);
                }
                MemoryFill(d, v, n) => {
                    let (dst, val, len) = (r!(d) as u32 as u64, r!(v) as u8, r!(n) as u32 as u64);
                    let m = memory!();
                    match range(dst, len, m.data.len()).and_then(|rg| m.data.get_mut(rg)) {
                        Some(s) => s.fill(val),
                        None => trap!(TrapCode::MemoryOutOfBounds),
                    }
                }
                MemoryCopy(d, s, n) => {
                    let (dst, src, len) = (
                        r!(d) as u32 as u64,
                        r!(s) as u32 as u64,
                        r!(n) as u32 as u64,
                    );
                    let m = memory!();
                    let size = m.data.len();
                    match (range(src, len, size), range(dst, len, size)) {
                        (Some(sr), Some(dr)) => m.data.copy_within(sr, dr.start),
                        _ => trap!(TrapCode::MemoryOutOfBounds),
                    }
                }
                #[cfg(not(feature = "multi-memory"))]
                UseMem(_) | MemoryCopyMulti(..) => trap!(TrapCode::Unreachable),
                #[cfg(feature = "multi-memory")]
                UseMem(m) => {
                    mem_idx = cur
                        .inst
                        .memories
                        .get(m as usize)
                        .copied()
                        .unwrap_or(u32::MAX) as usize;
                    memory = match memories.get_mut(mem_idx) {
                        Some(m) => m,
                        None => &mut no_mem,
                    };
                }
                #[cfg(feature = "multi-memory")]
                MemoryCopyMulti(d, s, n, x) => {
                    let (dst, src, len) = (
                        r!(d) as u32 as u64,
                        r!(s) as u32 as u64,
                        r!(n) as u32 as u64,
                    );
                    let mem_of = |i: usize| -> usize {
                        let m = cur.code.extra.get(i).copied().unwrap_or(u32::MAX);
                        cur.inst
                            .memories
                            .get(m as usize)
                            .copied()
                            .unwrap_or(u32::MAX) as usize
                    };
                    let (dm, sm) = (mem_of(x as usize), mem_of(x as usize + 1));
                    let bytes: Option<Vec<u8>> = memories
                        .get(sm)
                        .and_then(|m| range(src, len, m.data.len()).and_then(|rg| m.data.get(rg)))
                        .map(|b| b.to_vec());
                    let ok = match (bytes, memories.get_mut(dm)) {
                        (Some(b), Some(m)) => {
                            match range(dst, len, m.data.len()).and_then(|rg| m.data.get_mut(rg)) {
                                Some(out) => {
                                    out.copy_from_slice(&b);
                                    true
                                }
                                None => false,
                            }
                        }
                        _ => false,
                    };
                    memory = match memories.get_mut(mem_idx) {
                        Some(m) => m,
                        None => &mut no_mem,
                    };
                    if !ok {
                        trap!(TrapCode::MemoryOutOfBounds);
                    }
                }
                MemoryInit(d, s, n, seg) => {
                    let (dst, src, len) = (
                        r!(d) as u32 as u64,
                        r!(s) as u32 as u64,
                        r!(n) as u32 as u64,
                    );
                    let di = cur
                        .inst
                        .datas
                        .get(seg as usize)
                        .copied()
                        .unwrap_or(u32::MAX) as usize;
                    let data: Rc<[u8]> = match datas.get(di) {
                        Some(x) => x.clone(),
                        None => trap!(TrapCode::MemoryOutOfBounds),
                    };
                    let m = memory!();
                    let size = m.data.len();
                    match (range(src, len, data.len()), range(dst, len, size)) {
                        (Some(sr), Some(dr)) => match (data.get(sr), m.data.get_mut(dr)) {
                            (Some(a), Some(b)) => b.copy_from_slice(a),
                            _ => trap!(TrapCode::MemoryOutOfBounds),
                        },
                        _ => trap!(TrapCode::MemoryOutOfBounds),
                    }
                }
                DataDrop(seg) => {
                    let di = cur
                        .inst
                        .datas
                        .get(seg as usize)
                        .copied()
                        .unwrap_or(u32::MAX) as usize;
                    if let Some(x) = datas.get_mut(di) {
                        *x = Rc::from(&[][..]);
                    }
                }

                TableGet(d, i, t) => {
                    let idx = r!(i) as u32 as usize;
                    let ti = table_of!(t);
                    match tables.get(ti).and_then(|tab| tab.elems.get(idx)) {
                        Some(&v) => w!(d, v),
                        None => trap!(TrapCode::TableOutOfBounds),
                    }
                }
                TableSet(i, v, t) => {
                    let (idx, val) = (r!(i) as u32 as usize, r!(v));
                    let ti = table_of!(t);
                    match tables.get_mut(ti).and_then(|tab| tab.elems.get_mut(idx)) {
                        Some(e) => *e = val,
                        None => trap!(TrapCode::TableOutOfBounds),
                    }
                }
                TableSize(d, t) => {
                    let ti = table_of!(t);
                    let n = tables.get(ti).map_or(0, |tab| tab.elems.len());
                    w!(d, n as u32 as u64);
                }
                TableGrow(d, init, n, t) => {
                    let (val, delta) = (r!(init), r!(n) as u32 as u64);
                    let ti = table_of!(t);
                    let res = tables
                        .get_mut(ti)
                        .and_then(|tab| tab.grow(delta, val))
                        .map_or(u32::MAX, |old| old as u32);
                    w!(d, res as u64);
                }
                TableFill(i, v, n, t) => {
                    let (start, val, len) = (r!(i) as u32 as u64, r!(v), r!(n) as u32 as u64);
                    let ti = table_of!(t);
                    let Some(tab) = tables.get_mut(ti) else {
                        trap!(TrapCode::TableOutOfBounds)
                    };
                    match range(start, len, tab.elems.len()).and_then(|rg| tab.elems.get_mut(rg)) {
                        Some(s) => s.fill(val),
                        None => trap!(TrapCode::TableOutOfBounds),
                    }
                }
                TableCopy(d, s, n, x) => {
                    let (dst, src, len) = (
                        r!(d) as u32 as u64,
                        r!(s) as u32 as u64,
                        r!(n) as u32 as u64,
                    );
                    let dt = table_of!(cur.code.extra.get(x as usize).copied().unwrap_or(u32::MAX));
                    let stt = table_of!(
                        cur.code
                            .extra
                            .get(x as usize + 1)
                            .copied()
                            .unwrap_or(u32::MAX)
                    );
                    if dt == stt {
                        let Some(tab) = tables.get_mut(dt) else {
                            trap!(TrapCode::TableOutOfBounds)
                        };
                        let size = tab.elems.len();
                        match (range(src, len, size), range(dst, len, size)) {
                            (Some(sr), Some(dr)) => tab.elems.copy_within(sr, dr.start),
                            _ => trap!(TrapCode::TableOutOfBounds),
                        }
                    } else {
                        let src_vals: Vec<u64> = match tables.get(stt).and_then(|tab| {
                            range(src, len, tab.elems.len()).and_then(|rg| tab.elems.get(rg))
                        }) {
                            Some(v) => v.to_vec(),
                            None => trap!(TrapCode::TableOutOfBounds),
                        };
                        let Some(tab) = tables.get_mut(dt) else {
                            trap!(TrapCode::TableOutOfBounds)
                        };
                        match range(dst, len, tab.elems.len()).and_then(|rg| tab.elems.get_mut(rg))
                        {
                            Some(out) => out.copy_from_slice(&src_vals),
                            None => trap!(TrapCode::TableOutOfBounds),
                        }
                    }
                }
                TableInit(d, s, n, x) => {
                    let (dst, src, len) = (
                        r!(d) as u32 as u64,
                        r!(s) as u32 as u64,
                        r!(n) as u32 as u64,
                    );
                    let seg = cur.code.extra.get(x as usize).copied().unwrap_or(u32::MAX);
                    let ti = table_of!(
                        cur.code
                            .extra
                            .get(x as usize + 1)
                            .copied()
                            .unwrap_or(u32::MAX)
                    );
                    let ei = cur
                        .inst
                        .elems
                        .get(seg as usize)
                        .copied()
                        .unwrap_or(u32::MAX) as usize;
                    let Some(elem) = elems.get(ei) else {
                        trap!(TrapCode::TableOutOfBounds)
                    };
                    let Some(items) = range(src, len, elem.len()).and_then(|rg| elem.get(rg))
                    else {
                        trap!(TrapCode::TableOutOfBounds)
                    };
                    let items: Vec<u64> = items.to_vec();
                    let Some(tab) = tables.get_mut(ti) else {
                        trap!(TrapCode::TableOutOfBounds)
                    };
                    match range(dst, len, tab.elems.len()).and_then(|rg| tab.elems.get_mut(rg)) {
                        Some(out) => out.copy_from_slice(&items),
                        None => trap!(TrapCode::TableOutOfBounds),
                    }
                }
                ElemDrop(seg) => {
                    let ei = cur
                        .inst
                        .elems
                        .get(seg as usize)
                        .copied()
                        .unwrap_or(u32::MAX) as usize;
                    if let Some(e) = elems.get_mut(ei) {
                        *e = Vec::new();
                    }
                }

                I32AddImm(d, a, c) => w!(d, (r!(a) as u32).wrapping_add(c as u32) as u64),
                I32MulAdd(d, a, b, c) => {
                    let (x, y, z) = (r!(a) as u32, r!(b) as u32, r!(c) as u32);
                    w!(d, x.wrapping_mul(y).wrapping_add(z) as u64);
                }
                I32Add(d, a, b) => i32b!(d, a, b, |x, y| x.wrapping_add(y)),
                I32Sub(d, a, b) => i32b!(d, a, b, |x, y| x.wrapping_sub(y)),
                I32Mul(d, a, b) => i32b!(d, a, b, |x, y| x.wrapping_mul(y)),
                I32DivS(d, a, b) => {
                    let (x, y) = (r!(a) as i32, r!(b) as i32);
                    if y == 0 {
                        trap!(TrapCode::IntegerDivisionByZero);
                    }
                    if x == i32::MIN && y == -1 {
                        trap!(TrapCode::IntegerOverflow);
                    }
                    w!(d, x.wrapping_div(y) as u32 as u64);
                }
                I32DivU(d, a, b) => {
                    let (x, y) = (r!(a) as u32, r!(b) as u32);
                    match x.checked_div(y) {
                        Some(v) => w!(d, v as u64),
                        None => trap!(TrapCode::IntegerDivisionByZero),
                    }
                }
                I32RemS(d, a, b) => {
                    let (x, y) = (r!(a) as i32, r!(b) as i32);
                    if y == 0 {
                        trap!(TrapCode::IntegerDivisionByZero);
                    }
                    w!(d, x.wrapping_rem(y) as u32 as u64);
                }
                I32RemU(d, a, b) => {
                    let (x, y) = (r!(a) as u32, r!(b) as u32);
                    match x.checked_rem(y) {
                        Some(v) => w!(d, v as u64),
                        None => trap!(TrapCode::IntegerDivisionByZero),
                    }
                }
                I32And(d, a, b) => i32b!(d, a, b, |x, y| x & y),
                I32Or(d, a, b) => i32b!(d, a, b, |x, y| x | y),
                I32Xor(d, a, b) => i32b!(d, a, b, |x, y| x ^ y),
                I32Shl(d, a, b) => i32b!(d, a, b, |x, y| x.wrapping_shl(y)),
                I32ShrS(d, a, b) => i32b!(d, a, b, |x, y| (x as i32).wrapping_shr(y)),
                I32ShrU(d, a, b) => i32b!(d, a, b, |x, y| x.wrapping_shr(y)),
                I32Rotl(d, a, b) => i32b!(d, a, b, |x, y| x.rotate_left(y & 31)),
                I32Rotr(d, a, b) => i32b!(d, a, b, |x, y| x.rotate_right(y & 31)),
                I32Eq(d, a, b) => i32b!(d, a, b, |x, y| x == y),
                I32Ne(d, a, b) => i32b!(d, a, b, |x, y| x != y),
                I32LtS(d, a, b) => i32b!(d, a, b, |x, y| (x as i32) < (y as i32)),
                I32LtU(d, a, b) => i32b!(d, a, b, |x, y| x < y),
                I32GtS(d, a, b) => i32b!(d, a, b, |x, y| (x as i32) > (y as i32)),
                I32GtU(d, a, b) => i32b!(d, a, b, |x, y| x > y),
                I32LeS(d, a, b) => i32b!(d, a, b, |x, y| (x as i32) <= (y as i32)),
                I32LeU(d, a, b) => i32b!(d, a, b, |x, y| x <= y),
                I32GeS(d, a, b) => i32b!(d, a, b, |x, y| (x as i32) >= (y as i32)),
                I32GeU(d, a, b) => i32b!(d, a, b, |x, y| x >= y),
                I32Eqz(d, a) => un!(d, a, |x| (x as u32 == 0) as u64),
                I32Clz(d, a) => un!(d, a, |x| (x as u32).leading_zeros() as u64),
                I32Ctz(d, a) => un!(d, a, |x| (x as u32).trailing_zeros() as u64),
                I32Popcnt(d, a) => un!(d, a, |x| (x as u32).count_ones() as u64),
                I32Extend8S(d, a) => un!(d, a, |x| x as u8 as i8 as i32 as u32 as u64),
                I32Extend16S(d, a) => un!(d, a, |x| x as u16 as i16 as i32 as u32 as u64),

                I64Add(d, a, b) => i64b!(d, a, b, |x, y| x.wrapping_add(y)),
                I64Sub(d, a, b) => i64b!(d, a, b, |x, y| x.wrapping_sub(y)),
                I64Mul(d, a, b) => i64b!(d, a, b, |x, y| x.wrapping_mul(y)),
                I64DivS(d, a, b) => {
                    let (x, y) = (r!(a) as i64, r!(b) as i64);
                    if y == 0 {
                        trap!(TrapCode::IntegerDivisionByZero);
                    }
                    if x == i64::MIN && y == -1 {
                        trap!(TrapCode::IntegerOverflow);
                    }
                    w!(d, x.wrapping_div(y) as u64);
                }
                I64DivU(d, a, b) => {
                    let (x, y) = (r!(a), r!(b));
                    match x.checked_div(y) {
                        Some(v) => w!(d, v),
                        None => trap!(TrapCode::IntegerDivisionByZero),
                    }
                }
                I64RemS(d, a, b) => {
                    let (x, y) = (r!(a) as i64, r!(b) as i64);
                    if y == 0 {
                        trap!(TrapCode::IntegerDivisionByZero);
                    }
                    w!(d, x.wrapping_rem(y) as u64);
                }
                I64RemU(d, a, b) => {
                    let (x, y) = (r!(a), r!(b));
                    match x.checked_rem(y) {
                        Some(v) => w!(d, v),
                        None => trap!(TrapCode::IntegerDivisionByZero),
                    }
                }
                I64And(d, a, b) => i64b!(d, a, b, |x, y| x & y),
                I64Or(d, a, b) => i64b!(d, a, b, |x, y| x | y),
                I64Xor(d, a, b) => i64b!(d, a, b, |x, y| x ^ y),
                I64Shl(d, a, b) => i64b!(d, a, b, |x, y| x.wrapping_shl(y as u32)),
                I64ShrS(d, a, b) => i64b!(d, a, b, |x, y| (x as i64).wrapping_shr(y as u32)),
                I64ShrU(d, a, b) => i64b!(d, a, b, |x, y| x.wrapping_shr(y as u32)),
                I64Rotl(d, a, b) => i64b!(d, a, b, |x, y| x.rotate_left((y & 63) as u32)),
                I64Rotr(d, a, b) => i64b!(d, a, b, |x, y| x.rotate_right((y & 63) as u32)),
                I64Eq(d, a, b) => i64b!(d, a, b, |x, y| x == y),
                I64Ne(d, a, b) => i64b!(d, a, b, |x, y| x != y),
                I64LtS(d, a, b) => i64b!(d, a, b, |x, y| (x as i64) < (y as i64)),
                I64LtU(d, a, b) => i64b!(d, a, b, |x, y| x < y),
                I64GtS(d, a, b) => i64b!(d, a, b, |x, y| (x as i64) > (y as i64)),
                I64GtU(d, a, b) => i64b!(d, a, b, |x, y| x > y),
                I64LeS(d, a, b) => i64b!(d, a, b, |x, y| (x as i64) <= (y as i64)),
                I64LeU(d, a, b) => i64b!(d, a, b, |x, y| x <= y),
                I64GeS(d, a, b) => i64b!(d, a, b, |x, y| (x as i64) >= (y as i64)),
                I64GeU(d, a, b) => i64b!(d, a, b, |x, y| x >= y),
                I64Eqz(d, a) => un!(d, a, |x| (x == 0) as u64),
                I64Clz(d, a) => un!(d, a, |x| x.leading_zeros() as u64),
                I64Ctz(d, a) => un!(d, a, |x| x.trailing_zeros() as u64),
                I64Popcnt(d, a) => un!(d, a, |x| x.count_ones() as u64),
                I64Extend8S(d, a) => un!(d, a, |x| x as u8 as i8 as i64 as u64),
                I64Extend16S(d, a) => un!(d, a, |x| x as u16 as i16 as i64 as u64),
                I64Extend32S(d, a) => un!(d, a, |x| x as u32 as i32 as i64 as u64),

                F32Add(d, a, b) => f32b!(d, a, b, |x, y| x + y),
                F32Sub(d, a, b) => f32b!(d, a, b, |x, y| x - y),
                F32Mul(d, a, b) => f32b!(d, a, b, |x, y| x * y),
                F32Div(d, a, b) => f32b!(d, a, b, |x, y| x / y),
                F32Min(d, a, b) => f32b!(d, a, b, |x, y| float::f32_min(x, y)),
                F32Max(d, a, b) => f32b!(d, a, b, |x, y| float::f32_max(x, y)),
                F32Copysign(d, a, b) => {
                    let (x, y) = (r!(a) as u32, r!(b) as u32);
                    w!(d, ((x & 0x7fff_ffff) | (y & 0x8000_0000)) as u64);
                }
                F32Eq(d, a, b) => f32c!(d, a, b, |x, y| x == y),
                F32Ne(d, a, b) => f32c!(d, a, b, |x, y| x != y),
                F32Lt(d, a, b) => f32c!(d, a, b, |x, y| x < y),
                F32Gt(d, a, b) => f32c!(d, a, b, |x, y| x > y),
                F32Le(d, a, b) => f32c!(d, a, b, |x, y| x <= y),
                F32Ge(d, a, b) => f32c!(d, a, b, |x, y| x >= y),
                F32Abs(d, a) => un!(d, a, |x| (x as u32 & 0x7fff_ffff) as u64),
                F32Neg(d, a) => un!(d, a, |x| (x as u32 ^ 0x8000_0000) as u64),
                F32Ceil(d, a) => f32u!(d, a, |x| float::f32_ceil(x)),
                F32Floor(d, a) => f32u!(d, a, |x| float::f32_floor(x)),
                F32Trunc(d, a) => f32u!(d, a, |x| float::f32_trunc(x)),
                F32Nearest(d, a) => f32u!(d, a, |x| float::f32_nearest(x)),
                F32Sqrt(d, a) => f32u!(d, a, |x| float::f32_sqrt(x)),

                F64Add(d, a, b) => f64b!(d, a, b, |x, y| x + y),
                F64Sub(d, a, b) => f64b!(d, a, b, |x, y| x - y),
                F64Mul(d, a, b) => f64b!(d, a, b, |x, y| x * y),
                F64Div(d, a, b) => f64b!(d, a, b, |x, y| x / y),
                F64Min(d, a, b) => f64b!(d, a, b, |x, y| float::f64_min(x, y)),
                F64Max(d, a, b) => f64b!(d, a, b, |x, y| float::f64_max(x, y)),
                F64Copysign(d, a, b) => {
                    let (x, y) = (r!(a), r!(b));
                    w!(d, (x & !(1u64 << 63)) | (y & (1u64 << 63)));
                }
                F64Eq(d, a, b) => f64c!(d, a, b, |x, y| x == y),
                F64Ne(d, a, b) => f64c!(d, a, b, |x, y| x != y),
                F64Lt(d, a, b) => f64c!(d, a, b, |x, y| x < y),
                F64Gt(d, a, b) => f64c!(d, a, b, |x, y| x > y),
                F64Le(d, a, b) => f64c!(d, a, b, |x, y| x <= y),
                F64Ge(d, a, b) => f64c!(d, a, b, |x, y| x >= y),
                F64Abs(d, a) => un!(d, a, |x| x & !(1u64 << 63)),
                F64Neg(d, a) => un!(d, a, |x| x ^ (1u64 << 63)),
                F64Ceil(d, a) => f64u!(d, a, |x| float::f64_ceil(x)),
                F64Floor(d, a) => f64u!(d, a, |x| float::f64_floor(x)),
                F64Trunc(d, a) => f64u!(d, a, |x| float::f64_trunc(x)),
                F64Nearest(d, a) => f64u!(d, a, |x| float::f64_nearest(x)),
                F64Sqrt(d, a) => f64u!(d, a, |x| float::f64_sqrt(x)),

                I32WrapI64(d, a) => un!(d, a, |x| x as u32 as u64),
                I32TruncF32S(d, a) => {
                    conv!(d, float::i32_trunc_f32_s(f32::from_bits(r!(a) as u32)), u32)
                }
                I32TruncF32U(d, a) => {
                    conv!(d, float::i32_trunc_f32_u(f32::from_bits(r!(a) as u32)), u32)
                }
                I32TruncF64S(d, a) => conv!(d, float::i32_trunc_f64_s(f64::from_bits(r!(a))), u32),
                I32TruncF64U(d, a) => conv!(d, float::i32_trunc_f64_u(f64::from_bits(r!(a))), u32),
                I64ExtendI32S(d, a) => un!(d, a, |x| x as u32 as i32 as i64 as u64),
                I64ExtendI32U(d, a) => un!(d, a, |x| x as u32 as u64),
                I64TruncF32S(d, a) => {
                    conv!(d, float::i64_trunc_f32_s(f32::from_bits(r!(a) as u32)), u64)
                }
                I64TruncF32U(d, a) => {
                    conv!(d, float::i64_trunc_f32_u(f32::from_bits(r!(a) as u32)), u64)
                }
                I64TruncF64S(d, a) => conv!(d, float::i64_trunc_f64_s(f64::from_bits(r!(a))), u64),
                I64TruncF64U(d, a) => conv!(d, float::i64_trunc_f64_u(f64::from_bits(r!(a))), u64),
                F32ConvertI32S(d, a) => un!(d, a, |x| (x as u32 as i32 as f32).to_bits() as u64),
                F32ConvertI32U(d, a) => un!(d, a, |x| (x as u32 as f32).to_bits() as u64),
                F32ConvertI64S(d, a) => un!(d, a, |x| (x as i64 as f32).to_bits() as u64),
                F32ConvertI64U(d, a) => un!(d, a, |x| (x as f32).to_bits() as u64),
                F32DemoteF64(d, a) => un!(d, a, |x| (f64::from_bits(x) as f32).to_bits() as u64),
                F64ConvertI32S(d, a) => un!(d, a, |x| (x as u32 as i32 as f64).to_bits()),
                F64ConvertI32U(d, a) => un!(d, a, |x| (x as u32 as f64).to_bits()),
                F64ConvertI64S(d, a) => un!(d, a, |x| (x as i64 as f64).to_bits()),
                F64ConvertI64U(d, a) => un!(d, a, |x| (x as f64).to_bits()),
                F64PromoteF32(d, a) => un!(d, a, |x| (f32::from_bits(x as u32) as f64).to_bits()),
                I32TruncSatF32S(d, a) => {
                    un!(d, a, |x| f32::from_bits(x as u32) as i32 as u32 as u64)
                }
                I32TruncSatF32U(d, a) => un!(d, a, |x| f32::from_bits(x as u32) as u32 as u64),
                I32TruncSatF64S(d, a) => un!(d, a, |x| f64::from_bits(x) as i32 as u32 as u64),
                I32TruncSatF64U(d, a) => un!(d, a, |x| f64::from_bits(x) as u32 as u64),
                I64TruncSatF32S(d, a) => un!(d, a, |x| f32::from_bits(x as u32) as i64 as u64),
                I64TruncSatF32U(d, a) => un!(d, a, |x| f32::from_bits(x as u32) as u64),
                I64TruncSatF64S(d, a) => un!(d, a, |x| f64::from_bits(x) as i64 as u64),
                I64TruncSatF64U(d, a) => un!(d, a, |x| f64::from_bits(x) as u64),
            }
        };
        match action {
            Action::Return(src, n) => {
                let Some(fr) = ex.frames.pop() else {
                    return Ok(Exit::Done);
                };
                let s = lo + src as usize;
                let n = n as usize;
                if n == 1 {
                    ex.stack[fr.ret] = ex.stack[s];
                } else if n > 0 {
                    ex.stack.copy_within(s..s + n, fr.ret);
                }
            }
            Action::Call(callee, dst, args) => {
                let ret = lo + dst as usize;
                let arg = |k: usize| -> usize {
                    let s = cur.code.extra.get(args as usize + k).copied().unwrap_or(0);
                    lo + s as usize
                };
                if let Some(f) = ex.frames.last_mut() {
                    f.pc = pc!() as u32;
                }
                match funcs.get(callee as usize) {
                    Some(FuncEntity::Wasm { code, .. }) => {
                        let nb = base + cur.code.frame_size as usize + code.consts.len();
                        if let Err(c) = push_frame(ex, limits, code, callee, nb, ret) {
                            trap!(c);
                        }
                        for k in 0..code.num_params as usize {
                            ex.stack[nb + k] = ex.stack[arg(k)];
                        }
                    }
                    Some(FuncEntity::Host { ty, .. }) => {
                        let np = ty.params().len();
                        let nr = ty.results().len();
                        ex.host_buf.clear();
                        for k in 0..np {
                            let v = ex.stack[arg(k)];
                            ex.host_buf.push(v);
                        }
                        ex.host_buf.resize(np.max(nr), 0);
                        return Ok(Exit::Host {
                            func: callee,
                            dst: ret,
                            nr,
                        });
                    }
                    None => trap!(TrapCode::Unreachable),
                }
            }
        }
    }
}

enum Action {
    Return(u16, u16),
    Call(u32, u16, u32),
}

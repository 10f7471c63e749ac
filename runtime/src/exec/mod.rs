//! The executor. The instruction set is defined once, in [`ops`]; two backends expand it:
//! [`threaded`] (a handler per instruction, tail-calling the next: the fast one) and [`looped`]
//! (a `match` loop: small, and safe without optimisation). `build.rs` picks one per target and
//! opt-level (cfg `embwit_threaded`). Wasm calls push a frame on an explicit frame stack (no
//! native recursion); host calls leave the backend so the generic driver in [`crate::func`]
//! can call the closure and resume.
#![allow(unsafe_code)]

mod bulk;
mod call;
mod float;
#[cfg(not(embwit_threaded))]
mod looped;
pub(crate) mod ops;
#[cfg(embwit_threaded)]
mod threaded;
mod vm;

use alloc::vec::Vec;

#[cfg(not(embwit_threaded))]
use looped as backend;
#[cfg(embwit_threaded)]
use threaded as backend;

use crate::engine::Limits;
use crate::ir::CompiledFunc;
use crate::store::{FuncEntity, StoreInner};
use crate::trap::{Trap, TrapCode};
use vm::{Cx, Vm};

#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    /// Store index of the running function.
    pub func: u32,
    /// Where the function continues: a byte offset into its code.
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

/// Set up the frame of wasm function `func` at `base` (its arguments are written after): check
/// the call depth and value stack limits, make room, zero the declared locals, copy the
/// constants below `base`, and push the frame record.
#[cfg_attr(embwit_threaded, inline)]
#[cfg_attr(not(embwit_threaded), inline(never))]
pub(crate) fn push_frame(
    ex: &mut Exec,
    limits: &Limits,
    code: &CompiledFunc,
    func: u32,
    base: usize,
    ret: usize,
) -> Result<(), TrapCode> {
    let nc = code.consts.len();
    let top = base.saturating_add(code.frame_size as usize);
    if ex.frames.len() >= limits.max_call_depth as usize
        || top > limits.max_value_stack as usize
        || base < nc
    {
        return Err(TrapCode::StackOverflow);
    }
    if ex.stack.len() < top {
        grow_stack(&mut ex.stack, top)?;
    }
    let (np, nl) = (code.num_params as usize, code.num_locals as usize);
    if let Some(s) = ex.stack.get_mut(base + np..base + nl) {
        fill_zero(s);
    }
    if let Some(s) = ex.stack.get_mut(base - nc..base) {
        copy_cells(s, &code.consts);
    }
    ex.frames.push(Frame {
        func,
        pc: 0,
        base,
        ret,
    });
    Ok(())
}

#[cold]
#[inline(never)]
fn grow_stack(stack: &mut Vec<u64>, top: usize) -> Result<(), TrapCode> {
    if stack.try_reserve(top - stack.len()).is_err() {
        return Err(TrapCode::StackOverflow);
    }
    stack.resize(top, 0);
    Ok(())
}

// Frames have a few locals and constants: handle short ranges inline rather than calling
// `memset`/`memcpy` (LLVM turns plain loops into those calls).
#[inline(always)]
fn fill_zero(s: &mut [u64]) {
    match s {
        [] => {}
        [a] => *a = 0,
        [a, b] => (*a, *b) = (0, 0),
        [a, b, c] => (*a, *b, *c) = (0, 0, 0),
        s => s.fill(0),
    }
}
#[inline(always)]
fn copy_cells(s: &mut [u64], from: &[u64]) {
    match (s, from) {
        ([], _) => {}
        ([a], [x]) => *a = *x,
        ([a, b], [x, y]) => (*a, *b) = (*x, *y),
        ([a, b, c], [x, y, z]) => (*a, *b, *c) = (*x, *y, *z),
        (s, c) => {
            if s.len() == c.len() {
                s.copy_from_slice(c)
            }
        }
    }
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
    let Some(top) = ex.frames.last().copied() else {
        return Ok(Exit::Done);
    };
    let (code, inst, inst_idx) = match funcs.get(top.func as usize) {
        Some(FuncEntity::Wasm { code, instance, .. }) => match instances.get(*instance as usize) {
            Some(inst) => (&**code, &**inst, *instance),
            None => return Err(Trap::from(TrapCode::Unreachable)),
        },
        _ => return Err(Trap::from(TrapCode::Unreachable)),
    };
    let mut cx = Cx {
        funcs,
        instances,
        memories,
        tables,
        globals,
        elems,
        datas,
        fuel,
        ex,
        limits,
        code,
        inst,
        inst_idx,
        mem_idx: bulk::store_index(&inst.memories, 0),
        out: Ok(Exit::Done),
    };
    if let Some((ip, fp)) = call::resume(&mut cx, top) {
        let (mem, len) = vm::mem_regs(cx.memories, cx.mem_idx);
        backend::run(Vm {
            ip: ip.as_ptr(),
            fp,
            mem,
            len,
            cx: &mut cx,
        });
    }
    cx.out
}

//! The executor. The instruction set is defined once, in [`ops`]; two backends expand it:
//! [`threaded`] (a handler per instruction, tail-calling the next: the fast one) and [`looped`]
//! (a `match` loop: small, and safe without optimisation). `build.rs` picks one per target and
//! opt-level (cfg `embwit_threaded`). Wasm calls push a frame on an explicit frame stack (no
//! native recursion); host calls leave the backend so the generic driver in [`crate::func`]
//! can call the closure and resume.
#![allow(unsafe_code)]

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
        mem_idx: inst.memories.first().copied().unwrap_or(u32::MAX) as usize,
        out: Ok(Exit::Done),
    };
    if let Some((ip, fp)) = vm::resume(&mut cx, top) {
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

//! The executor. The instruction set is defined once, in [`ops`]; two backends expand it:
//! [`threaded`] (a handler per instruction, tail-calling the next: the fast one) and [`looped`]
//! (a `match` loop: small, and safe without optimisation). `build.rs` picks one per target and
//! opt-level (cfg `embwit_threaded`). Wasm calls push a frame on an explicit frame stack (no
//! native recursion); host calls leave the backend so the generic driver in [`crate::func`]
//! can call the closure and resume.
#![allow(unsafe_code)]

mod bulk;
mod call;
#[cfg(embwit_threaded)]
mod fast;
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
#[cfg(embwit_threaded)]
pub(crate) use threaded::{Handler, handler_of};

use crate::engine::Limits;
use crate::ir::{CompiledFunc, Step};
use crate::store::StoreInner;
use crate::trap::{Trap, TrapCode};
use vm::{Cx, Vm};

/// A suspended function: the caller of the running function (pushed by a call), or one that
/// called the host. The running function itself lives in [`Cx`]. A record has all a return
/// needs, so returning takes no lookup: records pushed in the current [`run`] are trusted (they
/// were valid when pushed); older ones are checked again (see [`call::resume`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    /// Where the function continues (an instruction of its code).
    pub ip: *const Step,
    /// Its code; only dereferenced for records pushed in the current [`run`] (the store's
    /// function is borrowed for the whole run then), by the threaded backend's fast return.
    #[cfg(embwit_threaded)]
    pub code: *const CompiledFunc,
    /// Stack index of its slot 0.
    pub fp: u32,
    /// Stack index where the results of the function it called go.
    pub ret: u32,
    /// Module index of the function, and store index of its instance ([`HOST`]: the bottom
    /// record, the host's call).
    pub func: u32,
    pub inst: u32,
}

/// [`Frame::inst`] of the bottom record: returning to it ends the run.
pub(crate) const HOST: u32 = u32::MAX;

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

/// Start a host-to-guest call of wasm function `func` (`code`): push the bottom record (results
/// go to the first parameter cell) and the function's own record (at its first instruction),
/// with its frame at slot 0 of the stack. The caller writes the arguments at
/// `code.consts.len()`.
#[inline(never)]
pub(crate) fn start(
    ex: &mut Exec,
    limits: &Limits,
    code: &CompiledFunc,
    inst: u32,
) -> Result<(), TrapCode> {
    // The frame stack is empty (the depth check is `max_call_depth == 0`).
    make_room(ex, limits, code.cells as usize)?;
    // SAFETY: the stack holds the frame's `cells` (just ensured).
    unsafe { init_frame(ex.stack.as_mut_ptr(), code) };
    let base = code.consts.len() as u32;
    let bottom = Frame {
        ip: core::ptr::null(),
        #[cfg(embwit_threaded)]
        code: core::ptr::null(),
        fp: 0,
        ret: base,
        func: HOST,
        inst: HOST,
    };
    let first = Frame {
        ip: code.code.as_ptr(),
        #[cfg(embwit_threaded)]
        code,
        fp: 0,
        ret: 0,
        func: code.func_index,
        inst,
    };
    ex.frames.extend_from_slice(&[bottom, first]);
    Ok(())
}

/// Copy the constants of `code` to the frame at `fp` and zero its declared locals.
///
/// # Safety
/// `fp` starts `code.cells` writable cells.
#[cfg_attr(embwit_threaded, inline(always))]
#[cfg_attr(not(embwit_threaded), inline(never))]
pub(crate) unsafe fn init_frame(fp: *mut u64, code: &CompiledFunc) {
    let nc = code.consts.len();
    let (np, nl) = (code.num_params as usize, code.num_locals as usize);
    // SAFETY: the constants take the first `nc` cells, the declared locals `[nc + np, nc + nl)`:
    // inside the frame, as `np <= nl` and `nc + nl <= cells` (`Translator::finish`). The
    // constants are not on the stack. (The threaded backend sets small frames up inline; this
    // is for the others.)
    unsafe {
        core::ptr::copy_nonoverlapping(code.consts.as_ptr(), fp, nc);
        core::ptr::write_bytes(fp.add(nc + np), 0, nl - np);
    }
}

/// The cold part of a call: check the limits, grow the value stack to at least `top` cells and
/// make room for one more record. Returns the new [`room`].
#[cold]
#[inline(never)]
pub(crate) fn make_room(ex: &mut Exec, limits: &Limits, top: usize) -> Result<usize, TrapCode> {
    if ex.frames.len() >= limits.max_call_depth as usize || top > limits.max_value_stack as usize {
        return Err(TrapCode::StackOverflow);
    }
    if ex.stack.len() < top {
        if ex.stack.try_reserve(top - ex.stack.len()).is_err() {
            return Err(TrapCode::StackOverflow);
        }
        // Use all the capacity (within the limit): deeper calls then need no trip here.
        let cap = ex.stack.capacity().min(limits.max_value_stack as usize);
        ex.stack.resize(cap.max(top), 0);
    }
    if ex.frames.try_reserve(1).is_err() {
        return Err(TrapCode::StackOverflow);
    }
    Ok(room(ex, limits))
}

/// How many records the frame stack can hold without growing or passing the call depth limit:
/// a call below it pushes with a plain write.
pub(crate) fn room(ex: &Exec, limits: &Limits) -> usize {
    ex.frames.capacity().min(limits.max_call_depth as usize)
}

/// Run until the outermost frame returns or a host function must be called: pop the top
/// record and continue it.
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
    let Some(top) = ex.frames.pop() else {
        return Ok(Exit::Done);
    };
    let Some((code, inst, inst_idx)) = call::lookup(funcs, instances, top.inst, top.func) else {
        return Err(Trap::from(TrapCode::Unreachable));
    };
    let (floor, room) = (ex.frames.len(), room(ex, limits));
    let held = core::mem::take(ex);
    let mut cx = Cx {
        funcs,
        instances,
        memories,
        tables,
        globals,
        elems,
        datas,
        fuel,
        ex: held,
        limits,
        code,
        inst,
        inst_idx,
        #[cfg(embwit_threaded)]
        local: &[],
        floor,
        room,
        mem_idx: bulk::store_index(&inst.memories, 0),
        #[cfg(embwit_threaded)]
        mem_len: 0,
        out: Ok(Exit::Done),
    };
    if let Some((ip, fp)) = call::resume(&mut cx, top) {
        backend::run(Vm::new(ip.as_ptr(), fp, &mut cx));
    }
    #[cfg(embwit_threaded)]
    fast::complete(&mut cx);
    *ex = cx.ex;
    cx.out
}

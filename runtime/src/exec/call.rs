//! Calls and returns inside the dispatch loop: push or pop a frame record and switch the
//! registers to the callee or the caller. Host functions leave the backend (`Exit::Host`).

use core::ptr::{self, NonNull};

use super::bulk::store_index;
use super::vm::{Cx, Regs, trap_at};
use super::{Exec, Exit, Frame, push_frame};
use crate::ir::{Instr, S};
use crate::store::{FuncEntity, InstanceData};
use crate::trap::{Trap, TrapCode};

/// Index of the first cell of the frame at `fp` on the value stack.
#[inline(always)]
fn frame_start(ex: &Exec, fp: *mut u64) -> usize {
    (fp as usize).wrapping_sub(ex.stack.as_ptr() as usize) / size_of::<u64>()
}

/// Push a frame for store function `callee`, called from the running function (frame `fp`,
/// next instruction `ip`) with arguments from the slots listed at `extra[args..]` and results
/// to slot `dst`. Returns the callee's first instruction and frame, or `None` with `cx.out` set
/// (a trap, or a host function to call).
#[inline(never)]
pub(crate) fn enter(
    cx: &mut Cx<'_>,
    ip: *const Instr,
    fp: *mut u64,
    callee: u32,
    dst: S,
    args: u32,
) -> Option<Regs> {
    let (caller, funcs) = (cx.code, cx.funcs);
    let Some(FuncEntity::Wasm { code, instance, .. }) = funcs.get(callee as usize) else {
        return enter_host(cx, ip, fp, callee, dst, args);
    };
    let ex = &mut *cx.ex;
    let lo = frame_start(ex, fp);
    if let Some(f) = ex.frames.last_mut() {
        f.pc = (ip as usize).wrapping_sub(caller.code.as_ptr() as usize) as u32;
    }
    let nc = code.consts.len();
    let base = lo + caller.consts.len() + caller.frame_size as usize + nc;
    let np = code.num_params as usize;
    let Some(arg_slots) = caller.extra.get(args as usize..args as usize + np) else {
        trap_at(cx, ip, TrapCode::Unreachable);
        return None;
    };
    if let Err(c) = push_frame(ex, cx.limits, code, callee, base, lo + dst as usize) {
        trap_at(cx, ip, c);
        return None;
    }
    let stack = ex.stack.as_mut_ptr();
    // SAFETY: `lo + slot` is a slot of the caller's frame (`Translator::finish` checks the
    // argument lists in `extra`), and `base + k` (k < params) one of the callee's frame, which
    // `push_frame` just made room for. (Short lists inline: a loop would be set up for many.)
    unsafe {
        let arg = |slot: u32| *stack.add(lo + slot as usize);
        match *arg_slots {
            [] => {}
            [a] => *stack.add(base) = arg(a),
            [a, b] => (*stack.add(base), *stack.add(base + 1)) = (arg(a), arg(b)),
            _ => {
                for (k, &slot) in arg_slots.iter().enumerate() {
                    *stack.add(base + k) = arg(slot);
                }
            }
        }
    }
    if *instance != cx.inst_idx {
        let Some(inst) = cx.instances.get(*instance as usize) else {
            return fail(cx, TrapCode::Unreachable);
        };
        switch_instance(cx, inst, *instance);
    }
    cx.code = code;
    let Some(first) = code.code.first() else {
        return fail(cx, TrapCode::Unreachable);
    };
    // SAFETY: `push_frame` checked `nc <= base` and made the stack longer than `base`.
    Some((NonNull::from(first), unsafe { stack.add(base - nc) }))
}

/// [`enter`] for a host function (leave the executor so the driver calls it) or a missing one.
#[cold]
#[inline(never)]
fn enter_host(
    cx: &mut Cx<'_>,
    ip: *const Instr,
    fp: *mut u64,
    callee: u32,
    dst: S,
    args: u32,
) -> Option<Regs> {
    let Some(FuncEntity::Host { ty, .. }) = cx.funcs.get(callee as usize) else {
        trap_at(cx, ip, TrapCode::Unreachable);
        return None;
    };
    let caller = cx.code;
    let ex = &mut *cx.ex;
    let lo = frame_start(ex, fp);
    if let Some(f) = ex.frames.last_mut() {
        f.pc = (ip as usize).wrapping_sub(caller.code.as_ptr() as usize) as u32;
    }
    let (np, nr) = (ty.params().len(), ty.results().len());
    ex.host_buf.clear();
    for k in 0..np {
        let s = caller.extra.get(args as usize + k).copied().unwrap_or(0);
        let v = ex.stack.get(lo + s as usize).copied().unwrap_or(0);
        ex.host_buf.push(v);
    }
    ex.host_buf.resize(np.max(nr), 0);
    cx.out = Ok(Exit::Host {
        func: callee,
        dst: lo + dst as usize,
        nr,
    });
    None
}

fn switch_instance<'a>(cx: &mut Cx<'a>, inst: &'a InstanceData, idx: u32) {
    cx.inst = inst;
    cx.inst_idx = idx;
    cx.mem_idx = store_index(&inst.memories, 0);
}

/// Pop the running frame (at `fp`), copying its `n` results from slot `src` to the caller, and
/// resume the caller. `None` (with `cx.out` set) when the outermost frame returned.
#[inline(never)]
pub(crate) fn leave(cx: &mut Cx<'_>, fp: *mut u64, src: S, n: u16) -> Option<Regs> {
    let ex = &mut *cx.ex;
    let from = frame_start(ex, fp) + src as usize;
    let Some(fr) = ex.frames.pop() else {
        cx.out = Ok(Exit::Done);
        return None;
    };
    let n = n as usize;
    if fr.ret + n > ex.stack.len() {
        return fail(cx, TrapCode::StackOverflow);
    }
    let stack = ex.stack.as_mut_ptr();
    // SAFETY: `[from, from + n)` lies in the returning frame (`Translator::finish` checks a
    // `Return`'s slot range), `[ret, ret + n)` in the stack (checked above); `copy` allows
    // overlap.
    unsafe {
        if n == 1 {
            *stack.add(fr.ret) = *stack.add(from);
        } else {
            ptr::copy(stack.add(from), stack.add(fr.ret), n);
        }
    }
    match ex.frames.last().copied() {
        Some(top) => resume(cx, top),
        None => {
            cx.out = Ok(Exit::Done);
            None
        }
    }
}

fn fail(cx: &mut Cx<'_>, c: TrapCode) -> Option<Regs> {
    cx.out = Err(Trap::from(c));
    None
}

/// Make frame `top` the running one: its function, instance and memory, and the registers to
/// continue it with. Checks everything the executor's unchecked accesses rely on.
#[cfg_attr(embwit_threaded, inline)]
#[cfg_attr(not(embwit_threaded), inline(never))]
pub(crate) fn resume(cx: &mut Cx<'_>, top: Frame) -> Option<Regs> {
    let (funcs, instances) = (cx.funcs, cx.instances);
    let Some(FuncEntity::Wasm { code, instance, .. }) = funcs.get(top.func as usize) else {
        return fail(cx, TrapCode::Unreachable);
    };
    let nc = code.consts.len();
    if top.pc as usize >= code.code.len() * size_of::<Instr>()
        || top.base < nc
        || top.base + code.frame_size as usize > cx.ex.stack.len()
    {
        return fail(cx, TrapCode::Unreachable);
    }
    if *instance != cx.inst_idx {
        let Some(inst) = instances.get(*instance as usize) else {
            return fail(cx, TrapCode::Unreachable);
        };
        switch_instance(cx, inst, *instance);
    }
    cx.code = code;
    // SAFETY: `top.pc` is a byte offset inside the code (checked above) and a multiple of the
    // instruction size (`enter` stores `ip - code`, `ip` being an instruction; `push_frame` 0);
    // `nc <= base <= stack.len() - frame_size` (checked above). So both pointers stay inside
    // their allocations, and the first is not null.
    unsafe {
        Some((
            NonNull::new_unchecked(code.code.as_ptr().byte_add(top.pc as usize).cast_mut()),
            cx.ex.stack.as_mut_ptr().add(top.base - nc),
        ))
    }
}

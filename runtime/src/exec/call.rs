//! Calls and returns inside the dispatch loop: a call pushes the caller's record ([`Frame`])
//! and sets up the callee's frame, a return pops the record and continues the caller from it
//! with no lookup. Host functions leave the backend (`Exit::Host`).

use alloc::rc::Rc;
#[cfg(embwit_threaded)]
use core::ptr;
use core::ptr::NonNull;

use super::bulk::store_index;
use super::vm::{Cx, Regs, trap_at};
use super::{Exec, Exit, Frame, HOST, init_frame, make_room};
use crate::ir::{CompiledFunc, S, Step};
use crate::store::{FuncEntity, InstanceData};
use crate::trap::{Trap, TrapCode};

/// Index of the first cell of the frame at `fp` on the value stack.
#[inline(always)]
pub(super) fn frame_start(ex: &Exec, fp: *mut u64) -> usize {
    (fp as usize).wrapping_sub(ex.stack.as_ptr() as usize) / size_of::<u64>()
}

/// Set up the frame of `code` right after the caller's (which starts at stack index `lo`):
/// constants, zeroed locals, arguments from the caller's slots `arg_slots`; push the caller's
/// record (continue at `ip`, results to slot `dst`). Returns the callee's frame.
///
/// # Safety
/// The stack holds the callee's frame, and `ex.frames.len() < cx.room`. `arg_slots` has
/// `code.num_params` slots of the caller's frame (`Translator::finish` checks the argument
/// lists in `extra`).
#[inline(always)]
unsafe fn push(
    cx: &mut Cx<'_>,
    ip: *const Step,
    lo: usize,
    code: &CompiledFunc,
    arg_slots: &[u32],
    dst: S,
) -> *mut u64 {
    let caller = cx.code;
    let ex = &mut cx.ex;
    let stack = ex.stack.as_mut_ptr();
    let n = ex.frames.len();
    // SAFETY: the stack holds the callee's frame, which starts right after the caller's, and
    // the frame stack has room for one more record (`room` never exceeds the capacity, which
    // only grows): the caller's contract. `lo + slot` is a slot of the caller's frame,
    // `new + consts + k` (k < params) one of the callee's.
    unsafe {
        let callee_fp = stack.add(lo + caller.cells as usize);
        init_frame(callee_fp, code);
        let base = callee_fp.add(code.consts.len());
        for (k, &slot) in arg_slots.iter().enumerate() {
            *base.add(k) = *stack.add(lo + slot as usize);
        }
        // Stack indices fit in `u32`: the stack never outgrows `max_value_stack`.
        ex.frames
            .as_mut_ptr()
            .add(n)
            .write(caller_record(cx.inst_idx, caller, ip, lo, dst));
        ex.frames.set_len(n + 1);
        callee_fp
    }
}

/// Push a frame for store function `callee`, called from the running function (frame `fp`,
/// next instruction `ip`) with arguments from the slots listed at `extra[args..]` and results
/// to slot `dst`. Returns the callee's first instruction and frame, or `None` with `cx.out` set
/// (a trap, or a host function to call). The memory registers must be reloaded after it.
#[inline(never)]
pub(crate) fn enter(
    cx: &mut Cx<'_>,
    ip: *const Step,
    fp: *mut u64,
    callee: u32,
    dst: S,
    args: u32,
) -> Option<Regs> {
    let (caller, funcs) = (cx.code, cx.funcs);
    let Some(FuncEntity::Wasm { code, instance, .. }) = funcs.get(callee as usize) else {
        return enter_host(cx, ip, fp, callee, dst, args);
    };
    let code: &CompiledFunc = code;
    let lo = frame_start(&cx.ex, fp);
    let top = lo + caller.cells as usize + code.cells as usize;
    let np = code.num_params as usize;
    let (Some(arg_slots), Some(first)) = (
        caller.extra.get(args as usize..args as usize + np),
        code.code.first(),
    ) else {
        trap_at(cx, ip, TrapCode::Unreachable);
        return None;
    };
    if top > cx.ex.stack.len() || cx.ex.frames.len() >= cx.room {
        match make_room(&mut cx.ex, cx.limits, top) {
            Ok(room) => cx.room = room,
            Err(c) => {
                trap_at(cx, ip, c);
                return None;
            }
        }
    }
    // SAFETY: ensured just above.
    let callee_fp = unsafe { push(cx, ip, lo, code, arg_slots, dst) };
    if *instance != cx.inst_idx && !switch_instance(cx, *instance) {
        return fail(cx, TrapCode::Unreachable);
    }
    cx.code = code;
    Some((NonNull::from(first), callee_fp))
}

/// [`enter`] for a host function (leave the executor so the driver calls it) or a missing one.
#[cold]
#[inline(never)]
fn enter_host(
    cx: &mut Cx<'_>,
    ip: *const Step,
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
    let ex = &mut cx.ex;
    let lo = frame_start(ex, fp);
    ex.frames
        .push(caller_record(cx.inst_idx, caller, ip, lo, dst));
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

/// Make instance `idx` (store index) current; false if there is none.
#[cold]
#[inline(never)]
fn switch_instance(cx: &mut Cx<'_>, idx: u32) -> bool {
    let Some(inst) = cx.instances.get(idx as usize) else {
        return false;
    };
    set_instance(cx, inst, idx);
    true
}

fn set_instance<'a>(cx: &mut Cx<'a>, inst: &'a InstanceData, idx: u32) {
    cx.inst = inst;
    cx.inst_idx = idx;
    cx.mem_idx = store_index(&inst.memories, 0);
    #[cfg(embwit_threaded)]
    {
        cx.local = &inst.module.inner.code;
    }
}

#[cfg(embwit_threaded)]
/// Pop the top record and continue its function: copy the `n` results from slot `src` of the
/// returning frame `fp`, make the record's code current, and return the registers.
///
/// # Safety
/// The top record was pushed in this run (`ex.frames.len() > cx.floor`) and its instance is
/// the running one.
#[inline(always)]
pub(super) unsafe fn pop(cx: &mut Cx<'_>, fp: *mut u64, src: S, n: u16) -> Regs {
    let ex = &mut cx.ex;
    let len = ex.frames.len();
    let stack = ex.stack.as_mut_ptr();
    // SAFETY: the record was pushed in this run by the `enter` that started the running frame
    // (calls and returns nest). That `enter` checked then, for the stack, which never shrinks:
    // the caller's frame at `rec.fp` is in the stack; the running frame starts right after it,
    // so `[ret, ret + n)` (`ret` is at most the caller's frame end, `n` at most the running
    // frame's size: `Translator::finish` checks a `Return`'s range) is in the stack, as is
    // `[src, src + n)` in the running frame; `copy` allows overlap. `rec.ip` is the caller's
    // next instruction, and `rec.code` the caller's code, borrowed from the store for the run.
    unsafe {
        let rec = &*ex.frames.as_ptr().add(len - 1);
        let to = stack.add(rec.ret as usize);
        match n {
            0 => {}
            1 => *to = *fp.add(src as usize),
            _ => ptr::copy(fp.add(src as usize), to, n as usize),
        }
        cx.code = &*rec.code;
        let regs = (
            NonNull::new_unchecked(rec.ip.cast_mut()),
            stack.add(rec.fp as usize),
        );
        ex.frames.set_len(len - 1);
        regs
    }
}

#[cfg(embwit_threaded)]
/// Return from the running function (frame `fp`): copy its `n` results from slot `src` to the
/// caller and continue the caller. `None` (with `cx.out` set) when the outermost frame
/// returned. The memory registers must be reloaded after it.
#[inline(never)]
pub(crate) fn leave(cx: &mut Cx<'_>, fp: *mut u64, src: S, n: u16) -> Option<Regs> {
    let ex = &mut cx.ex;
    let len = ex.frames.len();
    if len <= cx.floor {
        return leave_checked(cx, fp, src, n);
    }
    // SAFETY: `len > floor >= 0`, so the top record exists.
    let inst = unsafe { (*ex.frames.as_ptr().add(len - 1)).inst };
    if inst != cx.inst_idx && !switch_instance(cx, inst) {
        return fail(cx, TrapCode::Unreachable);
    }
    // SAFETY: the record was pushed in this run (checked above); its instance is current.
    Some(unsafe { pop(cx, fp, src, n) })
}

/// [`leave`] to a record pushed before this run (or to the host): checked. (The loop backend
/// returns this way only: smaller.)
#[cfg_attr(embwit_threaded, cold)]
#[inline(never)]
pub(crate) fn leave_checked(cx: &mut Cx<'_>, fp: *mut u64, src: S, n: u16) -> Option<Regs> {
    let ex = &mut cx.ex;
    let from = frame_start(ex, fp) + src as usize;
    let Some(rec) = ex.frames.pop() else {
        cx.out = Ok(Exit::Done);
        return None;
    };
    cx.floor = ex.frames.len();
    let (to, n) = (rec.ret as usize, n as usize);
    if to + n > ex.stack.len() || from + n > ex.stack.len() {
        return fail(cx, TrapCode::StackOverflow);
    }
    // SAFETY: both ranges are inside the stack (checked just above); `copy` allows overlap.
    unsafe {
        let stack = ex.stack.as_mut_ptr();
        core::ptr::copy(stack.add(from), stack.add(to), n);
    }
    if rec.inst == HOST {
        cx.out = Ok(Exit::Done);
        return None;
    }
    resume(cx, rec)
}

fn fail(cx: &mut Cx<'_>, c: TrapCode) -> Option<Regs> {
    cx.out = Err(Trap::from(c));
    None
}

/// Wasm function `func` (module index) of instance `inst` (store index): its code, instance
/// and the instance's index.
pub(crate) fn lookup<'a>(
    funcs: &'a [FuncEntity],
    instances: &'a [Rc<InstanceData>],
    inst: u32,
    func: u32,
) -> Option<(&'a CompiledFunc, &'a InstanceData, u32)> {
    let data = instances.get(inst as usize)?;
    match funcs.get(store_index(&data.funcs, func)) {
        Some(FuncEntity::Wasm { code, instance, .. }) if *instance == inst => {
            Some((code, data, inst))
        }
        _ => None,
    }
}

/// Continue the function of record `top` (pushed before this run, so trusted in nothing):
/// make its function, instance and memory current and return the registers to continue it
/// with. Checks everything the executor's unchecked accesses rely on.
#[cold]
#[inline(never)]
pub(crate) fn resume(cx: &mut Cx<'_>, top: Frame) -> Option<Regs> {
    let Some((code, inst, idx)) = lookup(cx.funcs, cx.instances, top.inst, top.func) else {
        return fail(cx, TrapCode::Unreachable);
    };
    let pc = (top.ip as usize).wrapping_sub(code.code.as_ptr() as usize);
    if pc >= code.code.len() * size_of::<Step>()
        || !pc.is_multiple_of(size_of::<Step>())
        || top.fp as usize + code.cells as usize > cx.ex.stack.len()
    {
        return fail(cx, TrapCode::Unreachable);
    }
    cx.code = code;
    set_instance(cx, inst, idx);
    // SAFETY: `pc` is a byte offset inside the code and a multiple of the instruction size,
    // and the frame at `fp` lies in the stack (checked above). So both pointers stay inside
    // their allocations, and the first is not null.
    unsafe {
        Some((
            NonNull::new_unchecked(code.code.as_ptr().byte_add(pc).cast_mut()),
            cx.ex.stack.as_mut_ptr().add(top.fp as usize),
        ))
    }
}

/// The record of the running function `caller` (of instance `inst`, frame at stack index `lo`)
/// calling out at `ip`, its callee's results going to its slot `dst`.
#[inline(always)]
pub(super) fn caller_record(
    inst: u32,
    caller: &CompiledFunc,
    ip: *const Step,
    lo: usize,
    dst: S,
) -> Frame {
    Frame {
        ip,
        #[cfg(embwit_threaded)]
        code: caller,
        fp: lo as u32,
        ret: (lo + dst as usize) as u32,
        func: caller.func_index,
        inst,
    }
}

//! The threaded backend's inline calls and returns: the common cases (a function of the
//! running instance with a small frame; a return to a record pushed in this run, within the
//! instance, of at most one result) without leaving the handler or calling anything, so the
//! handlers keep few registers. Everything else goes to [`super::call`] (tail-called).

use alloc::rc::Rc;
use core::ptr::{self, NonNull};

use super::call::{caller_record, frame_start, pop};
use super::vm::{Cx, Regs};
use super::{Frame, HOST};
use crate::ir::{CompiledFunc, S, Step};
use crate::store::FuncEntity;

/// The common call, inline in the threaded backend: function `f` (index among the functions
/// the running instance defines, as `Instr::Call` has it), with room on both stacks. Returns
/// the callee's first instruction and frame, or `None` (nothing changed) for
/// [`super::call::enter`] to handle the call.
#[inline(always)]
pub(crate) fn call_fast<'a>(
    cx: &mut Cx<'a>,
    ip: *const Step,
    fp: *mut u64,
    f: u32,
    dst: S,
    args: u32,
) -> Option<Regs> {
    // Imported functions wrap around to large indices.
    let local: &'a [Rc<CompiledFunc>] = cx.local;
    let code: &'a CompiledFunc = local.get(f as usize)?;
    // The argument list needs no check: `Translator::finish` checked that the caller's
    // `extra` holds, at `args`, as many slots as function `f`'s type has parameters, and
    // `code` is that function's translation (`cx.local` is the running instance's module's
    // code, the caller's module), with that many parameters.
    enter_code::<false>(cx, ip, fp, code, dst, args)
}

/// [`call_fast`] for store function `callee` (a `call_indirect`).
#[inline(always)]
pub(crate) fn enter_fast(
    cx: &mut Cx<'_>,
    ip: *const Step,
    fp: *mut u64,
    callee: u32,
    dst: S,
    args: u32,
) -> Option<Regs> {
    let Some(FuncEntity::Wasm { code, instance, .. }) = cx.funcs.get(callee as usize) else {
        return None;
    };
    if *instance != cx.inst_idx {
        return None;
    }
    enter_code::<true>(cx, ip, fp, code, dst, args)
}

/// The rest of [`call_fast`] and [`enter_fast`]: `code` belongs to the running instance. Only
/// for small frames (see [`CompiledFunc::shape`]): those are set up inline without calls, so
/// the handler needs few registers (others go the slow way). `CHECK`: whether to check that
/// the caller's argument list at `args` has `code`'s parameter count (unless the caller's
/// translation guarantees it).
#[inline(always)]
fn enter_code<'a, const CHECK: bool>(
    cx: &mut Cx<'a>,
    ip: *const Step,
    fp: *mut u64,
    code: &'a CompiledFunc,
    dst: S,
    args: u32,
) -> Option<Regs> {
    let shape = code.shape;
    if shape == CompiledFunc::BIG {
        return None;
    }
    let caller = cx.code;
    let ex = &mut cx.ex;
    let n = ex.frames.len();
    let lo = frame_start(ex, fp);
    let new = lo + caller.cells as usize;
    if new + code.span as usize > ex.stack.len() || n >= cx.room {
        return None;
    }
    let (nc, np) = (shape as usize & 0xff, (shape >> 8) as usize & 0xff);
    if CHECK
        && caller
            .extra
            .get(args as usize..args as usize + np)
            .is_none()
    {
        return None;
    }
    let first = code.code.as_ptr();
    let stack = ex.stack.as_mut_ptr();
    // SAFETY: the stack holds `span` cells from `new`, the callee's frame start right after
    // the caller's (at `lo`) (checked above): `init` is copied to at most that many, and the
    // parameters (at `nc`, `np` of them) lie in the frame (`Translator::finish`). The frame
    // stack has room for one more record (`room` never exceeds the capacity, which only
    // grows). `extra[args..args + np]` exists (checked above, or guaranteed: see the caller),
    // and each `lo + slot` is a slot of the caller's frame (`Translator::finish` checks the
    // argument lists in `extra`). The code is not empty (it ends in `Unreachable`), so `first`
    // is an instruction.
    unsafe {
        // Stack indices fit in `u32`: the stack never outgrows `max_value_stack`.
        ex.frames.as_mut_ptr().add(n).write(Frame {
            // Filled in when the run ends (`complete`): one store less per call.
            func: HOST,
            ..caller_record(cx.inst_idx, caller, ip, lo, dst)
        });
        ex.frames.set_len(n + 1);
        let callee_fp = stack.add(new);
        let init = code.init.as_ptr();
        ptr::copy_nonoverlapping(init, callee_fp, 4);
        if shape >> 16 != 0 {
            ptr::copy_nonoverlapping(init.add(4), callee_fp.add(4), 4);
        }
        // A chain, not a `match` (a jump table costs more for the few arguments).
        let base = callee_fp.add(nc);
        let xs = caller.extra.as_ptr().add(args as usize);
        let arg = |k: usize| *stack.add(lo + *xs.add(k) as usize);
        if np > 0 {
            *base = arg(0);
            if np > 1 {
                *base.add(1) = arg(1);
                if np > 2 {
                    *base.add(2) = arg(2);
                    if np > 3 {
                        *base.add(3) = arg(3);
                    }
                }
            }
        }
        cx.code = code;
        Some((NonNull::new_unchecked(first.cast_mut()), callee_fp))
    }
}

/// The common return, inline in the threaded backend: to a record pushed in this run, of the
/// running instance, with at most one result. Returns the caller's next instruction and frame,
/// or `None` (nothing changed) for [`super::call::leave`] to handle
/// the return.
#[inline(always)]
pub(crate) fn leave_fast(cx: &mut Cx<'_>, fp: *mut u64, src: S, n: u16) -> Option<Regs> {
    let len = cx.ex.frames.len();
    if len <= cx.floor || n > 1 {
        return None;
    }
    // SAFETY: `len > floor >= 0`, so the top record exists.
    let inst = unsafe { (*cx.ex.frames.as_ptr().add(len - 1)).inst };
    if inst != cx.inst_idx {
        return None;
    }
    // SAFETY: the record was pushed in this run (`len > floor`) and its instance is the
    // running one. (`n <= 1`, so the inlined copy is a plain move: no `memmove` call.)
    Some(unsafe { pop(cx, fp, src, n) })
}

/// Fill in [`Frame::func`] of the records the fast call pushed in this run (it leaves it out):
/// records outlive the run, and the checked return needs it. Each record is completed once.
pub(crate) fn complete(cx: &mut Cx<'_>) {
    for rec in cx.ex.frames.iter_mut().skip(cx.floor) {
        // SAFETY: records from `floor` on were pushed in this run, with `code` the store's
        // code, borrowed for the run.
        rec.func = unsafe { (*rec.code).func_index };
    }
}

//! Threaded dispatch: one handler function per instruction (expanded from [`super::ops`]), each
//! ending in a tail call of the next instruction's handler, which the code keeps beside the
//! instruction ([`Step`], filled from [`HANDLERS`] by tag at load time). The registers stay in
//! machine registers from one instruction to the next, and every handler has its own indirect
//! jump, which predicts far better than the single one of a `match` loop.
//!
//! This relies on LLVM turning those calls into jumps (sibling calls), which it does at
//! opt-level 2 and above; without it every instruction would grow the native stack, so
//! `build.rs` selects this backend only where that is checked, and other builds use
//! [`super::looped`].
#![allow(unsafe_code)]

use super::call::{enter, leave};
use super::float::{self, Conv};
use super::ops::*;
use super::vm::{Cx, Flow, Regs, Vm};
use crate::ir::{INSTR_COUNT, Instr, S, Step};
use crate::trap::TrapCode;

/// A handler: the registers of [`Vm`] (instruction, frame, memory base, context, and the result
/// register [`Vm::acc`] last), passed in argument registers, and its own address (the 4th
/// argument). A dispatch loads the next handler's address into that argument's register and
/// jumps through it, so passing it costs nothing, and inside a handler the register is free: on
/// x86-64 it is `rcx`, whose `cl` every variable shift and rotate needs (were an interpreter
/// register there, each shift would save and restore it around the `cl` use). The memory length
/// is no register: bounds checks read it from the context ([`Cx::mem_len`]).
pub(crate) type Handler = unsafe fn(*const Step, *mut u64, *mut u8, usize, &mut Cx<'_>, u64);

/// The handler of instruction `i` (for [`Step::new`]).
pub(crate) fn handler_of(i: &Instr) -> Handler {
    // SAFETY: `Instr` is `#[repr(u16)]`, so every value starts with its `u16` tag.
    let tag = unsafe { *(i as *const Instr as *const u16) };
    // The tags of a field-carrying `#[repr(u16)]` enum are its variants' positions, all below
    // `INSTR_COUNT`: the index is in bounds. (A stand-in handler for any other tag would break
    // the handlers' contract, so there is none.)
    HANDLERS[tag as usize]
}

macro_rules! handlers {
    ($( $(#[$attr:meta])* $name:ident $(( $($f:ident : $t:ident),* ))? |$vm:ident| $body:expr ),* $(,)?) => {
        /// One handler per instruction, in tag order (the order of [`Instr`]'s variants).
        static HANDLERS: [Handler; INSTR_COUNT] = [$(handler::$name),*];

        #[allow(non_snake_case, unused_variables, clippy::unnecessary_cast)]
        mod handler {
            use super::*;
            $(
                /// # Safety
                /// `ip` points at the `Step` of an `Instr::` of this name inside the running
                /// function's code, and the other registers describe the running frame and
                /// memory (see [`Vm`]).
                pub(super) unsafe fn $name(
                    ip: *const Step,
                    fp: *mut u64,
                    mem: *mut u8,
                    _own: usize,
                    cx: &mut Cx<'_>,
                    acc: u64,
                ) {
                    // SAFETY: `ip` is valid (caller's contract), and a step's handler is this
                    // function only for this variant (`Step::new`).
                    let Instr::$name $(( $($f),* ))? = (unsafe { (*ip).ins }) else {
                        // SAFETY: see above: no other variant reaches this handler.
                        unsafe { core::hint::unreachable_unchecked() }
                    };
                    // `ip` stays at this instruction while the body runs (see `Vm::next`).
                    let mut regs = Vm {
                        ip,
                        fp,
                        mem,
                        cx,
                        #[cfg(not(embwit_lean))]
                        acc,
                    };
                    let $vm = &mut regs;
                    match $body {
                        // SAFETY: a body returning `Next` leaves `ip` (moved by a jump or a
                        // skip) one before an instruction of the running function (the `Vm`
                        // invariants).
                        Flow::Next => unsafe {
                            regs.ip = regs.next();
                            dispatch(regs)
                        },
                        // SAFETY: a call or return set `ip` to the instruction to run.
                        Flow::Jump => unsafe { dispatch(regs) },
                        Flow::Taken(t) => {
                            regs.jump(t);
                            regs.ip = regs.next();
                            // SAFETY: `t` is a branch target of the running function.
                            unsafe { dispatch(regs) }
                        }
                        // An untaken branch dispatches from a site of its own: the handler
                        // passes through an (empty) assembler block, so LLVM cannot prove it
                        // equal to the taken side's and merge the two jumps into one (see
                        // `Flow::Taken`).
                        Flow::NotTaken => {
                            regs.ip = regs.next();
                            // SAFETY: `ip` is the next instruction (as for `Next`).
                            let mut h = unsafe { (*regs.ip).handler };
                            // SAFETY: an assembler comment: no instruction, `h` unchanged.
                            #[allow(clippy::pointers_in_nomem_asm_block)] // never dereferenced
                            unsafe {
                                core::arch::asm!(
                                    "/* not taken: {0} */",
                                    inout(reg) h,
                                    options(pure, nomem, nostack, preserves_flags)
                                )
                            };
                            // SAFETY: `h` is the handler of the instruction at `ip`.
                            unsafe { run_at(regs, h) }
                        }
                        Flow::Exit => {}
                    }
                }
            )*
        }
    };
}
for_each_instr!(handlers);

/// Run the instruction at `vm.ip` (a tail call when inlined at the end of a handler).
///
/// # Safety
/// `vm.ip` points at an instruction of the running function and the other registers hold the
/// [`Vm`] invariants.
#[inline(always)]
unsafe fn dispatch(vm: Vm<'_, '_>) {
    // SAFETY: `ip` points at a valid `Step` (the caller's contract), whose handler is its
    // instruction's (`Step::new`; code is immutable once translated).
    let h = unsafe { (*vm.ip).handler };
    // SAFETY: `h` is the handler of the instruction at `ip`.
    unsafe { run_at(vm, h) }
}

/// Call handler `h` with the registers: the one place that spells out the handler ABI.
///
/// # Safety
/// As for [`dispatch`], and `h` is the handler of the instruction at `vm.ip`.
#[inline(always)]
unsafe fn run_at(vm: Vm<'_, '_>, h: Handler) {
    // SAFETY: the caller's contract.
    unsafe { h(vm.ip, vm.fp, vm.mem, h as usize, vm.cx, vm.acc()) }
}

/// Run from `vm.ip` until a body exits (the outcome is in `cx.out`).
pub(super) fn run(vm: Vm<'_, '_>) {
    // SAFETY: `exec::run` builds `vm` from `resume`, which checks the `Vm` invariants.
    unsafe { dispatch(vm) }
}

/// The calls [`super::fast::call_fast`] and [`super::fast::enter_fast`] leave to [`enter`],
/// then continue (a tail call from the handler, so the handler's fast path keeps its registers
/// to itself).
#[inline(never)]
pub(super) fn enter_slow(
    cx: &mut Cx<'_>,
    ip: *const Step,
    fp: *mut u64,
    callee: u32,
    dst: S,
    args: u32,
) {
    let regs = enter(cx, ip, fp, callee, dst, args);
    continue_with(regs, cx)
}

/// The returns [`super::fast::leave_fast`] leaves to [`leave`], then continue (see
/// [`enter_slow`]).
#[inline(never)]
pub(super) fn leave_slow(cx: &mut Cx<'_>, fp: *mut u64, src: S, n: u16) {
    let regs = leave(cx, fp, src, n);
    continue_with(regs, cx)
}

/// Continue with `regs` (from `enter` or `leave`: valid) in the current memory, or stop.
#[inline(always)]
fn continue_with(regs: Option<Regs>, cx: &mut Cx<'_>) {
    if let Some((ip, fp)) = regs {
        let vm = Vm::new(ip.as_ptr(), fp, cx);
        // SAFETY: `enter` and `leave` return an instruction of the now running function and
        // its frame, and `Vm::new` describes the current memory: the `Vm` invariants.
        unsafe { dispatch(vm) }
    }
}

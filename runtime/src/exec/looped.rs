//! Loop dispatch: a `match` over the instruction inside one loop, the arms expanded from
//! [`super::ops`]. Smaller than [`super::threaded`] (the Cortex-M size build uses it) and safe
//! at any opt-level (debug builds use it).
#![allow(unsafe_code)]

use super::float::{self, Conv};
use super::ops::*;
use super::vm::{Flow, Vm};
use crate::ir::Instr;
use crate::trap::TrapCode;

macro_rules! match_loop {
    ($( $(#[$attr:meta])* $name:ident $(( $($f:ident : $t:ident),* ))? |$vm:ident| $body:expr ),* $(,)?) => {
        /// Run from `regs.ip` until a body exits (the outcome is in `cx.out`).
        #[allow(unused_variables, clippy::unnecessary_cast)]
        pub(super) fn run(regs: Vm<'_, '_>) {
            // A local rebuilt from the fields, not the argument itself (which lives in the
            // caller's memory): LLVM keeps a local's fields in machine registers, where it
            // reloaded `fp` from memory for every slot access.
            let mut regs = Vm { ..regs };
            loop {
                // SAFETY: `ip` points at an instruction of the running function: `exec::run`
                // builds `regs` from `resume`, and bodies keep the `Vm` invariants.
                let ins = unsafe { (*regs.ip).ins };
                regs.ip = regs.ip.wrapping_add(1);
                let flow = match ins {
                    $( Instr::$name $(( $($f),* ))? => {
                        let $vm = &mut regs;
                        $body
                    } )*
                };
                if let Flow::Exit = flow {
                    return;
                }
            }
        }
    };
}
for_each_instr!(match_loop);

//! What instruction bodies ([`super::ops`]) run on: the interpreter registers [`Vm`] (the
//! instruction pointer, the frame, the current memory; machine registers in the threaded
//! backend) and the context [`Cx`] of one host-to-guest call (the store, the frame stack, the
//! running function). Calls and returns ([`super::call`]) switch frames without leaving the
//! dispatch loop; table and segment instructions run out of line ([`super::bulk`]).
//!
//! Rule for speed: nothing takes `&mut Vm` out of line. Slow paths take `&mut Cx` plus plain
//! values and return plain values, so the registers never have to live in memory.

use alloc::rc::Rc;
use alloc::vec::Vec;
use core::ptr::{self, NonNull};

use super::bulk::{range, store_index};
#[cfg(not(embwit_threaded))]
use super::call::{enter, leave_checked as leave};
#[cfg(embwit_threaded)]
use super::fast::{call_fast, enter_fast, leave_fast};
#[cfg(embwit_threaded)]
use super::threaded::{enter_slow, leave_slow};
use super::{Exec, Exit};
use crate::engine::Limits;
use crate::ir::{CompiledFunc, S, Step};
use crate::store::{FuncEntity, GlobalEntity, InstanceData, MemoryEntity, TableEntity};
use crate::trap::{Trap, TrapCode};

/// What an instruction body tells the dispatcher.
pub(crate) enum Flow {
    /// Run the next instruction ([`Vm::next`]).
    Next,
    /// Run the instruction at `vm.ip`, which a call or return set.
    #[cfg(embwit_threaded)]
    Jump,
    /// A branch is taken: run the instruction `t` bytes after the branch. The threaded backend
    /// gives a branch's two outcomes dispatch sites of their own: each indirect jump then
    /// predicts one successor, and the next instruction's fetch does not wait for the
    /// condition, as it would were the two merged into a select.
    #[cfg(embwit_threaded)]
    Taken(u32),
    /// A branch is not taken: run the next instruction.
    #[cfg(embwit_threaded)]
    NotTaken,
    /// Stop: the outcome is in [`Cx::out`].
    Exit,
}

/// Everything of one host-to-guest call that is not a register.
pub(crate) struct Cx<'a> {
    pub funcs: &'a [FuncEntity],
    pub instances: &'a [Rc<InstanceData>],
    pub memories: &'a mut [MemoryEntity],
    pub tables: &'a mut [TableEntity],
    pub globals: &'a mut [GlobalEntity],
    pub elems: &'a mut [Vec<u64>],
    pub datas: &'a mut [Rc<[u8]>],
    pub fuel: &'a mut u64,
    /// Owned for the run (moved out of and back into the caller's `Exec`): the stacks are one
    /// load closer.
    pub ex: Exec,
    pub limits: &'a Limits,
    /// The running function and its instance (store index `inst_idx`).
    pub code: &'a CompiledFunc,
    pub inst: &'a InstanceData,
    pub inst_idx: u32,
    /// The code of the functions the instance defines (after its imported ones).
    #[cfg(embwit_threaded)]
    pub local: &'a [Rc<CompiledFunc>],
    /// Records below this index of `ex.frames` were pushed before this run (see [`leave`]).
    pub floor: usize,
    /// A call may push a record with a plain write while `ex.frames` is shorter than this
    /// (see [`super::room`]).
    pub room: usize,
    /// Store index of the current memory (out of range: no memory).
    pub mem_idx: usize,
    /// The current memory's length in bytes (the threaded backend's [`Vm::len`]): kept here,
    /// not in a register, so each handler has one more scratch register (a bounds check reads
    /// it as a memory operand at no extra instruction).
    #[cfg(embwit_threaded)]
    pub mem_len: usize,
    /// Why execution stopped (valid once a body returned [`Flow::Exit`]).
    pub out: Result<Exit, Trap>,
}

/// The interpreter registers.
pub(crate) struct Vm<'c, 'a> {
    /// The running instruction in the threaded backend, the next one in the loop (see
    /// [`Vm::next`]): always inside `cx.code.code` when dispatched (see `Translator::finish`:
    /// branch targets are checked, and the code ends in `Unreachable`).
    pub ip: *const Step,
    /// Slot 0 of the running frame (the first constant); the frame has
    /// `cells` cells on the value stack (see [`enter`]).
    pub fp: *mut u64,
    /// The current memory's bytes: [`Vm::len`] of them at `mem`.
    pub mem: *mut u8,
    #[cfg(not(embwit_threaded))]
    pub len: usize,
    pub cx: &'c mut Cx<'a>,
    /// The result register: the value the last slot write stored (see [`Vm::w`]). An
    /// instruction right after the one that wrote its operand may read it here instead of from
    /// the frame (the `...A` forms; see `translate::result_register`): the value then passes
    /// in a machine register, not through a store and a load (the threaded backend's handlers
    /// receive and pass it as an argument). Size builds leave it out.
    #[cfg(not(embwit_lean))]
    pub acc: u64,
}

impl<'c, 'a> Vm<'c, 'a> {
    /// The registers to run the instruction at `ip` in frame `fp` with, in the current memory.
    #[inline(always)]
    pub fn new(ip: *const Step, fp: *mut u64, cx: &'c mut Cx<'a>) -> Self {
        let (mem, len) = mem_regs(cx.memories, cx.mem_idx);
        #[cfg(embwit_threaded)]
        {
            cx.mem_len = len;
        }
        Vm {
            ip,
            fp,
            mem,
            #[cfg(not(embwit_threaded))]
            len,
            cx,
            #[cfg(not(embwit_lean))]
            acc: 0,
        }
    }
    /// The current memory's length in bytes.
    #[inline(always)]
    pub fn len(&self) -> usize {
        #[cfg(embwit_threaded)]
        return self.cx.mem_len;
        #[cfg(not(embwit_threaded))]
        self.len
    }
    /// Read slot `s`.
    #[inline(always)]
    pub fn r(&self, s: S) -> u64 {
        // SAFETY: `fp` addresses the running frame, which spans `cells`
        // cells of the value stack (ensured by `enter`), and `Translator::finish` rejects
        // any function with a slot operand at or beyond that bound.
        unsafe { *self.fp.add(s as usize) }
    }
    #[inline(always)]
    pub fn r32(&self, s: S) -> u32 {
        self.r(s) as u32
    }
    /// Write slot `s`.
    #[inline(always)]
    pub fn w(&mut self, s: S, v: u64) {
        // SAFETY: as for `r`.
        unsafe { *self.fp.add(s as usize) = v };
        #[cfg(not(embwit_lean))]
        {
            self.acc = v;
        }
    }
    /// The result register (see [`Vm::acc`]; 0 in size builds, which have none), as the
    /// threaded backend passes it on.
    #[cfg(embwit_threaded)]
    #[inline(always)]
    pub fn acc(&self) -> u64 {
        #[cfg(not(embwit_lean))]
        return self.acc;
        #[cfg(embwit_lean)]
        0
    }
    /// The result register as an i32 (see [`Vm::acc`]).
    #[cfg(not(embwit_lean))]
    #[inline(always)]
    pub fn acc32(&self) -> u32 {
        self.acc as u32
    }
    /// `a + b + c` as a 32-bit address (`i32.add` wraps).
    #[inline(always)]
    pub fn idx(&self, a: S, b: S, c: u32) -> u64 {
        self.r32(a).wrapping_add(self.r32(b)).wrapping_add(c) as u64
    }
    /// [`Vm::idx`] with the result register in place of `a`.
    #[cfg(not(embwit_lean))]
    #[inline(always)]
    pub fn idx_acc(&self, b: S, c: u32) -> u64 {
        self.acc32().wrapping_add(self.r32(b)).wrapping_add(c) as u64
    }
    /// The instruction after the running one: where it continues (`Flow::Next`) and where a
    /// call returns to. The threaded backend's `ip` is the running
    /// instruction (the handler reads its operands through `ip` and advances it only to
    /// dispatch, so the two never need a register each); the loop's is the next one.
    #[inline(always)]
    pub fn next(&self) -> *const Step {
        #[cfg(embwit_threaded)]
        return self.ip.wrapping_add(1);
        #[cfg(not(embwit_threaded))]
        self.ip
    }
    /// Branch by `t` bytes from the running instruction (then `Flow::Next` runs the target: the
    /// threaded backend's `ip` is left one before it, the loop's on it).
    #[inline(always)]
    pub fn jump(&mut self, t: u32) {
        // The running instruction is `next() - 1` in both backends.
        let to = self
            .next()
            .wrapping_sub(1)
            .wrapping_byte_offset(t as i32 as isize);
        #[cfg(embwit_threaded)]
        {
            self.ip = to.wrapping_sub(1);
        }
        #[cfg(not(embwit_threaded))]
        {
            self.ip = to;
        }
    }
    /// Branch by `t` if `cond` (see `Flow::Taken`).
    #[cfg(embwit_threaded)]
    #[inline(always)]
    pub fn branch_if(&mut self, cond: bool, t: u32) -> Flow {
        if cond { Flow::Taken(t) } else { Flow::NotTaken }
    }
    /// Branch by `t` if `cond` (the `match` loop has one dispatch site either way: the jump
    /// happens here, and the loop only tells `Next` from `Exit`). Kept a real branch: were
    /// LLVM to turn it into a select, the next dispatch would wait for the condition.
    #[cfg(not(embwit_threaded))]
    #[inline(always)]
    pub fn branch_if(&mut self, cond: bool, t: u32) -> Flow {
        if cond {
            self.jump(t);
        } else {
            core::hint::cold_path();
        }
        Flow::Next
    }
    /// Skip `n` instructions (into a `br_table`'s entries; then `Flow::Next`).
    #[inline(always)]
    pub fn skip(&mut self, n: u32) {
        self.ip = self.ip.wrapping_add(n as usize);
    }
    /// Stop with trap `c` at the current instruction.
    #[inline(always)]
    pub fn trap(&mut self, c: TrapCode) -> Flow {
        trap_at(self.cx, self.next(), c);
        Flow::Exit
    }
    /// Stop with trap `c` in the second memory access of the current (fused) instruction.
    #[inline(always)]
    pub fn trap_second(&mut self, c: TrapCode) -> Flow {
        trap_second_at(self.cx, self.next(), c);
        Flow::Exit
    }
    #[inline(always)]
    pub fn charge(&mut self, c: u32) -> Flow {
        let c = c as u64;
        if *self.cx.fuel < c {
            return self.trap(TrapCode::OutOfFuel);
        }
        *self.cx.fuel -= c;
        Flow::Next
    }

    /// The `N` bytes at `addr + off` of the current memory, or `None` out of bounds.
    #[inline(always)]
    pub fn load<const N: usize>(&self, addr: u64, off: u32) -> Option<[u8; N]> {
        let ea = (addr as u32 as usize).checked_add(off as usize)?;
        if ea.checked_add(N)? > self.len() {
            return None;
        }
        // SAFETY: `[ea, ea + N)` lies inside the `len` bytes at `mem` (checked just above);
        // `mem`/`len` always describe the current memory's buffer (`reload_mem`).
        Some(unsafe { ptr::read_unaligned(self.mem.add(ea) as *const [u8; N]) })
    }
    /// Store `v` at `addr + off`; false out of bounds.
    #[inline(always)]
    pub fn store<const N: usize>(&mut self, addr: u64, off: u32, v: [u8; N]) -> bool {
        let Some(ea) = (addr as u32 as usize).checked_add(off as usize) else {
            return false;
        };
        match ea.checked_add(N) {
            Some(end) if end <= self.len() => {
                // SAFETY: as for `load`.
                unsafe { ptr::write_unaligned(self.mem.add(ea) as *mut [u8; N], v) };
                true
            }
            _ => false,
        }
    }
    /// `[start, start + n)` of the current memory, if in bounds.
    #[inline(always)]
    fn span(&self, start: u32, n: u32) -> Result<usize, TrapCode> {
        match (start as u64).checked_add(n as u64) {
            Some(end) if end <= self.len() as u64 => Ok(start as usize),
            _ => Err(TrapCode::MemoryOutOfBounds),
        }
    }
    /// Point `mem`/`len` at the current memory again (after it may have moved).
    #[inline(always)]
    pub fn reload_mem(&mut self) {
        let (mem, len) = mem_regs(self.cx.memories, self.cx.mem_idx);
        self.mem = mem;
        #[cfg(embwit_threaded)]
        {
            self.cx.mem_len = len;
        }
        #[cfg(not(embwit_threaded))]
        {
            self.len = len;
        }
    }
    #[inline(always)]
    pub fn memory_pages(&self) -> u64 {
        match self.cx.memories.get(self.cx.mem_idx) {
            Some(m) => m.pages(),
            None => 0,
        }
    }
    /// `memory.grow`: the old size in pages, or -1.
    #[inline(always)]
    pub fn memory_grow(&mut self, delta: u32) -> u32 {
        let old = match self.cx.memories.get_mut(self.cx.mem_idx) {
            Some(m) => m.grow(delta as u64).map_or(u32::MAX, |p| p as u32),
            None => u32::MAX,
        };
        self.reload_mem();
        old
    }
    #[inline(always)]
    pub fn memory_fill(&mut self, d: u32, v: u8, n: u32) -> Result<(), TrapCode> {
        let d = self.span(d, n)?;
        // SAFETY: `[d, d + n)` is inside the current memory (`span`).
        unsafe { ptr::write_bytes(self.mem.add(d), v, n as usize) };
        Ok(())
    }
    #[inline(always)]
    pub fn memory_copy(&mut self, d: u32, s: u32, n: u32) -> Result<(), TrapCode> {
        let (d, s) = (self.span(d, n)?, self.span(s, n)?);
        // SAFETY: both ranges are inside the current memory (`span`); `copy` allows overlap.
        unsafe { ptr::copy(self.mem.add(s), self.mem.add(d), n as usize) };
        Ok(())
    }
    /// `memory.init` from data segment `seg` (module index) into the current memory.
    #[inline(always)]
    pub fn memory_init(&mut self, d: u32, s: u32, n: u32, seg: u32) -> Result<(), TrapCode> {
        let d = self.span(d, n)?;
        let di = store_index(&self.cx.inst.datas, seg);
        let data = self.cx.datas.get(di).ok_or(TrapCode::MemoryOutOfBounds)?;
        let src = range(s, n, data.len()).ok_or(TrapCode::MemoryOutOfBounds)?;
        let src = data.get(src).ok_or(TrapCode::MemoryOutOfBounds)?;
        // SAFETY: `[d, d + n)` is inside the current memory (`span`), `src` has `n` bytes, and a
        // data segment never overlaps linear memory.
        unsafe { ptr::copy_nonoverlapping(src.as_ptr(), self.mem.add(d), src.len()) };
        Ok(())
    }
    /// `memory.copy` between two memories (`extra[x..x + 2]`: dst, src memory indices).
    #[cfg_attr(not(feature = "multi-memory"), allow(unused_variables))]
    #[inline(always)]
    pub fn memory_copy_multi(&mut self, d: u32, s: u32, n: u32, x: u32) -> Result<(), TrapCode> {
        #[cfg(feature = "multi-memory")]
        {
            let r = self.cx.memory_copy_multi(d, s, n, x);
            self.reload_mem();
            r
        }
        #[cfg(not(feature = "multi-memory"))]
        Err(TrapCode::Unreachable)
    }
    /// Make memory `m` (module index) current.
    #[cfg_attr(not(feature = "multi-memory"), allow(unused_variables))]
    #[inline(always)]
    pub fn use_mem(&mut self, m: u32) -> Flow {
        #[cfg(feature = "multi-memory")]
        {
            self.cx.mem_idx = store_index(&self.cx.inst.memories, m);
            self.reload_mem();
            Flow::Next
        }
        #[cfg(not(feature = "multi-memory"))]
        self.trap(TrapCode::Unreachable)
    }

    /// Call function `f` (module index minus the imported functions, wrapping; see
    /// `Instr::Call`).
    #[inline(always)]
    pub fn call(&mut self, f: u32, dst: S, args: u32) -> Flow {
        let module = || f.wrapping_add(self.cx.inst.module.inner.num_imported_funcs);
        #[cfg(embwit_threaded)]
        {
            if let Some((ip, fp)) = call_fast(self.cx, self.next(), self.fp, f, dst, args) {
                (self.ip, self.fp) = (ip.as_ptr(), fp);
                return Flow::Jump;
            }
            let callee = store_index(&self.cx.inst.funcs, module()) as u32;
            self.enter_checked(callee, dst, args)
        }
        #[cfg(not(embwit_threaded))]
        match self.cx.inst.funcs.get(module() as usize) {
            Some(&callee) => self.enter(callee, dst, args),
            None => self.trap(TrapCode::Unreachable),
        }
    }
    /// `call_indirect` through the table element at slot `i` (`extra[x..]`: type id, table,
    /// argument slots).
    #[inline(always)]
    pub fn call_indirect(&mut self, i: S, dst: S, x: u32) -> Flow {
        match self.cx.indirect_callee(self.r32(i), x) {
            Ok(callee) => self.enter(callee, dst, x + 2),
            Err(c) => self.trap(c),
        }
    }
    /// A call the inline fast path left: the checked path, tail-called (see [`enter_slow`]).
    #[cfg(embwit_threaded)]
    #[inline(always)]
    fn enter_checked(&mut self, callee: u32, dst: S, args: u32) -> Flow {
        enter_slow(self.cx, self.next(), self.fp, callee, dst, args);
        Flow::Exit
    }
    #[inline(always)]
    fn enter(&mut self, callee: u32, dst: S, args: u32) -> Flow {
        #[cfg(embwit_threaded)]
        {
            if let Some((ip, fp)) = enter_fast(self.cx, self.next(), self.fp, callee, dst, args) {
                (self.ip, self.fp) = (ip.as_ptr(), fp);
                return Flow::Jump;
            }
            self.enter_checked(callee, dst, args)
        }
        #[cfg(not(embwit_threaded))]
        {
            let regs = enter(self.cx, self.ip, self.fp, callee, dst, args);
            self.switch(regs)
        }
    }
    /// Return `n` results from slot `src` to the caller.
    #[inline(always)]
    pub fn ret(&mut self, src: S, n: u16) -> Flow {
        #[cfg(embwit_threaded)]
        {
            if let Some((ip, fp)) = leave_fast(self.cx, self.fp, src, n) {
                (self.ip, self.fp) = (ip.as_ptr(), fp);
                return Flow::Jump;
            }
            leave_slow(self.cx, self.fp, src, n);
            Flow::Exit
        }
        #[cfg(not(embwit_threaded))]
        {
            let regs = leave(self.cx, self.fp, src, n);
            self.switch(regs)
        }
    }
    /// Continue with `regs` after a call or return that may have changed the instance.
    #[cfg(not(embwit_threaded))]
    #[inline(always)]
    fn switch(&mut self, regs: Option<Regs>) -> Flow {
        match regs {
            Some((ip, fp)) => {
                (self.ip, self.fp) = (ip.as_ptr(), fp);
                self.reload_mem();
                Flow::Next
            }
            None => Flow::Exit,
        }
    }
}

/// The instruction and frame registers to continue with (`NonNull` so that `Option<Regs>` is
/// two words, returned in registers: a value returned through memory would keep the handlers'
/// final calls from being tail calls).
pub(crate) type Regs = (NonNull<Step>, *mut u64);

/// The registers describing memory `idx` of the store (none: an empty memory).
#[inline(always)]
pub(crate) fn mem_regs(memories: &mut [MemoryEntity], idx: usize) -> (*mut u8, usize) {
    match memories.get_mut(idx) {
        Some(m) => (m.data.as_mut_ptr(), m.data.len()),
        None => (NonNull::dangling().as_ptr(), 0),
    }
}

/// [`trap_at`] for the second memory access of a fused instruction: reported at that access's
/// wasm instruction (`CompiledFunc::seconds`).
#[cold]
#[inline(never)]
pub(crate) fn trap_second_at(cx: &mut Cx<'_>, ip: *const Step, c: TrapCode) {
    let pc = (ip as usize).wrapping_sub(cx.code.code.as_ptr() as usize) / size_of::<Step>();
    let at = pc.wrapping_sub(1) as u32;
    match cx.code.seconds.binary_search_by_key(&at, |s| s.0) {
        Ok(k) => {
            let off = cx.code.seconds.get(k).map_or(0, |s| s.1);
            cx.out = Err(Trap::code_at(c, cx.code.func_index, off));
        }
        Err(_) => trap_at(cx, ip, c),
    }
}

/// Record trap `c` at the instruction before `ip` of the running function.
#[cold]
#[inline(never)]
pub(crate) fn trap_at(cx: &mut Cx<'_>, ip: *const Step, c: TrapCode) {
    let pc = (ip as usize).wrapping_sub(cx.code.code.as_ptr() as usize) / size_of::<Step>();
    let off = cx
        .code
        .offsets
        .get(pc.wrapping_sub(1))
        .copied()
        .unwrap_or(0);
    cx.out = Err(Trap::code_at(c, cx.code.func_index, off));
}

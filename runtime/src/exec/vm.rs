//! What instruction bodies ([`super::ops`]) run on: the interpreter registers [`Vm`] (the
//! instruction pointer, the frame, the current memory; machine registers in the threaded
//! backend) and the context [`Cx`] of one host-to-guest call (the store, the frame stack, the
//! running function). Calls and returns switch frames here, without leaving the dispatch loop.
//!
//! Rule for speed: nothing takes `&mut Vm` out of line. Slow paths take `&mut Cx` plus plain
//! values and return plain values, so the registers never have to live in memory.

use alloc::rc::Rc;
use alloc::vec::Vec;
use core::ptr::{self, NonNull};

use super::{Exec, Exit, Frame, push_frame};
use crate::engine::Limits;
use crate::ir::{CompiledFunc, Instr, S};
use crate::store::{FuncEntity, GlobalEntity, InstanceData, MemoryEntity, TableEntity};
use crate::trap::{Trap, TrapCode};

/// What an instruction body tells the dispatcher.
pub(crate) enum Flow {
    /// Run the instruction at `vm.ip`.
    Next,
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
    pub ex: &'a mut Exec,
    pub limits: &'a Limits,
    /// The running function and its instance (store index `inst_idx`).
    pub code: &'a CompiledFunc,
    pub inst: &'a InstanceData,
    pub inst_idx: u32,
    /// Store index of the current memory (`usize::MAX`: none).
    pub mem_idx: usize,
    /// Why execution stopped (valid once a body returned [`Flow::Exit`]).
    pub out: Result<Exit, Trap>,
}

/// The interpreter registers.
pub(crate) struct Vm<'c, 'a> {
    /// The next instruction: always inside `cx.code.code` when dispatched (see
    /// `Translator::finish`: branch targets are checked, and the code ends in `Unreachable`).
    pub ip: *const Instr,
    /// Slot 0 of the running frame (the first constant); the frame has
    /// `consts.len() + frame_size` cells on the value stack (see [`push_frame`]).
    pub fp: *mut u64,
    /// The current memory's bytes: `len` of them at `mem`.
    pub mem: *mut u8,
    pub len: usize,
    pub cx: &'c mut Cx<'a>,
}

impl Vm<'_, '_> {
    /// Read slot `s`.
    #[inline(always)]
    pub fn r(&self, s: S) -> u64 {
        // SAFETY: `fp` addresses the running frame, which spans `consts.len() + frame_size`
        // cells of the value stack (ensured by `push_frame`), and `Translator::finish` rejects
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
        unsafe { *self.fp.add(s as usize) = v }
    }
    /// `a + b + c` as a 32-bit address (`i32.add` wraps).
    #[inline(always)]
    pub fn idx(&self, a: S, b: S, c: u32) -> u64 {
        self.r32(a).wrapping_add(self.r32(b)).wrapping_add(c) as u64
    }
    /// Branch by `t` bytes relative to the next instruction.
    #[inline(always)]
    pub fn jump(&mut self, t: u32) {
        self.ip = self.ip.wrapping_byte_offset(t as i32 as isize);
    }
    /// Branch by `t` if `cond`. Kept a real branch: were LLVM to turn it into a select, the
    /// next dispatch would wait for the condition instead of being predicted.
    #[inline(always)]
    pub fn branch_if(&mut self, cond: bool, t: u32) -> Flow {
        if cond {
            self.jump(t);
        } else {
            core::hint::cold_path();
        }
        Flow::Next
    }
    /// Skip `n` instructions (into a `br_table`'s entries).
    #[inline(always)]
    pub fn skip(&mut self, n: u32) {
        self.ip = self.ip.wrapping_add(n as usize);
    }
    /// Stop with trap `c` at the current instruction.
    #[inline(always)]
    pub fn trap(&mut self, c: TrapCode) -> Flow {
        trap_at(self.cx, self.ip, c);
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
        if ea.checked_add(N)? > self.len {
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
            Some(end) if end <= self.len => {
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
            Some(end) if end <= self.len as u64 => Ok(start as usize),
            _ => Err(TrapCode::MemoryOutOfBounds),
        }
    }
    /// Point `mem`/`len` at the current memory again (after it may have moved).
    #[inline(always)]
    pub fn reload_mem(&mut self) {
        (self.mem, self.len) = mem_regs(self.cx.memories, self.cx.mem_idx);
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
        let di = self
            .cx
            .inst
            .datas
            .get(seg as usize)
            .copied()
            .unwrap_or(u32::MAX);
        let data = self
            .cx
            .datas
            .get(di as usize)
            .ok_or(TrapCode::MemoryOutOfBounds)?;
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
            let idx = self.cx.inst.memories.get(m as usize).copied();
            self.cx.mem_idx = idx.unwrap_or(u32::MAX) as usize;
            self.reload_mem();
            Flow::Next
        }
        #[cfg(not(feature = "multi-memory"))]
        self.trap(TrapCode::Unreachable)
    }

    /// Call function `f` (module index).
    #[inline(always)]
    pub fn call(&mut self, f: u32, dst: S, args: u32) -> Flow {
        match self.cx.inst.funcs.get(f as usize) {
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
    #[inline(always)]
    fn enter(&mut self, callee: u32, dst: S, args: u32) -> Flow {
        match enter(self.cx, self.ip, self.fp, callee, dst, args) {
            Some((ip, fp)) => {
                (self.ip, self.fp) = (ip.as_ptr(), fp);
                self.reload_mem();
                Flow::Next
            }
            None => Flow::Exit,
        }
    }
    /// Return `n` results from slot `src` to the caller.
    #[inline(always)]
    pub fn ret(&mut self, src: S, n: u16) -> Flow {
        match leave(self.cx, self.fp, src, n) {
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
pub(crate) type Regs = (NonNull<Instr>, *mut u64);

/// The registers describing memory `idx` of the store (none: an empty memory).
#[inline(always)]
pub(crate) fn mem_regs(memories: &mut [MemoryEntity], idx: usize) -> (*mut u8, usize) {
    match memories.get_mut(idx) {
        Some(m) => (m.data.as_mut_ptr(), m.data.len()),
        None => (NonNull::dangling().as_ptr(), 0),
    }
}

/// Checked `[start, start + len)` within `size`.
pub(crate) fn range(start: u32, len: u32, size: usize) -> Option<core::ops::Range<usize>> {
    let end = (start as u64).checked_add(len as u64)?;
    if end > size as u64 {
        return None;
    }
    Some(start as usize..end as usize)
}

/// Record trap `c` at the instruction before `ip` of the running function.
#[cold]
#[inline(never)]
fn trap_at(cx: &mut Cx<'_>, ip: *const Instr, c: TrapCode) {
    let pc = (ip as usize).wrapping_sub(cx.code.code.as_ptr() as usize) / size_of::<Instr>();
    let off = cx
        .code
        .offsets
        .get(pc.wrapping_sub(1))
        .copied()
        .unwrap_or(0);
    cx.out = Err(Trap::code_at(c, cx.code.func_index, off));
}

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
fn enter(
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
    let pc = (ip as usize).wrapping_sub(caller.code.as_ptr() as usize) / size_of::<Instr>();
    if let Some(f) = ex.frames.last_mut() {
        f.pc = pc as u32;
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
    for (k, &slot) in arg_slots.iter().enumerate() {
        // SAFETY: `lo + slot` is a slot of the caller's frame (`Translator::finish` checks the
        // argument lists in `extra`), and `base + k` (k < params) one of the callee's frame,
        // which `push_frame` just made room for.
        unsafe { *stack.add(base + k) = *stack.add(lo + slot as usize) };
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
    let pc = (ip as usize).wrapping_sub(caller.code.as_ptr() as usize) / size_of::<Instr>();
    if let Some(f) = ex.frames.last_mut() {
        f.pc = pc as u32;
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
    cx.mem_idx = inst.memories.first().copied().unwrap_or(u32::MAX) as usize;
}

/// Pop the running frame (at `fp`), copying its `n` results from slot `src` to the caller, and
/// resume the caller. `None` (with `cx.out` set) when the outermost frame returned.
#[inline(never)]
fn leave(cx: &mut Cx<'_>, fp: *mut u64, src: S, n: u16) -> Option<Regs> {
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
#[inline(always)]
pub(crate) fn resume(cx: &mut Cx<'_>, top: Frame) -> Option<Regs> {
    let (funcs, instances) = (cx.funcs, cx.instances);
    let Some(FuncEntity::Wasm { code, instance, .. }) = funcs.get(top.func as usize) else {
        return fail(cx, TrapCode::Unreachable);
    };
    let nc = code.consts.len();
    if top.pc as usize >= code.code.len()
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
    // SAFETY: `top.pc < code.len()` and `nc <= base <= stack.len() - frame_size`, checked above,
    // so both pointers stay inside their allocations (and the first is not null).
    unsafe {
        Some((
            NonNull::new_unchecked(code.code.as_ptr().add(top.pc as usize).cast_mut()),
            cx.ex.stack.as_mut_ptr().add(top.base - nc),
        ))
    }
}

impl Cx<'_> {
    /// Global `g` (module index) of the running instance.
    #[inline(always)]
    pub fn global(&mut self, g: u32) -> Option<&mut u64> {
        let gi = *self.inst.globals.get(g as usize)?;
        self.globals.get_mut(gi as usize).map(|g| &mut g.value)
    }
    /// Store index of table `t` (module index).
    fn table(&self, t: u32) -> usize {
        self.inst
            .tables
            .get(t as usize)
            .copied()
            .unwrap_or(u32::MAX) as usize
    }
    fn extra(&self, i: u32) -> u32 {
        self.code.extra.get(i as usize).copied().unwrap_or(u32::MAX)
    }
    /// The store function in table slot `idx` (`extra[x]`: expected type id, `extra[x + 1]`:
    /// table), checked.
    fn indirect_callee(&self, idx: u32, x: u32) -> Result<u32, TrapCode> {
        let (type_id, table) = (self.extra(x), self.extra(x + 1));
        let tab = self
            .tables
            .get(self.table(table))
            .ok_or(TrapCode::TableOutOfBounds)?;
        let cell = *tab
            .elems
            .get(idx as usize)
            .ok_or(TrapCode::TableOutOfBounds)?;
        if cell == 0 {
            return Err(TrapCode::IndirectCallToNull);
        }
        let callee = (cell - 1) as u32;
        match self.funcs.get(callee as usize) {
            Some(f) if f.type_id() == type_id => Ok(callee),
            _ => Err(TrapCode::BadSignature),
        }
    }
    pub fn table_get(&self, i: u32, t: u32) -> Option<u64> {
        self.tables
            .get(self.table(t))?
            .elems
            .get(i as usize)
            .copied()
    }
    pub fn table_set(&mut self, i: u32, v: u64, t: u32) -> Result<(), TrapCode> {
        let ti = self.table(t);
        let cell = self
            .tables
            .get_mut(ti)
            .and_then(|tab| tab.elems.get_mut(i as usize));
        *cell.ok_or(TrapCode::TableOutOfBounds)? = v;
        Ok(())
    }
    pub fn table_size(&self, t: u32) -> u32 {
        self.tables
            .get(self.table(t))
            .map_or(0, |tab| tab.elems.len() as u32)
    }
    pub fn table_grow(&mut self, init: u64, n: u32, t: u32) -> u32 {
        let ti = self.table(t);
        self.tables
            .get_mut(ti)
            .and_then(|tab| tab.grow(n as u64, init))
            .map_or(u32::MAX, |old| old as u32)
    }
    pub fn table_fill(&mut self, i: u32, v: u64, n: u32, t: u32) -> Result<(), TrapCode> {
        let ti = self.table(t);
        let tab = self.tables.get_mut(ti).ok_or(TrapCode::TableOutOfBounds)?;
        let rg = range(i, n, tab.elems.len()).ok_or(TrapCode::TableOutOfBounds)?;
        tab.elems
            .get_mut(rg)
            .ok_or(TrapCode::TableOutOfBounds)?
            .fill(v);
        Ok(())
    }
    /// `table.copy` (`extra[x]`: dst table, `extra[x + 1]`: src table).
    pub fn table_copy(&mut self, d: u32, s: u32, n: u32, x: u32) -> Result<(), TrapCode> {
        let (dt, st) = (self.table(self.extra(x)), self.table(self.extra(x + 1)));
        let oob = TrapCode::TableOutOfBounds;
        if dt == st {
            let tab = self.tables.get_mut(dt).ok_or(oob)?;
            let size = tab.elems.len();
            let (sr, dr) = (range(s, n, size).ok_or(oob)?, range(d, n, size).ok_or(oob)?);
            tab.elems.copy_within(sr, dr.start);
        } else {
            let vals: Vec<u64> = {
                let tab = self.tables.get(st).ok_or(oob)?;
                let sr = range(s, n, tab.elems.len()).ok_or(oob)?;
                tab.elems.get(sr).ok_or(oob)?.to_vec()
            };
            let tab = self.tables.get_mut(dt).ok_or(oob)?;
            let dr = range(d, n, tab.elems.len()).ok_or(oob)?;
            tab.elems.get_mut(dr).ok_or(oob)?.copy_from_slice(&vals);
        }
        Ok(())
    }
    /// `table.init` (`extra[x]`: elem segment, `extra[x + 1]`: table).
    pub fn table_init(&mut self, d: u32, s: u32, n: u32, x: u32) -> Result<(), TrapCode> {
        let oob = TrapCode::TableOutOfBounds;
        let seg = self.extra(x);
        let ti = self.table(self.extra(x + 1));
        let ei = self
            .inst
            .elems
            .get(seg as usize)
            .copied()
            .unwrap_or(u32::MAX);
        let elem = self.elems.get(ei as usize).ok_or(oob)?;
        let items = elem.get(range(s, n, elem.len()).ok_or(oob)?).ok_or(oob)?;
        let tab = self.tables.get_mut(ti).ok_or(oob)?;
        let dr = range(d, n, tab.elems.len()).ok_or(oob)?;
        tab.elems.get_mut(dr).ok_or(oob)?.copy_from_slice(items);
        Ok(())
    }
    pub fn elem_drop(&mut self, seg: u32) {
        let ei = self
            .inst
            .elems
            .get(seg as usize)
            .copied()
            .unwrap_or(u32::MAX);
        if let Some(e) = self.elems.get_mut(ei as usize) {
            *e = Vec::new();
        }
    }
    pub fn data_drop(&mut self, seg: u32) {
        let di = self
            .inst
            .datas
            .get(seg as usize)
            .copied()
            .unwrap_or(u32::MAX);
        if let Some(x) = self.datas.get_mut(di as usize) {
            *x = Rc::from(&[][..]);
        }
    }
    /// `memory.copy` between memories `extra[x]` (dst) and `extra[x + 1]` (src).
    #[cfg(feature = "multi-memory")]
    #[inline(never)]
    fn memory_copy_multi(&mut self, d: u32, s: u32, n: u32, x: u32) -> Result<(), TrapCode> {
        let oob = TrapCode::MemoryOutOfBounds;
        let mem_of = |cx: &Self, i: u32| -> usize {
            let m = cx.extra(i);
            cx.inst
                .memories
                .get(m as usize)
                .copied()
                .unwrap_or(u32::MAX) as usize
        };
        let (dm, sm) = (mem_of(self, x), mem_of(self, x + 1));
        let bytes: Vec<u8> = {
            let m = self.memories.get(sm).ok_or(oob)?;
            let sr = range(s, n, m.data.len()).ok_or(oob)?;
            m.data.get(sr).ok_or(oob)?.to_vec()
        };
        let m = self.memories.get_mut(dm).ok_or(oob)?;
        let dr = range(d, n, m.data.len()).ok_or(oob)?;
        m.data.get_mut(dr).ok_or(oob)?.copy_from_slice(&bytes);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_rejects_overflow_and_overrun() {
        assert_eq!(range(0, 0, 0), Some(0..0));
        assert_eq!(range(2, 3, 5), Some(2..5));
        assert_eq!(range(3, 3, 5), None);
        assert_eq!(range(u32::MAX, 1, u32::MAX as usize), None);
    }
}

//! The slow instructions on tables, element and data segments, and memory-to-memory copies:
//! checked and out of line, on [`Cx`] (they never need the registers).

use alloc::rc::Rc;
use alloc::vec::Vec;

use super::vm::Cx;
use crate::trap::TrapCode;

/// Checked `[start, start + len)` within `size`.
pub(crate) fn range(start: u32, len: u32, size: usize) -> Option<core::ops::Range<usize>> {
    let end = (start as u64).checked_add(len as u64)?;
    if end > size as u64 {
        return None;
    }
    Some(start as usize..end as usize)
}

/// The store index that an instance's index space `map` gives module index `i`, or an index
/// no store vector has (so lookups fail, never panic).
pub(crate) fn store_index(map: &[u32], i: u32) -> usize {
    map.get(i as usize).copied().unwrap_or(u32::MAX) as usize
}

/// Copy `n` items from buffer `from.0` at `from.1` to buffer `to.0` at `to.1` (buffers of
/// `owners`, got through `items`; the same buffer or two, ranges may overlap), checked.
fn copy_between<O, T: Copy>(
    owners: &mut [O],
    items: fn(&mut O) -> &mut Vec<T>,
    to: (usize, u32),
    from: (usize, u32),
    n: u32,
) -> Option<()> {
    if to.0 == from.0 {
        let v = items(owners.get_mut(to.0)?);
        let (sr, dr) = (range(from.1, n, v.len())?, range(to.1, n, v.len())?);
        v.copy_within(sr, dr.start);
    } else {
        let [src, dst] = owners.get_disjoint_mut([from.0, to.0]).ok()?;
        let (src, dst) = (items(src), items(dst));
        let (sr, dr) = (range(from.1, n, src.len())?, range(to.1, n, dst.len())?);
        dst.get_mut(dr)?.copy_from_slice(src.get(sr)?);
    }
    Some(())
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
        store_index(&self.inst.tables, t)
    }
    fn extra(&self, i: u32) -> u32 {
        self.code.extra.get(i as usize).copied().unwrap_or(u32::MAX)
    }
    /// The store function in table slot `idx` (`extra[x]`: expected type id, `extra[x + 1]`:
    /// table), checked.
    pub fn indirect_callee(&self, idx: u32, x: u32) -> Result<u32, TrapCode> {
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
        copy_between(self.tables, |t| &mut t.elems, (dt, d), (st, s), n)
            .ok_or(TrapCode::TableOutOfBounds)
    }
    /// `table.init` (`extra[x]`: elem segment, `extra[x + 1]`: table).
    pub fn table_init(&mut self, d: u32, s: u32, n: u32, x: u32) -> Result<(), TrapCode> {
        let oob = TrapCode::TableOutOfBounds;
        let seg = self.extra(x);
        let ti = self.table(self.extra(x + 1));
        let elem = self
            .elems
            .get(store_index(&self.inst.elems, seg))
            .ok_or(oob)?;
        let items = elem.get(range(s, n, elem.len()).ok_or(oob)?).ok_or(oob)?;
        let tab = self.tables.get_mut(ti).ok_or(oob)?;
        let dr = range(d, n, tab.elems.len()).ok_or(oob)?;
        tab.elems.get_mut(dr).ok_or(oob)?.copy_from_slice(items);
        Ok(())
    }
    pub fn elem_drop(&mut self, seg: u32) {
        if let Some(e) = self.elems.get_mut(store_index(&self.inst.elems, seg)) {
            *e = Vec::new();
        }
    }
    pub fn data_drop(&mut self, seg: u32) {
        if let Some(x) = self.datas.get_mut(store_index(&self.inst.datas, seg)) {
            *x = Rc::from(&[][..]);
        }
    }
    /// `memory.copy` between memories `extra[x]` (dst) and `extra[x + 1]` (src).
    #[cfg(feature = "multi-memory")]
    #[inline(never)]
    pub fn memory_copy_multi(&mut self, d: u32, s: u32, n: u32, x: u32) -> Result<(), TrapCode> {
        let oob = TrapCode::MemoryOutOfBounds;
        let mem_of = |cx: &Self, i: u32| store_index(&cx.inst.memories, cx.extra(i));
        let (dm, sm) = (mem_of(self, x), mem_of(self, x + 1));
        copy_between(self.memories, |m| &mut m.data, (dm, d), (sm, s), n).ok_or(oob)
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

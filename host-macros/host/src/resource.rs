//! Host-defined resources: the typed handle the host sees and the per-instance handle table
//! that maps the guest's `i32` handles to the host's representations.

use alloc::format;
use alloc::vec::Vec;
use core::fmt;
use core::marker::PhantomData;

use crate::Trap;

/// A host-defined resource of type `T`, identified by a host-chosen representation `rep`
/// (an index into the host's own storage, for example).
pub struct Resource<T> {
    rep: u32,
    _ty: PhantomData<fn() -> T>,
}

impl<T> Resource<T> {
    /// Wraps the host's representation.
    pub const fn new(rep: u32) -> Self {
        Resource {
            rep,
            _ty: PhantomData,
        }
    }

    /// The host's representation.
    pub const fn rep(&self) -> u32 {
        self.rep
    }
}

impl<T> fmt::Debug for Resource<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Resource({})", self.rep)
    }
}

impl<T> PartialEq for Resource<T> {
    fn eq(&self, other: &Self) -> bool {
        self.rep == other.rep
    }
}

/// Largest number of live handles (the canonical ABI's table limit).
pub const MAX_HANDLES: usize = (1 << 28) - 1;

#[derive(Clone, Copy, Debug)]
enum Slot {
    Free,
    Own {
        ty: &'static str,
        rep: u32,
    },
    /// Lent to the guest for the duration of one export call.
    Borrow {
        ty: &'static str,
        rep: u32,
    },
}

/// One instance's table of handles to host-defined resources. Index 0 is never valid; freed
/// slots are reused. Each entry remembers its resource type, so a handle of another type, a
/// forged index or a dropped handle is a trap naming the problem.
#[derive(Debug, Default)]
pub struct HandleTable {
    slots: Vec<Slot>,
    free: Vec<u32>,
}

impl HandleTable {
    /// An empty table.
    pub const fn new() -> Self {
        HandleTable {
            slots: Vec::new(),
            free: Vec::new(),
        }
    }

    /// Number of live handles.
    pub fn len(&self) -> usize {
        self.slots
            .iter()
            .filter(|s| !matches!(s, Slot::Free))
            .count()
    }

    /// True when no handle is live.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Gives the guest a new owned handle to `rep` of resource type `ty`.
    pub fn insert(&mut self, ty: &'static str, rep: u32) -> Result<i32, Trap> {
        self.push(Slot::Own { ty, rep }, ty)
    }

    /// Lends `rep` to the guest for one export call; end the loan with [`HandleTable::end_lend`].
    pub fn lend(&mut self, ty: &'static str, rep: u32) -> Result<i32, Trap> {
        self.push(Slot::Borrow { ty, rep }, ty)
    }

    fn push(&mut self, slot: Slot, ty: &'static str) -> Result<i32, Trap> {
        if let Some(idx) = self.free.pop() {
            self.slots[idx as usize - 1] = slot;
            return Ok(idx as i32);
        }
        if self.slots.len() >= MAX_HANDLES {
            return Err(Trap::msg(format!(
                "handle table full: cannot hand out another `{ty}`"
            )));
        }
        self.slots.push(slot);
        Ok(self.slots.len() as i32)
    }

    /// The slot index, rep and whether the entry is a loan.
    fn slot(&self, ty: &'static str, handle: i32) -> Result<(usize, u32, bool), Trap> {
        let idx = handle as u32;
        let slot = idx
            .checked_sub(1)
            .and_then(|i| self.slots.get(i as usize).map(|s| (i as usize, *s)));
        match slot {
            Some((i, Slot::Own { ty: t, rep })) if t == ty => Ok((i, rep, false)),
            Some((i, Slot::Borrow { ty: t, rep })) if t == ty => Ok((i, rep, true)),
            Some((_, Slot::Own { ty: t, .. } | Slot::Borrow { ty: t, .. })) => Err(Trap::msg(
                format!("handle {idx} is a `{t}`, expected a `{ty}`"),
            )),
            Some((_, Slot::Free)) => Err(Trap::msg(format!(
                "handle {idx} for `{ty}` was already dropped"
            ))),
            None => Err(Trap::msg(format!(
                "invalid handle {idx} for `{ty}`: no such handle"
            ))),
        }
    }

    fn free(&mut self, i: usize) {
        self.slots[i] = Slot::Free;
        self.free.push(i as u32 + 1);
    }

    /// Looks up a handle the guest lends to the host (owned or itself borrowed).
    pub fn borrow(&self, ty: &'static str, handle: i32) -> Result<u32, Trap> {
        Ok(self.slot(ty, handle)?.1)
    }

    /// Removes an owned handle the guest gives to the host and returns its rep. A borrowed
    /// handle cannot be given away.
    pub fn take(&mut self, ty: &'static str, handle: i32) -> Result<u32, Trap> {
        let (i, rep, lent) = self.slot(ty, handle)?;
        if lent {
            return Err(Trap::msg(format!(
                "handle {} for `{ty}` is borrowed: ownership cannot be transferred",
                handle as u32
            )));
        }
        self.free(i);
        Ok(rep)
    }

    /// `[resource-drop]`: removes the handle. Returns the rep when it was owned (the host must
    /// run its destructor), `None` when it was a loan.
    pub fn drop_handle(&mut self, ty: &'static str, handle: i32) -> Result<Option<u32>, Trap> {
        let (i, rep, lent) = self.slot(ty, handle)?;
        self.free(i);
        Ok((!lent).then_some(rep))
    }

    /// Ends a loan made with [`HandleTable::lend`] once the export call returned. The canonical
    /// ABI requires the guest to have dropped the borrowed handle; if it did not, the entry is
    /// removed and the call traps.
    pub fn end_lend(&mut self, ty: &'static str, handle: i32) -> Result<(), Trap> {
        match self.slot(ty, handle) {
            Ok((i, _, true)) => {
                self.free(i);
                Err(Trap::msg(format!(
                    "borrowed handle {} for `{ty}` was not dropped before the call returned",
                    handle as u32
                )))
            }
            _ => Ok(()),
        }
    }
}

/// Ends every loan of an export call (see [`HandleTable::end_lend`]), all of them even when
/// one fails; returns the first failure.
pub fn end_lends(
    table: &mut HandleTable,
    lent: impl IntoIterator<Item = (&'static str, i32)>,
) -> Result<(), Trap> {
    let mut first = Ok(());
    for (ty, h) in lent {
        let r = table.end_lend(ty, h);
        if first.is_ok() {
            first = r;
        }
    }
    first
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catches_forged_stale_and_mistyped_handles() {
        let mut t = HandleTable::new();
        let a = t.insert("pin", 10).unwrap();
        let b = t.insert("timer", 20).unwrap();
        assert_eq!(t.borrow("pin", a), Ok(10));
        assert!(
            t.borrow("pin", 0)
                .unwrap_err()
                .message()
                .contains("no such")
        );
        assert!(
            t.borrow("pin", 99)
                .unwrap_err()
                .message()
                .contains("no such")
        );
        assert!(
            t.borrow("pin", b)
                .unwrap_err()
                .message()
                .contains("is a `timer`")
        );
        assert_eq!(t.take("pin", a), Ok(10));
        assert!(
            t.take("pin", a)
                .unwrap_err()
                .message()
                .contains("already dropped")
        );
        assert_eq!(t.len(), 1);
        // Freed slots are reused.
        assert_eq!(t.insert("pin", 11), Ok(a));
    }

    #[test]
    fn loans_must_be_dropped_and_cannot_be_given_away() {
        let mut t = HandleTable::new();
        let l = t.lend("pin", 5).unwrap();
        assert_eq!(t.borrow("pin", l), Ok(5));
        assert!(t.take("pin", l).unwrap_err().message().contains("borrowed"));
        assert_eq!(t.drop_handle("pin", l), Ok(None));
        assert_eq!(t.end_lend("pin", l), Ok(()));
        let l = t.lend("pin", 6).unwrap();
        assert!(
            t.end_lend("pin", l)
                .unwrap_err()
                .message()
                .contains("not dropped")
        );
        assert!(t.is_empty());
        let o = t.insert("pin", 7).unwrap();
        assert_eq!(t.drop_handle("pin", o), Ok(Some(7)));
    }
}

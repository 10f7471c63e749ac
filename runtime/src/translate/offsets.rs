//! Where each IR instruction came from: the module byte offset of the wasm instruction it was
//! translated from (of its first memory access, for a fused one), and, for the fused forms with
//! two memory accesses, the offset of the second access, so that a trap in either is reported at
//! the wasm instruction that trapped.

use alloc::boxed::Box;
use alloc::vec::Vec;

use crate::ir::SecondAccesses;

/// No second access.
const NONE: u32 = u32::MAX;

/// The offsets of the instructions emitted so far, parallel to the translator's code: the
/// methods mirror the `Vec` ones the translator uses on the code, and keep both lists in step.
#[derive(Default)]
pub(super) struct Offsets {
    first: Vec<u32>,
    second: Vec<u32>,
}

impl Offsets {
    pub fn push(&mut self, off: u32) {
        self.first.push(off);
        self.second.push(NONE);
    }
    pub fn pop(&mut self) -> Option<u32> {
        self.second.pop();
        self.first.pop()
    }
    pub fn remove(&mut self, i: usize) {
        if i < self.first.len() {
            self.first.remove(i);
            self.second.remove(i);
        }
    }
    pub fn truncate(&mut self, n: usize) {
        self.first.truncate(n);
        self.second.truncate(n);
    }
    pub fn get(&self, i: usize) -> Option<&u32> {
        self.first.get(i)
    }
    pub fn last_mut(&mut self) -> Option<&mut u32> {
        self.first.last_mut()
    }
    /// Record that instruction `i` also accesses memory at the wasm instruction at `off`.
    pub fn set_second(&mut self, i: usize, off: u32) {
        if let Some(s) = self.second.get_mut(i) {
            *s = off;
        }
    }
    /// Instruction `i` accesses memory at the wasm instructions at `off` and then `off2`.
    pub fn set(&mut self, i: usize, off: u32, off2: u32) {
        if let (Some(f), Some(s)) = (self.first.get_mut(i), self.second.get_mut(i)) {
            (*f, *s) = (off, off2);
        }
    }
    /// Make the last instruction's offsets those of instruction `j` (a copy of it).
    pub fn repeat(&mut self, j: usize) {
        for list in [&mut self.first, &mut self.second] {
            if let Some(&v) = list.get(j)
                && let Some(last) = list.last_mut()
            {
                *last = v;
            }
        }
    }
    /// The first offsets, and the second ones as `(instruction index, offset)` pairs in index
    /// order (few instructions have one).
    pub fn finish(self) -> (Box<[u32]>, SecondAccesses) {
        let seconds = (self.second.iter().enumerate())
            .filter(|(_, s)| **s != NONE)
            .map(|(i, s)| (i as u32, *s))
            .collect();
        (self.first.into_boxed_slice(), seconds)
    }
}

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
/// Each entry is `[first, second]`.
#[derive(Default)]
pub(super) struct Offsets(Vec<[u32; 2]>);

impl Offsets {
    pub fn push(&mut self, off: u32) {
        self.0.push([off, NONE]);
    }
    pub fn pop(&mut self) -> Option<u32> {
        self.0.pop().map(|o| o[0])
    }
    pub fn remove(&mut self, i: usize) {
        if i < self.0.len() {
            self.0.remove(i);
        }
    }
    pub fn truncate(&mut self, n: usize) {
        self.0.truncate(n);
    }
    pub fn get(&self, i: usize) -> Option<&u32> {
        self.0.get(i).map(|o| &o[0])
    }
    pub fn last_mut(&mut self) -> Option<&mut u32> {
        self.0.last_mut().map(|o| &mut o[0])
    }
    /// Record that instruction `i` also accesses memory at the wasm instruction at `off`.
    pub fn set_second(&mut self, i: usize, off: u32) {
        if let Some(o) = self.0.get_mut(i) {
            o[1] = off;
        }
    }
    /// Instruction `i` accesses memory at the wasm instructions at `off` and then `off2`.
    pub fn set(&mut self, i: usize, off: u32, off2: u32) {
        if let Some(o) = self.0.get_mut(i) {
            *o = [off, off2];
        }
    }
    /// Make the last instruction's offsets those of instruction `j` (a copy of it).
    pub fn repeat(&mut self, j: usize) {
        if let Some(&o) = self.0.get(j)
            && let Some(last) = self.0.last_mut()
        {
            *last = o;
        }
    }
    /// The first offsets, and the second ones as `(instruction index, offset)` pairs in index
    /// order (few instructions have one).
    pub fn finish(self) -> (Box<[u32]>, SecondAccesses) {
        let seconds = (self.0.iter().enumerate())
            .filter(|(_, o)| o[1] != NONE)
            .map(|(i, o)| (i as u32, o[1]))
            .collect();
        (self.0.iter().map(|o| o[0]).collect(), seconds)
    }
}

//! A small allocator for `no_std` applets.
//!
//! Bump allocation in a heap that grows with `memory.grow`: allocating is a pointer bump, freeing
//! the newest block gives its space back at once, and when every block is free the heap starts
//! over from the beginning. That fits applets, whose allocations (arguments, results, log text)
//! mostly die with the call that made them. Long-lived allocations mixed with short ones keep
//! the space above them until they are freed, so allocate long-lived state first (in `init`).
//!
//! Enable the `allocator` feature to make it the global allocator, or declare your own:
//! `#[global_allocator] static A: embwit_guest::allocator::BumpAllocator = BumpAllocator::new();`

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;

/// Bump allocator over the end of linear memory. See the module docs.
pub struct BumpAllocator {
    state: UnsafeCell<State>,
}

#[derive(Clone, Copy)]
struct State {
    /// First byte of the heap (0 until the first allocation).
    start: usize,
    /// Next free byte.
    next: usize,
    /// End of the memory the heap may use.
    end: usize,
    /// Blocks allocated and not yet freed.
    live: usize,
}

// SAFETY: wasm32 applets run on one thread; the allocator is never used concurrently.
unsafe impl Sync for BumpAllocator {}

impl BumpAllocator {
    /// An allocator that has not claimed any memory yet.
    pub const fn new() -> Self {
        BumpAllocator {
            state: UnsafeCell::new(State {
                start: 0,
                next: 0,
                end: 0,
                live: 0,
            }),
        }
    }

    /// Bytes in use between the start of the heap and the newest live block.
    pub fn used(&self) -> usize {
        // SAFETY: single-threaded (see the `Sync` impl); the copy ends the access at once.
        let s = unsafe { *self.state.get() };
        s.next - s.start
    }

    /// Makes sure `[.., end)` is backed by memory, growing it when needed.
    fn reserve(s: &mut State, end: usize) -> bool {
        if end <= s.end {
            return true;
        }
        match grow(end - s.end) {
            Some(new_end) => {
                s.end = new_end;
                true
            }
            None => false,
        }
    }
}

impl Default for BumpAllocator {
    fn default() -> Self {
        Self::new()
    }
}

/// Grows linear memory by at least `bytes`; returns the new end of memory.
#[cfg(target_arch = "wasm32")]
fn grow(bytes: usize) -> Option<usize> {
    const PAGE: usize = 65536;
    let pages = bytes.div_ceil(PAGE);
    let old = core::arch::wasm32::memory_grow(0, pages);
    if old == usize::MAX {
        return None;
    }
    Some((old + pages) * PAGE)
}

#[cfg(not(target_arch = "wasm32"))]
fn grow(_bytes: usize) -> Option<usize> {
    None
}

/// The current end of linear memory, where the heap starts.
#[cfg(target_arch = "wasm32")]
fn memory_end() -> usize {
    core::arch::wasm32::memory_size(0) * 65536
}

#[cfg(not(target_arch = "wasm32"))]
fn memory_end() -> usize {
    0
}

// SAFETY: blocks never overlap: each starts at or above `next`, which only moves back over
// space no live block uses (the freed newest block, or everything once `live` is 0).
unsafe impl GlobalAlloc for BumpAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: single-threaded; no other reference to the state exists during the call.
        let s = unsafe { &mut *self.state.get() };
        if s.start == 0 {
            let base = memory_end();
            if base == 0 {
                return core::ptr::null_mut();
            }
            *s = State {
                start: base,
                next: base,
                end: base,
                live: 0,
            };
        }
        let Some(start) = s.next.checked_next_multiple_of(layout.align()) else {
            return core::ptr::null_mut();
        };
        let Some(end) = start.checked_add(layout.size()) else {
            return core::ptr::null_mut();
        };
        if !Self::reserve(s, end) {
            return core::ptr::null_mut();
        }
        s.next = end;
        s.live += 1;
        start as *mut u8
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as in `alloc`.
        let s = unsafe { &mut *self.state.get() };
        s.live = s.live.saturating_sub(1);
        if s.live == 0 {
            s.next = s.start;
        } else if ptr as usize + layout.size() == s.next {
            s.next = ptr as usize;
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        {
            // SAFETY: as in `alloc`; the borrow ends before `alloc`/`dealloc` below.
            let s = unsafe { &mut *self.state.get() };
            let addr = ptr as usize;
            // The newest block grows or shrinks in place.
            if addr + layout.size() == s.next
                && let Some(end) = addr.checked_add(new_size)
                && Self::reserve(s, end)
            {
                s.next = end;
                return ptr;
            }
        }
        // SAFETY: the caller's contract for `realloc` covers `alloc`/`dealloc` of these layouts.
        unsafe {
            let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else {
                return core::ptr::null_mut();
            };
            let new = self.alloc(new_layout);
            if !new.is_null() {
                core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
            new
        }
    }
}

#[cfg(all(feature = "allocator", target_arch = "wasm32"))]
#[global_allocator]
static GLOBAL: BumpAllocator = BumpAllocator::new();

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
//! To cap the heap, give it a fixed region before the first allocation
//! ([`BumpAllocator::use_region`]); it then never grows memory.

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
    /// A fixed region: never grow memory.
    fixed: bool,
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
                fixed: false,
            }),
        }
    }

    /// Makes the heap the fixed region `start..start + len` instead of growing memory.
    ///
    /// # Safety
    /// Call it before the first allocation; the region must be valid, writable, unused by
    /// anything else for the life of the allocator, and must not start at address 0.
    pub unsafe fn use_region(&self, start: *mut u8, len: usize) {
        // SAFETY: single-threaded (see the `Sync` impl), and no allocation is live yet.
        let s = unsafe { &mut *self.state.get() };
        let start = start as usize;
        *s = State {
            start,
            next: start,
            end: start + len,
            live: 0,
            fixed: true,
        };
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
        if s.fixed {
            return false;
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
                fixed: false,
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

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;
    use std::boxed::Box;
    use std::vec;

    /// An allocator over a fresh 4 KiB region (16-aligned), and the region's start.
    fn arena() -> (BumpAllocator, usize) {
        let region: &'static mut [u128] = Box::leak(vec![0u128; 256].into_boxed_slice());
        let a = BumpAllocator::new();
        let start = region.as_mut_ptr().cast::<u8>();
        // SAFETY: the leaked region is ours alone and outlives the allocator.
        unsafe { a.use_region(start, 4096) };
        (a, start as usize)
    }

    fn layout(size: usize, align: usize) -> Layout {
        Layout::from_size_align(size, align).unwrap()
    }

    #[test]
    fn bumps_aligns_and_reuses_the_newest_block() {
        let (a, base) = arena();
        unsafe {
            let p1 = a.alloc(layout(3, 1));
            assert_eq!(p1 as usize, base);
            let p2 = a.alloc(layout(8, 8));
            assert_eq!(p2 as usize, base + 8, "aligned up to 8");
            a.dealloc(p2, layout(8, 8));
            assert_eq!(
                a.used(),
                8,
                "the newest block is given back at once (not its padding)"
            );
            let p3 = a.alloc(layout(4, 4));
            assert_eq!(p3 as usize, base + 8);
            a.dealloc(p1, layout(3, 1));
            assert_eq!(a.used(), 12, "an older block waits for the heap to empty");
            a.dealloc(p3, layout(4, 4));
            assert_eq!(a.used(), 0, "an empty heap starts over");
        }
    }

    #[test]
    fn realloc_grows_the_newest_block_in_place_and_copies_others() {
        let (a, base) = arena();
        unsafe {
            let p = a.alloc(layout(4, 4));
            p.copy_from_nonoverlapping([1u8, 2, 3, 4].as_ptr(), 4);
            let q = a.realloc(p, layout(4, 4), 64);
            assert_eq!(q, p, "the newest block grows in place");
            let other = a.alloc(layout(1, 1));
            let r = a.realloc(q, layout(64, 4), 128);
            assert_ne!(r, q, "a block below another one moves");
            assert_eq!(std::slice::from_raw_parts(r, 4), &[1, 2, 3, 4]);
            assert!(r as usize > other as usize);
            assert!(r as usize >= base);
        }
    }

    #[test]
    fn a_full_region_returns_null_instead_of_overflowing() {
        let (a, _) = arena();
        unsafe {
            let p = a.alloc(layout(4000, 1));
            assert!(!p.is_null());
            assert!(a.alloc(layout(200, 1)).is_null(), "past the region");
            assert!(a.realloc(p, layout(4000, 1), 5000).is_null());
            assert!(
                a.alloc(layout(isize::MAX as usize - 16, 1)).is_null(),
                "huge sizes fail"
            );
            a.dealloc(p, layout(4000, 1));
            assert!(
                !a.alloc(layout(4096, 1)).is_null(),
                "the whole region once empty"
            );
        }
    }
}

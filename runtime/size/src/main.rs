//! Size probe: the smallest useful embedding of embwit's interpreter on a microcontroller.
//! `_start` loads a module from flash, links one host function, instantiates the module and
//! calls its export `run`. The module bytes go through `black_box` so the optimiser cannot
//! specialise the decoder, validator or translator for them.
#![no_std]
#![no_main]

extern crate alloc;

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;

use embwit_runtime::{Caller, Engine, Linker, Module, Store, Trap};

/// `(module (import "env" "led" (func $led (param i32)))
///   (memory 1) (func (export "run") (param i32) (result i32)
///     (call $led (local.get 0)) (i32.store (i32.const 0) (local.get 0))
///     (i32.add (i32.load (i32.const 0)) (i32.const 1))))`
static MODULE: [u8; 76] = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
    0x01, 0x0a, 0x02, 0x60, 0x01, 0x7f, 0x00, 0x60, 0x01, 0x7f, 0x01, 0x7f, // types
    0x02, 0x0b, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x03, 0x6c, 0x65, 0x64, 0x00, 0x00, // import
    0x03, 0x02, 0x01, 0x01, // functions
    0x05, 0x03, 0x01, 0x00, 0x01, // memory
    0x07, 0x07, 0x01, 0x03, 0x72, 0x75, 0x6e, 0x00, 0x01, // export
    0x0a, 0x17, 0x01, 0x15, 0x00, 0x20, 0x00, 0x10, 0x00, 0x41, 0x00, 0x20, 0x00, 0x36, 0x02, 0x00,
    0x41, 0x00, 0x28, 0x02, 0x00, 0x41, 0x01, 0x6a, 0x0b, // code
];

/// The firmware's state seen by host functions.
struct Board {
    led: u32,
}

fn run_applet() -> Result<i32, ()> {
    let engine = Engine::default();
    let module = Module::new(&engine, core::hint::black_box(&MODULE[..])).map_err(|_| ())?;
    let mut store = Store::new(&engine, Board { led: 0 });
    let mut linker = Linker::<Board>::new(&engine);
    linker
        .func_wrap(
            "env",
            "led",
            |mut caller: Caller<'_, Board>, on: i32| -> Result<(), Trap> {
                caller.data_mut().led = on as u32;
                Ok(())
            },
        )
        .map_err(|_| ())?;
    let instance = linker.instantiate(&mut store, &module).map_err(|_| ())?;
    let run = instance
        .get_typed_func::<i32, i32>(&store, "run")
        .map_err(|_| ())?;
    let result = run
        .call(&mut store, core::hint::black_box(41))
        .map_err(|_| ())?;
    Ok(result + store.data().led as i32)
}

#[unsafe(no_mangle)]
pub extern "C" fn _start() -> ! {
    let result = run_applet();
    core::hint::black_box(result.ok());
    loop {
        core::hint::spin_loop();
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {
        core::hint::spin_loop();
    }
}

/// A bump allocator over a static arena that never frees: enough to measure code size.
struct Bump {
    arena: UnsafeCell<[u8; ARENA]>,
    next: UnsafeCell<usize>,
}

const ARENA: usize = 64 * 1024 + 16 * 1024;

// SAFETY: the probe is single-threaded with no interrupts, so no two `alloc` calls overlap.
unsafe impl Sync for Bump {}

#[global_allocator]
static HEAP: Bump = Bump {
    arena: UnsafeCell::new([0; ARENA]),
    next: UnsafeCell::new(0),
};

// SAFETY: `alloc` hands out disjoint, suitably aligned ranges of the arena (or null when it is
// exhausted); `dealloc` never reuses memory, so no range is ever handed out twice.
unsafe impl GlobalAlloc for Bump {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: single-threaded (see `Sync` above), so this is the only access to `next`.
        let next = unsafe { &mut *self.next.get() };
        let base = self.arena.get() as usize;
        let start = (base + *next).next_multiple_of(layout.align());
        let Some(end) = start.checked_add(layout.size()) else {
            return core::ptr::null_mut();
        };
        if end > base + ARENA {
            return core::ptr::null_mut();
        }
        *next = end - base;
        start as *mut u8
    }

    unsafe fn dealloc(&self, _ptr: *mut u8, _layout: Layout) {}
}

//! The `_rt` module every generated Rust guest file carries: allocation, list/string ownership
//! transfer, handle wrappers and scalar conversions. Generated once per world file so bindings need
//! no runtime crate; everything is `no_std` + `alloc`.

/// Source of the `_rt` module (without the `mod` wrapper).
pub const RT: &str = r#"
#![allow(dead_code, clippy::all)]
pub use ::alloc::boxed::Box;
pub use ::alloc::string::String;
pub use ::alloc::vec::Vec;
use ::core::alloc::Layout;
use ::core::fmt;
use ::core::marker::PhantomData;
use ::core::sync::atomic::{AtomicU32, Ordering};

/// Stops the applet: the host gave a value the canonical ABI does not allow.
#[cold]
pub fn invalid(what: &str) -> ! {
    panic!("embwit: invalid value from the host: {}", what)
}

fn layout(size: usize, align: usize) -> Layout {
    match Layout::from_size_align(size, align) {
        Ok(layout) => layout,
        Err(_) => invalid("allocation size or alignment"),
    }
}

/// The canonical ABI allocator (`cabi_realloc`): allocates with the global allocator. The
/// export macro exports it unless the applet asks for `no_realloc` and exports its own.
///
/// # Safety
/// `old_ptr`/`old_len`/`align` must describe a block this function returned before (or be 0).
pub unsafe fn cabi_realloc(old_ptr: *mut u8, old_len: usize, align: usize, new_len: usize) -> *mut u8 {
    if new_len == 0 {
        if old_len != 0 {
            unsafe { cabi_dealloc(old_ptr, old_len, align) };
        }
        return align as *mut u8;
    }
    let new_layout = layout(new_len, align);
    // SAFETY: `new_layout` has a non-zero size; a non-zero `old_len` names a live block of the
    // global allocator with this alignment (the caller's contract).
    let ptr = unsafe {
        if old_len == 0 {
            ::alloc::alloc::alloc(new_layout)
        } else {
            ::alloc::alloc::realloc(old_ptr, layout(old_len, align), new_len)
        }
    };
    if ptr.is_null() {
        ::alloc::alloc::handle_alloc_error(new_layout);
    }
    ptr
}

/// Frees a block `cabi_realloc` returned. Zero-sized blocks were never allocated.
///
/// # Safety
/// `ptr` must come from `cabi_realloc` with this size and alignment.
pub unsafe fn cabi_dealloc(ptr: *mut u8, size: usize, align: usize) {
    if size == 0 {
        return;
    }
    // SAFETY: the caller's contract.
    unsafe { ::alloc::alloc::dealloc(ptr, layout(size, align)) }
}

/// Allocates `size` bytes for a list the guest lowers; zero sizes allocate nothing.
///
/// # Safety
/// Free the block with `cabi_dealloc(ptr, size, align)` unless ownership passes to the host.
pub unsafe fn alloc_raw(size: usize, align: usize) -> *mut u8 {
    if size == 0 {
        return align as *mut u8;
    }
    unsafe { cabi_realloc(::core::ptr::null_mut(), 0, align, size) }
}

/// Takes ownership of a UTF-8 string the host placed with `cabi_realloc`.
///
/// # Safety
/// `ptr`/`len` must come from `cabi_realloc(0, 0, 1, len)`.
pub unsafe fn string_lift(ptr: *mut u8, len: usize) -> String {
    if len == 0 {
        return String::new();
    }
    // SAFETY: the block was allocated by the global allocator with exactly `len` bytes, align 1.
    let bytes = unsafe { Vec::from_raw_parts(ptr, len, len) };
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(_) => invalid("string is not UTF-8"),
    }
}

/// Takes ownership of a list of plain numbers the host placed with `cabi_realloc`.
///
/// # Safety
/// `ptr`/`len` must come from `cabi_realloc(0, 0, align_of::<T>(), len * size_of::<T>())` and `T`
/// must be an integer or float type (every bit pattern valid, same layout as the canonical ABI).
pub unsafe fn list_lift<T>(ptr: *mut u8, len: usize) -> Vec<T> {
    if len == 0 {
        return Vec::new();
    }
    // SAFETY: the caller's contract.
    unsafe { Vec::from_raw_parts(ptr.cast::<T>(), len, len) }
}

/// A `char` from its canonical ABI `i32`, rejecting surrogates and values above U+10FFFF.
pub fn char_lift(val: i32) -> char {
    match char::from_u32(val as u32) {
        Some(c) => c,
        None => invalid("char out of range"),
    }
}

/// A `bool` from its canonical ABI `i32` (any non-zero value is `true`).
pub fn bool_lift(val: i32) -> bool {
    val != 0
}

/// A resource type whose handles the guest owns.
///
/// # Safety
/// `drop` must release exactly the handle given.
pub unsafe trait WasmResource {
    /// Releases `handle` (the `[resource-drop]` import).
    ///
    /// # Safety
    /// `handle` must be owned and not used afterwards.
    unsafe fn drop(handle: u32);
}

/// An owned handle; dropping it drops the resource. `u32::MAX` marks a handle given away.
#[repr(transparent)]
pub struct Resource<T: WasmResource> {
    handle: AtomicU32,
    _marker: PhantomData<T>,
}

impl<T: WasmResource> Resource<T> {
    /// Wraps an owned handle.
    ///
    /// # Safety
    /// `handle` must be an owned handle of `T`'s resource type.
    pub unsafe fn from_handle(handle: u32) -> Self {
        Resource { handle: AtomicU32::new(handle), _marker: PhantomData }
    }

    /// Gives the handle away (ownership moves to the host); this wrapper no longer drops it.
    pub fn take_handle(&self) -> u32 {
        self.handle.swap(u32::MAX, Ordering::Relaxed)
    }

    /// The handle, still owned by this wrapper.
    pub fn handle(&self) -> u32 {
        self.handle.load(Ordering::Relaxed)
    }
}

impl<T: WasmResource> fmt::Debug for Resource<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Resource").field("handle", &self.handle()).finish()
    }
}

impl<T: WasmResource> Drop for Resource<T> {
    fn drop(&mut self) {
        match self.handle.load(Ordering::Relaxed) {
            u32::MAX => {}
            // SAFETY: this wrapper owns the handle and nobody uses it afterwards.
            handle => unsafe { T::drop(handle) },
        }
    }
}

/// Places for handles borrowed inside lists and variant arms of an export's arguments: each
/// `&T` given to the applet points into one of them. They live until the export returns, and
/// dropping them gives the borrowed handles back (`[resource-drop]`, as the canonical ABI
/// requires before the call ends).
pub struct BorrowSlots<T>(Vec<*mut T>);

impl<T> BorrowSlots<T> {
    pub fn new() -> Self {
        BorrowSlots(Vec::new())
    }

    /// Keeps `value` (a borrowed handle) until the slots are dropped; returns where it is.
    pub fn hold(&mut self, value: T) -> *const T {
        let slot = Box::into_raw(Box::new(value));
        self.0.push(slot);
        slot
    }
}

impl<T> Drop for BorrowSlots<T> {
    fn drop(&mut self) {
        for slot in self.0.drain(..) {
            // SAFETY: every slot came from `Box::into_raw` in `hold` and is freed once.
            drop(unsafe { Box::from_raw(slot) });
        }
    }
}

/// Scalars (and references to them) as a canonical ABI `i32`.
pub trait AsI32 {
    fn as_i32(self) -> i32;
}
/// Scalars (and references to them) as a canonical ABI `i64`.
pub trait AsI64 {
    fn as_i64(self) -> i64;
}
/// `f32` (or a reference to one) as a canonical ABI `f32`.
pub trait AsF32 {
    fn as_f32(self) -> f32;
}
/// `f64` (or a reference to one) as a canonical ABI `f64`.
pub trait AsF64 {
    fn as_f64(self) -> f64;
}

macro_rules! as_traits {
    ($tr:ident $f:ident $out:ty => $($t:ty),*) => {$(
        impl $tr for $t {
            #[inline]
            fn $f(self) -> $out { self as $out }
        }
        impl $tr for &$t {
            #[inline]
            fn $f(self) -> $out { *self as $out }
        }
    )*};
}
as_traits!(AsI32 as_i32 i32 => i8, u8, i16, u16, i32, u32, char, bool);
as_traits!(AsI64 as_i64 i64 => i64, u64);
as_traits!(AsF32 as_f32 f32 => f32);
as_traits!(AsF64 as_f64 f64 => f64);

#[inline]
pub fn as_i32<T: AsI32>(t: T) -> i32 {
    t.as_i32()
}
#[inline]
pub fn as_i64<T: AsI64>(t: T) -> i64 {
    t.as_i64()
}
#[inline]
pub fn as_f32<T: AsF32>(t: T) -> f32 {
    t.as_f32()
}
#[inline]
pub fn as_f64<T: AsF64>(t: T) -> f64 {
    t.as_f64()
}
"#;

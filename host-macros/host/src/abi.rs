//! Canonical-ABI helpers called by generated glue, with every check the ABI requires.
//!
//! Pointers and lengths arrive as the `i32`s of a wasm32 flat signature and are reinterpreted
//! as unsigned. Every access is bounds-checked against the memory as it is *now* (memory may
//! grow during `cabi_realloc`), so a hostile guest gets a [`Trap`], never a host panic.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::{Guest, Trap, Val};

/// Largest byte length of a string or list the canonical ABI allows (2^28 - 1).
pub const MAX_BYTE_LENGTH: u32 = (1 << 28) - 1;

/// The flat arguments as an array of the length the signature promises.
pub fn args<const N: usize>(args: &[Val]) -> Result<&[Val; N], Trap> {
    args.try_into()
        .map_err(|_| Trap::msg(format!("expected {N} core arguments, got {}", args.len())))
}

/// Stores the flat results into the slots the engine provided.
pub fn set_results(slots: &mut [Val], vals: &[Val]) -> Result<(), Trap> {
    if slots.len() != vals.len() {
        return Err(Trap::msg(format!(
            "expected {} core result slots, got {}",
            vals.len(),
            slots.len()
        )));
    }
    slots.copy_from_slice(vals);
    Ok(())
}

/// The first flat result of an export call.
pub fn result(results: &[Val]) -> Result<Val, Trap> {
    results
        .first()
        .copied()
        .ok_or(Trap::new("export returned no core result"))
}

/// Byte range `ptr + offset .. + size` checked against a memory of `len` bytes.
fn range(len: usize, ptr: i32, offset: u32, size: u32) -> Result<core::ops::Range<usize>, Trap> {
    let start = u64::from(ptr as u32) + u64::from(offset);
    let end = start + u64::from(size);
    if end > len as u64 {
        return Err(Trap::msg(format!(
            "out-of-bounds memory access: {size} bytes at {start:#x} (memory is {len:#x} bytes)"
        )));
    }
    Ok(start as usize..end as usize)
}

fn load<const N: usize, G: Guest + ?Sized>(
    g: &mut G,
    ptr: i32,
    offset: u32,
) -> Result<[u8; N], Trap> {
    let mem = g.memory()?;
    let r = range(mem.len(), ptr, offset, N as u32)?;
    let mut out = [0; N];
    out.copy_from_slice(&mem[r]);
    Ok(out)
}

fn store<const N: usize, G: Guest + ?Sized>(
    g: &mut G,
    ptr: i32,
    offset: u32,
    v: [u8; N],
) -> Result<(), Trap> {
    let mem = g.memory()?;
    let r = range(mem.len(), ptr, offset, N as u32)?;
    mem[r].copy_from_slice(&v);
    Ok(())
}

/// `i32.load8_u`.
pub fn load_u8<G: Guest + ?Sized>(g: &mut G, ptr: i32, offset: u32) -> Result<i32, Trap> {
    Ok(i32::from(load::<1, G>(g, ptr, offset)?[0]))
}
/// `i32.load8_s`.
pub fn load_s8<G: Guest + ?Sized>(g: &mut G, ptr: i32, offset: u32) -> Result<i32, Trap> {
    Ok(i32::from(load::<1, G>(g, ptr, offset)?[0] as i8))
}
/// `i32.load16_u`.
pub fn load_u16<G: Guest + ?Sized>(g: &mut G, ptr: i32, offset: u32) -> Result<i32, Trap> {
    Ok(i32::from(u16::from_le_bytes(load(g, ptr, offset)?)))
}
/// `i32.load16_s`.
pub fn load_s16<G: Guest + ?Sized>(g: &mut G, ptr: i32, offset: u32) -> Result<i32, Trap> {
    Ok(i32::from(i16::from_le_bytes(load(g, ptr, offset)?)))
}
/// `i32.load`.
pub fn load_i32<G: Guest + ?Sized>(g: &mut G, ptr: i32, offset: u32) -> Result<i32, Trap> {
    Ok(i32::from_le_bytes(load(g, ptr, offset)?))
}
/// `i64.load`.
pub fn load_i64<G: Guest + ?Sized>(g: &mut G, ptr: i32, offset: u32) -> Result<i64, Trap> {
    Ok(i64::from_le_bytes(load(g, ptr, offset)?))
}
/// `f32.load` (bit pattern preserved).
pub fn load_f32<G: Guest + ?Sized>(g: &mut G, ptr: i32, offset: u32) -> Result<f32, Trap> {
    Ok(f32::from_bits(u32::from_le_bytes(load(g, ptr, offset)?)))
}
/// `f64.load` (bit pattern preserved).
pub fn load_f64<G: Guest + ?Sized>(g: &mut G, ptr: i32, offset: u32) -> Result<f64, Trap> {
    Ok(f64::from_bits(u64::from_le_bytes(load(g, ptr, offset)?)))
}
/// `i32.store8`.
pub fn store_u8<G: Guest + ?Sized>(g: &mut G, ptr: i32, offset: u32, v: i32) -> Result<(), Trap> {
    store(g, ptr, offset, [v as u8])
}
/// `i32.store16`.
pub fn store_u16<G: Guest + ?Sized>(g: &mut G, ptr: i32, offset: u32, v: i32) -> Result<(), Trap> {
    store(g, ptr, offset, (v as u16).to_le_bytes())
}
/// `i32.store`.
pub fn store_i32<G: Guest + ?Sized>(g: &mut G, ptr: i32, offset: u32, v: i32) -> Result<(), Trap> {
    store(g, ptr, offset, v.to_le_bytes())
}
/// `i64.store`.
pub fn store_i64<G: Guest + ?Sized>(g: &mut G, ptr: i32, offset: u32, v: i64) -> Result<(), Trap> {
    store(g, ptr, offset, v.to_le_bytes())
}
/// `f32.store`.
pub fn store_f32<G: Guest + ?Sized>(g: &mut G, ptr: i32, offset: u32, v: f32) -> Result<(), Trap> {
    store(g, ptr, offset, v.to_bits().to_le_bytes())
}
/// `f64.store`.
pub fn store_f64<G: Guest + ?Sized>(g: &mut G, ptr: i32, offset: u32, v: f64) -> Result<(), Trap> {
    store(g, ptr, offset, v.to_bits().to_le_bytes())
}

/// Checks that a guest-supplied pointer to a `size`-byte, `align`-aligned area (indirect
/// parameters, a return area) is aligned and in bounds.
pub fn check_area<G: Guest + ?Sized>(
    g: &mut G,
    ptr: i32,
    size: u32,
    align: u32,
    what: &str,
) -> Result<(), Trap> {
    if !(ptr as u32).is_multiple_of(align.max(1)) {
        return Err(Trap::msg(format!(
            "misaligned pointer {:#x} for {what} (alignment {align})",
            ptr as u32
        )));
    }
    let len = g.memory()?.len();
    range(len, ptr, 0, size).map_err(|_| {
        Trap::msg(format!(
            "out-of-bounds pointer {:#x} for {what} ({size} bytes, memory is {len:#x} bytes)",
            ptr as u32
        ))
    })?;
    Ok(())
}

/// Validates a list `(ptr, len)` whose elements are `elem_size` bytes aligned to `elem_align`
/// and returns its element count.
pub fn check_list<G: Guest + ?Sized>(
    g: &mut G,
    ptr: i32,
    len: i32,
    elem_size: u32,
    elem_align: u32,
) -> Result<usize, Trap> {
    let count = len as u32;
    let bytes = u64::from(count) * u64::from(elem_size);
    if bytes > u64::from(MAX_BYTE_LENGTH) {
        return Err(Trap::msg(format!(
            "list too long: {count} elements of {elem_size} bytes exceed the 2^28-1 byte limit"
        )));
    }
    if !(ptr as u32).is_multiple_of(elem_align.max(1)) {
        return Err(Trap::msg(format!(
            "misaligned list pointer {:#x} (alignment {elem_align})",
            ptr as u32
        )));
    }
    let mlen = g.memory()?.len();
    range(mlen, ptr, 0, bytes as u32).map_err(|_| {
        Trap::msg(format!(
            "list out of bounds: {bytes} bytes at {:#x} (memory is {mlen:#x} bytes)",
            ptr as u32
        ))
    })?;
    Ok(count as usize)
}

/// Lifts a UTF-8 string, checking bounds, the length limit and the encoding.
pub fn lift_string<G: Guest + ?Sized>(g: &mut G, ptr: i32, len: i32) -> Result<String, Trap> {
    let len = len as u32;
    if len > MAX_BYTE_LENGTH {
        return Err(Trap::msg(format!(
            "string too long: {len} bytes exceed the 2^28-1 byte limit"
        )));
    }
    let mem = g.memory()?;
    let r = range(mem.len(), ptr, 0, len).map_err(|_| {
        Trap::msg(format!(
            "string out of bounds: {len} bytes at {:#x} (memory is {:#x} bytes)",
            ptr as u32,
            mem.len()
        ))
    })?;
    match core::str::from_utf8(&mem[r]) {
        Ok(s) => Ok(String::from(s)),
        Err(e) => Err(Trap::msg(format!(
            "invalid UTF-8 in string at {:#x}: {e}",
            ptr as u32
        ))),
    }
}

/// A number type whose lists are copied as raw little-endian bytes.
pub trait Prim: Copy {
    /// Size in bytes (also the alignment).
    const SIZE: usize;
    /// Decodes one element.
    fn from_le(b: &[u8]) -> Self;
    /// Encodes one element.
    fn to_le(self, out: &mut [u8]);
}

macro_rules! prim {
    ($($t:ty),*) => {$(
        impl Prim for $t {
            const SIZE: usize = core::mem::size_of::<$t>();
            fn from_le(b: &[u8]) -> Self {
                let mut a = [0; core::mem::size_of::<$t>()];
                a.copy_from_slice(b);
                <$t>::from_le_bytes(a)
            }
            fn to_le(self, out: &mut [u8]) {
                out.copy_from_slice(&self.to_le_bytes());
            }
        }
    )*};
}
prim!(u8, i8, u16, i16, u32, i32, u64, i64, f32, f64);

/// Lifts a list of numbers.
pub fn lift_list<T: Prim, G: Guest + ?Sized>(
    g: &mut G,
    ptr: i32,
    len: i32,
) -> Result<Vec<T>, Trap> {
    let n = check_list(g, ptr, len, T::SIZE as u32, T::SIZE as u32)?;
    let mem = g.memory()?;
    let start = ptr as u32 as usize;
    let bytes = &mem[start..start + n * T::SIZE];
    Ok(bytes.chunks_exact(T::SIZE).map(T::from_le).collect())
}

/// Allocates `size` bytes aligned to `align` in the guest with its `cabi_realloc`, checking
/// the returned pointer. A zero-sized allocation needs no call and yields `align`.
pub fn alloc<G: Guest + ?Sized>(g: &mut G, size: usize, align: u32) -> Result<i32, Trap> {
    if size == 0 {
        return Ok(align as i32);
    }
    if size > MAX_BYTE_LENGTH as usize {
        return Err(Trap::msg(format!(
            "cannot pass {size} bytes to the guest: exceeds the 2^28-1 byte limit"
        )));
    }
    let ptr = g.realloc(0, 0, align, size as u32)?;
    if !ptr.is_multiple_of(align.max(1)) {
        return Err(Trap::msg(format!(
            "cabi_realloc returned misaligned pointer {ptr:#x} (alignment {align})"
        )));
    }
    let len = g.memory()?.len();
    range(len, ptr as i32, 0, size as u32).map_err(|_| {
        Trap::msg(format!(
            "cabi_realloc returned out-of-bounds pointer {ptr:#x} for {size} bytes"
        ))
    })?;
    Ok(ptr as i32)
}

/// Copies a string into guest memory; returns `(ptr, len)`.
pub fn lower_string<G: Guest + ?Sized>(g: &mut G, s: &str) -> Result<(i32, i32), Trap> {
    let ptr = alloc(g, s.len(), 1)?;
    if !s.is_empty() {
        let start = ptr as u32 as usize;
        g.memory()?[start..start + s.len()].copy_from_slice(s.as_bytes());
    }
    Ok((ptr, s.len() as i32))
}

/// Copies a list of numbers into guest memory; returns `(ptr, len)`.
pub fn lower_list<T: Prim, G: Guest + ?Sized>(g: &mut G, v: &[T]) -> Result<(i32, i32), Trap> {
    let bytes = v
        .len()
        .checked_mul(T::SIZE)
        .ok_or(Trap::new("list too long to pass to the guest"))?;
    let ptr = alloc(g, bytes, T::SIZE as u32)?;
    if bytes != 0 {
        let start = ptr as u32 as usize;
        let mem = &mut g.memory()?[start..start + bytes];
        for (e, out) in v.iter().zip(mem.chunks_exact_mut(T::SIZE)) {
            e.to_le(out);
        }
    }
    Ok((ptr, v.len() as i32))
}

/// Allocates room for `len` elements of `elem_size` bytes; returns the pointer.
pub fn alloc_list<G: Guest + ?Sized>(
    g: &mut G,
    len: usize,
    elem_size: u32,
    elem_align: u32,
) -> Result<i32, Trap> {
    let bytes = len
        .checked_mul(elem_size as usize)
        .ok_or(Trap::new("list too long to pass to the guest"))?;
    alloc(g, bytes, elem_align)
}

/// Lifts a `char`: traps on surrogates and values above 0x10FFFF.
pub fn char_from_i32(v: i32) -> Result<char, Trap> {
    char::from_u32(v as u32).ok_or_else(|| {
        Trap::msg(format!(
            "invalid char {:#x}: not a Unicode scalar value",
            v as u32
        ))
    })
}

/// Checks a variant/enum/option/result discriminant against the number of cases.
pub fn discriminant(v: i32, cases: u32, ty: &str) -> Result<u32, Trap> {
    if (v as u32) < cases {
        Ok(v as u32)
    } else {
        Err(Trap::msg(format!(
            "invalid discriminant {} for `{ty}` ({cases} cases)",
            v as u32
        )))
    }
}

/// Calls `cabi_post_*` for an export, if the guest has one.
pub fn post_return<G: crate::ExportCtx + ?Sized>(
    g: &mut G,
    names: &[&str],
    results: &[Val],
) -> Result<(), Trap> {
    g.post_return(names, results)
}

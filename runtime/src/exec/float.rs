//! Float helpers with WebAssembly semantics (NaN propagation, signed zeros, ties-to-even),
//! usable without `std`.

pub(crate) fn f32_min(a: f32, b: f32) -> f32 {
    if a.is_nan() || b.is_nan() {
        return a + b;
    }
    if a == b {
        return f32::from_bits(a.to_bits() | b.to_bits());
    }
    if a < b { a } else { b }
}
pub(crate) fn f32_max(a: f32, b: f32) -> f32 {
    if a.is_nan() || b.is_nan() {
        return a + b;
    }
    if a == b {
        return f32::from_bits(a.to_bits() & b.to_bits());
    }
    if a > b { a } else { b }
}
pub(crate) fn f64_min(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        return a + b;
    }
    if a == b {
        return f64::from_bits(a.to_bits() | b.to_bits());
    }
    if a < b { a } else { b }
}
pub(crate) fn f64_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        return a + b;
    }
    if a == b {
        return f64::from_bits(a.to_bits() & b.to_bits());
    }
    if a > b { a } else { b }
}

/// Quiet a NaN (rounding functions must return an arithmetic NaN).
fn q32(a: f32) -> f32 {
    f32::from_bits(a.to_bits() | 0x0040_0000)
}
fn q64(a: f64) -> f64 {
    f64::from_bits(a.to_bits() | 0x0008_0000_0000_0000)
}

pub(crate) fn f32_ceil(a: f32) -> f32 {
    if a.is_nan() { q32(a) } else { libm::ceilf(a) }
}
pub(crate) fn f32_floor(a: f32) -> f32 {
    if a.is_nan() { q32(a) } else { libm::floorf(a) }
}
pub(crate) fn f32_trunc(a: f32) -> f32 {
    if a.is_nan() { q32(a) } else { libm::truncf(a) }
}
pub(crate) fn f32_nearest(a: f32) -> f32 {
    if a.is_nan() { q32(a) } else { libm::rintf(a) }
}
pub(crate) fn f32_sqrt(a: f32) -> f32 {
    if a.is_nan() { q32(a) } else { libm::sqrtf(a) }
}
pub(crate) fn f64_ceil(a: f64) -> f64 {
    if a.is_nan() { q64(a) } else { libm::ceil(a) }
}
pub(crate) fn f64_floor(a: f64) -> f64 {
    if a.is_nan() { q64(a) } else { libm::floor(a) }
}
pub(crate) fn f64_trunc(a: f64) -> f64 {
    if a.is_nan() { q64(a) } else { libm::trunc(a) }
}
pub(crate) fn f64_nearest(a: f64) -> f64 {
    if a.is_nan() { q64(a) } else { libm::rint(a) }
}
pub(crate) fn f64_sqrt(a: f64) -> f64 {
    if a.is_nan() { q64(a) } else { libm::sqrt(a) }
}

/// Result of a trapping float-to-int conversion.
pub(crate) enum Conv<T> {
    Ok(T),
    Nan,
    Overflow,
}

macro_rules! trunc {
    ($name:ident, $f:ty, $i:ty, $lo:expr, $lo_incl:expr, $hi:expr) => {
        pub(crate) fn $name(x: $f) -> Conv<$i> {
            if x.is_nan() {
                return Conv::Nan;
            }
            let above = if $lo_incl { x >= $lo } else { x > $lo };
            if !above || x >= $hi {
                return Conv::Overflow;
            }
            Conv::Ok(x as $i)
        }
    };
}

trunc!(
    i32_trunc_f32_s,
    f32,
    i32,
    -2147483648.0f32,
    true,
    2147483648.0f32
);
trunc!(i32_trunc_f32_u, f32, u32, -1.0f32, false, 4294967296.0f32);
trunc!(
    i32_trunc_f64_s,
    f64,
    i32,
    -2147483649.0f64,
    false,
    2147483648.0f64
);
trunc!(i32_trunc_f64_u, f64, u32, -1.0f64, false, 4294967296.0f64);
trunc!(
    i64_trunc_f32_s,
    f32,
    i64,
    -9223372036854775808.0f32,
    true,
    9223372036854775808.0f32
);
trunc!(
    i64_trunc_f32_u,
    f32,
    u64,
    -1.0f32,
    false,
    18446744073709551616.0f32
);
trunc!(
    i64_trunc_f64_s,
    f64,
    i64,
    -9223372036854775808.0f64,
    true,
    9223372036854775808.0f64
);
trunc!(
    i64_trunc_f64_u,
    f64,
    u64,
    -1.0f64,
    false,
    18446744073709551616.0f64
);

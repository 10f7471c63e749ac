//! Operators of one instruction shape named by their [`Instr`] tag: what the translator's
//! operator tables hold, and what `local.set` folding re-makes with another destination.
//! A table entry is two bytes of data, where a variant's constructor used as a `fn` value is a
//! function of its own (about 12 bytes of Thumb code each, for some 150 variants).
#![allow(unsafe_code)]

use core::mem::MaybeUninit;

use super::{FIELDS, Instr, S};

/// The tag of `i`.
const fn tag(i: &Instr) -> u16 {
    // SAFETY: `Instr` is `repr(u16)`, so every value starts with its `u16` tag (the Reference,
    // "Primitive representation of enums with fields").
    unsafe { *(i as *const Instr).cast::<u16>() }
}

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

macro_rules! shapes {
    ($( $(#[$doc:meta])* $name:ident($($f:ident: $t:ident),*) ),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq)]
        pub(crate) struct $name(u16);

        impl $name {
            /// The operator of `sample`'s variant. Panics (at compile time in a `static`)
            /// unless the variant's fields are exactly this shape's: what makes
            /// [`Self::make`] sound.
            pub(crate) const fn of(sample: Instr) -> Self {
                let t = tag(&sample);
                assert!(same(FIELDS[t as usize], stringify!($($t),*)), "wrong shape");
                $name(t)
            }
            /// The instruction with these operands.
            #[inline(always)]
            pub(crate) fn make(self, $($f: $t),*) -> Instr {
                #[repr(C)]
                struct Layout {
                    tag: u16,
                    $($f: $t),*
                }
                const {
                    assert!(size_of::<Layout>() <= size_of::<Instr>());
                    assert!(align_of::<Layout>() <= align_of::<Instr>());
                }
                let mut i = MaybeUninit::<Instr>::uninit();
                // SAFETY: a `repr(u16)` enum is laid out as a `repr(C)` union of one
                // `repr(C)` struct per variant, holding the `u16` tag and then the fields
                // (the Reference, "Primitive representation of enums with fields"). `self.0`
                // is the tag of a variant whose fields are exactly `Layout`'s (checked by
                // `of`), so writing a `Layout` at the start (`Instr` is no smaller and no less
                // aligned, asserted above) makes a valid value of that variant; the rest is
                // padding.
                unsafe {
                    i.as_mut_ptr().cast::<Layout>().write(Layout { tag: self.0, $($f),* });
                    i.assume_init()
                }
            }
        }
    )*};
}

shapes! {
    /// `Name(dst, a)`: unary operators and conversions.
    Op2(d: S, a: S),
    /// `Name(dst, a, b)`: binary operators and compares.
    Op3(d: S, a: S, b: S),
    /// `Name(value, base, offset)`: loads and stores.
    OpMem(d: S, a: S, o: u32),
    /// `Name(dst, a, b, imm)`: indexed loads.
    OpIdx(d: S, a: S, b: S, c: u32),
    /// `Name(dst, a, b, c)`: fused three-operand forms (`x ^ rotl(y, k)`, ...).
    Op4(d: S, a: S, b: S, c: S),
}

/// `[Shape::of(Instr::Name(0, ...)), ...]`: an operator table.
macro_rules! ops {
    ($shape:ident: $($name:ident),* $(,)?) => {
        [$( $crate::ir::$shape::of($crate::ir::shape::sample!($shape $name)) ),*]
    };
}
/// A sample of variant `$name` with the operand count of `$shape` (zeros).
macro_rules! sample {
    (Op2 $name:ident) => {
        $crate::ir::Instr::$name(0, 0)
    };
    (Op3 $name:ident) => {
        $crate::ir::Instr::$name(0, 0, 0)
    };
    (OpMem $name:ident) => {
        $crate::ir::Instr::$name(0, 0, 0)
    };
    (OpIdx $name:ident) => {
        $crate::ir::Instr::$name(0, 0, 0, 0)
    };
    (Op4 $name:ident) => {
        $crate::ir::Instr::$name(0, 0, 0, 0)
    };
}
/// The operator `$name` of shape `$shape`, e.g. `op!(Op3 I32Add)`.
macro_rules! op {
    ($shape:ident $name:ident) => {
const { $crate::ir::$shape::of($crate::ir::shape::sample!($shape $name)) }
    };
}
pub(crate) use {op, ops, sample};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_make_their_variant() {
        assert!(matches!(
            op!(Op3 I32Sub).make(1, 2, 3),
            Instr::I32Sub(1, 2, 3)
        ));
        assert!(matches!(op!(Op2 F64Sqrt).make(4, 5), Instr::F64Sqrt(4, 5)));
        assert!(matches!(
            op!(OpMem Load16S64).make(6, 7, 0x0102_0304),
            Instr::Load16S64(6, 7, 0x0102_0304)
        ));
        assert!(matches!(
            op!(OpIdx Load8SIdx).make(8, 9, 10, u32::MAX),
            Instr::Load8SIdx(8, 9, 10, u32::MAX)
        ));
        let table: [Op3; 2] = ops!(Op3: I64Mul, F32Min);
        assert!(matches!(table[1].make(1, 1, 2), Instr::F32Min(1, 1, 2)));
    }

    /// `of` reads the field types by tag: the tags must be the variants' positions.
    #[test]
    fn tags_are_declaration_positions() {
        for (i, sample) in Instr::samples().iter().enumerate() {
            assert_eq!(tag(sample) as usize, i, "{sample:?}");
        }
        assert_eq!(
            FIELDS[tag(&Instr::I32AddImm(0, 0, 0)) as usize],
            "S, S, i32"
        );
    }

    #[test]
    #[should_panic(expected = "wrong shape")]
    fn a_variant_of_another_shape_is_refused() {
        // `Store8(S, S, u32)` has three operands, but not three slots.
        let _ = Op3::of(Instr::Store8(0, 0, 0));
    }
}

//! Which WIT values own guest memory: the C and Zig backends give those types a `_free`/`deinit`
//! and free them after use.

use wit_parser::{Resolve, Type, TypeDefKind};

/// True if values of `ty` own memory (contain a string or a list).
pub fn owns_memory(resolve: &Resolve, ty: &Type) -> bool {
    let owns = |t: &Type| owns_memory(resolve, t);
    match ty {
        Type::String => true,
        Type::Id(id) => match &resolve.types[*id].kind {
            TypeDefKind::List(_) => true,
            TypeDefKind::Type(t) | TypeDefKind::Option(t) => owns(t),
            TypeDefKind::Record(r) => r.fields.iter().any(|f| owns(&f.ty)),
            TypeDefKind::Tuple(t) => t.types.iter().any(owns),
            TypeDefKind::Variant(v) => v.cases.iter().filter_map(|c| c.ty.as_ref()).any(owns),
            TypeDefKind::Result(r) => r.ok.iter().chain(r.err.iter()).any(owns),
            _ => false,
        },
        _ => false,
    }
}

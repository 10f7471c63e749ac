//! Which WIT values own guest memory (the C and Zig backends give those types a `_free`/`deinit`
//! and free them after use), and which hold borrowed host handles (given back after a call).

use wit_parser::{Handle, Resolve, Type, TypeDefKind, TypeId};

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

/// True if `ty` holds a borrowed handle to a host (imported) resource: a `borrow<r>` where
/// `exported(r)` is false, directly or inside a record, tuple, option, list or alias.
pub fn has_host_borrow(resolve: &Resolve, ty: &Type, exported: &dyn Fn(TypeId) -> bool) -> bool {
    let has = |t: &Type| has_host_borrow(resolve, t, exported);
    let Type::Id(id) = ty else { return false };
    match &resolve.types[*id].kind {
        TypeDefKind::Handle(Handle::Borrow(r)) => !exported(*r),
        TypeDefKind::Record(r) => r.fields.iter().any(|f| has(&f.ty)),
        TypeDefKind::Tuple(t) => t.types.iter().any(has),
        TypeDefKind::Option(t) | TypeDefKind::List(t) | TypeDefKind::Type(t) => has(t),
        _ => false,
    }
}

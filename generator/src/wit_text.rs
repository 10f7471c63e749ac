//! Rendering WIT types and function signatures back as WIT text, for listings and documentation.

use wit_parser::{Function, FunctionKind, Handle, Resolve, Type, TypeDefKind};

/// A type as it would be written in WIT: named types by name, anonymous ones spelled out.
pub fn type_name(resolve: &Resolve, ty: &Type) -> String {
    match ty {
        Type::Bool => "bool".into(),
        Type::U8 => "u8".into(),
        Type::U16 => "u16".into(),
        Type::U32 => "u32".into(),
        Type::U64 => "u64".into(),
        Type::S8 => "s8".into(),
        Type::S16 => "s16".into(),
        Type::S32 => "s32".into(),
        Type::S64 => "s64".into(),
        Type::F32 => "f32".into(),
        Type::F64 => "f64".into(),
        Type::Char => "char".into(),
        Type::String => "string".into(),
        Type::ErrorContext => "error-context".into(),
        Type::Id(id) => {
            let def = &resolve.types[*id];
            match &def.name {
                Some(name) => name.clone(),
                None => kind_text(resolve, &def.kind),
            }
        }
    }
}

/// The structure of a type definition written out, ignoring its own name: the right-hand side of
/// `type name = ...`.
pub fn kind_text(resolve: &Resolve, kind: &TypeDefKind) -> String {
    let opt = |t: &Option<Type>| t.as_ref().map(|t| type_name(resolve, t));
    match kind {
        TypeDefKind::Option(t) => format!("option<{}>", type_name(resolve, t)),
        TypeDefKind::List(t) => format!("list<{}>", type_name(resolve, t)),
        TypeDefKind::FixedLengthList(t, n) => {
            format!("list<{}, {n}>", type_name(resolve, t))
        }
        TypeDefKind::Map(k, v) => {
            format!("map<{}, {}>", type_name(resolve, k), type_name(resolve, v))
        }
        TypeDefKind::Tuple(t) => {
            let items: Vec<String> = t.types.iter().map(|t| type_name(resolve, t)).collect();
            format!("tuple<{}>", items.join(", "))
        }
        TypeDefKind::Result(r) => match (opt(&r.ok), opt(&r.err)) {
            (None, None) => "result".into(),
            (Some(ok), None) => format!("result<{ok}>"),
            (None, Some(err)) => format!("result<_, {err}>"),
            (Some(ok), Some(err)) => format!("result<{ok}, {err}>"),
        },
        TypeDefKind::Handle(Handle::Own(r)) => type_name(resolve, &Type::Id(*r)),
        TypeDefKind::Handle(Handle::Borrow(r)) => {
            format!("borrow<{}>", type_name(resolve, &Type::Id(*r)))
        }
        TypeDefKind::Future(t) => match opt(t) {
            Some(t) => format!("future<{t}>"),
            None => "future".into(),
        },
        TypeDefKind::Stream(t) => match opt(t) {
            Some(t) => format!("stream<{t}>"),
            None => "stream".into(),
        },
        TypeDefKind::Type(t) => type_name(resolve, t),
        other => other.as_str().into(),
    }
}

/// A function's signature as WIT, e.g. `read: func(offset: u32, len: u32) -> list<u8>`; methods
/// and constructors are shown the way they are written inside their resource (without `self`).
pub fn signature(resolve: &Resolve, func: &Function) -> String {
    let skip_self = matches!(
        func.kind,
        FunctionKind::Method(_)
            | FunctionKind::AsyncMethod(_)
            | FunctionKind::MethodGetter(_)
            | FunctionKind::MethodSetter(_)
    );
    let params: Vec<String> = func
        .params
        .iter()
        .skip(usize::from(skip_self))
        .map(|p| format!("{}: {}", p.name, type_name(resolve, &p.ty)))
        .collect();
    let is_async = matches!(
        func.kind,
        FunctionKind::AsyncFreestanding
            | FunctionKind::AsyncMethod(_)
            | FunctionKind::AsyncStatic(_)
    );
    let keyword = if is_async { "async func" } else { "func" };
    let head = match func.kind {
        FunctionKind::Constructor(_) => format!("constructor({})", params.join(", ")),
        FunctionKind::Static(_) | FunctionKind::AsyncStatic(_) => {
            format!(
                "{}: static {keyword}({})",
                func.item_name(),
                params.join(", ")
            )
        }
        _ => format!("{}: {keyword}({})", func.item_name(), params.join(", ")),
    };
    match (&func.kind, &func.result) {
        (FunctionKind::Constructor(_), _) | (_, None) => head,
        (_, Some(ty)) => format!("{head} -> {}", type_name(resolve, ty)),
    }
}

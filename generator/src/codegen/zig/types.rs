//! Zig names and type expressions for WIT types.
//!
//! Interfaces become nested namespaces (`embwit.gpio.pins`, exports under `exports.`), referenced
//! from anywhere through `bindings.` (the file's own `@This()`), so nested names never shadow.
//! Types use Zig's own vocabulary: slices, `?T`, `enum`, `packed struct` flags, `union(enum)`
//! variants, `@Tuple`, error unions for `result<_, enum>`.

use std::cell::Cell;
use std::collections::{HashMap, HashSet};

use heck::{ToLowerCamelCase, ToSnakeCase, ToUpperCamelCase};
use wit_parser::{Handle, InterfaceId, Resolve, Type, TypeDefKind, TypeId, TypeOwner};

use crate::codegen::c::world::{WorldShape, dealias};

const ZIG_KEYWORDS: &[&str] = &[
    "addrspace",
    "align",
    "allowzero",
    "and",
    "anyframe",
    "anytype",
    "asm",
    "break",
    "callconv",
    "catch",
    "comptime",
    "const",
    "continue",
    "defer",
    "else",
    "enum",
    "errdefer",
    "error",
    "export",
    "extern",
    "fn",
    "for",
    "if",
    "inline",
    "noalias",
    "noinline",
    "nosuspend",
    "opaque",
    "or",
    "orelse",
    "packed",
    "pub",
    "resume",
    "return",
    "linksection",
    "struct",
    "suspend",
    "switch",
    "test",
    "threadlocal",
    "try",
    "union",
    "unreachable",
    "var",
    "volatile",
    "while",
    "type",
    "void",
    "bool",
    "true",
    "false",
    "null",
    "undefined",
    "anyerror",
    "noreturn",
    "usize",
    "isize",
    "u8",
    "u16",
    "u32",
    "u64",
    "i8",
    "i16",
    "i32",
    "i64",
    "f32",
    "f64",
];

/// Quotes `name` as `@"name"` when it is a Zig keyword or primitive.
pub fn zig_ident(name: &str) -> String {
    if ZIG_KEYWORDS.contains(&name) {
        format!("@\"{name}\"")
    } else {
        name.to_string()
    }
}

/// snake_case field/case/parameter name.
pub fn field(name: &str) -> String {
    zig_ident(&name.to_snake_case())
}

/// camelCase function name.
pub fn func(name: &str) -> String {
    zig_ident(&name.to_lower_camel_case())
}

/// UpperCamelCase type name.
pub fn type_name(name: &str) -> String {
    zig_ident(&name.to_upper_camel_case())
}

/// Renders WIT docs as `///` lines.
pub fn zig_docs(out: &mut String, docs: Option<&str>) {
    if let Some(docs) = docs {
        for line in docs.trim().lines() {
            let line = line.trim_end();
            if line.is_empty() {
                out.push_str("///\n");
            } else {
                out.push_str("/// ");
                out.push_str(line);
                out.push('\n');
            }
        }
    }
}

/// Namespace paths and type expressions of one world.
pub struct ZigTypes<'a> {
    pub resolve: &'a Resolve,
    pub shape: &'a WorldShape,
    /// Namespace segments of each imported interface.
    pub import_paths: HashMap<InterfaceId, Vec<String>>,
    /// Namespace segments of each exported interface (under `exports`).
    pub export_paths: HashMap<InterfaceId, Vec<String>>,
    /// Where the applet's root file provides each exported interface (`@import("root").x`).
    pub impl_ns: HashMap<InterfaceId, String>,
    /// Which side names are for: an interface both imported and exported has two sets.
    pub exporting: Cell<bool>,
    /// Declaration names a parameter must not shadow (Zig forbids it).
    pub reserved: HashSet<String>,
}

/// File-level declarations of every generated file.
const FILE_DECLS: &[&str] = &[
    "std",
    "bindings",
    "allocator",
    "Result",
    "enumToError",
    "errorToEnum",
    "allocRaw",
    "freeRaw",
    "sliceFrom",
    "cabi_realloc",
    "ret_area",
    "gpa",
    "self",
    "handle",
    "deinit",
    "init",
    "exports",
];

impl<'a> ZigTypes<'a> {
    /// Path and name tables for `shape`.
    pub fn new(
        resolve: &'a Resolve,
        shape: &'a WorldShape,
        import_paths: HashMap<InterfaceId, Vec<String>>,
        export_paths: HashMap<InterfaceId, Vec<String>>,
        impl_ns: HashMap<InterfaceId, String>,
    ) -> Self {
        let mut reserved: HashSet<String> = FILE_DECLS.iter().map(|s| s.to_string()).collect();
        for scope in shape.imports.iter().chain(&shape.exports) {
            for f in &scope.functions {
                reserved.insert(func(f.item_name()));
            }
        }
        for segs in import_paths.values().chain(export_paths.values()) {
            reserved.extend(segs.iter().cloned());
        }
        reserved.extend(impl_ns.values().cloned());
        ZigTypes {
            resolve,
            shape,
            import_paths,
            export_paths,
            impl_ns,
            exporting: Cell::new(false),
            reserved,
        }
    }

    /// A parameter name that shadows nothing.
    pub fn param(&self, name: &str) -> String {
        let f = field(name);
        if self.reserved.contains(&f) {
            format!("{}_", name.to_snake_case())
        } else {
            f
        }
    }

    /// `bindings.a.b.c` for a namespace path.
    pub fn path_expr(segments: &[String]) -> String {
        let mut s = String::from("bindings");
        for seg in segments {
            s.push('.');
            s.push_str(seg);
        }
        s
    }

    /// Namespace segments of interface `id` on the current side.
    pub fn iface_path(&self, id: InterfaceId) -> Vec<String> {
        let (first, second) = if self.exporting.get() {
            (&self.export_paths, &self.import_paths)
        } else {
            (&self.import_paths, &self.export_paths)
        };
        first
            .get(&id)
            .or_else(|| second.get(&id))
            .cloned()
            .unwrap_or_default()
    }

    /// Namespace segments of a scope on the current side (world-level functions: the root).
    pub fn iface_path_of(&self, scope: &crate::codegen::c::world::Scope) -> Vec<String> {
        scope
            .interface
            .map(|id| self.iface_path(id))
            .unwrap_or_default()
    }

    fn owner_path(&self, owner: TypeOwner) -> String {
        match owner {
            TypeOwner::Interface(id) => Self::path_expr(&self.iface_path(id)),
            TypeOwner::World(_) | TypeOwner::None => "bindings".to_string(),
        }
    }

    /// True for resources the applet defines (on the current side).
    pub fn is_exported_resource(&self, r: TypeId) -> bool {
        self.shape.is_exported_resource(
            self.resolve,
            dealias(self.resolve, r),
            self.exporting.get(),
        )
    }

    /// The applet's type implementing an exported resource: `@import("root").<ns>.<Name>`.
    pub fn impl_type(&self, r: TypeId) -> String {
        let r = dealias(self.resolve, r);
        let def = &self.resolve.types[r];
        let ns = match def.owner {
            TypeOwner::Interface(id) => self.impl_ns.get(&id).cloned().unwrap_or_default(),
            _ => String::new(),
        };
        format!(
            "@import(\"root\").{ns}.{}",
            type_name(def.name.as_deref().unwrap_or("resource"))
        )
    }

    /// The full path of a named type.
    pub fn named(&self, id: TypeId) -> String {
        let def = &self.resolve.types[id];
        format!(
            "{}.{}",
            self.owner_path(def.owner),
            type_name(def.name.as_deref().unwrap_or("anon"))
        )
    }

    /// The error set paired with a WIT enum, for `result<_, that-enum>` error unions.
    pub fn error_set(&self, enum_id: TypeId) -> String {
        format!("{}Error", self.named(dealias(self.resolve, enum_id)))
    }

    /// The enum behind `ty` if `ty` is (an alias of) a WIT enum.
    pub fn as_enum(&self, ty: &Type) -> Option<TypeId> {
        let Type::Id(id) = ty else { return None };
        let id = dealias(self.resolve, *id);
        matches!(self.resolve.types[id].kind, TypeDefKind::Enum(_)).then_some(id)
    }

    /// True when `result<ok, err>` is an error union (`err` is a WIT enum).
    pub fn is_error_union(&self, err: &Option<Type>) -> bool {
        err.as_ref().is_some_and(|e| self.as_enum(e).is_some())
    }

    /// The Zig type expression for a WIT type.
    pub fn ty(&self, ty: &Type) -> String {
        self.ty_inner(ty, true)
    }

    /// The structure of a named type (what its `pub const Name = ...;` declaration says).
    pub fn structure(&self, id: TypeId) -> String {
        self.ty_inner(&Type::Id(id), false)
    }

    fn ty_inner(&self, ty: &Type, use_names: bool) -> String {
        match ty {
            Type::Bool => "bool".into(),
            Type::U8 => "u8".into(),
            Type::S8 => "i8".into(),
            Type::U16 => "u16".into(),
            Type::S16 => "i16".into(),
            Type::U32 => "u32".into(),
            Type::S32 => "i32".into(),
            Type::U64 => "u64".into(),
            Type::S64 => "i64".into(),
            Type::F32 => "f32".into(),
            Type::F64 => "f64".into(),
            Type::Char => "u21".into(),
            Type::String => "[]const u8".into(),
            Type::ErrorContext => "i32".into(),
            Type::Id(id) => {
                let def = &self.resolve.types[*id];
                match &def.kind {
                    TypeDefKind::Handle(Handle::Borrow(r)) if self.is_exported_resource(*r) => {
                        format!("*{}", self.impl_type(*r))
                    }
                    TypeDefKind::Handle(Handle::Own(r) | Handle::Borrow(r)) => {
                        self.named(dealias(self.resolve, *r))
                    }
                    TypeDefKind::Resource => self.named(*id),
                    TypeDefKind::Type(Type::Id(inner))
                        if matches!(
                            self.resolve.types[dealias(self.resolve, *inner)].kind,
                            TypeDefKind::Resource
                        ) =>
                    {
                        self.named(dealias(self.resolve, *inner))
                    }
                    _ if use_names && def.name.is_some() => self.named(*id),
                    TypeDefKind::List(t) => format!("[]const {}", self.ty(t)),
                    TypeDefKind::Option(t) => format!("?{}", self.ty(t)),
                    TypeDefKind::Result(r) => {
                        let ok = r.ok.as_ref().map_or("void".to_string(), |t| self.ty(t));
                        match &r.err {
                            Some(e) if self.as_enum(e).is_some() => {
                                format!("{}!{ok}", self.error_set(self.as_enum(e).unwrap()))
                            }
                            Some(e) => format!("bindings.Result({ok}, {})", self.ty(e)),
                            None => format!("bindings.Result({ok}, void)"),
                        }
                    }
                    TypeDefKind::Tuple(t) => {
                        let parts: Vec<String> = t.types.iter().map(|t| self.ty(t)).collect();
                        format!("@Tuple(&.{{ {} }})", parts.join(", "))
                    }
                    TypeDefKind::Type(t) => self.ty(t),
                    _ => "void".into(),
                }
            }
        }
    }
}

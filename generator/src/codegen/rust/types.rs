//! Rust names and definitions of WIT types for the guest bindings.

use std::fmt::Write as _;

use wit_parser::{
    Docs, Enum, Flags, FlagsRepr, Handle, Record, Resolve, Type, TypeDefKind, TypeId, TypeOwner,
    Variant,
};

use super::Gen;
use crate::codegen::names::{self, rust_doc, snake, upper_camel};

/// Rust's reserved words; identifiers equal to one are escaped.
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Escapes a Rust identifier: `r#type`, and `self_`/`Self_`/`crate_`/`super_` where raw
/// identifiers are not allowed.
pub fn escape(id: String) -> String {
    if !KEYWORDS.contains(&id.as_str()) {
        return id;
    }
    match id.as_str() {
        "self" | "Self" | "crate" | "super" => format!("{id}_"),
        _ => format!("r#{id}"),
    }
}

/// `snake_case` identifier for a WIT name.
pub fn ident(name: &str) -> String {
    escape(snake(name))
}

/// `UpperCamelCase` identifier for a WIT name.
pub fn type_ident(name: &str) -> String {
    escape(upper_camel(name))
}

/// How a type is spelt where it appears.
#[derive(Clone, Copy)]
pub struct TyCx<'a> {
    /// Module the name is written in (path segments below the world file).
    pub module: &'a [String],
    /// Lifetime for borrowed handles: `'a` inside definitions, `'_` in signatures.
    pub lt: &'static str,
    /// Top-level import parameter: `string` as `&str` and `list<T>` as `&[T]`.
    pub borrowed: bool,
}

impl Gen<'_> {
    fn resolve(&self) -> &Resolve {
        self.resolve
    }

    /// Module path of the owner of a named type.
    fn owner_module(&self, id: TypeId) -> Vec<String> {
        match self.resolve.types[id].owner {
            TypeOwner::Interface(i) => self.iface_modules.get(&i).cloned().unwrap_or_default(),
            TypeOwner::World(_) | TypeOwner::None => Vec::new(),
        }
    }

    /// A path from `from` to `module`, ending in `::` (empty when equal). Nested modules reach
    /// the world root through their `_root` alias.
    pub fn path_to(&self, from: &[String], module: &[String]) -> String {
        if from == module {
            return String::new();
        }
        let mut s = if from.is_empty() {
            String::new()
        } else {
            "_root::".to_string()
        };
        for seg in module {
            s.push_str(seg);
            s.push_str("::");
        }
        s
    }

    /// Path of a named type as written in module `from`.
    pub fn type_path(&self, id: TypeId, from: &[String]) -> String {
        let name = self.resolve.types[id].name.as_deref().unwrap_or("anon");
        format!(
            "{}{}",
            self.path_to(from, &self.owner_module(id)),
            type_ident(name)
        )
    }

    /// Whether a resource is defined by the guest (declared in an exported interface).
    pub fn is_exported_resource(&self, id: TypeId) -> bool {
        let id = self.dealias(id);
        match self.resolve.types[id].owner {
            TypeOwner::Interface(i) => self.exported_ifaces.contains(&i),
            _ => false,
        }
    }

    /// Follows `type a = b` aliases to the definition.
    pub fn dealias(&self, mut id: TypeId) -> TypeId {
        while let TypeDefKind::Type(Type::Id(next)) = self.resolve.types[id].kind {
            id = next;
        }
        id
    }

    /// Whether a type holds a borrowed handle (and so needs a lifetime parameter).
    pub fn needs_lifetime(&self, ty: &Type) -> bool {
        let Type::Id(id) = ty else { return false };
        match &self.resolve.types[*id].kind {
            TypeDefKind::Handle(Handle::Borrow(_)) => true,
            TypeDefKind::Handle(Handle::Own(_)) | TypeDefKind::Resource => false,
            TypeDefKind::Record(r) => r.fields.iter().any(|f| self.needs_lifetime(&f.ty)),
            TypeDefKind::Tuple(t) => t.types.iter().any(|t| self.needs_lifetime(t)),
            TypeDefKind::Variant(v) => v
                .cases
                .iter()
                .filter_map(|c| c.ty.as_ref())
                .any(|t| self.needs_lifetime(t)),
            TypeDefKind::Option(t) | TypeDefKind::List(t) | TypeDefKind::Type(t) => {
                self.needs_lifetime(t)
            }
            TypeDefKind::Result(r) => r.ok.iter().chain(&r.err).any(|t| self.needs_lifetime(t)),
            _ => false,
        }
    }

    /// Whether a type holds an owned handle (and so cannot be `Clone`).
    pub fn has_own_handle(&self, ty: &Type) -> bool {
        let Type::Id(id) = ty else { return false };
        match &self.resolve.types[*id].kind {
            TypeDefKind::Handle(Handle::Own(_)) | TypeDefKind::Resource => true,
            TypeDefKind::Handle(Handle::Borrow(_)) => false,
            TypeDefKind::Record(r) => r.fields.iter().any(|f| self.has_own_handle(&f.ty)),
            TypeDefKind::Tuple(t) => t.types.iter().any(|t| self.has_own_handle(t)),
            TypeDefKind::Variant(v) => v
                .cases
                .iter()
                .filter_map(|c| c.ty.as_ref())
                .any(|t| self.has_own_handle(t)),
            TypeDefKind::Option(t) | TypeDefKind::List(t) | TypeDefKind::Type(t) => {
                self.has_own_handle(t)
            }
            TypeDefKind::Result(r) => r.ok.iter().chain(&r.err).any(|t| self.has_own_handle(t)),
            _ => false,
        }
    }

    /// Whether a type holds any handle (then it gets no `PartialEq`).
    fn has_handle(&self, ty: &Type) -> bool {
        self.has_own_handle(ty) || self.needs_lifetime(ty)
    }

    /// The Rust spelling of `ty` in context `cx`.
    pub fn ty(&self, ty: &Type, cx: TyCx<'_>) -> String {
        match ty {
            Type::String if cx.borrowed => "&str".into(),
            Type::String => "_rt::String".into(),
            Type::ErrorContext => "u32".into(),
            Type::Id(id) => self.ty_id(*id, cx),
            scalar => names::rust_scalar(scalar).unwrap_or_default().into(),
        }
    }

    fn ty_id(&self, id: TypeId, cx: TyCx<'_>) -> String {
        let def = &self.resolve().types[id];
        let inner = TyCx {
            borrowed: false,
            ..cx
        };
        if def.name.is_some() {
            let path = self.type_path(id, cx.module);
            return if self.needs_lifetime(&Type::Id(id)) {
                format!("{path}<{}>", cx.lt)
            } else {
                path
            };
        }
        match &def.kind {
            TypeDefKind::List(t) if cx.borrowed => format!("&[{}]", self.ty(t, inner)),
            TypeDefKind::List(t) => format!("_rt::Vec<{}>", self.ty(t, inner)),
            TypeDefKind::Option(t) => format!("::core::option::Option<{}>", self.ty(t, inner)),
            TypeDefKind::Result(r) => format!(
                "::core::result::Result<{}, {}>",
                self.opt_ty(r.ok.as_ref(), inner),
                self.opt_ty(r.err.as_ref(), inner)
            ),
            TypeDefKind::Tuple(t) => {
                let mut s = String::from("(");
                for t in &t.types {
                    s.push_str(&self.ty(t, inner));
                    s.push_str(", ");
                }
                s.push(')');
                s
            }
            TypeDefKind::Handle(Handle::Own(r)) => self.type_path(self.dealias(*r), cx.module),
            TypeDefKind::Handle(Handle::Borrow(r)) => {
                let r = self.dealias(*r);
                let path = self.type_path(r, cx.module);
                match (self.is_exported_resource(r), cx.lt) {
                    (true, lt) => format!("{path}Borrow<{lt}>"),
                    (false, "'_") => format!("&{path}"),
                    (false, lt) => format!("&{lt} {path}"),
                }
            }
            TypeDefKind::Type(t) => self.ty(t, cx),
            // Rejected by `names::check_supported` before generation starts.
            _ => "()".into(),
        }
    }

    fn opt_ty(&self, ty: Option<&Type>, cx: TyCx<'_>) -> String {
        ty.map_or_else(|| "()".into(), |t| self.ty(t, cx))
    }

    /// Defines the named type `id` in module `module`.
    pub fn define_type(&mut self, id: TypeId, module: &[String], out: &mut String) {
        let def = &self.resolve.types[id];
        let Some(name) = def.name.as_deref() else {
            return;
        };
        let name = type_ident(name);
        let docs = rust_doc(&def.docs, "");
        let cx = TyCx {
            module,
            lt: "'a",
            borrowed: false,
        };
        let lt = if self.needs_lifetime(&Type::Id(id)) {
            "<'a>"
        } else {
            ""
        };
        let copyable = !self.has_own_handle(&Type::Id(id));
        let comparable = !self.has_handle(&Type::Id(id));
        let derives = match (copyable, comparable) {
            (true, true) => "#[derive(Clone, Debug, PartialEq)]",
            (true, false) => "#[derive(Clone, Debug)]",
            _ => "#[derive(Debug)]",
        };
        match &def.kind {
            TypeDefKind::Record(r) => self.define_record(&name, lt, derives, &docs, r, cx, out),
            TypeDefKind::Variant(v) => self.define_variant(&name, lt, derives, &docs, v, cx, out),
            TypeDefKind::Enum(e) => define_enum(&name, &docs, e, out),
            TypeDefKind::Flags(f) => define_flags(&name, &docs, f, out),
            TypeDefKind::Resource => self.define_resource(id, &name, &docs, module, out),
            TypeDefKind::Type(t) => {
                let _ = writeln!(out, "{docs}pub type {name}{lt} = {};", self.ty(t, cx));
            }
            _ => {
                // list/option/result/tuple/handle given a name: an alias of the anonymous form.
                let anon = self.anon_spelling(id, cx);
                let _ = writeln!(out, "{docs}pub type {name}{lt} = {anon};");
            }
        }
    }

    /// The spelling of a named structural type as if it were anonymous.
    fn anon_spelling(&self, id: TypeId, cx: TyCx<'_>) -> String {
        let inner = TyCx {
            borrowed: false,
            ..cx
        };
        match &self.resolve.types[id].kind {
            TypeDefKind::List(t) => format!("_rt::Vec<{}>", self.ty(t, inner)),
            TypeDefKind::Option(t) => format!("::core::option::Option<{}>", self.ty(t, inner)),
            TypeDefKind::Result(r) => format!(
                "::core::result::Result<{}, {}>",
                self.opt_ty(r.ok.as_ref(), inner),
                self.opt_ty(r.err.as_ref(), inner)
            ),
            TypeDefKind::Tuple(t) => {
                let parts: Vec<String> = t.types.iter().map(|t| self.ty(t, inner)).collect();
                format!("({},)", parts.join(", "))
            }
            TypeDefKind::Handle(Handle::Own(r)) => self.type_path(self.dealias(*r), cx.module),
            TypeDefKind::Handle(Handle::Borrow(r)) => {
                let r = self.dealias(*r);
                let path = self.type_path(r, cx.module);
                if self.is_exported_resource(r) {
                    format!("{path}Borrow<'a>")
                } else {
                    format!("&'a {path}")
                }
            }
            _ => "()".into(),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn define_record(
        &self,
        name: &str,
        lt: &str,
        derives: &str,
        docs: &str,
        r: &Record,
        cx: TyCx<'_>,
        out: &mut String,
    ) {
        let _ = writeln!(out, "{docs}{derives}\npub struct {name}{lt} {{");
        for f in &r.fields {
            out.push_str(&rust_doc(&f.docs, "    "));
            let _ = writeln!(out, "    pub {}: {},", ident(&f.name), self.ty(&f.ty, cx));
        }
        out.push_str("}\n");
    }

    #[allow(clippy::too_many_arguments)]
    fn define_variant(
        &self,
        name: &str,
        lt: &str,
        derives: &str,
        docs: &str,
        v: &Variant,
        cx: TyCx<'_>,
        out: &mut String,
    ) {
        let _ = writeln!(out, "{docs}{derives}\npub enum {name}{lt} {{");
        for c in &v.cases {
            out.push_str(&rust_doc(&c.docs, "    "));
            match &c.ty {
                Some(t) => {
                    let _ = writeln!(out, "    {}({}),", type_ident(&c.name), self.ty(t, cx));
                }
                None => {
                    let _ = writeln!(out, "    {},", type_ident(&c.name));
                }
            }
        }
        out.push_str("}\n");
    }
}

fn enum_repr(cases: usize) -> &'static str {
    match cases {
        0..=0xff => "u8",
        0x100..=0xffff => "u16",
        _ => "u32",
    }
}

fn define_enum(name: &str, docs: &str, e: &Enum, out: &mut String) {
    let repr = enum_repr(e.cases.len());
    let _ = writeln!(
        out,
        "{docs}#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]\n#[repr({repr})]\npub enum {name} {{"
    );
    for c in &e.cases {
        out.push_str(&rust_doc(&c.docs, "    "));
        let _ = writeln!(out, "    {},", type_ident(&c.name));
    }
    out.push_str("}\n");
    let _ = writeln!(
        out,
        "impl {name} {{\n    /// The case with discriminant `val`; a value out of range stops the applet.\n    #[doc(hidden)]\n    pub fn _lift(val: u32) -> {name} {{\n        match val {{"
    );
    for (i, c) in e.cases.iter().enumerate() {
        let _ = writeln!(out, "            {i} => {name}::{},", type_ident(&c.name));
    }
    let _ = writeln!(
        out,
        "            _ => _rt::invalid(\"enum discriminant out of range\"),\n        }}\n    }}\n}}"
    );
}

fn define_flags(name: &str, docs: &str, f: &Flags, out: &mut String) {
    let repr = match f.repr() {
        FlagsRepr::U8 => "u8",
        FlagsRepr::U16 => "u16",
        FlagsRepr::U32(_) => "u32",
    };
    let all: u64 = if f.flags.is_empty() {
        0
    } else {
        (1u64 << f.flags.len()) - 1
    };
    let _ = writeln!(
        out,
        "{docs}#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]\npub struct {name} {{\n    bits: {repr},\n}}\nimpl {name} {{"
    );
    for (i, flag) in f.flags.iter().enumerate() {
        out.push_str(&rust_doc(&flag.docs, "    "));
        let _ = writeln!(
            out,
            "    pub const {}: Self = Self {{ bits: 1 << {i} }};",
            escape(crate::codegen::names::shouty(&flag.name))
        );
    }
    let _ = writeln!(
        out,
        r#"    /// No flag set.
    pub const fn empty() -> Self {{ Self {{ bits: 0 }} }}
    /// Every flag set.
    pub const fn all() -> Self {{ Self {{ bits: {all:#x} }} }}
    /// The raw bits.
    pub const fn bits(self) -> {repr} {{ self.bits }}
    /// Flags from raw bits; bits that name no flag are dropped.
    pub const fn from_bits_truncate(bits: {repr}) -> Self {{ Self {{ bits: bits & {all:#x} }} }}
    /// Whether every flag in `other` is set in `self`.
    pub const fn contains(self, other: Self) -> bool {{ self.bits & other.bits == other.bits }}
    /// Whether no flag is set.
    pub const fn is_empty(self) -> bool {{ self.bits == 0 }}
    /// `self` with the flags of `other` added.
    pub const fn union(self, other: Self) -> Self {{ Self {{ bits: self.bits | other.bits }} }}
    /// `self` without the flags of `other`.
    pub const fn difference(self, other: Self) -> Self {{ Self {{ bits: self.bits & !other.bits }} }}
}}
impl ::core::ops::BitOr for {name} {{
    type Output = Self;
    fn bitor(self, other: Self) -> Self {{ self.union(other) }}
}}
impl ::core::ops::BitAnd for {name} {{
    type Output = Self;
    fn bitand(self, other: Self) -> Self {{ Self {{ bits: self.bits & other.bits }} }}
}}
impl ::core::fmt::Debug for {name} {{
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {{
        let mut set = f.debug_set();"#
    );
    for flag in &f.flags {
        let c = escape(crate::codegen::names::shouty(&flag.name));
        let _ = writeln!(
            out,
            "        if self.contains(Self::{c}) {{ set.entry(&\"{}\"); }}",
            flag.name
        );
    }
    out.push_str("        set.finish()\n    }\n}\n");
}

/// The WIT `docs` of an item as `///` lines (re-exported for the driver).
pub fn docs(d: &Docs) -> String {
    rust_doc(d, "")
}

/// Whether `ty` (an element type) has the same layout in Rust as in the canonical ABI.
pub fn is_canonical_elem(ty: &Type) -> bool {
    matches!(
        ty,
        Type::U8
            | Type::S8
            | Type::U16
            | Type::S16
            | Type::U32
            | Type::S32
            | Type::U64
            | Type::S64
            | Type::F32
            | Type::F64
    )
}

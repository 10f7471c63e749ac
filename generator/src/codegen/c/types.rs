//! C names and definitions of WIT types.
//!
//! Every WIT type maps to one C type: named types become `<prefix>_<name>_t`, anonymous ones
//! (`list<u8>`, `option<string>`, ...) become `<world>_<shape>_t` and are defined once. Types that
//! own memory (they contain a string or a list) get a `<type>_free` function; no other type does.

use std::cell::Cell;
use std::collections::{BTreeSet, HashSet};
use std::fmt::Write;

use heck::{ToShoutySnakeCase, ToSnakeCase};
use wit_parser::{Handle, Int, Resolve, Type, TypeDefKind, TypeId};

use super::world::{WorldShape, dealias};
use crate::codegen::ownership::owns_memory;

/// Names and definitions of the C types of one world.
pub struct CTypes<'a> {
    pub resolve: &'a Resolve,
    pub shape: &'a WorldShape,
    /// Typedefs in dependency order.
    pub defs: String,
    /// Prototypes of the `_free` functions and resource helpers, for the header.
    pub helper_decls: String,
    /// Bodies of the `_free` functions and resource helpers, for the source file.
    pub helper_impls: String,
    defined: HashSet<String>,
    visited: BTreeSet<(TypeId, bool)>,
    /// Which side names are for: an interface both imported and exported has two sets.
    pub exporting: Cell<bool>,
}

/// C keywords (and a few reserved identifiers) that WIT names may collide with.
const C_KEYWORDS: &[&str] = &[
    "auto",
    "break",
    "case",
    "char",
    "const",
    "continue",
    "default",
    "do",
    "double",
    "else",
    "enum",
    "extern",
    "float",
    "for",
    "goto",
    "if",
    "inline",
    "int",
    "long",
    "register",
    "restrict",
    "return",
    "short",
    "signed",
    "sizeof",
    "static",
    "struct",
    "switch",
    "typedef",
    "union",
    "unsigned",
    "void",
    "volatile",
    "while",
    "bool",
    "true",
    "false",
    "alignas",
    "alignof",
    "noreturn",
    "static_assert",
    "thread_local",
];

/// snake_case a WIT name and escape C keywords with a trailing `_`.
pub fn c_ident(name: &str) -> String {
    let s = name.to_snake_case();
    if C_KEYWORDS.contains(&s.as_str()) {
        format!("{s}_")
    } else {
        s
    }
}

/// Renders WIT docs as `//` comment lines at `indent`.
pub fn c_docs(out: &mut String, docs: Option<&str>, indent: &str) {
    if let Some(docs) = docs {
        for line in docs.trim().lines() {
            let line = line.trim_end();
            if line.is_empty() {
                let _ = writeln!(out, "{indent}//");
            } else {
                let _ = writeln!(out, "{indent}// {line}");
            }
        }
    }
}

/// The C integer type of a discriminant.
pub fn int_c(int: Int) -> &'static str {
    match int {
        Int::U8 => "uint8_t",
        Int::U16 => "uint16_t",
        Int::U32 => "uint32_t",
        Int::U64 => "uint64_t",
    }
}

impl<'a> CTypes<'a> {
    pub fn new(resolve: &'a Resolve, shape: &'a WorldShape) -> Self {
        CTypes {
            resolve,
            shape,
            defs: String::new(),
            helper_decls: String::new(),
            helper_impls: String::new(),
            defined: HashSet::new(),
            visited: BTreeSet::new(),
            exporting: Cell::new(false),
        }
    }

    /// The world-wide string type.
    pub fn string_t(&self) -> String {
        format!("{}_string_t", self.shape.name)
    }

    /// True if the resource is defined by the applet (declared in an exported interface).
    pub fn is_exported_resource(&self, resource: TypeId) -> bool {
        self.shape.is_exported_resource(
            self.resolve,
            dealias(self.resolve, resource),
            self.exporting.get(),
        )
    }

    /// `<prefix>_<resource>`, the base of every name that belongs to a resource.
    pub fn resource_base(&self, resource: TypeId) -> String {
        let id = dealias(self.resolve, resource);
        let def = &self.resolve.types[id];
        format!(
            "{}_{}",
            self.shape.owner_prefix(def.owner, self.exporting.get()),
            def.name.as_deref().unwrap_or("resource").to_snake_case()
        )
    }

    /// The C type of an owned handle to `resource`.
    pub fn own_t(&self, resource: TypeId) -> String {
        let base = self.resource_base(resource);
        if self.is_exported_resource(resource) {
            let (prefix, name) = self.split_base(resource);
            format!("{prefix}_own_{name}_t")
        } else {
            format!("{base}_t")
        }
    }

    /// The C type of a borrowed handle to `resource`: a handle struct for imported resources, the
    /// applet's own representation pointer for exported ones.
    pub fn borrow_t(&self, resource: TypeId) -> String {
        let base = self.resource_base(resource);
        if self.is_exported_resource(resource) {
            format!("{base}_t *")
        } else {
            let (prefix, name) = self.split_base(resource);
            format!("{prefix}_borrow_{name}_t")
        }
    }

    fn split_base(&self, resource: TypeId) -> (String, String) {
        let id = dealias(self.resolve, resource);
        let def = &self.resolve.types[id];
        (
            self.shape.owner_prefix(def.owner, self.exporting.get()),
            def.name.as_deref().unwrap_or("resource").to_snake_case(),
        )
    }

    /// The C type used for a WIT type.
    pub fn ty(&self, ty: &Type) -> String {
        match ty {
            Type::Bool => "bool".into(),
            Type::U8 => "uint8_t".into(),
            Type::S8 => "int8_t".into(),
            Type::U16 => "uint16_t".into(),
            Type::S16 => "int16_t".into(),
            Type::U32 => "uint32_t".into(),
            Type::S32 => "int32_t".into(),
            Type::U64 => "uint64_t".into(),
            Type::S64 => "int64_t".into(),
            Type::F32 => "float".into(),
            Type::F64 => "double".into(),
            Type::Char => "uint32_t".into(),
            Type::String => self.string_t(),
            Type::ErrorContext => "int32_t".into(),
            Type::Id(id) => {
                let def = &self.resolve.types[*id];
                match &def.kind {
                    TypeDefKind::Handle(Handle::Own(r)) => self.own_t(*r),
                    TypeDefKind::Handle(Handle::Borrow(r)) => self.borrow_t(*r),
                    TypeDefKind::Resource => self.own_t(*id),
                    TypeDefKind::Type(Type::Id(inner))
                        if matches!(
                            self.resolve.types[dealias(self.resolve, *inner)].kind,
                            TypeDefKind::Resource
                        ) =>
                    {
                        self.own_t(*inner)
                    }
                    _ => format!("{}_t", self.base(*id)),
                }
            }
        }
    }

    /// The C name of a non-handle type without the `_t` suffix: also the prefix of its `_free`.
    pub fn base(&self, id: TypeId) -> String {
        let def = &self.resolve.types[id];
        match &def.name {
            Some(name) => format!(
                "{}_{}",
                self.shape.owner_prefix(def.owner, self.exporting.get()),
                name.to_snake_case()
            ),
            None => format!("{}_{}", self.shape.name, self.mangle(&Type::Id(id))),
        }
    }

    /// A name fragment describing the structure of an anonymous type.
    fn mangle(&self, ty: &Type) -> String {
        match ty {
            Type::Bool => "bool".into(),
            Type::U8 => "u8".into(),
            Type::S8 => "s8".into(),
            Type::U16 => "u16".into(),
            Type::S16 => "s16".into(),
            Type::U32 => "u32".into(),
            Type::S32 => "s32".into(),
            Type::U64 => "u64".into(),
            Type::S64 => "s64".into(),
            Type::F32 => "f32".into(),
            Type::F64 => "f64".into(),
            Type::Char => "char".into(),
            Type::String => "string".into(),
            Type::ErrorContext => "error_context".into(),
            Type::Id(id) => {
                let def = &self.resolve.types[*id];
                match &def.kind {
                    TypeDefKind::Type(t) => self.mangle(t),
                    TypeDefKind::Handle(Handle::Own(r)) => {
                        format!("own_{}", self.resource_base(*r))
                    }
                    TypeDefKind::Handle(Handle::Borrow(r)) => {
                        format!("borrow_{}", self.resource_base(*r))
                    }
                    _ if def.name.is_some() => self.base(*id),
                    TypeDefKind::List(t) => format!("list_{}", self.mangle(t)),
                    TypeDefKind::Option(t) => format!("option_{}", self.mangle(t)),
                    TypeDefKind::Result(r) => format!(
                        "result_{}_{}",
                        r.ok.as_ref().map_or("void".into(), |t| self.mangle(t)),
                        r.err.as_ref().map_or("void".into(), |t| self.mangle(t))
                    ),
                    TypeDefKind::Tuple(t) => {
                        let parts: Vec<String> = t.types.iter().map(|t| self.mangle(t)).collect();
                        format!("tuple{}_{}", t.types.len(), parts.join("_"))
                    }
                    _ => format!("anon{}", id.index()),
                }
            }
        }
    }

    /// The statement that frees the memory owned by `*ptr_expr` (a pointer to `ty`).
    pub fn free_call(&self, ty: &Type, ptr_expr: &str) -> String {
        match ty {
            Type::String => format!("{}_string_free({ptr_expr});", self.shape.name),
            Type::Id(id) => format!("{}_free({ptr_expr});", self.base(*id)),
            _ => String::new(),
        }
    }

    /// Defines `ty` (and everything it uses) if it is not defined yet.
    pub fn define(&mut self, ty: &Type) {
        let Type::Id(id) = ty else { return };
        let id = *id;
        if !self.visited.insert((id, self.exporting.get())) {
            return;
        }
        let def = &self.resolve.types[id];
        let kind = def.kind.clone();
        // Dependencies first.
        match &kind {
            TypeDefKind::Record(r) => r.fields.iter().for_each(|f| self.define(&f.ty)),
            TypeDefKind::Tuple(t) => t.types.iter().for_each(|t| self.define(t)),
            TypeDefKind::Variant(v) => v
                .cases
                .iter()
                .filter_map(|c| c.ty.as_ref())
                .for_each(|t| self.define(t)),
            TypeDefKind::Option(t) | TypeDefKind::List(t) | TypeDefKind::Type(t) => self.define(t),
            TypeDefKind::Result(r) => r.ok.iter().chain(r.err.iter()).for_each(|t| self.define(t)),
            TypeDefKind::Handle(Handle::Own(r) | Handle::Borrow(r)) => {
                self.define(&Type::Id(dealias(self.resolve, *r)))
            }
            _ => {}
        }
        let docs = def.docs.contents.clone();
        match kind {
            TypeDefKind::Resource => self.define_resource(id, docs.as_deref()),
            TypeDefKind::Handle(_) => {}
            TypeDefKind::Type(t) => {
                let resource_alias = matches!(t, Type::Id(inner)
                    if matches!(self.resolve.types[dealias(self.resolve, inner)].kind, TypeDefKind::Resource));
                if def.name.is_some() && !resource_alias {
                    let name = format!("{}_t", self.base(id));
                    let target = self.ty(&t);
                    if self.defined.insert(name.clone()) {
                        c_docs(&mut self.defs, docs.as_deref(), "");
                        let _ = writeln!(self.defs, "typedef {target} {name};\n");
                        if owns_memory(self.resolve, &t) {
                            let base = self.base(id);
                            self.free_fn(&base, &name, |this, out| {
                                let _ = writeln!(out, "  {}", this.free_call(&t, "ptr"));
                            });
                        }
                    }
                }
            }
            _ => self.define_struct(id, &kind, docs.as_deref()),
        }
    }

    fn define_resource(&mut self, id: TypeId, docs: Option<&str>) {
        let base = self.resource_base(id);
        let (prefix, name) = self.split_base(id);
        if !self.defined.insert(base.clone()) {
            return;
        }
        if self.is_exported_resource(id) {
            let own = self.own_t(id);
            c_docs(&mut self.defs, docs, "");
            let _ = writeln!(
                self.defs,
                "// Defined by the applet: `struct {base}` holds the resource's state.\n\
                 typedef struct {base} {base}_t;\n\n\
                 // An owned handle to a `{base}_t`, as the host sees it.\n\
                 typedef struct {prefix}_own_{name} {{\n  int32_t handle;\n}} {own};\n"
            );
        } else {
            c_docs(&mut self.defs, docs, "");
            let _ = writeln!(
                self.defs,
                "// An owned handle: release it with `{base}_drop`.\n\
                 typedef struct {base} {{\n  int32_t handle;\n}} {base}_t;\n\n\
                 // A borrowed handle, valid while the owned handle it came from is.\n\
                 typedef struct {prefix}_borrow_{name} {{\n  int32_t handle;\n}} {prefix}_borrow_{name}_t;\n"
            );
        }
    }

    fn define_struct(&mut self, id: TypeId, kind: &TypeDefKind, docs: Option<&str>) {
        let base = self.base(id);
        let name = format!("{base}_t");
        if !self.defined.insert(name.clone()) {
            return;
        }
        let upper = base.to_shouty_snake_case();
        let mut out = String::new();
        c_docs(&mut out, docs, "");
        match kind {
            TypeDefKind::Record(r) => {
                let _ = writeln!(out, "typedef struct {base} {{");
                for f in &r.fields {
                    c_docs(&mut out, f.docs.contents.as_deref(), "  ");
                    let _ = writeln!(out, "  {} {};", self.ty(&f.ty), c_ident(&f.name));
                }
                let _ = writeln!(out, "}} {name};\n");
            }
            TypeDefKind::Tuple(t) => {
                let _ = writeln!(out, "typedef struct {base} {{");
                for (i, t) in t.types.iter().enumerate() {
                    let _ = writeln!(out, "  {} f{i};", self.ty(t));
                }
                let _ = writeln!(out, "}} {name};\n");
            }
            TypeDefKind::Flags(f) => {
                let repr = match f.flags.len() {
                    0..=8 => "uint8_t",
                    9..=16 => "uint16_t",
                    _ => "uint32_t",
                };
                let _ = writeln!(out, "typedef {repr} {name};\n");
                for (i, flag) in f.flags.iter().enumerate() {
                    c_docs(&mut out, flag.docs.contents.as_deref(), "");
                    let _ = writeln!(
                        out,
                        "#define {upper}_{} (({name})1u << {i})",
                        flag.name.to_shouty_snake_case()
                    );
                }
                out.push('\n');
            }
            TypeDefKind::Enum(e) => {
                let _ = writeln!(out, "typedef {} {name};\n", int_c(e.tag()));
                for (i, case) in e.cases.iter().enumerate() {
                    c_docs(&mut out, case.docs.contents.as_deref(), "");
                    let _ = writeln!(
                        out,
                        "#define {upper}_{} {i}",
                        case.name.to_shouty_snake_case()
                    );
                }
                out.push('\n');
            }
            TypeDefKind::Variant(v) => {
                for (i, case) in v.cases.iter().enumerate() {
                    c_docs(&mut out, case.docs.contents.as_deref(), "");
                    let _ = writeln!(
                        out,
                        "#define {upper}_{} {i}",
                        case.name.to_shouty_snake_case()
                    );
                }
                let _ = writeln!(out, "\ntypedef struct {base} {{");
                let _ = writeln!(out, "  {} tag;", int_c(v.tag()));
                if v.cases.iter().any(|c| c.ty.is_some()) {
                    let _ = writeln!(out, "  union {{");
                    for case in &v.cases {
                        if let Some(t) = &case.ty {
                            let _ = writeln!(out, "    {} {};", self.ty(t), c_ident(&case.name));
                        }
                    }
                    let _ = writeln!(out, "  }} val;");
                }
                let _ = writeln!(out, "}} {name};\n");
            }
            TypeDefKind::Option(t) => {
                let _ = writeln!(
                    out,
                    "typedef struct {base} {{\n  bool is_some;\n  {} val;\n}} {name};\n",
                    self.ty(t)
                );
            }
            TypeDefKind::Result(r) => {
                let _ = writeln!(out, "typedef struct {base} {{\n  bool is_err;");
                if r.ok.is_some() || r.err.is_some() {
                    let _ = writeln!(out, "  union {{");
                    if let Some(t) = &r.ok {
                        let _ = writeln!(out, "    {} ok;", self.ty(t));
                    }
                    if let Some(t) = &r.err {
                        let _ = writeln!(out, "    {} err;", self.ty(t));
                    }
                    let _ = writeln!(out, "  }} val;");
                }
                let _ = writeln!(out, "}} {name};\n");
            }
            TypeDefKind::List(t) => {
                let _ = writeln!(
                    out,
                    "typedef struct {base} {{\n  {} *ptr;\n  size_t len;\n}} {name};\n",
                    self.ty(t)
                );
            }
            _ => {}
        }
        self.defs.push_str(&out);
        if owns_memory(self.resolve, &Type::Id(id)) {
            let kind = kind.clone();
            self.free_fn(&base, &name, move |this, out| this.free_body(&kind, out));
        }
    }

    fn free_body(&self, kind: &TypeDefKind, out: &mut String) {
        match kind {
            TypeDefKind::Record(r) => {
                for f in &r.fields {
                    if owns_memory(self.resolve, &f.ty) {
                        let field = format!("&ptr->{}", c_ident(&f.name));
                        let _ = writeln!(out, "  {}", self.free_call(&f.ty, &field));
                    }
                }
            }
            TypeDefKind::Tuple(t) => {
                for (i, t) in t.types.iter().enumerate() {
                    if owns_memory(self.resolve, t) {
                        let _ = writeln!(out, "  {}", self.free_call(t, &format!("&ptr->f{i}")));
                    }
                }
            }
            TypeDefKind::Variant(v) => {
                let _ = writeln!(out, "  switch (ptr->tag) {{");
                for (i, case) in v.cases.iter().enumerate() {
                    if let Some(t) = case.ty.as_ref().filter(|t| owns_memory(self.resolve, t)) {
                        let field = format!("&ptr->val.{}", c_ident(&case.name));
                        let _ = writeln!(
                            out,
                            "    case {i}:\n      {}\n      break;",
                            self.free_call(t, &field)
                        );
                    }
                }
                let _ = writeln!(out, "    default:\n      break;\n  }}");
            }
            TypeDefKind::Option(t) => {
                let _ = writeln!(
                    out,
                    "  if (ptr->is_some) {{\n    {}\n  }}",
                    self.free_call(t, "&ptr->val")
                );
            }
            TypeDefKind::Result(r) => {
                let ok =
                    r.ok.as_ref()
                        .filter(|t| owns_memory(self.resolve, t))
                        .map(|t| self.free_call(t, "&ptr->val.ok"));
                let err = r
                    .err
                    .as_ref()
                    .filter(|t| owns_memory(self.resolve, t))
                    .map(|t| self.free_call(t, "&ptr->val.err"));
                let _ = writeln!(
                    out,
                    "  if (ptr->is_err) {{\n    {}\n  }} else {{\n    {}\n  }}",
                    err.unwrap_or_default(),
                    ok.unwrap_or_default()
                );
            }
            TypeDefKind::List(t) => {
                if owns_memory(self.resolve, t) {
                    let _ = writeln!(
                        out,
                        "  for (size_t i = 0; i < ptr->len; i++) {{\n    {}\n  }}",
                        self.free_call(t, "&ptr->ptr[i]")
                    );
                }
                let _ = writeln!(
                    out,
                    "  embwit_free(ptr->ptr);\n  ptr->ptr = NULL;\n  ptr->len = 0;"
                );
            }
            _ => {}
        }
    }

    fn free_fn(&mut self, base: &str, name: &str, body: impl FnOnce(&Self, &mut String)) {
        let _ = writeln!(
            self.helper_decls,
            "// Frees the memory `*ptr` owns (not `ptr` itself).\nvoid {base}_free({name} *ptr);\n"
        );
        let mut out = String::new();
        body(self, &mut out);
        let _ = writeln!(
            self.helper_impls,
            "void {base}_free({name} *ptr) {{\n{out}}}\n"
        );
    }
}

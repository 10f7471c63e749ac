//! The Rust host-glue backend (`--lang host`): `no_std` + `alloc` code for firmware that runs
//! applets on a core-wasm interpreter, written against `embwit_host`'s runtime-agnostic traits.
//!
//! Per imported interface: its types, a `Host` trait (plus a `Host<Resource>` trait per
//! resource) and `add_to_linker`, which registers every function under both core naming
//! schemes wit-component accepts (legacy `pkg:ns/iface@v` + `[method]r.f`, and `cm32p2|…`).
//! Per exported interface: its types and `call_<func>` wrappers that place arguments with the
//! guest's `cabi_realloc`, lift the results and then call `cabi_post_*`. Lifting and lowering
//! come from `wit_bindgen_core::abi::call` (see [`bindgen`]); layouts, flat signatures and names
//! from wit-parser.

mod bindgen;

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use anyhow::{Context, bail};
use wit_bindgen_core::abi::{self, AbiVariant, LiftLower, WasmType};
use wit_parser::{
    Function, FunctionKind, Handle, InterfaceId, LiftLowerAbi, ManglingAndAbi, Resolve,
    ResourceIntrinsic, SizeAlign, Type, TypeDefKind, TypeId, TypeOwner, WasmExport, WasmExportKind,
    WasmImport, WorldId, WorldItem, WorldKey,
};

use super::names;
use super::{Backend, Files};
use bindgen::{FunctionBindgen, Side, wasm_get};

/// Both core naming schemes: legacy first (what current toolchains emit), then standard.
const MANGLINGS: [ManglingAndAbi; 2] = [
    ManglingAndAbi::Legacy(LiftLowerAbi::Sync),
    ManglingAndAbi::Standard32,
];

/// The `--lang host` backend.
#[derive(Default)]
pub struct HostGlue;

impl Backend for HostGlue {
    fn generate(
        &mut self,
        resolve: &Resolve,
        world: WorldId,
        files: &mut Files,
    ) -> anyhow::Result<()> {
        let (name, code) = generate_world(resolve, world)?;
        files.push(format!("{name}.rs"), code);
        Ok(())
    }
}

/// Generates the host glue for `world`: `(file stem, formatted Rust)`. Also used by the
/// `bindgen!` macro, so both produce the same code.
pub fn generate_world(resolve: &Resolve, world: WorldId) -> anyhow::Result<(String, String)> {
    names::check_supported(resolve, world)?;
    let sizes = names::sizes(resolve)?;
    let w = &resolve.worlds[world];
    let versioned = names::world_has_multiple_versions(resolve, world);

    let mut owners = HashMap::new();
    for (key, item) in &w.imports {
        if let WorldItem::Interface { id, .. } = item {
            owners.insert(*id, module_path(resolve, key, versioned, false));
        }
    }
    // An interface both imported and exported keeps its types in the import module; the
    // export module aliases them.
    let mut export_paths = HashMap::new();
    for (key, item) in &w.exports {
        if let WorldItem::Interface { id, .. } = item {
            let path = module_path(resolve, key, versioned, true);
            owners.entry(*id).or_insert_with(|| path.clone());
            export_paths.insert(*id, path);
        }
    }
    let imported: Vec<InterfaceId> = w
        .imports
        .values()
        .filter_map(|i| match i {
            WorldItem::Interface { id, .. } => Some(*id),
            _ => None,
        })
        .collect();
    let exported = w
        .exports
        .values()
        .filter_map(|i| match i {
            WorldItem::Interface { id, .. } if !imported.contains(id) => Some(*id),
            _ => None,
        })
        .collect();
    let dual = export_paths
        .iter()
        .filter(|(id, _)| imported.contains(id))
        .map(|(id, p)| (*id, p.clone()))
        .collect();
    let types = Types {
        resolve,
        sizes: &sizes,
        owners,
        exported,
        dual,
    };

    let mut modules: BTreeMap<Vec<String>, String> = BTreeMap::new();
    let mut root_bounds = Vec::new();
    let mut root_calls = Vec::new();
    for (key, item) in &w.imports {
        match item {
            WorldItem::Interface { id, .. } => {
                let path = types.owners[id].clone();
                let mut out = String::new();
                types.define_interface_types(*id, &path, &mut out);
                if types.interface_has_host_items(*id) {
                    gen_import_interface(&types, key, *id, &path, &mut out)?;
                    root_bounds.push(format!("{}::Host", path.join("::")));
                    root_calls.push(format!("{}::add_to_linker(linker, get)?;", path.join("::")));
                }
                modules.entry(path).or_default().push_str(&out);
            }
            WorldItem::Type { id, .. } => {
                let mut out = String::new();
                types.define_type(*id, &[], &mut out);
                modules.entry(Vec::new()).or_default().push_str(&out);
            }
            WorldItem::Function(_) => {}
        }
    }
    let world_funcs: Vec<&Function> = w
        .imports
        .values()
        .filter_map(|i| match i {
            WorldItem::Function(f) => Some(f),
            _ => None,
        })
        .collect();
    let mut root_extra = String::new();
    if !world_funcs.is_empty() {
        let mut trait_src = String::new();
        let mut link = String::new();
        let mut funcs = String::new();
        for f in &world_funcs {
            trait_src.push_str(&host_method_sig(&types, f, &[])?);
            gen_import_func(&types, None, f, &[], "Host::", &mut link, &mut funcs)?;
        }
        let _ = write!(
            root_extra,
            "/// Functions the world imports directly.\npub trait Host {{\n{trait_src}}}\n{funcs}"
        );
        root_bounds.push("Host".into());
        root_calls.push(link);
    }
    for (key, item) in &w.exports {
        match item {
            WorldItem::Interface { id, .. } => {
                let path = export_paths[id].clone();
                let mut out = String::new();
                let iface = &resolve.interfaces[*id];
                if types.owners[id] == path {
                    types.define_interface_types(*id, &path, &mut out);
                } else {
                    // Also imported: alias the import module's definitions.
                    for (name, t) in &iface.types {
                        if matches!(resolve.types[*t].kind, TypeDefKind::Resource) {
                            // The guest-defined side: its own marker and table tag.
                            let _ = write!(
                                out,
                                "/// The guest's `{name}` (this interface is also imported: \
                                 the host's one is a different resource).\npub enum {} {{}}\n\
                                 /// Identifies handles to the guest's `{name}` in the instance's handle table.\n\
                                 pub const RESOURCE_{}: &str = \"[export]{}#{name}\";\n",
                                type_ident(name),
                                names::shouty(name),
                                resolve.id_of(*id).unwrap_or_default()
                            );
                            continue;
                        }
                        let _ = writeln!(
                            out,
                            "pub type {} = {};",
                            type_ident(name),
                            types.render(&Type::Id(*t), &path)
                        );
                    }
                }
                for f in iface.functions.values() {
                    gen_export_func(&types, Some(key), f, &path, &mut out)?;
                }
                if gen_guest_resources(&types, key, *id, &mut out) {
                    root_calls.push(format!("{}::add_to_linker(linker)?;", path.join("::")));
                }
                modules.entry(path).or_default().push_str(&out);
            }
            WorldItem::Function(f) => {
                let mut out = String::new();
                gen_export_func(&types, Some(key), f, &[], &mut out)?;
                modules.entry(Vec::new()).or_default().push_str(&out);
            }
            WorldItem::Type { .. } => {}
        }
    }

    let world_name = &w.name;
    let mut src = String::new();
    let bounds = if root_bounds.is_empty() {
        String::new()
    } else {
        format!(" + {}", root_bounds.join(" + "))
    };
    let _ = write!(
        src,
        "/// Registers every function the `{world_name}` world imports: `get` projects the store's\n\
         /// data to the value implementing the `Host` traits.\n\
         #[allow(unused_variables)]\n\
         pub fn add_to_linker<T: 'static, U: 'static{bounds}, L: embwit_host::Linker<T>>(\
         linker: &mut L, get: fn(&mut T) -> &mut U) -> Result<(), embwit_host::engine::LinkError> {{\n\
         {}\nOk(())\n}}\n",
        root_calls.join("\n")
    );
    src.push_str(&root_extra);
    src.push_str(&render_modules(&modules));
    let formatted = names::format_rust(&src)?;
    let header = format!(
        "// Generated by `embwit gen --lang host` for world `{}`. Do not edit.\n\n",
        names::qualified_world_name(resolve, world)
    );
    Ok((names::snake(world_name), header + &formatted))
}

/// Nests the per-interface code into `pub mod` blocks.
fn render_modules(modules: &BTreeMap<Vec<String>, String>) -> String {
    fn render(prefix: &[String], modules: &BTreeMap<Vec<String>, String>, out: &mut String) {
        if let Some(code) = modules.get(prefix) {
            out.push_str(code);
        }
        for child in names::module_children(modules, prefix) {
            let mut p = prefix.to_vec();
            p.push(child.clone());
            let _ = writeln!(
                out,
                "#[allow(unused_imports, unused_variables, unused_mut, clippy::all)]\npub mod {child} {{"
            );
            render(&p, modules, out);
            out.push_str("}\n");
        }
    }
    let mut out = String::new();
    render(&[], modules, &mut out);
    out
}

fn module_path(resolve: &Resolve, key: &WorldKey, versioned: bool, export: bool) -> Vec<String> {
    let mut p: Vec<String> = if export {
        vec!["exports".into()]
    } else {
        Vec::new()
    };
    p.extend(
        names::interface_segments(resolve, key, versioned)
            .iter()
            .map(|s| ident(&names::snake(s))),
    );
    p
}

const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "else", "enum", "extern", "false", "fn", "for", "if",
    "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static",
    "struct", "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn",
    "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof", "unsized",
    "virtual", "yield", "try", "gen",
];

/// Escapes a Rust keyword (`r#type`; `self`/`super`/`crate`/`Self` get a trailing `_`).
fn ident(s: &str) -> String {
    if matches!(s, "self" | "super" | "crate" | "Self") {
        format!("{s}_")
    } else if KEYWORDS.contains(&s) {
        format!("r#{s}")
    } else {
        s.to_string()
    }
}

/// A struct field or parameter name.
pub(crate) fn field_name(s: &str) -> String {
    ident(&names::snake(s))
}

/// A type, variant case or trait name.
pub(crate) fn type_name(s: &str) -> String {
    ident(&names::upper_camel(s))
}

/// A named type's Rust name. Names that would shadow what the glue relies on (prelude types and
/// variants, its own traits and generic parameters) get a trailing `_`.
pub(crate) fn type_ident(s: &str) -> String {
    let n = type_name(s);
    match n.as_str() {
        "Result" | "Option" | "Ok" | "Err" | "Some" | "None" | "Vec" | "String" | "Box"
        | "Host" | "T" | "U" | "L" => format!("{n}_"),
        _ => n,
    }
}

/// Parameter names that would shadow the glue's own locals get a trailing `_`.
fn param_name(s: &str) -> String {
    let n = field_name(s);
    match n.as_str() {
        "cx" | "get" | "args" | "rets" | "host" | "linker" | "lent" => format!("{n}_"),
        _ => n,
    }
}

/// Type rendering and definitions, shared by every function of the world.
pub struct Types<'a> {
    resolve: &'a Resolve,
    sizes: &'a SizeAlign,
    owners: HashMap<InterfaceId, Vec<String>>,
    /// Interfaces the guest exports but does not import: their resources are guest-defined.
    exported: Vec<InterfaceId>,
    /// Interfaces the world both imports and exports, with the export module's path: their
    /// resources are host-defined in code of the import module and guest-defined in code of
    /// the export module (`exports::…`), each side with its own marker type and table tag.
    dual: HashMap<InterfaceId, Vec<String>>,
}

fn relative(from: &[String], to: &[String], name: &str) -> String {
    if from == to {
        return name.to_string();
    }
    let common = from.iter().zip(to).take_while(|(a, b)| a == b).count();
    let mut s = "super::".repeat(from.len() - common);
    for seg in &to[common..] {
        s.push_str(seg);
        s.push_str("::");
    }
    s.push_str(name);
    s
}

impl Types<'_> {
    fn module_of(&self, id: TypeId) -> Vec<String> {
        match self.resolve.types[id].owner {
            TypeOwner::Interface(i) => self.owners.get(&i).cloned().unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// The module defining resource `id` as seen from code in `from`: for an interface both
    /// imported and exported, code under `exports::` sees the guest-defined side.
    fn resource_module(&self, id: TypeId, from: &[String]) -> Vec<String> {
        if let TypeOwner::Interface(i) = self.resolve.types[id].owner
            && let Some(export) = self.dual.get(&i)
            && from.first().map(String::as_str) == Some("exports")
        {
            return export.clone();
        }
        self.module_of(id)
    }

    /// The Rust type for `t`, as seen from module `from`.
    pub fn render(&self, t: &Type, from: &[String]) -> String {
        match t {
            Type::String => "embwit_host::__rt::String".into(),
            Type::ErrorContext => "()".into(),
            Type::Id(id) => {
                let def = &self.resolve.types[*id];
                if let Some(name) = &def.name {
                    let module = if matches!(def.kind, TypeDefKind::Resource) {
                        self.resource_module(*id, from)
                    } else {
                        self.module_of(*id)
                    };
                    return relative(from, &module, &type_ident(name));
                }
                self.render_anonymous(&def.kind, from)
            }
            scalar => names::rust_scalar(scalar).unwrap_or_default().into(),
        }
    }

    fn render_anonymous(&self, kind: &TypeDefKind, from: &[String]) -> String {
        match kind {
            TypeDefKind::List(t) => format!("embwit_host::__rt::Vec<{}>", self.render(t, from)),
            TypeDefKind::Option(t) => format!("Option<{}>", self.render(t, from)),
            TypeDefKind::Result(r) => format!(
                "Result<{}, {}>",
                r.ok.as_ref().map_or("()".into(), |t| self.render(t, from)),
                r.err.as_ref().map_or("()".into(), |t| self.render(t, from))
            ),
            TypeDefKind::Tuple(t) => {
                let items: Vec<String> = t.types.iter().map(|t| self.render(t, from)).collect();
                if items.len() == 1 {
                    format!("({},)", items[0])
                } else {
                    format!("({})", items.join(", "))
                }
            }
            TypeDefKind::Handle(Handle::Own(r) | Handle::Borrow(r)) => format!(
                "embwit_host::Resource<{}>",
                self.render(&Type::Id(*r), from)
            ),
            TypeDefKind::Type(t) => self.render(t, from),
            _ => "()".into(),
        }
    }

    /// Whether resource `r` is defined by the guest (declared in an interface it exports).
    pub fn is_guest_resource(&self, r: TypeId, from: &[String]) -> bool {
        let r = self.resolve_alias(r);
        match self.resolve.types[r].owner {
            TypeOwner::Interface(i) if self.exported.contains(&i) => true,
            TypeOwner::Interface(i) if self.dual.contains_key(&i) => {
                from.first().map(String::as_str) == Some("exports")
            }
            _ => false,
        }
    }

    /// Path of the `&'static str` tag that identifies resource `r` in handle tables.
    pub fn resource_const_path(&self, r: TypeId, from: &[String]) -> String {
        let r = self.resolve_alias(r);
        let name = self.resolve.types[r].name.as_deref().unwrap_or("resource");
        relative(
            from,
            &self.resource_module(r, from),
            &format!("RESOURCE_{}", names::shouty(name)),
        )
    }

    fn resolve_alias(&self, mut id: TypeId) -> TypeId {
        while let TypeDefKind::Type(Type::Id(next)) = &self.resolve.types[id].kind {
            id = *next;
        }
        id
    }

    fn has_handle(&self, t: &Type) -> bool {
        let Type::Id(id) = t else { return false };
        match &self.resolve.types[*id].kind {
            TypeDefKind::Handle(_) | TypeDefKind::Resource => true,
            TypeDefKind::Record(r) => r.fields.iter().any(|f| self.has_handle(&f.ty)),
            TypeDefKind::Tuple(t) => t.types.iter().any(|t| self.has_handle(t)),
            TypeDefKind::Variant(v) => v
                .cases
                .iter()
                .filter_map(|c| c.ty.as_ref())
                .any(|t| self.has_handle(t)),
            TypeDefKind::Option(t) | TypeDefKind::List(t) | TypeDefKind::Type(t) => {
                self.has_handle(t)
            }
            TypeDefKind::Result(r) => r.ok.iter().chain(&r.err).any(|t| self.has_handle(t)),
            _ => false,
        }
    }

    fn interface_has_host_items(&self, id: InterfaceId) -> bool {
        let iface = &self.resolve.interfaces[id];
        !iface.functions.is_empty()
            || iface
                .types
                .values()
                .any(|t| matches!(self.resolve.types[*t].kind, TypeDefKind::Resource))
    }

    fn define_interface_types(&self, id: InterfaceId, path: &[String], out: &mut String) {
        for t in self.resolve.interfaces[id].types.values() {
            self.define_type(*t, path, out);
        }
    }

    /// Emits the Rust definition of the named type `id` into module `path`.
    fn define_type(&self, id: TypeId, path: &[String], out: &mut String) {
        let def = &self.resolve.types[id];
        let Some(wit_name) = &def.name else { return };
        let name = type_ident(wit_name);
        let docs = names::rust_doc(&def.docs, "");
        let derive = |extra: &str| {
            let clone = if self.has_handle(&Type::Id(id)) {
                ""
            } else {
                "Clone, "
            };
            format!("#[derive({clone}Debug, PartialEq{extra})]\n")
        };
        match &def.kind {
            TypeDefKind::Record(r) => {
                let _ = writeln!(out, "{docs}{}pub struct {name} {{", derive(""));
                for f in &r.fields {
                    let _ = writeln!(
                        out,
                        "{}pub {}: {},",
                        names::rust_doc(&f.docs, ""),
                        field_name(&f.name),
                        self.render(&f.ty, path)
                    );
                }
                out.push_str("}\n");
            }
            TypeDefKind::Variant(v) => {
                let _ = writeln!(out, "{docs}{}pub enum {name} {{", derive(""));
                for c in &v.cases {
                    let payload =
                        c.ty.as_ref()
                            .map(|t| format!("({})", self.render(t, path)))
                            .unwrap_or_default();
                    let _ = writeln!(
                        out,
                        "{}{}{payload},",
                        names::rust_doc(&c.docs, ""),
                        type_name(&c.name)
                    );
                }
                out.push_str("}\n");
            }
            TypeDefKind::Enum(e) => {
                let _ = write!(
                    out,
                    "{docs}#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]\npub enum {name} {{\n"
                );
                for c in &e.cases {
                    let _ = writeln!(
                        out,
                        "{}{},",
                        names::rust_doc(&c.docs, ""),
                        type_name(&c.name)
                    );
                }
                out.push_str("}\n");
            }
            TypeDefKind::Flags(f) => {
                let _ = write!(
                    out,
                    "{docs}#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]\npub struct {name}(u32);\nimpl {name} {{\n"
                );
                for (i, flag) in f.flags.iter().enumerate() {
                    let _ = writeln!(
                        out,
                        "{}pub const {}: Self = Self(1 << {i});",
                        names::rust_doc(&flag.docs, ""),
                        names::shouty(&flag.name)
                    );
                }
                let all = if f.flags.len() >= 32 {
                    "u32::MAX".to_string()
                } else {
                    format!("(1u32 << {}) - 1", f.flags.len())
                };
                let _ = write!(
                    out,
                    "/// No flag set.\npub const fn empty() -> Self {{ Self(0) }}\n\
                     /// The raw bits.\npub const fn bits(self) -> u32 {{ self.0 }}\n\
                     /// Keeps the bits that name a flag, drops the rest (the canonical ABI ignores them).\n\
                     pub const fn from_bits_truncate(bits: u32) -> Self {{ Self(bits & ({all})) }}\n\
                     /// Whether every flag of `other` is set.\npub const fn contains(self, other: Self) -> bool {{ self.0 & other.0 == other.0 }}\n\
                     }}\n\
                     impl core::ops::BitOr for {name} {{ type Output = Self; fn bitor(self, o: Self) -> Self {{ Self(self.0 | o.0) }} }}\n"
                );
            }
            TypeDefKind::Resource => {
                let qualified = match def.owner {
                    TypeOwner::Interface(i) => {
                        format!("{}#{wit_name}", self.resolve.id_of(i).unwrap_or_default())
                    }
                    _ => wit_name.clone(),
                };
                let _ = write!(
                    out,
                    "{docs}pub enum {name} {{}}\n\
                     /// Identifies `{wit_name}` handles in the instance's handle table.\n\
                     pub const RESOURCE_{}: &str = {qualified:?};\n",
                    names::shouty(wit_name)
                );
            }
            kind => {
                let _ = writeln!(
                    out,
                    "{docs}pub type {name} = {};",
                    self.render_anonymous(kind, path)
                );
            }
        }
    }
}

/// Core value types of a flat signature.
fn val_types(tys: &[WasmType]) -> String {
    let items: Vec<&str> = tys
        .iter()
        .map(|t| match wasm_get(*t) {
            "i64" => "embwit_host::ValType::I64",
            "f32" => "embwit_host::ValType::F32",
            "f64" => "embwit_host::ValType::F64",
            _ => "embwit_host::ValType::I32",
        })
        .collect();
    format!("&[{}]", items.join(", "))
}

/// Which trait a function belongs to and its Rust method name.
fn trait_and_method(resolve: &Resolve, f: &Function) -> (Option<TypeId>, String) {
    let name = ident(&names::snake(f.item_name()));
    match &f.kind {
        FunctionKind::Constructor(r) => (Some(*r), "new".into()),
        FunctionKind::Method(r) | FunctionKind::Static(r) => (Some(*r), name),
        _ => {
            let _ = resolve;
            (None, name)
        }
    }
}

/// The `fn ...;` line of a host trait method.
fn host_method_sig(types: &Types<'_>, f: &Function, module: &[String]) -> anyhow::Result<String> {
    let (_, method) = trait_and_method(types.resolve, f);
    let mut params = String::new();
    for p in &f.params {
        let _ = write!(
            params,
            ", {}: {}",
            param_name(&p.name),
            types.render(&p.ty, module)
        );
    }
    let ret = f
        .result
        .as_ref()
        .map(|t| format!(" -> {}", types.render(t, module)))
        .unwrap_or_default();
    Ok(format!(
        "{}fn {method}(&mut self{params}){ret};\n",
        names::rust_doc(&f.docs, "")
    ))
}

fn gen_import_interface(
    types: &Types<'_>,
    key: &WorldKey,
    id: InterfaceId,
    path: &[String],
    out: &mut String,
) -> anyhow::Result<()> {
    let resolve = types.resolve;
    let iface = &resolve.interfaces[id];
    let mut per_resource: BTreeMap<String, (TypeId, String)> = BTreeMap::new();
    let mut host = String::new();
    let mut link = String::new();
    let mut funcs = String::new();
    for (name, t) in &iface.types {
        if matches!(resolve.types[*t].kind, TypeDefKind::Resource) {
            per_resource.insert(name.clone(), (*t, String::new()));
        }
    }
    for f in iface.functions.values() {
        let sig = host_method_sig(types, f, path)?;
        let (owner, _) = trait_and_method(resolve, f);
        let callee = match owner {
            Some(r) => {
                let rname = resolve.types[r].name.clone().unwrap_or_default();
                per_resource
                    .get_mut(&rname)
                    .context("method of a resource defined elsewhere")?
                    .1
                    .push_str(&sig);
                format!("Host{}::", type_name(&rname))
            }
            None => {
                host.push_str(&sig);
                "Host::".into()
            }
        };
        gen_import_func(types, Some(key), f, path, &callee, &mut link, &mut funcs)?;
    }
    let mut supers = Vec::new();
    for (rname, (rid, methods)) in &per_resource {
        let tn = type_name(rname);
        let marker = type_ident(rname);
        supers.push(format!("Host{tn}"));
        let _ = write!(
            out,
            "/// The host's implementation of resource `{rname}`.\npub trait Host{tn} {{\n{methods}\
             /// The guest dropped its last handle to `rep`.\nfn drop(&mut self, rep: embwit_host::Resource<{marker}>);\n}}\n"
        );
        gen_resource_drop(types, key, *rid, &tn, &mut link, &mut funcs);
    }
    let supers = if supers.is_empty() {
        String::new()
    } else {
        format!(": {}", supers.join(" + "))
    };
    let _ = write!(
        out,
        "/// The host's implementation of `{}`.\npub trait Host{supers} {{\n{host}}}\n",
        resolve.name_world_key(key)
    );
    let _ = write!(
        out,
        "/// Registers this interface's functions (both core naming schemes).\n\
         pub fn add_to_linker<T: 'static, U: Host + 'static, L: embwit_host::Linker<T>>(\
         linker: &mut L, get: fn(&mut T) -> &mut U) -> Result<(), embwit_host::engine::LinkError> {{\n\
         {link}Ok(())\n}}\n{funcs}"
    );
    Ok(())
}

fn dedup_names(mut names: Vec<(String, String)>) -> Vec<(String, String)> {
    names.dedup();
    names
}

fn gen_resource_drop(
    types: &Types<'_>,
    key: &WorldKey,
    rid: TypeId,
    tn: &str,
    link: &mut String,
    funcs: &mut String,
) {
    let c = format!(
        "RESOURCE_{}",
        names::shouty(types.resolve.types[rid].name.as_deref().unwrap_or(""))
    );
    let names = dedup_names(
        MANGLINGS
            .iter()
            .map(|m| {
                types.resolve.wasm_import_name(
                    *m,
                    WasmImport::ResourceIntrinsic {
                        interface: Some(key),
                        resource: rid,
                        intrinsic: ResourceIntrinsic::ImportedDrop,
                    },
                )
            })
            .collect(),
    );
    let fname = format!("import_{}_drop", names::snake(tn));
    let _ = write!(
        funcs,
        "fn {fname}<T, U: Host>(get: fn(&mut T) -> &mut U, cx: &mut dyn embwit_host::HostCtx<T>, \
         args: &[embwit_host::Val], rets: &mut [embwit_host::Val]) -> Result<(), embwit_host::Trap> {{\n\
         let args = embwit_host::abi::args::<1>(args)?;\n\
         if let Some(rep) = cx.handles().drop_handle({c}, args[0].i32()?)? {{\n\
         let host = get(cx.data()); Host{tn}::drop(host, embwit_host::Resource::new(rep));\n}}\n\
         embwit_host::abi::set_results(rets, &[])\n}}\n"
    );
    for (module, name) in names {
        let _ = writeln!(
            link,
            "linker.define({module:?}, {name:?}, &[embwit_host::ValType::I32], &[], move |cx, args, rets| {fname}(get, cx, args, rets))?;"
        );
    }
}

fn gen_import_func(
    types: &Types<'_>,
    key: Option<&WorldKey>,
    f: &Function,
    path: &[String],
    callee: &str,
    link: &mut String,
    funcs: &mut String,
) -> anyhow::Result<()> {
    let resolve = types.resolve;
    let sig = resolve.wasm_signature(AbiVariant::GuestImport, f);
    let (_, method) = trait_and_method(resolve, f);
    let mut b = FunctionBindgen::new(types, Side::Import, path);
    b.callee = format!("{callee}{method}");
    b.result_types = sig.results.clone();
    let mut prelude = format!(
        "let args = embwit_host::abi::args::<{}>(args)?;\n",
        sig.params.len()
    );
    for (i, t) in sig.params.iter().enumerate() {
        let _ = writeln!(prelude, "let a{i} = args[{i}].{}()?;", wasm_get(*t));
        b.params.push(format!("a{i}"));
    }
    if sig.indirect_params {
        let info = types.sizes.record(f.params.iter().map(|p| &p.ty));
        let _ = writeln!(
            prelude,
            "embwit_host::abi::check_area(cx, a0, {}, {}, \"the parameters of `{}`\")?;",
            info.size.size_wasm32(),
            info.align.align_wasm32(),
            f.name
        );
    }
    if sig.retptr {
        let info = types.sizes.params(&f.result);
        let _ = writeln!(
            prelude,
            "embwit_host::abi::check_area(cx, a{}, {}, {}, \"the return area of `{}`\")?;",
            sig.params.len() - 1,
            info.size.size_wasm32(),
            info.align.align_wasm32(),
            f.name
        );
    }
    abi::call(
        resolve,
        AbiVariant::GuestImport,
        LiftLower::LiftArgsLowerResults,
        f,
        &mut b,
        false,
    );
    if let Some(e) = b.error.take() {
        bail!(
            "function `{}`: the host backend does not support {e}",
            f.name
        );
    }
    let body = b.into_code();
    let names = dedup_names(
        MANGLINGS
            .iter()
            .map(|m| {
                resolve.wasm_import_name(
                    *m,
                    WasmImport::Func {
                        interface: key,
                        func: f,
                    },
                )
            })
            .collect(),
    );
    let fname = match trait_and_method(resolve, f) {
        (Some(r), m) => format!(
            "import_{}_{}",
            names::snake(resolve.types[r].name.as_deref().unwrap_or("")),
            m.trim_start_matches("r#")
        ),
        (None, m) => format!("import_{}", m.trim_start_matches("r#")),
    };
    let _ = write!(
        funcs,
        "fn {fname}<T, U: Host>(get: fn(&mut T) -> &mut U, cx: &mut dyn embwit_host::HostCtx<T>, \
         args: &[embwit_host::Val], rets: &mut [embwit_host::Val]) -> Result<(), embwit_host::Trap> {{\n{prelude}{body}}}\n"
    );
    for (module, name) in names {
        let _ = writeln!(
            link,
            "linker.define({module:?}, {name:?}, {}, {}, move |cx, args, rets| {fname}(get, cx, args, rets))?;",
            val_types(&sig.params),
            val_types(&sig.results)
        );
    }
    Ok(())
}

fn gen_export_func(
    types: &Types<'_>,
    key: Option<&WorldKey>,
    f: &Function,
    path: &[String],
    out: &mut String,
) -> anyhow::Result<()> {
    let resolve = types.resolve;
    let rust_name = match trait_and_method(resolve, f) {
        (Some(r), m) => format!(
            "call_{}_{}",
            names::snake(resolve.types[r].name.as_deref().unwrap_or("")),
            m.trim_start_matches("r#")
        ),
        (None, m) => format!("call_{}", m.trim_start_matches("r#")),
    };
    let mut b = FunctionBindgen::new(types, Side::Export, path);
    b.func_name = f.name.clone();
    if resolve.wasm_signature(AbiVariant::GuestExport, f).retptr {
        let info = types.sizes.params(&f.result);
        b.ret_area = Some((info.size.size_wasm32(), info.align.align_wasm32()));
    }
    let mut params = String::new();
    for p in &f.params {
        let n = param_name(&p.name);
        let _ = write!(params, ", {n}: {}", export_param_type(types, &p.ty, path));
        b.params.push(n);
    }
    b.export_names = MANGLINGS
        .iter()
        .map(|m| {
            resolve.wasm_export_name(
                *m,
                WasmExport::Func {
                    interface: key,
                    func: f,
                    kind: WasmExportKind::Normal,
                },
            )
        })
        .collect();
    if abi::guest_export_needs_post_return(resolve, f) {
        b.post_names = MANGLINGS
            .iter()
            .map(|m| {
                resolve.wasm_export_name(
                    *m,
                    WasmExport::Func {
                        interface: key,
                        func: f,
                        kind: WasmExportKind::PostReturn,
                    },
                )
            })
            .collect();
    }
    abi::call(
        resolve,
        AbiVariant::GuestExport,
        LiftLower::LowerArgsLiftResults,
        f,
        &mut b,
        false,
    );
    if let Some(e) = b.error.take() {
        bail!(
            "function `{}`: the host backend does not support {e}",
            f.name
        );
    }
    let ret = f
        .result
        .as_ref()
        .map(|t| types.render(t, path))
        .unwrap_or_else(|| "()".into());
    let body = b.into_code();
    let _ = write!(
        out,
        "{}/// Calls the guest's `{}` export.\npub fn {rust_name}(cx: &mut dyn embwit_host::ExportCtx{params}) -> Result<{ret}, embwit_host::Trap> {{\n{body}}}\n",
        names::rust_doc(&f.docs, ""),
        f.name,
    );
    Ok(())
}

/// Export parameters: `&str` and `&[T]` (for number lists) at the top level, owned otherwise.
fn export_param_type(types: &Types<'_>, t: &Type, path: &[String]) -> String {
    match t {
        Type::String => "&str".into(),
        Type::Id(id) => match &types.resolve.types[*id].kind {
            TypeDefKind::List(e) if is_number(types.resolve, e) => {
                format!("&[{}]", types.render(e, path))
            }
            TypeDefKind::Handle(Handle::Borrow(_)) => format!("&{}", types.render(t, path)),
            _ => types.render(t, path),
        },
        _ => types.render(t, path),
    }
}

/// Whether `t` is (an alias of) a number type, whose lists are copied as raw bytes.
fn is_number(resolve: &Resolve, t: &Type) -> bool {
    match t {
        Type::U8
        | Type::S8
        | Type::U16
        | Type::S16
        | Type::U32
        | Type::S32
        | Type::U64
        | Type::S64
        | Type::F32
        | Type::F64 => true,
        Type::Id(id) => match &resolve.types[*id].kind {
            TypeDefKind::Type(t) => is_number(resolve, t),
            _ => false,
        },
        _ => false,
    }
}

/// For each resource the guest defines in exported interface `id`: a `drop_<r>` helper that runs
/// the guest's destructor, and the `[resource-new]`/`[resource-rep]`/`[resource-drop]` imports
/// the guest uses to manage its handles, registered by an `add_to_linker` in the export module.
/// Returns whether there were any.
fn gen_guest_resources(
    types: &Types<'_>,
    key: &WorldKey,
    id: InterfaceId,
    out: &mut String,
) -> bool {
    let resolve = types.resolve;
    let resources: Vec<(&String, TypeId)> = resolve.interfaces[id]
        .types
        .iter()
        .filter(|(_, t)| matches!(resolve.types[**t].kind, TypeDefKind::Resource))
        .map(|(n, t)| (n, *t))
        .collect();
    if resources.is_empty() {
        return false;
    }
    let mut link = String::new();
    let mut funcs = String::new();
    for (wit_name, rid) in resources {
        let tn = type_ident(wit_name);
        let sn = names::snake(wit_name);
        let tag = format!("RESOURCE_{}", names::shouty(wit_name));
        let dtor: Vec<String> = MANGLINGS
            .iter()
            .map(|m| {
                format!(
                    "{:?}",
                    resolve.wasm_export_name(
                        *m,
                        WasmExport::ResourceDtor {
                            interface: key,
                            resource: rid,
                        },
                    )
                )
            })
            .collect();
        let dtor = dtor.join(", ");
        let _ = write!(
            out,
            "/// Drops the host's handle to a guest `{wit_name}`: runs the guest's destructor.\n\
             pub fn drop_{sn}(cx: &mut dyn embwit_host::ExportCtx, r: embwit_host::Resource<{tn}>) -> Result<(), embwit_host::Trap> {{\n\
             cx.call_optional(&[{dtor}], &[embwit_host::Val::I32(r.rep() as i32)], &mut [])?;\nOk(())\n}}\n"
        );
        let intrinsic = |mk: fn() -> ResourceIntrinsic| {
            dedup_names(
                MANGLINGS
                    .iter()
                    .map(|m| {
                        resolve.wasm_import_name(
                            *m,
                            WasmImport::ResourceIntrinsic {
                                interface: Some(key),
                                resource: rid,
                                intrinsic: mk(),
                            },
                        )
                    })
                    .collect(),
            )
        };
        let _ = write!(
            funcs,
            "fn resource_new_{sn}<T>(cx: &mut dyn embwit_host::HostCtx<T>, args: &[embwit_host::Val], rets: &mut [embwit_host::Val]) -> Result<(), embwit_host::Trap> {{\n\
             let args = embwit_host::abi::args::<1>(args)?;\n\
             let h = cx.handles().insert({tag}, args[0].i32()? as u32)?;\n\
             embwit_host::abi::set_results(rets, &[embwit_host::Val::I32(h)])\n}}\n\
             fn resource_rep_{sn}<T>(cx: &mut dyn embwit_host::HostCtx<T>, args: &[embwit_host::Val], rets: &mut [embwit_host::Val]) -> Result<(), embwit_host::Trap> {{\n\
             let args = embwit_host::abi::args::<1>(args)?;\n\
             let rep = cx.handles().borrow({tag}, args[0].i32()?)?;\n\
             embwit_host::abi::set_results(rets, &[embwit_host::Val::I32(rep as i32)])\n}}\n\
             fn resource_drop_{sn}<T>(cx: &mut dyn embwit_host::HostCtx<T>, args: &[embwit_host::Val], rets: &mut [embwit_host::Val]) -> Result<(), embwit_host::Trap> {{\n\
             let args = embwit_host::abi::args::<1>(args)?;\n\
             if let Some(rep) = cx.handles().drop_handle({tag}, args[0].i32()?)? {{\n\
             cx.call_export(&[{dtor}], &[embwit_host::Val::I32(rep as i32)], &mut [])?;\n}}\n\
             embwit_host::abi::set_results(rets, &[])\n}}\n"
        );
        let i32 = "embwit_host::ValType::I32";
        for (what, op, results) in [
            (
                "new",
                (|| ResourceIntrinsic::ExportedNew) as fn() -> ResourceIntrinsic,
                format!("&[{i32}]"),
            ),
            (
                "rep",
                || ResourceIntrinsic::ExportedRep,
                format!("&[{i32}]"),
            ),
            (
                "drop",
                || ResourceIntrinsic::ExportedDrop,
                "&[]".to_string(),
            ),
        ] {
            for (module, name) in intrinsic(op) {
                let _ = writeln!(
                    link,
                    "linker.define({module:?}, {name:?}, &[{i32}], {results}, resource_{what}_{sn})?;"
                );
            }
        }
    }
    let _ = write!(
        out,
        "/// Registers the imports the guest uses to manage handles to the resources it defines.\n\
         pub fn add_to_linker<T: 'static, L: embwit_host::Linker<T>>(linker: &mut L) -> Result<(), embwit_host::engine::LinkError> {{\n\
         {link}Ok(())\n}}\n{funcs}"
    );
    true
}

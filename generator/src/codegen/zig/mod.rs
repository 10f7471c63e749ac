//! `embwit gen --lang zig`: one `.zig` file per world, for Zig 0.17.1 (PyPI `ziglang==0.17.1`).
//!
//! Idiomatic Zig, not a wrapper over the C header: interfaces are nested namespaces, resources are
//! structs with methods and `deinit`, lists and strings are slices, `option` is `?T`, a `result`
//! whose error is a WIT enum is an error union (else the tagged union `Result(T, E)`), flags are
//! `packed struct`s. Functions whose results own memory take a `std.mem.Allocator`. Exports are
//! `export fn` wrappers calling the namespace the applet's root file declares for each exported
//! interface (`pub const lifecycle = struct { pub fn init(...) ... };`). The `component-type`
//! section is emitted by a `comptime { asm (...) }` block. Lifting and lowering come from
//! `wit_bindgen_core::abi::call`, like every backend.

mod bindgen;
mod types;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write;

use anyhow::Result;
use heck::ToSnakeCase;
use wit_bindgen_core::abi::{self, AbiVariant, LiftLower};
use wit_parser::{
    Function, FunctionKind, Resolve, SizeAlign, Type, TypeDefKind, TypeId, WorldId, WorldKey,
};

use self::bindgen::{FunctionBindgen, RetArea, wasm_zig};
use self::types::{ZigTypes, field, func, type_name, zig_docs, zig_ident};
use super::c::world::{self as shape_mod, Scope, WorldShape, func_resource};
use super::names::{self, ResourceOp};
use super::ownership::owns_memory;
use super::{Backend, Files};

/// The Zig backend.
#[derive(Default)]
pub struct Zig;

/// One namespace of the generated file.
#[derive(Default)]
struct Node {
    body: String,
    docs: Option<String>,
    children: BTreeMap<String, Node>,
}

impl Node {
    fn at(&mut self, path: &[String]) -> &mut Node {
        let mut node = self;
        for seg in path {
            node = node.children.entry(seg.clone()).or_default();
        }
        node
    }

    fn render(&self, out: &mut String) {
        out.push_str(&self.body);
        for (name, child) in &self.children {
            zig_docs(out, child.docs.as_deref());
            let _ = writeln!(out, "pub const {name} = struct {{");
            child.render(out);
            out.push_str("};\n\n");
        }
    }
}

/// Namespace segments of an interface scope (with the package version when the world holds two
/// versions of one package).
fn scope_path(resolve: &Resolve, scope: &Scope, exported: bool, versioned: bool) -> Vec<String> {
    let mut path = Vec::new();
    if exported {
        path.push("exports".to_string());
    }
    if let Some(key) = &scope.key {
        path.extend(
            names::interface_segments(resolve, key, versioned)
                .iter()
                .map(|s| zig_ident(&s.to_snake_case())),
        );
    }
    path
}

/// The name under which the applet's root file provides an exported scope.
fn impl_name(resolve: &Resolve, scope: &Scope, all: &[Scope]) -> Option<String> {
    let iface = scope.interface?;
    let name = resolve.interfaces[iface].name.as_deref().unwrap_or("iface");
    let clashes = all
        .iter()
        .filter_map(|s| s.interface)
        .filter(|i| resolve.interfaces[*i].name.as_deref() == Some(name))
        .count()
        > 1;
    Some(if clashes {
        scope.prefix.trim_start_matches("exports_").to_string()
    } else {
        zig_ident(&name.to_snake_case())
    })
}

/// Path tables for `shape`: namespaces of both sides, and the applet's implementation names.
fn tables<'a>(resolve: &'a Resolve, shape: &'a WorldShape, world: WorldId) -> ZigTypes<'a> {
    let versioned = names::world_has_multiple_versions(resolve, world);
    let mut import_paths = HashMap::new();
    let mut export_paths = HashMap::new();
    let mut impl_ns = HashMap::new();
    for scope in &shape.imports {
        if let Some(id) = scope.interface {
            import_paths.insert(id, scope_path(resolve, scope, false, versioned));
        }
    }
    for scope in &shape.exports {
        if let Some(id) = scope.interface {
            export_paths.insert(id, scope_path(resolve, scope, true, versioned));
            if let Some(ns) = impl_name(resolve, scope, &shape.exports) {
                impl_ns.insert(id, ns);
            }
        }
    }
    ZigTypes::new(resolve, shape, import_paths, export_paths, impl_ns)
}

impl Backend for Zig {
    fn generate(&mut self, resolve: &Resolve, world: WorldId, files: &mut Files) -> Result<()> {
        let shape = WorldShape::new(resolve, world)?;
        let sizes = names::sizes(resolve)?;
        let (section_name, section) = names::component_type_section(resolve, world)?;

        let types = tables(resolve, &shape, world);
        let mut g = Gen {
            resolve,
            types: &types,
            sizes: &sizes,
            root: Node::default(),
            ret_area: RetArea::Static { size: 0, align: 1 },
            defined: HashSet::new(),
        };
        for id in &shape.world_types {
            g.define_type(*id);
        }
        for (exporting, scopes) in [(false, &shape.imports), (true, &shape.exports)] {
            types.exporting.set(exporting);
            for scope in scopes {
                for id in WorldShape::scope_types(resolve, scope) {
                    g.define_type(id);
                }
            }
        }
        types.exporting.set(false);
        for scope in &shape.imports {
            let path = types.iface_path_of(scope);
            g.root.at(&path).docs = scope.docs.clone();
            for f in &scope.functions {
                g.import_func(scope, &path, f);
            }
        }
        types.exporting.set(true);
        for scope in &shape.exports {
            let path = types.iface_path_of(scope);
            g.root.at(&path).docs = scope.docs.clone();
            let impl_ns = impl_name(resolve, scope, &shape.exports);
            for f in &scope.functions {
                g.export_func(scope, impl_ns.as_deref(), f);
            }
            g.export_dtors(scope);
        }

        let wit_world = names::qualified_world_name(resolve, world);
        let mut out = String::new();
        let _ = writeln!(
            out,
            "//! Generated by `embwit gen --lang zig` for world `{wit_world}`. Do not edit."
        );
        if let Some(docs) = &resolve.worlds[world].docs.contents {
            out.push_str("//!\n");
            for line in docs.trim().lines() {
                let _ = writeln!(out, "//! {}", line.trim_end());
            }
        }
        out.push_str(FILE_CONTRACT);
        out.push_str(RUNTIME);
        out.push_str("comptime {\n    asm (\n");
        let _ = writeln!(
            out,
            "        \\\\.section \".custom_section.{section_name}\",\"\",@"
        );
        for line in shape_mod::asm_bytes(&section, "        \\\\", "") {
            let _ = writeln!(out, "{line}");
        }
        out.push_str("        \\\\.text\n    );\n}\n\n");
        if let RetArea::Static { size, align } = g.ret_area
            && size > 0
        {
            let _ = writeln!(
                out,
                "/// Results of exported functions wait here until the host has read them.\n\
                 var ret_area: [{size}]u8 align({align}) = undefined;\n"
            );
        }
        let mut body = String::new();
        g.root.render(&mut body);
        out.push_str(&body);
        let out = out.replace("// methods\n", "");
        files.push(format!("{}.zig", shape.name), reindent(&out));
        Ok(())
    }
}

const FILE_CONTRACT: &str = "//!
//! Ownership: arguments you pass to imported functions stay yours (they are only borrowed).
//! Imported functions whose results own memory (strings, lists) take an allocator and return
//! memory allocated with it: free it with that allocator. Arguments exported functions receive
//! were allocated with `bindings.allocator`; free them with it or keep them. Strings and lists
//! your exported functions return must come from `bindings.allocator`: the bindings free them
//! once the host has read them. Resource structs own a handle: call `deinit` once. Borrowed
//! handles your exported functions receive are given back by the bindings when they return.
//!
//! The applet's root file provides each exported interface as a namespace named after it
//! (`pub const lifecycle = struct { ... };`), each resource the applet defines as a struct in
//! that namespace (`construct`, the methods, and `deinit` for when the host drops the last
//! handle), and keeps this file referenced (`comptime { _ = bindings; }`) so its `export fn`s
//! are linked.

";

const RUNTIME: &str = r#"const std = @import("std");
const bindings = @This();

/// The allocator behind `cabi_realloc`. Replace it before the first call if the page-based
/// `std.heap.wasm_allocator` does not suit the applet (e.g. with a `FixedBufferAllocator`).
pub var allocator: std.mem.Allocator = std.heap.wasm_allocator;

/// A result whose error type is not a plain enum (else it is an error union).
pub fn Result(comptime T: type, comptime E: type) type {
    return union(enum) { ok: T, err: E };
}

/// The error of error set `S` named like `value`'s tag.
pub fn enumToError(comptime S: type, value: anytype) S {
    return switch (value) {
        inline else => |tag| @field(S, @tagName(tag)),
    };
}

/// The tag of enum `E` named like `err`.
pub fn errorToEnum(comptime E: type, err: anytype) E {
    return switch (err) {
        inline else => |e| @field(E, @errorName(e)),
    };
}

pub fn allocRaw(size: usize, alignment: usize) usize {
    if (size == 0) return alignment;
    const p = allocator.rawAlloc(size, std.mem.Alignment.fromByteUnits(alignment), @returnAddress()) orelse
        @panic("embwit: out of memory");
    return @intFromPtr(p);
}

pub fn freeRaw(ptr: usize, size: usize, alignment: usize) void {
    if (size == 0) return;
    const p: [*]u8 = @ptrFromInt(ptr);
    allocator.rawFree(p[0..size], std.mem.Alignment.fromByteUnits(alignment), @returnAddress());
}

pub fn sliceFrom(comptime T: type, ptr: usize, len: usize) []T {
    if (len == 0) return &[_]T{};
    const p: [*]T = @ptrFromInt(ptr);
    return p[0..len];
}

export fn cabi_realloc(old: usize, old_size: usize, alignment: usize, new_size: usize) usize {
    if (old == 0 or old_size == 0) return allocRaw(new_size, alignment);
    if (new_size <= old_size) return old;
    const fresh = allocRaw(new_size, alignment);
    @memcpy(@as([*]u8, @ptrFromInt(fresh))[0..old_size], @as([*]const u8, @ptrFromInt(old))[0..old_size]);
    freeRaw(old, old_size, alignment);
    return fresh;
}

"#;

struct Gen<'a, 'b> {
    resolve: &'a Resolve,
    types: &'b ZigTypes<'a>,
    sizes: &'b SizeAlign,
    root: Node,
    ret_area: RetArea,
    /// Full paths of the types declared so far.
    defined: HashSet<String>,
}

impl Gen<'_, '_> {
    fn type_path(&self, id: TypeId) -> Vec<String> {
        match self.resolve.types[id].owner {
            wit_parser::TypeOwner::Interface(i) => self.types.iface_path(i),
            _ => Vec::new(),
        }
    }

    fn define_type(&mut self, id: TypeId) {
        let def = &self.resolve.types[id];
        let Some(name) = &def.name else { return };
        if !self.defined.insert(self.types.named(id)) {
            return;
        }
        let zname = type_name(name);
        let mut out = String::new();
        zig_docs(&mut out, def.docs.contents.as_deref());
        match &def.kind {
            TypeDefKind::Record(r) => {
                let _ = writeln!(out, "pub const {zname} = struct {{");
                for f in &r.fields {
                    zig_docs(&mut out, f.docs.contents.as_deref());
                    let _ = writeln!(out, "{}: {},", field(&f.name), self.types.ty(&f.ty));
                }
                out.push_str("};\n\n");
            }
            TypeDefKind::Flags(f) => {
                let bits = match f.flags.len() {
                    0..=8 => 8,
                    9..=16 => 16,
                    _ => 32,
                };
                let _ = writeln!(out, "pub const {zname} = packed struct(u{bits}) {{");
                for flag in &f.flags {
                    zig_docs(&mut out, flag.docs.contents.as_deref());
                    let _ = writeln!(out, "{}: bool = false,", field(&flag.name));
                }
                let pad = bits - f.flags.len();
                if pad > 0 {
                    let _ = writeln!(out, "_padding: u{pad} = 0,");
                }
                out.push_str("};\n\n");
            }
            TypeDefKind::Enum(e) => {
                let tag = match e.cases.len() {
                    0..=256 => "u8",
                    257..=65536 => "u16",
                    _ => "u32",
                };
                let _ = writeln!(out, "pub const {zname} = enum({tag}) {{");
                for case in &e.cases {
                    zig_docs(&mut out, case.docs.contents.as_deref());
                    let _ = writeln!(out, "{},", field(&case.name));
                }
                out.push_str("};\n\n");
                let cases: Vec<String> = e.cases.iter().map(|c| field(&c.name)).collect();
                let _ = writeln!(
                    out,
                    "/// `{zname}` as an error set, for results whose error is a `{zname}`.\n\
                     pub const {}Error = error{{ {} }};\n",
                    zname.trim_start_matches("@\"").trim_end_matches('"'),
                    cases.join(", ")
                );
            }
            TypeDefKind::Variant(v) => {
                let _ = writeln!(out, "pub const {zname} = union(enum) {{");
                for case in &v.cases {
                    zig_docs(&mut out, case.docs.contents.as_deref());
                    match &case.ty {
                        Some(t) => {
                            let _ = writeln!(out, "{}: {},", field(&case.name), self.types.ty(t));
                        }
                        None => {
                            let _ = writeln!(out, "{},", field(&case.name));
                        }
                    }
                }
                out.push_str("};\n\n");
            }
            TypeDefKind::Resource if self.types.is_exported_resource(id) => {
                let (key, _) = self.resource_scope(id);
                let key = key.expect("exported resources live in interfaces");
                let intrinsic = |op| names::resource_import_name(self.resolve, Some(&key), id, op);
                let (new_mod, new_name) = intrinsic(ResourceOp::ExportedNew);
                let (rep_mod, rep_name) = intrinsic(ResourceOp::ExportedRep);
                let (drop_mod, drop_name) = intrinsic(ResourceOp::ExportedDrop);
                let rep = self.types.impl_type(id);
                let _ = writeln!(
                    out,
                    "/// An owned handle to an applet-defined `{name}`, as the host sees it. The state\n\
                     /// behind it is the applet's `{rep}` (which also implements the\n\
                     /// methods, `construct` and `deinit`, called when the host drops the last handle).\n\
                     pub const {zname} = struct {{\n\
                     handle: i32,\n\n\
                     pub const Rep = {rep};\n\n\
                     extern \"{new_mod}\" fn @\"{new_name}\"(rep: i32) callconv(.c) i32;\n\
                     extern \"{rep_mod}\" fn @\"{rep_name}\"(handle: i32) callconv(.c) i32;\n\
                     extern \"{drop_mod}\" fn @\"{drop_name}\"(handle: i32) callconv(.c) void;\n\n\
                     /// Makes an owned handle for `state`, to hand to the host.\n\
                     pub fn new(state: *Rep) {zname} {{\n\
                     return .{{ .handle = @\"{new_name}\"(@bitCast(@as(u32, @intCast(@intFromPtr(state))))) }};\n}}\n\n\
                     /// The state behind an owned handle.\n\
                     pub fn rep(self: {zname}) *Rep {{\n\
                     return @ptrFromInt(@as(usize, @as(u32, @bitCast(@\"{rep_name}\"(self.handle)))));\n}}\n\n\
                     /// Releases the handle; the host then calls `Rep.deinit` if it was the last.\n\
                     pub fn deinit(self: {zname}) void {{\n@\"{drop_name}\"(self.handle);\n}}\n}};\n"
                );
            }
            TypeDefKind::Resource => {
                let (key, iface) = self.resource_scope(id);
                let (module, drop) = names::resource_import_name(
                    self.resolve,
                    key.as_ref(),
                    id,
                    ResourceOp::ImportedDrop,
                );
                let _ = iface;
                let _ = writeln!(
                    out,
                    "pub const {zname} = struct {{\n\
                     handle: i32,\n\n\
                     extern \"{module}\" fn @\"{drop}\"(handle: i32) callconv(.c) void;\n\n\
                     /// Releases the handle; the value must not be used afterwards.\n\
                     pub fn deinit(self: {zname}) void {{\n@\"{drop}\"(self.handle);\n}}\n\n\
                     // methods\n}};\n"
                );
            }
            TypeDefKind::Type(t) => {
                let resource_alias = matches!(t, Type::Id(inner)
                    if matches!(self.resolve.types[shape_mod::dealias(self.resolve, *inner)].kind, TypeDefKind::Resource));
                let target = self.types.ty(t);
                let _ = writeln!(out, "pub const {zname} = {target};\n");
                if resource_alias {
                    // Still useful: `use`d resources are reachable under the using interface.
                }
                if let Some(enum_id) = self.types.as_enum(t) {
                    let _ = writeln!(
                        out,
                        "pub const {}Error = {};\n",
                        zname.trim_start_matches("@\"").trim_end_matches('"'),
                        self.types.error_set(enum_id)
                    );
                }
            }
            _ => {
                let target = self.types.structure(id);
                let _ = writeln!(out, "pub const {zname} = {target};\n");
            }
        }
        let path = self.type_path(id);
        self.root.at(&path).body.push_str(&out);
    }

    fn resource_scope(&self, id: TypeId) -> (Option<WorldKey>, Option<wit_parser::InterfaceId>) {
        let owner = self.resolve.types[id].owner;
        let wit_parser::TypeOwner::Interface(iface) = owner else {
            return (None, None);
        };
        for scope in self
            .types
            .shape
            .imports
            .iter()
            .chain(&self.types.shape.exports)
        {
            if scope.interface == Some(iface) {
                return (scope.key.clone(), Some(iface));
            }
        }
        (None, Some(iface))
    }

    fn params(&self, f: &Function, self_name: bool) -> Vec<(String, String)> {
        f.params
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let name = if i == 0 && self_name && p.name == "self" {
                    "self".to_string()
                } else {
                    self.types.param(&p.name)
                };
                (name, self.types.ty(&p.ty))
            })
            .collect()
    }

    fn import_func(&mut self, scope: &Scope, path: &[String], f: &Function) {
        let (module, wasm_name) = names::import_name(self.resolve, scope.key.as_ref(), f);
        let sig = self.resolve.wasm_signature(AbiVariant::GuestImport, f);
        let core_params: Vec<String> = sig
            .params
            .iter()
            .enumerate()
            .map(|(i, t)| format!("p{i}: {}", wasm_zig(*t)))
            .collect();
        let core_ret = sig.results.first().map_or("void", |t| wasm_zig(*t));
        let resource = func_resource(f);
        let is_method = matches!(f.kind, FunctionKind::Method(_));
        let zname = match f.kind {
            FunctionKind::Constructor(_) => "init".to_string(),
            _ => func(f.item_name()),
        };
        let params = self.params(f, is_method);
        let needs_alloc = f
            .result
            .as_ref()
            .is_some_and(|t| owns_memory(self.resolve, t));
        let mut decl_params: Vec<String> = Vec::new();
        if needs_alloc {
            decl_params.push("gpa: std.mem.Allocator".into());
        }
        decl_params.extend(params.iter().map(|(n, t)| format!("{n}: {t}")));
        let ret = f
            .result
            .as_ref()
            .map_or("void".to_string(), |t| self.types.ty(t));

        let mut bg = FunctionBindgen::new(
            self.types,
            self.sizes,
            params.iter().map(|(n, _)| n.clone()).collect(),
            format!("@\"{wasm_name}\""),
            RetArea::Stack,
        );
        abi::call(
            self.resolve,
            AbiVariant::GuestImport,
            LiftLower::LowerArgsLiftResults,
            f,
            &mut bg,
            false,
        );
        let mut out = String::new();
        zig_docs(&mut out, f.docs.contents.as_deref());
        if needs_alloc {
            out.push_str("/// The result is allocated with `gpa`.\n");
        }
        let _ = writeln!(
            out,
            "pub fn {zname}({}) {ret} {{\n\
             const Import = struct {{\nextern \"{module}\" fn @\"{wasm_name}\"({}) callconv(.c) {core_ret};\n}};",
            decl_params.join(", "),
            core_params.join(", ")
        );
        if needs_alloc {
            out.push_str("const saved = bindings.allocator;\nbindings.allocator = gpa;\ndefer bindings.allocator = saved;\n");
        }
        let body = bg.body().replace(
            &format!("@\"{wasm_name}\"("),
            &format!("Import.@\"{wasm_name}\"("),
        );
        out.push_str(&body);
        out.push_str("}\n\n");

        match resource {
            Some(r) if !self.types.is_exported_resource(r) => {
                let r = shape_mod::dealias(self.resolve, r);
                let rpath = self.type_path(r);
                let rname = type_name(self.resolve.types[r].name.as_deref().unwrap_or("r"));
                // Methods go inside the resource's struct, before its closing line.
                let node = self.root.at(&rpath);
                let marker = format!("pub const {rname} = struct {{");
                if let Some(start) = node.body.find(&marker) {
                    let methods_at = node.body[start..]
                        .find("// methods\n")
                        .map(|i| start + i)
                        .expect("resource struct has a methods marker");
                    node.body.insert_str(methods_at, &out);
                    return;
                }
                self.root.at(path).body.push_str(&out);
            }
            _ => self.root.at(path).body.push_str(&out),
        }
    }

    /// `[dtor]` exports: the host dropped the last handle to an applet-defined resource.
    fn export_dtors(&mut self, scope: &Scope) {
        let (Some(key), Some(iface)) = (&scope.key, scope.interface) else {
            return;
        };
        for id in self.resolve.interfaces[iface].types.values() {
            if !matches!(self.resolve.types[*id].kind, TypeDefKind::Resource) {
                continue;
            }
            let dtor = names::resource_dtor_name(self.resolve, key, *id);
            let rep = self.types.impl_type(*id);
            let _ = writeln!(
                self.root.body,
                "export fn @\"{dtor}\"(rep: i32) callconv(.c) void {{\n\
                 const state: *{rep} = @ptrFromInt(@as(usize, @as(u32, @bitCast(rep))));\n\
                 state.deinit();\n}}\n"
            );
        }
    }

    fn export_func(&mut self, scope: &Scope, impl_ns: Option<&str>, f: &Function) {
        let export_name = names::export_name(self.resolve, scope.key.as_ref(), f);
        let sig = self.resolve.wasm_signature(AbiVariant::GuestExport, f);
        let args: Vec<String> = (0..sig.params.len()).map(|i| format!("arg{i}")).collect();
        let core_params: Vec<String> = sig
            .params
            .iter()
            .zip(&args)
            .map(|(t, a)| format!("{a}: {}", wasm_zig(*t)))
            .collect();
        let core_ret = sig.results.first().map_or("void", |t| wasm_zig(*t));
        let fname = match f.kind {
            FunctionKind::Constructor(_) => "construct".to_string(),
            _ => func(f.item_name()),
        };
        let target = match (func_resource(f), impl_ns) {
            (Some(r), _) => format!("{}.{fname}", self.types.impl_type(r)),
            (None, Some(ns)) => format!("@import(\"root\").{ns}.{fname}"),
            (None, None) => format!("@import(\"root\").{fname}"),
        };
        let ret_area = std::mem::replace(&mut self.ret_area, RetArea::Stack);
        let mut bg = FunctionBindgen::new(self.types, self.sizes, args, target, ret_area);
        abi::call(
            self.resolve,
            AbiVariant::GuestExport,
            LiftLower::LiftArgsLowerResults,
            f,
            &mut bg,
            false,
        );
        self.ret_area = std::mem::replace(&mut bg.ret_area, RetArea::Stack);
        let mut out = String::new();
        let _ = writeln!(
            out,
            "export fn @\"{export_name}\"({}) callconv(.c) {core_ret} {{\n{}}}\n",
            core_params.join(", "),
            bg.body()
        );
        if abi::guest_export_needs_post_return(self.resolve, f) {
            let post = names::post_return_name(self.resolve, scope.key.as_ref(), f);
            let args: Vec<String> = (0..sig.results.len()).map(|i| format!("arg{i}")).collect();
            let params: Vec<String> = sig
                .results
                .iter()
                .zip(&args)
                .map(|(t, a)| format!("{a}: {}", wasm_zig(*t)))
                .collect();
            let mut bg = FunctionBindgen::new(
                self.types,
                self.sizes,
                args.clone(),
                String::new(),
                RetArea::Stack,
            );
            abi::post_return(self.resolve, f, &mut bg);
            let mut body = bg.body();
            for a in &args {
                if !body.contains(a.as_str()) {
                    body.insert_str(0, &format!("_ = {a};\n"));
                }
            }
            let _ = writeln!(
                out,
                "export fn @\"{post}\"({}) callconv(.c) void {{\n{body}}}\n",
                params.join(", ")
            );
        }
        // Export wrappers live at file level (they are not part of the API).
        self.root.body.push_str(&out);
    }
}

/// The namespaces an applet's root file must declare for `world`, with every exported function
/// stubbed out (`@panic`), plus a reference to every declaration of the bindings so that the
/// whole generated file is compiled. Used by tests, and as a starting point for applets.
pub fn stub(resolve: &Resolve, world: WorldId, bindings_import: &str) -> Result<String> {
    let shape = WorldShape::new(resolve, world)?;
    let types = tables(resolve, &shape, world);
    types.exporting.set(true);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "const std = @import(\"std\");\npub const bindings = @import(\"{bindings_import}\");\n\n\
         comptime {{\n    refAll(bindings);\n}}\n\n\
         fn refAll(comptime T: type) void {{\n\
         @setEvalBranchQuota(100000);\n\
         inline for (comptime std.meta.declarations(T)) |d| {{\n\
         const FT = @TypeOf(@field(T, d));\n\
         if (FT == type) {{\n\
         switch (@typeInfo(@field(T, d))) {{\n\
         .@\"struct\" => refAll(@field(T, d)),\n\
         else => {{}},\n\
         }}\n\
         }} else if (@typeInfo(FT) == .@\"fn\" and !@typeInfo(FT).@\"fn\".is_generic) {{\n\
         _ = &@field(T, d);\n\
         }}\n\
         }}\n\
         }}\n"
    );
    for scope in &shape.exports {
        let ns = impl_name(resolve, scope, &shape.exports);
        let mut fns = String::new();
        let mut resources: BTreeMap<TypeId, String> = BTreeMap::new();
        if let Some(iface) = scope.interface {
            for id in resolve.interfaces[iface].types.values() {
                if matches!(resolve.types[*id].kind, TypeDefKind::Resource) {
                    resources.insert(
                        *id,
                        "x: u8 = 0,\n\npub fn deinit(self: *@This()) void {\n_ = self;\n}\n\n"
                            .to_string(),
                    );
                }
            }
        }
        for f in &scope.functions {
            let params: Vec<String> = f
                .params
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let name = if i == 0 && p.name == "self" {
                        "self".to_string()
                    } else {
                        types.param(&p.name)
                    };
                    format!("{name}: {}", types.ty(&p.ty))
                })
                .collect();
            let ret = f
                .result
                .as_ref()
                .map_or("void".to_string(), |t| types.ty(t));
            let uses: String = params
                .iter()
                .map(|p| format!("_ = {};\n", p.split(':').next().unwrap_or("_")))
                .collect();
            let fname = match f.kind {
                FunctionKind::Constructor(_) => "construct".to_string(),
                _ => func(f.item_name()),
            };
            let text = format!(
                "pub fn {fname}({}) {ret} {{\n{uses}@panic(\"stub\");\n}}\n\n",
                params.join(", ")
            );
            match func_resource(f).and_then(|r| resources.get_mut(&r)) {
                Some(body) => body.push_str(&text),
                None => fns.push_str(&text),
            }
        }
        for (id, body) in resources {
            let name = type_name(resolve.types[id].name.as_deref().unwrap_or("resource"));
            let _ = writeln!(fns, "pub const {name} = struct {{\n{body}}};\n");
        }
        match ns {
            Some(ns) => {
                let _ = writeln!(out, "pub const {ns} = struct {{\n{fns}}};\n");
            }
            None => out.push_str(&fns),
        }
    }
    Ok(reindent(&out))
}

/// Indents brace-structured Zig by nesting depth, leaving multiline string lines alone.
fn reindent(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    let mut depth: usize = 0;
    for line in src.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("\\\\") {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        if trimmed.is_empty() {
            out.push('\n');
            continue;
        }
        let code = trimmed.split("//").next().unwrap_or("");
        let opens = code.matches(['{', '(']).count();
        let closes = code.matches(['}', ')']).count();
        let lead = trimmed.starts_with('}') || trimmed.starts_with(')');
        let this_depth = if lead { depth.saturating_sub(1) } else { depth };
        for _ in 0..this_depth {
            out.push_str("    ");
        }
        out.push_str(trimmed);
        out.push('\n');
        depth = (depth + opens).saturating_sub(closes);
    }
    out
}

//! What every backend shares: core-module names, layouts, the component-type custom section, the
//! check for WIT features the sync canonical ABI plan does not cover, and Rust formatting.
//!
//! All backends (Rust guest, Rust host glue, C, Zig) must take these from here rather than derive
//! them again, so a name or an offset is computed in exactly one place. Names come from
//! `Resolve::wasm_import_name`/`wasm_export_name` with [`MANGLING`] (the legacy
//! `pkg:ns/iface@v` + `[method]r.f` scheme every current toolchain emits); layouts from
//! `wit_parser::SizeAlign`.

use anyhow::{Context, bail};
use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use wit_parser::{
    Function, FunctionKind, Handle, LiftLowerAbi, ManglingAndAbi, Resolve, ResourceIntrinsic,
    SizeAlign, Type, TypeDefKind, TypeId, WasmExport, WasmExportKind, WasmImport, WorldId,
    WorldItem, WorldKey,
};

/// The core-module naming scheme generated guests use: legacy names with the sync ABI
/// (`embwit:gpio/pins@0.1.0` / `[method]pin.set`, `cabi_post_…`, `cabi_realloc`).
pub const MANGLING: ManglingAndAbi = ManglingAndAbi::Legacy(LiftLowerAbi::Sync);

/// Sizes and alignments of every type in `resolve` (wasm32 values via `size_wasm32()`).
pub fn sizes(resolve: &Resolve) -> anyhow::Result<SizeAlign> {
    let mut sizes = SizeAlign::default();
    sizes.fill(resolve).context("computing type layouts")?;
    Ok(sizes)
}

/// `(module, field)` of the core import for a WIT function imported by the guest.
pub fn import_name(resolve: &Resolve, key: Option<&WorldKey>, func: &Function) -> (String, String) {
    resolve.wasm_import_name(
        MANGLING,
        WasmImport::Func {
            interface: key,
            func,
        },
    )
}

/// The core export name for a WIT function exported by the guest.
pub fn export_name(resolve: &Resolve, key: Option<&WorldKey>, func: &Function) -> String {
    resolve.wasm_export_name(
        MANGLING,
        WasmExport::Func {
            interface: key,
            func,
            kind: WasmExportKind::Normal,
        },
    )
}

/// The core export name of the post-return function of an exported WIT function
/// (`cabi_post_<export name>`).
pub fn post_return_name(resolve: &Resolve, key: Option<&WorldKey>, func: &Function) -> String {
    resolve.wasm_export_name(
        MANGLING,
        WasmExport::Func {
            interface: key,
            func,
            kind: WasmExportKind::PostReturn,
        },
    )
}

/// The resource intrinsics a guest imports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResourceOp {
    /// `[resource-drop]r` of an imported (host-defined) resource.
    ImportedDrop,
    /// `[resource-drop]r` under `[export]iface`: drop a handle to a guest-defined resource.
    ExportedDrop,
    /// `[resource-new]r` under `[export]iface`: make a handle for a guest representation.
    ExportedNew,
    /// `[resource-rep]r` under `[export]iface`: the representation behind a handle.
    ExportedRep,
}

/// `(module, field)` of a resource intrinsic import.
pub fn resource_import_name(
    resolve: &Resolve,
    key: Option<&WorldKey>,
    resource: TypeId,
    op: ResourceOp,
) -> (String, String) {
    let intrinsic = match op {
        ResourceOp::ImportedDrop => ResourceIntrinsic::ImportedDrop,
        ResourceOp::ExportedDrop => ResourceIntrinsic::ExportedDrop,
        ResourceOp::ExportedNew => ResourceIntrinsic::ExportedNew,
        ResourceOp::ExportedRep => ResourceIntrinsic::ExportedRep,
    };
    resolve.wasm_import_name(
        MANGLING,
        WasmImport::ResourceIntrinsic {
            interface: key,
            resource,
            intrinsic,
        },
    )
}

/// The core export name of a guest-defined resource's destructor (`iface#[dtor]r`).
pub fn resource_dtor_name(resolve: &Resolve, key: &WorldKey, resource: TypeId) -> String {
    resolve.wasm_export_name(
        MANGLING,
        WasmExport::ResourceDtor {
            interface: key,
            resource,
        },
    )
}

/// The core export name of the guest allocator (`cabi_realloc`).
pub fn realloc_name(resolve: &Resolve) -> String {
    resolve.wasm_export_name(MANGLING, WasmExport::Realloc)
}

/// The fully qualified world name, `ns:pkg/world@version`.
pub fn qualified_world_name(resolve: &Resolve, world: WorldId) -> String {
    let w = &resolve.worlds[world];
    match w.package {
        Some(pkg) => resolve.id_of_name(pkg, &w.name),
        None => w.name.clone(),
    }
}

/// The `component-type:…` custom section that lets `wit-component` turn a core module into a
/// component of `world`: `(section name, contents)`. UTF-8 strings, legacy names.
pub fn component_type_section(
    resolve: &Resolve,
    world: WorldId,
) -> anyhow::Result<(String, Vec<u8>)> {
    let bytes = wit_component::metadata::encode(
        resolve,
        world,
        wit_component::StringEncoding::UTF8,
        None,
        false,
    )
    .context("encoding the component-type section")?;
    let name = format!(
        "component-type:embwit:{}",
        qualified_world_name(resolve, world)
    );
    Ok((name, bytes))
}

/// Fails with a clear message when `world` uses something embwit's sync canonical ABI plan does
/// not cover: async functions, futures, streams, error contexts, maps, fixed-length lists,
/// getters/setters, or flags with more than 32 labels.
pub fn check_supported(resolve: &Resolve, world: WorldId) -> anyhow::Result<()> {
    let w = &resolve.worlds[world];
    for (key, item) in w.imports.iter().chain(w.exports.iter()) {
        let place = resolve.name_world_key(key);
        match item {
            WorldItem::Function(f) => check_function(resolve, f, &place)?,
            WorldItem::Interface { id, .. } => {
                let iface = &resolve.interfaces[*id];
                for f in iface.functions.values() {
                    check_function(resolve, f, &place)?;
                }
                for ty in iface.types.values() {
                    check_typedef(resolve, *ty, &place)?;
                }
            }
            WorldItem::Type { id, .. } => check_typedef(resolve, *id, &place)?,
        }
    }
    Ok(())
}

fn check_function(resolve: &Resolve, f: &Function, place: &str) -> anyhow::Result<()> {
    match f.kind {
        FunctionKind::Freestanding
        | FunctionKind::Method(_)
        | FunctionKind::Static(_)
        | FunctionKind::Constructor(_) => {}
        FunctionKind::AsyncFreestanding
        | FunctionKind::AsyncMethod(_)
        | FunctionKind::AsyncStatic(_) => {
            bail!(
                "{place}: function `{}` is async; embwit generates the synchronous canonical ABI only",
                f.name
            )
        }
        _ => bail!(
            "{place}: function `{}` is a getter/setter, which embwit does not support",
            f.name
        ),
    }
    for p in &f.params {
        check_type(resolve, &p.ty, place, &f.name)?;
    }
    if let Some(t) = &f.result {
        check_type(resolve, t, place, &f.name)?;
    }
    Ok(())
}

fn check_typedef(resolve: &Resolve, id: TypeId, place: &str) -> anyhow::Result<()> {
    let name = resolve.types[id].name.clone().unwrap_or_default();
    check_type(resolve, &Type::Id(id), place, &name)
}

fn check_type(resolve: &Resolve, ty: &Type, place: &str, what: &str) -> anyhow::Result<()> {
    let Type::Id(id) = ty else {
        if matches!(ty, Type::ErrorContext) {
            bail!("{place}: `{what}` uses `error-context`, which embwit does not support");
        }
        return Ok(());
    };
    let recurse = |t: &Type| check_type(resolve, t, place, what);
    match &resolve.types[*id].kind {
        TypeDefKind::Record(r) => r.fields.iter().try_for_each(|f| recurse(&f.ty)),
        TypeDefKind::Tuple(t) => t.types.iter().try_for_each(recurse),
        TypeDefKind::Variant(v) => v.cases.iter().flat_map(|c| &c.ty).try_for_each(recurse),
        TypeDefKind::Option(t) | TypeDefKind::List(t) | TypeDefKind::Type(t) => recurse(t),
        TypeDefKind::Result(r) => r.ok.iter().chain(&r.err).try_for_each(recurse),
        TypeDefKind::Flags(f) if f.flags.len() > 32 => bail!(
            "{place}: flags `{what}` has {} labels; the canonical ABI allows at most 32",
            f.flags.len()
        ),
        TypeDefKind::Flags(_)
        | TypeDefKind::Enum(_)
        | TypeDefKind::Resource
        | TypeDefKind::Handle(Handle::Own(_) | Handle::Borrow(_)) => Ok(()),
        TypeDefKind::Future(_) | TypeDefKind::Stream(_) => bail!(
            "{place}: `{what}` uses a future or stream; embwit generates the synchronous ABI only"
        ),
        TypeDefKind::Map(..) => {
            bail!("{place}: `{what}` uses `map`, which embwit does not support")
        }
        TypeDefKind::FixedLengthList(..) => {
            bail!("{place}: `{what}` uses a fixed-length list, which embwit does not support yet")
        }
        TypeDefKind::Unknown => bail!("{place}: `{what}` has an unresolved type"),
    }
}

/// Module path segments for an interface in a world, e.g. `["embwit", "gpio", "pins"]` for
/// `embwit:gpio/pins@0.1.0`, or `["name"]` for an inline `import name: interface { … }`.
/// `versioned` appends the package version to the package segment (`gpio_v0_1_0`), for worlds
/// that use two versions of one package. Segments are raw WIT names; each language cases them.
pub fn interface_segments(resolve: &Resolve, key: &WorldKey, versioned: bool) -> Vec<String> {
    match key {
        WorldKey::Name(name) => vec![name.clone()],
        WorldKey::Interface(id) => {
            let iface = &resolve.interfaces[*id];
            let name = iface.name.clone().unwrap_or_else(|| "interface".into());
            match iface.package {
                Some(pkg) => {
                    let p = &resolve.packages[pkg].name;
                    let mut pkg_seg = p.name.clone();
                    if versioned && let Some(v) = &p.version {
                        pkg_seg = format!("{pkg_seg}-v{v}").replace(['.', '+'], "-");
                    }
                    vec![p.namespace.clone(), pkg_seg, name]
                }
                None => vec![name],
            }
        }
    }
}

/// Whether `world` imports or exports interfaces from two versions of one package, in which case
/// module paths must carry versions ([`interface_segments`] with `versioned = true`).
pub fn world_has_multiple_versions(resolve: &Resolve, world: WorldId) -> bool {
    let w = &resolve.worlds[world];
    let mut seen: Vec<(String, String, Option<String>)> = Vec::new();
    for key in w.imports.keys().chain(w.exports.keys()) {
        if let WorldKey::Interface(id) = key
            && let Some(pkg) = resolve.interfaces[*id].package
        {
            let n = &resolve.packages[pkg].name;
            let ver = n.version.as_ref().map(ToString::to_string);
            if seen
                .iter()
                .any(|(ns, name, v)| *ns == n.namespace && *name == n.name && *v != ver)
            {
                return true;
            }
            seen.push((n.namespace.clone(), n.name.clone(), ver));
        }
    }
    false
}

/// `snake_case` of a WIT name (no keyword escaping: that is per language).
/// The Rust spelling of a WIT scalar (`bool`, integers, floats, `char`); `None` for strings,
/// error contexts and defined types, which each Rust backend spells its own way.
pub fn rust_scalar(ty: &Type) -> Option<&'static str> {
    Some(match ty {
        Type::Bool => "bool",
        Type::U8 => "u8",
        Type::U16 => "u16",
        Type::U32 => "u32",
        Type::U64 => "u64",
        Type::S8 => "i8",
        Type::S16 => "i16",
        Type::S32 => "i32",
        Type::S64 => "i64",
        Type::F32 => "f32",
        Type::F64 => "f64",
        Type::Char => "char",
        Type::String | Type::ErrorContext | Type::Id(_) => return None,
    })
}

/// The names of the direct child modules of `prefix` in a tree keyed by module path, in order.
pub fn module_children<'a, V>(
    tree: &'a std::collections::BTreeMap<Vec<String>, V>,
    prefix: &[String],
) -> Vec<&'a String> {
    let mut children: Vec<&String> = tree
        .keys()
        .filter(|k| k.len() > prefix.len() && k.starts_with(prefix))
        .map(|k| &k[prefix.len()])
        .collect();
    children.dedup();
    children
}

pub fn snake(name: &str) -> String {
    name.to_snake_case()
}

/// `UpperCamelCase` of a WIT name.
pub fn upper_camel(name: &str) -> String {
    name.to_upper_camel_case()
}

/// `SHOUTY_SNAKE_CASE` of a WIT name.
pub fn shouty(name: &str) -> String {
    name.to_shouty_snake_case()
}

/// WIT doc comments as `///` lines (empty when there are none).
pub fn rust_doc(docs: &wit_parser::Docs, indent: &str) -> String {
    let mut out = String::new();
    if let Some(text) = &docs.contents {
        for line in text.lines() {
            if line.is_empty() {
                out.push_str(&format!("{indent}///\n"));
            } else {
                out.push_str(&format!("{indent}/// {line}\n"));
            }
        }
    }
    out
}

/// Parses generated Rust and prints it with `prettyplease`: the one formatting step every Rust
/// backend uses, so output is deterministic and readable. A parse failure is a generator bug and
/// reports the offending line.
pub fn format_rust(src: &str) -> anyhow::Result<String> {
    match syn::parse_file(src) {
        Ok(file) => Ok(prettyplease::unparse(&file)),
        Err(e) => {
            let line = e.span().start().line;
            let text = src.lines().nth(line.saturating_sub(1)).unwrap_or("");
            bail!("internal error: generated Rust does not parse at line {line}: {e}\n  {text}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world(src: &str) -> (Resolve, WorldId) {
        let mut resolve = Resolve::default();
        let pkg = resolve.push_str("t.wit", src).unwrap();
        let world = resolve.select_world(&[pkg], None).unwrap();
        (resolve, world)
    }

    const WIT: &str = r#"
        package foo:foo@1.0.0;
        interface my-default {
            resource r { constructor(); m: func() -> string; s: static func(); }
            l: func() -> list<u8>;
        }
        world w {
            import my-default;
            export exp: interface { resource g; f: func() -> string; }
            export top: func();
        }
    "#;

    /// Names as `wit-component` expects them (its `tests/components/*/module.wat` use the same).
    #[test]
    fn legacy_names() {
        let (resolve, w) = world(WIT);
        let world = &resolve.worlds[w];
        let (key, id) = world
            .imports
            .iter()
            .find_map(|(k, i)| match i {
                WorldItem::Interface { id, .. } => Some((k, *id)),
                _ => None,
            })
            .unwrap();
        let iface = &resolve.interfaces[id];
        let l = &iface.functions["l"];
        assert_eq!(
            import_name(&resolve, Some(key), l),
            ("foo:foo/my-default@1.0.0".into(), "l".into())
        );
        let m = &iface.functions["[method]r.m"];
        assert_eq!(import_name(&resolve, Some(key), m).1, "[method]r.m");
        let r = iface.types["r"];
        assert_eq!(
            resource_import_name(&resolve, Some(key), r, ResourceOp::ImportedDrop),
            ("foo:foo/my-default@1.0.0".into(), "[resource-drop]r".into())
        );

        let (ekey, eid) = world
            .exports
            .iter()
            .find_map(|(k, i)| match i {
                WorldItem::Interface { id, .. } => Some((k, *id)),
                _ => None,
            })
            .unwrap();
        let f = &resolve.interfaces[eid].functions["f"];
        assert_eq!(export_name(&resolve, Some(ekey), f), "exp#f");
        assert_eq!(post_return_name(&resolve, Some(ekey), f), "cabi_post_exp#f");
        let g = resolve.interfaces[eid].types["g"];
        assert_eq!(
            resource_import_name(&resolve, Some(ekey), g, ResourceOp::ExportedNew),
            ("[export]exp".into(), "[resource-new]g".into())
        );
        assert_eq!(resource_dtor_name(&resolve, ekey, g), "exp#[dtor]g");
        let top = world
            .exports
            .values()
            .find_map(|i| match i {
                WorldItem::Function(f) => Some(f),
                _ => None,
            })
            .unwrap();
        assert_eq!(export_name(&resolve, None, top), "top");
        assert_eq!(realloc_name(&resolve), "cabi_realloc");
        assert_eq!(qualified_world_name(&resolve, w), "foo:foo/w@1.0.0");
    }

    #[test]
    fn component_type_section_names_the_world() {
        let (resolve, w) = world(WIT);
        let (name, bytes) = component_type_section(&resolve, w).unwrap();
        assert_eq!(name, "component-type:embwit:foo:foo/w@1.0.0");
        // A component binary: the `\0asm` magic and the component layer.
        assert_eq!(&bytes[..4], b"\0asm");
        assert_eq!(&bytes[4..8], &[0x0d, 0x00, 0x01, 0x00]);
    }

    #[test]
    fn unsupported_features_are_named() {
        let (resolve, w) =
            world("package a:b;\ninterface i { f: func(x: future<u8>); }\nworld w { import i; }\n");
        let err = check_supported(&resolve, w).unwrap_err().to_string();
        assert!(
            err.contains("future or stream") && err.contains("a:b/i"),
            "{err}"
        );
        let (resolve, w) = world(WIT);
        check_supported(&resolve, w).unwrap();
    }

    #[test]
    fn versioned_segments_only_when_needed() {
        let (resolve, w) = world(WIT);
        assert!(!world_has_multiple_versions(&resolve, w));
        let key = resolve.worlds[w].imports.keys().next().unwrap();
        assert_eq!(
            interface_segments(&resolve, key, false),
            ["foo", "foo", "my-default"]
        );
        assert_eq!(
            interface_segments(&resolve, key, true),
            ["foo", "foo-v1-0-0", "my-default"]
        );
    }
}

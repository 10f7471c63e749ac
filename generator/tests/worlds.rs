//! Checks the bundled WIT packages in `wit/`: every package directory parses on its own once its
//! dependencies are loaded, the applet worlds fit inside the firmware platform world, the
//! privileged manager interface stays out of that world, and every item carries a doc comment
//! (firmware engineers read these files as the spec).

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use wit_component::{ComponentEncoder, StringEncoding};
use wit_parser::{
    Docs, InterfaceId, LiftLowerAbi, ManglingAndAbi, PackageId, Resolve, Stability, Type,
    TypeDefKind, TypeOwner, UnresolvedPackageGroup, WorldId, WorldItem, WorldKey,
};

/// The package that holds the worlds.
const APPLET_PACKAGE: &str = "embwit:applet";
/// The firmware world every applet world must fit inside.
const PLATFORM_WORLD: &str = "vision-sensor-platform";
/// The privileged world: the only one allowed to import `manager`.
const MANAGER_WORLD: &str = "applet-manager";
/// The privileged interface that must never be in the platform world.
const MANAGER_INTERFACE: &str = "manager";
/// Worlds the project promises (issue 2); the test fails if one disappears.
const REQUIRED_WORLDS: &[&str] = &[
    "blinky",
    "business-logic",
    "isp-stage",
    "isp-algorithm",
    "inference-stage",
    "normalize-stage",
    "vision-app",
    MANAGER_WORLD,
    PLATFORM_WORLD,
];

fn wit_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../wit")
}

/// One package directory under `wit/`, with the names of the packages it references.
struct PackageDir {
    path: PathBuf,
    name: String,
    deps: BTreeSet<String>,
}

/// Lists the package directories (every directory directly under `wit/` that holds `.wit`
/// files) and what each depends on, read from the parsed but unresolved package.
fn package_dirs(root: &Path) -> Vec<PackageDir> {
    let mut dirs = Vec::new();
    for entry in std::fs::read_dir(root).expect("read wit/") {
        let path = entry.expect("dir entry").path();
        if !path.is_dir() {
            continue;
        }
        let has_wit = std::fs::read_dir(&path)
            .expect("read package dir")
            .any(|e| {
                e.expect("dir entry")
                    .path()
                    .extension()
                    .is_some_and(|x| x == "wit")
            });
        if !has_wit {
            continue;
        }
        assert!(
            !path.join("deps").exists(),
            "{}: packages must not vendor dependencies in deps/",
            path.display()
        );
        let group = UnresolvedPackageGroup::parse_dir(&path)
            .unwrap_or_else(|e| panic!("{} does not parse: {e:?}", path.display()));
        assert!(
            group.nested.is_empty(),
            "{}: one package per directory",
            path.display()
        );
        let name = unversioned(&group.main.name.to_string());
        let deps = group
            .main
            .foreign_deps
            .keys()
            .map(|n| unversioned(&n.to_string()))
            .collect();
        dirs.push(PackageDir { path, name, deps });
    }
    dirs.sort_by(|a, b| a.name.cmp(&b.name));
    dirs
}

fn unversioned(name: &str) -> String {
    name.split('@').next().unwrap_or(name).to_string()
}

/// Orders package directories so every package comes after the packages it uses. Panics on a
/// dependency cycle or on a reference to a package that `wit/` does not contain.
fn dependency_order(dirs: Vec<PackageDir>) -> Vec<PackageDir> {
    let known: BTreeSet<String> = dirs.iter().map(|d| d.name.clone()).collect();
    for d in &dirs {
        for dep in &d.deps {
            assert!(
                known.contains(dep),
                "{} uses {dep}, which is not a package under wit/",
                d.name
            );
        }
    }
    let mut pending = dirs;
    let mut done: BTreeSet<String> = BTreeSet::new();
    let mut order = Vec::new();
    while !pending.is_empty() {
        let (ready, rest): (Vec<_>, Vec<_>) = pending
            .into_iter()
            .partition(|d| d.deps.iter().all(|dep| done.contains(dep)));
        assert!(
            !ready.is_empty(),
            "dependency cycle among: {:?}",
            rest.iter().map(|d| &d.name).collect::<Vec<_>>()
        );
        done.extend(ready.iter().map(|d| d.name.clone()));
        order.extend(ready);
        pending = rest;
    }
    order
}

/// Loads every package under `wit/` the way `embwit check` does: one `push_dir` per package
/// directory, in dependency order.
fn load() -> (Resolve, BTreeMap<String, PackageId>) {
    let mut resolve = Resolve::default();
    let mut ids = BTreeMap::new();
    for dir in dependency_order(package_dirs(&wit_dir())) {
        let (id, _) = resolve
            .push_dir(&dir.path)
            .unwrap_or_else(|e| panic!("{} does not resolve: {e:?}", dir.path.display()));
        ids.insert(dir.name, id);
    }
    (resolve, ids)
}

fn world(resolve: &Resolve, pkg: PackageId, name: &str) -> WorldId {
    *resolve.packages[pkg]
        .worlds
        .get(name)
        .unwrap_or_else(|| panic!("world {name} missing"))
}

fn interface(resolve: &Resolve, pkg: PackageId, name: &str) -> InterfaceId {
    *resolve.packages[pkg]
        .interfaces
        .get(name)
        .unwrap_or_else(|| panic!("interface {name} missing"))
}

fn key_name(resolve: &Resolve, key: &WorldKey) -> String {
    match key {
        WorldKey::Name(n) => n.clone(),
        WorldKey::Interface(id) => resolve.id_of(*id).unwrap_or_else(|| format!("{id:?}")),
    }
}

#[test]
fn every_package_parses_in_dependency_order() {
    let (resolve, ids) = load();
    for required in [
        "embwit:types",
        "embwit:platform",
        "embwit:gpio",
        "embwit:image",
        "embwit:sensor",
        "embwit:isp",
        "embwit:infer",
        APPLET_PACKAGE,
    ] {
        assert!(ids.contains_key(required), "package {required} missing");
    }
    for (name, id) in &ids {
        let pkg = &resolve.packages[*id];
        assert_eq!(
            pkg.name.version.as_ref().map(|v| v.to_string()).as_deref(),
            Some("0.1.0"),
            "{name} must be @0.1.0"
        );
        assert_eq!(
            pkg.name.namespace, "embwit",
            "{name}: embwit ships only embwit:* packages"
        );
    }
}

#[test]
fn applet_worlds_fit_inside_the_platform_world() {
    let (resolve, ids) = load();
    let applet = ids[APPLET_PACKAGE];
    let platform = world(&resolve, applet, PLATFORM_WORLD);
    let manager = interface(&resolve, applet, MANAGER_INTERFACE);
    let platform_imports: HashSet<&WorldKey> = resolve.worlds[platform].imports.keys().collect();
    assert!(
        !platform_imports.contains(&WorldKey::Interface(manager)),
        "the manager interface must not be in {PLATFORM_WORLD}"
    );
    assert!(
        resolve.worlds[platform].exports.is_empty(),
        "{PLATFORM_WORLD} describes what firmware provides; it exports nothing"
    );
    for name in REQUIRED_WORLDS {
        world(&resolve, applet, name);
    }
    let mut checked = 0;
    for (name, &id) in &resolve.packages[applet].worlds {
        if name == PLATFORM_WORLD {
            continue;
        }
        let imports = &resolve.worlds[id].imports;
        if name == MANAGER_WORLD {
            assert!(
                imports.contains_key(&WorldKey::Interface(manager)),
                "{MANAGER_WORLD} must import the manager interface"
            );
        } else {
            assert!(
                !imports.contains_key(&WorldKey::Interface(manager)),
                "only {MANAGER_WORLD} may import the manager interface, not {name}"
            );
        }
        let outside: Vec<String> = imports
            .keys()
            .filter(|k| !platform_imports.contains(k))
            .filter(|k| !(name == MANAGER_WORLD && **k == WorldKey::Interface(manager)))
            .map(|k| key_name(&resolve, k))
            .collect();
        assert!(
            outside.is_empty(),
            "world {name} imports {outside:?}, which {PLATFORM_WORLD} does not provide"
        );
        checked += 1;
    }
    assert!(checked >= REQUIRED_WORLDS.len() - 1);
}

/// Collects "what: where" for every item of the loaded packages that has no doc comment.
fn undocumented(resolve: &Resolve) -> Vec<String> {
    let mut missing = Vec::new();
    let mut need = |docs: &Docs, what: String| {
        if docs.contents.as_deref().is_none_or(|d| d.trim().is_empty()) {
            missing.push(what);
        }
    };
    for (_, pkg) in &resolve.packages {
        let pkg_name = pkg.name.to_string();
        need(&pkg.docs, format!("package {pkg_name}"));
        for (name, &id) in &pkg.interfaces {
            let iface = &resolve.interfaces[id];
            need(&iface.docs, format!("interface {pkg_name}/{name}"));
            for (fname, func) in &iface.functions {
                need(&func.docs, format!("function {pkg_name}/{name}.{fname}"));
            }
        }
        for (name, &id) in &pkg.worlds {
            let world = &resolve.worlds[id];
            need(&world.docs, format!("world {pkg_name}/{name}"));
            for (key, item) in world.imports.iter().chain(&world.exports) {
                if let (WorldKey::Name(n), WorldItem::Function(f)) = (key, item) {
                    need(&f.docs, format!("function {pkg_name}/{name}.{n}"));
                }
            }
        }
    }
    for (id, ty) in &resolve.types {
        let owner = match ty.owner {
            TypeOwner::Interface(i) => resolve.id_of(i).unwrap_or_default(),
            TypeOwner::World(w) => resolve.worlds[w].name.clone(),
            TypeOwner::None => continue,
        };
        let Some(name) = &ty.name else { continue };
        // A `use` shows up as an alias of a type owned elsewhere; the original carries the docs.
        if let TypeDefKind::Type(Type::Id(target)) = ty.kind
            && resolve.types[target].owner != ty.owner
        {
            continue;
        }
        let at = format!("{owner}.{name}");
        need(&ty.docs, format!("type {at} ({id:?})"));
        match &ty.kind {
            TypeDefKind::Record(r) => {
                for f in &r.fields {
                    need(&f.docs, format!("field {at}.{}", f.name));
                }
            }
            TypeDefKind::Variant(v) => {
                for c in &v.cases {
                    need(&c.docs, format!("case {at}.{}", c.name));
                }
            }
            TypeDefKind::Enum(e) => {
                for c in &e.cases {
                    need(&c.docs, format!("case {at}.{}", c.name));
                }
            }
            TypeDefKind::Flags(f) => {
                for flag in &f.flags {
                    need(&flag.docs, format!("flag {at}.{}", flag.name));
                }
            }
            _ => {}
        }
    }
    missing
}

#[test]
fn every_item_is_documented() {
    let (resolve, _) = load();
    let missing = undocumented(&resolve);
    assert!(
        missing.is_empty(),
        "{} items lack a doc comment:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

/// The doc check itself must be able to fail: an undocumented package is reported.
#[test]
fn the_doc_check_catches_missing_docs() {
    let mut resolve = Resolve::default();
    resolve
        .push_str(
            "probe.wit",
            "package probe:p@0.1.0;\n/// documented\ninterface i {\n  record r { f: u32 }\n  g: func();\n}\n",
        )
        .expect("probe parses");
    let missing = undocumented(&resolve);
    for expected in [
        "package probe:p@0.1.0",
        "type probe:p/i@0.1.0.r",
        "field probe:p/i@0.1.0.r.f",
        "function probe:p@0.1.0/i.g",
    ] {
        assert!(
            missing.iter().any(|m| m.starts_with(expected)),
            "{expected} not reported in {missing:?}"
        );
    }
}

/// Lists items that need a wit-parser feature gate or the async component model: embwit's WIT
/// must be plain WIT that every generator and runtime accepts.
fn gated(resolve: &Resolve) -> Vec<String> {
    fn stable(found: &mut Vec<String>, stability: &Stability, what: String) {
        if !matches!(stability, Stability::Unknown) {
            found.push(format!("{what} has @since/@unstable"));
        }
    }
    let mut found = Vec::new();
    for (_, world) in &resolve.worlds {
        stable(
            &mut found,
            &world.stability,
            format!("world {}", world.name),
        );
    }
    for (_, iface) in &resolve.interfaces {
        let name = iface.name.clone().unwrap_or_default();
        stable(&mut found, &iface.stability, format!("interface {name}"));
        for (fname, func) in &iface.functions {
            stable(
                &mut found,
                &func.stability,
                format!("function {name}.{fname}"),
            );
            if func.kind.is_async() {
                found.push(format!("function {name}.{fname} is async"));
            }
        }
    }
    for (_, ty) in &resolve.types {
        let name = ty.name.clone().unwrap_or_else(|| "<anonymous>".into());
        stable(&mut found, &ty.stability, format!("type {name}"));
        if matches!(
            ty.kind,
            TypeDefKind::Future(_) | TypeDefKind::Stream(_) | TypeDefKind::Type(Type::ErrorContext)
        ) {
            found.push(format!("type {name} is a future, stream or error-context"));
        }
    }
    found
}

#[test]
fn no_feature_gates_or_async() {
    let (resolve, _) = load();
    let found = gated(&resolve);
    assert!(found.is_empty(), "{found:#?}");
}

/// The gate check itself must be able to fail.
#[test]
fn the_gate_check_catches_async_and_unstable() {
    let mut resolve = Resolve {
        all_features: true,
        ..Resolve::default()
    };
    resolve
        .push_str(
            "probe.wit",
            "package probe:p@0.1.0;\ninterface i {\n  @unstable(feature = x)\n  f: func();\n  \
             g: async func() -> stream<u8>;\n}\n",
        )
        .expect("probe parses");
    let found = gated(&resolve);
    for expected in ["function i.f has", "function i.g is async"] {
        assert!(
            found.iter().any(|m| m.starts_with(expected)),
            "{expected} not reported in {found:?}"
        );
    }
    assert!(
        found.iter().any(|m| m.contains("is a future, stream")),
        "{found:?}"
    );
}

/// Builds a dummy core module for `world` (every import declared, every export stubbed), embeds
/// the world's type and turns it into a validated component: what a real applet toolchain emits.
fn dummy_component(resolve: &Resolve, world: WorldId, mangling: ManglingAndAbi) -> Vec<u8> {
    let name = &resolve.worlds[world].name;
    let mut module = wit_component::dummy_module(resolve, world, mangling);
    wit_component::embed_component_metadata(
        &mut module,
        resolve,
        world,
        StringEncoding::UTF8,
        false,
    )
    .unwrap_or_else(|e| panic!("{name}: embed: {e:?}"));
    let component = ComponentEncoder::default()
        .module(&module)
        .and_then(|e| e.validate(true).encode())
        .unwrap_or_else(|e| panic!("{name} ({mangling:?}): no valid component: {e:?}"));
    wasmparser::Validator::new()
        .validate_all(&component)
        .unwrap_or_else(|e| panic!("{name}: component does not validate: {e}"));
    component
}

/// The install-time check done the component-model way (`wasm-tools component targets`): a
/// component of each applet world links against the platform world, and a component of the
/// manager world does not. Both core-module name manglings are exercised.
#[test]
fn applet_components_target_the_platform_world() {
    let (resolve, ids) = load();
    let applet = ids[APPLET_PACKAGE];
    let platform = world(&resolve, applet, PLATFORM_WORLD);
    for (name, &id) in &resolve.packages[applet].worlds {
        for mangling in [
            ManglingAndAbi::Standard32,
            ManglingAndAbi::Legacy(LiftLowerAbi::Sync),
        ] {
            let component = dummy_component(&resolve, id, mangling);
            let fits = wit_component::targets(&resolve, platform, &component, false);
            if name == MANAGER_WORLD {
                assert!(
                    fits.is_err(),
                    "{MANAGER_WORLD} must not link against {PLATFORM_WORLD}"
                );
            } else {
                fits.unwrap_or_else(|e| {
                    panic!("{name} ({mangling:?}) does not target {PLATFORM_WORLD}: {e:?}")
                });
            }
        }
    }
}

fn synthetic(name: &str, deps: &[&str]) -> PackageDir {
    PackageDir {
        path: PathBuf::from(name),
        name: name.to_string(),
        deps: deps.iter().map(|d| d.to_string()).collect(),
    }
}

/// The ordering puts dependencies first, whatever order the directories are listed in.
#[test]
fn dependency_order_puts_dependencies_first() {
    let order = dependency_order(vec![
        synthetic("c", &["b", "a"]),
        synthetic("b", &["a"]),
        synthetic("a", &[]),
    ]);
    let names: Vec<&str> = order.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["a", "b", "c"]);
}

/// A cycle between packages is reported, not looped on.
#[test]
#[should_panic(expected = "dependency cycle")]
fn dependency_order_rejects_cycles() {
    dependency_order(vec![
        synthetic("a", &["b"]),
        synthetic("b", &["a"]),
        synthetic("c", &[]),
    ]);
}

/// Follows `type a = b` aliases (and `use`) to the defining type.
fn dealias(resolve: &Resolve, mut ty: Type) -> Type {
    while let Type::Id(id) = ty {
        match resolve.types[id].kind {
            TypeDefKind::Type(inner) => ty = inner,
            _ => break,
        }
    }
    ty
}

/// True for the shared `error-class` enum, or for a variant with a `common(error-class)` case.
fn is_typed_error(resolve: &Resolve, ty: Type) -> bool {
    let Type::Id(id) = dealias(resolve, ty) else {
        return false;
    };
    let def = &resolve.types[id];
    match &def.kind {
        TypeDefKind::Enum(_) => def.name.as_deref() == Some("error-class"),
        TypeDefKind::Variant(v) => v
            .cases
            .iter()
            .any(|c| c.name == "common" && c.ty.is_some_and(|t| is_typed_error(resolve, t))),
        _ => false,
    }
}

/// Lists fallible functions whose error is not typed the embwit way: every `result` a function
/// returns (also inside an `option`) must carry `error-class` or a variant with a
/// `common(error-class)` case, never a string, a bare `result<_>` or an ad-hoc type.
fn untyped_errors(resolve: &Resolve) -> Vec<String> {
    let mut found = Vec::new();
    for (_, iface) in &resolve.interfaces {
        let iname = iface.name.clone().unwrap_or_default();
        for (fname, func) in &iface.functions {
            let mut ty = func.result;
            while let Some(t) = ty.map(|t| dealias(resolve, t)) {
                ty = None;
                let Type::Id(id) = t else { break };
                match &resolve.types[id].kind {
                    TypeDefKind::Option(inner) => ty = Some(*inner),
                    TypeDefKind::Result(r)
                        if !r.err.is_some_and(|e| is_typed_error(resolve, e)) =>
                    {
                        found.push(format!("{iname}.{fname}"));
                    }
                    _ => {}
                }
            }
        }
    }
    found
}

#[test]
fn every_error_is_typed() {
    let (resolve, _) = load();
    let found = untyped_errors(&resolve);
    assert!(found.is_empty(), "untyped errors: {found:?}");
}

/// The error-type check itself must be able to fail.
#[test]
fn the_error_check_catches_untyped_errors() {
    let mut resolve = Resolve::default();
    resolve
        .push_str(
            "probe.wit",
            "package probe:p@0.1.0;\ninterface i {\n  enum error-class { a }\n  \
             variant error { common(error-class), other }\n  variant bad { other }\n  \
             ok1: func() -> result<u32, error>;\n  ok2: func() -> option<result<_, error-class>>;\n  \
             bad1: func() -> result<u32, string>;\n  bad2: func() -> result;\n  \
             bad3: func() -> option<result<_, bad>>;\n}\n",
        )
        .expect("probe parses");
    assert_eq!(untyped_errors(&resolve), ["i.bad1", "i.bad2", "i.bad3"]);
}

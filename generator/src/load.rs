//! Loading a tree of WIT packages into one [`Resolve`].
//!
//! embwit ships its packages side by side, one directory each (`wit/gpio`, `wit/image`, ...), with no
//! `deps/` copies. [`load_dir`] parses every package directory under a root and lets wit-parser sort
//! them by dependency, so adding a package needs no manifest. Every failure is a [`LoadError`] whose
//! message carries `file:line:column` and the offending source line where wit-parser knows them.

use std::fmt;
use std::path::{Path, PathBuf};

use wit_parser::{PackageId, Resolve, UnresolvedPackageGroup, WorldId};

/// The packages of one WIT tree, resolved together.
#[derive(Debug)]
pub struct Loaded {
    /// Everything that was parsed.
    pub resolve: Resolve,
    /// The packages found under the root, in dependency order.
    pub packages: Vec<PackageId>,
    /// Every `.wit` file read, for build scripts and macros that must rebuild when one changes.
    pub files: Vec<PathBuf>,
}

/// Why a WIT tree could not be loaded or a world not found. `Display` gives the full rendered
/// message (location and source line included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    message: String,
}

impl LoadError {
    fn new(message: impl Into<String>) -> Self {
        LoadError {
            message: message.into(),
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for LoadError {}

/// Loads every WIT package under `root`.
///
/// `root` may be a package directory itself (`*.wit` files, optionally a `deps/` folder of package
/// directories) or a directory of package directories; both kinds may be mixed. Packages may `use`
/// each other in any order; cycles, missing packages and duplicate packages are errors.
pub fn load_dir(root: &Path) -> Result<Loaded, LoadError> {
    let mut packages = package_dirs(root)?;
    packages.sort();

    let mut files = Vec::new();
    let mut groups = Vec::new();
    for (dir, wit) in packages {
        files.extend(wit);
        let group = UnresolvedPackageGroup::parse_dir(&dir)
            .map_err(|e| LoadError::new(format!("{e:#}").trim_end().to_string()))?;
        groups.push(group);
    }

    let mut resolve = Resolve::default();
    let mut groups = groups.into_iter();
    let Some(main) = groups.next() else {
        return Err(LoadError::new(format!(
            "no WIT package found in {}: expected `*.wit` files in it or in its subdirectories",
            root.display()
        )));
    };
    if let Err(e) = resolve.push_groups(main, groups.collect()) {
        return Err(LoadError::new(resolve.render_error(&e.into())));
    }
    let packages = resolve.topological_packages();
    Ok(Loaded {
        resolve,
        packages,
        files,
    })
}

/// Finds a world by its short name (`blinky`) or its qualified name
/// (`embwit:applet/blinky@0.1.0`, version optional).
pub fn find_world(resolve: &Resolve, name: &str) -> Result<WorldId, LoadError> {
    let matches: Vec<WorldId> = resolve
        .worlds
        .iter()
        .filter(|(_, w)| {
            if !name.contains('/') {
                return w.name == name;
            }
            let Some(pkg) = w.package else { return false };
            let pkg = &resolve.packages[pkg].name;
            let plain = format!("{}:{}/{}", pkg.namespace, pkg.name, w.name);
            name == plain
                || pkg
                    .version
                    .as_ref()
                    .is_some_and(|v| name == format!("{plain}@{v}"))
        })
        .map(|(id, _)| id)
        .collect();
    match matches.as_slice() {
        [id] => Ok(*id),
        [] => {
            let mut known: Vec<String> = resolve
                .worlds
                .iter()
                .map(|(id, _)| qualified_world_name(resolve, id))
                .collect();
            known.sort();
            Err(LoadError::new(format!(
                "no world named `{name}`; known worlds: {}",
                known.join(", ")
            )))
        }
        _ => {
            let mut names: Vec<String> = matches
                .iter()
                .map(|id| qualified_world_name(resolve, *id))
                .collect();
            names.sort();
            Err(LoadError::new(format!(
                "world name `{name}` is ambiguous; use one of: {}",
                names.join(", ")
            )))
        }
    }
}

/// `ns:pkg/world@version`, the name users type to pick a world unambiguously.
pub fn qualified_world_name(resolve: &Resolve, id: WorldId) -> String {
    let world = &resolve.worlds[id];
    match world.package {
        Some(pkg) => {
            let pkg = &resolve.packages[pkg].name;
            let mut name = format!("{}:{}/{}", pkg.namespace, pkg.name, world.name);
            if let Some(v) = &pkg.version {
                name.push_str(&format!("@{v}"));
            }
            name
        }
        None => world.name.clone(),
    }
}

/// The directories under `root` that hold a package, each with its `*.wit` files: `root` itself
/// if it has any, its `deps/*` when it does, and each direct subdirectory with `*.wit` files.
fn package_dirs(root: &Path) -> Result<Vec<(PathBuf, Vec<PathBuf>)>, LoadError> {
    if !root.is_dir() {
        return Err(LoadError::new(format!(
            "{}: not a directory of WIT packages",
            root.display()
        )));
    }
    let mut packages = Vec::new();
    let mut push_if_package = |dir: PathBuf| -> Result<bool, LoadError> {
        let wit = wit_files(&dir)?;
        let found = !wit.is_empty();
        if found {
            packages.push((dir, wit));
        }
        Ok(found)
    };
    let root_is_package = push_if_package(root.to_path_buf())?;
    for sub in subdirs(root)? {
        let is_deps = sub.file_name().is_some_and(|n| n == "deps");
        if is_deps && root_is_package {
            for dep in subdirs(&sub)? {
                push_if_package(dep)?;
            }
        } else {
            push_if_package(sub)?;
        }
    }
    Ok(packages)
}

fn subdirs(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let mut out: Vec<PathBuf> = read_dir(dir)?.into_iter().filter(|p| p.is_dir()).collect();
    out.sort();
    Ok(out)
}

fn wit_files(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let mut out: Vec<PathBuf> = read_dir(dir)?
        .into_iter()
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "wit"))
        .collect();
    out.sort();
    Ok(out)
}

fn read_dir(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| LoadError::new(format!("{}: {e}", dir.display())))?;
    entries
        .map(|entry| {
            entry
                .map(|e| e.path())
                .map_err(|e| LoadError::new(format!("{}: {e}", dir.display())))
        })
        .collect()
}

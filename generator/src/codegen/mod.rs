//! Binding generation: one WIT world in, files out.
//!
//! Every backend plans lifting and lowering through `wit_bindgen_core::abi::call` and takes layouts,
//! flat signatures and import/export names from `wit_parser` (`SizeAlign`, `Resolve::wasm_signature`,
//! `Resolve::wasm_import_name`/`wasm_export_name`), so all of them agree on the wire contract. The
//! helpers every backend shares (core names, layouts, the component-type section, the check for
//! unsupported WIT features, Rust formatting) live in [`names`]; use them instead of re-deriving.
//!
//! [`generate`] is the single entry point: it validates the world once, then runs the backend that
//! [`backend`] registers for the language.

pub mod bindgen_blocks;
pub mod c;
pub mod host;
pub mod names;
pub mod ownership;
pub mod rust;
pub mod zig;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use wit_parser::{Resolve, WorldId};

/// The languages `embwit gen --lang` knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lang {
    /// Rust guest bindings (`no_std` + `alloc`).
    Rust,
    /// Rust host glue for firmware (`no_std` + `alloc`), runtime-agnostic.
    Host,
    /// C11 guest bindings: a header and a source per world.
    C,
    /// Zig guest bindings: one `.zig` file per world.
    Zig,
}

impl Lang {
    /// Every language, in `--lang` order.
    pub const ALL: [Lang; 4] = [Lang::Rust, Lang::Host, Lang::C, Lang::Zig];

    /// The `--lang` spelling.
    pub fn name(self) -> &'static str {
        match self {
            Lang::Rust => "rust",
            Lang::Host => "host",
            Lang::C => "c",
            Lang::Zig => "zig",
        }
    }

    /// Parses a `--lang` spelling.
    pub fn from_name(name: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.name() == name)
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The backend registered for each language, `None` while a language has none yet.
/// Backends register here with one line each.
fn registry(lang: Lang) -> Option<Box<dyn Backend>> {
    match lang {
        Lang::Rust => Some(Box::new(rust::RustGuest)),
        Lang::Host => Some(Box::new(host::HostGlue)),
        Lang::C => Some(Box::new(c::C)),
        Lang::Zig => Some(Box::new(zig::Zig)),
    }
}

/// The backend for `lang`. A language without a registered backend gets one that reports so.
pub fn backend(lang: Lang) -> Box<dyn Backend> {
    registry(lang).unwrap_or_else(|| Box::new(Unavailable(lang)))
}

/// The languages that have a backend, in [`Lang::ALL`] order (snapshot tests iterate over these).
pub fn available_langs() -> Vec<Lang> {
    Lang::ALL
        .into_iter()
        .filter(|l| registry(*l).is_some())
        .collect()
}

/// Generates `lang` bindings for `world`: checks the world uses only what the sync canonical ABI
/// supports (see [`names::check_supported`]), then runs the language's backend.
pub fn generate(resolve: &Resolve, world: WorldId, lang: Lang) -> anyhow::Result<Files> {
    names::check_supported(resolve, world)?;
    let mut files = Files::default();
    backend(lang).generate(resolve, world, &mut files)?;
    Ok(files)
}

struct Unavailable(Lang);

impl Backend for Unavailable {
    fn generate(&mut self, _: &Resolve, _: WorldId, _: &mut Files) -> anyhow::Result<()> {
        anyhow::bail!("no `{}` backend is built into this embwit yet", self.0)
    }
}

/// Generated files, keyed by path relative to the output directory. Ordered, so output is
/// deterministic.
#[derive(Default, Debug, Clone, PartialEq, Eq)]
pub struct Files {
    files: BTreeMap<String, String>,
}

impl Files {
    /// Adds (or replaces) a file.
    pub fn push(&mut self, path: impl Into<String>, contents: impl Into<String>) {
        self.files.insert(path.into(), contents.into());
    }

    /// Iterates over `(path, contents)` in path order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files.iter().map(|(p, c)| (p.as_str(), c.as_str()))
    }

    /// The contents of one file.
    pub fn get(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }

    /// How many files there are.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether there are no files.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The files (relative paths) whose copy under `dir` is missing or differs from this set.
    /// Files in `dir` that this set does not contain are not compared: an output directory may
    /// hold hand-written files beside the generated ones.
    pub fn differences(&self, dir: &Path) -> Vec<String> {
        self.iter()
            .filter(|(path, contents)| {
                std::fs::read(dir.join(path)).map_or(true, |old| old != contents.as_bytes())
            })
            .map(|(path, _)| path.to_string())
            .collect()
    }
}

/// One language backend.
pub trait Backend {
    /// Generates the bindings for `world` into `files`.
    fn generate(
        &mut self,
        resolve: &Resolve,
        world: WorldId,
        files: &mut Files,
    ) -> anyhow::Result<()>;
}

//! Binding generation: one WIT world in, files out.
//!
//! Every backend plans lifting and lowering through `wit_bindgen_core::abi::call` and takes layouts,
//! flat signatures and import/export names from `wit_parser` (`SizeAlign`, `Resolve::wasm_signature`,
//! `Resolve::wasm_import_name`/`wasm_export_name`), so all of them agree on the wire contract.

use std::collections::BTreeMap;

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

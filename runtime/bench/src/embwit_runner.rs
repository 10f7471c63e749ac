//! embwit's interpreter, default configuration (no fuel metering).
use std::time::Duration;

use crate::{Runner, time_min};

/// An embwit store with one instance of a module that has no imports.
pub struct EmbwitRunner {
    store: embwit_runtime::Store<()>,
    instance: embwit_runtime::Instance,
}

impl EmbwitRunner {
    /// Loads (decodes, validates, translates) and instantiates `wasm` (which must have no
    /// imports).
    pub fn new(wasm: &[u8]) -> Result<Self, String> {
        let engine = embwit_runtime::Engine::default();
        let module =
            embwit_runtime::Module::new(&engine, wasm).map_err(|e| format!("embwit: {e}"))?;
        let mut store = embwit_runtime::Store::new(&engine, ());
        let linker = embwit_runtime::Linker::<()>::new(&engine);
        let instance = linker
            .instantiate(&mut store, &module)
            .map_err(|e| format!("embwit: {e}"))?;
        Ok(Self { store, instance })
    }
}

impl Runner for EmbwitRunner {
    fn name(&self) -> &'static str {
        "embwit"
    }

    fn bench(&mut self, export: &str, arg: u32, samples: u32) -> Result<(u32, Duration), String> {
        let func = self
            .instance
            .get_typed_func::<i32, i32>(&self.store, export)
            .map_err(|e| format!("embwit: {export}: {e}"))?;
        let store = &mut self.store;
        time_min(samples, || {
            func.call(&mut *store, arg as i32)
                .map(|r| r as u32)
                .map_err(|e| format!("embwit: {export}: {e}"))
        })
    }
}

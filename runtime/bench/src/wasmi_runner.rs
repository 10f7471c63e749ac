//! The reference peer: wasmi 2.0 with its default configuration.
use std::time::Duration;

use crate::{Runner, time_min};

/// A wasmi store with one instance of a module that has no imports.
pub struct WasmiRunner {
    store: wasmi::Store<()>,
    instance: wasmi::Instance,
}

impl WasmiRunner {
    /// Compiles and instantiates `wasm` (which must have no imports).
    pub fn new(wasm: &[u8]) -> Result<Self, String> {
        let engine = wasmi::Engine::default();
        let module = wasmi::Module::new(&engine, wasm).map_err(|e| format!("wasmi: {e}"))?;
        let mut store = wasmi::Store::new(&engine, ());
        let linker = wasmi::Linker::<()>::new(&engine);
        let instance = linker
            .instantiate_and_start(&mut store, &module)
            .map_err(|e| format!("wasmi: {e}"))?;
        Ok(Self { store, instance })
    }
}

impl Runner for WasmiRunner {
    fn name(&self) -> &'static str {
        "wasmi"
    }

    fn bench(&mut self, export: &str, arg: u32, samples: u32) -> Result<(u32, Duration), String> {
        let func = self
            .instance
            .get_typed_func::<i32, i32>(&self.store, export)
            .map_err(|e| format!("wasmi: {export}: {e}"))?;
        let store = &mut self.store;
        time_min(samples, || {
            func.call(&mut *store, arg as i32)
                .map(|r| r as u32)
                .map_err(|e| format!("wasmi: {export}: {e}"))
        })
    }
}

//! embwit's interpreter: default configuration (no fuel metering), or with fuel metering on.
use std::time::Duration;

use crate::{Runner, time_min};

/// Fuel given before every call when metering is on: far more than any workload needs.
const FUEL: u64 = 1 << 50;

/// An embwit store with one instance of a module that has no imports.
pub struct EmbwitRunner {
    store: embwit_runtime::Store<()>,
    instance: embwit_runtime::Instance,
    fuel: bool,
}

impl EmbwitRunner {
    /// Loads (decodes, validates, translates) and instantiates `wasm` (which must have no
    /// imports), without fuel metering.
    pub fn new(wasm: &[u8]) -> Result<Self, String> {
        Self::with_fuel(wasm, false)
    }

    /// As [`EmbwitRunner::new`], with fuel metering on or off.
    pub fn with_fuel(wasm: &[u8], fuel: bool) -> Result<Self, String> {
        let mut config = embwit_runtime::Config::default();
        config.consume_fuel(fuel);
        let engine = embwit_runtime::Engine::new(&config);
        let module =
            embwit_runtime::Module::new(&engine, wasm).map_err(|e| format!("embwit: {e}"))?;
        let mut store = embwit_runtime::Store::new(&engine, ());
        if fuel {
            store.set_fuel(FUEL).map_err(|e| format!("embwit: {e}"))?;
        }
        let linker = embwit_runtime::Linker::<()>::new(&engine);
        let instance = linker
            .instantiate(&mut store, &module)
            .map_err(|e| format!("embwit: {e}"))?;
        Ok(Self {
            store,
            instance,
            fuel,
        })
    }

    /// Fuel consumed so far (None without metering).
    pub fn fuel_consumed(&self) -> Option<u64> {
        self.fuel
            .then(|| FUEL - self.store.get_fuel().unwrap_or(FUEL))
    }
}

impl Runner for EmbwitRunner {
    fn name(&self) -> &'static str {
        if self.fuel { "embwit+fuel" } else { "embwit" }
    }

    fn bench(&mut self, export: &str, arg: u32, samples: u32) -> Result<(u32, Duration), String> {
        let func = self
            .instance
            .get_typed_func::<i32, i32>(&self.store, export)
            .map_err(|e| format!("embwit: {export}: {e}"))?;
        let store = &mut self.store;
        let fuel = self.fuel;
        time_min(samples, || {
            if fuel {
                store.set_fuel(FUEL).map_err(|e| format!("embwit: {e}"))?;
            }
            func.call(&mut *store, arg as i32)
                .map(|r| r as u32)
                .map_err(|e| format!("embwit: {export}: {e}"))
        })
    }
}

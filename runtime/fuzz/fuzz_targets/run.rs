//! Load arbitrary bytes; if they form a valid module without imports, instantiate it and call
//! every exported function with zero arguments, under fuel and small limits so that no input can
//! hang or exhaust memory. Traps are fine; panics are bugs. (Seed the corpus with real modules,
//! or use `cargo fuzz run run -- -dict=...`; random bytes rarely get past validation.)
#![no_main]

use embwit_runtime::{Config, Engine, ExternKind, Limits, Linker, Module, Store, Val};
use libfuzzer_sys::fuzz_target;

const FUEL: u64 = 100_000;

fuzz_target!(|data: &[u8]| {
    let mut config = Config::default();
    config.consume_fuel(true).limits(Limits {
        max_memory_pages: 16,
        max_table_elements: 10_000,
        max_call_depth: 512,
        max_value_stack: 64 * 1024,
    });
    let engine = Engine::new(&config);
    let Ok(module) = Module::new(&engine, data) else {
        return;
    };
    let mut store = Store::new(&engine, ());
    if store.set_fuel(FUEL).is_err() {
        return;
    }
    let linker = Linker::<()>::new(&engine);
    let Ok(instance) = linker.instantiate(&mut store, &module) else {
        return;
    };
    let names: Vec<String> = module
        .exports()
        .filter(|(_, kind)| *kind == ExternKind::Func)
        .map(|(name, _)| name.to_owned())
        .collect();
    for name in names {
        let Some(func) = instance.get_func(&store, &name) else {
            continue;
        };
        let ty = func.ty(&store);
        let params: Vec<Val> = ty.params().iter().map(|t| Val::default_for(*t)).collect();
        let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
        let _ = func.call(&mut store, &params, &mut results);
        let _ = store.set_fuel(FUEL);
    }
});

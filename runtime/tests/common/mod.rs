//! Shared by the fusion test files.

use embwit_runtime::*;

/// Instantiates the text module `src` (no imports). With `fuel`, metering is on and the store
/// holds that much, so a loop that does not end becomes a trap instead of a hang.
pub fn instantiate_wat(src: &str, fuel: Option<u64>) -> (Store<()>, Instance) {
    let mut config = Config::default();
    config.consume_fuel(fuel.is_some());
    let engine = Engine::new(&config);
    let module = Module::new(&engine, &wat::parse_str(src).unwrap()).unwrap();
    let mut store = Store::new(&engine, ());
    if let Some(f) = fuel {
        store.set_fuel(f).unwrap();
    }
    let inst = Linker::<()>::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    (store, inst)
}

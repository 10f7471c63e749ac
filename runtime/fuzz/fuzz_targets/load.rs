//! Decode + validate + translate arbitrary bytes: must return Ok or Err, never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let engine = embwit_runtime::Engine::default();
    let _ = embwit_runtime::Module::new(&engine, data);
});

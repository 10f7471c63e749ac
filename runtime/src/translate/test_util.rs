//! Helpers for the translator's unit tests: compile a text module, look at its IR, run it.

use alloc::vec::Vec;

use crate::ir::{Instr, absolute_targets};
use crate::{Engine, Linker, Module, Store};

pub type Code = Vec<Vec<Instr>>;

/// Each function's code (absolute targets) and its results for `args` (`None`: a trap);
/// the exports are `f0`, `f1`, ..., each `(param i32) (result i32)`.
pub fn run(src: &str, args: &[i32]) -> (Code, Vec<Option<i32>>) {
    let engine = Engine::default();
    let m = Module::new(&engine, &wat::parse_str(src).unwrap()).unwrap();
    let code = m
        .inner
        .code
        .iter()
        .map(|c| absolute_targets(&c.code))
        .collect();
    let mut store = Store::new(&engine, ());
    let inst = Linker::new(&engine).instantiate(&mut store, &m).unwrap();
    let mut out = Vec::new();
    for i in 0..m.inner.code.len() {
        let name = alloc::format!("f{i}");
        let f = inst.get_typed_func::<i32, i32>(&store, &name).unwrap();
        for &a in args {
            out.push(f.call(&mut store, a).ok());
        }
    }
    (code, out)
}

/// The name of `i`'s variant, with the `A` of a result-register form dropped (`BrGtSA` is a
/// `BrGtS` whose first operand was just written): the shape a fusion test looks for.
pub fn form(i: &Instr) -> alloc::string::String {
    let name = alloc::format!("{i:?}");
    let name = name.split('(').next().unwrap_or_default();
    name.strip_suffix('A').unwrap_or(name).into()
}

pub fn all(v: &[i32]) -> Vec<Option<i32>> {
    v.iter().map(|x| Some(*x)).collect()
}

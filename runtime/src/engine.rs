//! Engine, configuration and resource limits.

use alloc::rc::Rc;
use alloc::vec::Vec;
use core::cell::RefCell;

use crate::types::FuncType;

/// Resource limits applied to every store of an engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Maximum linear memory size, in units of 64 KiB (also for memories with 1-byte pages).
    pub max_memory_pages: u32,
    /// Maximum number of elements of one table.
    pub max_table_elements: u32,
    /// Maximum wasm call depth (frames) of one host-to-guest call.
    pub max_call_depth: u32,
    /// Maximum value stack size, in 64-bit cells, of one host-to-guest call.
    pub max_value_stack: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_memory_pages: 65536,
            max_table_elements: 10_000_000,
            max_call_depth: 16_384,
            max_value_stack: 1 << 20,
        }
    }
}

/// Engine configuration.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub(crate) consume_fuel: bool,
    pub(crate) limits: Limits,
    pub(crate) multi_memory: bool,
}

impl Config {
    /// Enable fuel metering: guest code charges fuel on function entry and loop iterations and
    /// traps with [`crate::TrapCode::OutOfFuel`] when it runs out. Off costs nothing.
    pub fn consume_fuel(&mut self, enable: bool) -> &mut Self {
        self.consume_fuel = enable;
        self
    }
    /// Accept modules with several memories (the multi-memory proposal; off by default, as
    /// Wasm 2.0 allows one memory). Has no effect without the `multi-memory` cargo feature.
    pub fn wasm_multi_memory(&mut self, enable: bool) -> &mut Self {
        self.multi_memory = enable;
        self
    }
    /// Whether multi-memory is on (needs the `multi-memory` cargo feature, on by default).
    pub(crate) fn multi_memory(&self) -> bool {
        cfg!(feature = "multi-memory") && self.multi_memory
    }
    /// Set resource limits.
    pub fn limits(&mut self, limits: Limits) -> &mut Self {
        self.limits = limits;
        self
    }
}

pub(crate) struct EngineInner {
    pub config: Config,
    /// Interned function types; the id is the index.
    types: RefCell<Vec<FuncType>>,
    /// Open-addressing hash index into `types` (entries are id + 1; 0 is empty).
    index: RefCell<Vec<u32>>,
}

/// FNV-1a over a function type's shape.
fn hash(t: &FuncType) -> usize {
    let mut h: u32 = 0x811c_9dc5;
    let mut add = |b: u8| h = (h ^ b as u32).wrapping_mul(0x0100_0193);
    add(t.params().len() as u8);
    for v in t.params().iter().chain(t.results()) {
        add(*v as u8);
    }
    h as usize
}

/// Shared compilation context: configuration and the function type registry.
#[derive(Clone)]
pub struct Engine {
    pub(crate) inner: Rc<EngineInner>,
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new(&Config::default())
    }
}

impl core::fmt::Debug for Engine {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Engine")
            .field("config", &self.inner.config)
            .finish()
    }
}

impl Engine {
    /// A new engine with the given configuration.
    pub fn new(config: &Config) -> Self {
        Engine {
            inner: Rc::new(EngineInner {
                config: config.clone(),
                types: RefCell::new(Vec::new()),
                index: RefCell::new(Vec::new()),
            }),
        }
    }
    pub(crate) fn config(&self) -> &Config {
        &self.inner.config
    }
    /// Intern a function type; equal types get equal ids (used by `call_indirect` and linking).
    pub(crate) fn intern(&self, ty: &FuncType) -> u32 {
        let mut types = self.inner.types.borrow_mut();
        let mut index = self.inner.index.borrow_mut();
        if index.len() < 2 * (types.len() + 1) {
            // Grow (power of two, at most half full) and re-insert everything.
            let cap = (2 * (types.len() + 1)).next_power_of_two().max(16);
            *index = alloc::vec![0; cap];
            for (id, t) in types.iter().enumerate() {
                let mut i = hash(t) & (cap - 1);
                while index[i] != 0 {
                    i = (i + 1) & (cap - 1);
                }
                index[i] = id as u32 + 1;
            }
        }
        let mask = index.len() - 1;
        let mut i = hash(ty) & mask;
        loop {
            match index[i] {
                0 => break,
                e if types.get(e as usize - 1) == Some(ty) => return e - 1,
                _ => i = (i + 1) & mask,
            }
        }
        types.push(ty.clone());
        index[i] = types.len() as u32;
        (types.len() - 1) as u32
    }
    pub(crate) fn same(&self, other: &Engine) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }
}

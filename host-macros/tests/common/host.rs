//! The round-trip world's host glue (via `bindgen!`) and a host that echoes values back and
//! records what it saw.

#[allow(clippy::all)]
pub mod bindings {
    embwit_host_macros::bindgen!({
        path: "../generator/tests/wit/roundtrip",
        world: "roundtrip",
    });
}

use bindings::embwit::roundtrip::host_fns::{self, Counter};
use bindings::embwit::roundtrip::types::{Color, Deep, Everything, Perms, Shape};
use embwit_host::Resource;
use embwit_host::wasmi::{Instance, State};

/// The host side: echoes values back and records what it saw.
#[derive(Default)]
pub struct Host {
    pub counters: Vec<Option<u32>>,
    pub calls: Vec<&'static str>,
    pub dropped: Vec<u32>,
}

impl host_fns::HostCounter for Host {
    fn new(&mut self, start: u32) -> Resource<Counter> {
        self.counters.push(Some(start));
        Resource::new(self.counters.len() as u32 - 1)
    }
    fn add(&mut self, c: Resource<Counter>, n: u32) -> u32 {
        let v = self.counters[c.rep() as usize]
            .as_mut()
            .expect("live counter");
        *v += n;
        *v
    }
    fn get(&mut self, c: Resource<Counter>) -> u32 {
        self.counters[c.rep() as usize].expect("live counter")
    }
    fn sum(&mut self, a: Resource<Counter>, b: Resource<Counter>) -> Resource<Counter> {
        let v = self.get(a) + self.get(b);
        self.new(v)
    }
    fn drop(&mut self, c: Resource<Counter>) {
        self.dropped.push(c.rep());
        self.counters[c.rep() as usize] = None;
    }
}

impl host_fns::Host for Host {
    fn echo_bool(&mut self, x: bool) -> bool {
        self.calls.push("bool");
        x
    }
    fn echo_ints(
        &mut self,
        a: u8,
        b: i8,
        c: u16,
        d: i16,
        e: u32,
        f: i32,
        g: u64,
        h: i64,
    ) -> (u8, i8, u16, i16, u32, i32, u64, i64) {
        self.calls.push("ints");
        (a, b, c, d, e, f, g, h)
    }
    fn echo_floats(&mut self, a: f32, b: f64) -> (f32, f64) {
        self.calls.push("floats");
        (a, b)
    }
    fn echo_char(&mut self, c: char) -> char {
        self.calls.push("char");
        c
    }
    fn echo_string(&mut self, s: String) -> String {
        self.calls.push("string");
        s
    }
    fn echo_bytes(&mut self, b: Vec<u8>) -> Vec<u8> {
        self.calls.push("bytes");
        b
    }
    fn echo_strings(&mut self, s: Vec<String>) -> Vec<String> {
        self.calls.push("strings");
        s
    }
    fn echo_everything(&mut self, e: Everything) -> Everything {
        self.calls.push("everything");
        e
    }
    fn echo_shape(&mut self, s: Shape) -> Shape {
        self.calls.push("shape");
        s
    }
    fn echo_color(&mut self, c: Color) -> Color {
        self.calls.push("color");
        c
    }
    fn echo_perms(&mut self, p: Perms) -> Perms {
        self.calls.push("perms");
        p
    }
    fn echo_option(&mut self, o: Option<String>) -> Option<String> {
        self.calls.push("option");
        o
    }
    fn echo_result(&mut self, r: Result<u32, String>) -> Result<u32, String> {
        self.calls.push("result");
        r
    }
    fn echo_deep(&mut self, d: Deep) -> Deep {
        self.calls.push("deep");
        d
    }
    fn many_args(
        &mut self,
        a1: u8,
        a2: u16,
        a3: u32,
        a4: u64,
        a5: i8,
        a6: i16,
        a7: i32,
        a8: i64,
        a9: f32,
        a10: f64,
        a11: char,
        a12: bool,
        a13: String,
        a14: u32,
        a15: u32,
        a16: u32,
        a17: u32,
    ) -> String {
        self.calls.push("many");
        format!(
            "{a1} {a2} {a3} {a4} {a5} {a6} {a7} {a8} {a9} {a10} {a11} {a12} {a13} {a14} {a15} {a16} {a17}"
        )
    }
    fn counter_value(&mut self, c: Resource<Counter>) -> u32 {
        host_fns::HostCounter::get(self, c)
    }
    fn consume_counter(&mut self, c: Resource<Counter>) -> u32 {
        let v = host_fns::HostCounter::get(self, Resource::new(c.rep()));
        self.counters[c.rep() as usize] = None;
        v
    }
}

/// The engines the glue is tested on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// wasmi 2.0.
    Wasmi,
    /// embwit's bundled interpreter.
    Embwit,
}

/// Both engines.
pub const ENGINES: [Engine; 2] = [Engine::Wasmi, Engine::Embwit];

/// A running guest on some engine: the glue's export context plus the host state.
pub trait Run: embwit_host::ExportCtx {
    /// The host state.
    fn host(&mut self) -> &mut Host;
}

impl Run for embwit_host::wasmi::Instance<'_, Host> {
    fn host(&mut self) -> &mut Host {
        self.data()
    }
}

impl Run for embwit_host::embwit_runtime::Instance<'_, Host> {
    fn host(&mut self) -> &mut Host {
        self.data()
    }
}

/// Instantiates `wasm` on `engine` with the glue linked, runs `body`, and returns its result
/// with the final host state.
pub fn with_engine<R>(
    engine: Engine,
    wasm: &[u8],
    body: impl FnOnce(&mut dyn Run) -> R,
) -> (R, Host) {
    match engine {
        Engine::Wasmi => {
            let engine = wasmi::Engine::default();
            let module = wasmi::Module::new(&engine, wasm).expect("valid guest");
            let mut linker = wasmi::Linker::<State<Host>>::new(&engine);
            bindings::add_to_linker(&mut linker, |h: &mut Host| h).expect("link");
            let mut store = wasmi::Store::new(&engine, State::new(Host::default()));
            let instance = linker
                .instantiate_and_start(&mut store, &module)
                .expect("instantiate");
            let mut inst = Instance::new(&mut store, instance);
            let r = body(&mut inst);
            (r, std::mem::take(&mut store.data_mut().data))
        }
        Engine::Embwit => {
            use embwit_host::embwit_runtime as rt;
            let engine = embwit_runtime::Engine::new(&embwit_runtime::Config::default());
            let module = embwit_runtime::Module::new(&engine, wasm).expect("valid guest");
            let mut linker = embwit_runtime::Linker::<rt::State<Host>>::new(&engine);
            bindings::add_to_linker(&mut linker, |h: &mut Host| h).expect("link");
            let mut store = embwit_runtime::Store::new(&engine, rt::State::new(Host::default()));
            let instance = linker
                .instantiate(&mut store, &module)
                .expect("instantiate");
            let mut inst = rt::Instance::new(&mut store, instance);
            let r = body(&mut inst);
            (r, std::mem::take(&mut store.data_mut().data))
        }
    }
}

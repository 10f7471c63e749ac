//! A `.wast` script interpreter for the spec tests.

use std::collections::HashMap;

use embwit_runtime::*;
use wast::core::{AbstractHeapType, HeapType, NanPattern, WastArgCore, WastRetCore};
use wast::{QuoteWat, WastArg, WastDirective, WastExecute, WastInvoke, WastRet, Wat};

/// Files left out, with the reason.
pub const SKIPPED: &[(&str, &str)] = &[(
    "custom-page-sizes/memory_max_i64.wast",
    "needs memory64, which is not part of Wasm 2.0",
)];

/// Files with known failures and how many (the test fails if a count goes up).
pub const KNOWN_FAILURES: &[(&str, usize)] = &[];

#[derive(Default)]
pub struct FileResult {
    pub passed: usize,
    pub failed: usize,
    pub messages: Vec<String>,
}

struct Runner {
    engine: Engine,
    store: Store<()>,
    linker: Linker<()>,
    instances: HashMap<String, Instance>,
    definitions: HashMap<String, Module>,
    last: Option<Instance>,
}

fn spectest(engine: &Engine, store: &mut Store<()>) -> Linker<()> {
    let mut l = Linker::new(engine);
    l.func_wrap("spectest", "print", |_: Caller<'_, ()>| {})
        .unwrap();
    l.func_wrap("spectest", "print_i32", |_: Caller<'_, ()>, _: i32| {})
        .unwrap();
    l.func_wrap("spectest", "print_i64", |_: Caller<'_, ()>, _: i64| {})
        .unwrap();
    l.func_wrap("spectest", "print_f32", |_: Caller<'_, ()>, _: f32| {})
        .unwrap();
    l.func_wrap("spectest", "print_f64", |_: Caller<'_, ()>, _: f64| {})
        .unwrap();
    l.func_wrap(
        "spectest",
        "print_i32_f32",
        |_: Caller<'_, ()>, _: i32, _: f32| {},
    )
    .unwrap();
    l.func_wrap(
        "spectest",
        "print_f64_f64",
        |_: Caller<'_, ()>, _: f64, _: f64| {},
    )
    .unwrap();
    let g = |store: &mut Store<()>, v: Val| Global::new(store, v, false);
    let gi32 = g(store, Val::I32(666));
    let gi64 = g(store, Val::I64(666));
    let gf32 = g(store, Val::F32(666.6));
    let gf64 = g(store, Val::F64(666.6));
    l.define("spectest", "global_i32", gi32).unwrap();
    l.define("spectest", "global_i64", gi64).unwrap();
    l.define("spectest", "global_f32", gf32).unwrap();
    l.define("spectest", "global_f64", gf64).unwrap();
    let table = Table::new(
        &mut *store,
        TableType {
            element: ValType::FuncRef,
            limits: TypeLimits {
                min: 10,
                max: Some(20),
            },
        },
        Val::FuncRef(None),
    )
    .unwrap();
    l.define("spectest", "table", table).unwrap();
    let mem = Memory::new(
        &mut *store,
        MemoryType {
            limits: TypeLimits {
                min: 1,
                max: Some(2),
            },
            page_size_log2: 16,
        },
    )
    .unwrap();
    l.define("spectest", "memory", mem).unwrap();
    l
}

fn arg(a: &WastArg<'_>) -> Result<Val, String> {
    let WastArg::Core(a) = a else {
        return Err("component arg".into());
    };
    Ok(match a {
        WastArgCore::I32(v) => Val::I32(*v),
        WastArgCore::I64(v) => Val::I64(*v),
        WastArgCore::F32(v) => Val::F32(f32::from_bits(v.bits)),
        WastArgCore::F64(v) => Val::F64(f64::from_bits(v.bits)),
        WastArgCore::RefNull(HeapType::Abstract {
            ty: AbstractHeapType::Func,
            ..
        }) => Val::FuncRef(None),
        WastArgCore::RefNull(HeapType::Abstract {
            ty: AbstractHeapType::Extern,
            ..
        }) => Val::ExternRef(None),
        WastArgCore::RefExtern(n) => Val::ExternRef(Some(ExternRef(*n))),
        other => return Err(format!("unsupported arg {other:?}")),
    })
}

fn matches(v: &Val, r: &WastRetCore<'_>) -> bool {
    match (r, v) {
        (WastRetCore::I32(a), Val::I32(b)) => a == b,
        (WastRetCore::I64(a), Val::I64(b)) => a == b,
        (WastRetCore::F32(p), Val::F32(b)) => {
            let bits = b.to_bits();
            match p {
                NanPattern::CanonicalNan => bits & 0x7fff_ffff == 0x7fc0_0000,
                NanPattern::ArithmeticNan => b.is_nan() && bits & 0x0040_0000 != 0,
                NanPattern::Value(x) => x.bits == bits,
            }
        }
        (WastRetCore::F64(p), Val::F64(b)) => {
            let bits = b.to_bits();
            match p {
                NanPattern::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
                NanPattern::ArithmeticNan => b.is_nan() && bits & 0x0008_0000_0000_0000 != 0,
                NanPattern::Value(x) => x.bits == bits,
            }
        }
        (WastRetCore::RefNull(_), Val::FuncRef(None) | Val::ExternRef(None)) => true,
        (WastRetCore::RefExtern(None), Val::ExternRef(Some(_))) => true,
        (WastRetCore::RefExtern(Some(n)), Val::ExternRef(Some(e))) => e.0 == *n,
        (WastRetCore::RefFunc(_), Val::FuncRef(Some(_))) => true,
        (WastRetCore::Either(alts), v) => alts.iter().any(|a| matches(v, a)),
        _ => false,
    }
}

fn module_id(q: &QuoteWat<'_>) -> Option<String> {
    match q {
        QuoteWat::Wat(Wat::Module(m)) => m.id.map(|i| i.name().to_string()),
        _ => None,
    }
}

impl Runner {
    fn new(multi_memory: bool) -> Self {
        let mut config = Config::default();
        config.wasm_multi_memory(multi_memory);
        let engine = Engine::new(&config);
        let mut store = Store::new(&engine, ());
        let linker = spectest(&engine, &mut store);
        Runner {
            engine,
            store,
            linker,
            instances: HashMap::new(),
            definitions: HashMap::new(),
            last: None,
        }
    }

    fn instance(&self, id: Option<&str>) -> Result<Instance, String> {
        match id {
            Some(id) => self
                .instances
                .get(id)
                .copied()
                .ok_or_else(|| format!("no instance {id}")),
            None => self.last.ok_or_else(|| "no current instance".to_string()),
        }
    }

    fn compile(&self, q: &mut QuoteWat<'_>) -> Result<Module, String> {
        let bytes = q.encode().map_err(|e| format!("wast encode: {e}"))?;
        Module::new(&self.engine, &bytes).map_err(|e| e.to_string())
    }

    fn instantiate(&mut self, m: &Module) -> Result<Instance, Error> {
        self.linker.instantiate(&mut self.store, m)
    }

    fn invoke(&mut self, inv: &WastInvoke<'_>) -> Result<Result<Vec<Val>, Trap>, String> {
        let inst = self.instance(inv.module.map(|i| i.name()))?;
        let f = inst
            .get_func(&self.store, inv.name)
            .ok_or_else(|| format!("no export {}", inv.name))?;
        let args = inv.args.iter().map(arg).collect::<Result<Vec<_>, _>>()?;
        let ty = f.ty(&self.store);
        let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
        Ok(f.call(&mut self.store, &args, &mut results)
            .map(|()| results))
    }

    fn execute(&mut self, exec: &mut WastExecute<'_>) -> Result<Result<Vec<Val>, Trap>, String> {
        match exec {
            WastExecute::Invoke(inv) => self.invoke(inv),
            WastExecute::Get { module, global, .. } => {
                let inst = self.instance(module.map(|i| i.name()))?;
                let g = inst
                    .get_global(&self.store, global)
                    .ok_or_else(|| format!("no global {global}"))?;
                Ok(Ok(vec![g.get(&self.store)]))
            }
            WastExecute::Wat(w) => {
                let bytes = w.encode().map_err(|e| format!("wast encode: {e}"))?;
                let m = Module::new(&self.engine, &bytes).map_err(|e| e.to_string())?;
                match self.instantiate(&m) {
                    Ok(_) => Ok(Ok(vec![])),
                    Err(e) => match e.trap() {
                        Some(t) => Ok(Err(t.clone())),
                        None => Err(format!("instantiation failed without trap: {e}")),
                    },
                }
            }
        }
    }

    fn directive(&mut self, d: WastDirective<'_>) -> Result<(), String> {
        match d {
            WastDirective::Module(mut q) => {
                let id = module_id(&q);
                let m = self.compile(&mut q)?;
                let inst = self.instantiate(&m).map_err(|e| e.to_string())?;
                if let Some(id) = id {
                    self.instances.insert(id, inst);
                }
                self.last = Some(inst);
                Ok(())
            }
            WastDirective::ModuleDefinition(mut q) => {
                let id = module_id(&q);
                let m = self.compile(&mut q)?;
                if let Some(id) = id {
                    self.definitions.insert(id, m);
                }
                Ok(())
            }
            WastDirective::ModuleInstance {
                instance, module, ..
            } => {
                let m = module
                    .and_then(|m| self.definitions.get(m.name()).cloned())
                    .ok_or("unknown module definition")?;
                let inst = self.instantiate(&m).map_err(|e| e.to_string())?;
                if let Some(id) = instance {
                    self.instances.insert(id.name().to_string(), inst);
                }
                self.last = Some(inst);
                Ok(())
            }
            WastDirective::Register { name, module, .. } => {
                let inst = self.instance(module.map(|i| i.name()))?;
                self.linker
                    .instance(&self.store, name, inst)
                    .map_err(|e| e.to_string())?;
                Ok(())
            }
            WastDirective::Invoke(inv) => match self.invoke(&inv)? {
                Ok(_) => Ok(()),
                Err(t) => Err(format!("invoke trapped: {t}")),
            },
            WastDirective::AssertReturn {
                mut exec, results, ..
            } => {
                let got = self
                    .execute(&mut exec)?
                    .map_err(|t| format!("trapped: {t}"))?;
                if got.len() != results.len() {
                    return Err(format!("expected {} results, got {got:?}", results.len()));
                }
                for (g, r) in got.iter().zip(&results) {
                    let WastRet::Core(r) = r else {
                        return Err("component result".into());
                    };
                    if !matches(g, r) {
                        return Err(format!("expected {r:?}, got {g:?}"));
                    }
                }
                Ok(())
            }
            WastDirective::AssertTrap {
                mut exec, message, ..
            } => match self.execute(&mut exec)? {
                Ok(v) => Err(format!("expected trap `{message}`, got {v:?}")),
                Err(_) => Ok(()),
            },
            WastDirective::AssertExhaustion { call, message, .. } => match self.invoke(&call)? {
                Ok(v) => Err(format!("expected exhaustion `{message}`, got {v:?}")),
                Err(t) if t.code() == Some(TrapCode::StackOverflow) => Ok(()),
                Err(t) => Err(format!("expected exhaustion, got trap {t}")),
            },
            WastDirective::AssertInvalid {
                mut module,
                message,
                ..
            } => match self.compile(&mut module) {
                Ok(_) => Err(format!("expected invalid `{message}`, module loaded")),
                Err(e) if e.starts_with("wast encode") => Err(e),
                Err(_) => Ok(()),
            },
            WastDirective::AssertMalformed {
                mut module,
                message,
                ..
            } => {
                let is_text = matches!(module, QuoteWat::QuoteModule(..));
                match module.encode() {
                    // A text module the text parser rejects is malformed text: that's a pass.
                    Err(_) if is_text => Ok(()),
                    Err(e) => Err(format!("wast encode: {e}")),
                    Ok(bytes) => match Module::new(&self.engine, &bytes) {
                        Ok(_) => Err(format!("expected malformed `{message}`, module loaded")),
                        Err(_) => Ok(()),
                    },
                }
            }
            WastDirective::AssertUnlinkable {
                mut module,
                message,
                ..
            } => {
                let bytes = module.encode().map_err(|e| format!("wast encode: {e}"))?;
                let m = Module::new(&self.engine, &bytes).map_err(|e| e.to_string())?;
                match self.instantiate(&m) {
                    Ok(_) => Err(format!("expected unlinkable `{message}`, instantiated")),
                    Err(e) if e.kind() == ErrorKind::Unlinkable => Ok(()),
                    Err(e) => Err(format!("expected unlinkable, got {e}")),
                }
            }
            other => Err(format!("unsupported directive {other:?}")),
        }
    }
}

/// Run one `.wast` file.
pub fn run_file(name: &str, src: &str, verbose: bool) -> FileResult {
    let mut res = FileResult::default();
    let mut lexer = wast::lexer::Lexer::new(src);
    lexer.allow_confusing_unicode(true);
    let buf = match wast::parser::ParseBuffer::new_with_lexer(lexer) {
        Ok(b) => b,
        Err(e) => {
            res.failed += 1;
            res.messages.push(format!("{name}: lex error {e}"));
            return res;
        }
    };
    let directives = match wast::parser::parse::<wast::Wast<'_>>(&buf) {
        Ok(w) => w.directives,
        Err(e) => {
            res.failed += 1;
            res.messages.push(format!("{name}: parse error {e}"));
            return res;
        }
    };
    // The custom-page-sizes tests use several memories; Wasm 2.0 itself forbids that.
    let mut runner = Runner::new(name.starts_with("custom-page-sizes/"));
    for d in directives {
        let (line, col) = d.span().linecol_in(src);
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| runner.directive(d)))
            .unwrap_or_else(|_| Err("PANIC".to_string()));
        match r {
            Ok(()) => res.passed += 1,
            Err(e) => {
                res.failed += 1;
                if verbose {
                    res.messages
                        .push(format!("{name}:{}:{}: {e}", line + 1, col + 1));
                }
            }
        }
    }
    res
}
